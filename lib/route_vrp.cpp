#include "route_vrp.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

namespace pom {

namespace {

// The weights that make missed promises outweigh any amount of driving.
constexpr double k_late_job = 1e7;      // per visit started after its window
constexpr double k_late_second = 1e3;   // per second it is late
constexpr double k_wrong_vehicle = 1e8; // per visit on a technician without its skills or not allowed
constexpr double k_over_load = 1e7;     // per unit of load over capacity
constexpr double k_overtime = 20;       // per second past the end of the technician's hours

bool fits_vehicle(const VrpProblem& p, const VrpJob& j, int v) {
    if (j.vehicle && *j.vehicle != v) return false;
    if ((j.skills & ~p.vehicles[static_cast<size_t>(v)].skills) != 0) return false;
    if (!j.allowed.empty() && std::find(j.allowed.begin(), j.allowed.end(), v) == j.allowed.end()) return false;
    return true;
}

struct Priced {
    double cost = 0;  // without the balance term
    int64_t work = 0;
};

// The cost of vehicle v driving `js` (no vectors: the search prices many routes).
Priced price(const VrpProblem& p, int v, const int* js, size_t n) {
    const VrpVehicle& veh = p.vehicles[static_cast<size_t>(v)];
    Priced r;
    if (n == 0) return r;
    int64_t time = veh.shift_start_s, travel = 0, load = 0, service = 0;
    int prev = veh.start_node;
    for (size_t k = 0; k < n; ++k) {
        const VrpJob& j = p.jobs[static_cast<size_t>(js[k])];
        int64_t leg = p.t(prev, j.node);
        travel += leg;
        int64_t s = std::max(time + leg, j.ready_s);
        if (s > j.due_s) r.cost += k_late_job + k_late_second * static_cast<double>(s - j.due_s);
        if (!fits_vehicle(p, j, v)) r.cost += k_wrong_vehicle;
        time = s + j.service_s;
        service += j.service_s;
        load += j.load;
        prev = j.node;
    }
    int64_t leg = p.t(prev, veh.end_node);
    travel += leg;
    time += leg;
    if (veh.capacity && load > *veh.capacity) r.cost += k_over_load * static_cast<double>(load - *veh.capacity);
    if (time > veh.shift_end_s) r.cost += k_overtime * static_cast<double>(time - veh.shift_end_s);
    r.cost += static_cast<double>(travel);
    r.work = travel + service;
    return r;
}

// A route as the search keeps it: the jobs with their earliest and latest service starts, so that
// an insertion's windows, hours and capacity are checked in O(1).
struct Route {
    std::vector<int> jobs;
    std::vector<int64_t> start;   // earliest service start per position
    std::vector<int64_t> latest;  // latest service start that keeps every later job and the end in time
    int64_t load = 0;
    bool feasible = true;
    size_t min_pos = 0;  // insertions go at or after this position (after begun visits)
    Priced priced;
};

class Search {
public:
    explicit Search(const VrpProblem& p) : m_p(p), m_rng(p.seed * 0x9E3779B97F4A7C15ULL + 0x2545F4914F6CDD1DULL) {
        size_t nj = p.jobs.size();
        // Neighbours of each job by travel either way (the ruin's strings grow around a seed).
        m_near.resize(nj);
        for (size_t a = 0; a < nj; ++a) {
            auto& v = m_near[a];
            v.resize(nj);
            std::iota(v.begin(), v.end(), 0);
            auto d = [&](int b) {
                return p.t(p.jobs[a].node, p.jobs[static_cast<size_t>(b)].node) + p.t(p.jobs[static_cast<size_t>(b)].node, p.jobs[a].node);
            };
            std::stable_sort(v.begin(), v.end(), [&](int x, int y) {
                if (static_cast<size_t>(x) == a || static_cast<size_t>(y) == a) return static_cast<size_t>(x) == a && static_cast<size_t>(y) != a;
                return d(x) < d(y);
            });
        }
        int home = p.vehicles.empty() ? 0 : p.vehicles[0].start_node;
        m_from_home.resize(nj);
        for (size_t a = 0; a < nj; ++a) m_from_home[a] = p.t(home, p.jobs[a].node);
        double sum = 0;
        size_t count = 0;
        for (size_t a = 0; a < nj; ++a)
            for (size_t b = 0; b < nj; b += std::max<size_t>(1, nj / 50)) {
                sum += static_cast<double>(p.t(p.jobs[a].node, p.jobs[b].node));
                ++count;
            }
        m_mean_arc = count ? std::max(1.0, sum / static_cast<double>(count)) : 1.0;
    }

