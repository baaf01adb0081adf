// "ocrb": the template scores with the trained tie-breaker, and for the resolver's second pass
// the templates read through the frame's own optics with the same tie-breaker (decision 0830).
#include <memory>

#include "mrz_internal.hpp"

namespace gatehouse::devices::mrz {
namespace {

class TwoPassRecogniser final : public MrzRecogniser {
 public:
  TwoPassRecogniser(std::shared_ptr<const MrzRecogniser> templates,
                    std::shared_ptr<const MrzRecogniser> trained)
      : templates_(std::move(templates)), trained_(std::move(trained)) {}
  const char* name() const override { return "ocrb"; }
  // Both read the same cut of the line; when either cannot, the line is not read.
  MrzLineScores readLine(const cv::Mat& line) const override {
    auto x = templates_->readLine(line);
    const auto y = trained_->readLine(line);
    if (x.size() != y.size()) return {};
    addTrainedScores(x, y);
    return x;
  }
  std::vector<MrzLineScores> readThroughOptics(const std::vector<cv::Mat>& lines,
                                               const MrzKnownText& known) const override {
    auto x = templates_->readThroughOptics(lines, known);
    if (x.size() != lines.size()) return {};
    for (std::size_t l = 0; l < lines.size(); ++l) {
      const auto y = trained_->readLine(lines[l]);
      if (y.size() != x[l].size()) return {};
      addTrainedScores(x[l], y);
    }
    return x;
  }

 private:
  std::shared_ptr<const MrzRecogniser> templates_, trained_;
};

}  // namespace

Result<std::shared_ptr<const MrzRecogniser>> makeTwoPassRecogniser() {
  auto a = makeOcrbClassifier();
  if (!a) return a.error();
  auto b = makeTrainedClassifier();
  if (!b) return b.error();
  return std::shared_ptr<const MrzRecogniser>(
      std::make_shared<TwoPassRecogniser>(a.value(), b.value()));
}

}  // namespace gatehouse::devices::mrz
