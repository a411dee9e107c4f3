#include "route_balance.h"
#include "route_day.h"

#include "appointment.h"
#include "error.h"
#include "pool.h"
#include "record.h"
#include "route_load.h"
#include "route_vrp.h"
#include "worker.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace pom {

namespace {

using namespace route_day;

/// A visit as the plan shows it, before its place in a route is known.
BalanceStop stop_of(const Appointment& a) {
    BalanceStop s;
    s.appointment_id = a.id;
    s.pool_id = a.pool_id;
    s.customer_id = a.customer_id;
    s.customer = a.customer_name;
    s.status = a.status;
    s.window_start = a.window_start;
    s.window_end = a.window_end;
    return s;
}

/// What a technician can take and what a visit needs: the one place that reads skills, capacity
/// and load (worker.skills, worker.capacity_milli, a service type's skill in config, the visit's
/// load as lib/route_load gives it: the office's, else estimated from the pool's doses).
struct Limits {
    std::vector<uint64_t> worker_skills;
    std::vector<std::optional<int64_t>> worker_capacity;
    std::vector<uint64_t> visit_skills;
    std::vector<int64_t> visit_load;
};

Limits load_limits(Context& ctx, const std::vector<Worker>& workers, const std::vector<Appointment>& visits) {
    Limits l;
    // Each skill named by a technician or needed by a service type gets a bit, in order of first
    // sight (63 at most: a 64th skill counts as none).
    std::map<std::string, int> bits;
    auto bit_of = [&](const std::string& skill) -> uint64_t {
        auto it = bits.find(skill);
        if (it == bits.end()) {
            if (bits.size() >= 63) return 0;
            it = bits.emplace(skill, static_cast<int>(bits.size())).first;
        }
        return uint64_t{1} << it->second;
    };
    for (const auto& w : workers) {
        uint64_t mask = 0;
        for (const auto& s : w.skills) mask |= bit_of(s);
        l.worker_skills.push_back(mask);
        l.worker_capacity.push_back(w.capacity_milli);
    }
    std::vector<int64_t> ids;
    for (const auto& a : visits) ids.push_back(a.id);
    auto loads = visit_loads(ctx, ids);
    for (const auto& a : visits) {
        uint64_t need = 0;
        for (const auto& t : ctx.config.service_types)
            if (t.name == a.service_type && !t.skill.empty()) need = bit_of(t.skill);
        l.visit_skills.push_back(need);
        auto it = loads.find(a.id);
        l.visit_load.push_back(it == loads.end() ? 0 : it->second);
    }
    return l;
}

RouteTotals totals_of(const VrpRoute& r, const std::vector<double>& km, size_t nodes, int start, int end,
                      const std::vector<VrpJob>& jobs) {
    RouteTotals t;
    t.stops = static_cast<int>(r.jobs.size());
    t.drive_s = r.travel_s;
    t.finish_s = r.finish_s;
    t.late = r.late_count;
    if (r.jobs.empty()) return t;
    size_t prev = static_cast<size_t>(start);
    for (int x : r.jobs) {
        size_t node = static_cast<size_t>(jobs[static_cast<size_t>(x)].node);
        t.km += km[prev * nodes + node];
        prev = node;
    }
    t.km += km[prev * nodes + static_cast<size_t>(end)];
    return t;
}

}  // namespace

