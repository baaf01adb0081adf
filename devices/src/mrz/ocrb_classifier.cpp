// Our MRZ glyph classifier: templates rendered from Debian's OCR-B font when it is made, at
// several camera-like resolutions and defocus levels; a line is compared with the rendering that
// fits it best as a whole, each glyph by normalised correlation.
#include <algorithm>
#include <cmath>
#include <memory>
#include <opencv2/imgproc.hpp>

#include "mrz_internal.hpp"

namespace gatehouse::devices::mrz {
namespace {

constexpr int kLineVariants = 1;  // renderings a line is compared with (those fitting it best)

// One glyph template: its character and the rendering (text height, defocus) it came from.
struct Template {
  int cls = 0;      // index in kMrzAlphabet
  int variant = 0;  // rendering
  cv::Mat feature;
};

class OcrbClassifier final : public MrzRecogniser {
 public:
  OcrbClassifier(std::vector<Template> templates, int variants, std::vector<Optics> optics)
      : templates_(std::move(templates)), variants_(variants), optics_(std::move(optics)) {}
  const char* name() const override { return "templates"; }
  // Every glyph of a line went through the same optics: the line is compared with the renderings
  // that fit it best as a whole, so a sharp E is not matched against a defocused F.
  MrzLineScores readLine(const cv::Mat& line) const override {
    const auto glyphs = lineFeatures(line, 0, 1);
    const std::size_t classes = kMrzAlphabet.size(), nv = static_cast<std::size_t>(variants_);
    // score[glyph][variant][class], the best of the glyph's offsets
    std::vector<float> score(glyphs.size() * nv * classes, -1.0f);
    auto at = [&](std::size_t g, std::size_t v, std::size_t c) -> float& {
      return score[(g * nv + v) * classes + c];
    };
    for (std::size_t g = 0; g < glyphs.size(); ++g)
      for (const auto& f : glyphs[g])
        for (const auto& t : templates_) {
          float& s = at(g, static_cast<std::size_t>(t.variant), static_cast<std::size_t>(t.cls));
          s = std::max(s, static_cast<float>(f.dot(t.feature)));
        }
    std::vector<std::pair<float, std::size_t>> fit;  // how well each rendering fits the line
    for (std::size_t v = 0; v < nv; ++v) {
      float sum = 0;
      for (std::size_t g = 0; g < glyphs.size(); ++g)
        sum += *std::max_element(&at(g, v, 0), &at(g, v, 0) + classes);
      fit.emplace_back(sum, v);
    }
    std::sort(fit.rbegin(), fit.rend());
    const std::size_t keep = std::min(fit.size(), static_cast<std::size_t>(kLineVariants));
    MrzLineScores out(glyphs.size());
    for (std::size_t g = 0; g < glyphs.size(); ++g) {
      out[g].score.fill(-1.0f);
      for (std::size_t k = 0; k < keep; ++k)
        for (std::size_t c = 0; c < classes; ++c)
          out[g].score[c] = std::max(out[g].score[c], at(g, fit[k].second, c));
    }
    return out;
  }
  std::vector<MrzLineScores> readThroughOptics(const std::vector<cv::Mat>& lines,
                                               const MrzKnownText& known) const override {
    return readThroughBestOptics(optics_, lines, known);
  }

 private:
  std::vector<Template> templates_;
  int variants_;
  std::vector<Optics> optics_;  // the second pass's candidates (decision 0830)
};

}  // namespace

Result<std::shared_ptr<const MrzRecogniser>> makeOcrbClassifier() {
  auto big = renderText(std::string(kMrzAlphabet), 64);
  if (!big) return big.error();
  std::vector<Template> templates;
  int variant = 0;
  const int count = static_cast<int>(kMrzAlphabet.size());
  // Camera-like renderings: small text scaled up, with and without defocus. (Motion-blurred
  // renderings were tried: they read more frames but let a moving E pass as an F in a name.)
  for (double cap : {10.0, 13.0, 17.0, 22.0, 32.0}) {
    for (double blur : {0.0, 0.8, 1.4, 2.0, 2.6}) {
      cv::Mat img;
      cv::resize(big.value(), img, cv::Size(), cap / 64, cap / 64, cv::INTER_AREA);
      if (blur > 0) cv::GaussianBlur(img, img, cv::Size(0, 0), blur);
      const double k = kLineHeight / cap;
      cv::resize(img, img, cv::Size(), k, k, cv::INTER_CUBIC);
      const auto features = lineFeatures(img, count, 0);
      for (int i = 0; i < static_cast<int>(features.size()); ++i)
        templates.push_back({i, variant, features[static_cast<std::size_t>(i)].front()});
      ++variant;
    }
  }
  if (templates.empty())
    return makeError("recogniser_unavailable", "OCR-B glyphs could not be segmented");
  return std::shared_ptr<const MrzRecogniser>(
      std::make_shared<OcrbClassifier>(std::move(templates), variant, makeOptics(big.value())));
}

}  // namespace gatehouse::devices::mrz
