// Golden tests of the camera MRZ reader on the generated corpus: read rate, no wrong field ever
// accepted, broken check digits refused (one frame and combined over frames).
#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <opencv2/imgcodecs.hpp>
#include <optional>
#include <thread>

#include "gatehouse/devices/mrz_reader.hpp"
#include "gatehouse/devices/mrz_scanner.hpp"
#include "gatehouse/devices/testing/mrz_corpus.hpp"
#include "gatehouse/testing/wait.hpp"

using namespace gatehouse::devices;
using namespace gatehouse::devices::testing;

namespace {

std::shared_ptr<const MrzRecogniser> ocrb() {
  static auto r = makeMrzRecogniser("ocrb");
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : nullptr;
}

// Every field the kiosk shows, compared with what the generator put on the page.
bool sameFields(const MrzCase& c, const MrzDocument& d) {
  return d.surname == c.surname && d.givenNames == c.givenNames &&
         d.documentNumber == c.documentNumber && d.nationality == c.nationality &&
         d.dateOfBirth.iso() == c.dateOfBirthIso && d.expiryDate.iso() == c.expiryIso &&
         d.format == c.person.format;
}

TEST(MrzCorpus, EveryValidCaseParsesAndEveryBrokenOneIsRefusedAsText) {
  for (const auto& c : mrzCorpus()) {
    auto doc = parseMrz(c.mrz, kCorpusToday);
    if (c.broken == BrokenDigit::none) {
      ASSERT_TRUE(doc.ok()) << c.id << ": " << doc.error().message;
      EXPECT_TRUE(sameFields(c, doc.value())) << c.id;
    } else {
      ASSERT_FALSE(doc.ok()) << c.id;
      EXPECT_EQ(doc.error().code, "bad_check_digit") << c.id;
    }
  }
}

TEST(MrzCorpus, TransliteratesCyrillicNamesByIcao9303) {
  EXPECT_EQ(transliterate("Щербаков"), "SHCHERBAKOV");
  EXPECT_EQ(transliterate("Юрій"), "IURII");
  EXPECT_EQ(transliterate("Наталья Сергеевна"), "NATALIA<SERGEEVNA");
  EXPECT_EQ(transliterate("O'Neill"), "ONEILL");
}

struct GoldenCount {
  int expected = 0, read = 0, wrong = 0, tiltedRead = 0;
};

// Single frames of one corpus variant at 1280x720: a wrong field or an accepted broken document
// fails the test at once.
GoldenCount readCorpus(const MrzRecogniser& rec, unsigned variant) {
  GoldenCount n;
  const bool verbose = std::getenv("GATEHOUSE_MRZ_VERBOSE") != nullptr;
  for (const auto& c : mrzCorpus(variant)) {
    const cv::Mat frame = renderCase(c, {1280, 720});
    const MrzFrameRead r = readMrzImage(frame, rec, kCorpusToday);
    if (c.expectRead) ++n.expected;
    if (r.accepted) {
      if (sameFields(c, r.accepted->document)) {
        n.read += c.expectRead ? 1 : 0;
        n.tiltedRead += c.distortion.name.rfind("rot", 0) == 0 ? 1 : 0;
      } else {
        ++n.wrong;
        ADD_FAILURE() << c.id << " accepted wrong fields:\n" << r.accepted->text;
      }
      if (c.broken != BrokenDigit::none) ADD_FAILURE() << c.id << " broken but accepted";
      EXPECT_EQ(r.accepted->text, c.mrz) << c.id << ": a character no field shows is wrong";
    } else if (c.expectRead && verbose) {
      std::cerr << c.id << ": not read (" << toString(r.hint) << ", lines " << r.lines << ")\n";
    }
  }
  std::cout << "ocrb, corpus variant " << variant << ": read " << n.read << " of " << n.expected
            << " (tilted 12-20 deg: " << n.tiltedRead << " of 36), wrong " << n.wrong << "\n";
  return n;
}

}  // namespace

// The test set (variant 0). Measured 154/156 (99 %) on 2026-12-01 with the two-pass resolver
// (decision 0830) over the MLP combined with the templates (decision 0840); 153 with one pass,
// 135 with the linear tie-breaker (0820), 130 with the templates alone, 113 before the
// line-wide rendering choice and the upright retry. The issue asks 95 %.
TEST(MrzGolden, ReadsMostFramesAndAcceptsNoWrongField) {
  auto rec = ocrb();
  ASSERT_TRUE(rec);
  const GoldenCount n = readCorpus(*rec, 0);
  EXPECT_EQ(n.wrong, 0);
  EXPECT_GE(n.read, 151);  // measured 154 (one pass: 153; templates alone: 130)
  // Bands tilted by 12-20 degrees (3 of the 13 distortions): the upright retry reads them.
  EXPECT_GE(n.tiltedRead, 33);  // measured 36 of 36 (23 before the retry)
}

