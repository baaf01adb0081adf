// ICAO Doc 9303 MRZ (TD1 3x30, TD2 2x36, TD3 2x44): field extraction and check digits. A check
// digit that does not match is an error naming the field; nothing is ever "corrected".
#include <algorithm>
#include <string>
#include <vector>

#include "gatehouse/devices/id_document.hpp"

namespace gatehouse::devices {
namespace {

int charValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  if (c == '<') return 0;
  return -1;
}

std::string unfill(std::string_view s) {
  std::string out(s);
  while (!out.empty() && out.back() == '<') out.pop_back();
  std::replace(out.begin(), out.end(), '<', ' ');
  return out;
}

// "ERIKSSON<<ANNA<MARIA<<<" -> surname "ERIKSSON", given "ANNA MARIA".
void splitName(std::string_view field, std::string& surname, std::string& given) {
  const std::size_t sep = field.find("<<");
  if (sep == std::string_view::npos) {
    surname = unfill(field);
    given.clear();
    return;
  }
  surname = unfill(field.substr(0, sep));
  given = unfill(field.substr(sep + 2));
  while (!given.empty() && given.front() == ' ') given.erase(given.begin());
}

Status verify(std::string_view field, char digit, const char* name) {
  const int expected = mrzCheckDigit(field);
  const int got = charValue(digit);
  if (expected < 0 || got < 0 || digit == '<' || got > 9 || got != expected) {
    return makeError("bad_check_digit", std::string("check digit of ") + name +
                                            " does not match ('" + std::string(1, digit) +
                                            "', expected " + std::to_string(expected) + ")");
  }
  return Ok{};
}

bool allDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<Date> yymmdd(std::string_view s, bool birth, const Date& today, const char* name) {
  if (s.size() != 6 || !allDigits(s))
    return makeError("bad_date", std::string(name) + " is not YYMMDD");
  const int yy = (s[0] - '0') * 10 + (s[1] - '0');
  Date d{2000 + yy, (s[2] - '0') * 10 + (s[3] - '0'), (s[4] - '0') * 10 + (s[5] - '0')};
  if (birth && d > today) d.year -= 100;                  // nobody is born in the future
  if (!birth && d.year > today.year + 50) d.year -= 100;  // documents last years, not decades
  if (!d.valid()) return makeError("bad_date", std::string(name) + " is not a calendar date");
  return d;
}

// The document number: 9 characters, or longer (TD1/TD2) when its check digit position holds
// '<' and the number continues in the optional data, ending with its own check digit.
Result<std::string> documentNumber(std::string_view number9, char cd, std::string_view optional) {
  if (cd != '<') {
    if (auto s = verify(number9, cd, "document number"); !s) return s.error();
    return unfill(number9);
  }
  std::string_view rest = optional.substr(0, optional.find('<'));
  if (rest.empty())
    return makeError("bad_check_digit", "extended document number without check digit");
  std::string full = std::string(number9) + std::string(rest.substr(0, rest.size() - 1));
  if (auto s = verify(full, rest.back(), "document number"); !s) return s.error();
  return unfill(full);
}

std::string sexOf(char c) { return c == 'M' ? "M" : c == 'F' ? "F" : "X"; }

Status checkCharset(const std::vector<std::string>& lines) {
  for (const auto& l : lines)
    for (char c : l)
      if (charValue(c) < 0)
        return makeError("bad_character",
                         std::string("character '") + c + "' is not allowed in an MRZ");
  return Ok{};
}

}  // namespace

const char* toString(MrzFormat f) {
  switch (f) {
    case MrzFormat::td1:
      return "TD1";
    case MrzFormat::td2:
      return "TD2";
    case MrzFormat::td3:
      return "TD3";
  }
  return "?";
}

int mrzCheckDigit(std::string_view field) {
  static constexpr int kWeights[] = {7, 3, 1};
  int sum = 0;
  for (std::size_t i = 0; i < field.size(); ++i) {
    const int v = charValue(field[i]);
    if (v < 0) return -1;
    sum += v * kWeights[i % 3];
  }
  return sum % 10;
}

