// Calendar dates for identity documents: validation, ISO form, today's local date.
#include <cstdio>
#include <ctime>

#include "gatehouse/devices/id_document.hpp"

namespace gatehouse::devices {

bool Date::valid() const {
  if (year < 1800 || year > 2199 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int max = (month == 2 && leap) ? 29 : kDays[month - 1];
  return day <= max;
}

std::string Date::iso() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year % 10000, month % 100, day % 100);
  return buf;
}

Date Date::today() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  return Date{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

}  // namespace gatehouse::devices
