#pragma once
// pom's route solver: one technician's day as a travelling-salesman problem with time windows,
// service durations and stops that keep their place. No I/O, no clock: the same problem gives the
// same answer (the only randomness is a generator seeded from the problem).
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace pom {

constexpr int64_t k_no_due = std::numeric_limits<int64_t>::max() / 4;

/// One stop of a day. Times are seconds from the day's midnight.
struct SolverStop {
    int64_t service_s = 0;       ///< time on site
    int64_t ready_s = 0;         ///< the earliest start of service (waits before it)
    int64_t due_s = k_no_due;    ///< the latest start of service that keeps the promise
    std::optional<int> fixed_position;  ///< keeps this place (0-based) in the order
};

/// Nodes: 0 is the technician's start, 1..m the stops (stop i is node i + 1), and with
/// `separate_end` node m + 1 is where the day ends (else it ends back at the start).
struct DayProblem {
    int64_t day_start_s = 8 * 3600;  ///< departure from the start
    std::vector<SolverStop> stops;
    bool separate_end = false;
    std::vector<int64_t> travel;  ///< seconds, row-major over the nodes
    uint64_t seed = 1;

    size_t nodes() const { return stops.size() + 1 + (separate_end ? 1 : 0); }
    int64_t t(size_t a, size_t b) const { return travel[a * nodes() + b]; }
    size_t end_node() const { return separate_end ? stops.size() + 1 : 0; }
};

/// A day in an order: what it costs and when each stop is reached.
struct DaySchedule {
    std::vector<int> order;           ///< stop indices (0-based) in visiting order
    std::vector<int64_t> arrival_s;   ///< per position in `order`
    std::vector<int64_t> start_s;     ///< service start (arrival, or the window's opening)
    std::vector<bool> late;           ///< per position: service starts after its due time
    int late_count = 0;
    int64_t lateness_s = 0;
    int64_t travel_s = 0;
    int64_t finish_s = 0;  ///< arrival at the end

    /// Fewer missed windows first, then less lateness, then less travel.
    bool better_than(const DaySchedule& o) const;
};

/// Follows `order` (stop indices) from the start at day_start_s.
DaySchedule evaluate_day(const DayProblem& p, const std::vector<int>& order);

/// evaluate_day of the stops' own order (0, 1, ..., m - 1) without a travel matrix (p.travel is
/// not read): legs[k] is the travel into stop k (from the start for k = 0), legs[m] from the last
/// stop to the end. What pricing a stored order needs: m + 1 legs, not (m + 2)^2.
DaySchedule evaluate_chain(const DayProblem& p, const std::vector<int64_t>& legs);

/// The best order found: exact (every order) when at most 8 stops are free to move, else
/// iterated local search (2-opt, Or-opt, relocate, exchange, with seeded perturbation); a day
/// with no windows, no fixed stops and symmetric travel uses a faster tour search with
/// neighbour lists. Never worse than `start_order` when one is given.
DaySchedule solve_day(const DayProblem& p, const std::vector<int>& start_order = {});

/// A closed tour over nodes 0..n-1 of a symmetric matrix (the TSP): the node order, starting at
/// node 0. `iterations` of perturbation; 0 picks a number by size.
std::vector<int> solve_tour(const std::vector<int64_t>& dist, size_t n, uint64_t seed, int iterations = 0);

}  // namespace pom