    double u01() { return static_cast<double>(m_rng() >> 11) * 0x1.0p-53; }
    size_t below(size_t n) { return n ? static_cast<size_t>(m_rng() % n) : 0; }

    void update(int v, Route& r) const {
        const VrpVehicle& veh = m_p.vehicles[static_cast<size_t>(v)];
        size_t n = r.jobs.size();
        r.start.resize(n);
        r.latest.resize(n);
        r.load = 0;
        r.min_pos = 0;
        r.feasible = true;
        int64_t time = veh.shift_start_s;
        int prev = veh.start_node;
        for (size_t k = 0; k < n; ++k) {
            const VrpJob& j = m_p.jobs[static_cast<size_t>(r.jobs[k])];
            int64_t s = std::max(time + m_p.t(prev, j.node), j.ready_s);
            r.start[k] = s;
            time = s + j.service_s;
            prev = j.node;
            r.load += j.load;
            if (j.keep_place && j.begun) r.min_pos = k + 1;
            if (!fits_vehicle(m_p, j, v)) r.feasible = false;
        }
        int64_t next_latest = veh.shift_end_s;
        int next = veh.end_node;
        for (size_t k = n; k-- > 0;) {
            const VrpJob& j = m_p.jobs[static_cast<size_t>(r.jobs[k])];
            r.latest[k] = std::min(j.due_s, next_latest - m_p.t(j.node, next) - j.service_s);
            if (r.start[k] > r.latest[k]) r.feasible = false;
            next_latest = r.latest[k];
            next = j.node;
        }
        if (n > 0 && time + m_p.t(prev, veh.end_node) > veh.shift_end_s) r.feasible = false;
        if (veh.capacity && r.load > *veh.capacity) r.feasible = false;
        r.priced = price(m_p, v, r.jobs.data(), n);
    }

    double total(const std::vector<Route>& rs) const {
        double c = 0;
        int64_t lo = 0, hi = 0;
        for (size_t v = 0; v < rs.size(); ++v) {
            c += rs[v].priced.cost;
            if (v == 0 || rs[v].priced.work < lo) lo = rs[v].priced.work;
            if (v == 0 || rs[v].priced.work > hi) hi = rs[v].priced.work;
        }
        return c + m_p.balance_weight * static_cast<double>(hi - lo);
    }

