#pragma once
#include <chrono>
#include <date/date.h>
#include <string>
#include <string_view>

namespace pom {

/// A UTC instant, whole seconds. Stored and printed as RFC 3339 with `Z`.
using Instant = date::sys_seconds;
/// A wall-clock time in the company's zone, not yet tied to an instant.
using LocalTime = date::local_seconds;
using Date = date::year_month_day;

/// The only source of "now" in pom. Tests, demos and cron back-fills inject a FixedClock.
class Clock {
public:
    virtual ~Clock() = default;
    virtual Instant now() const = 0;
};

class SystemClock final : public Clock {
public:
    Instant now() const override;
};

class FixedClock final : public Clock {
public:
    explicit FixedClock(Instant at) : m_at(at) {}
    Instant now() const override { return m_at; }

private:
    Instant m_at;
};

/// An IANA time zone of the system tz database (/usr/share/zoneinfo), checked on first use.
///
/// The arithmetic is glibc's: localtime_r over the zone's TZif file, with its POSIX rule for the
/// years past the file's table. (date::locate_zone was used before; it stats every file under
/// /usr/share/zoneinfo to build its zone list, 1.7 ms on each pom command.) glibc holds one zone
/// per process, in TZ: pom uses one company zone per process, and a TimeZone that is not the
/// current one (unit tests, `appt preview` in UTC) switches TZ back to it before converting.
class TimeZone {
public:
    explicit TimeZone(std::string name) : m_name(std::move(name)) {}
    const std::string& name() const { return m_name; }
    LocalTime to_local(Instant t) const;
    /// A wall-clock time that falls in a daylight-saving gap moves forward by the gap;
    /// one that occurs twice takes the earlier instant.
    Instant to_instant(LocalTime t) const;
    Date local_date(Instant t) const;
    /// The offset from UTC in effect at `t` (local = UTC + offset).
    std::chrono::seconds offset_at(Instant t) const;

private:
    std::string m_name;
    mutable bool m_checked = false;
};

/// True when the system tz database has a zone of this name.
bool time_zone_exists(const std::string& name);

/// Parses YYYY-MM-DD; throws BadInput naming `what` (a flag or column) otherwise.
Date parse_date(std::string_view text, std::string_view what);
std::string format_date(Date d);
std::string format_instant(Instant t);
/// RFC 3339 instant (`Z` or offset), or a local date-time (`YYYY-MM-DDTHH:MM[:SS]`, a space for
/// the T too) read in `tz`, or a bare date meaning its local midnight.
Instant parse_instant(std::string_view text, const TimeZone& tz, std::string_view what);
/// Parses RFC 3339 as written by format_instant (used for stored values).
Instant parse_stored_instant(std::string_view text);
/// Parses a duration such as `21d`, `48h`, `30m`, `2w` into seconds.
std::chrono::seconds parse_duration(std::string_view text, std::string_view what);

Date add_days(Date d, int days);

/// A day as people type it: YYYY-MM-DD, `today`, `tomorrow`, `yesterday`, a weekday's name
/// (`monday` or `mon`: the next one, today if today is one), or an offset from today such as
/// `+3d`, `+8w`, `-1d`. Throws BadInput naming `what`.
Date parse_day(std::string_view text, Date today, std::string_view what);
/// A time as people type it: what parse_instant reads, or a day as parse_day reads it with an
/// optional local time after a space (`tomorrow 9:30`, `monday 10:00`, `+2d 08:00`); a day
/// alone means its local midnight.
Instant parse_when(std::string_view text, Date today, const TimeZone& tz, std::string_view what);

}  // namespace pom
