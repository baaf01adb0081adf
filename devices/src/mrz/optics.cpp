// Per-frame optics for the MRZ templates (decision 0830): candidate point-spread functions
// (defocus, motion along, across and diagonal to the line) at several text heights, the choice
// among them by how well each explains the glyphs the check digits proved, and close calls
// compared with the whole line rendered through that choice.
#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <string>

#include "mrz_internal.hpp"

namespace gatehouse::devices::mrz {
namespace {

// A point-spread function at the frame's scale: a straight motion (length px, angle deg from
// the line) followed by a defocus (Gaussian sigma px).
struct Psf {
  double motion = 0, angle = 0, sigma = 0;
};

std::vector<Psf> candidatePsfs() {
  std::vector<Psf> out;
  for (double s : {0.0, 0.4, 0.8, 1.1, 1.4, 1.7, 2.0, 2.3, 2.6, 3.0}) out.push_back({0, 0, s});
  for (double len : {3.0, 4.0, 5.0, 6.0, 7.0}) out.push_back({len, 0, 0});
  for (double len : {4.0, 6.0}) out.push_back({len, 0, 0.8});
  for (double a : {-20.0, 20.0, 90.0}) out.push_back({5, a, 0});
  return out;
}

cv::Mat motionKernel(double length, double angleDeg) {
  const int n = static_cast<int>(std::ceil(length)) | 1;
  cv::Mat k(n, n, CV_32F, cv::Scalar(0));
  const double a = angleDeg * CV_PI / 180, r = (length - 1) / 2, c = (n - 1) / 2.0;
  const cv::Point2d d(r * std::cos(a), r * std::sin(a));
  constexpr int kShift = 4;  // sub-pixel end points
  auto fixed = [&](double x, double y) {
    return cv::Point(static_cast<int>(std::lround(x * (1 << kShift))),
                     static_cast<int>(std::lround(y * (1 << kShift))));
  };
  cv::line(k, fixed(c - d.x, c - d.y), fixed(c + d.x, c + d.y), cv::Scalar(1), 1, cv::LINE_AA,
           kShift);
  return k / cv::sum(k)[0];
}

// The best of a glyph's offsets against one template.
float bestOffset(const std::vector<cv::Mat>& offsets, const cv::Mat& t) {
  float s = -1;
  for (const auto& f : offsets) s = std::max(s, static_cast<float>(f.dot(t)));
  return s;
}

// The glyphs of `big` (text rendered 64 px tall, `n` characters) as seen at text height `cap`
// through `psf`, scaled back to the reader's line height. Empty when it cannot be cut.
std::vector<cv::Mat> seenThrough(const cv::Mat& big, int n, double cap, const Psf& psf) {
  cv::Mat img;
  cv::resize(big, img, cv::Size(), cap / 64, cap / 64, cv::INTER_AREA);
  if (psf.motion > 1) cv::filter2D(img, img, -1, motionKernel(psf.motion, psf.angle));
  if (psf.sigma > 0) cv::GaussianBlur(img, img, cv::Size(0, 0), psf.sigma);
  const double k = kLineHeight / cap;
  cv::resize(img, img, cv::Size(), k, k, cv::INTER_CUBIC);
  const auto features = lineFeatures(img, n, 0);
  std::vector<cv::Mat> out;
  for (const auto& f : features) out.push_back(f.front());
  return out;
}

constexpr float kContextMargin = 0.06f;    // closer than this, a glyph is compared in context
constexpr std::size_t kContextRivals = 3;  // the best this many characters are, in context
// At most this many glyphs of a band are compared in context (3 renderings each), which bounds
// the second pass's cost; a band with more close calls is not going to be read anyway.
constexpr int kMaxContextGlyphs = 4;

// The glyph at `pos` of a line reading `text`, rendered with its neighbours through `o` (so their
// bleed and the cut are as in the frame). Empty when the rendering cannot be cut.
cv::Mat inContext(const std::string& text, std::size_t pos, const Optics& o) {
  auto big = renderText(text, 64);
  if (!big) return {};
  const auto g =
      seenThrough(big.value(), static_cast<int>(text.size()), o.cap, {o.motion, o.angle, o.sigma});
  return g.size() == text.size() ? g[pos] : cv::Mat();
}

// Close calls of one line re-scored in context: the best kContextRivals characters of a glyph
// whose lead is under kContextMargin are compared with renderings of the whole line holding each
// (while `budget` glyphs remain).
void scoreInContext(const std::vector<std::vector<cv::Mat>>& glyphs, const std::string& known,
                    const Optics& o, MrzLineScores& scores, int& budget) {
  std::string text = known;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == 0) text[i] = scores[i].best();
  for (std::size_t i = 0; i < glyphs.size(); ++i) {
    if (known[i] != 0) continue;
    auto& s = scores[i].score;
    std::vector<std::size_t> rank(s.size());
    for (std::size_t c = 0; c < rank.size(); ++c) rank[c] = c;
    std::partial_sort(rank.begin(), rank.begin() + kContextRivals, rank.end(),
                      [&](std::size_t a, std::size_t b) { return s[a] > s[b]; });
    if (s[rank[0]] - s[rank[1]] >= kContextMargin) continue;
    if (budget-- <= 0) return;
    for (std::size_t r = 0; r < kContextRivals; ++r) {
      std::string t = text;
      t[i] = kMrzAlphabet[rank[r]];
      const cv::Mat tmpl = inContext(t, i, o);
      s[rank[r]] = tmpl.empty() ? -1.0f : bestOffset(glyphs[i], tmpl);
    }
  }
}

}  // namespace