    // Puts job j where it adds least: a feasible place when there is one (skipping each place with
    // probability `blink`), else the least bad place anywhere.
    void insert(std::vector<Route>& rs, int jx, double blink) {
        const VrpJob& j = m_p.jobs[static_cast<size_t>(jx)];
        double best = std::numeric_limits<double>::infinity();
        int best_v = -1;
        size_t best_pos = 0;
        for (size_t vi = 0; vi < rs.size(); ++vi) {
            int v = static_cast<int>(vi);
            Route& r = rs[vi];
            if (!r.feasible || !fits_vehicle(m_p, j, v)) continue;
            const VrpVehicle& veh = m_p.vehicles[vi];
            if (veh.capacity && r.load + j.load > *veh.capacity) continue;
            size_t n = r.jobs.size();
            for (size_t i = r.min_pos; i <= n; ++i) {
                if (blink > 0 && u01() < blink) continue;
                int prev;
                int64_t dep;
                if (i == 0) {
                    prev = veh.start_node;
                    dep = veh.shift_start_s;
                } else {
                    const VrpJob& pj = m_p.jobs[static_cast<size_t>(r.jobs[i - 1])];
                    prev = pj.node;
                    dep = r.start[i - 1] + pj.service_s;
                }
                int64_t to = m_p.t(prev, j.node);
                int64_t s = std::max(dep + to, j.ready_s);
                if (s > j.due_s) continue;
                int64_t out = s + j.service_s;
                int next = i == n ? veh.end_node : m_p.jobs[static_cast<size_t>(r.jobs[i])].node;
                int64_t back = m_p.t(j.node, next);
                if (i == n) {
                    if (out + back > veh.shift_end_s) continue;
                } else if (out + back > r.latest[i]) {
                    continue;
                }
                double delta = static_cast<double>(to + back - (n == 0 ? 0 : m_p.t(prev, next)));
                if (m_p.balance_weight > 0) {
                    // Past a fair share of the day's work, the extra counts against evenness.
                    double after = static_cast<double>(r.priced.work) + delta + static_cast<double>(j.service_s);
                    delta += m_p.balance_weight * std::max(0.0, after - m_mean_work);
                }
                if (delta < best) {
                    best = delta;
                    best_v = v;
                    best_pos = i;
                }
            }
        }
        if (best_v < 0) {
            // Nowhere feasible: the least bad place, every place priced in full.
            std::vector<int> tmp;
            bool any_fit = false;
            for (size_t vi = 0; vi < rs.size(); ++vi) any_fit = any_fit || fits_vehicle(m_p, j, static_cast<int>(vi));
            for (size_t vi = 0; vi < rs.size(); ++vi) {
                int v = static_cast<int>(vi);
                if (any_fit && !fits_vehicle(m_p, j, v)) continue;
                Route& r = rs[vi];
                for (size_t i = r.min_pos; i <= r.jobs.size(); ++i) {
                    tmp = r.jobs;
                    tmp.insert(tmp.begin() + static_cast<std::ptrdiff_t>(i), jx);
                    double delta = price(m_p, v, tmp.data(), tmp.size()).cost - r.priced.cost;
                    if (delta < best) {
                        best = delta;
                        best_v = v;
                        best_pos = i;
                    }
                }
            }
        }
        if (best_v < 0) best_v = 0;  // no vehicle fits and none exists: guarded by solve_vrp
        Route& r = rs[static_cast<size_t>(best_v)];
        r.jobs.insert(r.jobs.begin() + static_cast<std::ptrdiff_t>(best_pos), jx);
        update(best_v, r);
    }

    // Orders the removed jobs as SISR does: random, by load, far from home first, or close first.
    void sort_removed(std::vector<int>& removed) {
        double u = u01() * 11;
        if (u < 4) {
            for (size_t i = removed.size(); i > 1; --i) std::swap(removed[i - 1], removed[below(i)]);
        } else if (u < 8) {
            std::stable_sort(removed.begin(), removed.end(), [&](int a, int b) {
                return m_p.jobs[static_cast<size_t>(a)].load > m_p.jobs[static_cast<size_t>(b)].load;
            });
        } else if (u < 10) {
            std::stable_sort(removed.begin(), removed.end(), [&](int a, int b) {
                return m_from_home[static_cast<size_t>(a)] > m_from_home[static_cast<size_t>(b)];
            });
        } else {
            std::stable_sort(removed.begin(), removed.end(), [&](int a, int b) {
                return m_from_home[static_cast<size_t>(a)] < m_from_home[static_cast<size_t>(b)];
            });
        }
    }

