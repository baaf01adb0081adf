// Badge rendering with cairo (PDF surface) and pango (shaping, bidi, wrapping, font fallback).
#include "gatehouse/devices/badge.hpp"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <ctime>
#include <memory>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "gatehouse/devices/barcode.hpp"

namespace gatehouse::devices {
namespace {

constexpr double kPtPerMm = 72.0 / 25.4;

struct Rgb {
  double r, g, b;
};

Rgb parseColor(const std::string& hex) {
  unsigned v = 0x1f4e79;
  if (hex.size() == 7 && hex[0] == '#')
    v = static_cast<unsigned>(std::strtoul(hex.c_str() + 1, nullptr, 16));
  return {((v >> 16) & 0xFF) / 255.0, ((v >> 8) & 0xFF) / 255.0, (v & 0xFF) / 255.0};
}

std::string formatTime(std::chrono::system_clock::time_point t, const std::string& fmt) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  char buf[128];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  const std::size_t n = std::strftime(buf, sizeof buf, fmt.c_str(), &tm);  // format from config
#pragma GCC diagnostic pop
  return std::string(buf, n);
}

struct LayoutDeleter {
  void operator()(PangoLayout* l) const { g_object_unref(l); }
};
using LayoutPtr = std::unique_ptr<PangoLayout, LayoutDeleter>;
struct FontDeleter {
  void operator()(PangoFontDescription* f) const { pango_font_description_free(f); }
};

class Writer {
 public:
  Writer(cairo_t* cr, const BadgeLayout& layout) : cr_(cr), layout_(layout) {}

  LayoutPtr make(const std::string& text, double pt, bool bold, double width) {
    LayoutPtr l(pango_cairo_create_layout(cr_));
    std::unique_ptr<PangoFontDescription, FontDeleter> font(pango_font_description_new());
    pango_font_description_set_family(font.get(), layout_.fontFamily.c_str());
    pango_font_description_set_weight(font.get(), bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_absolute_size(font.get(), pt * PANGO_SCALE);
    pango_layout_set_font_description(l.get(), font.get());
    pango_layout_set_width(l.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(l.get(), PANGO_WRAP_WORD_CHAR);
    // Plain text, no markup. Names come from people and ID cards: repair invalid UTF-8 first.
    if (g_utf8_validate(text.data(), static_cast<gssize>(text.size()), nullptr)) {
      pango_layout_set_text(l.get(), text.c_str(), static_cast<int>(text.size()));
    } else {
      gchar* valid = g_utf8_make_valid(text.data(), static_cast<gssize>(text.size()));
      pango_layout_set_text(l.get(), valid, -1);
      g_free(valid);
    }
    return l;
  }

  static double heightOf(PangoLayout* l) {
    int w = 0, h = 0;
    pango_layout_get_size(l, &w, &h);
    return static_cast<double>(h) / PANGO_SCALE;
  }

  // One block of text; returns its height. maxLines > 0 cuts with an ellipsis.
  double draw(const std::string& text, double x, double y, double width, double pt, bool bold,
              int maxLines = 1, PangoAlignment align = PANGO_ALIGN_LEFT) {
    if (text.empty()) return 0;
    auto l = make(text, pt, bold, width);
    pango_layout_set_alignment(l.get(), align);
    if (maxLines > 0) {
      pango_layout_set_ellipsize(l.get(), PANGO_ELLIPSIZE_END);
      pango_layout_set_height(l.get(), -maxLines);
    }
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, l.get());
    return heightOf(l.get());
  }

 private:
  cairo_t* cr_;
  const BadgeLayout& layout_;
};

cairo_status_t appendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

void drawPhoto(cairo_t* cr, const cv::Mat& photo, double x, double y, double w, double h) {
  cairo_save(cr);
  cairo_rectangle(cr, x, y, w, h);
  cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
  cairo_fill_preserve(cr);
  cairo_clip(cr);
  if (!photo.empty() && photo.type() == CV_8UC3) {
    // 300 dpi is all a badge printer resolves; larger photos only bloat the PDF.
    const double targetPx = std::max(w, h) / 72.0 * 300.0;
    cv::Mat img = photo;
    const double shrink = targetPx / std::max(photo.cols, photo.rows);
    if (shrink < 1.0) cv::resize(photo, img, cv::Size(), shrink, shrink, cv::INTER_AREA);
    cv::Mat bgra;
    cv::cvtColor(img, bgra,
                 cv::COLOR_BGR2BGRA);  // cairo ARGB32 is B,G,R,A in memory (little endian)
    cairo_surface_t* surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, bgra.cols, bgra.rows);
    const int stride = cairo_image_surface_get_stride(surf);
    unsigned char* dst = cairo_image_surface_get_data(surf);
    for (int r = 0; r < bgra.rows; ++r)
      std::memcpy(dst + r * stride, bgra.ptr(r), static_cast<std::size_t>(bgra.cols) * 4);
    cairo_surface_mark_dirty(surf);
    // Embed as JPEG: the PDF carries the compressed photo, not raw pixels.
    std::vector<unsigned char> jpeg;
    if (cv::imencode(".jpg", img, jpeg, {cv::IMWRITE_JPEG_QUALITY, 90})) {
      auto* copy = static_cast<unsigned char*>(std::malloc(jpeg.size()));
      if (copy != nullptr) {
        std::memcpy(copy, jpeg.data(), jpeg.size());
        cairo_surface_set_mime_data(surf, CAIRO_MIME_TYPE_JPEG, copy, jpeg.size(), std::free, copy);
      }
    }
    const double s = std::max(w / bgra.cols, h / bgra.rows);  // cover the box, crop the rest
    cairo_translate(cr, x + (w - bgra.cols * s) / 2, y + (h - bgra.rows * s) / 2);
    cairo_scale(cr, s, s);
    cairo_set_source_surface(cr, surf, 0, 0);
    cairo_paint(cr);
    cairo_surface_destroy(surf);
  }
  cairo_restore(cr);
}

Status drawQr(cairo_t* cr, const std::string& text, double x, double y, double size) {
  auto code = encodeCode(CodeFormat::qr, text, 1, 2);
  if (!code) return code.error();
  const cv::Mat& m = code.value();
  const double cell = size / m.cols;
  cairo_save(cr);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_rectangle(cr, x, y, size, size);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (int r = 0; r < m.rows; ++r)
    for (int c = 0; c < m.cols; ++c)
      if (m.at<unsigned char>(r, c) == 0)
        cairo_rectangle(cr, x + c * cell, y + r * cell, cell + 0.01, cell + 0.01);
  cairo_fill(cr);
  cairo_restore(cr);
  return Ok{};
}

}  // namespace

