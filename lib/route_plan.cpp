#include "route_plan.h"
#include "route_day.h"

#include "appointment.h"
#include "customer.h"
#include "error.h"
#include "notice.h"
#include "recurrence.h"
#include "route_load.h"
#include "route_vrp.h"
#include "worker.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

namespace pom {

namespace {

using route_day::clock_seconds;

const char* k_keys[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
const char* k_codes[7] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
const char* k_names[7] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

int day_of_key(const std::string& key) {
    for (int d = 0; d < 7; ++d)
        if (key == k_keys[d]) return d;
    return -1;
}

int weekday_of(Date d) { return static_cast<int>(date::weekday{date::sys_days{d}}.c_encoding()); }

/// Monday-first position of a c_encoding weekday, for ordering.
int week_order(int d) { return (d + 6) % 7; }

/// A rule's parts, KEY=VALUE split at ';'.
std::map<std::string, std::string> rule_parts(const std::string& rrule) {
    std::map<std::string, std::string> out;
    size_t at = 0;
    while (at <= rrule.size()) {
        size_t end = rrule.find(';', at);
        if (end == std::string::npos) end = rrule.size();
        std::string part = rrule.substr(at, end - at);
        auto eq = part.find('=');
        if (eq != std::string::npos) out[part.substr(0, eq)] = part.substr(eq + 1);
        at = end + 1;
    }
    return out;
}

/// The rule with its BYDAY set to `day`, the other parts kept in their order.
std::string rule_on(const std::string& rrule, int day) {
    std::string out;
    bool had = false;
    size_t at = 0;
    while (at <= rrule.size()) {
        size_t end = rrule.find(';', at);
        if (end == std::string::npos) end = rrule.size();
        std::string part = rrule.substr(at, end - at);
        if (part.rfind("BYDAY=", 0) == 0) {
            part = std::string("BYDAY=") + k_codes[day];
            had = true;
        }
        if (!part.empty()) out += (out.empty() ? "" : ";") + part;
        at = end + 1;
    }
    if (!had) out += std::string(";BYDAY=") + k_codes[day];
    return out;
}

/// What a technician can take and what a series needs (as route balance reads them).
uint64_t skill_bit(std::map<std::string, int>& bits, const std::string& skill) {
    auto it = bits.find(skill);
    if (it == bits.end()) {
        if (bits.size() >= 63) return 0;
        it = bits.emplace(skill, static_cast<int>(bits.size())).first;
    }
    return uint64_t{1} << it->second;
}

RouteTotals totals_of(const VrpRoute& r) {
    RouteTotals t;
    t.stops = static_cast<int>(r.jobs.size());
    t.drive_s = r.travel_s;
    t.finish_s = r.jobs.empty() ? 0 : r.finish_s;
    t.late = r.late_count;
    return t;
}

}  // namespace

std::string weekday_key(int weekday) { return k_keys[((weekday % 7) + 7) % 7]; }

std::vector<int> parse_weekdays(const std::string& text, const std::string& what) {
    auto bad = [&](const std::string& why) -> void {
        fail(ErrorKind::Usage, what + ": '" + text + "' " + why + " (e.g. mon-fri or mon,wed,fri)");
    };
    std::set<int> days;
    std::string lower;
    for (char c : text) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    size_t at = 0;
    if (lower.empty()) bad("names no weekday");
    while (at <= lower.size()) {
        size_t end = lower.find(',', at);
        if (end == std::string::npos) end = lower.size();
        std::string part = lower.substr(at, end - at);
        auto dash = part.find('-');
        int a = day_of_key(part.substr(0, dash));
        int b = dash == std::string::npos ? a : day_of_key(part.substr(dash + 1));
        if (a < 0 || b < 0) bad("is not a list of weekdays");
        if (week_order(b) < week_order(a)) bad("has a range that runs backwards");
        for (int o = week_order(a); o <= week_order(b); ++o) days.insert((o + 1) % 7);
        at = end + 1;
    }
    std::vector<int> out(days.begin(), days.end());
    std::sort(out.begin(), out.end(), [](int x, int y) { return week_order(x) < week_order(y); });
    return out;
}

WeekPlan plan_week(Context& ctx, const PlanRequest& req) {
    const auto& rc = ctx.config.routing;
    TravelModel model{rc.road_factor, rc.speed_kmh, req.matrix};
    WeekPlan plan;
    plan.weekdays = req.weekdays;
    if (plan.weekdays.empty()) {
        for (int d : ctx.config.working_days) plan.weekdays.push_back(d % 7);
        std::sort(plan.weekdays.begin(), plan.weekdays.end(), [](int x, int y) { return week_order(x) < week_order(y); });
    }

    std::vector<Worker> workers = route_day::technicians(ctx.store, req.workers);
    std::map<int64_t, size_t> worker_index;
    for (size_t i = 0; i < workers.size(); ++i) worker_index[workers[i].id] = i;
    std::map<int, size_t> day_index;
    for (size_t i = 0; i < plan.weekdays.size(); ++i) day_index[plan.weekdays[i]] = i;
    const size_t nw = workers.size();
    auto vehicle_of = [&](int day, int64_t worker) { return static_cast<int>(day_index.at(day) * nw + worker_index.at(worker)); };

    // What the week is made of, read in a few statements: pools' places, customers' days, and
    // the series the office pinned (a coming visit of theirs is pinned: appt edit --pin).
    std::map<int64_t, std::optional<LatLon>> pool_at;
    {
        Statement q(ctx.store, "SELECT id, lat, lon FROM pool");
        while (q.executeStep()) {
            std::optional<LatLon> at;
            if (!q.getColumn(1).isNull() && !q.getColumn(2).isNull()) at = LatLon{q.getColumn(1).getDouble(), q.getColumn(2).getDouble()};
            pool_at[q.getColumn(0).getInt64()] = at;
        }
    }
    std::map<int64_t, std::string> preferred;
    {
        Statement q(ctx.store, "SELECT id, preferred_day FROM customer WHERE preferred_day IS NOT NULL");
        while (q.executeStep()) preferred[q.getColumn(0).getInt64()] = q.getColumn(1).getString();
    }
    std::set<int64_t> pinned;
    {
        Statement q(ctx.store, "SELECT DISTINCT series_id FROM appointment WHERE series_id IS NOT NULL AND pinned = 1 AND date >= ? "
                               "AND status IN ('scheduled', 'en_route', 'paused')");
        q.bind(1, format_date(ctx.today()));
        while (q.executeStep()) pinned.insert(q.getColumn(0).getInt64());
    }

    // Nodes: each technician's start (and end when elsewhere), then each pool of a series.
    std::vector<route_day::Place> nodes;
    std::vector<int> start_node(nw), end_node(nw);
    std::map<std::string, int> bits;
    std::vector<uint64_t> worker_skills(nw);
    for (size_t i = 0; i < nw; ++i) {
        const Worker& w = workers[i];
        route_day::Place start;
        if (w.start) start.at = *w.start;
        else if (rc.depot) start.at = LatLon{rc.depot->first, rc.depot->second};
        start.key = "worker:" + std::to_string(w.id);
        start_node[i] = end_node[i] = static_cast<int>(nodes.size());
        nodes.push_back(start);
        if (w.end && !req.matrix) {
            end_node[i] = static_cast<int>(nodes.size());
            nodes.push_back(route_day::Place{*w.end, start.key});
        }
        for (const auto& s : w.skills) worker_skills[i] |= skill_bit(bits, s);
    }
    VrpProblem p;
    for (int day : plan.weekdays) {
        (void)day;
        for (size_t i = 0; i < nw; ++i) {
            VrpVehicle v;
            v.start_node = start_node[i];
            v.end_node = end_node[i];
            v.shift_start_s = clock_seconds(workers[i].day_start.empty() ? rc.day_start : workers[i].day_start);
            v.shift_end_s = clock_seconds(workers[i].day_end.empty() ? rc.day_end : workers[i].day_end);
            v.capacity = workers[i].capacity_milli;
            v.skills = worker_skills[i];
            p.vehicles.push_back(v);
        }
    }

    std::vector<Series> all = list_series(ctx.store, std::nullopt, false);
    std::sort(all.begin(), all.end(), [](const Series& a, const Series& b) { return a.id < b.id; });
    std::vector<int64_t> pool_ids;
    for (const auto& s : all) pool_ids.push_back(s.pool_id);
    auto loads = pool_load_estimates(ctx, pool_ids);
    std::map<int64_t, int> pool_node;
    std::vector<size_t> series_of_job;
    std::vector<std::optional<int>> from_vehicle;  // per job
    for (const auto& s : all) {
        if (s.status == "ended") continue;
        PlanSeries ps;
        ps.series_id = s.id;
        ps.customer_id = s.customer_id;
        ps.customer = s.customer_name;
        ps.pool_id = s.pool_id;
        ps.rrule = s.rrule;
        ps.from_worker_id = s.worker_id;
        ps.from_worker = s.worker_name;
        auto pref = preferred.find(s.customer_id);
        if (pref != preferred.end()) ps.preferred_day = pref->second;
        auto parts = rule_parts(s.rrule);
        if (parts.count("INTERVAL")) ps.interval = std::max(1, std::atoi(parts["INTERVAL"].c_str()));
        const std::string byday = parts.count("BYDAY") ? parts["BYDAY"] : "";
        bool weekly = parts["FREQ"] == "WEEKLY" && !parts.count("COUNT") && byday.find(',') == std::string::npos;
        if (weekly) {
            if (byday.empty()) ps.from_day = weekday_of(parse_date(s.dtstart, "series start"));
            else
                for (int d = 0; d < 7; ++d)
                    if (byday == k_codes[d]) ps.from_day = d;
        }
        ps.to_day = ps.from_day;
        ps.to_worker_id = ps.from_worker_id;
        ps.to_worker = ps.from_worker;
        auto at = pool_at.find(s.pool_id);
        bool located = req.matrix || (at != pool_at.end() && at->second);
        bool day_planned = ps.from_day >= 0 && day_index.count(ps.from_day);
        bool worker_planned = s.worker_id && worker_index.count(*s.worker_id);
        if (ps.from_day < 0) ps.kept = "not weekly";
        else if (!day_planned) ps.kept = "not a planned weekday";
        else if (s.worker_id && !worker_planned) ps.kept = "not a planned technician";
        else if (pinned.count(s.id)) ps.kept = "pinned";
        else if (!located) ps.kept = "no coordinates";
        else if (!ps.preferred_day.empty() && !day_index.count(day_of_key(ps.preferred_day))) ps.kept = "preferred day not planned";
        size_t index = plan.series.size();
        plan.series.push_back(ps);
        bool outside = ps.kept == "not weekly" || ps.kept == "not a planned weekday" || ps.kept == "not a planned technician";
        if (outside) {
            ++plan.outside;
            continue;
        }
        if (!s.worker_id && !ps.kept.empty()) continue;  // stays unassigned on its day
        VrpJob j;
        auto pn = pool_node.find(s.pool_id);
        if (pn == pool_node.end()) {
            route_day::Place pl;
            if (at != pool_at.end()) pl.at = at->second;
            pl.key = "pool:" + std::to_string(s.pool_id);
            pn = pool_node.emplace(s.pool_id, static_cast<int>(nodes.size())).first;
            nodes.push_back(pl);
        }
        j.node = pn->second;
        j.service_s = static_cast<int64_t>(s.duration_min) * 60;
        if (!s.window_start.empty()) j.ready_s = clock_seconds(s.window_start);
        if (!s.window_end.empty()) j.due_s = clock_seconds(s.window_end);
        for (const auto& t : ctx.config.service_types)
            if (t.name == s.service_type && !t.skill.empty()) j.skills = skill_bit(bits, t.skill);
        auto load = loads.find(s.pool_id);
        j.load = load == loads.end() ? 0 : load->second;
        std::optional<int> from;
        if (s.worker_id) from = vehicle_of(ps.from_day, *s.worker_id);
        if (!ps.kept.empty()) {
            j.vehicle = *from;
            j.allowed = {*from};
        } else if (!ps.preferred_day.empty()) {
            int d = day_of_key(ps.preferred_day);
            for (size_t i = 0; i < nw; ++i) j.allowed.push_back(vehicle_of(d, workers[i].id));
        }
        p.jobs.push_back(std::move(j));
        series_of_job.push_back(index);
        from_vehicle.push_back(from);
    }

    size_t n = nodes.size();
    p.nodes = n;
    p.travel.assign(n * n, 0);
    for (size_t a = 0; a < n; ++a)
        for (size_t b = 0; b < n; ++b) {
            if (a == b) continue;
            if (req.matrix) p.travel[a * n + b] = req.matrix->seconds(nodes[a].key, nodes[b].key);
            else if (nodes[a].at && nodes[b].at) p.travel[a * n + b] = model.seconds(*nodes[a].at, *nodes[b].at);
        }
    p.balance_weight = req.evenness;
    // Fixed, not from the date: the same series give the same plan on any day, so a plan applied
    // and planned again finds nothing more to change.
    p.seed = 22;

    // Before: each series with the technician and day it has, each route in its best order (so
    // that the plan is measured against the routes as a good dispatcher drives them, not against
    // an arbitrary order).
    VrpProblem pb = p;
    pb.jobs.clear();
    std::vector<size_t> job_of_before;
    for (size_t x = 0; x < p.jobs.size(); ++x) {
        if (!from_vehicle[x]) continue;
        VrpJob j = p.jobs[x];
        j.vehicle = *from_vehicle[x];
        j.allowed = {*from_vehicle[x]};
        j.keep_place = false;
        pb.jobs.push_back(std::move(j));
        job_of_before.push_back(x);
    }
    std::vector<std::vector<int>> current(p.vehicles.size());
    VrpSolution before;
    VrpSolution after;
    if (!p.vehicles.empty()) {
        before = solve_vrp(pb);
        for (size_t v = 0; v < before.routes.size(); ++v)
            for (int x : before.routes[v].jobs) current[v].push_back(static_cast<int>(job_of_before[static_cast<size_t>(x)]));
        after = solve_vrp(p, current);
    }

    for (size_t dv = 0; dv < plan.weekdays.size(); ++dv) {
        int day = plan.weekdays[dv];
        for (size_t i = 0; i < nw; ++i) {
            size_t v = dv * nw + i;
            PlanRoute r;
            r.weekday = day;
            r.worker_id = workers[i].id;
            r.worker = workers[i].name;
            r.before = totals_of(before.routes[v]);
            r.after = totals_of(after.routes[v]);
            r.work_before_s = before.routes[v].work_s;
            r.work_after_s = after.routes[v].work_s;
            r.overtime_s = after.routes[v].overtime_s;
            r.wrong_skill = after.routes[v].wrong_vehicle;
            for (int x : after.routes[v].jobs) {
                size_t si = series_of_job[static_cast<size_t>(x)];
                PlanSeries& ps = plan.series[si];
                ps.to_day = day;
                ps.to_worker_id = workers[i].id;
                ps.to_worker = workers[i].name;
                r.series.push_back(si);
            }
            plan.routes.push_back(std::move(r));
        }
        // Series without a technician on this day: the ones the plan could not place stay
        // there; the others left for a route.
        PlanRoute none;
        none.weekday = day;
        for (size_t si = 0; si < plan.series.size(); ++si) {
            const PlanSeries& ps = plan.series[si];
            bool in_plan = ps.kept.empty() || ps.kept == "pinned" || ps.kept == "no coordinates" || ps.kept == "preferred day not planned";
            if (ps.from_worker_id || ps.from_day != day || !in_plan) continue;
            ++none.before.stops;
            if (!ps.to_worker_id) {
                ++none.after.stops;
                none.series.push_back(si);
            }
        }
        if (none.before.stops) plan.routes.push_back(std::move(none));
    }
    return plan;
}

PlanApplied apply_week_plan(Context& ctx, const WeekPlan& plan, Date effective) {
    if (effective < ctx.today())
        fail(ErrorKind::BadInput, "--effective: " + format_date(effective) + " is in the past (past visits never change)");
    PlanApplied out;
    // Per customer, the series that changed, for one notice each.
    std::map<int64_t, std::vector<const PlanSeries*>> moved_day;
    for (const auto& ps : plan.series) {
        if (!ps.changed()) continue;
        SeriesEdit e;
        Date from = effective;
        if (ps.to_worker_id != ps.from_worker_id) e.worker = ps.to_worker_id;
        e.notify = false;  // the day_change notice below says it all, once per customer
        moved_day[ps.customer_id].push_back(&ps);
        if (ps.to_day != ps.from_day) {
            Series s = get_series(ctx.store, ps.series_id);
            if (ps.interval > 1) {
                // Every n weeks: the new rule starts in the week of the next visit, so the series
                // keeps its weeks (the Monday of that week, or the effective day when later).
                Recurrence old = Recurrence::stored(s.rrule, "series " + std::to_string(s.id) + " rule");
                Date start = parse_date(s.dtstart, "series start");
                auto next = old.dates(start, effective, add_days(effective, 7 * ps.interval + 6), 1);
                if (!next.empty()) from = std::max(effective, add_days(next.front(), -week_order(weekday_of(next.front()))));
            }
            e.rule = Recurrence::parse(rule_on(s.rrule, ps.to_day), "series " + std::to_string(s.id) + " rule");
        }
        e.from = from;
        out.visits += static_cast<int>(edit_series(ctx, ps.series_id, e).size());
        ++out.series;
    }
    for (const auto& [customer_id, list] : moved_day) {
        const PlanSeries& first = *list.front();
        Series s = get_series(ctx.store, first.series_id);
        AppointmentFilter f;
        f.series = s.id;
        f.from = effective;
        f.status = "scheduled";
        f.limit = 1;
        auto next = list_appointments(ctx.store, f);
        Appointment a;
        if (!next.empty()) {
            a = next.front();
        } else {
            // Not expanded that far yet: the notice names the rule's first date.
            Recurrence rule = Recurrence::stored(s.rrule, "series " + std::to_string(s.id) + " rule");
            auto dates = rule.dates(parse_date(s.dtstart, "series start"), effective, add_days(effective, 7 * 8), 1);
            a.customer_id = s.customer_id;
            a.date = format_date(dates.empty() ? effective : dates.front());
            a.window_start = s.window_start;
            a.window_end = s.window_end;
            a.worker_id = s.worker_id;
            a.worker_name = s.worker_name;
            a.service_type = s.service_type;
            a.status = "planned";
        }
        std::string days, old_days, key;
        std::set<int> seen, seen_old;
        for (const PlanSeries* ps : list) {
            if (seen.insert(ps->to_day).second) days += (days.empty() ? "" : " and ") + std::string(k_names[ps->to_day]);
            if (seen_old.insert(ps->from_day).second)
                old_days += (old_days.empty() ? "" : " and ") + std::string(k_names[ps->from_day]);
            key += ":" + std::to_string(ps->series_id) + "=" + k_keys[ps->to_day] + "/" +
                   (ps->to_worker_id ? std::to_string(*ps->to_worker_id) : "-");
        }
        auto r = render_appointment_notice(ctx, "day_change", a, {{"weekday", days}, {"old_weekday", old_days}});
        if (!r) continue;
        std::optional<int64_t> appointment;
        if (a.id) appointment = a.id;
        out.notices += static_cast<int>(queue_customer_notice(ctx, "day_change", r->channel, customer_id, appointment, r->subject,
                                                              r->body, "day_change:customer:" + std::to_string(customer_id) + key +
                                                                           "@" + format_date(effective))
                                            .size());
    }
    return out;
}

const std::vector<std::string>& plan_route_fields() {
    static const std::vector<std::string> f{"weekday",         "worker_id",        "worker",          "stops_before",
                                            "stops_after",     "moved_in",         "moved_out",       "drive_min_before",
                                            "drive_min_after", "work_min_before",  "work_min_after",  "overtime_min",
                                            "late_after",      "wrong_skill",      "series"};
    return f;
}

Json plan_route_json(const WeekPlan& plan, const PlanRoute& r) {
    auto minutes = [](int64_t s) { return (s + 30) / 60; };
    Json list = Json::array();
    int moved_in = 0;
    for (size_t si : r.series) {
        const PlanSeries& ps = plan.series[si];
        if (ps.changed()) ++moved_in;
        list.push_back(object({
            {"series_id", ps.series_id},
            {"customer_id", ps.customer_id},
            {"customer", ps.customer},
            {"pool_id", ps.pool_id},
            {"from_weekday", weekday_key(ps.from_day)},
            {"from_worker_id", ps.from_worker_id ? Json(*ps.from_worker_id) : Json(nullptr)},
            {"from_worker", ps.from_worker_id ? Json(ps.from_worker) : Json(nullptr)},
            {"moved", ps.changed()},
            {"preferred_day", ps.preferred_day.empty() ? Json(nullptr) : Json(ps.preferred_day)},
            {"kept", ps.kept.empty() ? Json(nullptr) : Json(ps.kept)},
        }));
    }
    int moved_out = 0;
    for (const auto& ps : plan.series)
        if (ps.changed() && ps.from_day == r.weekday && ps.from_worker_id == r.worker_id) ++moved_out;
    return object({
        {"weekday", weekday_key(r.weekday)},
        {"worker_id", r.worker_id ? Json(*r.worker_id) : Json(nullptr)},
        {"worker", r.worker_id ? Json(r.worker) : Json(nullptr)},
        {"stops_before", r.before.stops},
        {"stops_after", r.after.stops},
        {"moved_in", moved_in},
        {"moved_out", moved_out},
        {"drive_min_before", minutes(r.before.drive_s)},
        {"drive_min_after", minutes(r.after.drive_s)},
        {"work_min_before", minutes(r.work_before_s)},
        {"work_min_after", minutes(r.work_after_s)},
        {"overtime_min", minutes(r.overtime_s)},
        {"late_after", r.after.late},
        {"wrong_skill", r.wrong_skill},
        {"series", std::move(list)},
    });
}

std::string week_plan_text(const WeekPlan& plan) {
    std::string days;
    for (int d : plan.weekdays) days += (days.empty() ? "" : ",") + weekday_key(d);
    std::string out = "Week plan (" + days + ")\n";
    char buf[512];
    auto who = [](const std::optional<int64_t>& id, const std::string& name) { return id ? name : std::string("(unassigned)"); };
    std::string moves;
    for (const auto& ps : plan.series) {
        if (!ps.changed()) continue;
        std::string from = weekday_key(ps.from_day) + " " + who(ps.from_worker_id, ps.from_worker);
        std::string to = weekday_key(ps.to_day) + " " + who(ps.to_worker_id, ps.to_worker);
        std::snprintf(buf, sizeof buf, "  %-7lld %-24s %-6lld %-20s -> %s\n", static_cast<long long>(ps.series_id),
                      ps.customer.substr(0, 24).c_str(), static_cast<long long>(ps.pool_id), from.substr(0, 20).c_str(),
                      to.substr(0, 20).c_str());
        moves += buf;
    }
    if (moves.empty()) {
        out += "\nno series changes day or technician\n";
    } else {
        std::snprintf(buf, sizeof buf, "\n  %-7s %-24s %-6s %-20s    %s\n", "series", "customer", "pool", "from", "to");
        out += buf + moves;
    }
    std::snprintf(buf, sizeof buf, "\n  %-4s %-18s %-12s %-16s %s\n", "day", "technician", "  stops", "  drive hours", "overtime");
    out += buf;
    int sb = 0, sa = 0;
    int64_t db = 0, da = 0;
    auto hours = [](int64_t s) { return static_cast<double>(s) / 3600.0; };
    for (const auto& r : plan.routes) {
        std::string name = r.worker_id ? r.worker : "(unassigned)";
        std::snprintf(buf, sizeof buf, "  %-4s %-18s %4d -> %-4d %6.1f -> %-6.1f", weekday_key(r.weekday).c_str(), name.substr(0, 18).c_str(),
                      r.before.stops, r.after.stops, hours(r.before.drive_s), hours(r.after.drive_s));
        out += buf;
        if (r.overtime_s > 0) out += " " + std::to_string((r.overtime_s + 30) / 60) + " min";
        if (r.wrong_skill > 0) out += " " + std::to_string(r.wrong_skill) + " without the skill";
        while (!out.empty() && out.back() == ' ') out.pop_back();
        out += "\n";
        sb += r.before.stops;
        sa += r.after.stops;
        db += r.before.drive_s;
        da += r.after.drive_s;
    }
    std::snprintf(buf, sizeof buf, "  %-4s %-18s %4d -> %-4d %6.1f -> %-6.1f", "week", "total", sb, sa, hours(db), hours(da));
    out += buf;
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += "\n";
    std::map<std::string, std::vector<int64_t>> kept;
    for (const auto& ps : plan.series)
        if (!ps.kept.empty()) kept[ps.kept].push_back(ps.series_id);
    for (const auto& [why, ids] : kept) {
        out += "  kept (" + why + "): series";
        for (int64_t id : ids) out += " " + std::to_string(id);
        out += "\n";
    }
    return out;
}

}  // namespace pom
