// PDF417 at any angle: ZXing-C++ 1.4 reads PDF417 only near upright, so the camera pass finds the
// barcode's quadrilateral (dense gradients closed into one blob) and warps it upright first.
#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "scan_internal.hpp"

namespace gatehouse::devices::scan {

namespace {

// Warps the quadrilateral upright, long edges horizontal, with a quiet zone around it.
Rectified warpUpright(const cv::Mat& gray, std::vector<cv::Point2f> corners, cv::Point2f centre) {
  std::sort(corners.begin(), corners.end(), [&](cv::Point2f a, cv::Point2f b) {
    return std::atan2(a.y - centre.y, a.x - centre.x) < std::atan2(b.y - centre.y, b.x - centre.x);
  });
  // Clockwise from the corner whose long edge runs to the right: the top-left one.
  for (int turn = 0; turn < 4; ++turn) {
    const bool longFirst = cv::norm(corners[1] - corners[0]) >= cv::norm(corners[2] - corners[1]);
    if (longFirst && corners[1].x > corners[0].x) break;
    std::rotate(corners.begin(), corners.begin() + 1, corners.end());
  }
  const float w = static_cast<float>(
      std::max(cv::norm(corners[1] - corners[0]), cv::norm(corners[2] - corners[3])));
  const float h = static_cast<float>(
      std::max(cv::norm(corners[3] - corners[0]), cv::norm(corners[2] - corners[1])));
  const float pad = 0.08f * h;
  const std::vector<cv::Point2f> dst = {
      {pad, pad}, {w + pad, pad}, {w + pad, h + pad}, {pad, h + pad}};
  Rectified rect;
  rect.toImage = cv::getPerspectiveTransform(dst, corners);
  cv::warpPerspective(gray, rect.image, rect.toImage,
                      cv::Size(static_cast<int>(w + 2 * pad), static_cast<int>(h + 2 * pad)),
                      cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_REPLICATE);
  return rect;
}

}  // namespace

std::vector<Rectified> rectifiedCandidates(const cv::Mat& gray, int maxCandidates) {
  std::vector<Rectified> out;
  if (gray.empty()) return out;
  // Bars and spaces give strong gradients in every direction once rotated: their magnitude,
  // closed with a kernel wider than a space, is one solid blob per barcode.
  cv::Mat gx, gy, mag;
  cv::Sobel(gray, gx, CV_16S, 1, 0, 3);
  cv::Sobel(gray, gy, CV_16S, 0, 1, 3);
  cv::convertScaleAbs(gx, gx);
  cv::convertScaleAbs(gy, gy);
  cv::addWeighted(gx, 0.5, gy, 0.5, 0, mag);
  cv::blur(mag, mag, cv::Size(5, 5));
  cv::Mat bin;
  // Printed bars are high contrast: texture and shading below this are never a barcode, which
  // keeps a frame with no code within the decode budget (no candidates, no warps).
  const double otsu = cv::threshold(mag, bin, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  if (otsu < 45) cv::threshold(mag, bin, 45, 255, cv::THRESH_BINARY);
  cv::morphologyEx(bin, bin, cv::MORPH_CLOSE,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(11, 11)));
  cv::erode(bin, bin, cv::Mat(), cv::Point(-1, -1), 2);
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(bin, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  std::sort(contours.begin(), contours.end(),
            [](const auto& a, const auto& b) { return cv::contourArea(a) > cv::contourArea(b); });
  const double minArea = 0.004 * static_cast<double>(gray.total());
  for (const auto& c : contours) {
    if (static_cast<int>(out.size()) >= maxCandidates) break;
    const double area = cv::contourArea(c);
    if (area < minArea) break;
    const cv::RotatedRect r = cv::minAreaRect(c);
    const double longSide = std::max(r.size.width, r.size.height);
    const double shortSide = std::min(r.size.width, r.size.height);
    // PDF417 symbols are 2:1 to 8:1 and fill most of their rectangle.
    if (shortSide < 20 || longSide / shortSide > 9 || area < 0.6 * r.size.area()) continue;
    // The quadrilateral: the hull's 4-point approximation (perspective) and the rectangle
    // (the approximation cuts corners when the blob is ragged): both are tried.
    std::vector<cv::Point> hull, quad;
    cv::convexHull(c, hull);
    cv::approxPolyDP(hull, quad, 0.04 * cv::arcLength(hull, true), true);
    std::vector<std::vector<cv::Point2f>> shapes;
    if (quad.size() == 4) shapes.emplace_back(quad.begin(), quad.end());
    cv::Point2f box[4];
    r.points(box);
    shapes.emplace_back(box, box + 4);
    for (auto& corners : shapes) out.push_back(warpUpright(gray, corners, r.center));
  }
  return out;
}

}  // namespace gatehouse::devices::scan