    // SISR's ruin: strings of consecutive jobs around the neighbours of a random seed job.
    std::vector<int> ruin(std::vector<Route>& rs, const std::vector<int>& movable) {
        std::vector<int> removed;
        if (movable.empty()) return removed;
        std::vector<std::pair<int, int>> where(m_p.jobs.size(), {-1, -1});
        size_t used = 0;
        for (size_t v = 0; v < rs.size(); ++v) {
            if (!rs[v].jobs.empty()) ++used;
            for (size_t k = 0; k < rs[v].jobs.size(); ++k) where[static_cast<size_t>(rs[v].jobs[k])] = {static_cast<int>(v), static_cast<int>(k)};
        }
        double avg = used ? static_cast<double>(m_p.jobs.size()) / static_cast<double>(used) : 1.0;
        double ls_max = std::min(10.0, avg);
        double ks_max = 4.0 * 10.0 / (1.0 + ls_max) - 1.0;
        size_t ks = static_cast<size_t>(u01() * ks_max) + 1;
        int seed = movable[below(movable.size())];
        std::vector<char> ruined(rs.size(), 0), gone(m_p.jobs.size(), 0);
        size_t count = 0;
        for (int c : m_near[static_cast<size_t>(seed)]) {
            if (count >= ks) break;
            auto [v, k] = where[static_cast<size_t>(c)];
            if (v < 0 || ruined[static_cast<size_t>(v)] || gone[static_cast<size_t>(c)]) continue;
            const VrpJob& cj = m_p.jobs[static_cast<size_t>(c)];
            if (cj.keep_place) continue;
            Route& r = rs[static_cast<size_t>(v)];
            size_t len = r.jobs.size();
            size_t l_max = std::max<size_t>(1, std::min(len, static_cast<size_t>(ls_max)));
            size_t l = 1 + below(l_max);
            size_t lo = static_cast<size_t>(k) + 1 >= l ? static_cast<size_t>(k) + 1 - l : 0;
            size_t hi = std::min(static_cast<size_t>(k), len - l);
            size_t first = lo + below(hi - lo + 1);
            std::vector<int> keep;
            keep.reserve(len);
            for (size_t i = 0; i < len; ++i) {
                int x = r.jobs[i];
                if (i >= first && i < first + l && !m_p.jobs[static_cast<size_t>(x)].keep_place) {
                    removed.push_back(x);
                    gone[static_cast<size_t>(x)] = 1;
                } else {
                    keep.push_back(x);
                }
            }
            r.jobs = std::move(keep);
            update(v, r);
            ruined[static_cast<size_t>(v)] = 1;
            ++count;
        }
        return removed;
    }

    std::vector<Route> start(const std::vector<std::vector<int>>& current, std::vector<int>& movable) {
        size_t nv = m_p.vehicles.size(), nj = m_p.jobs.size();
        std::vector<Route> rs(nv);
        std::vector<char> placed(nj, 0);
        // Kept jobs in their vehicle, in the order `current` gives them (else by index).
        for (size_t v = 0; v < current.size() && v < nv; ++v)
            for (int x : current[v]) {
                if (x < 0 || static_cast<size_t>(x) >= nj || placed[static_cast<size_t>(x)]) continue;
                const VrpJob& j = m_p.jobs[static_cast<size_t>(x)];
                if (j.keep_place && j.vehicle && static_cast<size_t>(*j.vehicle) == v) {
                    rs[v].jobs.push_back(x);
                    placed[static_cast<size_t>(x)] = 1;
                }
            }
        for (size_t x = 0; x < nj; ++x) {
            const VrpJob& j = m_p.jobs[x];
            if (j.keep_place && j.vehicle && !placed[x]) {
                rs[static_cast<size_t>(*j.vehicle)].jobs.push_back(static_cast<int>(x));
                placed[x] = 1;
            }
        }
        // Begun visits first, as they were.
        for (auto& r : rs)
            std::stable_partition(r.jobs.begin(), r.jobs.end(), [&](int x) { return m_p.jobs[static_cast<size_t>(x)].begun; });
        for (size_t v = 0; v < nv; ++v) update(static_cast<int>(v), rs[v]);
        movable.clear();
        for (size_t x = 0; x < nj; ++x)
            if (!placed[x]) movable.push_back(static_cast<int>(x));
        double work = 0;
        for (int x : movable) work += static_cast<double>(m_p.jobs[static_cast<size_t>(x)].service_s);
        for (const auto& r : rs) work += static_cast<double>(r.priced.work);
        m_mean_work = nv ? 1.3 * work / static_cast<double>(nv) : 0;  // service plus some driving
        std::vector<int> order = movable;
        // Hardest first: narrow windows, then far from home.
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
            const VrpJob& ja = m_p.jobs[static_cast<size_t>(a)];
            const VrpJob& jb = m_p.jobs[static_cast<size_t>(b)];
            int64_t wa = std::min<int64_t>(ja.due_s - ja.ready_s, k_no_due / 2), wb = std::min<int64_t>(jb.due_s - jb.ready_s, k_no_due / 2);
            if (wa != wb) return wa < wb;
            return m_from_home[static_cast<size_t>(a)] > m_from_home[static_cast<size_t>(b)];
        });
        for (int x : order) insert(rs, x, 0);
        return rs;
    }

