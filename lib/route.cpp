#include "route.h"
#include "route_day.h"

#include "appointment.h"
#include "error.h"
#include "pool.h"
#include "record.h"
#include "worker.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace pom {

namespace {

using namespace route_day;

struct Day {
    DayProblem problem;
    std::vector<double> km;        ///< per node pair, great circle x road factor (planning)
    std::vector<double> chain_km;  ///< per leg of the stored order (keep_order: no matrices)
    std::vector<const Appointment*> visits;
    std::vector<std::string> kept;
};

RouteTotals totals(const Day& d, const DaySchedule& s) {
    RouteTotals t;
    t.stops = static_cast<int>(s.order.size());
    t.drive_s = s.travel_s;
    t.finish_s = s.finish_s;
    t.late = s.late_count;
    if (!d.chain_km.empty()) {  // the stored order: its legs only
        for (double km : d.chain_km) t.km += km;
        return t;
    }
    size_t n = d.problem.nodes(), prev = 0;
    for (int i : s.order) {
        size_t node = static_cast<size_t>(i) + 1;
        t.km += d.km[prev * n + node];
        prev = node;
    }
    t.km += d.km[prev * n + d.problem.end_node()];
    return t;
}

}  // namespace

std::string clock_text(int64_t seconds) {
    int64_t minutes = (seconds + 30) / 60;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02lld:%02lld", static_cast<long long>(minutes / 60), static_cast<long long>(minutes % 60));
    return buf;
}

