// The generated MRZ test corpus: specimen-style passports (TD3), ID cards (TD1) and TD2 documents
// rendered with OCR-B, then "photographed" (rotation, perspective, blur, low light, glare, JPEG,
// a thumb over the page). Deterministic: the same case always gives the same frame.
#pragma once
#include <opencv2/core.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "gatehouse/devices/id_document.hpp"

namespace gatehouse::devices::testing {

struct MrzPerson {
  MrzFormat format = MrzFormat::td3;
  std::string nativeSurname, nativeGiven;  // UTF-8 as printed on the page (Latin or Cyrillic)
  std::string issuingState, nationality;   // 3 letters ("D" is padded to "D<<")
  std::string documentNumber;              // up to 9 characters
  std::string dateOfBirth, expiryDate;     // YYMMDD
  char sex = 'F';
  std::string optionalData;  // personal number (TD3) / optional data
};

// Which check digit a broken document gets wrong.
enum class BrokenDigit {
  none,
  documentNumber,  // number check digit wrong, composite computed over the wrong digit
  dateOfBirth,     // birth check digit wrong (composite then fails too)
  composite,       // only the composite
};

struct Distortion {
  std::string name;
  double rotateDeg = 0;
  double perspective = 0;  // 0..0.2: the top edge shorter by this share (tilted away)
  double blurSigma = 0;
  int motionPx = 0;  // horizontal motion blur length
  double gain = 1;   // < 1: low light
  double glare = 0;  // 0..1: a bright spot over the lower half of the page
  int jpegQuality = 0;
  int thumb = 0;           // 0 none, 1 over the page (away from the MRZ), 2 over the MRZ
  double pageWidth = 0.5;  // share of the frame width the page covers
};

struct MrzCase {
  std::string id;
  MrzPerson person;
  BrokenDigit broken = BrokenDigit::none;
  Distortion distortion;
  std::string mrz;  // the printed lines, '\n' after each
  bool expectRead;  // a steady reader must accept it (valid digits, MRZ visible)
  // Expected fields (from the person, in the MRZ's transliterated form).
  std::string surname, givenNames, documentNumber, nationality, dateOfBirthIso, expiryIso;
};

// ICAO 9303 part 3 transliteration of Cyrillic (Russian, Ukrainian) to MRZ letters; Latin letters
// are upper-cased, anything else becomes '<'.
std::string transliterate(std::string_view utf8);
// The MRZ lines of a person, each followed by '\n'.
std::string mrzLines(const MrzPerson& p, BrokenDigit broken = BrokenDigit::none);
// The flat data page (BGR, 8 px per mm) with the MRZ printed in OCR-B.
cv::Mat renderPage(const MrzPerson& p, const std::string& mrz);
// The page as a camera would see it in a `frame` sized picture (BGR).
cv::Mat photograph(const cv::Mat& page, const Distortion& d, cv::Size frame, unsigned seed);

std::vector<MrzPerson> mrzPeople();
std::vector<Distortion> mrzDistortions();
// variant 0 is the test set above; any other variant is a tuning set of the same shape: other
// document numbers, dates and given names, other amounts of each distortion, other noise (its
// case ids start with "t<variant>-"). Tune on a tuning variant, report both.
std::vector<MrzPerson> mrzPeople(unsigned variant);
std::vector<Distortion> mrzDistortions(unsigned variant);
// Every person under every distortion, broken documents, MRZ covered by a thumb.
std::vector<MrzCase> mrzCorpus(unsigned variant = 0);
cv::Mat renderCase(const MrzCase& c, cv::Size frame);

inline const Date kCorpusToday{2026, 12, 1};  // dates of the corpus are judged on this day

}  // namespace gatehouse::devices::testing
