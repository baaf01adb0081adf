// Printing through a real, private cupsd: bytes arrive intact at a raw socket printer, trouble
// states (out of paper, stopped, paused, offline, cancelled) are reported, reprints are keyed.
#include <gtest/gtest.h>

#include <filesystem>

#include "gatehouse/core/pass.hpp"
#include "gatehouse/devices/badge.hpp"
#include "gatehouse/devices/printer.hpp"
#include "gatehouse/devices/testing/private_cups.hpp"
#include "gatehouse/testing/wait.hpp"

using namespace gatehouse;
using namespace gatehouse::devices;
using gatehouse::devices::testing::PrivateCups;
using gatehouse::devices::testing::RawPrinterListener;

namespace {

class Printing : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto c = PrivateCups::start();
    ASSERT_TRUE(c) << c.error().message;
    cups_ = std::move(c).value().release();
  }
  // A failed suite set-up would otherwise be reported as a skip.
  void SetUp() override { ASSERT_NE(cups_, nullptr) << "the private cupsd did not start"; }
  static void TearDownTestSuite() {
    delete cups_;
    cups_ = nullptr;
  }

  std::unique_ptr<BadgePrinter> printerFor(const std::string& queue) {
    PrinterConfig c;
    c.queue = queue;
    c.server = cups_->server();
    c.pollInterval = std::chrono::milliseconds(20);
    c.timeout = std::chrono::seconds(20);
    auto p = makePrinter(c);
    EXPECT_TRUE(p);
    return std::move(p).value();
  }

  static std::string badgePdf() {
    BadgeData d;
    d.visitorName = "Anna Eriksson";
    d.hostUnit = "B-1204";
    d.exitQrText = ExitToken::generate(Uuid::random()).encode();
    return renderBadge(d, layoutFor(BadgeSize::brotherQl62x100)).value().pdf;
  }

  static PrintRequest request(const std::string& key, std::string doc) {
    PrintRequest r;
    r.badgeKey = key;
    r.title = "badge " + key;
    r.document = std::move(doc);
    return r;
  }

  static PrivateCups* cups_;
};
PrivateCups* Printing::cups_ = nullptr;

}  // namespace

TEST_F(Printing, JobArrivesIntactAtTheRawPrinterAndCompletes) {
  RawPrinterListener listener;
  ASSERT_TRUE(cups_->addQueue("raw1", listener.uri()));
  auto printer = printerFor("raw1");
  const std::string pdf = badgePdf();
  std::vector<PrintState> seen;
  const PrintStatus s = printer->print(request("visit-1", pdf),
                                       [&](const PrintStatus& st) { seen.push_back(st.state); });
  EXPECT_EQ(s.state, PrintState::completed) << s.message;
  ASSERT_TRUE(listener.waitForJobs(1));
  const auto jobs = listener.jobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0], pdf);  // byte for byte
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back(), PrintState::completed);
}

TEST_F(Printing, TheSameBadgeIsNeverPrintedTwiceByAccident) {
  RawPrinterListener listener;
  ASSERT_TRUE(cups_->addQueue("raw2", listener.uri()));
  auto printer = printerFor("raw2");
  const std::string pdf = badgePdf();
  auto first = printer->submit(request("visit-2", pdf));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_FALSE(first->duplicate);
  auto again = printer->submit(request("visit-2", pdf));  // double tap
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->jobId, first->jobId);
  // A kiosk restarted with an empty ledger finds the job in the queue's history.
  auto restarted = printerFor("raw2");
  auto third = restarted->submit(request("visit-2", pdf));
  ASSERT_TRUE(third);
  EXPECT_TRUE(third->duplicate);
  EXPECT_EQ(third->jobId, first->jobId);
  EXPECT_EQ(printer->follow(first->jobId, std::chrono::seconds(20)).state, PrintState::completed);
  // A deliberate reprint is a new copy number: printed once more, and only once.
  auto reprint = request("visit-2", pdf);
  reprint.copy = 1;
  EXPECT_EQ(printer->print(reprint).state, PrintState::completed);
  EXPECT_EQ(printer->print(reprint).state, PrintState::completed);  // repeated: no new job
  ASSERT_TRUE(listener.waitForJobs(2));
  EXPECT_FALSE(listener.waitForJobs(3, std::chrono::milliseconds(300)));
  EXPECT_EQ(listener.jobs().size(), 2u);
}

TEST_F(Printing, OutOfPaperIsReported) {
  ASSERT_TRUE(cups_->addQueue("nopaper", "gatehouse-sim://media-empty"));
  auto printer = printerFor("nopaper");
  const PrintStatus s = printer->print(request("visit-3", badgePdf()));
  EXPECT_EQ(s.state, PrintState::outOfPaper) << s.message;
  EXPECT_TRUE(needsAttention(s.state));
  EXPECT_EQ(toString(s.state), "out_of_paper");
  EXPECT_EQ(printer->printerStatus().state, PrintState::outOfPaper);
}

TEST_F(Printing, PrinterErrorStopsTheJob) {
  ASSERT_TRUE(cups_->addQueue("jammed", "gatehouse-sim://stop"));
  auto printer = printerFor("jammed");
  const PrintStatus s = printer->print(request("visit-4", badgePdf()));
  EXPECT_EQ(s.state, PrintState::jobStopped) << s.message;
  EXPECT_NE(s.message.find("Paper jam"), std::string::npos) << s.message;
}

TEST_F(Printing, CancelledAtThePrinterIsReported) {
  ASSERT_TRUE(cups_->addQueue("cancels", "gatehouse-sim://cancel"));
  auto printer = printerFor("cancels");
  EXPECT_EQ(printer->print(request("visit-5", badgePdf())).state, PrintState::cancelled);
}

