// From glyph scores to an accepted MRZ: field types pick among confusables, check digits decide,
// and characters no check digit covers (names, nationality, sex) must be read with a clear margin.
#include <algorithm>
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

Result<ResolvedMrz> resolveMrz(const std::vector<MrzLineScores>& lines, const Date& today) {
  const auto kinds = layout(lines.size(), lines.empty() ? 0 : lines[0].size());
  for (std::size_t i = 0; i < lines.size() && !kinds.empty(); ++i)
    if (lines[i].size() != kinds[i].size())
      return makeError("not_mrz", "lines of different lengths");
  if (kinds.empty()) return makeError("not_mrz", "line count and lengths match no MRZ format");

  std::vector<std::string> text(lines.size());
  struct Swap {
    std::size_t line, pos;
    char alt;
    float margin;
  };
  std::vector<Swap> swaps;
  for (std::size_t l = 0; l < lines.size(); ++l) {
    for (std::size_t i = 0; i < lines[l].size(); ++i) {
      const Kind k = static_cast<Kind>(kinds[l][i]);
      const Pick p = pick(lines[l][i], k);
      text[l] += p.best;
      const float margin = p.bestScore - p.secondScore;
      if (k == Kind::alpha && (p.bestScore < kMinScore || margin < kUncoveredMargin))
        return makeError("uncertain", "a character no check digit covers is unclear");
      if (k == Kind::alnum && margin < kSwapMargin && confusablePair(p.best, p.second))
        swaps.push_back({l, i, p.second, margin});
    }
  }
  // Mixed fields: a close confusable is a second reading. Two swaps can cancel in a check digit
  // (weights 7 and 3), so every combination is tried and exactly one may pass.
  if (swaps.size() > kMaxSwaps) return makeError("uncertain", "too many unclear characters");
  std::optional<ResolvedMrz> found;
  std::optional<Error> firstError;
  for (unsigned mask = 0; mask < (1u << swaps.size()); ++mask) {
    auto alt = text;
    for (std::size_t s = 0; s < swaps.size(); ++s)
      if (mask & (1u << s)) alt[swaps[s].line][swaps[s].pos] = swaps[s].alt;
    auto doc = parseMrz(join(alt), today);
    if (!doc) {
      if (!firstError) firstError = doc.error();
      continue;
    }
    if (found) return makeError("ambiguous", "two readings pass every check digit");
    found = ResolvedMrz{join(alt), doc.value()};
  }
  if (found) return *found;
  return *firstError;
}

}  // namespace gatehouse::devices
