// Reading an MRZ from one frame or a run of camera frames, and the visitor's hint when it fails.
#include "gatehouse/devices/mrz_reader.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <optional>

#include "mrz_internal.hpp"

namespace gatehouse::devices {
namespace {

constexpr double kMinCharHeight = 9.0;  // frame pixels; smaller text is too far away
constexpr double kMinSharpness = 0.22;  // below this a steady document would read
constexpr double kMaxGlare = 0.015;     // saturated share of the band
constexpr double kTiltedDeg = 10.0;     // a band steeper than this is read again turned upright
constexpr double kRetryTurnDeg = 18.0;  // no band at all: try the frame turned this much

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

// One frame scored, and resolved when it can be.
struct Attempt {
  Scored scored;
  std::optional<ResolvedMrz> doc;
  std::string refused;  // resolveMrz's error code when the lines were read but refused
  int tries = 1;
};

Attempt attempt(const cv::Mat& image, const MrzRecogniser& recogniser, const Date& today) {
  Attempt a{score(image, recogniser), std::nullopt, {}};
  if (a.scored.lines.empty()) return a;
  const auto reread = [&](const MrzKnownText& known) {
    return recogniser.readThroughOptics(a.scored.band.lines, known);
  };
  if (auto d = resolveMrz(a.scored.lines, today, reread))
    a.doc = d.value();
  else
    a.refused = d.error().code;
  return a;
}

cv::Mat turned(const cv::Mat& image, double deg) {
  const cv::Point2f c(static_cast<float>(image.cols) / 2, static_cast<float>(image.rows) / 2);
  cv::Mat out;
  cv::warpAffine(image, out, cv::getRotationMatrix2D(c, deg, 1.0), image.size(), cv::INTER_LINEAR,
                 cv::BORDER_REPLICATE);
  return out;
}

// The band finder joins glyphs into lines with a horizontal closing, which breaks up lines
// tilted by more than about 15 degrees: when a tilted band (or none) fails, the frame is turned
// upright (by the band's slope, or both ways when no band was seen) and read again.
Attempt readAnyAngle(const cv::Mat& image, const MrzRecogniser& recogniser, const Date& today) {
  Attempt a = attempt(image, recogniser, today);
  if (a.doc) return a;
  std::vector<double> turns;
  if (a.scored.band.lines.empty())
    turns = {kRetryTurnDeg, -kRetryTurnDeg};
  else if (std::abs(a.scored.band.angleDeg) > kTiltedDeg)
    turns = {a.scored.band.angleDeg};
  for (double t : turns) {
    Attempt b = attempt(turned(image, t), recogniser, today);
    b.tries = a.tries + 1;
    if (b.doc || (a.scored.lines.empty() && !b.scored.lines.empty()))
      a = std::move(b);
    else
      a.tries = b.tries;
    if (a.doc) break;
  }
  return a;
}

std::string refusal(const Attempt& a) {
  if (!a.scored.lines.empty()) return a.refused;
  return a.scored.band.lines.empty() ? "no_band" : "band_lines";
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

std::vector<MrzLineScores> MrzRecogniser::readThroughOptics(const std::vector<cv::Mat>&,
                                                            const MrzKnownText&) const {
  return {};
}

Result<std::shared_ptr<const MrzRecogniser>> makeMrzRecogniser(std::string_view name) {
  if (name == "ocrb") return mrz::makeTwoPassRecogniser();
  if (name == "ocrb-one-pass") return mrz::makeCombinedRecogniser();
  if (name == "templates") return mrz::makeOcrbClassifier();
  if (name == "trained") return mrz::makeTrainedClassifier();
  if (name == "tesseract") return mrz::makeTesseractRecogniser();
  return makeError("unknown_recogniser",
                   "unknown MRZ recogniser '" + std::string(name) +
                       "' (ocrb, ocrb-one-pass, templates, trained, tesseract)");
}

MrzFrameRead readMrzImage(const cv::Mat& image, const MrzRecogniser& recogniser,
                          const Date& today) {
  const Attempt a = readAnyAngle(image, recogniser, today);
  MrzFrameRead r;
  r.lines = static_cast<int>(a.scored.band.lines.size());
  r.tries = a.tries;
  if (a.doc) {
    r.accepted = a.doc;
    r.hint = MrzHint::none;
    r.combined = 1;
    return r;
  }
  r.hint = hintFor(a.scored.band);
  r.refused = refusal(a);
  return r;
}

MrzReader::MrzReader(std::shared_ptr<const MrzRecogniser> recogniser, int combineFrames)
    : recogniser_(std::move(recogniser)), combineFrames_(std::max(1, combineFrames)) {}

void MrzReader::reset() { history_.clear(); }

MrzFrameRead MrzReader::onFrame(const cv::Mat& frame, const Date& today) {
  Attempt a = readAnyAngle(frame, *recogniser_, today);
  Scored& s = a.scored;
  MrzFrameRead r;
  r.lines = static_cast<int>(s.band.lines.size());
  r.hint = hintFor(s.band);
  r.tries = a.tries;
  if (a.doc) {
    history_.clear();
    r.accepted = std::move(a.doc);
    r.hint = MrzHint::none;
    r.combined = 1;
    return r;
  }
  r.refused = refusal(a);
  if (s.lines.empty()) return r;
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
    r.combined = static_cast<int>(history_.size());
    history_.clear();
    r.accepted = doc.value();
    r.hint = MrzHint::none;
    r.refused.clear();
  }
  return r;
}

}  // namespace gatehouse::devices
