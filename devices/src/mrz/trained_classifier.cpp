// The MRZ glyph classifier trained at build time (linear, tools/train_mrz_classifier.cpp), and
// the combination of its scores with the template classifier's.
#include <algorithm>
#include <memory>

#include "mrz_internal.hpp"

namespace gatehouse::devices::mrz {
namespace {

// The trained scores break ties between templates (the resolver's margins are the templates').
constexpr float kTrainedWeight = 0.1f;

class TrainedClassifier final : public MrzRecogniser {
 public:
  // The embedded weights (not copied).
  TrainedClassifier() : weights_(kTrainedInputs, 37, CV_32F, const_cast<float*>(kTrainedWeights)) {}
  const char* name() const override { return "trained"; }
  // Each glyph at three horizontal offsets; a class keeps its best offset.
  MrzLineScores readLine(const cv::Mat& line) const override {
    const auto glyphs = lineFeatures(line, 0, 1);
    if (glyphs.empty()) return {};
    cv::Mat inputs;
    for (const auto& g : glyphs)
      for (const auto& offset : g) inputs.push_back(trainedInput(offset));
    const cv::Mat outputs = inputs * weights_;
    MrzLineScores out(glyphs.size());
    int row = 0;
    for (std::size_t g = 0; g < glyphs.size(); ++g) {
      out[g].score.fill(-1.0f);
      for (std::size_t o = 0; o < glyphs[g].size(); ++o, ++row)
        for (std::size_t c = 0; c < kMrzAlphabet.size(); ++c)
          out[g].score[c] =
              std::max(out[g].score[c],
                       std::clamp(outputs.at<float>(row, static_cast<int>(c)), -1.0f, 1.0f));
    }
    return out;
  }

 private:
  cv::Mat weights_;
};

class CombinedRecogniser final : public MrzRecogniser {
 public:
  CombinedRecogniser(std::shared_ptr<const MrzRecogniser> a, std::shared_ptr<const MrzRecogniser> b)
      : a_(std::move(a)), b_(std::move(b)) {}
  const char* name() const override { return "ocrb"; }
  // Both read the same cut of the line; when either cannot, the line is not read.
  MrzLineScores readLine(const cv::Mat& line) const override {
    auto x = a_->readLine(line);
    const auto y = b_->readLine(line);
    if (x.size() != y.size()) return {};
    for (std::size_t g = 0; g < x.size(); ++g)
      for (std::size_t c = 0; c < kMrzAlphabet.size(); ++c)
        x[g].score[c] += kTrainedWeight * y[g].score[c];
    return x;
  }

 private:
  std::shared_ptr<const MrzRecogniser> a_, b_;
};

}  // namespace

Result<std::shared_ptr<const MrzRecogniser>> makeTrainedClassifier() {
  return std::shared_ptr<const MrzRecogniser>(std::make_shared<TrainedClassifier>());
}

Result<std::shared_ptr<const MrzRecogniser>> makeCombinedRecogniser() {
  auto a = makeOcrbClassifier();
  if (!a) return a.error();
  auto b = makeTrainedClassifier();
  if (!b) return b.error();
  return std::shared_ptr<const MrzRecogniser>(
      std::make_shared<CombinedRecogniser>(a.value(), b.value()));
}

}  // namespace gatehouse::devices::mrz
