#include "recurrence.h"
#include "text_check.h"

#include "error.h"

#include <algorithm>
#include <cctype>
#include <libical/ical.h>
#include <map>
#include <set>
#include <sstream>

namespace pom {

namespace {

std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string item;
    std::stringstream in(s);
    while (std::getline(in, item, sep)) out.push_back(item);
    return out;
}

bool parses(const std::string& rule) {
    icalerror_set_errors_are_fatal(0);
    icalrecurrencetype r = icalrecurrencetype_from_string(rule.c_str());
    icalerror_clear_errno();
    return r.freq != ICAL_NO_RECURRENCE;
}

const std::set<std::string> k_parts = {"FREQ",     "INTERVAL", "COUNT",      "UNTIL",     "BYDAY",  "BYMONTHDAY",
                                       "BYMONTH",  "BYSETPOS", "BYWEEKNO",   "BYYEARDAY", "WKST"};

icaltimetype to_ical(Date d) {
    // Not icaltime_null_date(): it sets the time of day to -1, which libical's iterator then
    // normalises into the wrong day (DAILY repeating the first date, YEARLY a day early).
    icaltimetype t = icaltime_null_time();
    t.year = static_cast<int>(d.year());
    t.month = static_cast<int>(static_cast<unsigned>(d.month()));
    t.day = static_cast<int>(static_cast<unsigned>(d.day()));
    t.is_date = 1;
    return t;
}

Date from_ical(const icaltimetype& t) {
    return Date{date::year{t.year}, date::month{static_cast<unsigned>(t.month)}, date::day{static_cast<unsigned>(t.day)}};
}

/// Walks the rule from `start`, calling `visit` with each occurrence until it returns false.
/// With `skip_to` (after `start`), the walk begins there instead: libical jumps ahead rather than
/// stepping through every earlier occurrence (a nightly expand of a series begun three years ago
/// would otherwise walk 150 visits to add one). libical cannot jump in a rule with COUNT, which
/// counts from the start; such a rule is walked from the start.
template <class Visit>
void walk(const std::string& rrule, icaltimetype start, Visit visit, std::optional<icaltimetype> skip_to = std::nullopt) {
    icalerror_set_errors_are_fatal(0);
    icalrecurrencetype r = icalrecurrencetype_from_string(rrule.c_str());
    icalrecur_iterator* it = icalrecur_iterator_new(r, start);
    icalerror_clear_errno();
    if (!it) fail(ErrorKind::BadInput, "--repeat: " + rrule + " has no occurrences");
    struct Free {
        icalrecur_iterator* p;
        ~Free() { icalrecur_iterator_free(p); }
    } guard{it};
    if (skip_to && r.count == 0 && icaltime_compare(*skip_to, start) > 0) {
        if (!icalrecur_iterator_set_start(it, *skip_to)) {
            icalerror_clear_errno();
            return walk(rrule, start, visit);  // libical would not jump: walk it all
        }
    }
    for (;;) {
        icaltimetype t = icalrecur_iterator_next(it);
        if (icaltime_is_null_time(t)) return;
        if (!visit(t)) return;
    }
}

const std::map<std::string, std::string> k_days = {
    {"mo", "MO"}, {"mon", "MO"}, {"monday", "MO"},    {"tu", "TU"}, {"tue", "TU"}, {"tues", "TU"},   {"tuesday", "TU"},
    {"we", "WE"}, {"wed", "WE"}, {"wednesday", "WE"}, {"th", "TH"}, {"thu", "TH"}, {"thur", "TH"},   {"thurs", "TH"},
    {"thursday", "TH"}, {"fr", "FR"}, {"fri", "FR"},  {"friday", "FR"}, {"sa", "SA"}, {"sat", "SA"}, {"saturday", "SA"},
    {"su", "SU"}, {"sun", "SU"}, {"sunday", "SU"}};

std::optional<int> ordinal(const std::string& w) {
    static const std::map<std::string, int> words = {{"first", 1}, {"second", 2}, {"third", 3}, {"fourth", 4},
                                                     {"fifth", 5}, {"last", -1}};
    if (auto it = words.find(w); it != words.end()) return it->second;
    size_t i = 0;
    while (i < w.size() && std::isdigit(static_cast<unsigned char>(w[i]))) ++i;
    if (i == 0 || i > 2) return std::nullopt;
    std::string suffix = w.substr(i);
    if (!suffix.empty() && suffix != "st" && suffix != "nd" && suffix != "rd" && suffix != "th") return std::nullopt;
    int n = std::stoi(w.substr(0, i));
    if (n < 1 || n > 31) return std::nullopt;
    return n;
}

std::string without_bounds(const std::string& rrule) {
    std::string out;
    for (const auto& part : split(rrule, ';')) {
        if (part.rfind("UNTIL=", 0) == 0 || part.rfind("COUNT=", 0) == 0) continue;
        out += (out.empty() ? "" : ";") + part;
    }
    return out;
}

/// The UNTIL value as a date (YYYYMMDD). Visits recur by date, so a date-time UNTIL
/// (19971224T000000Z, as calendars write it) keeps the dates before it, and its own date unless
/// it is exactly midnight: without this, libical compares a date-time UNTIL with the midnight
/// of each date, and "until 19971224T000000Z" would still give a visit on the 24th.
std::string until_date(const std::string& value, const std::string& what) {
    auto digits = [&](size_t from, size_t n) {
        return value.size() >= from + n &&
               std::all_of(value.begin() + static_cast<long>(from), value.begin() + static_cast<long>(from + n),
                           [](char c) { return c >= '0' && c <= '9'; });
    };
    bool is_date = value.size() == 8 && digits(0, 8);
    bool is_time = (value.size() == 15 || (value.size() == 16 && value[15] == 'Z')) && digits(0, 8) && value[8] == 'T' &&
                   digits(9, 6);
    Date d{date::year{is_date || is_time ? std::stoi(value.substr(0, 4)) : 0},
           date::month{is_date || is_time ? static_cast<unsigned>(std::stoi(value.substr(4, 2))) : 0},
           date::day{is_date || is_time ? static_cast<unsigned>(std::stoi(value.substr(6, 2))) : 0}};
    int h = is_time ? std::stoi(value.substr(9, 2)) : 0, m = is_time ? std::stoi(value.substr(11, 2)) : 0,
        s = is_time ? std::stoi(value.substr(13, 2)) : 0;
    if ((!is_date && !is_time) || !d.ok() || h > 23 || m > 59 || s > 60)
        fail(ErrorKind::BadInput, what + ": UNTIL=" + value + " is not a date (YYYYMMDD) or a date-time (YYYYMMDDTHHMMSSZ)");
    if (is_time && h == 0 && m == 0 && s == 0) d = Date{date::sys_days{d} - date::days{1}};
    return date::format("%Y%m%d", date::sys_days{d});
}

/// A date-time UNTIL (already checked by until_date) as a local date-time; nullopt for a date.
std::optional<LocalTime> until_at(const std::string& value) {
    if (value.size() < 15) return std::nullopt;
    Date d{date::year{std::stoi(value.substr(0, 4))}, date::month{static_cast<unsigned>(std::stoi(value.substr(4, 2)))},
           date::day{static_cast<unsigned>(std::stoi(value.substr(6, 2)))}};
    return LocalTime{date::local_days{d}} + std::chrono::hours(std::stoi(value.substr(9, 2))) +
           std::chrono::minutes(std::stoi(value.substr(11, 2))) + std::chrono::seconds(std::min(59, std::stoi(value.substr(13, 2))));
}

/// The first occurrence on or after `start` of a WEEKLY rule with INTERVAL and BYDAY, when
/// `start` is not itself one (not one of the BYDAY days, or of the BYMONTH months). libical walks such a rule from the
/// wrong week when DTSTART is not one of them (FREQ=WEEKLY;INTERVAL=3;BYDAY=SU from a Monday gave
/// the Sunday three weeks later, not the one that ends the start's week: RFC 5545's weeks begin
/// on WKST, MO by default), and right from an occurrence. Moving the start to that occurrence
/// changes nothing else: the days skipped are not occurrences, so COUNT is the same.
Date synced_start(const std::string& rrule, Date start) {
    icalrecurrencetype r = icalrecurrencetype_from_string(rrule.c_str());
    icalerror_clear_errno();
    if (r.freq != ICAL_WEEKLY_RECURRENCE || r.interval <= 1 || r.by_day[0] == ICAL_RECURRENCE_ARRAY_MAX) return start;
    std::set<unsigned> months;  // none: every month
    for (int i = 0; i < ICAL_BY_MONTH_SIZE && r.by_month[i] != ICAL_RECURRENCE_ARRAY_MAX; ++i)
        months.insert(static_cast<unsigned>(icalrecurrencetype_month_month(r.by_month[i])));
    auto in_months = [&](date::sys_days d) {
        return months.empty() || months.count(static_cast<unsigned>(date::year_month_day{d}.month()));
    };
    std::set<unsigned> days;  // 0 = Sunday, as date::weekday::c_encoding
    for (int i = 0; i < ICAL_BY_DAY_SIZE && r.by_day[i] != ICAL_RECURRENCE_ARRAY_MAX; ++i)
        days.insert(static_cast<unsigned>(icalrecurrencetype_day_day_of_week(r.by_day[i])) - 1);
    unsigned wkst = (r.week_start == ICAL_NO_WEEKDAY ? ICAL_MONDAY_WEEKDAY : r.week_start) - 1;
    date::sys_days s{start};
    if (days.count(date::weekday{s}.c_encoding()) && in_months(s)) return start;
    date::sys_days week = s - date::days{(date::weekday{s}.c_encoding() + 7 - wkst) % 7};
    for (int k = 0; k < 53 * 28; k += r.interval)  // a week of every month comes round within 28 years
        for (int i = 0; i < 7; ++i) {
            date::sys_days d = week + date::days{7 * k + i};
            if (d >= s && days.count(date::weekday{d}.c_encoding()) && in_months(d)) return Date{d};
        }
    return start;
}

}  // namespace