std::vector<Optics> makeOptics(const cv::Mat& big) {
  std::vector<Optics> out;
  for (double cap : {10.0, 12.0, 14.0, 17.0, 20.0, 24.0, 32.0})
    for (const Psf& p : candidatePsfs())
      if (auto g = seenThrough(big, static_cast<int>(kMrzAlphabet.size()), cap, p);
          g.size() == kMrzAlphabet.size())
        out.push_back({cap, p.motion, p.angle, p.sigma, std::move(g)});
  return out;
}

std::vector<MrzLineScores> readThroughBestOptics(const std::vector<Optics>& optics,
                                                 const std::vector<cv::Mat>& lines,
                                                 const MrzKnownText& known) {
  if (optics.empty() || lines.size() != known.size()) return {};
  std::vector<std::vector<std::vector<cv::Mat>>> glyphs;
  for (std::size_t l = 0; l < lines.size(); ++l) {
    glyphs.push_back(lineFeatures(lines[l], static_cast<int>(known[l].size()), 1));
    if (glyphs.back().size() != known[l].size()) return {};
  }
  // How well each candidate explains the glyphs whose identity is proved.
  std::size_t best = 0;
  float bestFit = -1e9f;
  for (std::size_t o = 0; o < optics.size(); ++o) {
    float fit = 0;
    for (std::size_t l = 0; l < glyphs.size(); ++l)
      for (std::size_t i = 0; i < glyphs[l].size(); ++i)
        if (const char c = known[l][i]; c != 0)
          fit += bestOffset(glyphs[l][i], optics[o].glyphs[kMrzAlphabet.find(c)]);
    if (fit > bestFit) bestFit = fit, best = o;
  }
  std::vector<MrzLineScores> out;
  for (const auto& line : glyphs) {
    out.emplace_back(line.size());
    for (std::size_t i = 0; i < line.size(); ++i)
      for (std::size_t c = 0; c < kMrzAlphabet.size(); ++c)
        out.back()[i].score[c] = bestOffset(line[i], optics[best].glyphs[c]);
  }
  int budget = kMaxContextGlyphs;
  for (std::size_t l = 0; l < glyphs.size(); ++l)
    scoreInContext(glyphs[l], known[l], optics[best], out[l], budget);
  return out;
}

}  // namespace gatehouse::devices::mrz
