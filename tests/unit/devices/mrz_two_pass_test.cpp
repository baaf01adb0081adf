// The MRZ resolver's second pass (decision 0830): characters no check digit covers are read
// again through the optics the confirmed glyphs reveal, only after the covered fields resolved.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gatehouse/devices/mrz_reader.hpp"
#include "mrz_hand_scores.hpp"

using namespace gatehouse::devices;

namespace {

using gatehouse::devices::testing::set;
using gatehouse::devices::testing::sure;
const Date& kToday = gatehouse::devices::testing::kResolveToday;
const std::vector<std::string>& kTd3 = gatehouse::devices::testing::kSpecimenTd3;

// A second pass that returns `scores` and remembers what it was told.
class FakeOptics {
 public:
  explicit FakeOptics(std::vector<MrzLineScores> s) : scores(std::move(s)) {}
  std::vector<MrzLineScores> scores;
  int calls = 0;
  MrzKnownText known;
  MrzReread reread() {
    return [this](const MrzKnownText& k) {
      ++calls;
      known = k;
      return scores;
    };
  }
};

// The surname's E is barely ahead of F in the first scores (0.90 vs 0.89).
std::vector<MrzLineScores> unclearE() {
  auto s = sure(kTd3);
  set(s[0][5], 'F', 0.89f);
  return s;
}

}  // namespace

TEST(MrzTwoPass, ANameLetterThePassOneScoresLeaveUnclearIsTakenThroughConfirmedOptics) {
  ASSERT_EQ(resolveMrz(unclearE(), kToday).error().code, "uncertain");  // one pass: refused
  FakeOptics optics{sure(kTd3)};  // through the frame's optics, E leads clearly
  auto r = resolveMrz(unclearE(), kToday, optics.reread());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->document.surname, "ERIKSSON");
  EXPECT_EQ(r->text, kTd3[0] + "\n" + kTd3[1] + "\n");
  EXPECT_EQ(optics.calls, 1);
  // It was told the characters check digits proved, and nothing else.
  ASSERT_EQ(optics.known.size(), 2u);
  EXPECT_EQ(optics.known[1].substr(0, 10), "L898902C36");
  EXPECT_EQ(optics.known[1].substr(13, 7), "7408122");
  EXPECT_EQ(optics.known[1][10], '\0');               // nationality: no check digit covers it
  EXPECT_EQ(optics.known[1][20], '\0');               // sex
  EXPECT_EQ(optics.known[0], std::string(44, '\0'));  // names, issuing state
}

TEST(MrzTwoPass, ANameLetterStillUnclearThroughTheOpticsIsRefused) {
  FakeOptics optics{unclearE()};
  auto r = resolveMrz(unclearE(), kToday, optics.reread());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "uncertain");
}

// The optics may never overturn the first pass: a letter it ranked second is not taken.
TEST(MrzTwoPass, ASecondPassThatPrefersTheFirstPassRunnerUpIsRefused) {
  FakeOptics optics{sure(kTd3)};
  set(optics.scores[0][5], 'E', 0.5f);
  set(optics.scores[0][5], 'F', 0.9f);
  auto r = resolveMrz(unclearE(), kToday, optics.reread());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "uncertain");
}

TEST(MrzTwoPass, ASecondPassOfAnotherShapeIsRefused) {
  FakeOptics optics(std::vector<MrzLineScores>{sure(kTd3)[0]});
  auto r = resolveMrz(unclearE(), kToday, optics.reread());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "uncertain");
}

TEST(MrzTwoPass, AFrameWhoseCoveredFieldsFailIsRefusedWithoutASecondPass) {
  auto lines = kTd3;
  lines[1][9] = '7';  // the number's check digit is wrong as printed
  auto s = sure(lines);
  set(s[0][5], 'F', 0.89f);  // and a name letter is unclear
  FakeOptics optics{sure(kTd3)};
  auto r = resolveMrz(s, kToday, optics.reread());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "bad_check_digit");
  EXPECT_EQ(optics.calls, 0);
}

TEST(MrzTwoPass, AClearFrameNeedsNoSecondPass) {
  FakeOptics optics{sure(kTd3)};
  ASSERT_TRUE(resolveMrz(sure(kTd3), kToday, optics.reread()).ok());
  EXPECT_EQ(optics.calls, 0);
}

// L898902C3 and LB9890ZC3 pass the same check digits: 8->B at weight 3 (+9) and 2->Z at weight
// 7 (+231) add up to 240, 0 mod 10, in the number's and in the composite check digit.
namespace {
std::vector<MrzLineScores> twoReadings(float lead) {
  auto s = sure(kTd3);
  set(s[1][1], '8', 0.80f), set(s[1][1], 'B', 0.80f - lead);
  set(s[1][6], '2', 0.80f), set(s[1][6], 'Z', 0.80f - lead);
  return s;
}
}  // namespace

TEST(MrzTwoPass, TwoReadingsThatPassEveryCheckDigitAreRefusedWithoutOptics) {
  auto r = resolveMrz(twoReadings(0.04f), kToday);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "ambiguous");
}

TEST(MrzTwoPass, OfTwoPassingReadingsOneIsTakenOnlyWithAClearLeadInBothPasses) {
  FakeOptics optics{sure(kTd3)};
  auto r = resolveMrz(twoReadings(0.04f), kToday, optics.reread());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->document.documentNumber, "L898902C3");
  // The optics were told what both readings share, not where they differ.
  EXPECT_EQ(optics.known[1][0], 'L');
  EXPECT_EQ(optics.known[1][1], '\0');
  EXPECT_EQ(optics.known[1][6], '\0');
}

TEST(MrzTwoPass, OfTwoPassingReadingsNoneIsTakenWhenALeadIsSmallOrTheOpticsDisagree) {
  FakeOptics clear{sure(kTd3)};
  auto small = resolveMrz(twoReadings(0.02f), kToday, clear.reread());  // 0.02 < 0.03
  ASSERT_FALSE(small.ok());
  EXPECT_EQ(small.error().code, "ambiguous");
  FakeOptics other{sure(kTd3)};
  set(other.scores[1][1], 'B', 0.95f);  // through the optics the other reading's B leads
  auto r = resolveMrz(twoReadings(0.04f), kToday, other.reread());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "ambiguous");
}

// Recognisers without an optics model (trained, tesseract, and decision 0820's one-pass
// combination) read nothing in a second pass, so they resolve exactly as before.
TEST(MrzTwoPass, ARecogniserWithoutOpticsReturnsNoSecondReading) {
  for (const char* name : {"trained", "ocrb-one-pass"}) {
    auto rec = makeMrzRecogniser(name);
    ASSERT_TRUE(rec.ok()) << name << ": " << rec.error().message;
    const std::vector<cv::Mat> lines = {cv::Mat(40, 400, CV_8U, cv::Scalar(255))};
    EXPECT_TRUE(rec.value()->readThroughOptics(lines, {""}).empty()) << name;
  }
}
