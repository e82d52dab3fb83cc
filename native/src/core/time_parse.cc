#include "core/time_parse.h"

#include <algorithm>
#include <cstring>

namespace hexlog::core {

namespace {

constexpr int64_t kMsPerMinute = 60 * 1000;
constexpr int64_t kMsPerDay = 24 * 60 * kMsPerMinute;
// Epoch numbers are believed from 2000-01-01 to 2100-01-01 only, so a count or an id is not one.
constexpr int64_t kMinEpochMs = 946684800000LL;
constexpr int64_t kMaxEpochMs = 4102444800000LL;

bool IsDigit(uint8_t c) { return static_cast<unsigned>(c - '0') < 10; }
bool IsAlnum(uint8_t c) {
  return IsDigit(c) || static_cast<unsigned>((c | 0x20) - 'a') < 26;  // ASCII only
}
int Digit(uint8_t c) { return c - '0'; }

// The number written by the `count` digits at p, or -1 if one is not a digit.
int Digits(const uint8_t* p, int count) {
  int value = 0;
  for (int i = 0; i < count; ++i) {
    if (!IsDigit(p[i])) return -1;
    value = value * 10 + Digit(p[i]);
  }
  return value;
}

bool IsLeapYear(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

bool ValidDate(int64_t year, int month, int day) {
  return month >= 1 && month <= 12 && day >= 1 && day <= DaysInMonth(year, month);
}

// Where a timestamp may end: the line's end or a byte that is not an ASCII letter or digit.
bool EndsAt(const uint8_t* p, const uint8_t* end) { return p == end || !IsAlnum(*p); }

// "Jan".."Dec" exactly as written there: 1-12, or 0.
int MonthFromName(const uint8_t* p) {
  static constexpr char kNames[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  for (int month = 0; month < 12; ++month) {
    if (std::memcmp(p, kNames + 3 * month, 3) == 0) return month + 1;
  }
  return 0;
}

// ":SS" then an optional fraction (. or , and 1-9 digits, truncated to milliseconds) at *p. On
// success *p is moved past it.
bool ParseSeconds(const uint8_t** p, const uint8_t* end, int64_t* ms) {
  const uint8_t* q = *p;
  if (end - q < 3 || q[0] != ':' || !IsDigit(q[1]) || !IsDigit(q[2])) return false;
  const int second = Digit(q[1]) * 10 + Digit(q[2]);
  if (second > 59) return false;
  q += 3;
  int64_t millis = 0;
  if (end - q >= 2 && (*q == '.' || *q == ',') && IsDigit(q[1])) {
    ++q;
    int digits = 0;
    for (; q < end && IsDigit(*q) && digits < 9; ++q, ++digits) {
      if (digits < 3) millis = millis * 10 + Digit(*q);
    }
    for (int scale = digits; scale < 3; ++scale) millis *= 10;
  }
  *ms = second * int64_t{1000} + millis;
  *p = q;
  return true;
}

// "HH:MM" at p: minutes of the day, or -1.
int HourMinute(const uint8_t* p) {
  if (p[2] != ':') return -1;
  const int hour = Digits(p, 2);
  const int minute = Digits(p + 3, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return -1;
  return hour * 60 + minute;
}

// "HH:MM:SS" then an optional fraction at *p (at least 8 bytes before `end`). On success *p is
// moved past it.
bool ParseClock(const uint8_t** p, const uint8_t* end, int64_t* ms_of_day) {
  if (end - *p < 8) return false;
  const int minutes = HourMinute(*p);
  if (minutes < 0) return false;
  const uint8_t* q = *p + 5;
  int64_t second_ms = 0;
  if (!ParseSeconds(&q, end, &second_ms)) return false;
  *ms_of_day = minutes * kMsPerMinute + second_ms;
  *p = q;
  return true;
}

// A zone at z: Z, z, or +/- then HH, HHMM or HH:MM. On success *minutes is east of UTC and *after
// just past it.
bool ParseZoneAt(const uint8_t* z, const uint8_t* end, int32_t* minutes, const uint8_t** after) {
  if (z >= end) return false;
  if (*z == 'Z' || *z == 'z') {
    *minutes = 0;
    *after = z + 1;
    return true;
  }
  if ((*z != '+' && *z != '-') || end - z < 3) return false;
  const int hours = Digits(z + 1, 2);
  if (hours < 0 || hours > 23) return false;
  const uint8_t* q = z + 3;
  int mins = 0;
  if (end - q >= 3 && *q == ':' && IsDigit(q[1]) && IsDigit(q[2])) {
    mins = Digits(q + 1, 2);
    q += 3;
  } else if (end - q >= 2 && IsDigit(q[0]) && IsDigit(q[1])) {
    mins = Digits(q, 2);
    q += 2;
  }
  if (mins > 59) return false;
  *minutes = (*z == '-' ? -1 : 1) * (hours * 60 + mins);
  *after = q;
  return true;
}

bool IsZoneStart(uint8_t c) { return c == 'Z' || c == 'z' || c == '+' || c == '-'; }

// What follows the clock of an iso or slashed time: an optional zone (right after it, or after one
// space) and then a byte that is not a letter or digit. A zone written right after the clock must
// be whole; one after a space is taken only when whole, else the space ends the time. *zone keeps
// its value when there is no zone.
bool ParseZoneAndEnd(const uint8_t* q, const uint8_t* end, int32_t* zone) {
  int32_t minutes = 0;
  const uint8_t* after = nullptr;
  if (q < end && IsZoneStart(*q)) {
    if (!ParseZoneAt(q, end, &minutes, &after) || !EndsAt(after, end)) return false;
    *zone = minutes;
    return true;
  }
  if (end - q >= 2 && *q == ' ' && IsZoneStart(q[1]) && ParseZoneAt(q + 1, end, &minutes, &after) &&
      EndsAt(after, end)) {
    *zone = minutes;
    return true;
  }
  return EndsAt(q, end);
}

int64_t Compose(int64_t days, int64_t ms_of_day, int32_t zone_minutes) {
  return days * kMsPerDay + ms_of_day - zone_minutes * kMsPerMinute;
}

// YYYY<sep>MM<sep>DD, then a space (or T when `t_too`), the clock, a zone and the end (iso,
// slashed). The date and minute are taken from `cache` when its 16 bytes are the same.
bool ParseDateTime(const uint8_t* p, const uint8_t* end, uint8_t date_separator, bool t_too,
                   int32_t zone_minutes, TimeParseCache* cache, int64_t* ms) {
  if (end - p < 19) return false;
  int64_t minute_ms = 0;
  uint64_t head[2];
  std::memcpy(head, p, sizeof head);
  if (cache != nullptr && cache->valid && head[0] == cache->minute_text[0] &&
      head[1] == cache->minute_text[1]) {
    minute_ms = cache->minute_ms;
  } else {
    if (p[4] != date_separator || p[7] != date_separator ||
        !(p[10] == ' ' || (t_too && p[10] == 'T'))) {
      return false;
    }
    const int year = Digits(p, 4);
    const int month = Digits(p + 5, 2);
    const int day = Digits(p + 8, 2);
    const int minutes = HourMinute(p + 11);
    if (year < 0 || minutes < 0 || !ValidDate(year, month, day)) return false;
    minute_ms =
        DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * kMsPerDay +
        minutes * kMsPerMinute;
    if (cache != nullptr) {
      cache->minute_text[0] = head[0];
      cache->minute_text[1] = head[1];
      cache->minute_ms = minute_ms;
      cache->valid = true;
    }
  }
  const uint8_t* q = p + 16;
  int64_t second_ms = 0;
  if (!ParseSeconds(&q, end, &second_ms)) return false;
  int32_t zone = zone_minutes;
  if (!ParseZoneAndEnd(q, end, &zone)) return false;
  *ms = minute_ms + second_ms - zone * kMsPerMinute;
  return true;
}

bool ParseIso(const uint8_t* p, const uint8_t* end, int32_t zone_minutes, TimeParseCache* cache,
              int64_t* ms) {
  return ParseDateTime(p, end, '-', true, zone_minutes, cache, ms);
}

// "Mmm dd HH:MM:SS" (day as " d", "dd" or "d"), an optional fraction; no zone.
bool ParseSyslog(const uint8_t* p, const uint8_t* end, const TimeFormat& format, int64_t* ms) {
  if (end - p < 14 || p[3] != ' ') return false;
  const int month = MonthFromName(p);
  if (month == 0) return false;
  int day = 0;
  const uint8_t* clock = nullptr;
  if (p[4] == ' ' && IsDigit(p[5]) && p[6] == ' ') {
    day = Digit(p[5]);
    clock = p + 7;
  } else if (IsDigit(p[4]) && IsDigit(p[5]) && p[6] == ' ') {
    day = Digits(p + 4, 2);
    clock = p + 7;
  } else if (IsDigit(p[4]) && p[5] == ' ') {
    day = Digit(p[4]);
    clock = p + 6;
  } else {
    return false;
  }
  const int64_t year = month > format.month ? format.year - 1 : format.year;
  if (!ValidDate(year, month, day)) return false;
  int64_t ms_of_day = 0;
  if (!ParseClock(&clock, end, &ms_of_day) || !EndsAt(clock, end)) return false;
  *ms = Compose(DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)),
                ms_of_day, format.zone_minutes);
  return true;
}

// "[dd/Mmm/YYYY:HH:MM:SS +zzzz]": the zone is required.
bool ParseClf(const uint8_t* p, const uint8_t* end, int64_t* ms) {
  if (end - p < 28 || p[0] != '[' || p[3] != '/' || p[7] != '/' || p[12] != ':' || p[21] != ' ' ||
      (p[22] != '+' && p[22] != '-') || p[27] != ']') {
    return false;
  }
  const int day = Digits(p + 1, 2);
  const int month = MonthFromName(p + 4);
  const int year = Digits(p + 8, 4);
  if (day < 0 || year < 0 || !ValidDate(year, month, day)) return false;
  const uint8_t* clock = p + 13;
  int64_t ms_of_day = 0;
  if (!ParseClock(&clock, end, &ms_of_day) || clock != p + 21) return false;
  const int zone_hours = Digits(p + 23, 2);
  const int zone_mins = Digits(p + 25, 2);
  if (zone_hours < 0 || zone_hours > 23 || zone_mins < 0 || zone_mins > 59) return false;
  const int32_t zone = (p[22] == '-' ? -1 : 1) * (zone_hours * 60 + zone_mins);
  *ms = Compose(DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)),
                ms_of_day, zone);
  return true;
}

// An epoch number at p: 10 digits of seconds with an optional fraction (. and 1-9 digits), or 13
// digits of milliseconds, then a byte that is not a letter or digit; 2000..2100 only.
bool ParseEpochNumber(const uint8_t* p, const uint8_t* end, int64_t* ms) {
  const uint8_t* q = p;
  int64_t value = 0;
  while (q < end && IsDigit(*q) && q - p < 14) value = value * 10 + Digit(*q++);
  const ptrdiff_t digits = q - p;
  if (digits == 10) {
    value *= 1000;
    if (end - q >= 2 && *q == '.' && IsDigit(q[1])) {
      ++q;
      int64_t millis = 0;
      int count = 0;
      for (; q < end && IsDigit(*q) && count < 9; ++q, ++count) {
        if (count < 3) millis = millis * 10 + Digit(*q);
      }
      for (int scale = count; scale < 3; ++scale) millis *= 10;
      value += millis;
    }
  } else if (digits != 13) {
    return false;
  }
  if (!EndsAt(q, end) || value < kMinEpochMs || value > kMaxEpochMs) return false;
  *ms = value;
  return true;
}

// The end of the JSON string whose opening quote is at `quote`: its closing quote, or nullptr.
const uint8_t* StringEnd(const uint8_t* quote, const uint8_t* end) {
  const uint8_t* from = quote + 1;
  while (from < end) {
    const auto* found =
        static_cast<const uint8_t*>(std::memchr(from, '"', static_cast<size_t>(end - from)));
    if (found == nullptr) return nullptr;
    size_t backslashes = 0;
    while (found - backslashes > quote + 1 &&
           found[-1 - static_cast<ptrdiff_t>(backslashes)] == '\\') {
      ++backslashes;
    }
    if (backslashes % 2 == 0) return found;
    from = found + 1;
  }
  return nullptr;
}

bool IsTimeKey(const uint8_t* key, size_t length) {
  static constexpr const char* kKeys[] = {"ts", "time", "timestamp", "@timestamp"};
  for (const char* name : kKeys) {
    if (std::strlen(name) == length && std::memcmp(key, name, length) == 0) return true;
  }
  return false;
}

const uint8_t* SkipBlanks(const uint8_t* p, const uint8_t* end) {
  while (p < end && (*p == ' ' || *p == '\t')) ++p;
  return p;
}

// A JSON object line: the first key named ts, time, timestamp or @timestamp (starting within
// kJsonKeyBytes) decides. Its value is a string holding an iso time at its start, or an epoch
// number; the column is where the time starts.
bool ParseJson(const uint8_t* line, const uint8_t* end, int32_t zone_minutes, TimeParseCache* cache,
               int64_t* ms, uint32_t* column) {
  const uint8_t* p = SkipBlanks(line, end);
  if (p == end || *p != '{') return false;
  const uint8_t* key_limit =
      line + std::min<size_t>(static_cast<size_t>(end - line), kJsonKeyBytes);
  ++p;
  while (p < key_limit) {
    const auto* quote =
        static_cast<const uint8_t*>(std::memchr(p, '"', static_cast<size_t>(key_limit - p)));
    if (quote == nullptr) return false;
    const uint8_t* closing = StringEnd(quote, end);
    if (closing == nullptr) return false;
    const uint8_t* colon = SkipBlanks(closing + 1, end);
    if (colon < end && *colon == ':' &&
        IsTimeKey(quote + 1, static_cast<size_t>(closing - quote - 1))) {
      const uint8_t* value = SkipBlanks(colon + 1, end);
      if (value == end) return false;
      if (*value == '"') {
        if (!ParseIso(value + 1, end, zone_minutes, cache, ms)) return false;
        *column = static_cast<uint32_t>(value + 1 - line);
        return true;
      }
      if (!ParseEpochNumber(value, end, ms)) return false;
      *column = static_cast<uint32_t>(value - line);
      return true;
    }
    p = closing + 1;
  }
  return false;
}

}  // namespace

