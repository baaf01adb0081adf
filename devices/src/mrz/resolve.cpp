// From glyph scores to an accepted MRZ: field types pick among confusables, check digits decide,
// and characters no check digit covers (names, nationality, sex) must be read with a clear margin.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "gatehouse/devices/mrz_reader.hpp"

namespace gatehouse::devices {
namespace {

// What may stand at a position of the MRZ.
enum class Kind : char {
  alpha = 'a',    // A-Z and '<' (names, codes, states), no check digit covers it
  digit = 'd',    // 0-9 (dates, check digits)
  digitOr = 'c',  // 0-9 or '<' (check digits that may be empty)
  alnum = 'x',    // anything (document numbers, optional data), covered by check digits
  sex = 's',      // M, F, X or '<'
};

// One string per line, one letter per position (see Kind).
std::vector<std::string> layout(std::size_t lines, std::size_t width) {
  const std::string alphaLine(width, 'a');
  if (lines == 3 && width == 30)  // TD1
    return {"aaaaaxxxxxxxxxcxxxxxxxxxxxxxxx",
            "ddddddds"
            "dddddddaaaxxxxxxxxxxxd",
            alphaLine};
  if (lines == 2 && width == 36)  // TD2
    return {alphaLine,
            "xxxxxxxxxcaaaddddddds"
            "dddddddxxxxxxxd"};
  if (lines == 2 && width == 44)  // TD3
    return {alphaLine,
            "xxxxxxxxxdaaaddddddds"
            "dddddddxxxxxxxxxxxxxxcd"};
  return {};
}

bool allowed(Kind k, char c) {
  const bool digit = c >= '0' && c <= '9';
  switch (k) {
    case Kind::alpha:
      return !digit;
    case Kind::digit:
      return digit;
    case Kind::digitOr:
      return digit || c == '<';
    case Kind::alnum:
      return true;
    case Kind::sex:
      return c == 'M' || c == 'F' || c == 'X' || c == '<';
  }
  return false;
}

struct Pick {
  char best = '<';
  float bestScore = -2, secondScore = -2;
  char second = '<';
};

Pick pick(const GlyphScores& g, Kind k) {
  Pick p;
  for (std::size_t i = 0; i < kMrzAlphabet.size(); ++i) {
    const char c = kMrzAlphabet[i];
    if (!allowed(k, c)) continue;
    if (g.score[i] > p.bestScore) {
      p.second = p.best, p.secondScore = p.bestScore;
      p.best = c, p.bestScore = g.score[i];
    } else if (g.score[i] > p.secondScore) {
      p.second = c, p.secondScore = g.score[i];
    }
  }
  return p;
}

bool confusablePair(char a, char b) {
  static constexpr std::string_view kPairs[] = {"0O", "0D", "0Q", "1I", "5S",
                                                "8B", "2Z", "6G", "8S", "<K"};
  for (auto p : kPairs)
    if ((p[0] == a && p[1] == b) || (p[0] == b && p[1] == a)) return true;
  return false;
}

constexpr float kSwapMargin = 0.06f;  // alternatives closer than this are tried in mixed fields
constexpr std::size_t kMaxSwaps = 4;  // more unclear characters than this: refused
constexpr float kUncoveredMargin = 0.03f;  // a name letter needs at least this lead
constexpr float kMinScore = 0.45f;         // and at least this similarity

std::string join(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

}  // namespace

char GlyphScores::best() const {
  return kMrzAlphabet[static_cast<std::size_t>(std::max_element(score.begin(), score.end()) -
                                               score.begin())];
}

namespace {

using Text = std::vector<std::string>;

// Pass 1: the fields check digits cover. Mixed fields: a close confusable is a second reading.
// Two swaps can cancel in a check digit (weights 7 and 3), so every combination is tried; the
// ones that pass are returned. Characters no check digit covers take their best allowed one.
Result<std::vector<Text>> coveredReadings(const std::vector<MrzLineScores>& lines,
                                          const Text& kinds, const Date& today) {
  Text text(lines.size());
  struct Swap {
    std::size_t line, pos;
    char alt;
  };
  std::vector<Swap> swaps;
  for (std::size_t l = 0; l < lines.size(); ++l)
    for (std::size_t i = 0; i < lines[l].size(); ++i) {
      const Kind k = static_cast<Kind>(kinds[l][i]);
      const Pick p = pick(lines[l][i], k);
      text[l] += p.best;
      if (k == Kind::alnum && p.bestScore - p.secondScore < kSwapMargin &&
          confusablePair(p.best, p.second))
        swaps.push_back({l, i, p.second});
    }
  if (swaps.size() > kMaxSwaps) return makeError("uncertain", "too many unclear characters");
  std::vector<Text> passing;
  std::optional<Error> firstError;
  for (unsigned mask = 0; mask < (1u << swaps.size()); ++mask) {
    auto alt = text;
    for (std::size_t s = 0; s < swaps.size(); ++s)
      if (mask & (1u << s)) alt[swaps[s].line][swaps[s].pos] = swaps[s].alt;
    if (auto doc = parseMrz(join(alt), today); !doc) {
      if (!firstError) firstError = doc.error();
      continue;
    }
    passing.push_back(std::move(alt));
  }
  if (passing.empty()) return *firstError;
  return passing;
}

bool uncovered(char kind) { return kind == static_cast<char>(Kind::alpha); }

// A character no check digit covers is taken only with a clear lead and a real likeness.
bool clear(const Pick& p) {
  return p.bestScore >= kMinScore && p.bestScore - p.secondScore >= kUncoveredMargin;
}

bool sameShape(const std::vector<MrzLineScores>& a, const Text& kinds) {
  if (a.size() != kinds.size()) return false;
  for (std::size_t l = 0; l < a.size(); ++l)
    if (a[l].size() != kinds[l].size()) return false;
  return true;
}

// The second pass's scores, asked for at most once (the first caller's known text decides).
class Reread {
 public:
  Reread(const MrzReread& f, const Text& kinds) : f_(f), kinds_(kinds) {}
  const std::vector<MrzLineScores>* get(const MrzKnownText& known) {
    if (!asked_ && f_) scores_ = f_(known);
    asked_ = true;
    return sameShape(scores_, kinds_) ? &scores_ : nullptr;
  }