    std::vector<Route> run(std::vector<Route> cur, const std::vector<int>& movable, int iterations) {
        double cur_cost = total(cur);
        std::vector<Route> best = cur, cand;
        double best_cost = cur_cost;
        double t0 = 2 * m_mean_arc, tf = m_mean_arc / 50;
        for (int it = 0; it < iterations && !movable.empty(); ++it) {
            double temp = t0 * std::pow(tf / t0, static_cast<double>(it) / iterations);
            cand = cur;
            std::vector<int> removed = ruin(cand, movable);
            sort_removed(removed);
            for (int x : removed) insert(cand, x, 0.01);
            double c = total(cand);
            if (c < cur_cost - temp * std::log(u01() + 1e-300)) {
                std::swap(cur, cand);
                cur_cost = c;
                if (c < best_cost - 1e-9) {
                    best = cur;
                    best_cost = c;
                }
            }
        }
        return best;
    }

private:
    const VrpProblem& m_p;
    std::mt19937_64 m_rng;
    std::vector<std::vector<int>> m_near;
    std::vector<int64_t> m_from_home;
    double m_mean_arc = 1;
    double m_mean_work = 0;
};

void check(const VrpProblem& p) {
    if (p.travel.size() != p.nodes * p.nodes) throw std::invalid_argument("vrp: the travel matrix is not nodes x nodes");
    auto node_ok = [&](int n) { return n >= 0 && static_cast<size_t>(n) < p.nodes; };
    for (const auto& v : p.vehicles)
        if (!node_ok(v.start_node) || !node_ok(v.end_node)) throw std::invalid_argument("vrp: a vehicle's node is out of range");
    for (const auto& j : p.jobs) {
        if (!node_ok(j.node)) throw std::invalid_argument("vrp: a job's node is out of range");
        if (j.vehicle && (*j.vehicle < 0 || static_cast<size_t>(*j.vehicle) >= p.vehicles.size()))
            throw std::invalid_argument("vrp: a job's vehicle is out of range");
        for (int v : j.allowed)
            if (v < 0 || static_cast<size_t>(v) >= p.vehicles.size()) throw std::invalid_argument("vrp: an allowed vehicle is out of range");
    }
    if (!p.jobs.empty() && p.vehicles.empty()) throw std::invalid_argument("vrp: jobs without vehicles");
}

