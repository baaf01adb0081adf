// The watchlist matcher is SQL gh.name_key, used by the kiosk path (gh.kiosk_request_visit) and the
// console: a table of names with expected hits and misses, checked both ways.
#include <set>

#include "console_fixture.hpp"

namespace gatehouse::console::test {
namespace {

struct Case {
  const char* listed;
  const char* presented;
  bool hit;
};

const Case kCases[] = {
    // case and order
    {"Ivan Petrov", "ivan petrov", true},
    {"Ivan Petrov", "PETROV IVAN", true},
    {"Ivan Petrov", "  Petrov,   Ivan ", true},
    // diacritics
    {"José Álvarez", "Jose Alvarez", true},
    {"Jürgen Müller", "Jurgen Muller", true},
    {"Zoë Ødegård", "Zoe Odegard", true},
    {"Łukasz Wąsik", "Lukasz Wasik", true},
    {"François Lefèvre", "Lefevre Francois", true},
    // Cyrillic <-> Latin transliteration
    {"Иван Петров", "Ivan Petrov", true},
    {"Ivan Petrov", "Петров Иван", true},
    {"Сергей Кузнецов", "Sergey Kuznetsov", true},
    {"Наталья Шевчук", "Natalya Shevchuk", true},
    {"Юлия Щербакова", "Yuliya Shcherbakova", true},
    {"Фёдор Жуков", "Fedor Zhukov", true},
    {"ИВАН ПЕТРОВ", "ivan petrov", true},
    {"Алексей Хабибуллин", "Aleksey Khabibullin", true},
    {"Дмитрий Цой", "Dmitriy Tsoy", true},
    // misses: different people must not match
    {"Ivan Petrov", "Ivan Petrova", false},
    {"Ivan Petrov", "Ivan", false},
    {"Ivan Petrov", "Ivan Petrov Jr", false},
    {"Иван Петров", "Pyotr Ivanov", false},
    {"Anna Lee", "Annalee", false},
    {"Jürgen Müller", "Jurgen Mueller2", false},
};

class MatcherTest : public ConsoleTest {};

TEST_F(MatcherTest, NameKeyTableOfHitsAndMisses) {
  for (const auto& c : kCases) {
    const bool same = scalar("SELECT (gh.name_key($1) = gh.name_key($2))::text",
                             {c.listed, c.presented}) == "true";
    EXPECT_EQ(same, c.hit) << c.listed << " vs " << c.presented << ": "
                           << scalar("SELECT gh.name_key($1)", {c.listed}) << " / "
                           << scalar("SELECT gh.name_key($1)", {c.presented});
  }
}

TEST_F(MatcherTest, KioskPathHoldsExactlyTheListedNames) {
  std::set<std::string> listed;
  for (const auto& c : kCases) {
    if (!listed.insert(c.listed).second) continue;
    owner_->asPerson(admin_, [&](Connection& tx) {
      tx.exec("SELECT gh.watchlist_add($1, NULL, 'test table')", {std::string(c.listed)});
    });
  }
  int k = 0;
  for (const auto& c : kCases) {
    const Uuid v = walkIn(k++ % 2, c.presented);
    const bool held = scalar("SELECT held::text FROM gh.visit WHERE id = $1", {v}) == "true";
    // A miss against its own row may still hit another listed name; only a true hit is required
    // to hold, and a miss must not match the row it was paired with.
    if (c.hit) {
      EXPECT_TRUE(held) << c.presented;
    } else {
      EXPECT_EQ(scalar("SELECT count(*) FROM gh.alert a WHERE a.visit_id = $1 AND "
                       "a.details->>'watchlist_id' = "
                       "(SELECT id::text FROM gh.watchlist WHERE full_name = $2)",
                       {v, std::string(c.listed)}),
                "0")
          << c.presented;
    }
  }
}

}  // namespace
}  // namespace gatehouse::console::test
