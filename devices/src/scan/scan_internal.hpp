// Pieces of the ZXing adapter kept apart for testing: rectifying tilted PDF417 symbols.
#pragma once
#include <opencv2/core.hpp>
#include <vector>

namespace gatehouse::devices::scan {

struct Rectified {
  cv::Mat image;    // the candidate warped upright (gray)
  cv::Mat toImage;  // homography from `image` back to the source image
};
// Upright crops of the largest barcode-like regions of a gray image, largest first.
std::vector<Rectified> rectifiedCandidates(const cv::Mat& gray, int maxCandidates = 2);

}  // namespace gatehouse::devices::scan
