// Pieces of the MRZ reader shared by its translation units (band location, glyph segmentation).
#pragma once
#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "gatehouse/core/result.hpp"
#include "gatehouse/devices/mrz_reader.hpp"

namespace gatehouse::devices::mrz {

inline constexpr int kLineHeight = 32;  // upright lines are scaled to this many pixels

// The MRZ band of a frame, deskewed and split into lines, with what the visitor could improve.
struct Band {
  std::vector<cv::Mat> lines;  // upright, gray, ink dark, kLineHeight tall plus margins
  double charHeightPx = 0;     // in the frame, before scaling
  double sharpness = 0;        // mean gradient energy of the band, scaled to 0..1 contrast
  double glare = 0;            // fraction of saturated pixels in and around the band
  double brightness = 0;       // mean gray of the band's paper
  double angleDeg = 0;         // slope of the first line in the frame (clockwise positive)
};
// Empty lines when nothing band-like is in the image.
Band locateBand(const cv::Mat& image);

// One crop per character of an upright line (ink light on dark, float, unit norm features are
// made by glyphFeature). Segments by connected components; when their count is not an MRZ width
// the line is cut into equal cells of the nearest width (30, 36 or 44).
std::vector<cv::Rect> glyphBoxes(const cv::Mat& binaryInk);
// ownLeft..ownRight: the glyph's own columns (ink outside them is a neighbour's); 0, 0 = all.
cv::Mat glyphFeature(const cv::Mat& inkGray, const cv::Rect& cell, int lineTop, int lineBottom,
                     int ownLeft = 0, int ownRight = 0);
// Ink as light pixels on black (background divided out, so glare and shade do not matter).
cv::Mat inkImage(const cv::Mat& gray);

// The glyph features of one upright line: `expected` glyphs, or (expected = 0) 30, 36 or 44,
// each at horizontal offsets -shift..shift. Empty when the line cannot be cut into that many.
std::vector<std::vector<cv::Mat>> lineFeatures(const cv::Mat& line, int expected, int shift);

// `text` in OCR-B (Debian's fonts-ocr-b through pango, unhinted), black on white, capital
// letters about `capHeight` pixels tall. Error recogniser_unavailable when the font is missing.
Result<cv::Mat> renderText(const std::string& text, double capHeight);

// The trained classifier is a small MLP: hidden = relu(input x layer1), class probabilities =
// softmax([hidden 1] x layer2), where the input is a glyph feature (glyphFeature, 20 x 30) as one
// row plus a constant 1. Row-major weights, written by gatehouse-train-mrz-classifier at build
// time.
inline constexpr int kTrainedInputs = 20 * 30 + 1;
inline constexpr int kTrainedHidden = 128;
cv::Mat trainedInput(const cv::Mat& glyphFeature);
extern const float kTrainedLayer1[];  // kTrainedInputs x kTrainedHidden
extern const float kTrainedLayer2[];  // (kTrainedHidden + 1) x 37

Result<std::shared_ptr<const MrzRecogniser>> makeOcrbClassifier();
Result<std::shared_ptr<const MrzRecogniser>> makeTrainedClassifier();
// "ocrb": the template scores with the trained classifier's added as a tie-breaker.
Result<std::shared_ptr<const MrzRecogniser>> makeCombinedRecogniser();
Result<std::shared_ptr<const MrzRecogniser>> makeTesseractRecogniser();

}  // namespace gatehouse::devices::mrz
