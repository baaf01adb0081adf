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
// Each row of z (class scores) replaced by its softmax, in place; the network's output layer
// for both the reader and the training tool.
void softmaxRows(cv::Mat& z);
extern const float kTrainedLayer1[];  // kTrainedInputs x kTrainedHidden
extern const float kTrainedLayer2[];  // (kTrainedHidden + 1) x 37

// One candidate of a frame's optics (decision 0830): the template of each character
// (glyphs[class], kMrzAlphabet order) as a camera with one text height and point-spread function
// (defocus, motion along, across or diagonal to the line) would see it.
struct Optics {
  double cap = 0;                // text height in the frame, px
  double motion = 0, angle = 0;  // straight motion: length px, degrees from the line
  double sigma = 0;              // then defocus (Gaussian sigma px)
  std::vector<cv::Mat> glyphs;
};
// The candidate set, made from the alphabet rendered 64 px tall.
std::vector<Optics> makeOptics(const cv::Mat& alphabet64);
// The lines' glyph scores through the one candidate whose templates of the known characters fit
// their glyphs best (sum of true-class scores); an unknown glyph whose best two are within 0.06
// has its best three re-scored against the whole line rendered (pango) through that candidate
// with each in its place, so neighbours bleed and the cut falls as in the frame. Empty when a
// line cannot be cut to its width.
std::vector<MrzLineScores> readThroughBestOptics(const std::vector<Optics>& optics,
                                                 const std::vector<cv::Mat>& lines,
                                                 const MrzKnownText& known);

Result<std::shared_ptr<const MrzRecogniser>> makeOcrbClassifier();
Result<std::shared_ptr<const MrzRecogniser>> makeTrainedClassifier();
// The trained network's probabilities applied to template scores of the same glyphs (decision
// 0840: score - 0.2 x (1 - p), 0/O pooled); glyphs beyond either's end are left alone.
void addTrainedScores(MrzLineScores& templates, const MrzLineScores& trained);
// "ocrb-one-pass": the template scores with the trained classifier's applied (decision 0840).
Result<std::shared_ptr<const MrzRecogniser>> makeCombinedRecogniser();
// "ocrb" with its second pass: the combined scores, and the templates read through the frame's
// optics plus the trained tie-breaker for the characters no check digit covers (decision 0830).
Result<std::shared_ptr<const MrzRecogniser>> makeTwoPassRecogniser();
Result<std::shared_ptr<const MrzRecogniser>> makeTesseractRecogniser();

}  // namespace gatehouse::devices::mrz
