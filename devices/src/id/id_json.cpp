// Format detection between AAMVA and MRZ, and the JSON view used by the CLI and logs.
#include <nlohmann/json.hpp>

#include "gatehouse/devices/id_document.hpp"

namespace gatehouse::devices {

Result<IdDocument> parseIdDocument(std::string_view text, const Date& today) {
  if (text.size() > kMaxIdInput) return makeError("too_large", "input larger than 16 KiB");
  IdDocument doc;
  if (text.find('@') != std::string_view::npos && (text.find("ANSI") != std::string_view::npos ||
                                                   text.find("AAMVA") != std::string_view::npos)) {
    auto a = parseAamva(text, today);
    if (!a) return a.error();
    doc.aamva = std::move(a).value();
    return doc;
  }
  auto m = parseMrz(text, today);
  if (!m) return m.error();
  doc.mrz = std::move(m).value();
  return doc;
}

std::string toJson(const IdDocument& doc, int indent) {
  using nlohmann::json;
  json j;
  auto date = [](const std::optional<Date>& d) -> json {
    return d ? json(d->iso()) : json(nullptr);
  };
  if (doc.aamva) {
    const auto& a = *doc.aamva;
    j["kind"] = "aamva";
    j["issuer_id"] = a.issuerId;
    j["aamva_version"] = a.aamvaVersion;
    j["jurisdiction_version"] = a.jurisdictionVersion;
    j["document_type"] = a.documentType;
    j["family_name"] = a.familyName;
    j["given_names"] = a.givenNames;
    j["date_of_birth"] = date(a.dateOfBirth);
    j["expiry_date"] = date(a.expiryDate);
    j["issue_date"] = date(a.issueDate);
    j["document_number"] = a.documentNumber;
    j["jurisdiction"] = a.jurisdiction;
    j["country"] = a.country;
    j["sex"] = a.sex;
    j["expired"] = a.expired;
    j["elements"] = a.elements;
  } else if (doc.mrz) {
    const auto& m = *doc.mrz;
    j["kind"] = "mrz";
    j["format"] = toString(m.format);
    j["document_code"] = m.documentCode;
    j["issuing_state"] = m.issuingState;
    j["surname"] = m.surname;
    j["given_names"] = m.givenNames;
    j["document_number"] = m.documentNumber;
    j["nationality"] = m.nationality;
    j["date_of_birth"] = m.dateOfBirth.iso();
    j["expiry_date"] = m.expiryDate.iso();
    j["sex"] = m.sex;
    j["optional_data_1"] = m.optionalData1;
    j["optional_data_2"] = m.optionalData2;
    j["expired"] = m.expired;
  }
  // Card data is untrusted: replace invalid UTF-8 rather than throw.
  return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

}  // namespace gatehouse::devices
