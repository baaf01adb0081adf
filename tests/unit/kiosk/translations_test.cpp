// Every visitor-facing string is a key present in every language file; placeholders agree.
#include "gatehouse/ui/translations.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "screen.hpp"

namespace gatehouse::kiosk {
namespace {

std::string sourceDir() { return std::getenv("GATEHOUSE_SOURCE_DIR"); }

ui::Translations load() {
  ui::Translations tr;
  auto s = tr.loadDirectory(sourceDir() + "/assets/lang");
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return tr;
}

// Keys the screens ask for with a literal: t("..."), tr.format("...", ...), tOr("...", "...").
std::set<std::string> keysUsedInScreens() {
  std::set<std::string> keys;
  const std::regex call(
      R"re(\b(?:t|format|tOr)\("([a-z_]+(?:\.[a-z_]+)+)"(?:,\s*"([a-z_]+(?:\.[a-z_]+)+)")?)re");
  for (const auto& f : std::filesystem::directory_iterator(sourceDir() + "/kiosk/ui")) {
    if (f.path().extension() != ".cpp") continue;
    std::ifstream in(f.path());
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    for (std::sregex_iterator it(text.begin(), text.end(), call), end; it != end; ++it) {
      keys.insert((*it)[1].str());
      if ((*it)[2].matched) keys.insert((*it)[2].str());
    }
  }
  return keys;
}

std::set<std::string> placeholders(const std::string& s) {
  std::set<std::string> out;
  const std::regex ph(R"(\{[a-z_]+\})");
  for (std::sregex_iterator it(s.begin(), s.end(), ph), end; it != end; ++it) out.insert(it->str());
  return out;
}

TEST(Translations, EnglishAndRussianShipAndHaveTheSameKeys) {
  const auto tr = load();
  ASSERT_TRUE(tr.strings("en"));
  ASSERT_TRUE(tr.strings("ru"));
  for (const auto& lang : tr.languages()) {
    for (const auto& [key, value] : *tr.strings("en")) {
      EXPECT_TRUE(tr.strings(lang)->count(key)) << lang << ".json lacks " << key;
    }
    for (const auto& [key, value] : *tr.strings(lang)) {
      EXPECT_TRUE(tr.strings("en")->count(key))
          << lang << ".json has " << key << " which en.json lacks";
      EXPECT_FALSE(value.empty()) << lang << ": " << key;
      EXPECT_EQ(placeholders(value), placeholders(tr.strings("en")->at(key)))
          << lang << ": " << key;
    }
  }
}

TEST(Translations, EveryKeyTheScreensUseExistsInEveryLanguage) {
  const auto tr = load();
  auto keys = keysUsedInScreens();
  EXPECT_GT(keys.size(), 40u)
      << "the scan of kiosk/ui found too few keys: is the pattern still right?";
  for (const auto& k : screens::dynamicTranslationKeys()) keys.insert(k);
  for (const auto& lang : tr.languages()) {
    for (const auto& key : keys)
      EXPECT_TRUE(tr.strings(lang)->count(key)) << lang << ".json lacks " << key;
  }
}

TEST(Translations, MissingKeysFallBackToEnglishThenTheKey) {
  ui::Translations tr;
  const auto dir =
      std::filesystem::temp_directory_path() / ("gh-lang-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "en.json") << R"({"a.b": "Hello {name}", "only.en": "English"})";
  std::ofstream(dir / "ru.json") << R"({"a.b": "Привет {name}"})";
  ASSERT_TRUE(tr.loadDirectory(dir.string()).ok());
  ASSERT_TRUE(tr.setLanguage("ru"));
  EXPECT_EQ(tr.format("a.b", {{"name", "Оля"}}), "Привет Оля");
  EXPECT_EQ(tr.tr("only.en"), "English");
  EXPECT_EQ(tr.tr("no.such"), "no.such");
  EXPECT_FALSE(tr.setLanguage("de"));
  std::ofstream(dir / "de.json") << R"({"a.b": 5})";
  auto bad = tr.loadDirectory(dir.string());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("\"a.b\" is not a string"), std::string::npos)
      << bad.error().message;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gatehouse::kiosk