 private:
  const MrzReread& f_;
  const Text& kinds_;
  bool asked_ = false;
  std::vector<MrzLineScores> scores_;
};

// What every reading agrees on at covered positions; '\0' at uncovered ones and where they
// differ.
MrzKnownText knownText(const std::vector<Text>& readings, const Text& kinds) {
  MrzKnownText known = readings.front();
  for (std::size_t l = 0; l < known.size(); ++l)
    for (std::size_t i = 0; i < known[l].size(); ++i) {
      bool same = !uncovered(kinds[l][i]) && kinds[l][i] != static_cast<char>(Kind::sex);
      for (const auto& r : readings) same = same && r[l][i] == known[l][i];
      if (!same) known[l][i] = 0;
    }
  return known;
}

float score(const GlyphScores& g, char c) { return g.score[kMrzAlphabet.find(c)]; }

// Whether `r` leads every other reading by the uncovered margin at each position they differ.
bool leadsEverywhere(const Text& r, const std::vector<Text>& readings,
                     const std::vector<MrzLineScores>& s) {
  for (const auto& o : readings)
    for (std::size_t l = 0; l < r.size(); ++l)
      for (std::size_t i = 0; i < r[l].size(); ++i)
        if (r[l][i] != o[l][i] &&
            (score(s[l][i], r[l][i]) - score(s[l][i], o[l][i]) < kUncoveredMargin ||
             score(s[l][i], r[l][i]) < kMinScore))
          return false;
  return true;
}

// Two or more readings pass every check digit: check digits cannot tell them apart, so where
// they differ the characters are treated as uncovered. One is taken only when it leads the others
// there by the uncovered margin both in the first scores and through the frame's optics.
Result<Text> chooseReading(const std::vector<Text>& readings,
                           const std::vector<MrzLineScores>& lines, const Text& kinds,
                           Reread& reread) {
  if (readings.size() == 1) return readings.front();
  const auto refused = makeError("ambiguous", "two readings pass every check digit");
  const auto* again = reread.get(knownText(readings, kinds));
  if (again == nullptr) return refused;
  for (const auto& r : readings)
    if (leadsEverywhere(r, readings, lines) && leadsEverywhere(r, readings, *again)) return r;
  return refused;
}

// Pass 2: every uncovered character the first scores left unclear is read again through the
// optics the confirmed glyphs reveal, under the same rule, and must be the first pass's leader.
Status resolveUncovered(const std::vector<MrzLineScores>& lines, const Text& kinds, Reread& reread,
                        Text& text) {
  std::vector<std::pair<std::size_t, std::size_t>> unclear;
  for (std::size_t l = 0; l < lines.size(); ++l)
    for (std::size_t i = 0; i < lines[l].size(); ++i)
      if (uncovered(kinds[l][i]) && !clear(pick(lines[l][i], Kind::alpha)))
        unclear.emplace_back(l, i);
  if (unclear.empty()) return Ok{};
  const auto refused = makeError("uncertain", "a character no check digit covers is unclear");
  const auto* again = reread.get(knownText({text}, kinds));
  if (again == nullptr) return refused;
  for (const auto& [l, i] : unclear) {
    const Pick p = pick((*again)[l][i], Kind::alpha);
    if (!clear(p) || p.best != text[l][i]) return refused;
  }
  return Ok{};
}

}  // namespace

Result<ResolvedMrz> resolveMrz(const std::vector<MrzLineScores>& lines, const Date& today,
                               const MrzReread& reread) {
  const auto kinds = layout(lines.size(), lines.empty() ? 0 : lines[0].size());
  if (kinds.empty()) return makeError("not_mrz", "line count and lengths match no MRZ format");
  if (!sameShape(lines, kinds)) return makeError("not_mrz", "lines of different lengths");
  const auto readings = coveredReadings(lines, kinds, today);
  if (!readings) return readings.error();  // covered fields failed: no second pass
  Reread second(reread, kinds);
  auto text = chooseReading(readings.value(), lines, kinds, second);
  if (!text) return text.error();
  if (auto s = resolveUncovered(lines, kinds, second, text.value()); !s) return s.error();
  auto doc = parseMrz(join(text.value()), today);
  if (!doc) return doc.error();
  return ResolvedMrz{join(text.value()), doc.value()};
}

}  // namespace gatehouse::devices