// Whether `current` holds every job once and keeps the kept jobs' rules.
bool complete(const VrpProblem& p, const std::vector<std::vector<int>>& current) {
    if (current.size() != p.vehicles.size()) return false;
    std::vector<int> seen(p.jobs.size(), 0);
    for (size_t v = 0; v < current.size(); ++v) {
        bool after_free = false;
        for (int x : current[v]) {
            if (x < 0 || static_cast<size_t>(x) >= p.jobs.size() || seen[static_cast<size_t>(x)]++) return false;
            const VrpJob& j = p.jobs[static_cast<size_t>(x)];
            if (j.vehicle && static_cast<size_t>(*j.vehicle) != v) return false;
            if (j.begun && after_free) return false;
            if (!j.begun) after_free = true;
        }
    }
    return std::all_of(seen.begin(), seen.end(), [](int s) { return s == 1; });
}

}  // namespace

VrpSolution evaluate_vrp(const VrpProblem& p, const std::vector<std::vector<int>>& routes) {
    VrpSolution s;
    int64_t lo = 0, hi = 0;
    for (size_t vi = 0; vi < p.vehicles.size(); ++vi) {
        const VrpVehicle& veh = p.vehicles[vi];
        VrpRoute r;
        if (vi < routes.size()) r.jobs = routes[vi];
        int64_t time = veh.shift_start_s, service = 0;
        int prev = veh.start_node;
        for (int x : r.jobs) {
            const VrpJob& j = p.jobs[static_cast<size_t>(x)];
            int64_t leg = p.t(prev, j.node);
            r.travel_s += leg;
            r.arrival_s.push_back(time + leg);
            int64_t st = std::max(time + leg, j.ready_s);
            r.start_s.push_back(st);
            bool late = st > j.due_s;
            r.late.push_back(late);
            if (late) {
                ++r.late_count;
                r.lateness_s += st - j.due_s;
            }
            if (!fits_vehicle(p, j, static_cast<int>(vi))) ++r.wrong_vehicle;
            time = st + j.service_s;
            service += j.service_s;
            r.load += j.load;
            prev = j.node;
        }
        if (!r.jobs.empty()) {
            int64_t leg = p.t(prev, veh.end_node);
            r.travel_s += leg;
            time += leg;
        }
        r.finish_s = time;
        r.work_s = r.travel_s + service;
        r.overtime_s = std::max<int64_t>(0, time - veh.shift_end_s);
        if (veh.capacity) r.over_capacity = std::max<int64_t>(0, r.load - *veh.capacity);
        s.cost += price(p, static_cast<int>(vi), r.jobs.data(), r.jobs.size()).cost;
        s.travel_s += r.travel_s;
        s.late_count += r.late_count;
        s.lateness_s += r.lateness_s;
        s.overtime_s += r.overtime_s;
        s.over_capacity += r.over_capacity;
        s.wrong_vehicle += r.wrong_vehicle;
        if (vi == 0 || r.work_s < lo) lo = r.work_s;
        if (vi == 0 || r.work_s > hi) hi = r.work_s;
        s.routes.push_back(std::move(r));
    }
    s.spread_s = hi - lo;
    s.cost += p.balance_weight * static_cast<double>(s.spread_s);
    return s;
}

VrpSolution solve_vrp(const VrpProblem& p, const std::vector<std::vector<int>>& current) {
    check(p);
    Search search(p);
    std::vector<int> movable;
    std::vector<Route> rs = search.start(current, movable);
    int iterations = p.iterations;
    if (iterations <= 0) {
        double size = static_cast<double>(p.jobs.size() + p.vehicles.size());
        iterations = static_cast<int>(std::clamp(1.2e7 / std::max(1.0, size), 5000.0, 120000.0));
        if (p.jobs.size() <= 3) iterations = 2000;
    }
    rs = search.run(std::move(rs), movable, iterations);
    std::vector<std::vector<int>> routes;
    for (const auto& r : rs) routes.push_back(r.jobs);
    VrpSolution found = evaluate_vrp(p, routes);
    if (complete(p, current)) {
        VrpSolution was = evaluate_vrp(p, current);
        if (was.cost < found.cost - 1e-9) return was;
    }
    return found;
}

}  // namespace pom
