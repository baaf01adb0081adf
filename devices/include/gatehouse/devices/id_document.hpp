// Identity documents read at the kiosk: AAMVA driver licences (PDF417) and ICAO 9303 MRZs.
// Parsers take untrusted bytes: bounded input, no exceptions, every failure an Error value.
#pragma once
#include <compare>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "gatehouse/core/result.hpp"

namespace gatehouse::devices {

struct Date {
  int year = 0;
  int month = 0;
  int day = 0;
  friend auto operator<=>(const Date&, const Date&) = default;
  std::string iso() const;  // YYYY-MM-DD
  bool valid() const;
  static Date today();  // local calendar date
};

inline constexpr std::size_t kMaxIdInput = 16 * 1024;  // larger input is refused, never read

// ---- AAMVA DL/ID card design standard (versions 1..10+) ----
struct AamvaLicense {
  std::string issuerId;  // IIN, 6 digits (e.g. 636014 = California)
  int aamvaVersion = 0;  // 01..10 (00 = pre-standard)
  int jurisdictionVersion = 0;
  std::string documentType;  // subfile type holding the data: "DL" or "ID"
  std::string familyName;
  std::string givenNames;  // first and middle names, space separated
  std::optional<Date> dateOfBirth;
  std::optional<Date> expiryDate;
  std::optional<Date> issueDate;
  std::string documentNumber;  // DAQ
  std::string jurisdiction;    // DAJ, e.g. "CA", "ON"
  std::string country;         // DCG: "USA" or "CAN" (inferred from the IIN when absent)
  std::string sex;             // "M", "F", "X" or empty
  bool expired = false;
  std::map<std::string, std::string> elements;  // every element, raw, by 3-letter id
};

// Errors: too_large, not_aamva, malformed, bad_date.
Result<AamvaLicense> parseAamva(std::string_view data, const Date& today);

// ---- ICAO Doc 9303 machine readable zone ----
enum class MrzFormat { td1, td2, td3 };
const char* toString(MrzFormat f);

struct MrzDocument {
  MrzFormat format = MrzFormat::td3;
  std::string documentCode;  // "P<", "I<", "ID", "AC"...
  std::string issuingState;  // 3 letters
  std::string surname;
  std::string givenNames;
  std::string documentNumber;  // without filler, extended numbers joined
  std::string nationality;
  Date dateOfBirth;           // century inferred: never in the future
  Date expiryDate;            // century inferred: 20YY
  std::string sex;            // "M", "F" or "X" (filler)
  std::string optionalData1;  // TD3 personal number / TD1 line 1 optional data
  std::string optionalData2;  // TD1 line 2 optional data
  bool expired = false;
};

// Accepts the lines as a reader types them (CR/LF separated, surrounding blanks ignored) or
// one unbroken string. Every check digit is verified; a mismatch is an error, never fixed.
// Errors: too_large, not_mrz, bad_character, bad_check_digit (message names the field), bad_date.
Result<MrzDocument> parseMrz(std::string_view text, const Date& today);

// ICAO 9303 7-3-1 check digit of a field ('<' = 0, A = 10...); -1 on a character outside A-Z0-9<.
int mrzCheckDigit(std::string_view field);

// Either format, decided by the content; JSON (nlohmann) text for tools and logs.
struct IdDocument {
  std::optional<AamvaLicense> aamva;
  std::optional<MrzDocument> mrz;
};
Result<IdDocument> parseIdDocument(std::string_view text, const Date& today);
std::string toJson(const IdDocument& doc, int indent = 2);

}  // namespace gatehouse::devices
