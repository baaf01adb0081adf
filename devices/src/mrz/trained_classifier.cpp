// The MRZ glyph classifier trained at build time (an MLP, tools/train_mrz_classifier.cpp), and
// the combination of its probabilities with the template classifier's scores.
#include <algorithm>
#include <memory>
#include <string_view>

#include "mrz_internal.hpp"

namespace gatehouse::devices::mrz {
namespace {

// Combined score = template score - kTrainedWeight x (1 - probability): a class the network is
// sure of keeps its template score (so the resolver's 0.45 floor and margins stay the
// templates'), the classes it rules out lose up to kTrainedWeight.
// 0.2 was chosen on the tuning set (mrzCorpus(1)) from 0.1, 0.2 and 0.3 (decision 0840).
constexpr float kTrainedWeight = 0.2f;

// Pairs the network reads as one shape: on camera frames it takes an O for a 0 with confidence
// (never seen on its own renderings), so only the templates, field types and check digits
// decide between them; pooling 1/I, 5/S, 8/B, 2/Z and 6/G as well read fewer tuning frames.
constexpr std::string_view kPooled[] = {"0O"};

// The network's probabilities with each pooled pair's summed onto both.
GlyphScores pooled(const GlyphScores& p) {
  GlyphScores out = p;
  for (auto pair : kPooled) {
    const auto a = kMrzAlphabet.find(pair[0]), b = kMrzAlphabet.find(pair[1]);
    out.score[a] = out.score[b] = std::min(1.0f, p.score[a] + p.score[b]);
  }
  return out;
}

class TrainedClassifier final : public MrzRecogniser {
 public:
  // The embedded weights (not copied).
  TrainedClassifier()
      : layer1_(kTrainedInputs, kTrainedHidden, CV_32F, const_cast<float*>(kTrainedLayer1)),
        layer2_(kTrainedHidden + 1, 37, CV_32F, const_cast<float*>(kTrainedLayer2)) {}
  const char* name() const override { return "trained"; }
  // Class probabilities of each glyph at three horizontal offsets; a class keeps its best offset.
  MrzLineScores readLine(const cv::Mat& line) const override {
    const auto glyphs = lineFeatures(line, 0, 1);
    if (glyphs.empty()) return {};
    cv::Mat inputs;
    for (const auto& g : glyphs)
      for (const auto& offset : g) inputs.push_back(trainedInput(offset));
    const cv::Mat p = probabilities(inputs);
    MrzLineScores out(glyphs.size());
    int row = 0;
    for (std::size_t g = 0; g < glyphs.size(); ++g) {
      out[g].score.fill(0.0f);
      for (std::size_t o = 0; o < glyphs[g].size(); ++o, ++row)
        for (std::size_t c = 0; c < kMrzAlphabet.size(); ++c)
          out[g].score[c] = std::max(out[g].score[c], p.at<float>(row, static_cast<int>(c)));
    }
    return out;
  }

 private:
  // One row of 37 class probabilities per input row.
  cv::Mat probabilities(const cv::Mat& inputs) const {
    cv::Mat hidden = cv::max(inputs * layer1_, 0.0f), biased;
    cv::hconcat(hidden, cv::Mat::ones(hidden.rows, 1, CV_32F), biased);
    cv::Mat z = biased * layer2_;
    softmaxRows(z);
    return z;
  }

  cv::Mat layer1_, layer2_;
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
    addTrainedScores(x, y);
    return x;
  }

 private:
  std::shared_ptr<const MrzRecogniser> a_, b_;
};

}  // namespace

void addTrainedScores(MrzLineScores& templates, const MrzLineScores& trained) {
  for (std::size_t g = 0; g < templates.size() && g < trained.size(); ++g) {
    const GlyphScores p = pooled(trained[g]);
    for (std::size_t c = 0; c < kMrzAlphabet.size(); ++c)
      templates[g].score[c] -= kTrainedWeight * (1.0f - p.score[c]);
  }
}

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