std::optional<std::string> friendly_rrule(const std::string& input) {
    std::string text = ascii_lower(input);
    for (auto& c : text)
        if (c == ',') c = ' ';
    std::vector<std::string> words;
    for (auto& w : split(text, ' '))
        if (!w.empty() && w != "and") words.push_back(w);
    if (words.empty()) return std::nullopt;
    size_t i = 0;
    std::string freq;
    int interval = 1;
    auto unit = [](const std::string& w) -> std::string {
        if (w == "day" || w == "days") return "DAILY";
        if (w == "week" || w == "weeks") return "WEEKLY";
        if (w == "month" || w == "months") return "MONTHLY";
        return "";
    };
    if (words[0] == "daily") freq = "DAILY", i = 1;
    else if (words[0] == "weekly") freq = "WEEKLY", i = 1;
    else if (words[0] == "biweekly" || words[0] == "fortnightly") freq = "WEEKLY", interval = 2, i = 1;
    else if (words[0] == "monthly") freq = "MONTHLY", i = 1;
    else if (words[0] == "every" && words.size() >= 2) {
        if (words[1] == "other" && words.size() >= 3 && !unit(words[2]).empty()) freq = unit(words[2]), interval = 2, i = 3;
        else if (!unit(words[1]).empty()) freq = unit(words[1]), i = 2;
        else if (words.size() >= 3 && std::all_of(words[1].begin(), words[1].end(), ::isdigit) && words[1].size() <= 2 &&
                 !unit(words[2]).empty())
            freq = unit(words[2]), interval = std::stoi(words[1]), i = 3;
        else if (k_days.count(words[1])) freq = "WEEKLY", i = 1;  // "every tue"
        else return std::nullopt;
    } else {
        return std::nullopt;
    }
    if (interval < 1) return std::nullopt;
    std::string rule = "FREQ=" + freq;
    if (interval > 1) rule += ";INTERVAL=" + std::to_string(interval);
    if (i < words.size() && words[i] == "on") ++i;
    if (i == words.size()) return rule;
    if (words[i] == "the") ++i;
    if (i >= words.size()) return std::nullopt;
    if (auto n = ordinal(words[i]); n && freq == "MONTHLY") {
        // "on the 1st", "on the last day", "on the first tue", "on the last friday"
        ++i;
        if (i == words.size() || (words[i] == "day" && i + 1 == words.size())) return rule + ";BYMONTHDAY=" + std::to_string(*n);
        if (auto d = k_days.find(words[i]); d != k_days.end() && i + 1 == words.size() && (*n <= 5))
            return rule + ";BYDAY=" + std::to_string(*n) + d->second;
        return std::nullopt;
    }
    std::string days;
    for (; i < words.size(); ++i) {
        auto d = k_days.find(words[i]);
        if (d == k_days.end()) return std::nullopt;
        days += (days.empty() ? "" : ",") + d->second;
    }
    if (days.empty() || freq == "MONTHLY") return std::nullopt;
    return rule + ";BYDAY=" + days;
}

