// Badge PDF: rendered back to pixels with poppler, its QR decodes to the exit token; names in
// any script fit or shrink; real fonts are embedded; every preset size renders.
#include "gatehouse/devices/badge.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "gatehouse/core/pass.hpp"
#include "gatehouse/devices/barcode.hpp"

using namespace gatehouse;
using namespace gatehouse::devices;
namespace fs = std::filesystem;

namespace {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/gatehouse-badge-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

BadgeData sample(const std::string& token) {
  BadgeData d;
  d.visitorName = "Anna Maria Eriksson";
  d.hostUnit = "B-1204";
  d.purpose = "Delivery";
  d.kioskName = "North gate";
  d.issuedAt = std::chrono::system_clock::from_time_t(1'800'000'000);
  d.validUntil = d.issuedAt + std::chrono::hours(4);
  d.photo = cv::Mat(480, 400, CV_8UC3, cv::Scalar(90, 140, 200));
  cv::circle(d.photo, {200, 200}, 120, cv::Scalar(60, 90, 160), -1);
  d.exitQrText = token;
  return d;
}

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  ::pclose(p);
  return out;
}

cv::Mat rasterize(const std::string& pdf, const TempDir& dir, int dpi = 300) {
  const fs::path in = dir.path() / "badge.pdf";
  std::ofstream(in, std::ios::binary) << pdf;
  const fs::path outPrefix = dir.path() / "page";
  run("pdftoppm -r " + std::to_string(dpi) + " -png -singlefile " + in.string() + " " +
      outPrefix.string());
  return cv::imread(outPrefix.string() + ".png");
}

}  // namespace

TEST(Badge, QrInThePrintedPdfDecodesToTheExitToken) {
  const auto token = ExitToken::generate(Uuid::random());
  auto badge = renderBadge(sample(token.encode()), layoutFor(BadgeSize::cr80));
  ASSERT_TRUE(badge) << badge.error().message;
  EXPECT_EQ(badge->pdf.rfind("%PDF-", 0), 0u);
  TempDir dir;
  const cv::Mat page = rasterize(badge->pdf, dir);
  ASSERT_FALSE(page.empty());
  EXPECT_NEAR(page.cols, 85.6 / 25.4 * 300, 3);  // CR80 at 300 dpi
  DecodeOptions o;
  o.formats = CodeFormat::qr;
  o.thorough = true;
  const auto codes = decodeCodes(page, o);
  ASSERT_EQ(codes.size(), 1u);
  EXPECT_EQ(codes[0].text, token.encode());
  auto parsed = parseExitToken(codes[0].text);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->visitId, token.visitId);
}

TEST(Badge, EveryPresetSizeRendersWithItsPageSizeAndAReadableQr) {
  const std::string token = ExitToken::generate(Uuid::random()).encode();
  for (auto size :
       {BadgeSize::cr80, BadgeSize::brotherQl62x100, BadgeSize::dymo30256, BadgeSize::a6}) {
    const auto layout = layoutFor(size);
    auto badge = renderBadge(sample(token), layout);
    ASSERT_TRUE(badge) << toString(size);
    TempDir dir;
    const cv::Mat page = rasterize(badge->pdf, dir, 150);
    ASSERT_FALSE(page.empty()) << toString(size);
    EXPECT_NEAR(page.cols, layout.widthMm / 25.4 * 150, 2) << toString(size);
    EXPECT_NEAR(page.rows, layout.heightMm / 25.4 * 150, 2) << toString(size);
    DecodeOptions o;
    o.formats = CodeFormat::qr;
    o.thorough = true;
    const auto codes = decodeCodes(page, o);
    ASSERT_EQ(codes.size(), 1u) << toString(size);
    EXPECT_EQ(codes[0].text, token);
  }
}

TEST(Badge, EmbedsDejaVuFonts) {
  auto badge =
      renderBadge(sample(ExitToken::generate(Uuid::random()).encode()), layoutFor(BadgeSize::cr80));
  ASSERT_TRUE(badge);
  TempDir dir;
  const fs::path in = dir.path() / "b.pdf";
  std::ofstream(in, std::ios::binary) << badge->pdf;
  const std::string fonts = run("pdffonts " + in.string());
  EXPECT_NE(fonts.find("DejaVuSans"), std::string::npos) << fonts;
  EXPECT_NE(fonts.find("DejaVuSans-Bold"), std::string::npos) << fonts;
}

TEST(Badge, ShortNamesUseTheLargestSizeOnOneLine) {
  auto d = sample("GHX1:x");
  d.visitorName = "Li Wei";
  const auto layout = layoutFor(BadgeSize::cr80);
  auto badge = renderBadge(d, layout);
  ASSERT_TRUE(badge);
  EXPECT_EQ(badge->nameFontPt, layout.nameMaxPt);
  EXPECT_EQ(badge->nameLines, 1);
  EXPECT_FALSE(badge->nameTruncated);
}

TEST(Badge, FitsLongNamesOnTwoLines) {
  auto d = sample("GHX1:x");
  d.visitorName = "Maximiliana Alexandrovna Konstantinopolous-Vanderbilt";
  const auto layout = layoutFor(BadgeSize::cr80);
  auto badge = renderBadge(d, layout);
  ASSERT_TRUE(badge);
  EXPECT_LT(badge->nameFontPt, layout.nameMaxPt);
  EXPECT_GE(badge->nameFontPt, layout.nameMinPt);
  EXPECT_LE(badge->nameLines, 2);
  EXPECT_FALSE(badge->nameTruncated);
}

TEST(Badge, AbsurdlyLongNamesAreCutNotOverflowing) {
  auto d = sample("GHX1:x");
  d.visitorName.clear();
  for (int i = 0; i < 40; ++i) d.visitorName += "Bartholomew ";
  auto badge = renderBadge(d, layoutFor(BadgeSize::cr80));
  ASSERT_TRUE(badge);
  EXPECT_TRUE(badge->nameTruncated);
  EXPECT_LE(badge->nameLines, 2);
}

TEST(Badge, AnyScriptRightToLeftAndEmojiRender) {
  TempDir dir;
  for (const char* name :
       {"Zoë Ødegaard-Сидорова", "محمد عبد الله", "שרה לוי", "Ελένη Παπαδοπούλου",
        "Nguyễn Thị Minh Khai", "Ana 🙂🎉 Ruiz", "ქეთევან", "\xff\xfe broken utf8"}) {
    auto d = sample(ExitToken::generate(Uuid::random()).encode());
    d.visitorName = name;
    d.purpose = name;
    auto badge = renderBadge(d, layoutFor(BadgeSize::brotherQl62x100));
    ASSERT_TRUE(badge) << name;
    EXPECT_FALSE(rasterize(badge->pdf, dir, 72).empty()) << name;
  }
}

TEST(Badge, RejectsImpossibleLayoutsAndMissingToken) {
  auto layout = layoutFor(BadgeSize::custom);
  layout.widthMm = 5;
  EXPECT_EQ(renderBadge(sample("GHX1:x"), layout).error().code, "bad_layout");
  EXPECT_EQ(renderBadge(sample(""), layoutFor(BadgeSize::a6)).error().code, "encode_failed");
  EXPECT_TRUE(badgeSizeFromString("dymo-30256"));
  EXPECT_FALSE(badgeSizeFromString("letter"));
}
