#include "clock.h"

#include "error.h"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <sys/stat.h>

namespace pom {

Instant SystemClock::now() const {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

bool time_zone_exists(const std::string& name) {
    if (name.empty() || name.find("..") != std::string::npos || name.front() == '/') return false;
    struct stat st {};
    return ::stat(("/usr/share/zoneinfo/" + name).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

namespace {

/// Makes `name` glibc's zone (TZ) unless it already is.
void use_zone(const std::string& name) {
    static std::string active;  // glibc's own state is process-wide; this only mirrors it
    if (active == name) return;
    ::setenv("TZ", (":" + name).c_str(), 1);
    ::tzset();
    active = name;
}

}  // namespace

std::chrono::seconds TimeZone::offset_at(Instant t) const {
    if (!m_checked) {
        // glibc reads a zone it cannot find as UTC, silently; refuse it instead.
        if (!time_zone_exists(m_name)) fail(ErrorKind::Config, "unknown time zone '" + m_name + "'");
        m_checked = true;
    }
    if (m_name == "UTC") return std::chrono::seconds(0);
    std::time_t x = static_cast<std::time_t>(t.time_since_epoch().count());
    std::tm tm{};
    bool ok = false;
    {
        // glibc's zone is one per process: pom serve's threads switch it and read it under one lock.
        static std::mutex zone_lock;
        std::lock_guard<std::mutex> hold(zone_lock);
        use_zone(m_name);
        ok = ::localtime_r(&x, &tm) != nullptr;
    }
    if (!ok) fail(ErrorKind::BadInput, "time out of range: " + std::to_string(x));
    return std::chrono::seconds(tm.tm_gmtoff);
}

LocalTime TimeZone::to_local(Instant t) const { return LocalTime{t.time_since_epoch() + offset_at(t)}; }

Instant TimeZone::to_instant(LocalTime t) const {
    // The offsets two days either side bound the instant (zones change at most once in such a
    // window). Each gives a candidate; a candidate is real when its own offset is the one it
    // assumed. Two real ones: the wall time happens twice, take the earlier. None: it falls in a
    // gap, keep the offset from before the gap (moves forward by the gap).
    const std::chrono::seconds l = t.time_since_epoch();
    const auto before = offset_at(Instant{l - std::chrono::hours(48)});
    const auto after = offset_at(Instant{l + std::chrono::hours(48)});
    const Instant a{l - before}, b{l - after};
    const bool a_real = offset_at(a) == before, b_real = offset_at(b) == after;
    if (a_real && b_real) return std::min(a, b);
    if (b_real) return b;
    return a;
}

Date TimeZone::local_date(Instant t) const {
    return Date{date::floor<date::days>(to_local(t))};
}

namespace {

bool read_int(std::string_view s, size_t pos, size_t len, int& out) {
    if (pos + len > s.size()) return false;
    for (size_t i = pos; i < pos + len; ++i)
        if (s[i] < '0' || s[i] > '9') return false;
    auto r = std::from_chars(s.data() + pos, s.data() + pos + len, out);
    return r.ec == std::errc{};
}

bool read_date(std::string_view s, Date& out) {
    int y = 0, m = 0, d = 0;
    if (s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
    if (!read_int(s, 0, 4, y) || !read_int(s, 5, 2, m) || !read_int(s, 8, 2, d)) return false;
    Date ymd{date::year{y}, date::month{static_cast<unsigned>(m)}, date::day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) return false;
    out = ymd;
    return true;
}

std::string quote(std::string_view s) {
    std::string out(1, '\'');
    out.append(s);
    out += '\'';
    return out;
}

}  // namespace

Date parse_date(std::string_view text, std::string_view what) {
    Date d;
    if (text.size() != 10 || !read_date(text, d))
        fail(ErrorKind::BadInput, std::string(what) + ": " + quote(text) + " is not a valid date (YYYY-MM-DD)");
    return d;
}

namespace {

// Dates and instants are formatted on every record written (timestamps, the audit log): digits by
// hand, not through an ostream, for years 0-9999 (date::format does the rest, identically).
void digits(char* at, unsigned value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10) at[i] = static_cast<char>('0' + value % 10);
}

bool four_digit_year(Date d) { return d.ok() && int(d.year()) >= 0 && int(d.year()) <= 9999; }

void put_date(char* at, Date d) {
    digits(at, static_cast<unsigned>(int(d.year())), 4);
    at[4] = '-';
    digits(at + 5, unsigned(d.month()), 2);
    at[7] = '-';
    digits(at + 8, unsigned(d.day()), 2);
}

}  // namespace

std::string format_date(Date d) {
    if (!four_digit_year(d)) return date::format("%F", date::sys_days{d});
    std::string out(10, ' ');
    put_date(out.data(), d);
    return out;
}

std::string format_instant(Instant t) {
    auto day = date::floor<date::days>(t);
    Date d{day};
    if (!four_digit_year(d)) return date::format("%FT%TZ", t);
    auto secs = static_cast<unsigned>((t - day).count());  // 0 .. 86399
    std::string out(20, ' ');
    put_date(out.data(), d);
    out[10] = 'T';
    digits(out.data() + 11, secs / 3600, 2);
    out[13] = ':';
    digits(out.data() + 14, secs / 60 % 60, 2);
    out[16] = ':';
    digits(out.data() + 17, secs % 60, 2);
    out[19] = 'Z';
    return out;
}

Instant parse_instant(std::string_view text, const TimeZone& tz, std::string_view what) {
    auto bad = [&]() -> Instant {
        fail(ErrorKind::BadInput, std::string(what) + ": " + quote(text) +
                                      " is not a valid time (YYYY-MM-DD[THH:MM[:SS]][Z|±HH:MM])");
    };
    Date d;
    if (!read_date(text, d)) return bad();
    if (text.size() == 10) return tz.to_instant(LocalTime{date::local_days{d}});
    if (text[10] != 'T' && text[10] != ' ') return bad();
    int hh = 0, mm = 0, ss = 0;
    if (!read_int(text, 11, 2, hh) || text.size() < 16 || text[13] != ':' || !read_int(text, 14, 2, mm))
        return bad();
    size_t pos = 16;
    if (pos < text.size() && text[pos] == ':') {
        if (!read_int(text, pos + 1, 2, ss)) return bad();
        pos += 3;
    }
    if (hh > 23 || mm > 59 || ss > 59) return bad();
    auto local = std::chrono::seconds{hh * 3600 + mm * 60 + ss};
    auto days = date::sys_days{d}.time_since_epoch();
    if (pos == text.size()) return tz.to_instant(LocalTime{days + local});
    std::string_view zone = text.substr(pos);
    if (zone == "Z" || zone == "z") return Instant{days + local};
    int oh = 0, om = 0;
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' || !read_int(zone, 1, 2, oh) ||
        !read_int(zone, 4, 2, om) || oh > 23 || om > 59)
        return bad();
    auto offset = std::chrono::seconds{oh * 3600 + om * 60};
    return Instant{days + local - (zone[0] == '+' ? offset : -offset)};
}

Instant parse_stored_instant(std::string_view text) {
    static const TimeZone utc("UTC");
    return parse_instant(text, utc, "stored time");
}

std::chrono::seconds parse_duration(std::string_view text, std::string_view what) {
    int n = 0;
    if (text.size() >= 2) {
        auto r = std::from_chars(text.data(), text.data() + text.size() - 1, n);
        if (r.ec == std::errc{} && r.ptr == text.data() + text.size() - 1 && n >= 0) {
            switch (text.back()) {
            case 'w': return std::chrono::seconds{int64_t{n} * 7 * 86400};
            case 'd': return std::chrono::seconds{int64_t{n} * 86400};
            case 'h': return std::chrono::seconds{int64_t{n} * 3600};
            case 'm': return std::chrono::seconds{int64_t{n} * 60};
            default: break;
            }
        }
    }
    fail(ErrorKind::BadInput,
         std::string(what) + ": " + quote(text) + " is not a valid duration (a number and w, d, h or m: 21d)");
}

Date add_days(Date d, int days) { return Date{date::sys_days{d} + date::days{days}}; }

Date parse_day(std::string_view text, Date today, std::string_view what) {
    if (text == "today") return today;
    if (text == "tomorrow") return add_days(today, 1);
    if (text == "yesterday") return add_days(today, -1);
    // A weekday's name: the next such day, today if today is one (as `date -d monday` reads it).
    static const char* const k_days[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
    if (text.size() >= 3 && text.size() <= 9) {
        std::string lower(text);
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        for (unsigned wd = 0; wd < 7; ++wd) {
            std::string_view name = k_days[wd];
            if (lower == name || lower == name.substr(0, 3)) {
                unsigned now = date::weekday{date::sys_days{today}}.c_encoding();
                return add_days(today, static_cast<int>((wd + 7 - now) % 7));
            }
        }
    }
    if (!text.empty() && (text[0] == '+' || text[0] == '-') && text.size() >= 3) {
        int n = 0;
        auto r = std::from_chars(text.data() + 1, text.data() + text.size() - 1, n);
        char unit = text.back();
        if (r.ec == std::errc{} && r.ptr == text.data() + text.size() - 1 && n <= 3660 && (unit == 'd' || unit == 'w')) {
            int days = unit == 'w' ? n * 7 : n;
            return add_days(today, text[0] == '-' ? -days : days);
        }
        fail(ErrorKind::BadInput, std::string(what) + ": " + quote(text) + " is not a day offset (+3d, +8w, -1d)");
    }
    if (text.size() != 10)
        fail(ErrorKind::BadInput, std::string(what) + ": " + quote(text) +
                                      " is not a date (YYYY-MM-DD, today, tomorrow, monday, +3d, +8w)");
    return parse_date(text, what);
}

Instant parse_when(std::string_view text, Date today, const TimeZone& tz, std::string_view what) {
    if (!text.empty() && std::isdigit(static_cast<unsigned char>(text[0])) && text.size() >= 10 && text[4] == '-')
        return parse_instant(text, tz, what);
    auto space = text.find(' ');
    Date day = parse_day(text.substr(0, space), today, what);
    std::string local = format_date(day);
    if (space != std::string_view::npos) {
        std::string time(text.substr(space + 1));
        if (time.size() == 4 && time[1] == ':') time = "0" + time;  // 9:30 → 09:30
        local += "T" + time;
    }
    return parse_instant(local, tz, what);
}

}  // namespace pom