BalancePlan plan_balance(Context& ctx, const BalanceRequest& req) {
    const auto& rc = ctx.config.routing;
    TravelModel model{rc.road_factor, rc.speed_kmh, req.matrix};
    BalancePlan plan;
    plan.date = format_date(req.date);

    std::vector<Worker> workers = technicians(ctx.store, req.workers);
    std::map<int64_t, size_t> vehicle_of;
    for (size_t v = 0; v < workers.size(); ++v) vehicle_of[workers[v].id] = v;

    AppointmentFilter f;
    f.from = f.to = req.date;
    std::vector<Appointment> visits;
    for (auto& a : list_appointments(ctx.store, f)) {
        if (!open_status(a.status)) continue;
        if (a.worker_id) {
            if (vehicle_of.count(*a.worker_id)) visits.push_back(std::move(a));
        } else if (a.status == "scheduled") {
            visits.push_back(std::move(a));
        }
    }
    // Each technician's visits in their stored order (unplaced ones after), as optimize reads them.
    std::stable_sort(visits.begin(), visits.end(), [](const Appointment& a, const Appointment& b) {
        return a.route_order.has_value() && (!b.route_order || *a.route_order < *b.route_order);
    });

    // Nodes: each technician's start, then their end when it is elsewhere, then each visit.
    std::vector<Place> nodes;
    VrpProblem p;
    std::vector<int64_t> day_end(workers.size());
    for (size_t v = 0; v < workers.size(); ++v) {
        const Worker& w = workers[v];
        Place start;
        if (w.start) start.at = *w.start;
        else if (rc.depot) start.at = LatLon{rc.depot->first, rc.depot->second};
        start.key = "worker:" + std::to_string(w.id);
        VrpVehicle veh;
        veh.start_node = static_cast<int>(nodes.size());
        nodes.push_back(start);
        veh.end_node = veh.start_node;
        if (w.end && !req.matrix) {
            veh.end_node = static_cast<int>(nodes.size());
            nodes.push_back(Place{*w.end, start.key});
        }
        veh.shift_start_s = clock_seconds(w.day_start.empty() ? rc.day_start : w.day_start);
        day_end[v] = clock_seconds(w.day_end.empty() ? rc.day_end : w.day_end);
        veh.shift_end_s = day_end[v];
        p.vehicles.push_back(veh);
    }
    Limits limits = load_limits(ctx, workers, visits);
    for (size_t v = 0; v < workers.size(); ++v) {
        p.vehicles[v].skills = limits.worker_skills[v];
        p.vehicles[v].capacity = limits.worker_capacity[v];
    }

    std::vector<size_t> visit_of_job;
    std::vector<std::vector<int>> current(workers.size());
    std::vector<std::string> kept_of_job;
    for (size_t i = 0; i < visits.size(); ++i) {
        const Appointment& a = visits[i];
        Place place = route_day::pool_place(a);
        bool located = req.matrix ? true : place.at.has_value();
        std::string kept = kept_for(a, located);
        if (!a.worker_id && !located) {
            BalanceStop s = stop_of(a);
            s.kept = kept;
            plan.left_unassigned.push_back(std::move(s));
            continue;
        }
        VrpJob j;
        j.node = static_cast<int>(nodes.size());
        nodes.push_back(std::move(place));
        j.service_s = static_cast<int64_t>(a.duration_min) * 60;
        if (!a.window_start.empty()) j.ready_s = clock_seconds(a.window_start);
        if (!a.window_end.empty()) j.due_s = clock_seconds(a.window_end);
        j.skills = limits.visit_skills[i];
        j.load = limits.visit_load[i];
        if (a.worker_id && !kept.empty()) {
            j.vehicle = static_cast<int>(vehicle_of.at(*a.worker_id));
            j.keep_place = true;
            j.begun = kept == "completed" || kept == "started";
        }
        int jx = static_cast<int>(p.jobs.size());
        if (a.worker_id) current[vehicle_of.at(*a.worker_id)].push_back(jx);
        p.jobs.push_back(std::move(j));
        visit_of_job.push_back(i);
        kept_of_job.push_back(kept);
    }

    size_t n = nodes.size();
    p.nodes = n;
    p.travel.assign(n * n, 0);
    std::vector<double> km(n * n, 0);
    for (size_t a = 0; a < n; ++a)
        for (size_t b = 0; b < n; ++b) {
            if (a == b) continue;
            if (req.matrix) {
                p.travel[a * n + b] = req.matrix->seconds(nodes[a].key, nodes[b].key);
            } else if (nodes[a].at && nodes[b].at) {
                km[a * n + b] = model.km(*nodes[a].at, *nodes[b].at);
                p.travel[a * n + b] = model.seconds(*nodes[a].at, *nodes[b].at);
            }
        }
    p.balance_weight = req.evenness;
    p.seed = static_cast<uint64_t>(date::sys_days(req.date).time_since_epoch().count()) * 0x9E3779B97F4A7C15ULL + 22;

    if (workers.empty()) return plan;
    VrpSolution before = evaluate_vrp(p, current);
    VrpSolution after = solve_vrp(p, current);

    for (size_t v = 0; v < workers.size(); ++v) {
        const VrpRoute& rb = before.routes[v];
        const VrpRoute& ra = after.routes[v];
        BalanceWorker bw;
        bw.worker_id = workers[v].id;
        bw.worker = workers[v].name;
        bw.before = totals_of(rb, km, n, p.vehicles[v].start_node, p.vehicles[v].end_node, p.jobs);
        bw.after = totals_of(ra, km, n, p.vehicles[v].start_node, p.vehicles[v].end_node, p.jobs);
        bw.work_before_s = rb.work_s;
        bw.work_after_s = ra.work_s;
        bw.day_end_s = day_end[v];
        bw.overtime_s = ra.overtime_s;
        bw.wrong_skill = ra.wrong_vehicle;
        if (ra.jobs.empty()) bw.after.finish_s = 0;
        if (rb.jobs.empty()) bw.before.finish_s = 0;
        for (size_t k = 0; k < ra.jobs.size(); ++k) {
            size_t jx = static_cast<size_t>(ra.jobs[k]);
            const Appointment& a = visits[visit_of_job[jx]];
            BalanceStop s = stop_of(a);
            s.from_worker_id = a.worker_id;
            s.from_worker = a.worker_name;
            s.to_worker_id = workers[v].id;
            s.position = static_cast<int>(k) + 1;
            s.previous_order = a.route_order;
            if (a.worker_id && *a.worker_id == workers[v].id) {
                const auto& was = current[v];
                auto at = std::find(was.begin(), was.end(), static_cast<int>(jx));
                s.previous_position = static_cast<int>(at - was.begin()) + 1;
            }
            s.arrival_s = ra.start_s[k];
            s.late = ra.late[k];
            s.kept = kept_of_job[jx];
            if (s.kept == "no coordinates") bw.needs_coordinates.push_back(a.pool_id);
            bw.stops.push_back(std::move(s));
        }
        plan.workers.push_back(std::move(bw));
    }
    return plan;
}

