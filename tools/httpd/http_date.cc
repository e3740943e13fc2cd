#include "http_date.h"

namespace asycamore {
namespace {

// Writes `value` as two digits (or four, for the year) at `at`.
void Digits(int value, int count, char* at) {
  for (int i = count - 1; i >= 0; --i) {
    at[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

void Copy(const char* text, char* at) {
  for (int i = 0; i < 3; ++i) at[i] = text[i];
}

}  // namespace

void WriteHttpDate(absl::Time time, char (&out)[kHttpDateLength]) {
  // RFC 9110 names the days and months in English whatever the locale.
  static constexpr const char* kDays[] = {"Mon", "Tue", "Wed", "Thu",
                                          "Fri", "Sat", "Sun"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr",
                                            "May", "Jun", "Jul", "Aug",
                                            "Sep", "Oct", "Nov", "Dec"};
  const absl::CivilSecond s = absl::ToCivilSecond(time, absl::UTCTimeZone());
  const absl::Weekday day = absl::GetWeekday(s);  // Monday is 0
  //             0123456789012345678901234567 8
  // layout:    "Sun, 06 Nov 1994 08:49:37 GMT"
  Copy(kDays[static_cast<int>(day)], out);
  out[3] = ',';
  out[4] = ' ';
  Digits(s.day(), 2, out + 5);
  out[7] = ' ';
  Copy(kMonths[s.month() - 1], out + 8);
  out[11] = ' ';
  Digits(static_cast<int>(s.year() % 10000), 4, out + 12);
  out[16] = ' ';
  Digits(s.hour(), 2, out + 17);
  out[19] = ':';
  Digits(s.minute(), 2, out + 20);
  out[22] = ':';
  Digits(s.second(), 2, out + 23);
  Copy(" GM", out + 25);
  out[28] = 'T';
}

std::string FormatHttpDate(absl::Time time) {
  char out[kHttpDateLength];
  WriteHttpDate(time, out);
  return std::string(out, kHttpDateLength);
}

}  // namespace asycamore