// The tuning set (variant 1: other numbers, dates, names, amounts of damage and noise): the
// classifier and resolver were tuned on it, so the test set above is the honest figure.
TEST(MrzGolden, TuningSetReadsAndAcceptsNoWrongField) {
  auto rec = ocrb();
  ASSERT_TRUE(rec);
  const GoldenCount n = readCorpus(*rec, 1);
  EXPECT_EQ(n.wrong, 0);
  EXPECT_GE(n.read, 153);  // measured 156 of 156 (one pass: 156; templates alone: 144)
}

// The MLP alone (`trained`): its probabilities against the resolver's floor and margins read
// fewer frames than the combination, but accept no wrong field either.
TEST(MrzGolden, TrainedClassifierAloneAcceptsNoWrongField) {
  auto rec = makeMrzRecogniser("trained");
  ASSERT_TRUE(rec) << rec.error().message;
  const GoldenCount n = readCorpus(*rec.value(), 0);
  EXPECT_EQ(n.wrong, 0);
  EXPECT_GE(n.read, 108);  // measured 111 of 156 on 2026-12-01
}

// A tuning case differs from the test case of the same person and distortion.
TEST(MrzCorpus, TuningVariantDiffersFromTheTestSet) {
  const auto test = mrzCorpus(0), tuning = mrzCorpus(1);
  ASSERT_EQ(test.size(), tuning.size());
  int same = 0;
  for (std::size_t i = 0; i < test.size(); ++i) {
    EXPECT_NE(test[i].id, tuning[i].id);
    same += test[i].mrz == tuning[i].mrz ? 1 : 0;
    if (tuning[i].broken == BrokenDigit::none) {
      EXPECT_TRUE(parseMrz(tuning[i].mrz, kCorpusToday).ok()) << tuning[i].id;
    }
  }
  EXPECT_EQ(same, 0);
}

// Camera frames: three consecutive frames of one document (other noise and placement each) go
// through MrzReader, which combines them when one alone fails. Broken documents stay refused
// however many frames are combined.
TEST(MrzGolden, CombinedFramesNeverAcceptABrokenDocumentOrAWrongField) {
  auto rec = ocrb();
  ASSERT_TRUE(rec);
  int sequences = 0, read = 0;
  for (const auto& c : mrzCorpus()) {
    const bool hard = c.distortion.name == "blur" || c.distortion.name == "motion" ||
                      c.distortion.name == "jpeg40" || c.distortion.name == "combined";
    const bool person =
        c.id.rfind("0-", 0) == 0 || c.id.rfind("6-", 0) == 0 || c.id.rfind("9-", 0) == 0;
    if (!person || (c.broken == BrokenDigit::none && !hard)) continue;
    MrzReader reader(rec);
    std::optional<ResolvedMrz> accepted;
    for (int f = 0; f < 3 && !accepted; ++f) {
      MrzCase shot = c;
      shot.id += "#" + std::to_string(f);
      accepted = reader.onFrame(renderCase(shot, {1280, 720}), kCorpusToday).accepted;
    }
    if (c.broken != BrokenDigit::none) {
      EXPECT_FALSE(accepted) << c.id << " broken but accepted:\n" << accepted->text;
      continue;
    }
    ++sequences;
    if (!accepted) continue;
    EXPECT_TRUE(sameFields(c, accepted->document)) << c.id << " wrong:\n" << accepted->text;
    ++read;
  }
  std::cout << "ocrb, 3 frames combined: read " << read << " of " << sequences << "\n";
  EXPECT_GE(read, sequences * 3 / 4);  // measured 12 of 12 on 2026-12-01 (11 before 0840)
}

