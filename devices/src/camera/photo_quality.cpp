// Photo checks: brightness, face (LBP cascade), size, sharpness over the face.
#include "gatehouse/devices/photo_quality.hpp"

#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

namespace gatehouse::devices {

const char* reasonCode(PhotoIssue i) {
  switch (i) {
    case PhotoIssue::tooDark:
      return "too_dark";
    case PhotoIssue::noFace:
      return "no_face";
    case PhotoIssue::moveCloser:
      return "move_closer";
    case PhotoIssue::holdStill:
      return "hold_still";
  }
  return "?";
}

struct PhotoQualityChecker::Impl {
  PhotoQualityConfig config;
  cv::CascadeClassifier cascade;
};

PhotoQualityChecker::PhotoQualityChecker() : impl_(std::make_unique<Impl>()) {}
PhotoQualityChecker::~PhotoQualityChecker() = default;

Result<std::unique_ptr<PhotoQualityChecker>> PhotoQualityChecker::create(
    const PhotoQualityConfig& config) {
  std::unique_ptr<PhotoQualityChecker> c(new PhotoQualityChecker());
  c->impl_->config = config;
  if (!std::filesystem::exists(config.cascade) || !c->impl_->cascade.load(config.cascade))
    return makeError("cascade_missing",
                     "cannot load face cascade " + config.cascade + " (package opencv-data)");
  return c;
}

PhotoQuality PhotoQualityChecker::check(const cv::Mat& bgr) {
  PhotoQuality q;
  const auto& cfg = impl_->config;
  if (bgr.empty()) {
    q.issues = {PhotoIssue::noFace};
    return q;
  }
  cv::Mat gray;
  if (bgr.channels() == 1)
    gray = bgr;
  else
    cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  const double scale =
      gray.cols > cfg.detectWidth ? static_cast<double>(cfg.detectWidth) / gray.cols : 1.0;
  cv::Mat small;
  if (scale < 1.0)
    cv::resize(gray, small, cv::Size(), scale, scale, cv::INTER_AREA);
  else
    small = gray;
  cv::Mat eq;
  cv::equalizeHist(small, eq);  // faces in poor light are still found, then reported as dark
  std::vector<cv::Rect> faces;
  const int minSide = std::min(small.cols, small.rows);
  impl_->cascade.detectMultiScale(eq, faces, 1.1, 4, 0, cv::Size(minSide / 10, minSide / 10));
  cv::Mat region = gray;
  if (!faces.empty()) {
    const cv::Rect best =
        *std::max_element(faces.begin(), faces.end(),
                          [](const cv::Rect& a, const cv::Rect& b) { return a.area() < b.area(); });
    const cv::Rect face(static_cast<int>(best.x / scale), static_cast<int>(best.y / scale),
                        static_cast<int>(best.width / scale),
                        static_cast<int>(best.height / scale));
    q.face = face & cv::Rect(0, 0, gray.cols, gray.rows);
    region = gray(*q.face);
  }
  q.brightness = cv::mean(region)[0];
  // Sharpness on a fixed-size face so near and far faces compare on the same scale.
  cv::Mat norm;
  const double s = 160.0 / std::max(1, region.cols);
  cv::resize(region, norm, cv::Size(), s, s, s < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  cv::Mat lap;
  cv::Laplacian(norm, lap, CV_64F);
  cv::Scalar mean, stddev;
  cv::meanStdDev(lap, mean, stddev);
  q.sharpness = stddev[0] * stddev[0];

  if (q.brightness < cfg.minBrightness) q.issues.push_back(PhotoIssue::tooDark);
  if (!q.face) {
    q.issues.push_back(PhotoIssue::noFace);
    return q;
  }
  if (q.face->width < cfg.minFaceFraction * std::min(gray.cols, gray.rows))
    q.issues.push_back(PhotoIssue::moveCloser);
  if (q.sharpness < cfg.minSharpness) q.issues.push_back(PhotoIssue::holdStill);
  return q;
}

}  // namespace gatehouse::devices
