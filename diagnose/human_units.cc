#include "diagnose/human_units.h"

#include <cstdio>
#include <ctime>
#include <string>

namespace replwatch::diagnose {

std::string HumanBytes(std::uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 6) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
  return text;
}

std::string HumanTime(double epoch_seconds) {
  const std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm utc{};
  char text[32];
  if (gmtime_r(&t, &utc) == nullptr ||
      std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &utc) == 0) {
    return "(time out of range)";
  }
  return text;
}

std::string HumanDuration(double seconds) {
  const long long total = seconds > 0 ? static_cast<long long>(seconds) : 0;
  const long long days = total / 86400, hours = total % 86400 / 3600,
                  minutes = total % 3600 / 60;
  if (days > 0) {
    return std::to_string(days) + " d " + std::to_string(hours) + " h";
  }
  if (hours > 0) {
    return std::to_string(hours) + " h " + std::to_string(minutes) + " min";
  }
  if (minutes > 0) return std::to_string(minutes) + " min";
  return std::to_string(total) + " s";
}

}  // namespace replwatch::diagnose
