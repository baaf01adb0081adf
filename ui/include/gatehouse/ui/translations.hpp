// UI strings by key, one JSON file per language (assets/lang/en.json ...); missing keys fall back.
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gatehouse/core/result.hpp"

namespace gatehouse::ui {

class Translations {
 public:
  // Loads every *.json in `dir`; the file stem is the language code. Errors name the file and
  // reason.
  Status loadDirectory(const std::string& dir);
  Status loadFile(const std::string& language, const std::string& path);

  bool setLanguage(const std::string& language);
  const std::string& language() const { return language_; }
  std::vector<std::string> languages() const;
  const std::map<std::string, std::string>* strings(const std::string& language) const;

  // The string for `key` in the current language, else English, else the key itself.
  std::string tr(const std::string& key) const;
  // tr() with "{name}" placeholders replaced.
  std::string format(const std::string& key,
                     const std::vector<std::pair<std::string, std::string>>& args) const;

 private:
  std::map<std::string, std::map<std::string, std::string>> byLanguage_;
  std::string language_ = "en";
  std::string fallback_ = "en";
};

}  // namespace gatehouse::ui
