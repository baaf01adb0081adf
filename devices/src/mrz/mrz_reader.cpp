// Reading an MRZ from one frame or a run of camera frames, and the visitor's hint when it fails.
#include "gatehouse/devices/mrz_reader.hpp"

#include <algorithm>

#include "mrz_internal.hpp"

namespace gatehouse::devices {
namespace {

constexpr double kMinCharHeight = 9.0;  // frame pixels; smaller text is too far away
constexpr double kMinSharpness = 0.22;  // below this a steady document would read
constexpr double kMaxGlare = 0.015;     // saturated share of the band

MrzHint hintFor(const mrz::Band& band) {
  if (band.lines.empty())
    return band.charHeightPx > 0 && band.charHeightPx < kMinCharHeight ? MrzHint::closer
                                                                       : MrzHint::noDocument;
  if (band.glare > kMaxGlare) return MrzHint::tiltAwayFromLight;
  if (band.charHeightPx < kMinCharHeight) return MrzHint::closer;
  return MrzHint::holdStill;
}

struct Scored {
  mrz::Band band;
  std::vector<MrzLineScores> lines;  // empty unless every line was read
};

Scored score(const cv::Mat& image, const MrzRecogniser& recogniser) {
  Scored s{mrz::locateBand(image), {}};
  if (s.band.lines.size() != 2 && s.band.lines.size() != 3) return s;
  for (const auto& l : s.band.lines) {
    auto scores = recogniser.readLine(l);
    if (scores.empty()) return {std::move(s.band), {}};
    s.lines.push_back(std::move(scores));
  }
  return s;
}

bool sameShape(const std::vector<MrzLineScores>& a, const std::vector<MrzLineScores>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].size() != b[i].size()) return false;
  return true;
}

}  // namespace

const char* toString(MrzHint h) {
  switch (h) {
    case MrzHint::none:
      return "none";
    case MrzHint::noDocument:
      return "no_document";
    case MrzHint::closer:
      return "closer";
    case MrzHint::holdStill:
      return "hold_still";
    case MrzHint::tiltAwayFromLight:
      return "tilt_away_from_light";
  }
  return "?";
}

Result<std::shared_ptr<const MrzRecogniser>> makeMrzRecogniser(std::string_view name) {
  if (name == "ocrb") return mrz::makeOcrbClassifier();
  if (name == "tesseract") return mrz::makeTesseractRecogniser();
  return makeError("unknown_recogniser",
                   "unknown MRZ recogniser '" + std::string(name) + "' (ocrb, tesseract)");
}

MrzFrameRead readMrzImage(const cv::Mat& image, const MrzRecogniser& recogniser,
                          const Date& today) {
  const Scored s = score(image, recogniser);
  MrzFrameRead r;
  r.lines = static_cast<int>(s.band.lines.size());
  if (!s.lines.empty()) {
    if (auto doc = resolveMrz(s.lines, today)) {
      r.accepted = doc.value();
      r.hint = MrzHint::none;
      return r;
    }
  }
  r.hint = hintFor(s.band);
  return r;
}

MrzReader::MrzReader(std::shared_ptr<const MrzRecogniser> recogniser, int combineFrames)
    : recogniser_(std::move(recogniser)), combineFrames_(std::max(1, combineFrames)) {}

void MrzReader::reset() { history_.clear(); }

MrzFrameRead MrzReader::onFrame(const cv::Mat& frame, const Date& today) {
  Scored s = score(frame, *recogniser_);
  MrzFrameRead r;
  r.lines = static_cast<int>(s.band.lines.size());
  r.hint = hintFor(s.band);
  if (s.lines.empty()) return r;
  if (auto doc = resolveMrz(s.lines, today)) {
    history_.clear();
    r.accepted = doc.value();
    r.hint = MrzHint::none;
    return r;
  }
  // A different layout means a different document: never mix their glyphs.
  if (!history_.empty() && !sameShape(history_.back(), s.lines)) history_.clear();
  history_.push_back(std::move(s.lines));
  if (static_cast<int>(history_.size()) > combineFrames_) history_.erase(history_.begin());
  if (history_.size() < 2) return r;
  std::vector<MrzLineScores> sum = history_.front();
  for (std::size_t f = 1; f < history_.size(); ++f)
    for (std::size_t l = 0; l < sum.size(); ++l)
      for (std::size_t i = 0; i < sum[l].size(); ++i)
        for (std::size_t c = 0; c < kMrzAlphabet.size(); ++c)
          sum[l][i].score[c] += history_[f][l][i].score[c];
  const float n = static_cast<float>(history_.size());
  for (auto& line : sum)
    for (auto& g : line)
      for (auto& v : g.score) v /= n;  // an average keeps the margins comparable to one frame
  if (auto doc = resolveMrz(sum, today)) {
    history_.clear();
    r.accepted = doc.value();
    r.hint = MrzHint::none;
  }
  return r;
}

}  // namespace gatehouse::devices