std::string_view toString(BadgeSize s) {
  switch (s) {
    case BadgeSize::cr80:
      return "cr80";
    case BadgeSize::brotherQl62x100:
      return "brother-ql-62x100";
    case BadgeSize::dymo30256:
      return "dymo-30256";
    case BadgeSize::a6:
      return "a6";
    case BadgeSize::custom:
      return "custom";
  }
  return "custom";
}

Result<BadgeSize> badgeSizeFromString(std::string_view name) {
  for (auto s : {BadgeSize::cr80, BadgeSize::brotherQl62x100, BadgeSize::dymo30256, BadgeSize::a6,
                 BadgeSize::custom})
    if (toString(s) == name) return s;
  return makeError("bad_config", "unknown badge size: " + std::string(name));
}

BadgeLayout layoutFor(BadgeSize size) {
  BadgeLayout l;
  l.size = size;
  l.textPt = 6.3;
  switch (size) {
    case BadgeSize::cr80:
      l.widthMm = 85.6, l.heightMm = 53.98;
      break;
    case BadgeSize::brotherQl62x100:
      l.widthMm = 62, l.heightMm = 100, l.nameMaxPt = 18, l.textPt = 8.5;
      break;
    case BadgeSize::dymo30256:
      l.widthMm = 59, l.heightMm = 102, l.nameMaxPt = 18, l.textPt = 8.5;
      break;
    case BadgeSize::a6:
      l.widthMm = 105, l.heightMm = 148, l.marginMm = 6, l.nameMaxPt = 26, l.nameMinPt = 11,
      l.textPt = 12;
      break;
    case BadgeSize::custom:
      break;
  }
  return l;
}

