#pragma once
// pom route balance (issue 22): the day's visits moved between technicians (unassigned visits of
// the day included) to drive least while each keeps their hours and skills and the work is
// evenly spread; solved by lib/route_vrp.
#include "route.h"

#include <optional>
#include <string>
#include <vector>

namespace pom {

/// A visit in a technician's new route.
struct BalanceStop {
    int64_t appointment_id = 0;
    int64_t pool_id = 0;
    int64_t customer_id = 0;
    std::string customer;
    std::string status;
    std::optional<int64_t> from_worker_id;  ///< the technician before; none: it was unassigned
    std::string from_worker;
    int position = 0;           ///< 1-based, the new route_order
    int previous_position = 0;  ///< 1-based place in the technician's route before; 0 when it moved
    std::optional<int64_t> previous_order;  ///< route_order as stored
    int64_t arrival_s = 0;
    std::string window_start, window_end;
    bool late = false;
    std::string kept;  ///< pinned, started, completed, no coordinates; else empty
    bool moved() const { return !from_worker_id || *from_worker_id != to_worker_id; }
    int64_t to_worker_id = 0;
};

/// One technician's day before and after.
struct BalanceWorker {
    int64_t worker_id = 0;
    std::string worker;
    RouteTotals before, after;
    int64_t work_before_s = 0, work_after_s = 0;  ///< drive plus time on site
    int64_t day_end_s = 0;
    int64_t overtime_s = 0;  ///< of the new routes: past the technician's hours
    int wrong_skill = 0;     ///< visits given to them without the skill (none could take them)
    std::vector<BalanceStop> stops;
    std::vector<int64_t> needs_coordinates;  ///< pools that kept their technician for want of lat/lon
};

struct BalancePlan {
    std::string date;
    std::vector<BalanceWorker> workers;
    /// Unassigned visits left unassigned: their pool has no coordinates (and no --matrix).
    std::vector<BalanceStop> left_unassigned;
};

struct BalanceRequest {
    Date date;
    std::vector<int64_t> workers;          ///< empty: every active technician
    const TravelMatrix* matrix = nullptr;  ///< travel times by key; else great circle
    double evenness = 1.0;  ///< travel seconds worth one second less spread in working time
};

/// Plans the day. Reads only. An unknown worker is NotFound, an inactive one Conflict; a matrix
/// without a key the day needs is BadInput.
BalancePlan plan_balance(Context& ctx, const BalanceRequest& request);

/// Stores the plan: each moved visit assigned as `appt assign` does (audited, the customer told
/// once), every visit's route_order. Returns how many visits changed technician.
int apply_balance(Context& ctx, const BalancePlan& plan);

Json balance_json(const BalanceWorker& w);
const std::vector<std::string>& balance_fields();
/// For people: the moves, then per technician before and after, then the totals.
std::string balance_text(const BalancePlan& plan);

}  // namespace pom