// The camera worker: a passport in view is reported with its exact text; after reset (a new
// visitor) the same document is reported again.
TEST(MrzScannerWorker, ReportsTheDocumentInViewAndAgainAfterReset) {
  auto rec = ocrb();
  ASSERT_TRUE(rec);
  std::mutex m;
  std::vector<std::string> texts;
  MrzScanner scanner(rec, [&](const MrzScanEvent& e) {
    std::lock_guard lock(m);
    if (e.accepted) texts.push_back(e.accepted->text);
  });
  const auto c = mrzCorpus().front();  // ERIKSSON, TD3, steady
  const cv::Mat image = renderCase(c, {1280, 720});
  auto count = [&] {
    std::lock_guard lock(m);
    return texts.size();
  };
  std::uint64_t seq = 0;
  auto show = [&] { scanner.submit(Frame{image, ++seq, {}}); };
  // Frames may be replaced while the worker is busy: keep showing until one is read.
  ASSERT_TRUE(gatehouse::testing::waitUntil([&] { return show(), count() >= 1; },
                                            std::chrono::seconds(60)));
  for (int i = 0; i < 3; ++i) show();
  scanner.reset();
  ASSERT_TRUE(gatehouse::testing::waitUntil([&] { return show(), count() >= 2; },
                                            std::chrono::seconds(60)));
  std::lock_guard lock(m);
  EXPECT_EQ(texts[0], c.mrz);
  EXPECT_EQ(texts[1], c.mrz);
}

// A recogniser that holds the worker inside its first line until the test lets it go.
class HeldRecogniser final : public MrzRecogniser {
 public:
  explicit HeldRecogniser(std::shared_ptr<const MrzRecogniser> inner) : inner_(std::move(inner)) {}
  const char* name() const override { return inner_->name(); }
  MrzLineScores readLine(const cv::Mat& line) const override {
    std::unique_lock lock(m_);
    entered_ = true;
    cv_.notify_all();
    cv_.wait(lock, [&] { return released_; });
    lock.unlock();
    return inner_->readLine(line);
  }
  bool entered() const {
    std::lock_guard lock(m_);
    return entered_;
  }
  void release() {
    std::lock_guard lock(m_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  std::shared_ptr<const MrzRecogniser> inner_;
  mutable std::mutex m_;
  mutable std::condition_variable cv_;
  mutable bool entered_ = false;
  bool released_ = false;
};

// The next visitor must never get the last one's passport: a read of a frame taken before
// reset() is not reported, a frame still waiting is dropped, and the next frame is read as new.
TEST(MrzScannerWorker, AFrameFromBeforeResetIsNeverReported) {
  auto rec = ocrb();
  ASSERT_TRUE(rec);
  auto held = std::make_shared<HeldRecogniser>(rec);
  std::mutex m;
  std::vector<std::string> texts;
  std::vector<MrzAttemptTrace> traces;
  MrzScanner scanner(held, [&](const MrzScanEvent& e) {
    std::lock_guard lock(m);
    if (e.accepted) texts.push_back(e.accepted->text);
  });
  scanner.setTrace([&](const MrzAttemptTrace& t) {
    std::lock_guard lock(m);
    traces.push_back(t);
  });
  const auto c = mrzCorpus().front();  // ERIKSSON, TD3, steady: reads on its own
  const cv::Mat image = renderCase(c, {1280, 720});
  scanner.submit(Frame{image, 1, {}});
  ASSERT_TRUE(
      gatehouse::testing::waitUntil([&] { return held->entered(); }, std::chrono::seconds(60)));
  scanner.submit(Frame{image, 2, {}});  // waits in the mailbox while frame 1 is read
  scanner.reset();
  held->release();
  auto traced = [&](std::size_t n) {
    std::lock_guard lock(m);
    return traces.size() >= n;
  };
  ASSERT_TRUE(gatehouse::testing::waitUntil([&] { return traced(1); }, std::chrono::seconds(60)));
  std::uint64_t seq = 2;
  ASSERT_TRUE(gatehouse::testing::waitUntil(
      [&] {
        scanner.submit(Frame{image, ++seq, {}});
        std::lock_guard lock(m);
        return !texts.empty();
      },
      std::chrono::seconds(60)));
  std::lock_guard lock(m);
  EXPECT_EQ(traces[0].sequence, 1u);
  EXPECT_TRUE(traces[0].accepted);    // frame 1 was read (it is the same document) ...
  EXPECT_FALSE(traces[0].reported);   // ... but it belonged to the last visitor
  EXPECT_GT(traces[1].sequence, 2u);  // frame 2 was dropped, never read
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_EQ(texts[0], c.mrz);
}

// The kiosk builds its scanner on the way to its first frame: making the recogniser (templates
// and optics, ~0.4 s) happens on the worker, and frames are read once it is made.
TEST(MrzScannerWorker, TheRecogniserIsMadeOnTheWorkerNotByTheConstructor) {
  auto rec = ocrb();
  ASSERT_TRUE(rec);
  std::mutex m;
  std::condition_variable cv;
  bool entered = false, released = false;
  std::vector<std::string> texts;
  std::optional<std::thread::id> madeOn;
  MrzScanner scanner(
      [&]() -> gatehouse::Result<std::shared_ptr<const MrzRecogniser>> {
        std::unique_lock lock(m);
        entered = true;
        madeOn = std::this_thread::get_id();
        cv.notify_all();
        cv.wait(lock, [&] { return released; });
        return rec;
      },
      [&](const MrzScanEvent& e) {
        std::lock_guard lock(m);
        if (e.accepted) texts.push_back(e.accepted->text);
      });
  {  // the constructor has returned while the factory is still held
    std::unique_lock lock(m);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(60), [&] { return entered; }));
    EXPECT_NE(*madeOn, std::this_thread::get_id());
    released = true;
    cv.notify_all();
  }
  const auto c = mrzCorpus().front();
  const cv::Mat image = renderCase(c, {1280, 720});
  std::uint64_t seq = 0;
  ASSERT_TRUE(gatehouse::testing::waitUntil(
      [&] {
        scanner.submit(Frame{image, ++seq, {}});
        std::lock_guard lock(m);
        return !texts.empty();
      },
      std::chrono::seconds(60)));
  std::lock_guard lock(m);
  EXPECT_EQ(texts[0], c.mrz);
}