std::vector<WorkerRoute> optimize_routes(Context& ctx, const RouteRequest& req) {
    const auto& rc = ctx.config.routing;
    TravelModel model{rc.road_factor, rc.speed_kmh, req.matrix};
    std::map<int64_t, std::vector<const Appointment*>> by_worker;
    for (int64_t w : req.workers) {
        get_worker(ctx.store, w);
        by_worker[w];
    }
    std::vector<Appointment> read;
    if (!req.visits) {
        AppointmentFilter f;
        f.from = f.to = req.date;
        read = list_appointments(ctx.store, f);
    }
    for (const auto& a : req.visits ? *req.visits : read) {
        if (!a.worker_id || !open_status(a.status)) continue;
        if (!req.workers.empty() && !by_worker.count(*a.worker_id)) continue;
        by_worker[*a.worker_id].push_back(&a);
    }
    std::map<int64_t, Worker> read_workers;
    if (!req.all_workers) read_workers = workers_by_id(ctx.store);
    const std::map<int64_t, Worker>& workers = req.all_workers ? *req.all_workers : read_workers;
    std::vector<WorkerRoute> out;
    for (auto& [worker_id, visits] : by_worker) {
        const Worker& w = workers.at(worker_id);
        Day d;
        d.visits = std::move(visits);
        // Visits without a place in the route come after those with one, as the board shows them.
        auto by_route = [](const Appointment* a, const Appointment* b) {
            return a->route_order.has_value() && (!b->route_order || *a->route_order < *b->route_order);
        };
        // Read in route order, they are sorted already: a stable sort would only move them about.
        if (!std::is_sorted(d.visits.begin(), d.visits.end(), by_route)) std::stable_sort(d.visits.begin(), d.visits.end(), by_route);
        size_t m = d.visits.size();
        std::vector<Place> nodes;
        Place start;
        if (w.start) start.at = *w.start;
        else if (rc.depot) start.at = LatLon{rc.depot->first, rc.depot->second};
        start.key = "worker:" + std::to_string(worker_id);
        nodes.push_back(start);
        WorkerRoute route;
        route.worker_id = worker_id;
        route.worker = w.name;
        for (size_t i = 0; i < m; ++i) {
            const auto& a = *d.visits[i];
            nodes.push_back(route_day::pool_place(a));
            bool located = req.matrix ? true : nodes.back().at.has_value();
            if (!located) route.needs_coordinates.push_back(a.pool_id);
            d.kept.push_back(kept_for(a, located));
        }
        bool separate_end = w.end.has_value() && !req.matrix;
        if (separate_end) nodes.push_back(Place{*w.end, start.key});
        size_t n = nodes.size();
        DayProblem& p = d.problem;
        p.separate_end = separate_end;
        p.seed = static_cast<uint64_t>(worker_id) * 0x9E3779B97F4A7C15ULL + 22;
        std::string day_start = w.day_start.empty() ? rc.day_start : w.day_start;
        std::string day_end = w.day_end.empty() ? rc.day_end : w.day_end;
        p.day_start_s = clock_seconds(day_start);
        route.day_end_s = clock_seconds(day_end);
        auto seconds = [&](size_t a, size_t b, double& km) -> int64_t {
            if (req.matrix) return req.matrix->seconds(nodes[a].key, nodes[b].key);
            if (!nodes[a].at || !nodes[b].at) return 0;
            km = model.km(*nodes[a].at, *nodes[b].at);
            return model.seconds_of_km(km);
        };
        std::vector<int64_t> chain;
        if (req.keep_order) {
            // The kept order is the chain start, 1, ..., m, end: its m + 1 legs are all that is
            // priced (the board's 8 technicians with 125 visits each would zero 2 MB of matrices).
            chain.resize(m + 1);
            d.chain_km.assign(m + 1, 0);
            for (size_t k = 0; k <= m; ++k) chain[k] = seconds(k, k < m ? k + 1 : (separate_end ? n - 1 : 0), d.chain_km[k]);
        } else {
            p.travel.assign(n * n, 0);
            d.km.assign(n * n, 0);
            for (size_t a = 0; a < n; ++a)
                for (size_t b = 0; b < n; ++b)
                    if (a != b) p.travel[a * n + b] = seconds(a, b, d.km[a * n + b]);
        }
        for (size_t i = 0; i < m; ++i) {
            const auto& a = *d.visits[i];
            SolverStop s;
            s.service_s = static_cast<int64_t>(a.duration_min) * 60;
            if (!a.window_start.empty()) s.ready_s = clock_seconds(a.window_start);
            if (!a.window_end.empty()) s.due_s = clock_seconds(a.window_end);
            if (!d.kept[i].empty()) s.fixed_position = static_cast<int>(i);
            p.stops.push_back(s);
        }
        DaySchedule before, after;
        if (req.keep_order) {
            before = evaluate_chain(p, chain);
            after = before;
        } else {
            std::vector<int> current(m);
            for (size_t i = 0; i < m; ++i) current[i] = static_cast<int>(i);
            before = evaluate_day(p, current);
            after = solve_day(p, current);
        }
        route.before = totals(d, before);
        route.after = totals(d, after);
        route.overtime_s = std::max<int64_t>(0, after.finish_s - route.day_end_s);
        for (size_t k = 0; k < m; ++k) {
            size_t i = static_cast<size_t>(after.order[k]);
            const auto& a = *d.visits[i];
            RouteStop st;
            st.appointment_id = a.id;
            st.pool_id = a.pool_id;
            st.customer = a.customer_name;
            st.status = a.status;
            st.position = static_cast<int>(k) + 1;
            st.previous_position = static_cast<int>(i) + 1;
            st.arrival_s = after.start_s[k];  // a window not yet open: they come when it opens
            st.window_start = a.window_start;
            st.window_end = a.window_end;
            st.late = after.late[k];
            st.kept = d.kept[i];
            if (!a.route_order || *a.route_order != st.position) route.changed = true;
            route.stops.push_back(std::move(st));
        }
        out.push_back(std::move(route));
    }
    return out;
}

std::map<int64_t, int64_t> projected_arrivals(Context& ctx, Date day, const std::vector<Appointment>* visits,
                                              const std::map<int64_t, Worker>* all_workers) {
    RouteRequest req;
    req.date = day;
    req.keep_order = true;
    req.visits = visits;
    req.all_workers = all_workers;
    std::map<int64_t, int64_t> out;
    for (const auto& r : optimize_routes(ctx, req))
        for (const auto& s : r.stops)
            if (s.kept != "no coordinates") out[s.appointment_id] = s.arrival_s;
    return out;
}

int save_routes(Context& ctx, const std::vector<WorkerRoute>& routes) {
    int changed = 0;
    for (const auto& r : routes)
        for (const auto& s : r.stops)
            if (update_record(ctx, "appointment", s.appointment_id, {{"route_order", static_cast<int64_t>(s.position)}})) ++changed;
    return changed;
}

