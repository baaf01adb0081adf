// The MRZ resolver on hand-made glyph scores: field types, confusables, check digits, refusals.
#include "gatehouse/devices/mrz_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mrz_hand_scores.hpp"

using namespace gatehouse::devices;

namespace {

using gatehouse::devices::testing::set;
using gatehouse::devices::testing::sure;
const Date& kToday = gatehouse::devices::testing::kResolveToday;
const std::vector<std::string>& kTd3 = gatehouse::devices::testing::kSpecimenTd3;

}  // namespace

TEST(MrzResolve, AcceptsAReadWhoseCheckDigitsHold) {
  auto r = resolveMrz(sure(kTd3), kToday);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->document.surname, "ERIKSSON");
  EXPECT_EQ(r->document.documentNumber, "L898902C3");
  EXPECT_EQ(r->text, kTd3[0] + "\n" + kTd3[1] + "\n");
}

TEST(MrzResolve, DigitOnlyFieldsTakeTheDigitOfAConfusablePair) {
  auto s = sure(kTd3);
  auto& zero = s[1][15];  // '0' of the date of birth, read as 'O' more strongly
  set(zero, 'O', 0.95f);
  set(zero, '0', 0.6f);
  auto r = resolveMrz(s, kToday);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->document.dateOfBirth.iso(), "1974-08-12");
}

TEST(MrzResolve, MixedFieldsTakeTheOnlyConfusableThatPassesTheCheckDigits) {
  auto s = sure(kTd3);
  auto& zero = s[1][5];  // the '0' of L898902C3 is a shade more like 'O'
  set(zero, 'O', 0.81f);
  set(zero, '0', 0.80f);
  auto r = resolveMrz(s, kToday);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->document.documentNumber, "L898902C3");
}

TEST(MrzResolve, RefusesABrokenCheckDigitEvenWhenAConfusableIsClose) {
  auto lines = kTd3;
  lines[1][9] = '7';  // the number's check digit is wrong as printed
  auto s = sure(lines);
  set(s[1][5], 'O', 0.85f);  // and the number has a close alternative
  auto r = resolveMrz(s, kToday);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "bad_check_digit");
}

TEST(MrzResolve, RefusesANameLetterWithoutAClearLead) {
  auto s = sure(kTd3);
  set(s[0][5], 'F', 0.89f);  // E or F? No check digit covers names
  auto r = resolveMrz(s, kToday);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "uncertain");
}

TEST(MrzResolve, RefusesLinesOfNoMrzShape) {
  auto s = sure({kTd3[0], kTd3[1].substr(0, 40)});
  auto r = resolveMrz(s, kToday);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "not_mrz");
}

TEST(MrzRecogniserFactory, RefusesAnUnknownName) {
  auto r = makeMrzRecogniser("magic");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "unknown_recogniser");
}

// The default combines the templates with the build-time classifier; each is also offered alone.
TEST(MrzRecogniserFactory, OffersEachRecogniserByName) {
  for (const char* name : {"ocrb", "templates", "trained"}) {
    auto r = makeMrzRecogniser(name);
    ASSERT_TRUE(r.ok()) << name << ": " << r.error().message;
    EXPECT_STREQ(r.value()->name(), name);
  }
}

TEST(MrzReaderFrames, AnEmptyFrameAsksForADocument) {
  auto rec = makeMrzRecogniser("ocrb");
  ASSERT_TRUE(rec.ok()) << rec.error().message;
  MrzReader reader(rec.value());
  const auto r = reader.onFrame(cv::Mat(720, 1280, CV_8UC3, cv::Scalar(90, 90, 90)), kToday);
  EXPECT_FALSE(r.accepted);
  EXPECT_EQ(r.hint, MrzHint::noDocument);
}
