#pragma once
// Routes (issue 22): one technician's visits of a day put in the order that drives least, keeping
// promised windows, started and completed visits and the office's pins.
#include "appointment.h"
#include "audit.h"
#include "clock.h"
#include "json.h"
#include "route_solver.h"
#include "route_travel.h"
#include "worker.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pom {

/// Travel, stops and the end of one technician's day in one order.
struct RouteTotals {
    int stops = 0;
    double km = 0;           ///< road km (great circle times the road factor); 0 with a matrix
    int64_t drive_s = 0;
    int64_t finish_s = 0;    ///< back at the end, seconds from midnight
    int late = 0;            ///< visits reached after their window
};

/// A visit in the planned order.
struct RouteStop {
    int64_t appointment_id = 0;
    int64_t pool_id = 0;
    std::string customer;
    std::string status;
    int position = 0;           ///< 1-based, the new route_order
    int previous_position = 0;  ///< 1-based place before
    int64_t arrival_s = 0;      ///< projected arrival (at the window's opening when early), seconds from midnight
    std::string window_start, window_end;
    bool late = false;
    std::string kept;  ///< why it kept its place: pinned, started, completed, no coordinates; else empty
};

/// One technician's day before and after.
struct WorkerRoute {
    int64_t worker_id = 0;
    std::string worker;
    RouteTotals before, after;
    int64_t day_end_s = 0;
    int64_t overtime_s = 0;  ///< of the new order: past the technician's hours
    bool changed = false;
    std::vector<RouteStop> stops;
    std::vector<int64_t> needs_coordinates;  ///< pools that kept their place for want of lat/lon
};

struct RouteRequest {
    Date date;
    std::vector<int64_t> workers;            ///< empty: every technician with visits that day
    const TravelMatrix* matrix = nullptr;    ///< travel times by key; else great circle
    bool keep_order = false;                 ///< only price the stored order (after = before)
    /// The day's visits when the caller has read them already (every visit of `date`, any order):
    /// not read a second time.
    const std::vector<Appointment>* visits = nullptr;
    /// Every worker by id (workers_by_id) when the caller has read them already.
    const std::map<int64_t, Worker>* all_workers = nullptr;
};

/// Plans the order of each technician's visits of the day (assigned, not cancelled or skipped).
/// Reads only. An unknown worker is NotFound; a matrix without a key the day needs is BadInput.
std::vector<WorkerRoute> optimize_routes(Context& ctx, const RouteRequest& request);

/// The projected arrival (service start; a window not yet open is waited for) of each assigned
/// visit of the day, in seconds from midnight, in its technician's stored route order from their
/// start, priced as route optimize prices it. Visits at pools without coordinates have none.
/// `visits`: every visit of the day, `all_workers` every worker, when the caller has read them already.
std::map<int64_t, int64_t> projected_arrivals(Context& ctx, Date day, const std::vector<Appointment>* visits = nullptr,
                                              const std::map<int64_t, Worker>* all_workers = nullptr);

/// Stores the planned order as route_order (audited); returns how many visits changed.
int save_routes(Context& ctx, const std::vector<WorkerRoute>& routes);

/// The route dashboard: one row per technician and day (or summed per technician or per day).
struct RouteStatsRow {
    std::optional<int64_t> worker_id;  ///< empty when summed per day
    std::string worker;
    std::string date;                  ///< empty when summed per technician
    int days = 0;
    int stops = 0;
    double km = 0;
    int64_t drive_s = 0;
};

struct RouteStatsRequest {
    Date from, to;
    std::string by;  ///< "" (technician and day), "worker" or "day"
    const TravelMatrix* matrix = nullptr;
};

/// Stops, km and drive time of the visits (not cancelled or skipped) in their stored route order,
/// from each technician's start and back, as route optimize prices them.
std::vector<RouteStatsRow> route_stats(Context& ctx, const RouteStatsRequest& request);
Json route_stats_json(const RouteStatsRow& r);
const std::vector<std::string>& route_stats_fields();

/// Seconds from midnight as HH:MM (past midnight: 24:10 and so on).
std::string clock_text(int64_t seconds);

Json route_json(const WorkerRoute& r);
const std::vector<std::string>& route_fields();
/// The optimisation for people: per technician before and after, then each stop.
std::string route_text(const std::vector<WorkerRoute>& routes, const std::string& day);

}  // namespace pom