std::vector<RouteStatsRow> route_stats(Context& ctx, const RouteStatsRequest& req) {
    if (req.to < req.from) fail(ErrorKind::BadInput, "--to: " + format_date(req.to) + " is before --from " + format_date(req.from));
    if (!req.by.empty() && req.by != "worker" && req.by != "day")
        fail(ErrorKind::BadInput, "--by: '" + req.by + "' is not worker or day");
    const auto& rc = ctx.config.routing;
    TravelModel model{rc.road_factor, rc.speed_kmh, req.matrix};
    AppointmentFilter f;
    f.from = req.from;
    f.to = req.to;
    // (date, worker) -> visits in stored order: list_appointments sorts by date, worker, route order.
    std::map<std::pair<std::string, int64_t>, std::vector<Appointment>> days;
    for (auto& a : list_appointments(ctx.store, f))
        if (a.worker_id && open_status(a.status)) days[{a.date, *a.worker_id}].push_back(std::move(a));
    std::map<int64_t, Worker> workers = workers_by_id(ctx.store);
    std::vector<RouteStatsRow> rows;
    for (const auto& [key, visits] : days) {
        const Worker& w = workers.at(key.second);
        std::optional<LatLon> start = w.start;
        if (!start && rc.depot) start = LatLon{rc.depot->first, rc.depot->second};
        std::optional<LatLon> end = w.end ? w.end : start;
        RouteStatsRow row;
        row.worker_id = key.second;
        row.worker = w.name;
        row.date = key.first;
        row.days = 1;
        row.stops = static_cast<int>(visits.size());
        std::string prev_key = "worker:" + std::to_string(key.second);
        std::optional<LatLon> prev = start;
        auto leg = [&](const std::string& to_key, const std::optional<LatLon>& to) {
            if (req.matrix) {
                row.drive_s += req.matrix->seconds(prev_key, to_key);
            } else if (prev && to) {
                double km = model.km(*prev, *to);
                row.km += km;
                row.drive_s += model.seconds_of_km(km);
            }
        };
        for (const auto& a : visits) {
            Place pool = route_day::pool_place(a);
            leg(pool.key, pool.at);
            prev_key = pool.key;
            prev = pool.at;  // legs to and from a pool without coordinates count 0, as route optimize counts them
        }
        leg("worker:" + std::to_string(key.second), end);
        rows.push_back(std::move(row));
    }
    if (req.by.empty()) {
        std::sort(rows.begin(), rows.end(), [](const RouteStatsRow& a, const RouteStatsRow& b) {
            return a.worker != b.worker ? a.worker < b.worker : a.date < b.date;
        });
        return rows;
    }
    std::map<std::string, RouteStatsRow> sums;
    for (const auto& r : rows) {
        std::string k = req.by == "worker" ? r.worker + "\x1f" + std::to_string(*r.worker_id) : r.date;
        auto& s = sums[k];
        if (req.by == "worker") {
            s.worker_id = r.worker_id;
            s.worker = r.worker;
        } else {
            s.date = r.date;
        }
        s.days += 1;
        s.stops += r.stops;
        s.km += r.km;
        s.drive_s += r.drive_s;
    }
    std::vector<RouteStatsRow> out;
    for (auto& [k, s] : sums) {
        if (req.by == "day") s.days = 1;
        out.push_back(std::move(s));
    }
    return out;
}

const std::vector<std::string>& route_stats_fields() {
    static const std::vector<std::string> f{"worker_id", "worker", "date", "days", "stops", "km", "drive_hours", "km_per_stop"};
    return f;
}

Json route_stats_json(const RouteStatsRow& r) {
    auto round1 = [](double v) { return std::round(v * 10) / 10; };
    return object({
        {"worker_id", r.worker_id ? Json(*r.worker_id) : Json(nullptr)},
        {"worker", r.worker_id ? Json(r.worker) : Json(nullptr)},
        {"date", r.date.empty() ? Json(nullptr) : Json(r.date)},
        {"days", r.days},
        {"stops", r.stops},
        {"km", round1(r.km)},
        {"drive_hours", std::round(static_cast<double>(r.drive_s) / 36.0) / 100},
        {"km_per_stop", r.stops ? std::round(r.km / r.stops * 100) / 100 : 0.0},
    });
}