Result<MrzDocument> parseMrz(std::string_view text, const Date& today) {
  if (text.size() > kMaxIdInput) return makeError("too_large", "MRZ input larger than 16 KiB");
  std::vector<std::string> lines;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) lines.push_back(cur);
    cur.clear();
  };
  for (char c : text) {
    if (c == '\r' || c == '\n')
      flush();
    else if (c == ' ' || c == '\t')
      continue;  // readers pad lines; blanks are never MRZ content
    else
      cur += c;
    if (lines.size() > 3) return makeError("not_mrz", "more than three lines");
  }
  flush();
  if (lines.size() == 1) {  // one unbroken string: split by total length
    const std::string all = lines[0];
    lines.clear();
    std::size_t width = all.size() == 90 ? 30 : all.size() == 72 ? 36 : all.size() == 88 ? 44 : 0;
    if (width == 0)
      return makeError("not_mrz", "length " + std::to_string(all.size()) + " is not an MRZ");
    for (std::size_t i = 0; i < all.size(); i += width) lines.push_back(all.substr(i, width));
  }
  MrzDocument doc;
  if (lines.size() == 3 && lines[0].size() == 30 && lines[1].size() == 30 &&
      lines[2].size() == 30) {
    doc.format = MrzFormat::td1;
  } else if (lines.size() == 2 && lines[0].size() == 36 && lines[1].size() == 36) {
    doc.format = MrzFormat::td2;
  } else if (lines.size() == 2 && lines[0].size() == 44 && lines[1].size() == 44) {
    doc.format = MrzFormat::td3;
  } else {
    return makeError("not_mrz",
                     "line count and lengths match no MRZ format (TD1 3x30, TD2 2x36, TD3 2x44)");
  }
  if (auto s = checkCharset(lines); !s) return s.error();
  const std::string& l1 = lines[0];
  const std::string& l2 = lines[1];
  doc.documentCode = l1.substr(0, 2);
  doc.issuingState = unfill(l1.substr(2, 3));

  std::string_view dob, expiry;
  if (doc.format == MrzFormat::td1) {
    const std::string& l3 = lines[2];
    auto number = documentNumber(std::string_view(l1).substr(5, 9), l1[14],
                                 std::string_view(l1).substr(15, 15));
    if (!number) return number.error();
    doc.documentNumber = number.value();
    doc.optionalData1 = l1[14] == '<' ? std::string() : unfill(std::string_view(l1).substr(15, 15));
    dob = std::string_view(l2).substr(0, 6);
    if (auto s = verify(dob, l2[6], "date of birth"); !s) return s.error();
    doc.sex = sexOf(l2[7]);
    expiry = std::string_view(l2).substr(8, 6);
    if (auto s = verify(expiry, l2[14], "date of expiry"); !s) return s.error();
    doc.nationality = unfill(std::string_view(l2).substr(15, 3));
    doc.optionalData2 = unfill(std::string_view(l2).substr(18, 11));
    const std::string composite =
        l1.substr(5, 25) + l2.substr(0, 7) + l2.substr(8, 7) + l2.substr(18, 11);
    if (auto s = verify(composite, l2[29], "composite"); !s) return s.error();
    splitName(l3, doc.surname, doc.givenNames);
  } else {
    const bool td3 = doc.format == MrzFormat::td3;
    splitName(std::string_view(l1).substr(5), doc.surname, doc.givenNames);
    const std::size_t optLen = td3 ? 14 : 7;
    const std::string_view optional = std::string_view(l2).substr(28, optLen);
    if (td3) {
      auto number = documentNumber(std::string_view(l2).substr(0, 9), l2[9], {});
      if (!number) return number.error();
      doc.documentNumber = number.value();
      // An empty personal number may carry '<' (or 0) as its check digit.
      const bool emptyPersonal = optional.find_first_not_of('<') == std::string_view::npos;
      if (!(emptyPersonal && (l2[42] == '<' || l2[42] == '0'))) {
        if (auto s = verify(optional, l2[42], "personal number"); !s) return s.error();
      }
      doc.optionalData1 = unfill(optional);
    } else {
      auto number = documentNumber(std::string_view(l2).substr(0, 9), l2[9], optional);
      if (!number) return number.error();
      doc.documentNumber = number.value();
      doc.optionalData1 = l2[9] == '<' ? std::string() : unfill(optional);
    }
    doc.nationality = unfill(std::string_view(l2).substr(10, 3));
    dob = std::string_view(l2).substr(13, 6);
    if (auto s = verify(dob, l2[19], "date of birth"); !s) return s.error();
    doc.sex = sexOf(l2[20]);
    expiry = std::string_view(l2).substr(21, 6);
    if (auto s = verify(expiry, l2[27], "date of expiry"); !s) return s.error();
    const std::size_t compositeAt = td3 ? 43 : 35;
    const std::string composite =
        l2.substr(0, 10) + l2.substr(13, 7) + l2.substr(21, compositeAt - 21);
    if (auto s = verify(composite, l2[compositeAt], "composite"); !s) return s.error();
  }
  auto birth = yymmdd(dob, true, today, "date of birth");
  if (!birth) return birth.error();
  auto exp = yymmdd(expiry, false, today, "date of expiry");
  if (!exp) return exp.error();
  doc.dateOfBirth = birth.value();
  doc.expiryDate = exp.value();
  doc.expired = doc.expiryDate < today;
  return doc;
}

}  // namespace gatehouse::devices
