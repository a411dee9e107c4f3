#include "calendar.h"

#include "pool.h"

#include <date/tz.h>
#include <algorithm>
#include <cctype>
#include <map>

namespace pom {

namespace {

std::string basic_local(LocalTime t) { return date::format("%Y%m%dT%H%M%S", t); }
std::string basic_utc(Instant t) { return date::format("%Y%m%dT%H%M%SZ", t); }
std::string basic_date(Date d) { return date::format("%Y%m%d", date::sys_days{d}); }

std::string offset(std::chrono::seconds s) {
    auto v = s.count();
    std::string out(1, v < 0 ? '-' : '+');
    v = v < 0 ? -v : v;
    auto two = [&out](long long n) { out += static_cast<char>('0' + n / 10 % 10), out += static_cast<char>('0' + n % 10); };
    two(static_cast<long long>(v / 3600));
    two(static_cast<long long>(v % 3600 / 60));
    return out;
}

/// The host part of UIDs: the company's mail domain, else its name made into a label. Both stay
/// the same from one export to the next, and differ between companies sharing a phone.
std::string uid_domain(const Config& config) {
    auto at = config.company.email.find('@');
    if (at != std::string::npos && at + 1 < config.company.email.size()) return config.company.email.substr(at + 1);
    std::string slug;
    for (char c : config.company.name) {
        if (std::isalnum(static_cast<unsigned char>(c))) slug += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        else if (!slug.empty() && slug.back() != '-') slug += '-';
    }
    while (!slug.empty() && slug.back() == '-') slug.pop_back();
    return (slug.empty() ? "pool-company" : slug) + ".pom.invalid";
}

std::string title_case(std::string s) {
    if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    for (auto& c : s)
        if (c == '-') c = ' ';
    return s;
}

LocalTime local_at(const std::string& day, const std::string& hhmm) {
    Date d = parse_date(day, "appointment date");
    return LocalTime{date::local_days{d}} + std::chrono::hours(std::stoi(hhmm.substr(0, 2))) +
           std::chrono::minutes(std::stoi(hhmm.substr(3, 2)));
}

}  // namespace

std::string ics_escape(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\\' || c == ';' || c == ',') {
            out += '\\';
            out += c;
        } else if (c == '\r') {
            if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
            out += "\\n";
        } else if (c == '\n') {
            out += "\\n";
        } else if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
            // other control characters are not allowed in TEXT
        } else {
            out += c;
        }
    }
    return out;
}