TEST_F(Printing, PausedQueueThenCancelledByTheGuard) {
  RawPrinterListener listener;
  ASSERT_TRUE(cups_->addQueue("paused", listener.uri()));
  ASSERT_TRUE(cups_->pause("paused"));
  auto printer = printerFor("paused");
  EXPECT_EQ(printer->printerStatus().state, PrintState::paused);
  auto job = printer->submit(request("visit-6", badgePdf()));
  ASSERT_TRUE(job) << job.error().message;
  EXPECT_EQ(printer->follow(job->jobId, std::chrono::seconds(10)).state, PrintState::paused);
  ASSERT_TRUE(printer->cancel(job->jobId));
  EXPECT_EQ(printer->follow(job->jobId, std::chrono::seconds(10)).state, PrintState::cancelled);
  EXPECT_TRUE(listener.jobs().empty());
  // Nothing was printed, so once the queue is back the same badge prints (once).
  ASSERT_TRUE(cups_->resume("paused"));
  const std::string pdf = badgePdf();
  auto retry = printer->submit(request("visit-6", pdf));
  ASSERT_TRUE(retry) << retry.error().message;
  EXPECT_FALSE(retry->duplicate);
  EXPECT_NE(retry->jobId, job->jobId);
  EXPECT_EQ(printer->follow(retry->jobId, std::chrono::seconds(20)).state, PrintState::completed);
  ASSERT_TRUE(listener.waitForJobs(1));
  EXPECT_EQ(listener.jobs()[0], pdf);
  EXPECT_TRUE(printer->submit(request("visit-6", pdf))->duplicate);
}

TEST_F(Printing, OfflinePrinterIsReported) {
  ASSERT_TRUE(cups_->addQueue("offline", "gatehouse-sim://offline"));
  auto printer = printerFor("offline");
  auto job = printer->submit(request("visit-7", badgePdf()));
  ASSERT_TRUE(job);
  EXPECT_EQ(printer->follow(job->jobId, std::chrono::seconds(10)).state, PrintState::offline);
  ASSERT_TRUE(printer->cancel(job->jobId));
  EXPECT_EQ(printer->follow(job->jobId, std::chrono::seconds(10)).state, PrintState::cancelled);
}

// Debian's cupsd 2.4.2-3+deb12u10 crashed starting a job whose document name held a space.
TEST_F(Printing, TitlesWithSpacesAndControlCharactersPrint) {
  RawPrinterListener listener;
  ASSERT_TRUE(cups_->addQueue("raw9", listener.uri()));
  auto printer = printerFor("raw9");
  PrintRequest r = request("visit-9", badgePdf());
  r.title = "badge for Анна \"O'Brien\"\n\t B-1204";
  const PrintStatus s = printer->print(r);
  EXPECT_EQ(s.state, PrintState::completed) << s.message;
  ASSERT_TRUE(listener.waitForJobs(1));
  EXPECT_NE(printer->printerStatus().state, PrintState::error) << "cupsd still answers";
}

TEST_F(Printing, UnknownQueueAndListing) {
  auto printer = printerFor("no-such-queue");
  const auto missing = printer->print(request("visit-8", "x"));
  EXPECT_EQ(missing.state, PrintState::queueNotFound) << missing.message;
  ASSERT_TRUE(cups_->addQueue("listed", "gatehouse-sim://ok"));
  auto list = listPrinters(cups_->server());
  ASSERT_TRUE(list) << list.error().message;
  bool found = false;
  for (const auto& p : list.value())
    if (p.name == "listed") found = p.deviceUri == "gatehouse-sim://ok";
  EXPECT_TRUE(found);
}

TEST(PrintStateClassification, IppValuesMapToOneState) {
  EXPECT_EQ(classifyPrintState(9, 3, {"none"}), PrintState::completed);
  EXPECT_EQ(classifyPrintState(7, 3, {"none"}), PrintState::cancelled);
  EXPECT_EQ(classifyPrintState(8, 3, {"none"}), PrintState::aborted);
  EXPECT_EQ(classifyPrintState(3, 5, {"media-empty-error", "paused"}), PrintState::outOfPaper);
  EXPECT_EQ(classifyPrintState(5, 4, {"offline-report"}), PrintState::offline);
  EXPECT_EQ(classifyPrintState(6, 3, {"none"}), PrintState::jobStopped);
  EXPECT_EQ(classifyPrintState(3, 5, {"paused"}), PrintState::paused);
  EXPECT_EQ(classifyPrintState(3, 5, {"paused"}, "Paper jam"), PrintState::jobStopped);
  EXPECT_EQ(classifyPrintState(3, 5, {"other-error"}), PrintState::jobStopped);
  EXPECT_EQ(classifyPrintState(5, 4, {"none"}), PrintState::printing);
  EXPECT_EQ(classifyPrintState(3, 3, {"none"}), PrintState::queued);
  EXPECT_TRUE(isFinal(PrintState::completed));
  EXPECT_FALSE(isFinal(PrintState::outOfPaper));
}

TEST(FilePrinter, WritesOnceAndReportsCompleted) {
  char tmpl[] = "/tmp/gatehouse-fileprinter-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  PrinterConfig c;
  c.driver = "file";
  c.directory = dir;
  auto p = makePrinter(c);
  ASSERT_TRUE(p);
  PrintRequest r;
  r.badgeKey = "v1";
  r.document = "%PDF-1.5 test";
  EXPECT_EQ(p.value()->print(r).state, PrintState::completed);
  auto again = p.value()->submit(r);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->duplicate);
  EXPECT_TRUE(std::filesystem::exists(dir + "/v1#0.pdf"));
  std::filesystem::remove_all(dir);
  c.driver = "laser";
  EXPECT_EQ(makePrinter(c).error().code, "unknown_driver");
}