namespace {

struct CairoDeleter {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};

// Where the photo and the text block go. Landscape (CR80): photo left; name across the rest;
// details left of the QR below it. Portrait (labels, A6): photo and QR side by side on top; name
// and details below.
struct Frame {
  double W, H, m, top, bottom, gap, hint;
  bool landscape;
  double photoW, photoH, textX, textY, textW, nameBoxH;
};

Frame frameFor(const BadgeLayout& layout, double band) {
  Frame f{};
  f.W = layout.widthMm * kPtPerMm;
  f.H = layout.heightMm * kPtPerMm;
  f.m = layout.marginMm * kPtPerMm;
  f.landscape = f.W >= f.H;
  f.top = band + f.m * 0.8;
  f.bottom = f.H - f.m;
  f.gap = f.m * 0.8;
  f.hint = layout.textPt * 1.3;
  if (f.landscape) {
    f.photoW = std::min(0.27 * f.W, (f.bottom - f.top) * 0.8);
    f.photoH = std::min(f.photoW * 1.25, f.bottom - f.top);
    f.textX = f.m + f.photoW + f.gap;
    f.textY = f.top;
    f.textW = f.W - f.m - f.textX;
    f.nameBoxH = (f.bottom - f.top) * 0.42;
  } else {
    f.photoW = (f.W - 3 * f.m) * 0.45;
    f.photoH = f.photoW * 1.25;
    f.textX = f.m;
    f.textW = f.W - 2 * f.m;
    const double qr = std::min(f.W - 3 * f.m - f.photoW, f.photoH);
    f.textY = f.top + std::max(f.photoH, qr + f.hint) + f.gap;
    f.nameBoxH = (f.bottom - f.textY) * 0.4;
  }
  return f;
}

double bandHeight(const BadgeLayout& layout) {
  const double W = layout.widthMm * kPtPerMm;
  const double H = layout.heightMm * kPtPerMm;
  return std::max(6 * kPtPerMm, (W >= H ? 0.17 : 0.1) * H);
}

void drawHeader(cairo_t* cr, Writer& text, const BadgeLayout& layout, const Frame& f, double band) {
  const Rgb accent = parseColor(layout.accentColor);
  cairo_set_source_rgb(cr, accent.r, accent.g, accent.b);
  cairo_rectangle(cr, 0, 0, f.W, band);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 1, 1, 1);
  const double titlePt = band * 0.5;
  text.draw(layout.labels.title, f.m, (band - titlePt * 1.2) / 2, f.W - 2 * f.m, titlePt, true, 1,
            PANGO_ALIGN_CENTER);
}

// The name: the largest size at which it fits in nameMaxLines, else the minimum size, cut.
// Records what was chosen in `out` and moves f.textY below the name.
void drawName(cairo_t* cr, Writer& text, const BadgeLayout& layout, const std::string& visitor,
              Frame& f, RenderedBadge& out) {
  cairo_set_source_rgb(cr, 0, 0, 0);
  const std::string name = visitor.empty() ? std::string("-") : visitor;
  double pt = layout.nameMaxPt;
  for (; pt > layout.nameMinPt; pt -= 0.5) {
    auto l = text.make(name, pt, true, f.textW);
    if (pango_layout_get_line_count(l.get()) <= layout.nameMaxLines &&
        Writer::heightOf(l.get()) <= f.nameBoxH)
      break;
  }
  pt = std::max(pt, layout.nameMinPt);
  auto l = text.make(name, pt, true, f.textW);
  pango_layout_set_ellipsize(l.get(), PANGO_ELLIPSIZE_END);
  pango_layout_set_height(l.get(), -layout.nameMaxLines);
  cairo_move_to(cr, f.textX, f.textY);
  pango_cairo_show_layout(cr, l.get());
  out.nameFontPt = pt;
  out.nameLines = pango_layout_get_line_count(l.get());
  out.nameTruncated = pango_layout_is_ellipsized(l.get());
  f.textY += Writer::heightOf(l.get()) + layout.textPt * 0.5;
}