std::string ics_fold(const std::string& line) {
    std::string out;
    size_t pos = 0, limit = 75;
    while (line.size() - pos > limit) {
        size_t cut = pos + limit;
        // Back up to the start of a UTF-8 character (never split a multi-octet sequence).
        while (cut > pos && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
        out.append(line, pos, cut - pos);
        out += "\r\n ";
        pos = cut;
        limit = 74;  // the leading space of a continuation line counts
    }
    out.append(line, pos, std::string::npos);
    out += "\r\n";
    return out;
}

std::string ics_vtimezone(const std::string& name, int first_year, int last_year) {
    const date::time_zone* zone = date::locate_zone(name);
    using namespace date;
    sys_seconds begin{sys_days{year{first_year} / January / 1}};
    sys_seconds end{sys_days{year{last_year + 1} / January / 1}};
    std::string out = ics_fold("BEGIN:VTIMEZONE") + ics_fold("TZID:" + name);
    sys_info info = zone->get_info(begin);
    for (;;) {
        // The onset is written in the local time of the observance before it (TZOFFSETFROM).
        bool has_before = info.begin > sys_seconds{sys_days{year{1900} / January / 1}};
        std::chrono::seconds from = has_before ? zone->get_info(info.begin - std::chrono::seconds(1)).offset : info.offset;
        LocalTime onset = has_before ? LocalTime{(info.begin + from).time_since_epoch()} : LocalTime{local_days{year{1970} / January / 1}};
        std::string kind = info.save != std::chrono::minutes(0) ? "DAYLIGHT" : "STANDARD";
        out += ics_fold("BEGIN:" + kind);
        out += ics_fold("DTSTART:" + basic_local(onset));
        out += ics_fold("TZOFFSETFROM:" + offset(from));
        out += ics_fold("TZOFFSETTO:" + offset(info.offset));
        if (!info.abbrev.empty() && info.abbrev[0] != '+' && info.abbrev[0] != '-') out += ics_fold("TZNAME:" + info.abbrev);
        out += ics_fold("END:" + kind);
        if (info.end >= end) break;
        info = zone->get_info(info.end);
    }
    return out + ics_fold("END:VTIMEZONE");
}

std::string export_ics(Context& ctx, const AppointmentFilter& filter, const std::string& calendar_name) {
    std::vector<Appointment> visits = list_appointments(ctx.store, filter);
    const std::string tzid = ctx.tz.name();
    const std::string domain = uid_domain(ctx.config);
    std::string out;
    auto line = [&out](const std::string& l) { out += ics_fold(l); };
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//pom//Pool Office Manager//EN");
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line("X-WR-CALNAME:" + ics_escape(calendar_name));
    line("X-WR-TIMEZONE:" + tzid);
    // The zone's rules for every year with a visit (and the filter's years, so that an empty
    // export still names its zone).
    int first = filter.from ? static_cast<int>(filter.from->year()) : static_cast<int>(ctx.today().year());
    int last = filter.to ? static_cast<int>(filter.to->year()) : first;
    for (const auto& a : visits) {
        int y = static_cast<int>(parse_date(a.date, "appointment date").year());
        first = std::min(first, y);
        last = std::max(last, y);
    }
    out += ics_vtimezone(tzid, first, last);
    const std::string stamp = basic_utc(ctx.now());
    std::map<int64_t, Pool> pools;
    for (const auto& a : visits) {
        if (!pools.count(a.pool_id)) pools.emplace(a.pool_id, get_pool(ctx.store, a.pool_id));
        const Pool& p = pools.at(a.pool_id);
        line("BEGIN:VEVENT");
        line("UID:appointment-" + std::to_string(a.id) + "@" + domain);
        line("DTSTAMP:" + stamp);
        if (!a.created_at.empty()) line("CREATED:" + basic_utc(parse_stored_instant(a.created_at)));
        if (!a.updated_at.empty()) line("LAST-MODIFIED:" + basic_utc(parse_stored_instant(a.updated_at)));
        if (a.window_start.empty()) {
            Date d = parse_date(a.date, "appointment date");
            line("DTSTART;VALUE=DATE:" + basic_date(d));
            line("DTEND;VALUE=DATE:" + basic_date(add_days(d, 1)));
        } else {
            line("DTSTART;TZID=" + tzid + ":" + basic_local(local_at(a.date, a.window_start)));
            line("DTEND;TZID=" + tzid + ":" + basic_local(local_at(a.date, a.window_end)));
        }
        line("SUMMARY:" + ics_escape(title_case(a.service_type) + ": " + a.customer_name));
        std::string where = a.street;
        if (!a.city.empty()) where += (where.empty() ? "" : ", ") + a.city;
        if (!where.empty()) line("LOCATION:" + ics_escape(where));
        std::string desc = title_case(a.service_type) + " visit, " + std::to_string(a.duration_min) + " min";
        if (!a.window_start.empty()) desc += ", window " + a.window_start + "-" + a.window_end;
        desc += "\n" + a.pool_name + (p.body == "spa" ? " (spa)" : "");
        desc += "\nTechnician: " + (a.worker_name.empty() ? std::string("unassigned") : a.worker_name);
        if (a.priority != "normal") desc += "\nPriority: " + a.priority;
        if (!a.tech_note.empty()) desc += "\nNote: " + a.tech_note;
        if (!p.access_notes.empty()) desc += "\nAccess: " + p.access_notes;
        if (p.dog) desc += "\nDog on the property";
        if (!a.status_reason.empty() && (a.status == "skipped" || a.status == "cancelled" || a.status == "paused"))
            desc += "\n" + title_case(a.status) + ": " + a.status_reason;
        line("DESCRIPTION:" + ics_escape(desc));
        line("CATEGORIES:" + ics_escape(a.service_type));
        if (a.priority == "urgent") line("PRIORITY:1");
        else if (a.priority == "high") line("PRIORITY:3");
        line(std::string("STATUS:") + (a.status == "cancelled" || a.status == "skipped" ? "CANCELLED" : "CONFIRMED"));
        line("TRANSP:OPAQUE");
        line("X-POM-STATUS:" + a.status);
        if (a.series_id) line("X-POM-SERIES:" + std::to_string(*a.series_id));
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    return out;
}

}  // namespace pom