Recurrence Recurrence::parse(const std::string& text, const std::string& what) { return read(text, what, true); }

Recurrence Recurrence::stored(const std::string& text, const std::string& what) { return read(text, what, false); }

Recurrence Recurrence::read(const std::string& text, const std::string& what, bool refuse_unsupported) {
    std::string trimmed = text;
    trimmed.erase(0, trimmed.find_first_not_of(" \t"));
    trimmed.erase(trimmed.find_last_not_of(" \t") + 1);
    if (trimmed.empty()) fail(ErrorKind::BadInput, what + ": empty rule");
    std::string rule;
    if (trimmed.find('=') == std::string::npos) {
        auto f = friendly_rrule(trimmed);
        if (!f)
            fail(ErrorKind::BadInput, what + ": '" + trimmed +
                                          "' is neither an RRULE (FREQ=WEEKLY;BYDAY=TU) nor a known form (weekly, "
                                          "every 2 weeks on tue, monthly on the 1st)");
        rule = *f;
    } else {
        rule = upper(trimmed);
        if (rule.rfind("RRULE:", 0) == 0) rule = rule.substr(6);
    }
    // Check part by part first, so that the message can name the part that is wrong.
    std::string freq;
    std::optional<LocalTime> until_time;
    std::set<std::string> seen;
    std::vector<std::string> parts;
    for (auto part : split(rule, ';')) {
        auto eq = part.find('=');
        std::string name = eq == std::string::npos ? part : part.substr(0, eq);
        if (eq == std::string::npos || eq + 1 == part.size())
            fail(ErrorKind::BadInput, what + ": '" + part + "' is not NAME=VALUE");
        if (!k_parts.count(name)) {
            if (name == "BYHOUR" || name == "BYMINUTE" || name == "BYSECOND")
                fail(ErrorKind::BadInput, what + ": " + part + ": visits recur by date; give the time with --window");
            fail(ErrorKind::BadInput, what + ": '" + name + "' is not an RRULE part");
        }
        if (!seen.insert(name).second) fail(ErrorKind::BadInput, what + ": " + name + " appears twice");
        std::string value = part.substr(eq + 1);
        if (name == "FREQ") {
            if (value == "SECONDLY" || value == "MINUTELY" || value == "HOURLY")
                fail(ErrorKind::BadInput, what + ": FREQ=" + value + ": visits recur at most daily");
            if (value != "DAILY" && value != "WEEKLY" && value != "MONTHLY" && value != "YEARLY")
                fail(ErrorKind::BadInput, what + ": FREQ=" + value + " is not DAILY, WEEKLY, MONTHLY or YEARLY");
            freq = value;
            parts.push_back(part);
            continue;
        }
        if (name == "INTERVAL" || name == "COUNT") {
            bool digits = !value.empty() && value.size() <= 4 &&
                          std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
            if (!digits || std::stoi(value) < 1)
                fail(ErrorKind::BadInput, what + ": " + part + ": must be a whole number from 1 to 9999");
        }
        if (name == "UNTIL") {
            part = "UNTIL=" + until_date(value, what);
            until_time = until_at(value);
        }
        if (!parses("FREQ=DAILY;" + part) && !parses("FREQ=MONTHLY;" + part) && !parses("FREQ=YEARLY;" + part))
            fail(ErrorKind::BadInput, what + ": " + part + " is not valid");
        parts.push_back(part);
    }
    if (freq.empty()) fail(ErrorKind::BadInput, what + ": the rule needs FREQ (DAILY, WEEKLY, MONTHLY or YEARLY)");
    if (seen.count("COUNT") && seen.count("UNTIL")) fail(ErrorKind::BadInput, what + ": COUNT and UNTIL cannot both be given");
    for (const auto& part : parts) {
        // RFC 5545 3.3.10: a numbered BYDAY (1MO, -1FR) only has a meaning in MONTHLY and YEARLY rules.
        if (part.rfind("BYDAY=", 0) == 0 && (freq == "DAILY" || freq == "WEEKLY") &&
            part.find_first_of("0123456789") != std::string::npos)
            fail(ErrorKind::BadInput, what + ": " + part + ": a numbered weekday needs FREQ=MONTHLY or FREQ=YEARLY");
    }
    // Rules RFC 5545 allows but libical 3.0 expands wrongly (found by comparing with dateutil,
    // tests/e2e/test_recurrence_property.py): refused, rather than a schedule with wrong visits.
    auto cannot = [&](const std::string& parts_named) {
        if (!refuse_unsupported) return;
        fail(ErrorKind::BadInput, what + ": " + parts_named + " in a FREQ=" + freq +
                                      " rule is not supported (libical expands it wrongly)");
    };
    if (seen.count("BYSETPOS") && (freq == "DAILY" || freq == "WEEKLY")) cannot("BYSETPOS");
    if (seen.count("BYMONTHDAY") && freq == "DAILY") cannot("BYMONTHDAY");
    if (seen.count("BYMONTHDAY") && freq == "YEARLY" && !seen.count("BYMONTH")) cannot("BYMONTHDAY without BYMONTH");
    if (seen.count("BYYEARDAY") && seen.count("BYMONTH")) cannot("BYYEARDAY with BYMONTH");
    // BYMONTHDAY=-3,29 names the 29th twice in a 31-day month, and libical's BYSETPOS then
    // drops that month altogether.
    for (const auto& part : parts) {
        if (part.rfind("BYMONTHDAY=", 0) != 0 || !seen.count("BYSETPOS")) continue;
        std::vector<std::string> list = split(part.substr(11), ',');
        bool from_end = std::any_of(list.begin(), list.end(), [](const std::string& d) { return !d.empty() && d[0] == '-'; });
        bool from_start = std::any_of(list.begin(), list.end(), [](const std::string& d) { return !d.empty() && d[0] != '-'; });
        if (from_end && from_start) cannot("BYSETPOS with BYMONTHDAY days counted from both ends");
    }
    rule.clear();
    for (const auto& part : parts) rule += (rule.empty() ? "" : ";") + part;
    if (!parses(rule)) fail(ErrorKind::BadInput, what + ": " + rule + " is not a valid rule");
    icalrecurrencetype r = icalrecurrencetype_from_string(rule.c_str());
    char* normal = icalrecurrencetype_as_string(&r);
    Recurrence out(normal ? normal : rule);
    out.m_until_at = until_time;
    // Reject rules that can never occur (BYMONTH=2;BYMONTHDAY=31) now rather than at expansion.
    // libical only refuses some of them when the iterator is made (FREQ=MONTHLY;BYMONTH=2;
    // BYMONTHDAY=30 it accepts and then yields nothing), so look for a first occurrence, without
    // the rule's own end, which may well lie in the past. Nor with its INTERVAL: whether
    // FREQ=MONTHLY;INTERVAL=4;BYMONTH=3,6 occurs depends on the month it starts in, which is not
    // known here; without INTERVAL it occurs if it does from any start.
    std::string open_rule;
    for (const auto& part : split(without_bounds(rule), ';'))
        if (part.rfind("INTERVAL=", 0) != 0) open_rule += (open_rule.empty() ? "" : ";") + part;
    icalrecurrencetype open = icalrecurrencetype_from_string(open_rule.c_str());
    icalrecur_iterator* it = icalrecur_iterator_new(open, to_ical(Date{date::year{2026}, date::January, date::day{1}}));
    icalerror_clear_errno();
    bool occurs = it && !icaltime_is_null_time(icalrecur_iterator_next(it));
    if (it) icalrecur_iterator_free(it);
    if (!occurs) fail(ErrorKind::BadInput, what + ": " + out.m_rrule + " never occurs");
    return out;
}

