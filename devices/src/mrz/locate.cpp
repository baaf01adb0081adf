// Finding the MRZ band in a frame (blackhat + morphology), rectifying it from the quadrilateral
// of its first and last lines, and cutting it into upright lines of a fixed height.
#include <algorithm>
#include <array>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "mrz_internal.hpp"

namespace gatehouse::devices::mrz {
namespace {

constexpr double kWorkSide = 960.0;
constexpr int kFeatureW = 20,
              kFeatureH = 30;  // bands are searched in a frame scaled to this longer side

cv::Mat toGray(const cv::Mat& image) {
  if (image.channels() == 1) return image;
  cv::Mat gray;
  cv::cvtColor(image, gray, image.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  return gray;
}

struct LineBox {
  cv::RotatedRect rect;
  double length = 0;  // long side
  double height = 0;  // short side
  cv::Point2f dir;    // unit vector along the line, pointing right
};

LineBox lineBox(const std::vector<cv::Point>& contour) {
  LineBox b;
  b.rect = cv::minAreaRect(contour);
  cv::Point2f p[4];
  b.rect.points(p);
  cv::Point2f e1 = p[1] - p[0], e2 = p[2] - p[1];
  const double l1 = std::hypot(e1.x, e1.y), l2 = std::hypot(e2.x, e2.y);
  cv::Point2f along = l1 >= l2 ? e1 : e2;
  b.length = std::max(l1, l2);
  b.height = std::min(l1, l2);
  if (along.x < 0) along = -along;
  b.dir = along * static_cast<float>(
                      1.0 / std::max(1e-6, static_cast<double>(std::hypot(along.x, along.y))));
  return b;
}

// Long, thin components in the blackhat image: candidate text lines.
std::vector<LineBox> candidateLines(const cv::Mat& small) {
  cv::Mat bh, bin;
  cv::morphologyEx(small, bh, cv::MORPH_BLACKHAT,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(17, 11)));
  const double otsu = cv::threshold(bh, bin, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  if (otsu < 18) cv::threshold(bh, bin, 18, 255, cv::THRESH_BINARY);
  cv::morphologyEx(bin, bin, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(9, 3)));
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(bin, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  std::vector<LineBox> out;
  for (const auto& c : contours) {
    if (c.size() < 4) continue;
    LineBox b = lineBox(c);
    if (b.height >= 3 && b.length >= 8 * b.height && b.length >= 60) out.push_back(b);
  }
  return out;
}

double angleBetween(cv::Point2f a, cv::Point2f b) {
  return std::abs(std::atan2(a.x * b.y - a.y * b.x, a.x * b.x + a.y * b.y)) * 180.0 / CV_PI;
}

// The longest line and its parallel neighbours of similar length, top to bottom.
std::vector<LineBox> mrzLines(std::vector<LineBox> lines) {
  if (lines.empty()) return {};
  std::sort(lines.begin(), lines.end(),
            [](const LineBox& a, const LineBox& b) { return a.length > b.length; });
  const LineBox& ref = lines.front();
  const cv::Point2f normal(-ref.dir.y, ref.dir.x);
  std::vector<LineBox> group;
  for (const auto& l : lines) {
    const cv::Point2f d = l.rect.center - ref.rect.center;
    const double across = d.x * normal.x + d.y * normal.y;
    const double along = d.x * ref.dir.x + d.y * ref.dir.y;
    if (angleBetween(l.dir, ref.dir) < 6 && l.length >= 0.75 * ref.length &&
        std::abs(across) < 5.5 * ref.height && std::abs(along) < 0.2 * ref.length)
      group.push_back(l);
  }
  std::sort(group.begin(), group.end(), [&](const LineBox& a, const LineBox& b) {
    return a.rect.center.dot(normal) < b.rect.center.dot(normal);
  });
  if (group.size() > 3) group.resize(3);
  return group;
}

// Corners of a line's box ordered as top-left, top-right, bottom-right, bottom-left.
std::array<cv::Point2f, 4> ordered(const LineBox& l) {
  cv::Point2f p[4];
  l.rect.points(p);
  const cv::Point2f n(-l.dir.y, l.dir.x);
  std::array<cv::Point2f, 4> out;
  std::sort(p, p + 4, [&](cv::Point2f a, cv::Point2f b) { return a.dot(n) < b.dot(n); });
  const bool firstLeft = p[0].dot(l.dir) < p[1].dot(l.dir);
  out[0] = firstLeft ? p[0] : p[1];
  out[1] = firstLeft ? p[1] : p[0];
  const bool thirdLeft = p[2].dot(l.dir) < p[3].dot(l.dir);
  out[3] = thirdLeft ? p[2] : p[3];
  out[2] = thirdLeft ? p[3] : p[2];
  return out;
}

struct Run {
  int top = 0, bottom = 0;  // [top, bottom)
};

std::vector<Run> textRuns(const cv::Mat& binary) {
  cv::Mat rows;
  cv::reduce(binary, rows, 1, cv::REDUCE_SUM, CV_64F);
  double maxV = 0;
  cv::minMaxLoc(rows, nullptr, &maxV);
  std::vector<Run> runs;
  bool in = false;
  for (int y = 0; y <= rows.rows; ++y) {
    const bool ink = y < rows.rows && rows.at<double>(y) > 0.12 * maxV;
    if (ink && !in) runs.push_back({y, y});
    if (!ink && in) runs.back().bottom = y;
    in = ink;
  }
  int tallest = 0;
  for (const auto& r : runs) tallest = std::max(tallest, r.bottom - r.top);
  std::erase_if(runs, [&](const Run& r) { return r.bottom - r.top < 0.45 * tallest; });
  return runs;
}

}  // namespace

cv::Mat inkImage(const cv::Mat& gray) {
  const int k = std::max(15, (std::min(gray.rows, gray.cols) / 2) | 1);
  const int kk = std::min(k, 2 * kLineHeight + 1);
  cv::Mat bg;
  cv::dilate(gray, bg, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(kk, kk)));
  cv::blur(bg, bg, cv::Size(kk, kk));
  cv::Mat g, b, ink;
  gray.convertTo(g, CV_32F);
  bg.convertTo(b, CV_32F);
  cv::max(b, g, b);
  ink = (b - g) / (b + 1.0f) * 255.0f;
  cv::Mat out;
  ink.convertTo(out, CV_8U);
  return out;
}

Band locateBand(const cv::Mat& image) {
  Band band;
  if (image.empty() || image.depth() != CV_8U) return band;
  const cv::Mat gray = toGray(image);
  const double s = std::min(1.0, kWorkSide / std::max(gray.cols, gray.rows));
  cv::Mat small;
  cv::resize(gray, small, cv::Size(), s, s, cv::INTER_AREA);
  const auto lines = mrzLines(candidateLines(small));
  if (lines.empty()) return band;
  const LineBox& first = lines.front();
  const LineBox& last = lines.back();
  band.charHeightPx = first.height / s;
  band.angleDeg = std::atan2(first.dir.y, first.dir.x) * 180.0 / CV_PI;
  if (lines.size() < 2 || first.length < 120) return band;  // too far away to read

  auto top = ordered(first), bottom = ordered(last);
  const cv::Point2f n(-first.dir.y, first.dir.x);
  const float padV = static_cast<float>(0.6 * first.height),
              padH = static_cast<float>(first.height);
  std::array<cv::Point2f, 4> quad = {
      top[0] - n * padV - first.dir * padH, top[1] - n * padV + first.dir * padH,
      bottom[2] + n * padV + first.dir * padH, bottom[3] + n * padV - first.dir * padH};
  for (auto& p : quad) p *= static_cast<float>(1.0 / s);
  const double w = cv::norm(quad[1] - quad[0]);
  const double h = cv::norm(quad[3] - quad[0]);
  // Scale so text comes out near kLineHeight (the exact scale is fixed per line below).
  const double f = std::clamp(kLineHeight / std::max(4.0, band.charHeightPx), 0.3, 4.0);
  const cv::Size outSize(static_cast<int>(w * f), static_cast<int>(h * f));
  if (outSize.width < 50 || outSize.height < 20 || outSize.width > 6000) return band;
  const std::array<cv::Point2f, 4> dst = {
      cv::Point2f(0, 0), cv::Point2f(static_cast<float>(outSize.width), 0),
      cv::Point2f(static_cast<float>(outSize.width), static_cast<float>(outSize.height)),
      cv::Point2f(0, static_cast<float>(outSize.height))};
  cv::Mat upright;
  cv::warpPerspective(gray, upright, cv::getPerspectiveTransform(quad.data(), dst.data()), outSize,
                      cv::INTER_LINEAR, cv::BORDER_REPLICATE);

  const cv::Mat ink = inkImage(upright);
  cv::Mat bin;
  cv::threshold(ink, bin, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  cv::Mat paperMask = bin == 0;
  band.brightness = cv::mean(upright, paperMask)[0];
  band.glare = cv::countNonZero(upright >= 250) / static_cast<double>(upright.total());
  const auto runs = textRuns(bin);
  for (const auto& r : runs) {
    const int th = r.bottom - r.top;
    const int y0 = std::max(0, r.top - th / 3), y1 = std::min(upright.rows, r.bottom + th / 3);
    const double k = static_cast<double>(kLineHeight) / th;
    cv::Mat line;
    cv::resize(upright.rowRange(y0, y1), line, cv::Size(), k, k,
               k < 1 ? cv::INTER_AREA : cv::INTER_CUBIC);
    band.lines.push_back(line);
    band.charHeightPx = th / f;
  }
  if (!band.lines.empty()) {
    // Sharpness: the steepest horizontal edges of the first line against its contrast (a step
    // edge gives 1, blur and motion give less).
    const cv::Mat& l0 = band.lines.front();
    cv::Mat gx;
    cv::Sobel(l0, gx, CV_32F, 1, 0);
    gx = cv::abs(gx);
    double lo = 0, hi = 0;
    cv::minMaxLoc(l0, &lo, &hi);
    cv::Mat flat = gx.reshape(1, 1).clone();
    cv::sort(flat, flat, cv::SORT_ASCENDING);
    const float p99 = flat.at<float>(0, static_cast<int>(flat.cols * 0.99));
    band.sharpness = p99 / (4.0 * std::max(1.0, hi - lo));
  }
  return band;
}

std::vector<cv::Rect> glyphBoxes(const cv::Mat& binaryInk) {
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(binaryInk, labels, stats, centroids, 8);
  const auto runs = textRuns(binaryInk);
  if (runs.empty()) return {};
  const Run main = *std::max_element(runs.begin(), runs.end(), [](const Run& a, const Run& b) {
    return a.bottom - a.top < b.bottom - b.top;
  });
  const int lineH = main.bottom - main.top;
  std::vector<cv::Rect> boxes;
  for (int i = 1; i < n; ++i) {
    const cv::Rect r(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                     stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
    const int cy = r.y + r.height / 2;
    if (cy < main.top || cy >= main.bottom) continue;  // a neighbour line's remains
    if (stats.at<int>(i, cv::CC_STAT_AREA) < lineH * lineH / 60) continue;  // speckle
    if (r.height < lineH / 5 && r.width < lineH / 5) continue;
    // The page edge or the desk beside it, not a glyph.
    if (r.x == 0 || r.x + r.width >= binaryInk.cols || r.width > 1.3 * lineH) continue;
    boxes.push_back(r);
  }
  std::sort(boxes.begin(), boxes.end(),
            [](const cv::Rect& a, const cv::Rect& b) { return a.x < b.x; });
  // Pieces of one broken glyph overlap horizontally: join them.
  std::vector<cv::Rect> merged;
  for (const auto& b : boxes) {
    if (!merged.empty()) {
      cv::Rect& m = merged.back();
      const int overlap = std::min(m.x + m.width, b.x + b.width) - std::max(m.x, b.x);
      if (overlap > 0.5 * std::min(m.width, b.width)) {
        m |= b;
        continue;
      }
    }
    merged.push_back(b);
  }
  return merged;
}

cv::Mat glyphFeature(const cv::Mat& inkGray, const cv::Rect& cell, int lineTop, int lineBottom,
                     int ownLeft, int ownRight) {
  const int h = lineBottom - lineTop;
  const int pad = h / 8;
  cv::Rect r(cell.x, lineTop - pad, cell.width, h + 2 * pad);
  r &= cv::Rect(0, 0, inkGray.cols, inkGray.rows);
  cv::Mat feature(kFeatureH, kFeatureW, CV_32F, cv::Scalar(0));
  if (r.area() <= 0) return feature;
  cv::Mat own = inkGray(r).clone();
  // Blurred neighbours reach into the cell (an L's foot beside an E): keep only this glyph's ink.
  if (ownRight > ownLeft) {
    for (int x = 0; x < own.cols; ++x)
      if (r.x + x < ownLeft || r.x + x >= ownRight) own.col(x).setTo(0);
  }
  cv::Mat crop;
  cv::resize(own, crop, cv::Size(kFeatureW, kFeatureH), 0, 0, cv::INTER_AREA);
  crop.convertTo(feature, CV_32F);
  // A little blur on both sides makes defocused glyphs and sharp templates comparable.
  cv::GaussianBlur(feature, feature, cv::Size(0, 0), 1.0);
  feature -= cv::mean(feature)[0];
  const double norm = cv::norm(feature);
  if (norm > 1e-6) feature /= norm;
  return feature;
}

}  // namespace gatehouse::devices::mrz
