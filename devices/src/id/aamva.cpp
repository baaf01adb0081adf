// AAMVA DL/ID card data (the PDF417 on North American driver licences): header, subfile
// directory, data elements. Tolerant of the separator and offset mistakes real cards carry,
// strict about bounds: every index is checked, nothing is allocated beyond the input size.
#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "gatehouse/devices/id_document.hpp"

namespace gatehouse::devices {
namespace {

bool allDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int toInt(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

std::string trim(std::string_view s) {
  auto notSpace = [](char c) {
    return !(c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\x1e');
  };
  auto b = std::find_if(s.begin(), s.end(), notSpace);
  auto e = std::find_if(s.rbegin(), s.rend(), notSpace).base();
  return b < e ? std::string(b, e) : std::string();
}

// IINs of Canadian jurisdictions: their dates are CCYYMMDD, US dates MMDDCCYY.
bool canadianIin(std::string_view iin) {
  static constexpr std::array<std::string_view, 13> kCanada = {
      "604426", "604427", "604428", "604429", "604430", "604431", "604432",
      "636012", "636013", "636016", "636017", "636028", "636044"};
  return std::find(kCanada.begin(), kCanada.end(), iin) != kCanada.end() || iin == "636048";
}

std::optional<Date> parseDate(std::string_view v, bool canadian) {
  if (v.size() != 8 || !allDigits(v)) return std::nullopt;
  const Date us{toInt(v.substr(4, 4)), toInt(v.substr(0, 2)), toInt(v.substr(2, 2))};
  const Date ca{toInt(v.substr(0, 4)), toInt(v.substr(4, 2)), toInt(v.substr(6, 2))};
  const Date& first = canadian ? ca : us;
  const Date& second = canadian ? us : ca;
  if (first.valid()) return first;    // the format the issuer should use...
  if (second.valid()) return second;  // ...and the other one, which some issuers use anyway
  return std::nullopt;
}

struct Separators {
  char element = '\n';
  char segment = '\r';
};

// Splits one subfile body (after its 2-letter type) into elements.
void readElements(std::string_view body, const Separators& sep,
                  std::map<std::string, std::string>& out) {
  std::size_t pos = 0;
  while (pos < body.size()) {
    std::size_t end = body.find_first_of(std::string{sep.element, sep.segment, '\n', '\r'}, pos);
    if (end == std::string_view::npos) end = body.size();
    const std::string item = trim(body.substr(pos, end - pos));
    if (item.size() >= 3 && std::isupper(static_cast<unsigned char>(item[0])) &&
        std::isupper(static_cast<unsigned char>(item[1])) &&
        std::isalnum(static_cast<unsigned char>(item[2]))) {
      out.emplace(item.substr(0, 3), trim(std::string_view(item).substr(3)));  // first one wins
    }
    pos = end + 1;
  }
}

std::string joinNonEmpty(std::initializer_list<std::string> parts) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += ' ';
    out += p;
  }
  return out;
}

std::string commasToSpaces(std::string s) {
  std::replace(s.begin(), s.end(), ',', ' ');
  std::string out;
  for (char c : s) {
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string get(const std::map<std::string, std::string>& m, const char* key) {
  auto it = m.find(key);
  if (it == m.end()) return {};
  std::string v = it->second;
  if (v == "NONE" || v == "unavl" || v == "UNAVL") return {};
  return v;
}

// The header after '@': separators, issuer, versions and the number of subfiles. `q` is left
// at the first subfile directory entry.
struct Header {
  Separators sep;
  std::size_t q = 0;
  int entries = 0;
};

Result<Header> readHeader(std::string_view data, AamvaLicense& lic) {
  // '@' <element separator> <record separator> <segment terminator> then "ANSI " or "AAMVA".
  std::size_t p = data.find("ANSI");
  std::size_t markerLen = 4;
  if (p == std::string_view::npos || p > 8) {
    p = data.find("AAMVA");
    markerLen = 5;
  }
  if (p == std::string_view::npos || p > 8)
    return makeError("not_aamva", "no ANSI/AAMVA file type");
  Header h;
  if (p >= 4) {
    h.sep.element = data[1];
    h.sep.segment = data[3];
  }
  h.q = p + markerLen;
  if (h.q < data.size() && data[h.q] == ' ') ++h.q;
  auto field = [&](std::size_t len) -> std::optional<std::string_view> {
    if (h.q + len > data.size()) return std::nullopt;
    auto f = data.substr(h.q, len);
    h.q += len;
    return f;
  };
  auto iin = field(6);
  auto version = field(2);
  if (!iin || !version || !allDigits(*iin) || !allDigits(*version))
    return makeError("malformed", "bad issuer id or version in the header");
  lic.issuerId = std::string(*iin);
  lic.aamvaVersion = toInt(*version);
  if (lic.aamvaVersion >= 2) {
    auto jv = field(2);
    if (!jv || !allDigits(*jv)) return makeError("malformed", "bad jurisdiction version");
    lic.jurisdictionVersion = toInt(*jv);
  }
  auto entriesText = field(2);
  if (!entriesText || !allDigits(*entriesText))
    return makeError("malformed", "bad number of entries");
  h.entries = toInt(*entriesText);
  if (h.entries < 1) return makeError("malformed", "no subfiles");
  return h;
}

// The body of a subfile given its directory entry; offsets off by a few bytes are common, so
// when the type is not at the offset it is looked for after the directory.
std::optional<std::string_view> subfileBody(std::string_view data, const std::string& type,
                                            std::size_t offset, std::size_t length,
                                            std::size_t afterDirectory) {
  if (offset + 2 <= data.size() && data.substr(offset, 2) == type)
    return data.substr(offset + 2,
                       std::min(length, data.size() - offset) - std::min<std::size_t>(2, length));
  const std::size_t found = data.find(type, afterDirectory);
  if (found == std::string_view::npos) return std::nullopt;
  return data.substr(found + 2, std::min(length, data.size() - found - 2));
}

// Reads every subfile's elements; the first DL or ID subfile gives the document type.
Status readSubfiles(std::string_view data, Header& h, AamvaLicense& lic,
                    std::map<std::string, std::string>& elements) {
  auto field = [&](std::size_t len) -> std::optional<std::string_view> {
    if (h.q + len > data.size()) return std::nullopt;
    auto f = data.substr(h.q, len);
    h.q += len;
    return f;
  };
  bool haveIdSubfile = false;
  for (int i = 0; i < h.entries; ++i) {
    auto type = field(2);
    auto offsetText = field(4);
    auto lengthText = field(4);
    if (!type || !offsetText || !lengthText || !allDigits(*offsetText) || !allDigits(*lengthText))
      return makeError("malformed", "truncated subfile directory");
    const std::string typeStr(*type);
    const auto body = subfileBody(data, typeStr, static_cast<std::size_t>(toInt(*offsetText)),
                                  static_cast<std::size_t>(toInt(*lengthText)), h.q);
    if (!body) continue;
    if (typeStr == "DL" || typeStr == "ID") {
      if (!haveIdSubfile) lic.documentType = typeStr;
      haveIdSubfile = true;
    }
    readElements(*body, h.sep, elements);
  }
  if (!haveIdSubfile) return makeError("malformed", "no DL or ID subfile");
  return Ok{};
}

// Names moved between elements over the versions: v1 DAA/DAB/DAC, v2-3 DCS+DCT, v4+ DCS+DAC+DAD.
void readNames(const std::map<std::string, std::string>& elements, AamvaLicense& lic) {
  lic.familyName = get(elements, "DCS");
  if (lic.familyName.empty()) lic.familyName = get(elements, "DAB");
  lic.givenNames = joinNonEmpty({get(elements, "DAC"), get(elements, "DAD")});
  if (lic.givenNames.empty()) lic.givenNames = commasToSpaces(get(elements, "DCT"));
  if (!lic.familyName.empty() && !lic.givenNames.empty()) return;
  const std::string full = get(elements, "DAA");
  const std::size_t comma = full.find(',');
  if (comma != std::string::npos) {
    if (lic.familyName.empty()) lic.familyName = trim(std::string_view(full).substr(0, comma));
    if (lic.givenNames.empty()) lic.givenNames = commasToSpaces(full.substr(comma + 1));
  } else if (lic.familyName.empty() && !full.empty()) {
    lic.familyName = full;
  }
}

std::string readSex(const std::string& sex) {
  if (sex == "1" || sex == "M") return "M";
  if (sex == "2" || sex == "F") return "F";
  if (sex == "9" || sex == "X") return "X";
  return {};
}

Status readDates(const std::map<std::string, std::string>& elements, bool canadian,
                 AamvaLicense& lic) {
  struct DateField {
    const char* id;
    std::optional<Date>* out;
  };
  for (const DateField& f : {DateField{"DBB", &lic.dateOfBirth}, DateField{"DBA", &lic.expiryDate},
                             DateField{"DBD", &lic.issueDate}}) {
    const std::string v = get(elements, f.id);
    if (v.empty()) continue;
    *f.out = parseDate(v, canadian);
    if (!*f.out) return makeError("bad_date", std::string("unreadable date in ") + f.id + ": " + v);
  }
  return Ok{};
}

}  // namespace

Result<AamvaLicense> parseAamva(std::string_view data, const Date& today) {
  if (data.size() > kMaxIdInput) return makeError("too_large", "AAMVA data larger than 16 KiB");
  // Keyboard-wedge readers sometimes put text before the '@'; skip to it.
  const std::size_t at = data.find("@");
  if (at == std::string_view::npos || at > 64)
    return makeError("not_aamva", "no '@' compliance indicator");
  data = data.substr(at);
  AamvaLicense lic;
  auto header = readHeader(data, lic);
  if (!header) return header.error();
  std::map<std::string, std::string> elements;
  if (auto s = readSubfiles(data, header.value(), lic, elements); !s) return s.error();

  lic.documentNumber = get(elements, "DAQ");
  if (lic.documentNumber.empty()) return makeError("malformed", "no document number (DAQ)");
  lic.jurisdiction = get(elements, "DAJ");
  lic.country = get(elements, "DCG");
  const bool canadian = lic.country.empty() ? canadianIin(lic.issuerId) : lic.country == "CAN";
  if (lic.country.empty()) lic.country = canadian ? "CAN" : "USA";
  readNames(elements, lic);
  lic.sex = readSex(get(elements, "DBC"));
  if (auto s = readDates(elements, canadian, lic); !s) return s.error();
  lic.expired = lic.expiryDate && *lic.expiryDate < today;
  lic.elements = std::move(elements);
  return lic;
}

}  // namespace gatehouse::devices