Recurrence Recurrence::with_until(Date until) const {
    return Recurrence(without_bounds(m_rrule) + ";UNTIL=" + date::format("%Y%m%d", date::sys_days{until}));
}

Recurrence Recurrence::with_count(int count) const {
    if (count < 1) fail(ErrorKind::BadInput, "--count: must be at least 1");
    return Recurrence(without_bounds(m_rrule) + ";COUNT=" + std::to_string(count));
}

bool Recurrence::bounded() const {
    return m_rrule.find("UNTIL=") != std::string::npos || m_rrule.find("COUNT=") != std::string::npos;
}

std::vector<Date> Recurrence::dates(Date start, Date from, Date through, size_t limit, const std::vector<Date>& except) const {
    std::vector<Date> out;
    start = synced_start(m_rrule, start);
    walk(
        m_rrule, to_ical(start),
        [&](const icaltimetype& t) {
            Date d = from_ical(t);
            if (d > through) return false;
            if (d >= from && std::find(except.begin(), except.end(), d) == except.end()) out.push_back(d);
            return limit == 0 || out.size() < limit;
        },
        from > start ? std::optional(to_ical(from)) : std::nullopt);
    return out;
}

std::vector<LocalTime> Recurrence::times(LocalTime start, LocalTime from, LocalTime through, size_t limit,
                                         const std::vector<Date>& except) const {
    auto day = date::floor<date::days>(start);
    auto tod = start - day;
    // A date-time UNTIL: walk through its own date (m_rrule has the date before it when it is
    // midnight) and stop at its time of day.
    if (m_until_at) {
        Recurrence to_date = with_until(Date{date::floor<date::days>(*m_until_at)});
        return to_date.times(start, from, std::min(through, *m_until_at), limit, except);
    }
    std::vector<LocalTime> out;
    for (Date d : dates(Date{day}, Date{date::floor<date::days>(from)}, Date{date::floor<date::days>(through)}, 0, except)) {
        LocalTime t = LocalTime{date::local_days{d}} + tod;
        if (t < from || t > through) continue;
        out.push_back(t);
        if (limit && out.size() >= limit) break;
    }
    return out;
}

}  // namespace pom