const std::vector<std::string>& route_fields() {
    static const std::vector<std::string> f{
        "worker_id",        "worker",          "stops",          "km_before",     "km_after",        "drive_min_before",
        "drive_min_after",  "finish_before",   "finish_after",   "late_before",   "late_after",      "overtime_min",
        "changed",          "needs_coordinates", "order"};
    return f;
}

Json route_json(const WorkerRoute& r) {
    auto km = [](double v) { return std::round(v * 10) / 10; };
    auto minutes = [](int64_t s) { return (s + 30) / 60; };
    Json order = Json::array();
    for (const auto& s : r.stops)
        order.push_back(object({
            {"position", s.position},
            {"appointment_id", s.appointment_id},
            {"pool_id", s.pool_id},
            {"customer", s.customer},
            {"status", s.status},
            {"previous_position", s.previous_position},
            {"arrival", clock_text(s.arrival_s)},
            {"window_start", s.window_start.empty() ? Json(nullptr) : Json(s.window_start)},
            {"window_end", s.window_end.empty() ? Json(nullptr) : Json(s.window_end)},
            {"late", s.late},
            {"kept", s.kept.empty() ? Json(nullptr) : Json(s.kept)},
        }));
    Json needs = Json::array();
    for (int64_t p : r.needs_coordinates) needs.push_back(p);
    return object({
        {"worker_id", r.worker_id},
        {"worker", r.worker},
        {"stops", r.after.stops},
        {"km_before", km(r.before.km)},
        {"km_after", km(r.after.km)},
        {"drive_min_before", minutes(r.before.drive_s)},
        {"drive_min_after", minutes(r.after.drive_s)},
        {"finish_before", clock_text(r.before.finish_s)},
        {"finish_after", clock_text(r.after.finish_s)},
        {"late_before", r.before.late},
        {"late_after", r.after.late},
        {"overtime_min", minutes(r.overtime_s)},
        {"changed", r.changed},
        {"needs_coordinates", std::move(needs)},
        {"order", std::move(order)},
    });
}

std::string route_text(const std::vector<WorkerRoute>& routes, const std::string& day) {
    std::string out = "Routes " + day + "\n";
    if (routes.empty()) return out + "\nno technician has visits that day\n";
    char buf[512];
    for (const auto& r : routes) {
        out += "\n" + r.worker + "\n";
        std::snprintf(buf, sizeof buf, "  %-7s %5s %8s %10s %7s %5s\n", "", "stops", "km", "drive min", "finish", "late");
        out += buf;
        for (int which = 0; which < 2; ++which) {
            const RouteTotals& t = which == 0 ? r.before : r.after;
            std::snprintf(buf, sizeof buf, "  %-7s %5d %8.1f %10lld %7s %5d\n", which == 0 ? "before" : "after", t.stops, t.km,
                          static_cast<long long>((t.drive_s + 30) / 60), clock_text(t.finish_s).c_str(), t.late);
            out += buf;
        }
        if (r.overtime_s > 0) out += "  overtime: " + std::to_string((r.overtime_s + 30) / 60) + " min past the end of their hours\n";
        for (const auto& s : r.stops) {
            std::string window = s.window_start.empty() ? "" : s.window_start + "-" + s.window_end;
            std::snprintf(buf, sizeof buf, "  %3d. %s  #%-6lld %-28s %-11s", s.position, clock_text(s.arrival_s).c_str(),
                          static_cast<long long>(s.appointment_id), s.customer.substr(0, 28).c_str(), window.c_str());
            out += buf;
            if (s.late) out += " LATE: cannot be reached in its window";
            if (!s.kept.empty()) out += " (kept: " + s.kept + ")";
            while (!out.empty() && out.back() == ' ') out.pop_back();
            out += "\n";
        }
        if (!r.needs_coordinates.empty()) {
            out += "  pools that need coordinates (pool edit --lat --lon):";
            for (int64_t p : r.needs_coordinates) out += " " + std::to_string(p);
            out += "\n";
        }
    }
    return out;
}

}  // namespace pom
