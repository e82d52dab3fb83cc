// The timestamp of a log line, in epoch milliseconds, for one of a few common formats.
//
// A format names its kind (ISO 8601, syslog, Apache/nginx common log, slashed dates, epoch numbers
// or a JSON object's time field), the zone assumed for a time written without one, and how far
// from the line's start the timestamp may begin. Parsing is a pure function over bytes: no libc
// time functions (the same arithmetic on every system), no allocation, so scans call it inside
// the fault guard.
#ifndef HEXLOG_CORE_TIME_PARSE_H_
#define HEXLOG_CORE_TIME_PARSE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/status.h"

namespace hexlog::core {

enum class TimeKind : uint8_t { kIso, kSyslog, kClf, kSlashed, kEpoch, kJson };
inline constexpr int kTimeKindCount = 6;

struct TimeFormat {
  TimeKind kind = TimeKind::kIso;
  // Minutes east of UTC assumed for a time written without a zone.
  int32_t zone_minutes = 0;
  // Syslog only: the year and month (1-12) of the file's mtime. A line whose month is later than
  // `month` is of year - 1.
  int32_t year = 1970;
  int32_t month = 1;
  // The timestamp must start at a byte column from 0 to max_column (not for epoch and json).
  uint32_t max_column = 0;
};

inline constexpr int32_t kMaxZoneMinutes = 1440;
inline constexpr uint32_t kMaxTimeColumn = 1024;
inline constexpr int32_t kMinFormatYear = 1970;
inline constexpr int32_t kMaxFormatYear = 2200;
// A json line's time key must start within this many bytes of the line's start.
inline constexpr size_t kJsonKeyBytes = 4096;

// EINVAL naming the field that is out of range.
Status CheckTimeFormat(const TimeFormat& format);

// Days from 1970-01-01 to the given proleptic Gregorian date (negative before it); exact for any
// year that fits (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

// What a caller parsing many lines in a row keeps between them: the last date and minute of an
// iso or slashed time ("YYYY-MM-DDTHH:MM"), which most lines of a log share with the line before.
struct TimeParseCache {
  uint64_t minute_text[2] = {};  // its 16 bytes
  int64_t minute_ms = 0;         // that minute as UTC
  bool valid = false;
};

// The time of the line [line, line + length) as epoch milliseconds (fractions truncated to
// milliseconds) and the byte column where it starts. A trailing LF and then a trailing CR are not
// part of the line. False when the line has no time in this format. Reads only the line (and
// `cache`, which may be null; one cache serves one format and one thread).
bool ParseLineTime(const TimeFormat& format, const uint8_t* line, size_t length, int64_t* ms,
                   uint32_t* column, TimeParseCache* cache = nullptr);

}  // namespace hexlog::core

#endif  // HEXLOG_CORE_TIME_PARSE_H_