// No recogniser (e.g. the OCR-B font missing): frames are taken and dropped, nothing reported.
TEST(MrzScannerWorker, AFailedRecogniserReadsNothingAndStopsCleanly) {
  std::mutex m;
  bool asked = false;
  int events = 0;
  {
    MrzScanner scanner(
        [&]() -> gatehouse::Result<std::shared_ptr<const MrzRecogniser>> {
          std::lock_guard lock(m);
          asked = true;
          return gatehouse::makeError("recogniser_unavailable", "no font OCR B");
        },
        [&](const MrzScanEvent&) {
          std::lock_guard lock(m);
          ++events;
        });
    ASSERT_TRUE(gatehouse::testing::waitUntil(
        [&] {
          std::lock_guard lock(m);
          return asked;
        },
        std::chrono::seconds(60)));
    const cv::Mat image = renderCase(mrzCorpus().front(), {1280, 720});
    for (std::uint64_t seq = 1; seq <= 3; ++seq) scanner.submit(Frame{image, seq, {}});
  }  // the destructor joins the worker
  EXPECT_EQ(events, 0);
}

// --bench: every frame read is traced with its cost and outcome, and only fields leave it.
TEST(MrzScannerWorker, TracesEachFrameWithItsCostAndOutcome) {
  auto rec = ocrb();
  ASSERT_TRUE(rec);
  std::mutex m;
  std::vector<MrzAttemptTrace> traces;
  MrzScanner scanner(rec, [](const MrzScanEvent&) {});
  scanner.setTrace([&](const MrzAttemptTrace& t) {
    std::lock_guard lock(m);
    traces.push_back(t);
  });
  const auto c = mrzCorpus().front();
  const cv::Mat page = renderCase(c, {1280, 720});
  const cv::Mat blank(720, 1280, CV_8UC3, cv::Scalar(90, 90, 90));
  const auto t0 = MrzAttemptTrace::Clock::now();
  std::uint64_t seq = 0;
  auto traced = [&](std::size_t n) {
    std::lock_guard lock(m);
    return traces.size() >= n;
  };
  scanner.submit(Frame{blank, ++seq, t0});
  ASSERT_TRUE(gatehouse::testing::waitUntil([&] { return traced(1); }, std::chrono::seconds(60)));
  scanner.submit(Frame{page, ++seq, t0});
  ASSERT_TRUE(gatehouse::testing::waitUntil([&] { return traced(2); }, std::chrono::seconds(60)));
  std::lock_guard lock(m);
  const MrzAttemptTrace& none = traces[0];
  EXPECT_EQ(none.sequence, 1u);
  EXPECT_FALSE(none.accepted);
  EXPECT_EQ(none.refused, "no_band");
  EXPECT_EQ(none.tries, 3);  // upright, then turned both ways
  EXPECT_GT(none.cpuMs, 0.0);
  EXPECT_LE(none.capturedAt, none.startedAt);
  EXPECT_LE(none.startedAt, none.finishedAt);
  const MrzAttemptTrace& read = traces[1];
  EXPECT_TRUE(read.accepted);
  EXPECT_TRUE(read.reported);
  EXPECT_EQ(read.combined, 1);
  EXPECT_EQ(read.lines, 2);
  EXPECT_EQ(read.tries, 1);
  EXPECT_EQ(read.refused, "");
}
