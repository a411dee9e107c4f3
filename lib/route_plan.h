#pragma once
// pom route plan (issue 22): which weekday and technician each recurring series should have so
// that the week's routes are tight and the days even. Vehicles are (technician, weekday) pairs;
// each series is one job at its pool; solved by lib/route_vrp. Applying edits the changed series
// from an effective date as `appt series edit` does and tells each customer once.
//
// What the week is: a weekly series (one BYDAY) is a stop every week; a series every 2 (or more)
// weeks is planned as if it came every week, since the route must hold it in the weeks it comes,
// and when it moves it keeps its own weeks (the new rule starts in the week of its next visit). A
// monthly series, one on several weekdays, a daily one or one with a COUNT falls on no fixed
// weekday: it keeps its day and technician and does not count in the week.
#include "context.h"
#include "route.h"
#include "route_travel.h"

#include <optional>
#include <string>
#include <vector>

namespace pom {

/// "mon-fri", "mon,wed,fri", "tue-thu,sat": weekdays as date::weekday::c_encoding() (0 = Sunday),
/// in week order from Monday. Usage (exit 64) naming `what` when it is not that.
std::vector<int> parse_weekdays(const std::string& text, const std::string& what);
/// "mon".."sun" of a c_encoding() weekday.
std::string weekday_key(int weekday);

/// A series in the plan.
struct PlanSeries {
    int64_t series_id = 0;
    int64_t customer_id = 0;
    std::string customer;
    int64_t pool_id = 0;
    std::string rrule;
    int interval = 1;
    int from_day = -1;  ///< c_encoding weekday now; -1: the rule has no single weekday
    std::optional<int64_t> from_worker_id;
    std::string from_worker;
    int to_day = -1;
    std::optional<int64_t> to_worker_id;
    std::string to_worker;
    std::string preferred_day;  ///< the customer's, mon..sun, or empty
    /// Why it keeps its day and technician: pinned, no coordinates, not weekly, not a planned
    /// weekday, not a planned technician; empty: the plan placed it.
    std::string kept;
    bool changed() const { return to_day != from_day || to_worker_id != from_worker_id; }
};

/// One technician's route on one weekday, before and after.
struct PlanRoute {
    int weekday = 0;
    std::optional<int64_t> worker_id;  ///< none: series without a technician, left as they are
    std::string worker;
    RouteTotals before, after;
    int64_t work_before_s = 0, work_after_s = 0;  ///< drive plus time on site
    int64_t overtime_s = 0;                       ///< of the new route: past the technician's hours
    int wrong_skill = 0;
    std::vector<size_t> series;  ///< indexes into WeekPlan::series, in the new visiting order
};

struct WeekPlan {
    std::vector<int> weekdays;
    std::vector<PlanSeries> series;  ///< by series id; every active series the plan looked at
    std::vector<PlanRoute> routes;   ///< by weekday, then technician
    int outside = 0;  ///< series kept because their day or technician is not in the plan
};

struct PlanRequest {
    std::vector<int> weekdays;             ///< c_encoding; empty: the config's working days
    std::vector<int64_t> workers;          ///< empty: every active technician
    const TravelMatrix* matrix = nullptr;  ///< travel times by key; else great circle
    double evenness = 1.0;  ///< travel seconds worth one second less spread in working time
};

/// Plans the week. Reads only. An unknown worker is NotFound, an inactive one Conflict; a matrix
/// without a key the week needs is BadInput. Same data, same plan (the solver's seed is fixed).
WeekPlan plan_week(Context& ctx, const PlanRequest& request);

struct PlanApplied {
    int series = 0;   ///< series edited
    int visits = 0;   ///< visits removed, added or changed by those edits
    int notices = 0;  ///< day_change notices queued
};

/// Edits every changed series from `effective` (today or later; BadInput otherwise) as `appt
/// series edit --rule --worker --from` does: future unchanged visits move, history stays. Queues
/// one `day_change` notice per customer whose series changed, instead of the series notice (once:
/// the same plan applied again changes nothing and queues nothing). Call inside one transaction.
PlanApplied apply_week_plan(Context& ctx, const WeekPlan& plan, Date effective);

Json plan_route_json(const WeekPlan& plan, const PlanRoute& r);
const std::vector<std::string>& plan_route_fields();
/// For people: the changes, the routes by day and technician before and after, the week's totals
/// and the series kept.
std::string week_plan_text(const WeekPlan& plan);

}  // namespace pom
