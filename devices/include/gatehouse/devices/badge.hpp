// Visitor badge layout: a vector PDF (cairo + pango, DejaVu fonts) with photo, name, host unit,
// purpose, dates, kiosk and the exit QR. Any script DejaVu covers, right-to-left included;
// glyphs no installed font has are drawn as boxes, never a crash.
#pragma once
#include <chrono>
#include <opencv2/core.hpp>
#include <string>
#include <string_view>

#include "gatehouse/core/result.hpp"

namespace gatehouse::devices {

enum class BadgeSize { cr80, brotherQl62x100, dymo30256, a6, custom };
std::string_view toString(
    BadgeSize s);  // "cr80", "brother-ql-62x100", "dymo-30256", "a6", "custom"
Result<BadgeSize> badgeSizeFromString(std::string_view name);

struct BadgeLabels {  // translated by the kiosk; defaults are English
  std::string title = "VISITOR";
  std::string host = "Visiting";
  std::string purpose = "Purpose";
  std::string issued = "Issued";
  std::string validUntil = "Valid until";
  std::string kiosk = "Kiosk";
  std::string exitHint = "Scan at exit";
};

struct BadgeLayout {
  BadgeSize size = BadgeSize::cr80;
  double widthMm = 85.6;  // set by layoutFor(); only read as given for BadgeSize::custom
  double heightMm = 53.98;
  double marginMm = 3.0;
  std::string fontFamily = "DejaVu Sans";
  double nameMaxPt = 16;  // the name starts here and shrinks...
  double nameMinPt = 8;   // ...down to here, then is cut with an ellipsis
  int nameMaxLines = 2;
  double textPt = 6.3;
  std::string accentColor = "#1f4e79";        // header band
  std::string dateFormat = "%Y-%m-%d %H:%M";  // strftime, local time
  BadgeLabels labels{};
};
// Preset geometry for a size (CR80 85.6x54 landscape, Brother QL 62x100, DYMO 30256 59x102, A6).
BadgeLayout layoutFor(BadgeSize size);

struct BadgeData {
  std::string visitorName;
  std::string hostUnit;
  std::string purpose;
  std::string kioskName;
  std::chrono::system_clock::time_point issuedAt{};
  std::chrono::system_clock::time_point validUntil{};
  cv::Mat photo;           // BGR; empty = placeholder
  std::string exitQrText;  // gatehouse::ExitToken::encode()
};

struct RenderedBadge {
  std::string pdf;        // the document bytes
  double nameFontPt = 0;  // the size the name was set in
  int nameLines = 0;
  bool nameTruncated = false;
};

// Errors: bad_layout (page or margins impossible), encode_failed (QR), render_failed.
Result<RenderedBadge> renderBadge(const BadgeData& data, const BadgeLayout& layout);

}  // namespace gatehouse::devices
