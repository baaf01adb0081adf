// Hand-made glyph scores for the MRZ resolver's tests: a sure reading of given lines, and one
// character's score changed.
#pragma once
#include <string>
#include <vector>

#include "gatehouse/devices/mrz_reader.hpp"

namespace gatehouse::devices::testing {

inline const Date kResolveToday{2026, 12, 1};
inline const std::vector<std::string> kSpecimenTd3 = {
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F3404159ZE184226B<<<<<16"};

// Scores as a sure recogniser would give them: 0.9 for the character, 0.2 for the rest.
inline std::vector<MrzLineScores> sure(const std::vector<std::string>& lines) {
  std::vector<MrzLineScores> out;
  for (const auto& l : lines) {
    MrzLineScores line;
    for (char c : l) {
      GlyphScores g;
      g.score.fill(0.2f);
      g.score[kMrzAlphabet.find(c)] = 0.9f;
      line.push_back(g);
    }
    out.push_back(line);
  }
  return out;
}

inline void set(GlyphScores& g, char c, float v) { g.score[kMrzAlphabet.find(c)] = v; }

}  // namespace gatehouse::devices::testing
