// Loads language files (flat JSON objects of key -> string) and looks strings up with fallback.
#include "gatehouse/ui/translations.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace gatehouse::ui {

Status Translations::loadFile(const std::string& language, const std::string& path) {
  std::ifstream in(path);
  if (!in) return makeError("not_found", path + ": cannot open");
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    return makeError("parse_error", path + ": " + e.what());
  }
  if (!doc.is_object()) return makeError("invalid", path + ": expected an object of key -> string");
  std::map<std::string, std::string> strings;
  for (const auto& [key, value] : doc.items()) {
    if (!value.is_string())
      return makeError("invalid", path + ": value of \"" + key + "\" is not a string");
    strings[key] = value.get<std::string>();
  }
  byLanguage_[language] = std::move(strings);
  return Ok{};
}

Status Translations::loadDirectory(const std::string& dir) {
  std::error_code ec;
  bool any = false;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".json") continue;
    if (auto s = loadFile(entry.path().stem().string(), entry.path().string()); !s) return s;
    any = true;
  }
  if (ec) return makeError("not_found", dir + ": " + ec.message());
  if (!any) return makeError("not_found", dir + ": no *.json language files");
  return Ok{};
}

bool Translations::setLanguage(const std::string& language) {
  if (!byLanguage_.count(language)) return false;
  language_ = language;
  return true;
}

std::vector<std::string> Translations::languages() const {
  std::vector<std::string> out;
  for (const auto& [lang, _] : byLanguage_) out.push_back(lang);
  return out;
}

const std::map<std::string, std::string>* Translations::strings(const std::string& language) const {
  auto it = byLanguage_.find(language);
  return it == byLanguage_.end() ? nullptr : &it->second;
}

std::string Translations::tr(const std::string& key) const {
  for (const auto* lang : {&language_, &fallback_}) {
    if (auto it = byLanguage_.find(*lang); it != byLanguage_.end()) {
      if (auto s = it->second.find(key); s != it->second.end()) return s->second;
    }
  }
  return key;
}

std::string Translations::format(
    const std::string& key, const std::vector<std::pair<std::string, std::string>>& args) const {
  std::string out = tr(key);
  for (const auto& [name, value] : args) {
    const std::string placeholder = "{" + name + "}";
    for (auto pos = out.find(placeholder); pos != std::string::npos;
         pos = out.find(placeholder, pos + value.size())) {
      out.replace(pos, placeholder.size(), value);
    }
  }
  return out;
}

}  // namespace gatehouse::ui