int apply_balance(Context& ctx, const BalancePlan& plan) {
    int moved = 0;
    for (const auto& w : plan.workers)
        for (const auto& s : w.stops) {
            if (s.moved()) {
                // As `appt assign` assigns: audited, series occurrence detached, the customer told.
                assign_appointments(ctx, {s.appointment_id}, w.worker_id, static_cast<int64_t>(s.position));
                ++moved;
            } else if (!s.previous_order || *s.previous_order != s.position) {
                update_record(ctx, "appointment", s.appointment_id, {{"route_order", static_cast<int64_t>(s.position)}});
            }
        }
    return moved;
}

const std::vector<std::string>& balance_fields() {
    static const std::vector<std::string> f{
        "worker_id",     "worker",        "stops_before",     "stops_after",     "moved_in",        "moved_out",
        "km_before",     "km_after",      "drive_min_before", "drive_min_after", "work_min_before", "work_min_after",
        "finish_before", "finish_after",  "late_before",      "late_after",      "overtime_min",    "wrong_skill",
        "needs_coordinates", "order"};
    return f;
}

namespace {

std::string finish_text(const RouteTotals& t) { return t.stops ? clock_text(t.finish_s) : std::string(); }

}  // namespace

Json balance_json(const BalanceWorker& w) {
    auto km = [](double v) { return std::round(v * 10) / 10; };
    auto minutes = [](int64_t s) { return (s + 30) / 60; };
    Json order = Json::array();
    int moved_in = 0;
    for (const auto& s : w.stops) {
        if (s.moved()) ++moved_in;
        order.push_back(object({
            {"position", s.position},
            {"appointment_id", s.appointment_id},
            {"pool_id", s.pool_id},
            {"customer", s.customer},
            {"status", s.status},
            {"from_worker_id", s.from_worker_id ? Json(*s.from_worker_id) : Json(nullptr)},
            {"from_worker", s.from_worker_id ? Json(s.from_worker) : Json(nullptr)},
            {"moved", s.moved()},
            {"previous_position", s.previous_position ? Json(s.previous_position) : Json(nullptr)},
            {"arrival", clock_text(s.arrival_s)},
            {"window_start", s.window_start.empty() ? Json(nullptr) : Json(s.window_start)},
            {"window_end", s.window_end.empty() ? Json(nullptr) : Json(s.window_end)},
            {"late", s.late},
            {"kept", s.kept.empty() ? Json(nullptr) : Json(s.kept)},
        }));
    }
    Json needs = Json::array();
    for (int64_t p : w.needs_coordinates) needs.push_back(p);
    int kept_here = static_cast<int>(w.stops.size()) - moved_in;
    return object({
        {"worker_id", w.worker_id},
        {"worker", w.worker},
        {"stops_before", w.before.stops},
        {"stops_after", w.after.stops},
        {"moved_in", moved_in},
        {"moved_out", w.before.stops - kept_here},
        {"km_before", km(w.before.km)},
        {"km_after", km(w.after.km)},
        {"drive_min_before", minutes(w.before.drive_s)},
        {"drive_min_after", minutes(w.after.drive_s)},
        {"work_min_before", minutes(w.work_before_s)},
        {"work_min_after", minutes(w.work_after_s)},
        {"finish_before", w.before.stops ? Json(finish_text(w.before)) : Json(nullptr)},
        {"finish_after", w.after.stops ? Json(finish_text(w.after)) : Json(nullptr)},
        {"late_before", w.before.late},
        {"late_after", w.after.late},
        {"overtime_min", minutes(w.overtime_s)},
        {"wrong_skill", w.wrong_skill},
        {"needs_coordinates", std::move(needs)},
        {"order", std::move(order)},
    });
}