// The exit QR with its hint under it; in landscape the details column narrows to its left.
Status drawExitQr(cairo_t* cr, Writer& text, const BadgeLayout& layout, const std::string& qrText,
                  Frame& f) {
  double qrSize, qrX, qrY;
  if (f.landscape) {
    qrSize = std::min(0.32 * f.W, f.bottom - f.textY - f.hint);
    qrX = f.W - f.m - qrSize;
    qrY = f.bottom - f.hint - qrSize;
    f.textW = qrX - f.gap - f.textX;
  } else {
    qrSize = std::min(f.W - 3 * f.m - f.photoW, f.photoH);
    qrX = f.W - f.m - qrSize;
    qrY = f.top;
  }
  if (qrSize < 10 * kPtPerMm)
    return makeError("bad_layout", "no room for an exit QR of at least 10 mm");
  if (auto s = drawQr(cr, qrText, qrX, qrY, qrSize); !s) return s.error();
  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  text.draw(layout.labels.exitHint, qrX - f.m, qrY + qrSize + 1, qrSize + 2 * f.m,
            layout.textPt * 0.8, false, 1, PANGO_ALIGN_CENTER);
  return Ok{};
}

// Host, purpose, validity, issue time and kiosk, as many as fit above the bottom margin.
void drawDetails(cairo_t* cr, Writer& text, const BadgeLayout& layout, const BadgeData& data,
                 Frame& f) {
  cairo_set_source_rgb(cr, 0, 0, 0);
  const double lineGap = layout.textPt * 0.25;
  auto line = [&](const std::string& label, const std::string& value, bool bold) {
    if (value.empty() || f.textY > f.bottom - layout.textPt) return;
    f.textY += text.draw(label + ": " + value, f.textX, f.textY, f.textW, layout.textPt, bold, 2) +
               lineGap;
  };
  line(layout.labels.host, data.hostUnit, true);
  line(layout.labels.purpose, data.purpose, false);
  line(layout.labels.validUntil, formatTime(data.validUntil, layout.dateFormat), true);
  line(layout.labels.issued, formatTime(data.issuedAt, layout.dateFormat), false);
  line(layout.labels.kiosk, data.kioskName, false);
}

Status checkLayout(const BadgeLayout& layout) {
  const double W = layout.widthMm * kPtPerMm;
  const double H = layout.heightMm * kPtPerMm;
  const double m = layout.marginMm * kPtPerMm;
  if (W < 72 || H < 72 || W > 2000 || H > 2000 || m < 0 || 4 * m > std::min(W, H) ||
      layout.nameMinPt <= 0 || layout.nameMaxPt < layout.nameMinPt || layout.nameMaxLines < 1 ||
      layout.textPt <= 0)
    return makeError("bad_layout", "badge page, margins or font sizes out of range");
  return Ok{};
}

}  // namespace

Result<RenderedBadge> renderBadge(const BadgeData& data, const BadgeLayout& layout) {
  if (auto s = checkLayout(layout); !s) return s.error();
  if (data.exitQrText.empty()) return makeError("encode_failed", "no exit token for the QR");
  const double band = bandHeight(layout);
  Frame f = frameFor(layout, band);

  RenderedBadge out;
  std::unique_ptr<cairo_surface_t, CairoDeleter> surface(
      cairo_pdf_surface_create_for_stream(appendToString, &out.pdf, f.W, f.H));
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                 "Gatehouse visitor badge");
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "Gatehouse");
  {
    std::unique_ptr<cairo_t, CairoDeleter> cr(cairo_create(surface.get()));
    Writer text(cr.get(), layout);
    drawHeader(cr.get(), text, layout, f, band);
    drawPhoto(cr.get(), data.photo, f.m, f.top, f.photoW, f.photoH);
    drawName(cr.get(), text, layout, data.visitorName, f, out);
    if (auto s = drawExitQr(cr.get(), text, layout, data.exitQrText, f); !s) return s.error();
    drawDetails(cr.get(), text, layout, data, f);
    cairo_show_page(cr.get());
  }
  cairo_surface_finish(surface.get());
  const cairo_status_t st = cairo_surface_status(surface.get());
  if (st != CAIRO_STATUS_SUCCESS) return makeError("render_failed", cairo_status_to_string(st));
  return out;
}

}  // namespace gatehouse::devices
