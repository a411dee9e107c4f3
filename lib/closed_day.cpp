#include "closed_day.h"

#include "audit.h"
#include "error.h"
#include "record.h"

#include <algorithm>
#include <set>

namespace pom {

namespace {

const char* k_weekday[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

int weekday_of(Date d) { return static_cast<int>(date::weekday{date::sys_days{d}}.c_encoding()); }

Json opt_text(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

std::string said_reason(const std::string& reason) { return reason.empty() ? "" : " (" + reason + ")"; }

}  // namespace

OnClosed parse_on_closed(const std::string& text, const std::string& what) {
    if (text == "before") return OnClosed::before;
    if (text == "after") return OnClosed::after;
    if (text == "skip") return OnClosed::skip;
    fail(ErrorKind::BadInput, what + ": '" + text + "' is not before, after or skip");
}

std::string on_closed_name(OnClosed rule) {
    switch (rule) {
        case OnClosed::before: return "before";
        case OnClosed::skip: return "skip";
        case OnClosed::after: break;
    }
    return "after";
}

WorkCalendar::WorkCalendar(std::vector<int> working_days, std::map<std::string, std::string> closed)
    : m_working(std::move(working_days)), m_closed(std::move(closed)) {}

bool WorkCalendar::is_closed(Date d) const { return m_closed.count(format_date(d)) > 0; }

bool WorkCalendar::is_open(Date d) const {
    return std::find(m_working.begin(), m_working.end(), weekday_of(d)) != m_working.end() && !is_closed(d);
}

std::string WorkCalendar::why_not_open(Date d) const {
    if (auto it = m_closed.find(format_date(d)); it != m_closed.end()) return "closed" + said_reason(it->second);
    if (!is_open(d)) return std::string("not a working day (") + k_weekday[weekday_of(d)] + ")";
    return "";
}

std::optional<Date> WorkCalendar::next_open(Date d, int step) const {
    for (int i = 1; i <= 366; ++i) {
        Date c = add_days(d, i * step);
        if (is_open(c)) return c;
    }
    return std::nullopt;
}

std::optional<Date> WorkCalendar::place(Date d, OnClosed rule, Date not_before) const {
    if (is_open(d)) return d;
    if (rule == OnClosed::skip) return std::nullopt;
    if (rule == OnClosed::before) {
        auto b = next_open(d, -1);
        if (b && !(*b < not_before)) return b;
    }
    return next_open(d, 1);
}

std::optional<Date> place_occurrence(const WorkCalendar& cal, const std::vector<Date>& dates, Date d, OnClosed rule, Date not_before) {
    auto p = cal.place(d, rule, not_before);
    if (p && *p != d && std::binary_search(dates.begin(), dates.end(), *p)) return std::nullopt;
    return p;
}

WorkCalendar work_calendar(Store& store, const Config& config) {
    std::map<std::string, std::string> closed;
    for (const auto& c : config.closed_days) closed[c.date] = c.reason;
    Statement q(store, "SELECT date, reason FROM closed_day");
    while (q.executeStep()) closed.emplace(q.getColumn(0).getString(), q.getColumn(1).getString());
    return WorkCalendar(config.working_days, std::move(closed));
}

std::vector<ClosedDay> list_closed_days(Store& store, const Config& config, std::optional<Date> from, std::optional<Date> to) {
    std::vector<ClosedDay> out;
    const auto within = [&](const std::string& d) {
        return (!from || format_date(*from) <= d) && (!to || d <= format_date(*to));
    };
    std::set<std::string> in_config;
    for (const auto& c : config.closed_days) {
        in_config.insert(c.date);
        if (within(c.date)) out.push_back({c.date, c.reason, "config", "", ""});
    }
    Statement q(store, "SELECT date, reason, created_at, actor FROM closed_day ORDER BY date");
    while (q.executeStep()) {
        std::string d = q.getColumn(0).getString();
        if (within(d) && !in_config.count(d))
            out.push_back({d, q.getColumn(1).getString(), "database", q.getColumn(2).getString(), q.getColumn(3).getString()});
    }
    std::stable_sort(out.begin(), out.end(), [](const ClosedDay& a, const ClosedDay& b) { return a.date < b.date; });
    return out;
}

void check_open_day(Context&, const WorkCalendar& cal, Date d, bool force, const std::string& what) {
    if (force || !cal.is_closed(d)) return;
    fail(ErrorKind::Conflict, what + ": " + format_date(d) + " is " + cal.why_not_open(d) + "; give --force to put the visit there anyway");
}

ClosedDayAdded add_closed_day(Context& ctx, Date d, const std::string& reason, bool reschedule) {
    std::string day = format_date(d);
    for (const auto& c : list_closed_days(ctx.store, ctx.config, d, d))
        fail(ErrorKind::Conflict, day + " is already closed" + said_reason(c.reason) +
                                      (c.source == "config" ? " in " + (ctx.config.source.empty() ? std::string("the config") : ctx.config.source) : ""));
    if (reschedule && d < ctx.today()) fail(ErrorKind::BadInput, "--reschedule: " + day + " is in the past");
    std::string now = format_instant(ctx.now());
    insert_record(ctx, "closed_day",
                  {{"date", day}, {"reason", reason.empty() ? Value(nullptr) : Value(reason)}, {"created_at", now}, {"actor", ctx.actor}},
                  false);
    ClosedDayAdded out{{day, reason, "database", now, ctx.actor}, {}};
    // The day's open visits: placed before the day was closed, they stay unless the office asks.
    Statement q(ctx.store,
                "SELECT a.id, c.name, a.series_id, s.on_closed, a.pool_id, a.service_type FROM appointment a "
                "JOIN customer c ON c.id = a.customer_id LEFT JOIN series s ON s.id = a.series_id "
                "WHERE a.date = ? AND a.status IN ('scheduled', 'paused') ORDER BY a.id");
    q.bind(1, day);
    struct Row {
        int64_t id;
        std::string customer;
        std::optional<int64_t> series;
        std::string on_closed;
        int64_t pool;
        std::string type;
    };
    std::vector<Row> rows;
    while (q.executeStep())
        rows.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                        q.getColumn(2).isNull() ? std::nullopt : std::optional<int64_t>(q.getColumn(2).getInt64()),
                        q.getColumn(3).getString(), q.getColumn(4).getInt64(), q.getColumn(5).getString()});
    if (rows.empty()) return out;
    WorkCalendar cal = work_calendar(ctx.store, ctx.config);
    for (const auto& r : rows) {
        ClosedDayVisit v{r.id, r.customer, day, r.series, "", "needs a decision"};
        if (reschedule) {
            OnClosed rule = r.on_closed.empty() ? OnClosed::after : parse_on_closed(r.on_closed, "series rule");
            auto to = cal.place(d, rule, ctx.today());
            std::optional<int64_t> there;
            if (to) {
                // One stop per pool and service type a day: a visit already there stands for both.
                Statement same(ctx.store, "SELECT id FROM appointment WHERE pool_id = ? AND service_type = ? AND date = ? "
                                          "AND status IN ('scheduled', 'en_route', 'paused') AND id <> ? ORDER BY id LIMIT 1");
                same.bind(1, r.pool);
                same.bind(2, r.type);
                same.bind(3, format_date(*to));
                same.bind(4, r.id);
                if (same.executeStep()) there = same.getColumn(0).getInt64();
            }
            if (to && !there) {
                update_record(ctx, "appointment", r.id, {{"date", format_date(*to)}});
                v.to = format_date(*to);
                v.action = "moved";
            } else {
                std::string why = "closed " + day + said_reason(reason) +
                                  (there ? ": appointment " + std::to_string(*there) + " on " + format_date(*to) + " stands for it" : "");
                Json before = row_json(ctx.store, "appointment", r.id);
                std::string status = before["status"].get<std::string>();
                Columns cc{{"status", "cancelled"}, {"status_reason", why}, {"status_at", now}};
                if (r.series) cc.emplace_back("detached", int64_t{1});
                update_record(ctx, "appointment", r.id, cc);
                Statement ev(ctx.store, "INSERT INTO appointment_event (appointment_id, from_status, to_status, at, recorded_at, "
                                        "actor, reason) VALUES (?, ?, 'cancelled', ?, ?, ?, ?)");
                ev.bind(1, r.id);
                ev.bind(2, status);
                ev.bind(3, now);
                ev.bind(4, now);
                ev.bind(5, ctx.actor);
                ev.bind(6, why);
                ev.exec();
                v.action = "skipped";
            }
        }
        out.visits.push_back(v);
    }
    return out;
}

ClosedDay remove_closed_day(Context& ctx, Date d) {
    std::string day = format_date(d);
    for (const auto& c : ctx.config.closed_days)
        if (c.date == day)
            fail(ErrorKind::Conflict, day + " is closed in " + (ctx.config.source.empty() ? std::string("the config") : ctx.config.source) +
                                          " ([schedule] closed); open it there");
    Statement q(ctx.store, "SELECT id, reason, created_at, actor FROM closed_day WHERE date = ?");
    q.bind(1, day);
    if (!q.executeStep()) fail(ErrorKind::NotFound, day + " is not a closed day");
    int64_t id = q.getColumn(0).getInt64();
    ClosedDay out{day, q.getColumn(1).getString(), "database", q.getColumn(2).getString(), q.getColumn(3).getString()};
    Json before = row_json(ctx.store, "closed_day", id);
    Statement del(ctx.store, "DELETE FROM closed_day WHERE id = ?");
    del.bind(1, id);
    del.exec();
    record_change(ctx, "closed_day", id, before, nullptr);
    return out;
}

const std::vector<std::string>& closed_day_fields() {
    static const std::vector<std::string> f{"date", "weekday", "reason", "source", "created_at", "created_by"};
    return f;
}

Json closed_day_json(const ClosedDay& c) {
    return Json{{"date", c.date},
                {"weekday", k_weekday[weekday_of(parse_date(c.date, "stored date"))]},
                {"reason", opt_text(c.reason)},
                {"source", c.source},
                {"created_at", opt_text(c.created_at)},
                {"created_by", opt_text(c.created_by)}};
}

}  // namespace pom