std::string balance_text(const BalancePlan& plan) {
    std::string out = "Balance " + plan.date + "\n";
    if (plan.workers.empty()) return out + "\nno technician to balance\n";
    char buf[512];
    std::map<int64_t, std::string> names;
    for (const auto& w : plan.workers) names[w.worker_id] = w.worker;
    std::string moves;
    for (const auto& w : plan.workers)
        for (const auto& s : w.stops) {
            if (!s.moved()) continue;
            std::string from = s.from_worker_id ? s.from_worker : "(unassigned)";
            std::snprintf(buf, sizeof buf, "  #%-6lld %-26s %-16s -> %-16s %3d\n", static_cast<long long>(s.appointment_id),
                          s.customer.substr(0, 26).c_str(), from.substr(0, 16).c_str(), w.worker.substr(0, 16).c_str(), s.position);
            moves += buf;
        }
    if (moves.empty()) {
        out += "\nno visit changes technician\n";
    } else {
        std::snprintf(buf, sizeof buf, "\n  %-7s %-26s %-16s    %-16s %3s\n", "visit", "customer", "from", "to", "at");
        out += buf + moves;
    }
    std::snprintf(buf, sizeof buf, "\n  %-18s %-14s %-18s %-16s %-16s %s\n", "technician", "  stops", "     km", "  drive min", "    finish", "late");
    out += buf;
    RouteTotals tb, ta;
    for (const auto& w : plan.workers) {
        auto fin = [](const RouteTotals& t) { return t.stops ? clock_text(t.finish_s) : std::string("-"); };
        std::snprintf(buf, sizeof buf, "  %-18s %5d -> %-5d %7.1f -> %-7.1f %6lld -> %-6lld %6s -> %-6s %3d -> %-3d", w.worker.substr(0, 18).c_str(),
                      w.before.stops, w.after.stops, w.before.km, w.after.km, static_cast<long long>((w.before.drive_s + 30) / 60),
                      static_cast<long long>((w.after.drive_s + 30) / 60), fin(w.before).c_str(), fin(w.after).c_str(), w.before.late,
                      w.after.late);
        out += buf;
        if (w.overtime_s > 0) out += " overtime " + std::to_string((w.overtime_s + 30) / 60) + " min";
        if (w.wrong_skill > 0) out += " " + std::to_string(w.wrong_skill) + " without the skill";
        while (!out.empty() && out.back() == ' ') out.pop_back();
        out += "\n";
        for (const RouteTotals* t : {&w.before, &w.after}) {
            RouteTotals& s = t == &w.before ? tb : ta;
            s.stops += t->stops;
            s.km += t->km;
            s.drive_s += t->drive_s;
            s.late += t->late;
        }
    }
    std::snprintf(buf, sizeof buf, "  %-18s %5d -> %-5d %7.1f -> %-7.1f %6lld -> %-6lld %6s    %-6s %3d -> %-3d", "total", tb.stops, ta.stops,
                  tb.km, ta.km, static_cast<long long>((tb.drive_s + 30) / 60), static_cast<long long>((ta.drive_s + 30) / 60), "", "",
                  tb.late, ta.late);
    out += buf;
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += "\n";
    for (const auto& w : plan.workers)
        if (!w.needs_coordinates.empty()) {
            out += "  " + w.worker + ": pools kept for want of coordinates (pool edit --lat --lon):";
            for (int64_t p : w.needs_coordinates) out += " " + std::to_string(p);
            out += "\n";
        }
    if (!plan.left_unassigned.empty()) {
        out += "  left unassigned, their pools need coordinates:";
        for (const auto& s : plan.left_unassigned) out += " #" + std::to_string(s.appointment_id) + " (pool " + std::to_string(s.pool_id) + ")";
        out += "\n";
    }
    return out;
}

}  // namespace pom
