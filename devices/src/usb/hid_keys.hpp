// HID keyboard usage ids (boot protocol) <-> characters, US layout: what wedge scanners type.
#pragma once
#include <cstdint>
#include <optional>
#include <utility>

namespace gatehouse::devices::hid {

inline constexpr std::uint8_t kEnter = 0x28;
inline constexpr std::uint8_t kKeypadEnter = 0x58;
inline constexpr std::uint8_t kShiftMask = 0x22;  // left (0x02) or right (0x20) shift

inline std::optional<char> keyToChar(std::uint8_t key, bool shift) {
  if (key >= 0x04 && key <= 0x1D) return static_cast<char>((shift ? 'A' : 'a') + (key - 0x04));
  if (key >= 0x1E && key <= 0x27) {
    static constexpr char kDigits[] = "1234567890";
    static constexpr char kShifted[] = "!@#$%^&*()";
    return (shift ? kShifted : kDigits)[key - 0x1E];
  }
  if (key >= 0x59 && key <= 0x61) return static_cast<char>('1' + (key - 0x59));  // keypad
  switch (key) {
    case 0x2B:
      return '\t';
    case 0x2C:
      return ' ';
    case 0x2D:
      return shift ? '_' : '-';
    case 0x2E:
      return shift ? '+' : '=';
    case 0x2F:
      return shift ? '{' : '[';
    case 0x30:
      return shift ? '}' : ']';
    case 0x31:
      return shift ? '|' : '\\';
    case 0x33:
      return shift ? ':' : ';';
    case 0x34:
      return shift ? '"' : '\'';
    case 0x35:
      return shift ? '~' : '`';
    case 0x36:
      return shift ? '<' : ',';
    case 0x37:
      return shift ? '>' : '.';
    case 0x38:
      return shift ? '?' : '/';
    case 0x54:
      return '/';
    case 0x55:
      return '*';
    case 0x56:
      return '-';
    case 0x57:
      return '+';
    case 0x62:
      return '0';
    case 0x63:
      return '.';
    default:
      return std::nullopt;
  }
}

// The key (and whether shift is needed) that types `c`; nullopt for characters a wedge can't type.
inline std::optional<std::pair<std::uint8_t, bool>> charToKey(char c) {
  for (int shift = 0; shift < 2; ++shift)
    for (int k = 0x04; k <= 0x38; ++k)
      if (auto ch = keyToChar(static_cast<std::uint8_t>(k), shift != 0); ch && *ch == c)
        return std::make_pair(static_cast<std::uint8_t>(k), shift != 0);
  return std::nullopt;
}

// HID POS "scanned data report" (Honeywell/Zebra HID POS mode), 64 bytes:
//   [0] report id 0x02  [1] data bytes in this report (0..56)  [2..4] AIM symbology id
//   [5..60] data  [61..62] reserved  [63] bit 0: more data follows in the next report
inline constexpr std::uint8_t kPosReportId = 0x02;
inline constexpr std::size_t kPosReportSize = 64;
inline constexpr std::size_t kPosDataOffset = 5;
inline constexpr std::size_t kPosMaxData = 56;

}  // namespace gatehouse::devices::hid
