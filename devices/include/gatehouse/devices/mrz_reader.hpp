// Reading ICAO 9303 MRZs from camera frames: find the band, deskew it, recognise the glyphs and
// accept a read only when every check digit holds. Frames are never kept; only fields leave.
#pragma once
#include <array>
#include <functional>
#include <memory>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gatehouse/core/result.hpp"
#include "gatehouse/devices/id_document.hpp"

namespace gatehouse::devices {

// The 37 MRZ characters in classifier order: 0-9, A-Z, '<'.
inline constexpr std::string_view kMrzAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<";

// Similarity of one glyph to every character of kMrzAlphabet (higher is more alike). Scores of
// consecutive frames add up, which is how reads are combined.
struct GlyphScores {
  std::array<float, 37> score{};
  char best() const;
};
using MrzLineScores = std::vector<GlyphScores>;
// The characters check digits proved, one string per line: known[l][i] is the character at line
// l, position i, or '\0' where no check digit covers it (names, nationality, issuing state, sex).
using MrzKnownText = std::vector<std::string>;

// Recognises the characters of one upright MRZ line (8-bit gray, dark ink on light, about 32 px
// tall). Returns one entry per character, or an empty vector when the line is not readable.
class MrzRecogniser {
 public:
  virtual ~MrzRecogniser() = default;
  virtual const char* name() const = 0;
  virtual MrzLineScores readLine(const cv::Mat& line) const = 0;
  // The band's lines read again through the optics (blur, motion, text height) that explain the
  // known characters best (decision 0830). Empty (the default) when the recogniser has no such
  // model or a line cannot be read; the resolver then refuses what it could not take.
  virtual std::vector<MrzLineScores> readThroughOptics(const std::vector<cv::Mat>& lines,
                                                       const MrzKnownText& known) const;
};

// "ocrb" (the default): OCR-B templates from fonts-ocr-b (rendered with pango when made) with the
// scores of a linear classifier trained at build time on damaged OCR-B lines added as a
// tie-breaker (decision 0820), and a second reading through the frame's own optics (decision
// 0830). "ocrb-one-pass": the same without the second reading. "templates" and "trained": either
// alone, for comparison.
// "tesseract": Tesseract 5 (eng) restricted to the MRZ characters.
// Errors: unknown_recogniser, recogniser_unavailable (font or traineddata missing).
Result<std::shared_ptr<const MrzRecogniser>> makeMrzRecogniser(std::string_view name);

// What the visitor should do when no document could be accepted from a frame.
enum class MrzHint { none, noDocument, closer, holdStill, tiltAwayFromLight };
const char* toString(
    MrzHint h);  // "none", "no_document", "closer", "hold_still", "tilt_away_from_light"

// Turns the per-character scores of a band into lines of text in two passes. Pass 1, the fields
// check digits cover: each position takes the best character its field allows (digits in dates
// and check digits), and in mixed fields a close confusable (0/O, 1/I, 5/S, 8/B, 2/Z) is tried
// only if exactly one combination passes every check digit. Pass 2, only when pass 1 passed: a
// character no check digit covers needs a clear lead (0.03) and a likeness of 0.45; one the
// scores leave unclear is judged, by the same rule, on the scores `reread` returns for the
// confirmed text (called at most once; empty or no reread: refused). Returns the parsed document
// or why not (parseMrz errors, plus ambiguous and uncertain).
struct ResolvedMrz {
  std::string text;  // the lines, '\n' separated
  MrzDocument document;
};
using MrzReread = std::function<std::vector<MrzLineScores>(const MrzKnownText& known)>;
Result<ResolvedMrz> resolveMrz(const std::vector<MrzLineScores>& lines, const Date& today,
                               const MrzReread& reread = {});

struct MrzFrameRead {
  std::optional<ResolvedMrz> accepted;  // set only when every check digit holds
  MrzHint hint = MrzHint::noDocument;   // none when accepted
  int lines = 0;                        // MRZ lines found in the frame (0 = no band)
  // Why nothing was accepted: "no_band", "band_lines" (not 2 or 3 lines, or a line not cut
  // into an MRZ width) or resolveMrz's error code ("ambiguous", a check digit's error, ...).
  std::string refused;
  int tries = 0;     // readings of the frame: 1, plus the upright retries (turned frames)
  int combined = 0;  // frames whose scores made the accepted read (1 = this frame alone)
};

// One frame on its own (files, tools).
MrzFrameRead readMrzImage(const cv::Mat& image, const MrzRecogniser& recogniser, const Date& today);

// Camera frames: each frame is read on its own, and when that fails the scores of the last few
// frames showing the same band are added up and resolved again. Not thread-safe.
class MrzReader {
 public:
  explicit MrzReader(std::shared_ptr<const MrzRecogniser> recogniser, int combineFrames = 4);
  MrzFrameRead onFrame(const cv::Mat& frame, const Date& today);
  void reset();

 private:
  std::shared_ptr<const MrzRecogniser> recogniser_;
  int combineFrames_;
  std::vector<std::vector<MrzLineScores>> history_;
};

}  // namespace gatehouse::devices