int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<int64_t>(day_of_era) - 719468;
}

Status CheckTimeFormat(const TimeFormat& format) {
  auto invalid = [](const std::string& message) {
    return Status::Fail(codes::kInvalid, "EINVAL: " + message);
  };
  if (static_cast<int>(format.kind) >= kTimeKindCount) return invalid("unknown time format kind");
  if (format.zone_minutes < -kMaxZoneMinutes || format.zone_minutes > kMaxZoneMinutes) {
    return invalid("zoneMinutes must be from -1440 to 1440, got " +
                   std::to_string(format.zone_minutes));
  }
  if (format.year < kMinFormatYear || format.year > kMaxFormatYear) {
    return invalid("year must be from 1970 to 2200, got " + std::to_string(format.year));
  }
  if (format.month < 1 || format.month > 12) {
    return invalid("month must be from 1 to 12, got " + std::to_string(format.month));
  }
  if (format.max_column > kMaxTimeColumn) {
    return invalid("maxColumn must be from 0 to 1024, got " + std::to_string(format.max_column));
  }
  return Status::Ok();
}

bool ParseLineTime(const TimeFormat& format, const uint8_t* line, size_t length, int64_t* ms,
                   uint32_t* column, TimeParseCache* cache) {
  if (length > 0 && line[length - 1] == '\n') --length;
  if (length > 0 && line[length - 1] == '\r') --length;
  if (length == 0) return false;
  const uint8_t* end = line + length;
  switch (format.kind) {
    case TimeKind::kEpoch: {
      const uint32_t start = line[0] == '[' ? 1 : 0;
      if (!ParseEpochNumber(line + start, end, ms)) return false;
      *column = start;
      return true;
    }
    case TimeKind::kJson:
      return ParseJson(line, end, format.zone_minutes, cache, ms, column);
    default:
      break;
  }
  const size_t last = std::min<size_t>(format.max_column, length - 1);
  for (size_t c = 0; c <= last; ++c) {
    const uint8_t* p = line + c;
    const size_t left = length - c;
    bool found = false;
    switch (format.kind) {
      case TimeKind::kIso:
        // Quick rejects first: most columns of most lines fail on a byte or two.
        found = IsDigit(*p) && left >= 19 && p[4] == '-' && (c == 0 || !IsAlnum(p[-1])) &&
                ParseIso(p, end, format.zone_minutes, cache, ms);
        break;
      case TimeKind::kSlashed:
        found = IsDigit(*p) && left >= 19 && p[4] == '/' && (c == 0 || !IsAlnum(p[-1])) &&
                ParseDateTime(p, end, '/', false, format.zone_minutes, cache, ms);
        break;
      case TimeKind::kSyslog:
        found = *p >= 'A' && *p <= 'S' && left >= 14 && p[3] == ' ' &&
                (c == 0 || !IsAlnum(p[-1])) && ParseSyslog(p, end, format, ms);
        break;
      case TimeKind::kClf:
        found = *p == '[' && left >= 28 && ParseClf(p, end, ms);
        break;
      default:
        return false;
    }
    if (found) {
      *column = static_cast<uint32_t>(c);
      return true;
    }
  }
  return false;
}

}  // namespace hexlog::core
