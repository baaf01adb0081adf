// Is this frame good enough for the visitor photo? Face present and large enough (OpenCV
// cascade from opencv-data), sharp (variance of the Laplacian), lit. Each failure is a reason
// code the kiosk translates: "too_dark", "no_face", "move_closer", "hold_still".
#pragma once
#include <memory>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

#include "gatehouse/core/result.hpp"

namespace gatehouse::devices {

enum class PhotoIssue { tooDark, noFace, moveCloser, holdStill };
const char* reasonCode(PhotoIssue i);  // "too_dark", "no_face", "move_closer", "hold_still"

struct PhotoQualityConfig {
  std::string cascade = "/usr/share/opencv4/lbpcascades/lbpcascade_frontalface_improved.xml";
  double minFaceFraction = 0.2;  // face width / the image's shorter side
  double minSharpness = 30;      // variance of the Laplacian over the face, scaled to 160 px
  double minBrightness = 60;     // mean luma 0..255 (face if found, else whole frame)
  int detectWidth = 480;         // frames are downscaled to this width for detection
};

struct PhotoQuality {
  std::vector<PhotoIssue> issues;  // most important first; empty = good photo
  std::optional<cv::Rect> face;    // largest face, in the given image's coordinates
  double sharpness = 0;
  double brightness = 0;
  bool ok() const { return issues.empty(); }
  std::optional<PhotoIssue> primary() const {
    return issues.empty() ? std::nullopt : std::optional<PhotoIssue>(issues.front());
  }
};

class PhotoQualityChecker {
 public:
  // Errors: cascade_missing.
  static Result<std::unique_ptr<PhotoQualityChecker>> create(const PhotoQualityConfig& config = {});
  ~PhotoQualityChecker();
  PhotoQuality check(const cv::Mat& bgr);  // not thread-safe: one checker per thread

 private:
  PhotoQualityChecker();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gatehouse::devices
