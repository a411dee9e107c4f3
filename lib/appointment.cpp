#include "appointment.h"
#include "billing.h"
#include "json.h"

#include "customer.h"
#include "error.h"
#include "money.h"
#include "notice.h"
#include "notice_follow.h"
#include "output.h"
#include "pool.h"
#include "record.h"
#include "route_eta.h"
#include "tag.h"
#include "text_check.h"
#include "worker.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

namespace pom {

namespace {

const char* k_select =
    "SELECT a.id, a.customer_id, c.name, a.pool_id, p.name, p.street, p.city, a.worker_id, w.name, a.date, "
    "a.window_start, a.window_end, a.duration_min, a.route_order, a.service_type, a.priority, a.status, "
    "a.status_reason, a.status_at, a.eta, a.tech_note, a.office_note, a.series_id, a.occurrence_date, a.detached, "
    "a.rolled_count, a.follow_up_of, a.created_at, a.updated_at, a.pinned, a.load_milli, p.lat, p.lon "
    "FROM appointment a JOIN customer c ON c.id = a.customer_id JOIN pool p ON p.id = a.pool_id "
    "LEFT JOIN worker w ON w.id = a.worker_id";

/// The status reason of a visit a series suspension holds (cancelled, still attached to its
/// series): resume brings exactly these back.
const char* k_held_reason = "series suspended";

std::optional<int64_t> opt_int(const Column& c) {
    if (c.isNull()) return std::nullopt;
    return c.getInt64();
}

Appointment read_row(Statement& q) {
    Appointment a;
    a.id = q.getColumn(0).getInt64();
    a.customer_id = q.getColumn(1).getInt64();
    a.customer_name = q.getColumn(2).getString();
    a.pool_id = q.getColumn(3).getInt64();
    a.pool_name = q.getColumn(4).getString();
    a.street = q.getColumn(5).getString();
    a.city = q.getColumn(6).getString();
    a.worker_id = opt_int(q.getColumn(7));
    a.worker_name = q.getColumn(8).getString();
    a.date = q.getColumn(9).getString();
    a.window_start = q.getColumn(10).getString();
    a.window_end = q.getColumn(11).getString();
    a.duration_min = q.getColumn(12).getInt();
    a.route_order = opt_int(q.getColumn(13));
    a.service_type = q.getColumn(14).getString();
    a.priority = q.getColumn(15).getString();
    a.status = q.getColumn(16).getString();
    a.status_reason = q.getColumn(17).getString();
    a.status_at = q.getColumn(18).getString();
    a.eta = q.getColumn(19).getString();
    a.tech_note = q.getColumn(20).getString();
    a.office_note = q.getColumn(21).getString();
    a.series_id = opt_int(q.getColumn(22));
    a.occurrence_date = q.getColumn(23).getString();
    a.detached = q.getColumn(24).getInt() != 0;
    a.rolled_count = q.getColumn(25).getInt();
    a.follow_up_of = opt_int(q.getColumn(26));
    a.created_at = q.getColumn(27).getString();
    a.updated_at = q.getColumn(28).getString();
    a.pinned = q.getColumn(29).getInt() != 0;
    a.load_milli = opt_int(q.getColumn(30));
    if (!q.getColumn(31).isNull() && !q.getColumn(32).isNull()) a.pool_at = {q.getColumn(31).getDouble(), q.getColumn(32).getDouble()};
    return a;
}

const char* k_series_select =
    "SELECT s.id, s.customer_id, c.name, s.pool_id, s.worker_id, w.name, s.rrule, s.dtstart, s.window_start, "
    "s.window_end, s.duration_min, s.service_type, s.priority, s.route_order, s.tech_note, s.office_note, s.status, "
    "s.suspended_from, s.suspended_until, s.ended_on, s.expanded_through, s.created_at, s.updated_at, s.on_closed "
    "FROM series s JOIN customer c ON c.id = s.customer_id LEFT JOIN worker w ON w.id = s.worker_id";

Series read_series(Statement& q) {
    Series s;
    s.id = q.getColumn(0).getInt64();
    s.customer_id = q.getColumn(1).getInt64();
    s.customer_name = q.getColumn(2).getString();
    s.pool_id = q.getColumn(3).getInt64();
    s.worker_id = opt_int(q.getColumn(4));
    s.worker_name = q.getColumn(5).getString();
    s.rrule = q.getColumn(6).getString();
    s.dtstart = q.getColumn(7).getString();
    s.window_start = q.getColumn(8).getString();
    s.window_end = q.getColumn(9).getString();
    s.duration_min = q.getColumn(10).getInt();
    s.service_type = q.getColumn(11).getString();
    s.priority = q.getColumn(12).getString();
    s.route_order = opt_int(q.getColumn(13));
    s.tech_note = q.getColumn(14).getString();
    s.office_note = q.getColumn(15).getString();
    s.status = q.getColumn(16).getString();
    s.suspended_from = q.getColumn(17).getString();
    s.suspended_until = q.getColumn(18).getString();
    s.ended_on = q.getColumn(19).getString();
    s.expanded_through = q.getColumn(20).getString();
    s.created_at = q.getColumn(21).getString();
    s.updated_at = q.getColumn(22).getString();
    s.on_closed = q.getColumn(23).getString();
    return s;
}

Json opt(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }
Json opt(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }

bool is_time(const std::string& t) {
    return t.size() == 5 && t[2] == ':' && std::isdigit(static_cast<unsigned char>(t[0])) &&
           std::isdigit(static_cast<unsigned char>(t[1])) && std::isdigit(static_cast<unsigned char>(t[3])) &&
           std::isdigit(static_cast<unsigned char>(t[4])) && std::stoi(t.substr(0, 2)) < 24 && std::stoi(t.substr(3)) < 60;
}

std::string normal_time(std::string t) {
    if (t.size() == 4 && t[1] == ':') t = "0" + t;  // 8:00 → 08:00
    return t;
}

/// Checks the parts of a plan that come from outside and fills in defaults.
VisitPlan checked(Context& ctx, VisitPlan plan) {
    const ServiceType& type = ctx.config.service_type(plan.service_type);
    if (!plan.duration_min) plan.duration_min = type.duration_min;
    if (*plan.duration_min < 1 || *plan.duration_min > 1440) fail(ErrorKind::BadInput, "--duration: must be 1 minute to 24 hours");
    check_priority(plan.priority);
    if (plan.route_order && *plan.route_order < 0) fail(ErrorKind::BadInput, "--order: must not be negative");
    Pool pool = get_pool(ctx.store, plan.pool_id);
    if (pool.customer_id != plan.customer_id)
        fail(ErrorKind::Conflict, "pool " + std::to_string(plan.pool_id) + " belongs to another customer");
    if (plan.worker_id) {
        Worker w = get_worker(ctx.store, *plan.worker_id);
        if (!w.active) fail(ErrorKind::Conflict, "worker " + w.name + " is inactive");
    }
    return plan;
}

void set_window_columns(Columns& cols, const std::optional<std::pair<std::string, std::string>>& w) {
    cols.emplace_back("window_start", w ? Value(w->first) : Value(nullptr));
    cols.emplace_back("window_end", w ? Value(w->second) : Value(nullptr));
}

Columns plan_columns(const VisitPlan& p) {
    Columns cols;
    cols.emplace_back("customer_id", p.customer_id);
    cols.emplace_back("pool_id", p.pool_id);
    cols.emplace_back("worker_id", p.worker_id ? Value(*p.worker_id) : Value(nullptr));
    set_window_columns(cols, p.window);
    cols.emplace_back("duration_min", int64_t{*p.duration_min});
    cols.emplace_back("route_order", p.route_order ? Value(*p.route_order) : Value(nullptr));
    cols.emplace_back("service_type", p.service_type);
    cols.emplace_back("priority", p.priority);
    cols.emplace_back("tech_note", p.tech_note.empty() ? Value(nullptr) : Value(p.tech_note));
    cols.emplace_back("office_note", p.office_note.empty() ? Value(nullptr) : Value(p.office_note));
    return cols;
}

/// Appends a status change to a visit's history (expand writes its first events together, in
/// materialise).
void record_event(Context& ctx, int64_t id, const std::string& from, const std::string& to, Instant at,
                  const std::string& reason, const std::string& eta) {
    auto& q = ctx.store.prepare("INSERT INTO appointment_event (appointment_id, from_status, to_status, at, recorded_at, "
                                "actor, reason, eta) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, id);
    if (from.empty()) q.bind(2);
    else q.bind(2, from);
    q.bind(3, to);
    q.bind(4, format_instant(at));
    q.bind(5, format_instant(ctx.now()));
    q.bind(6, ctx.actor);
    if (reason.empty()) q.bind(7);
    else q.bind(7, reason);
    if (eta.empty()) q.bind(8);
    else q.bind(8, eta);
    q.exec();
}

Date to_date(const std::string& s) { return parse_date(s, "stored date"); }

/// Inserts the occurrences of a series in [from, through], each with its first status event;
/// returns what it created.
std::vector<ExpandedOccurrence> materialise(Context& ctx, const Series& s, Date from, Date through, WalkCache& walks) {
    std::vector<ExpandedOccurrence> out;
    Date start = to_date(s.dtstart);
    if (from < start) from = start;
    if (!s.ended_on.empty()) through = std::min(through, add_days(to_date(s.ended_on), -1));
    if (through < from) return out;
    // The occurrences that have their row already (cancelled, moved, completed, or put back by a
    // resume) are left as they are: read once, so that the new ones go in together (one
    // statement per row was most of a PostgreSQL expand's time) and each takes the id it would
    // have taken alone.
    std::set<std::string> existing;
    {
        auto& q = ctx.store.prepare("SELECT occurrence_date FROM appointment WHERE series_id = ? AND occurrence_date >= ? "
                                    "AND occurrence_date <= ?");
        q.bind(1, s.id);
        q.bind(2, format_date(from));
        q.bind(3, format_date(through));
        while (q.executeStep()) existing.insert(q.getColumn(0).getString());
        q.reset();
    }
    std::string now = format_instant(ctx.now());
    std::optional<Date> sus_from, sus_until;
    if (s.status == "suspended" && !s.suspended_from.empty()) {
        sus_from = to_date(s.suspended_from);
        if (!s.suspended_until.empty()) sus_until = to_date(s.suspended_until);
    }
    NewRows visits("appointment", {"customer_id", "pool_id", "worker_id", "date", "window_start", "window_end", "duration_min",
                                   "route_order", "service_type", "priority", "tech_note", "office_note", "series_id",
                                   "occurrence_date", "created_at", "updated_at"});
    std::set<Date> placed_here;  // the days of the visits this call adds
    const WorkCalendar& cal = walks.calendar(ctx);
    const OnClosed rule = parse_on_closed(s.on_closed, "series " + std::to_string(s.id) + " on_closed");
    const Date today = ctx.today();
    const std::vector<Date>& dates = walks.dates(s, start, from, through);
    for (Date d : dates) {
        if (sus_from && d >= *sus_from && (!sus_until || d <= *sus_until)) continue;
        std::string ds = format_date(d);
        if (existing.count(ds)) continue;
        Date placed = d;
        if (!cal.is_open(d)) {
            // Due on a closed or non-working day: the series' rule places it (the occurrence date
            // stays the rule's, so a second expand finds its row), never onto a day the series
            // visits anyway nor one this series already has a visit on.
            auto p = place_occurrence(cal, dates, d, rule, today);
            if (!p) continue;
            if (placed_here.count(*p)) continue;
            auto& taken = ctx.store.prepare("SELECT 1 FROM appointment WHERE series_id = ? AND date = ? AND status != 'cancelled'");
            taken.bind(1, s.id);
            taken.bind(2, format_date(*p));
            bool clash = taken.executeStep();
            taken.reset();
            if (clash) continue;
            placed = *p;
        }
        placed_here.insert(placed);
        visits.value(s.customer_id).value(s.pool_id);
        if (s.worker_id) visits.value(*s.worker_id);
        else visits.null();
        visits.value(format_date(placed)).text_or_null(s.window_start).text_or_null(s.window_end).value(int64_t{s.duration_min});
        if (s.route_order) visits.value(*s.route_order);
        else visits.null();
        visits.value(s.service_type).value(s.priority).text_or_null(s.tech_note).text_or_null(s.office_note);
        visits.value(s.id).value(ds).value(now).value(now);
        out.push_back({s.id, format_date(placed), 0});
    }
    if (out.empty()) return out;
    std::vector<int64_t> ids = ctx.store.insert_rows(visits);
    NewRows events("appointment_event", {"appointment_id", "from_status", "to_status", "at", "recorded_at", "actor", "reason", "eta"});
    for (size_t i = 0; i < out.size(); ++i) {
        out[i].appointment_id = ids[i];
        events.value(ids[i]).null().value("scheduled").value(now).value(now).value(ctx.actor).null().null();
    }
    ctx.store.insert_rows(events);
    return out;
}

void set_expanded_through(Context& ctx, const Series& s, Date through, const std::vector<ExpandedOccurrence>& created) {
    Json before = row_json(ctx.store, "series", s.id);
    std::string through_text = format_date(through);
    if (before["expanded_through"] == through_text && created.empty()) return;  // nothing changes
    auto& q = ctx.store.prepare("UPDATE series SET expanded_through = ? WHERE id = ?");
    q.bind(1, through_text);
    q.bind(2, s.id);
    q.exec();
    // The row after is the row before with the one column this changed, and one audit entry per
    // series names every occurrence it created: written straight as text, since a year of a
    // company's visits is 200,000 of them.
    std::string after;
    JsonWriter w(after, -1);
    w.begin_object();
    for (const auto& [k, v] : before.get_ref<const Json::object_t&>()) {
        w.key(k);
        if (k == "expanded_through") w.value(through_text);
        else w.value(v);
    }
    if (!created.empty()) {
        w.key("created_occurrences").begin_array();
        for (const auto& c : created)
            w.begin_object().key("date").value(c.date).key("appointment_id").value(c.appointment_id).end_object();
        w.end_array();
    }
    w.end_object();
    w.finish();
    record_update_text(ctx, "series", s.id, to_json_text(before), after);
}

/// Materialises one series over [from, through], records the new expanded_through and its audit
/// entry; returns what it created.
std::vector<ExpandedOccurrence> expand_one(Context& ctx, const Series& s, Date from, Date through, Date expanded_through,
                                           WalkCache& walks) {
    auto created = materialise(ctx, s, from, through, walks);
    set_expanded_through(ctx, s, expanded_through, created);
    return created;
}

std::string shift_weekday(const std::string& code, int delta) {
    static const std::vector<std::string> days = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
    auto it = std::find(days.begin(), days.end(), code);
    if (it == days.end()) return "";
    int i = static_cast<int>(it - days.begin());
    return days[static_cast<size_t>(((i + delta) % 7 + 7) % 7)];
}

/// The rule that produces dates `delta` days later than `rrule` does, where that is simple to say.
std::optional<std::string> shifted_rule(const std::string& rrule, int delta) {
    if (delta == 0) return rrule;
    std::string out;
    std::string rest = rrule;
    size_t pos = 0;
    while (pos <= rest.size()) {
        size_t end = rest.find(';', pos);
        if (end == std::string::npos) end = rest.size();
        std::string part = rest.substr(pos, end - pos);
        pos = end + 1;
        if (part.rfind("BYDAY=", 0) == 0) {
            std::string days, list = part.substr(6);
            size_t p = 0;
            while (p <= list.size()) {
                size_t e = list.find(',', p);
                if (e == std::string::npos) e = list.size();
                std::string d = list.substr(p, e - p);
                p = e + 1;
                if (d.size() != 2 || std::abs(delta) >= 7) return std::nullopt;  // "1TU" cannot shift by days
                days += (days.empty() ? "" : ",") + shift_weekday(d, delta);
            }
            part = "BYDAY=" + days;
        } else if (part.rfind("BYMONTHDAY=", 0) == 0) {
            std::string days, list = part.substr(11);
            size_t p = 0;
            while (p <= list.size()) {
                size_t e = list.find(',', p);
                if (e == std::string::npos) e = list.size();
                int d = std::stoi(list.substr(p, e - p));
                p = e + 1;
                int n = d + delta;
                if (d < 1 || n < 1 || n > 28) return std::nullopt;
                days += (days.empty() ? "" : ",") + std::to_string(n);
            }
            part = "BYMONTHDAY=" + days;
        } else if (part.rfind("BYSETPOS=", 0) == 0 || part.rfind("BYYEARDAY=", 0) == 0 || part.rfind("BYWEEKNO=", 0) == 0) {
            return std::nullopt;
        }
        out += (out.empty() ? "" : ";") + part;
    }
    return out;
}

int days_between(Date a, Date b) { return static_cast<int>((date::sys_days{b} - date::sys_days{a}).count()); }

}  // namespace

std::pair<std::string, std::string> parse_window(const std::string& text, const std::string& what) {
    auto dash = text.find('-');
    std::string a = dash == std::string::npos ? "" : normal_time(text.substr(0, dash));
    std::string b = dash == std::string::npos ? "" : normal_time(text.substr(dash + 1));
    if (!is_time(a) || !is_time(b))
        fail(ErrorKind::BadInput, what + ": '" + text + "' is not a time window (HH:MM-HH:MM, e.g. 08:00-12:00)");
    if (!(a < b)) fail(ErrorKind::BadInput, what + ": '" + text + "' ends before it starts");
    return {a, b};
}

int parse_visit_minutes(const std::string& text, const std::string& what) {
    int total = 0, n = 0;
    bool digits = false, any_unit = false;
    for (char c : text) {
        if (c >= '0' && c <= '9') {
            n = n * 10 + (c - '0');
            digits = true;
            if (n > 100000) break;
        } else if ((c == 'h' || c == 'm') && digits) {
            total += c == 'h' ? n * 60 : n;
            n = 0;
            digits = false;
            any_unit = true;
        } else {
            fail(ErrorKind::BadInput, what + ": '" + text + "' is not a duration (45, 45m, 1h30m)");
        }
    }
    if (digits) {
        if (any_unit) fail(ErrorKind::BadInput, what + ": '" + text + "' is not a duration (45, 45m, 1h30m)");
        total += n;
    }
    if (text.empty() || total < 1 || total > 1440) fail(ErrorKind::BadInput, what + ": '" + text + "' must be 1 minute to 24 hours");
    return total;
}

void check_priority(const std::string& p, const std::string& what) {
    if (p != "normal" && p != "high" && p != "urgent")
        fail(ErrorKind::BadInput, what + ": '" + p + "' is not a priority (normal, high, urgent)");
}

int64_t add_appointment(Context& ctx, const VisitPlan& given, Date date) {
    VisitPlan plan = checked(ctx, given);
    Columns cols = plan_columns(plan);
    cols.emplace_back("date", format_date(date));
    int64_t id = insert_record(ctx, "appointment", cols);
    record_event(ctx, id, "", "scheduled", ctx.now(), "", "");
    // A visit booked with its technician is assigned from the start: the customer hears of it
    // as of one assigned later (occurrences of a series do not: they would mail every week).
    if (plan.worker_id) queue_appointment_notice(ctx, "assigned", id);
    apply_tag_rules(ctx, "appointment_created", plan.customer_id, "appointment " + std::to_string(id));
    return id;
}

SeriesCreated add_series(Context& ctx, const VisitPlan& given, const Recurrence& rule, Date start, Date through,
                         OnClosed on_closed) {
    VisitPlan plan = checked(ctx, given);
    Columns cols = plan_columns(plan);
    cols.erase(std::remove_if(cols.begin(), cols.end(), [](const auto& c) { return c.first == "office_note"; }), cols.end());
    cols.emplace_back("office_note", plan.office_note.empty() ? Value(nullptr) : Value(plan.office_note));
    cols.emplace_back("rrule", rule.rrule());
    cols.emplace_back("dtstart", format_date(start));
    cols.emplace_back("on_closed", on_closed_name(on_closed));
    int64_t id = insert_record(ctx, "series", cols);
    SeriesCreated out{id, {}};
    Series s = get_series(ctx.store, id);
    Date from = std::max(start, ctx.today());
    WalkCache walks;
    for (const auto& c : expand_one(ctx, s, from, through, std::max(through, add_days(from, -1)), walks))
        out.appointments.push_back(c.appointment_id);
    // Booked with its technician: one notice for the series, as a single booking gets one.
    if (plan.worker_id) notify_series_assigned(ctx, id, from);
    apply_tag_rules(ctx, "appointment_created", plan.customer_id, "series " + std::to_string(id));
    return out;
}

std::vector<Appointment> list_appointments(Store& store, const AppointmentFilter& f) {
    Statement q = appointments_statement(store, f);
    return read_appointments(q);
}

namespace {

/// A visit's place in the list as numbers, compared as a tuple: by day, technician (by name, case
/// folded as NOCASE folds it; the unassigned last), route order and window (those without last),
/// id. A total order, the same on both engines; numbers, so a year's 197,000 visits sort in
/// milliseconds rather than comparing their strings (and missing the cache) 3.5 million times.
struct ListKey {
    int64_t date, worker, route, window, id;
    size_t at;  ///< the visit's position as read
    bool operator<(const ListKey& o) const {
        return std::tie(date, worker, route, window, id) < std::tie(o.date, o.worker, o.route, o.window, o.id);
    }
};

/// The digits of a text of fixed width (YYYY-MM-DD, HH:MM; the schema's CHECKs hold them to it)
/// as a number, whose order is the text's.
int64_t digits(const std::string& s) {
    int64_t v = 0;
    for (char c : s)
        if (c >= '0' && c <= '9') v = v * 10 + (c - '0');
    return v;
}

std::vector<ListKey> list_keys(const std::vector<Appointment>& visits) {
    // Each technician's rank by name; two whose names differ only in case share one.
    std::unordered_map<int64_t, int64_t> rank;
    std::vector<std::pair<const std::string*, int64_t>> names;
    for (const auto& a : visits)
        if (a.worker_id && rank.emplace(*a.worker_id, 0).second) names.emplace_back(&a.worker_name, *a.worker_id);
    std::sort(names.begin(), names.end(), [](const auto& x, const auto& y) { return nocase_compare(*x.first, *y.first) < 0; });
    for (size_t i = 0, r = 0; i < names.size(); ++i) {
        if (i > 0 && nocase_compare(*names[i - 1].first, *names[i].first) != 0) ++r;
        rank[names[i].second] = static_cast<int64_t>(r);
    }
    constexpr int64_t last = std::numeric_limits<int64_t>::max();
    std::vector<ListKey> keys;
    keys.reserve(visits.size());
    for (size_t i = 0; i < visits.size(); ++i) {
        const Appointment& a = visits[i];
        keys.push_back({digits(a.date), a.worker_id ? rank[*a.worker_id] : last, a.route_order.value_or(last),
                        a.window_start.empty() ? last : digits(a.window_start), a.id, i});
    }
    return keys;
}

}  // namespace

std::vector<Appointment> read_appointments(Statement& q) {
    std::vector<Appointment> out;
    while (q.executeStep()) out.push_back(read_row(q));
    // Sorted here, not by the store: PostgreSQL's sort of a day's 1,000 visits on four keys was
    // a fifth of the board's server time (each key of a tie a comparison call). The keys are
    // sorted, then the visits put in place cycle by cycle, each moved about once (a visit is some
    // thirty strings).
    std::vector<ListKey> keys = list_keys(out);
    if (std::is_sorted(keys.begin(), keys.end())) return out;
    std::sort(keys.begin(), keys.end());
    std::vector<size_t> from(keys.size());  // from[k]: the visit that goes to position k
    for (size_t k = 0; k < keys.size(); ++k) from[k] = keys[k].at;
    for (size_t start = 0; start < from.size(); ++start) {
        if (from[start] == start) continue;
        Appointment held = std::move(out[start]);
        size_t k = start;
        while (from[k] != start) {
            size_t next = from[k];
            out[k] = std::move(out[next]);
            from[k] = k;
            k = next;
        }
        out[k] = std::move(held);
        from[k] = k;
    }
    return out;
}

Statement appointments_statement(Store& store, const AppointmentFilter& f) {
    std::string sql = std::string(k_select) + " WHERE 1";
    if (f.from) sql += " AND a.date >= :from";
    if (f.to) sql += " AND a.date <= :to";
    if (f.worker) sql += " AND a.worker_id = :worker";
    if (f.unassigned) sql += " AND a.worker_id IS NULL";
    if (f.status) sql += " AND a.status = :status";
    if (f.customer) sql += " AND a.customer_id = :customer";
    if (f.type) sql += " AND a.service_type = :type";
    if (f.priority) sql += " AND a.priority = :priority";
    if (f.series) sql += " AND a.series_id = :series";
    if (f.rolled) sql += " AND a.rolled_count > 0";
    // By day, technician (the unassigned last), route order, window: read_appointments sorts
    // (list_keys); the store sorts only for a limit, by the same keys.
    if (f.limit > 0) {
        sql += " ORDER BY a.date, w.name COLLATE NOCASE NULLS LAST, a.route_order NULLS LAST, a.window_start NULLS LAST, a.id";
        sql += " LIMIT " + std::to_string(f.limit);
    }
    Statement q(store, sql);
    if (f.from) q.bind(":from", format_date(*f.from));
    if (f.to) q.bind(":to", format_date(*f.to));
    if (f.worker) q.bind(":worker", *f.worker);
    if (f.status) q.bind(":status", *f.status);
    if (f.customer) q.bind(":customer", *f.customer);
    if (f.type) q.bind(":type", *f.type);
    if (f.priority) q.bind(":priority", *f.priority);
    if (f.series) q.bind(":series", *f.series);
    return q;
}

namespace {

/// The visit by its id: the store's cached statement, bound (a batch of reads prepares it once).
Statement& visit_by_id(Store& store, int64_t id) {
    auto& q = store.prepare(std::string(k_select) + " WHERE a.id = ?");
    q.bind(1, id);
    return q;
}

/// The visit visit_by_id reads, run already or not; NotFound when there is none.
Appointment read_visit(Statement& q, int64_t id) {
    if (!q.executeStep()) fail(ErrorKind::NotFound, "no appointment with id " + std::to_string(id));
    Appointment a = read_row(q);
    q.reset();
    return a;
}

}  // namespace

Appointment get_appointment(Store& store, int64_t id) { return read_visit(visit_by_id(store, id), id); }

Statement ticket_appointment_statement(Store& store, int64_t service_id) {
    Statement q(store, std::string(k_select) + " WHERE a.id = (SELECT appointment_id FROM service WHERE id = ?)");
    q.bind(1, service_id);
    return q;
}

void assign_appointments(Context& ctx, const std::vector<int64_t>& ids, std::optional<int64_t> worker,
                         std::optional<int64_t> order) {
    if (worker) {
        Worker w = get_worker(ctx.store, *worker);
        if (!w.active) fail(ErrorKind::Conflict, "worker " + w.name + " is inactive");
    }
    if (order && *order < 0) fail(ErrorKind::BadInput, "--order: must not be negative");
    std::set<int64_t> seen;
    for (int64_t id : ids) {
        if (!seen.insert(id).second) fail(ErrorKind::BadInput, "appointment " + std::to_string(id) + " is named twice");
        Appointment a = get_appointment(ctx.store, id);
        if (a.status != "scheduled" && a.status != "en_route" && a.status != "paused")
            fail(ErrorKind::Transition, "appointment " + std::to_string(id) + " is " + a.status + "; only open visits can be assigned");
        Columns cols;
        cols.emplace_back("worker_id", worker ? Value(*worker) : Value(nullptr));
        if (order) cols.emplace_back("route_order", *order + static_cast<int64_t>(seen.size()) - 1);
        bool worker_changed = a.worker_id != worker;
        if (worker_changed && a.series_id) cols.emplace_back("detached", int64_t{1});
        update_record(ctx, "appointment", id, cols);
        if (worker_changed) notify_visit_assigned(ctx, id);
    }
}

bool edit_appointment(Context& ctx, int64_t id, const AppointmentEdit& e) {
    Appointment a = get_appointment(ctx.store, id);
    if (a.status != "scheduled" && a.status != "en_route" && a.status != "paused")
        fail(ErrorKind::Transition, "appointment " + std::to_string(id) + " is " + a.status + "; only open visits can be edited");
    Columns cols;
    bool worker_changed = false;
    if (e.worker) {
        if (*e.worker) {
            Worker w = get_worker(ctx.store, **e.worker);
            if (!w.active) fail(ErrorKind::Conflict, "worker " + w.name + " is inactive");
        }
        worker_changed = a.worker_id != *e.worker;
        cols.emplace_back("worker_id", *e.worker ? Value(**e.worker) : Value(nullptr));
    }
    if (e.window) set_window_columns(cols, *e.window);
    if (e.duration_min) {
        if (*e.duration_min < 1 || *e.duration_min > 1440) fail(ErrorKind::BadInput, "--duration: must be 1 minute to 24 hours");
        cols.emplace_back("duration_min", int64_t{*e.duration_min});
    }
    if (e.service_type) {
        ctx.config.service_type(*e.service_type);
        cols.emplace_back("service_type", *e.service_type);
    }
    if (e.priority) {
        check_priority(*e.priority);
        cols.emplace_back("priority", *e.priority);
    }
    if (e.pool_id) {
        Pool pool = get_pool(ctx.store, *e.pool_id);
        if (pool.customer_id != a.customer_id)
            fail(ErrorKind::Conflict, "pool " + std::to_string(*e.pool_id) + " belongs to another customer");
        cols.emplace_back("pool_id", *e.pool_id);
    }
    if (e.route_order) {
        if (*e.route_order && **e.route_order < 0) fail(ErrorKind::BadInput, "--order: must not be negative");
        cols.emplace_back("route_order", *e.route_order ? Value(**e.route_order) : Value(nullptr));
    }
    if (e.pinned) cols.emplace_back("pinned", int64_t{*e.pinned ? 1 : 0});
    if (e.load_milli) {
        if (*e.load_milli && **e.load_milli < 0) fail(ErrorKind::BadInput, "--load: must not be negative");
        cols.emplace_back("load_milli", *e.load_milli ? Value(**e.load_milli) : Value(nullptr));
    }
    if (e.tech_note) cols.emplace_back("tech_note", e.tech_note->empty() ? Value(nullptr) : Value(*e.tech_note));
    if (e.office_note) cols.emplace_back("office_note", e.office_note->empty() ? Value(nullptr) : Value(*e.office_note));
    if (cols.empty())
        fail(ErrorKind::Usage, "nothing to change: give --worker, --unassign, --window, --no-window, --duration, --type, "
                               "--priority, --pool, --order, --pin, --unpin, --load, --note or --office-note");
    Columns along;
    if (a.series_id) along.emplace_back("detached", int64_t{1});
    if (!update_record(ctx, "appointment", id, cols, true, along)) return false;
    Appointment now = get_appointment(ctx.store, id);
    if (now.window_start != a.window_start || now.window_end != a.window_end)
        notify_visit_moved(ctx, id, a.date, a.window_start, a.window_end);
    if (worker_changed) notify_visit_assigned(ctx, id);
    follow_visit_notices(ctx, id);
    return true;
}

std::vector<int64_t> move_appointment(Context& ctx, int64_t id, Date to, bool future, bool force) {
    Appointment a = get_appointment(ctx.store, id);
    if (a.status != "scheduled" && a.status != "paused")
        fail(ErrorKind::Transition, "appointment " + std::to_string(id) + " is " + a.status + "; only scheduled or paused visits move");
    if (to < ctx.today()) fail(ErrorKind::BadInput, "--date: " + format_date(to) + " is in the past");
    check_open_day(ctx, work_calendar(ctx.store, ctx.config), to, force, "--date");
    std::vector<int64_t> moved;
    if (!future) {
        Columns cols{{"date", format_date(to)}};
        if (a.series_id) cols.emplace_back("detached", int64_t{1});
        update_record(ctx, "appointment", id, cols);
        notify_visit_moved(ctx, id, a.date, a.window_start, a.window_end);
        moved.push_back(id);
        return moved;
    }
    if (!a.series_id) fail(ErrorKind::Usage, "--future: appointment " + std::to_string(id) + " is not part of a series");
    int delta = days_between(to_date(a.date), to);
    Series s = get_series(ctx.store, *a.series_id);
    auto rule = shifted_rule(s.rrule, delta);
    if (!rule)
        fail(ErrorKind::BadInput, "--future: the rule " + s.rrule + " cannot move by " + std::to_string(delta) +
                                      " days; change it with: pom appt series edit " + std::to_string(s.id) + " --rule");
    Recurrence::parse(*rule, "shifted rule");
    // Shift in an order that never makes two rows meet on the same occurrence date.
    Statement q(ctx.store, std::string("SELECT id, detached, occurrence_date, date FROM appointment WHERE series_id = ? "
                                                    "AND date >= ? AND status IN ('scheduled', 'paused') ORDER BY occurrence_date ") +
                                            (delta > 0 ? "DESC" : "ASC"));
    q.bind(1, *a.series_id);
    q.bind(2, a.date);
    std::vector<std::tuple<int64_t, bool, std::string, std::string>> rows;
    while (q.executeStep())
        rows.emplace_back(q.getColumn(0).getInt64(), q.getColumn(1).getInt() != 0, q.getColumn(2).getString(), q.getColumn(3).getString());
    for (const auto& [rid, detached, occ, d] : rows) {
        Columns cols{{"date", format_date(add_days(to_date(d), delta))}};
        if (!detached) cols.emplace_back("occurrence_date", format_date(add_days(to_date(occ), delta)));
        Appointment before = get_appointment(ctx.store, rid);
        update_record(ctx, "appointment", rid, cols);
        notify_visit_moved(ctx, rid, before.date, before.window_start, before.window_end);
        moved.push_back(rid);
    }
    Columns scols{{"rrule", *rule}, {"dtstart", format_date(to)}};
    if (!s.expanded_through.empty()) {
        Date et = to_date(s.expanded_through);
        if (delta > 0) scols.emplace_back("expanded_through", format_date(add_days(et, delta)));
    }
    update_record(ctx, "series", s.id, scols);
    std::sort(moved.begin(), moved.end());
    return moved;
}

std::vector<std::string> allowed_transitions(const std::string& from) {
    static const std::map<std::string, std::vector<std::string>> k = {
        {"scheduled", {"en_route", "in_progress", "cancelled", "skipped"}},
        {"en_route", {"in_progress", "scheduled", "cancelled", "skipped"}},
        {"in_progress", {"completed", "paused"}},
        {"paused", {"in_progress", "completed", "cancelled"}},
        {"completed", {}},
        {"cancelled", {}},
        {"skipped", {}},
    };
    auto it = k.find(from);
    return it == k.end() ? std::vector<std::string>{} : it->second;
}

namespace {

/// What a status change reads of its visit besides the visit: its last status change, its row
/// (the audit's before) and the notices waiting for it.
struct StatusReads {
    Statement& last;  ///< a statement of the store's cache: a batch of changes prepares it once
    Statement row;
    Statement notices;
};

StatusReads status_reads(Store& store, int64_t id) {
    StatusReads r{store.prepare("SELECT max(at) FROM appointment_event WHERE appointment_id = ? AND to_status != 'scheduled'"),
                  row_statement(store, "appointment", id), waiting_notices_statement(store, id)};
    r.last.bind(1, id);
    return r;
}

void change_status(Context& ctx, const Appointment& a, const std::string& to, const StatusChange& change, StatusReads& reads);

}  // namespace

void change_status(Context& ctx, int64_t id, const std::string& to, const StatusChange& change) {
    // The visit, its last status change, its row and its waiting notices, read together (one
    // round trip on PostgreSQL).
    Statement& visit = visit_by_id(ctx.store, id);
    StatusReads reads = status_reads(ctx.store, id);
    ctx.store.run_together({&visit, &reads.last, &reads.row, &reads.notices});
    change_status(ctx, read_visit(visit, id), to, change, reads);
}

void change_status(Context& ctx, const Appointment& a, const std::string& to, const StatusChange& change) {
    StatusReads reads = status_reads(ctx.store, a.id);
    ctx.store.run_together({&reads.last, &reads.row, &reads.notices});
    change_status(ctx, a, to, change, reads);
}

namespace {

void change_status(Context& ctx, const Appointment& a, const std::string& to, const StatusChange& change, StatusReads& reads) {
    const int64_t id = a.id;
    auto allowed = allowed_transitions(a.status);
    if (std::find(allowed.begin(), allowed.end(), to) == allowed.end()) {
        std::string list;
        for (const auto& s : allowed) list += (list.empty() ? "" : ", ") + s;
        fail(ErrorKind::Transition, "appointment " + std::to_string(id) + " is " + a.status + "; it cannot go to " + to +
                                        (list.empty() ? " (it is closed)" : " (from " + a.status + ": " + list + ")"));
    }
    if ((to == "skipped" || to == "cancelled" || to == "paused") && change.reason.empty())
        fail(ErrorKind::Usage, "--reason is required to mark a visit " + to);
    Instant at = change.at.value_or(ctx.now());
    if (at > ctx.now()) fail(ErrorKind::BadInput, "--at: " + format_instant(at) + " is in the future");
    {
        Statement& last = reads.last;
        if (last.executeStep() && !last.getColumn(0).isNull()) {
            std::string prev = last.getColumn(0).getString();
            last.reset();
            if (format_instant(at) < prev)
                fail(ErrorKind::BadInput, "--at: " + format_instant(at) + " is before the visit's last status change (" + prev + ")");
        }
        last.reset();
    }
    Statement& row = reads.row;
    Columns cols{{"status", to}, {"status_at", format_instant(at)}};
    cols.emplace_back("status_reason", change.reason.empty() ? Value(nullptr) : Value(change.reason));
    std::string eta;
    // Without --eta, the drive from where the technician is, priced as routes are.
    auto drive = to == "en_route" && !change.eta ? drive_to_visit(ctx, a) : change.eta;
    if (to == "en_route" && drive) {
        eta = format_instant(at + *drive);
        cols.emplace_back("eta", eta);
    }
    if (a.series_id && !a.detached && (to == "cancelled" || to == "skipped")) cols.emplace_back("detached", int64_t{1});
    Json before = row_json(row);
    if (before.is_null()) fail(ErrorKind::NotFound, "no appointment with id " + std::to_string(id));
    update_row(ctx, "appointment", before, cols);
    record_event(ctx, id, a.status, to, at, change.reason, eta);
    follow_visit_notices(ctx, id, reads.notices);
    if (to == "en_route") {
        std::map<std::string, std::string> extra;
        if (!eta.empty()) {
            auto local = ctx.tz.to_local(parse_stored_instant(eta));
            extra["eta"] = ", arriving around " + date::format("%H:%M", local);
        }
        queue_appointment_notice(ctx, "on_my_way", id, extra);
    } else if (to == "skipped") {
        queue_appointment_notice(ctx, "skipped", id, {{"reason", change.reason}});
    }
}

}  // namespace

void complete_appointment(Context& ctx, int64_t id, const StatusChange& change) {
    if (ctx.config.billing.complete_requires_ticket) {
        auto& q = ctx.store.prepare("SELECT id, status FROM service WHERE appointment_id = ? ORDER BY id DESC");
        q.bind(1, id);
        std::optional<int64_t> open_id;
        bool submitted = false;
        while (q.executeStep()) {
            if (q.getColumn(1).getString() == "submitted") submitted = true;
            else if (!open_id) open_id = q.getColumn(0).getInt64();
        }
        q.reset();
        if (!submitted)
            fail(ErrorKind::Conflict, "appointment " + std::to_string(id) + " has no submitted service ticket and [billing] " +
                                          "complete_requires_ticket is on: " +
                                          (open_id ? "submit service " + std::to_string(*open_id) + " (pom service submit " +
                                                      std::to_string(*open_id) + "), which completes the visit"
                                                : "write its ticket (pom service start " + std::to_string(id) +
                                                      ") and submit it, which completes the visit"));
    }
    change_status(ctx, id, "completed", change);
    bill_completed_visit(ctx, id);
}

std::optional<int64_t> pause_appointment(Context& ctx, int64_t id, const StatusChange& change, std::optional<Date> follow_up) {
    change_status(ctx, id, "paused", change);
    if (!follow_up) return std::nullopt;
    if (*follow_up < ctx.today()) fail(ErrorKind::BadInput, "--follow-up-date: " + format_date(*follow_up) + " is in the past");
    Appointment a = get_appointment(ctx.store, id);
    VisitPlan plan;
    plan.customer_id = a.customer_id;
    plan.pool_id = a.pool_id;
    plan.service_type = a.service_type;
    plan.duration_min = a.duration_min;
    plan.priority = a.priority;
    plan.tech_note = a.tech_note;
    plan.office_note = "follow-up of appointment " + std::to_string(id) + ": " + change.reason;
    int64_t fid = add_appointment(ctx, plan, *follow_up);
    update_record(ctx, "appointment", fid, {{"follow_up_of", id}});
    return fid;
}

std::vector<int64_t> cancel_appointment(Context& ctx, int64_t id, const std::string& reason, bool series) {
    if (reason.empty()) fail(ErrorKind::Usage, "--reason is required to cancel");
    Appointment a = get_appointment(ctx.store, id);
    std::vector<int64_t> out;
    if (!series) {
        change_status(ctx, id, "cancelled", {std::nullopt, reason, std::nullopt});
        out.push_back(id);
        return out;
    }
    if (!a.series_id) fail(ErrorKind::Usage, "--series: appointment " + std::to_string(id) + " is not part of a series");
    Series s = get_series(ctx.store, *a.series_id);
    if (s.status == "ended") fail(ErrorKind::Transition, "series " + std::to_string(s.id) + " has already ended");
    Statement q(ctx.store,
                        "SELECT id FROM appointment WHERE series_id = ? AND date >= ? AND status IN ('scheduled', 'en_route', 'paused') "
                        "ORDER BY date, id");
    q.bind(1, s.id);
    q.bind(2, a.date);
    std::vector<int64_t> ids;
    while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
    for (int64_t cid : ids) {
        change_status(ctx, cid, "cancelled", {std::nullopt, reason, std::nullopt});
        out.push_back(cid);
    }
    Date end = std::min(to_date(a.date), to_date(a.occurrence_date));
    update_record(ctx, "series", s.id, {{"status", "ended"}, {"ended_on", format_date(end)}});
    return out;
}

const std::vector<Date>& WalkCache::dates(const Series& s, Date start, Date from, Date through) {
    auto key = std::make_tuple(s.rrule, start, from, through);
    if (auto it = m_walks.find(key); it != m_walks.end()) return it->second;
    auto rule = m_rules.find(s.rrule);
    if (rule == m_rules.end())
        rule = m_rules.emplace(s.rrule, Recurrence::stored(s.rrule, "series " + std::to_string(s.id) + " rule")).first;
    return m_walks.emplace(key, rule->second.dates(start, from, through)).first->second;
}

const WorkCalendar& WalkCache::calendar(Context& ctx) {
    if (!m_calendar) m_calendar = work_calendar(ctx.store, ctx.config);
    return *m_calendar;
}

std::vector<ExpandedOccurrence> expand_series(Context& ctx, Date through, std::optional<int64_t> only, WalkCache* shared) {
    std::string sql = std::string(k_series_select) + " WHERE s.status != 'ended' AND (s.expanded_through IS NULL OR s.expanded_through < :through)";
    // Cron expands one series at a time (appt expand: a transaction per group of series), so the
    // statement is prepared once and kept.
    sql += only ? " AND s.id = :only" : " ORDER BY s.id";
    std::vector<Series> all;
    {
        auto& q = ctx.store.prepare(sql);
        q.bind(":through", format_date(through));
        if (only) q.bind(":only", *only);
        while (q.executeStep()) all.push_back(read_series(q));
        q.reset();
    }
    std::vector<ExpandedOccurrence> out;
    Date today = ctx.today();
    WalkCache own;
    WalkCache& walks = shared ? *shared : own;
    for (const auto& s : all) {
        Date from = s.expanded_through.empty() ? to_date(s.dtstart) : add_days(to_date(s.expanded_through), 1);
        if (from < today) from = today;  // never back-fill visits into the past
        auto created = expand_one(ctx, s, from, through, through, walks);
        out.insert(out.end(), std::make_move_iterator(created.begin()), std::make_move_iterator(created.end()));
    }
    return out;
}

std::vector<int64_t> series_due(Context& ctx, Date through) {
    Statement q(ctx.store, "SELECT id FROM series WHERE status != 'ended' AND (expanded_through IS NULL OR "
                                        "expanded_through < ?) ORDER BY id");
    q.bind(1, format_date(through));
    std::vector<int64_t> ids;
    while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
    return ids;
}

Date next_working_day(const Config& config, Date d) {
    for (int i = 0; i < 7; ++i) {
        Date c = add_days(d, i);
        if (config.is_working_day(static_cast<int>(date::weekday{date::sys_days{c}}.c_encoding()))) return c;
    }
    return d;
}

std::vector<RolledVisit> rollover(Context& ctx, std::optional<Date> from) {
    Date today = ctx.today();
    WorkCalendar cal = work_calendar(ctx.store, ctx.config);
    Date target = cal.is_open(today) ? today : cal.next_open(today).value_or(next_working_day(ctx.config, today));
    std::string sql = "SELECT a.id, c.name, a.date, a.status, a.series_id, a.rolled_count, a.pool_id, a.service_type, "
                      "a.priority, coalesce(a.window_start, ''), coalesce(a.window_end, '') FROM appointment a "
                      "JOIN customer c ON c.id = a.customer_id WHERE a.status IN ('scheduled', 'en_route') AND a.date < :today";
    if (from) sql += " AND a.date >= :from";
    sql += " ORDER BY a.date, a.id";
    Statement q(ctx.store, sql);
    q.bind(":today", format_date(today));
    if (from) q.bind(":from", format_date(*from));
    std::vector<RolledVisit> out;
    struct Row {
        int64_t id;
        std::string name, date, status;
        bool series;
        int rolled;
        int64_t pool;
        std::string type, priority, window_start, window_end;
    };
    std::vector<Row> rows;
    while (q.executeStep())
        rows.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                        q.getColumn(3).getString(), !q.getColumn(4).isNull(), q.getColumn(5).getInt(),
                        q.getColumn(6).getInt64(), q.getColumn(7).getString(), q.getColumn(8).getString(),
                        q.getColumn(9).getString(), q.getColumn(10).getString()});
    const auto rank = [](const std::string& p) { return p == "urgent" ? 2 : p == "high" ? 1 : 0; };
    for (const auto& r : rows) {
        // The same pool and service type already on the target day (its series' next visit, or
        // an earlier missed one rolled there a moment ago): one stop, not two.
        Statement same(ctx.store, "SELECT id, rolled_count, priority FROM appointment WHERE pool_id = ? AND service_type = ? "
                                  "AND date = ? AND status IN ('scheduled', 'en_route', 'paused') AND id <> ? ORDER BY id LIMIT 1");
        same.bind(1, r.pool);
        same.bind(2, r.type);
        same.bind(3, format_date(target));
        same.bind(4, r.id);
        if (same.executeStep()) {
            int64_t keep = same.getColumn(0).getInt64();
            int kept_rolled = same.getColumn(1).getInt();
            std::string kept_priority = same.getColumn(2).getString();
            Columns kc{{"rolled_count", int64_t{std::max(kept_rolled, r.rolled + 1)}}};
            if (rank(r.priority) > rank(kept_priority)) kc.emplace_back("priority", r.priority);
            update_record(ctx, "appointment", keep, kc);
            std::string reason = "rolled over: merged into appointment " + std::to_string(keep) + " on " + format_date(target);
            Columns cc{{"status", "cancelled"}, {"status_reason", reason}, {"status_at", format_instant(ctx.now())},
                       {"eta", nullptr}};
            if (r.series) cc.emplace_back("detached", int64_t{1});
            update_record(ctx, "appointment", r.id, cc);
            record_event(ctx, r.id, r.status, "cancelled", ctx.now(), reason, "");
            follow_visit_notices(ctx, r.id);
            RolledVisit v{r.id, r.name, r.date, format_date(target), r.rolled + 1, keep};
            out.push_back(v);
            continue;
        }
        Columns cols{{"date", format_date(target)}, {"rolled_count", int64_t{r.rolled + 1}}};
        if (r.series) cols.emplace_back("detached", int64_t{1});
        if (r.status == "en_route") {
            cols.emplace_back("status", "scheduled");
            cols.emplace_back("eta", nullptr);
        }
        update_record(ctx, "appointment", r.id, cols);
        if (r.status == "en_route") record_event(ctx, r.id, "en_route", "scheduled", ctx.now(), "rolled over", "");
        // A customer who was told of the missed day hears of the new one, as after `appt move`.
        notify_visit_moved(ctx, r.id, r.date, r.window_start, r.window_end);
        out.push_back({r.id, r.name, r.date, format_date(target), r.rolled + 1, std::nullopt});
    }
    return out;
}

