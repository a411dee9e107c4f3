#pragma once
// pom's several-technician solver (issue 22): the vehicle routing problem with time windows,
// capacities, skills, fixed visits and technicians' hours. No I/O, no clock, no Context: the same
// problem gives the same answer (the only randomness is a generator seeded from the problem).
//
// Method: every visit that may move is inserted cheapest-first into the routes (construction),
// then ruin and recreate (SISR: strings of neighbouring visits removed from a few routes and put
// back by cheapest insertion with blinks; Christiaens & Vanden Berghe 2020) under simulated
// annealing, for a fixed number of iterations; insertion checks windows in O(1) from each route's
// earliest and latest service starts.
#include "route_solver.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace pom {

/// A technician for the day. Times are seconds from midnight.
struct VrpVehicle {
    int start_node = 0;
    int end_node = 0;                 ///< may equal start_node
    int64_t shift_start_s = 8 * 3600; ///< leaves the start
    int64_t shift_end_s = k_no_due;   ///< back at the end by then, or overtime (a penalty)
    std::optional<int64_t> capacity;  ///< the most load a day; none: no limit
    uint64_t skills = ~uint64_t{0};   ///< a bit per skill
};

/// A visit.
struct VrpJob {
    int node = 0;
    int64_t service_s = 0;
    int64_t ready_s = 0;         ///< earliest service start
    int64_t due_s = k_no_due;    ///< latest service start that keeps the promise
    int64_t load = 0;
    uint64_t skills = 0;         ///< every bit must be in the vehicle's skills
    std::optional<int> vehicle;  ///< stays with this vehicle (started, completed, pinned)
    /// With `vehicle`: keeps its place among the vehicle's other kept visits (never moved).
    bool keep_place = false;
    /// With keep_place: already begun, so no moved visit goes before it (started, completed).
    bool begun = false;
    std::vector<int> allowed;    ///< the vehicles it may go to; empty: any
};

struct VrpProblem {
    size_t nodes = 0;
    std::vector<int64_t> travel;  ///< seconds, row-major nodes x nodes, may be asymmetric
    std::vector<VrpVehicle> vehicles;
    std::vector<VrpJob> jobs;
    /// Cost per second of difference between the longest and shortest working time (drive plus
    /// service) of the vehicles; 0: travel only.
    double balance_weight = 0;
    uint64_t seed = 1;
    int iterations = 0;  ///< ruin-and-recreate rounds; 0 picks a number by size

    int64_t t(int a, int b) const { return travel[static_cast<size_t>(a) * nodes + static_cast<size_t>(b)]; }
};

/// One vehicle's route, evaluated.
struct VrpRoute {
    std::vector<int> jobs;           ///< job indices in visiting order
    std::vector<int64_t> arrival_s;  ///< per position
    std::vector<int64_t> start_s;    ///< service start (arrival, or the window's opening)
    std::vector<bool> late;          ///< per position: service starts after the job's due time
    int64_t travel_s = 0;
    int64_t finish_s = 0;   ///< arrival at the end (the shift start when the route is empty)
    int64_t work_s = 0;     ///< drive plus service
    int64_t overtime_s = 0; ///< past shift_end_s
    int64_t load = 0;
    int64_t over_capacity = 0;
    int late_count = 0;
    int64_t lateness_s = 0;
    int wrong_vehicle = 0;  ///< jobs here without the skills, or not among their allowed vehicles
};

struct VrpSolution {
    std::vector<VrpRoute> routes;  ///< one per vehicle, in the problem's order
    int64_t travel_s = 0;
    int late_count = 0;
    int64_t lateness_s = 0;
    int64_t overtime_s = 0;
    int64_t over_capacity = 0;
    int wrong_vehicle = 0;
    int64_t spread_s = 0;  ///< longest minus shortest work_s
    /// What the solver minimises: missed windows, wrong skills and over capacity first (heavy
    /// weights), then overtime, then travel plus balance_weight x spread.
    double cost = 0;
};

/// Prices `routes` (job indices per vehicle; each job once). Does not check kept places.
VrpSolution evaluate_vrp(const VrpProblem& p, const std::vector<std::vector<int>>& routes);

/// The best routes found. Every job is in exactly one route (a job that fits nowhere is put where
/// it costs least and shows as late, over capacity or wrong vehicle). `current` (optional, one
/// list per vehicle) gives the kept jobs' order; the answer is never worse than `current` when it
/// holds every job and keeps the rules of kept jobs. Throws std::invalid_argument on a malformed
/// problem (a matrix of the wrong size, a node or vehicle out of range).
VrpSolution solve_vrp(const VrpProblem& p, const std::vector<std::vector<int>>& current = {});

}  // namespace pom