int current_days_out(Store& store, const Config& config) {
    auto& q = store.prepare("SELECT value FROM days_out ORDER BY id DESC LIMIT 1");
    if (q.executeStep()) {
        int v = q.getColumn(0).getInt();
        q.reset();
        return v;
    }
    return config.days_out;
}

void set_days_out(Context& ctx, int value) {
    if (value < 0 || value > 365) fail(ErrorKind::BadInput, "days-out: must be 0 to 365");
    Columns cols{{"value", int64_t{value}}, {"set_at", format_instant(ctx.now())}, {"set_by", ctx.actor}};
    insert_record(ctx, "days_out", cols, false);
}

std::vector<DaysOutEntry> days_out_history(Store& store) {
    Statement q(store, "SELECT value, set_at, set_by FROM days_out ORDER BY id");
    std::vector<DaysOutEntry> out;
    while (q.executeStep()) out.push_back({q.getColumn(0).getInt(), q.getColumn(1).getString(), q.getColumn(2).getString()});
    return out;
}

Series get_series(Store& store, int64_t id) {
    auto& q = store.prepare(std::string(k_series_select) + " WHERE s.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(ErrorKind::NotFound, "no series with id " + std::to_string(id));
    Series s = read_series(q);
    q.reset();
    return s;
}

std::vector<Series> list_series(Store& store, std::optional<int64_t> customer, bool include_ended) {
    std::string sql = std::string(k_series_select) + " WHERE 1";
    if (customer) sql += " AND s.customer_id = :c";
    if (!include_ended) sql += " AND s.status != 'ended'";
    sql += " ORDER BY s.id";
    Statement q(store, sql);
    if (customer) q.bind(":c", *customer);
    std::vector<Series> out;
    while (q.executeStep()) out.push_back(read_series(q));
    return out;
}

std::vector<int64_t> edit_series(Context& ctx, int64_t id, const SeriesEdit& e) {
    Series s = get_series(ctx.store, id);
    if (s.status == "ended") fail(ErrorKind::Transition, "series " + std::to_string(id) + " has ended");
    Date from = e.from.value_or(ctx.today());
    if (from < ctx.today()) fail(ErrorKind::BadInput, "--from: past visits never change");
    Columns scols, acols;
    if (e.worker) {
        if (*e.worker) {
            Worker w = get_worker(ctx.store, **e.worker);
            if (!w.active) fail(ErrorKind::Conflict, "worker " + w.name + " is inactive");
        }
        Value v = *e.worker ? Value(**e.worker) : Value(nullptr);
        scols.emplace_back("worker_id", v);
        acols.emplace_back("worker_id", v);
    }
    if (e.window) {
        set_window_columns(scols, *e.window);
        set_window_columns(acols, *e.window);
    }
    if (e.service_type) {
        ctx.config.service_type(*e.service_type);
        scols.emplace_back("service_type", *e.service_type);
        acols.emplace_back("service_type", *e.service_type);
    }
    if (e.duration_min) {
        scols.emplace_back("duration_min", int64_t{*e.duration_min});
        acols.emplace_back("duration_min", int64_t{*e.duration_min});
    }
    if (e.priority) {
        check_priority(*e.priority);
        scols.emplace_back("priority", *e.priority);
        acols.emplace_back("priority", *e.priority);
    }
    if (e.tech_note) {
        Value v = e.tech_note->empty() ? Value(nullptr) : Value(*e.tech_note);
        scols.emplace_back("tech_note", v);
        acols.emplace_back("tech_note", v);
    }
    if (e.on_closed) scols.emplace_back("on_closed", on_closed_name(*e.on_closed));
    std::vector<int64_t> touched;
    // The visits a suspension holds follow too, so that they come back as the series now is.
    Statement q(ctx.store, "SELECT id FROM appointment WHERE series_id = ? AND date >= ? AND detached = 0 "
                                        "AND (status = 'scheduled' OR (status = 'cancelled' AND status_reason = ?)) ORDER BY date, id");
    q.bind(1, id);
    q.bind(2, format_date(from));
    q.bind(3, k_held_reason);
    std::vector<int64_t> ids;
    while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
    if (e.rule) {
        // A new rule: the unchanged future occurrences are replaced by the new rule's.
        for (int64_t aid : ids) {
            release_visit_notices(ctx, aid, "visit deleted: its series' rule changed");
            Json before = row_json(ctx.store, "appointment", aid);
            auto& del = ctx.store.prepare("DELETE FROM appointment_event WHERE appointment_id = ?");
            del.bind(1, aid);
            del.exec();
            auto& d = ctx.store.prepare("DELETE FROM appointment WHERE id = ?");
            d.bind(1, aid);
            d.exec();
            record_change(ctx, "appointment", aid, before, nullptr);
            touched.push_back(aid);
        }
        scols.emplace_back("rrule", e.rule->rrule());
        scols.emplace_back("dtstart", format_date(from));
        Date horizon = s.expanded_through.empty() ? add_days(from, -1) : to_date(s.expanded_through);
        scols.emplace_back("expanded_through", format_date(add_days(from, -1)));
        update_record(ctx, "series", id, scols);
        for (const auto& c : expand_series(ctx, std::max(horizon, add_days(from, -1)), id)) touched.push_back(c.appointment_id);
        if (e.notify && e.worker && *e.worker && s.worker_id != *e.worker) notify_series_assigned(ctx, id, from);
        return touched;
    }
    if (scols.empty())
        fail(ErrorKind::Usage, "nothing to change: give --worker, --unassign, --window, --rule, --type, --duration, --priority, --note or --on-closed");
    update_record(ctx, "series", id, scols);
    if (acols.empty()) return touched;  // a rule for closed days: for visits expanded from now on
    for (int64_t aid : ids)
        if (update_record(ctx, "appointment", aid, acols)) {
            touched.push_back(aid);
            follow_visit_notices(ctx, aid);
        }
    // A series given a technician tells the customer once, as booking it with one does.
    if (e.notify && e.worker && *e.worker && s.worker_id != *e.worker) notify_series_assigned(ctx, id, from);
    return touched;
}

std::vector<int64_t> suspend_series(Context& ctx, int64_t id, Date from, std::optional<Date> until) {
    Series s = get_series(ctx.store, id);
    if (s.status == "ended") fail(ErrorKind::Transition, "series " + std::to_string(id) + " has ended");
    if (suspension_in_force(s, ctx.today()))
        fail(ErrorKind::Transition, "series " + std::to_string(id) + " is already suspended; resume it first");
    if (from < ctx.today()) fail(ErrorKind::BadInput, "--from: " + format_date(from) + " is in the past");
    if (until && *until < from) fail(ErrorKind::BadInput, "--until: ends before --from");
    std::string sql = "SELECT id FROM appointment WHERE series_id = ? AND date >= ? AND detached = 0 AND status = 'scheduled'";
    if (until) sql += " AND date <= ?";
    Statement q(ctx.store, sql + " ORDER BY date, id");
    q.bind(1, id);
    q.bind(2, format_date(from));
    if (until) q.bind(3, format_date(*until));
    std::vector<int64_t> ids;
    while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
    // Held, not deleted: cancelled with the suspension's own reason and left attached to the
    // series, so that resume brings back the same rows (ids, notes, technician) rather than new ones.
    std::string now = format_instant(ctx.now());
    for (int64_t aid : ids) {
        update_record(ctx, "appointment", aid,
                      {{"status", "cancelled"}, {"status_reason", k_held_reason}, {"status_at", now}, {"eta", nullptr}});
        record_event(ctx, aid, "scheduled", "cancelled", ctx.now(), k_held_reason, "");
        follow_visit_notices(ctx, aid);  // what waits for it is withdrawn: the visit is held
    }
    update_record(ctx, "series", id,
                  {{"status", "suspended"}, {"suspended_from", format_date(from)},
                   {"suspended_until", until ? Value(format_date(*until)) : Value(nullptr)}});
    return ids;
}

std::vector<ExpandedOccurrence> resume_series(Context& ctx, int64_t id) {
    Series s = get_series(ctx.store, id);
    if (s.status != "suspended") fail(ErrorKind::Transition, "series " + std::to_string(id) + " is " + s.status + ", not suspended");
    Date horizon = s.expanded_through.empty() ? ctx.today() : to_date(s.expanded_through);
    Date refill = add_days(std::max(to_date(s.suspended_from), ctx.today()), -1);
    // The visits the suspension held come back as they were; expand then fills only the dates
    // that never had one.
    Statement held(ctx.store, "SELECT id FROM appointment WHERE series_id = ? AND status = 'cancelled' AND detached = 0 "
                              "AND status_reason = ? AND date >= ? ORDER BY date, id");
    held.bind(1, id);
    held.bind(2, k_held_reason);
    held.bind(3, format_date(ctx.today()));
    std::vector<int64_t> back;
    while (held.executeStep()) back.push_back(held.getColumn(0).getInt64());
    std::vector<ExpandedOccurrence> out;
    for (int64_t aid : back) {
        update_record(ctx, "appointment", aid, {{"status", "scheduled"}, {"status_reason", nullptr}, {"status_at", format_instant(ctx.now())}});
        record_event(ctx, aid, "cancelled", "scheduled", ctx.now(), "series resumed", "");
        out.push_back({id, get_appointment(ctx.store, aid).date, aid});
    }
    update_record(ctx, "series", id,
                  {{"status", "active"}, {"suspended_from", nullptr}, {"suspended_until", nullptr},
                   {"expanded_through", format_date(std::min(refill, horizon))}});
    for (auto& c : expand_series(ctx, horizon, id)) out.push_back(std::move(c));
    return out;
}

const std::vector<std::string>& appointment_fields() {
    static const std::vector<std::string> f{
        "id",          "date",         "window",       "window_start",  "window_end", "duration_min", "customer_id",
        "customer",    "pool_id",      "pool",         "street",        "city",       "worker_id",    "worker",
        "route_order", "service_type", "priority",     "status",        "status_reason", "status_at", "eta",
        "tech_note",   "office_note",  "series_id",    "occurrence_date", "rolled_count", "follow_up_of", "created_at",
        "updated_at",  "pinned",       "load"};
    return f;
}

template <class W>
void write_appointment(W& w, const Appointment& a) {
    auto text_or_null = [&](std::string_view key, std::string_view v) __attribute__((always_inline)) { text_or_null_field(w, key, v); };
    auto int_or_null = [&](std::string_view key, const std::optional<int64_t>& v) __attribute__((always_inline)) { int_or_null_field(w, key, v); };
    w.begin_object();
    w.key("id").value(a.id);
    w.key("date").value(a.date);
    if (a.window_start.empty()) w.key("window").value(nullptr);
    else w.key("window").value(a.window_start + "-" + a.window_end);
    text_or_null("window_start", a.window_start);
    text_or_null("window_end", a.window_end);
    w.key("duration_min").value(int64_t{a.duration_min});
    w.key("customer_id").value(a.customer_id);
    w.key("customer").value(a.customer_name);
    w.key("pool_id").value(a.pool_id);
    w.key("pool").value(a.pool_name);
    text_or_null("street", a.street);
    text_or_null("city", a.city);
    int_or_null("worker_id", a.worker_id);
    text_or_null("worker", a.worker_name);
    int_or_null("route_order", a.route_order);
    w.key("service_type").value(a.service_type);
    w.key("priority").value(a.priority);
    w.key("status").value(a.status);
    text_or_null("status_reason", a.status_reason);
    text_or_null("status_at", a.status_at);
    text_or_null("eta", a.eta);
    text_or_null("tech_note", a.tech_note);
    text_or_null("office_note", a.office_note);
    int_or_null("series_id", a.series_id);
    text_or_null("occurrence_date", a.occurrence_date);
    w.key("rolled_count").value(int64_t{a.rolled_count});
    int_or_null("follow_up_of", a.follow_up_of);
    w.key("created_at").value(a.created_at);
    w.key("updated_at").value(a.updated_at);
    w.key("pinned").value(a.pinned);
    if (a.load_milli) w.key("load").value(format_milli(*a.load_milli));
    else w.key("load").value(nullptr);
    w.end_object();
}
template void write_appointment(JsonWriter&, const Appointment&);

Json appointment_json(const Appointment& a) {
    JsonBuilder b;
    write_appointment(b, a);
    return b.take();
}

const std::vector<std::string>& series_fields() {
    static const std::vector<std::string> f{"id",       "customer_id", "customer",        "pool_id",     "worker_id",
                                            "worker",   "rrule",       "dtstart",         "window",      "duration_min",
                                            "service_type", "priority", "route_order",    "tech_note",   "office_note",
                                            "status",   "suspended_from", "suspended_until", "ended_on", "expanded_through",
                                            "created_at", "updated_at", "status_text", "on_closed"};
    return f;
}

bool suspension_in_force(const Series& s, Date today) {
    return s.status == "suspended" && (s.suspended_until.empty() || !(to_date(s.suspended_until) < today));
}

Json series_json(const Series& s, Date today) {
    std::string status = s.status == "suspended" && !suspension_in_force(s, today) ? "active" : s.status;
    std::string text = status;
    if (status == "suspended")
        text = "suspended from " + s.suspended_from + (s.suspended_until.empty() ? "" : " until " + s.suspended_until);
    else if (status == "ended" && !s.ended_on.empty())
        text = "ended on " + s.ended_on;
    return object({
        {"id", s.id},
        {"customer_id", s.customer_id},
        {"customer", s.customer_name},
        {"pool_id", s.pool_id},
        {"worker_id", opt(s.worker_id)},
        {"worker", opt(s.worker_name)},
        {"rrule", s.rrule},
        {"dtstart", s.dtstart},
        {"window", s.window_start.empty() ? Json(nullptr) : Json(s.window_start + "-" + s.window_end)},
        {"duration_min", s.duration_min},
        {"service_type", s.service_type},
        {"priority", s.priority},
        {"route_order", opt(s.route_order)},
        {"tech_note", opt(s.tech_note)},
        {"office_note", opt(s.office_note)},
        {"status", status},
        {"status_text", text},
        {"suspended_from", opt(s.suspended_from)},
        {"suspended_until", opt(s.suspended_until)},
        {"ended_on", opt(s.ended_on)},
        {"expanded_through", opt(s.expanded_through)},
        {"created_at", s.created_at},
        {"updated_at", s.updated_at},
        {"on_closed", s.on_closed},
    });
}

Json appointment_events_json(Store& store, int64_t id) {
    Json events = Json::array();
    Statement q(store, "SELECT from_status, to_status, at, recorded_at, actor, reason, eta "
                                        "FROM appointment_event WHERE appointment_id = ? ORDER BY id");
    q.bind(1, id);
    while (q.executeStep())
        events.push_back({{"from", q.getColumn(0).isNull() ? Json(nullptr) : Json(q.getColumn(0).getString())},
                          {"to", q.getColumn(1).getString()},
                          {"at", q.getColumn(2).getString()},
                          {"recorded_at", q.getColumn(3).getString()},
                          {"by", q.getColumn(4).getString()},
                          {"reason", q.getColumn(5).isNull() ? Json(nullptr) : Json(q.getColumn(5).getString())}});
    return events;
}

Json recent_visits_json(Store& store, const Appointment& a) {
    Json last = Json::array();
    Statement l(store,
                        "SELECT a.id, a.date, a.service_type, a.status, w.name FROM appointment a LEFT JOIN worker w "
                        "ON w.id = a.worker_id WHERE a.pool_id = ? AND a.id != ? AND a.date <= ? AND a.status IN "
                        "('completed', 'skipped', 'paused') ORDER BY a.date DESC, a.id DESC LIMIT 5");
    l.bind(1, a.pool_id);
    l.bind(2, a.id);
    l.bind(3, a.date);
    while (l.executeStep())
        last.push_back({{"id", l.getColumn(0).getInt64()},
                        {"date", l.getColumn(1).getString()},
                        {"service_type", l.getColumn(2).getString()},
                        {"status", l.getColumn(3).getString()},
                        {"worker", l.getColumn(4).isNull() ? Json(nullptr) : Json(l.getColumn(4).getString())}});
    return last;
}

}  // namespace pom
