#include "route_solver.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace pom {

bool DaySchedule::better_than(const DaySchedule& o) const {
    if (late_count != o.late_count) return late_count < o.late_count;
    if (lateness_s != o.lateness_s) return lateness_s < o.lateness_s;
    return travel_s < o.travel_s;
}

namespace {

// Follows `order` from the start; leg(prev_node, node) is the travel between two nodes.
template <class Leg>
DaySchedule follow(const DayProblem& p, const std::vector<int>& order, Leg leg_between) {
    DaySchedule s;
    s.order = order;
    s.arrival_s.reserve(order.size());
    s.start_s.reserve(order.size());
    s.late.reserve(order.size());
    int64_t t = p.day_start_s;
    size_t prev = 0;
    for (int i : order) {
        const SolverStop& st = p.stops[static_cast<size_t>(i)];
        size_t node = static_cast<size_t>(i) + 1;
        int64_t leg = leg_between(prev, node);
        s.travel_s += leg;
        t += leg;
        s.arrival_s.push_back(t);
        int64_t start = std::max(t, st.ready_s);
        s.start_s.push_back(start);
        bool late = start > st.due_s;
        s.late.push_back(late);
        if (late) {
            ++s.late_count;
            s.lateness_s += start - st.due_s;
        }
        t = start + st.service_s;
        prev = node;
    }
    int64_t leg = leg_between(prev, p.end_node());
    s.travel_s += leg;
    s.finish_s = t + leg;
    return s;
}

}  // namespace

DaySchedule evaluate_day(const DayProblem& p, const std::vector<int>& order) {
    return follow(p, order, [&p](size_t a, size_t b) { return p.t(a, b); });
}

DaySchedule evaluate_chain(const DayProblem& p, const std::vector<int64_t>& legs) {
    std::vector<int> order(p.stops.size());
    std::iota(order.begin(), order.end(), 0);
    // In the stops' own order the k-th leg leaves node k (the start, then stop k - 1).
    return follow(p, order, [&legs](size_t a, size_t) { return legs[a]; });
}

namespace {

// What evaluate_day compares, without the per-stop vectors: the search evaluates millions of orders.
struct Cost {
    int late = 0;
    int64_t lateness = 0, travel = 0;
    bool better_than(const Cost& o) const {
        if (late != o.late) return late < o.late;
        if (lateness != o.lateness) return lateness < o.lateness;
        return travel < o.travel;
    }
};

Cost quick_cost(const DayProblem& p, const int* order, size_t m) {
    Cost c;
    int64_t t = p.day_start_s;
    size_t prev = 0;
    for (size_t k = 0; k < m; ++k) {
        const SolverStop& st = p.stops[static_cast<size_t>(order[k])];
        size_t node = static_cast<size_t>(order[k]) + 1;
        int64_t leg = p.t(prev, node);
        c.travel += leg;
        t += leg;
        int64_t start = std::max(t, st.ready_s);
        if (start > st.due_s) {
            ++c.late;
            c.lateness += start - st.due_s;
        }
        t = start + st.service_s;
        prev = node;
    }
    c.travel += p.t(prev, p.end_node());
    return c;
}

// ---- The tour search: symmetric travel, no windows, nothing fixed ----------------------------

class TourSearch {
public:
    TourSearch(const std::vector<int64_t>& dist, size_t n, uint64_t seed) : m_d(dist), m_n(n), m_rng(seed) {
        size_t k = std::min<size_t>(10, n - 1);
        m_neigh.resize(n);
        std::vector<int> all;
        for (size_t a = 0; a < n; ++a) {
            all.resize(n);
            std::iota(all.begin(), all.end(), 0);
            all.erase(all.begin() + static_cast<long>(a));
            std::partial_sort(all.begin(), all.begin() + static_cast<long>(k), all.end(),
                              [&](int x, int y) { return d(a, x) < d(a, y) || (d(a, x) == d(a, y) && x < y); });
            m_neigh[a].assign(all.begin(), all.begin() + static_cast<long>(k));
        }
    }

    std::vector<int> run(int iterations) {
        nearest_neighbour();
        m_dirty.assign(m_n, true);
        m_queue.clear();
        for (size_t i = 0; i < m_n; ++i) m_queue.push_back(static_cast<int>(i));
        local_search();
        std::vector<int> best = m_tour;
        int64_t best_cost = length();
        int64_t cost = best_cost;
        std::vector<int> saved;
        for (int it = 0; it < iterations; ++it) {
            saved = m_tour;
            perturb();
            local_search();
            int64_t c = length();
            if (c <= cost) {
                cost = c;
                if (c < best_cost) {
                    best_cost = c;
                    best = m_tour;
                }
            } else {
                m_tour = saved;
                index();
            }
        }
        auto zero = std::find(best.begin(), best.end(), 0);
        std::rotate(best.begin(), zero, best.end());
        return best;
    }

private:
    int64_t d(size_t a, size_t b) const { return m_d[a * m_n + b]; }
    int next(int v) const { return m_tour[(static_cast<size_t>(m_pos[static_cast<size_t>(v)]) + 1) % m_n]; }
    int prev(int v) const { return m_tour[(static_cast<size_t>(m_pos[static_cast<size_t>(v)]) + m_n - 1) % m_n]; }

    int64_t length() const {
        int64_t s = 0;
        for (size_t i = 0; i < m_n; ++i) s += d(static_cast<size_t>(m_tour[i]), static_cast<size_t>(m_tour[(i + 1) % m_n]));
        return s;
    }

    void index() {
        m_pos.resize(m_n);
        for (size_t i = 0; i < m_n; ++i) m_pos[static_cast<size_t>(m_tour[i])] = static_cast<int>(i);
    }

    void nearest_neighbour() {
        std::vector<bool> used(m_n, false);
        m_tour.clear();
        size_t cur = 0;
        used[0] = true;
        m_tour.push_back(0);
        for (size_t step = 1; step < m_n; ++step) {
            size_t best = m_n;
            for (int c : m_neigh[cur])
                if (!used[static_cast<size_t>(c)]) {
                    best = static_cast<size_t>(c);
                    break;
                }
            if (best == m_n)
                for (size_t c = 0; c < m_n; ++c)
                    if (!used[c] && (best == m_n || d(cur, c) < d(cur, best))) best = c;
            used[best] = true;
            m_tour.push_back(static_cast<int>(best));
            cur = best;
        }
        index();
    }

    void push(int v) {
        if (!m_dirty[static_cast<size_t>(v)]) {
            m_dirty[static_cast<size_t>(v)] = true;
            m_queue.push_back(v);
        }
    }

    // Reverses the tour from position i to position j going forward (wrapping), or the rest of
    // the cycle instead when that is shorter: the same cycle either way.
    void reverse(size_t i, size_t j) {
        size_t len = (j + m_n - i) % m_n + 1;
        if (2 * len > m_n) {
            size_t ni = (j + 1) % m_n, nj = (i + m_n - 1) % m_n;
            i = ni;
            j = nj;
            len = m_n - len;
        }
        for (size_t k = 0; k < len / 2; ++k) {
            size_t a = (i + k) % m_n, b = (j + m_n - k) % m_n;
            std::swap(m_tour[a], m_tour[b]);
            m_pos[static_cast<size_t>(m_tour[a])] = static_cast<int>(a);
            m_pos[static_cast<size_t>(m_tour[b])] = static_cast<int>(b);
        }
    }

    bool two_opt(int a) {
        for (int dir = 0; dir < 2; ++dir) {
            int b = dir == 0 ? next(a) : prev(a);
            int64_t dab = d(static_cast<size_t>(a), static_cast<size_t>(b));
            for (int c : m_neigh[static_cast<size_t>(a)]) {
                int64_t dac = d(static_cast<size_t>(a), static_cast<size_t>(c));
                if (dac >= dab) break;
                int e = dir == 0 ? next(c) : prev(c);
                if (c == b || e == a) continue;
                int64_t delta = dac + d(static_cast<size_t>(b), static_cast<size_t>(e)) - dab -
                                d(static_cast<size_t>(c), static_cast<size_t>(e));
                if (delta < 0) {
                    // forward: a b ... c e  ->  a c ... b e ; backward: e c ... b a -> e b ... c a
                    if (dir == 0) reverse(static_cast<size_t>(m_pos[static_cast<size_t>(b)]), static_cast<size_t>(m_pos[static_cast<size_t>(c)]));
                    else reverse(static_cast<size_t>(m_pos[static_cast<size_t>(c)]), static_cast<size_t>(m_pos[static_cast<size_t>(b)]));
                    push(a);
                    push(b);
                    push(c);
                    push(e);
                    return true;
                }
            }
        }
        return false;
    }

    // Moves the segment of `len` nodes starting at `a` (forward) between c and next(c), either way round.
    bool or_opt(int a) {
        for (size_t len = 1; len <= 3 && len + 2 < m_n; ++len) {
            size_t pa = static_cast<size_t>(m_pos[static_cast<size_t>(a)]);
            int e = m_tour[(pa + len - 1) % m_n];
            int p = prev(a), nx = next(e);
            int64_t gain = d(static_cast<size_t>(p), static_cast<size_t>(a)) + d(static_cast<size_t>(e), static_cast<size_t>(nx)) -
                           d(static_cast<size_t>(p), static_cast<size_t>(nx));
            if (gain <= 0) continue;
            auto in_segment = [&](int v) {
                size_t off = (static_cast<size_t>(m_pos[static_cast<size_t>(v)]) + m_n - pa) % m_n;
                return off < len;
            };
            for (int end_side = 0; end_side < 2; ++end_side) {
                int from = end_side == 0 ? a : e;
                for (int c : m_neigh[static_cast<size_t>(from)]) {
                    if (d(static_cast<size_t>(from), static_cast<size_t>(c)) >= gain) break;
                    if (in_segment(c)) continue;
                    for (int side = 0; side < 2; ++side) {
                        // insert between u and v = next(u), where c is u (side 0) or v (side 1)
                        int u = side == 0 ? c : prev(c);
                        int v = side == 0 ? next(c) : c;
                        if (in_segment(u) || in_segment(v) || u == p) continue;
                        int64_t uv = d(static_cast<size_t>(u), static_cast<size_t>(v));
                        int64_t keep = d(static_cast<size_t>(u), static_cast<size_t>(a)) + d(static_cast<size_t>(e), static_cast<size_t>(v)) - uv;
                        int64_t flip = d(static_cast<size_t>(u), static_cast<size_t>(e)) + d(static_cast<size_t>(a), static_cast<size_t>(v)) - uv;
                        int64_t add = std::min(keep, flip);
                        if (add < gain) {
                            move_segment(pa, len, u, flip < keep);
                            push(a);
                            push(e);
                            push(p);
                            push(nx);
                            push(u);
                            push(v);
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    void move_segment(size_t pa, size_t len, int after, bool flipped) {
        std::vector<int> seg;
        seg.reserve(len);
        for (size_t k = 0; k < len; ++k) seg.push_back(m_tour[(pa + k) % m_n]);
        if (flipped) std::reverse(seg.begin(), seg.end());
        std::vector<int> rest;
        rest.reserve(m_n);
        for (size_t k = 0; k < m_n - len; ++k) rest.push_back(m_tour[(pa + len + k) % m_n]);
        auto at = std::find(rest.begin(), rest.end(), after);
        rest.insert(at + 1, seg.begin(), seg.end());
        m_tour = std::move(rest);
        index();
    }

    void local_search() {
        while (!m_queue.empty()) {
            int v = m_queue.front();
            m_queue.erase(m_queue.begin());
            m_dirty[static_cast<size_t>(v)] = false;
            while (two_opt(v) || or_opt(v)) {
            }
        }
    }

    // A double bridge kept local: two adjacent segments near each other swap places.
    void perturb() {
        if (m_n < 8) return;
        size_t span = std::min<size_t>(m_n / 3, 30);
        std::uniform_int_distribution<size_t> at(0, m_n - 1), len(1, span);
        size_t i = at(m_rng), l1 = len(m_rng), l2 = len(m_rng);
        std::vector<int> a, b;
        for (size_t k = 0; k < l1; ++k) a.push_back(m_tour[(i + 1 + k) % m_n]);
        for (size_t k = 0; k < l2; ++k) b.push_back(m_tour[(i + 1 + l1 + k) % m_n]);
        size_t w = 0;
        for (int v : b) m_tour[(i + 1 + w++) % m_n] = v;
        for (int v : a) m_tour[(i + 1 + w++) % m_n] = v;
        index();
        push(m_tour[i % m_n]);
        push(a.front());
        push(a.back());
        push(b.front());
        push(b.back());
        push(m_tour[(i + 1 + l1 + l2) % m_n]);
        local_search();
    }

    const std::vector<int64_t>& m_d;
    size_t m_n;
    std::mt19937_64 m_rng;
    std::vector<std::vector<int>> m_neigh;
    std::vector<int> m_tour, m_pos, m_queue;
    std::vector<bool> m_dirty;
};

// ---- The general day: windows, fixed places, any travel -----------------------------------------

class DaySearch {
public:
    DaySearch(const DayProblem& p) : m_p(p), m_rng(p.seed) {
        size_t m = p.stops.size();
        m_fixed_at.assign(m, -1);
        for (size_t i = 0; i < m; ++i) {
            const auto& f = p.stops[i].fixed_position;
            if (f && *f >= 0 && static_cast<size_t>(*f) < m && m_fixed_at[static_cast<size_t>(*f)] < 0)
                m_fixed_at[static_cast<size_t>(*f)] = static_cast<int>(i);
            else m_free.push_back(static_cast<int>(i));
        }
    }

    size_t free_count() const { return m_free.size(); }

    // The whole order from the free stops in `free_order`, the fixed ones at their places.
    std::vector<int> merge(const std::vector<int>& free_order) const {
        std::vector<int> out;
        out.reserve(m_fixed_at.size());
        size_t k = 0;
        for (int f : m_fixed_at) out.push_back(f >= 0 ? f : free_order[k++]);
        return out;
    }

    DaySchedule eval(const std::vector<int>& free_order) const { return evaluate_day(m_p, merge(free_order)); }

    Cost cost(const std::vector<int>& free_order) {
        size_t k = 0;
        m_buffer.resize(m_fixed_at.size());
        for (size_t i = 0; i < m_fixed_at.size(); ++i) m_buffer[i] = m_fixed_at[i] >= 0 ? m_fixed_at[i] : free_order[k++];
        return quick_cost(m_p, m_buffer.data(), m_buffer.size());
    }

    DaySchedule exact() {
        std::vector<int> order = m_free;
        std::sort(order.begin(), order.end());
        std::vector<int> best = order;
        Cost best_cost = cost(order);
        while (std::next_permutation(order.begin(), order.end())) {
            Cost c = cost(order);
            if (c.better_than(best_cost)) {
                best_cost = c;
                best = order;
            }
        }
        return eval(best);
    }

    DaySchedule ils(const std::vector<std::vector<int>>& starts, int iterations) {
        std::vector<int> best;
        Cost best_cost;
        for (const auto& start : starts) {
            std::vector<int> cur = start;
            Cost cs = descend(cur);
            if (best.empty() || cs.better_than(best_cost)) {
                best_cost = cs;
                best = cur;
            }
            for (int it = 0; it < iterations; ++it) {
                std::vector<int> next = cur;
                kick(next);
                Cost ns = descend(next);
                if (!cs.better_than(ns)) {
                    cur = std::move(next);
                    cs = ns;
                    if (cs.better_than(best_cost)) {
                        best_cost = cs;
                        best = cur;
                    }
                }
            }
        }
        return eval(best);
    }

    std::vector<int> free_stops() const { return m_free; }

    // The free stops by window: those that must be reached early first.
    std::vector<int> by_window() const {
        std::vector<int> o = m_free;
        std::stable_sort(o.begin(), o.end(), [&](int a, int b) {
            const auto& x = m_p.stops[static_cast<size_t>(a)];
            const auto& y = m_p.stops[static_cast<size_t>(b)];
            return std::min(x.due_s, k_no_due) < std::min(y.due_s, k_no_due) ||
                   (x.due_s == y.due_s && x.ready_s < y.ready_s);
        });
        return o;
    }

    std::vector<int> nearest() const {
        std::vector<int> left = m_free, o;
        size_t at = 0;
        while (!left.empty()) {
            size_t best = 0;
            for (size_t k = 1; k < left.size(); ++k)
                if (m_p.t(at, static_cast<size_t>(left[k]) + 1) < m_p.t(at, static_cast<size_t>(left[best]) + 1)) best = k;
            o.push_back(left[best]);
            at = static_cast<size_t>(left[best]) + 1;
            left.erase(left.begin() + static_cast<long>(best));
        }
        return o;
    }

private:
    // First-improvement descent over relocate, exchange, 2-opt and Or-opt (2 and 3 stops).
    Cost descend(std::vector<int>& order) {
        Cost cur = cost(order);
        size_t n = order.size();
        bool improved = true;
        std::vector<int> cand;
        auto try_it = [&]() {
            Cost s = cost(cand);
            if (s.better_than(cur)) {
                cur = s;
                order = cand;
                return true;
            }
            return false;
        };
        while (improved) {
            improved = false;
            // 2-opt: reverse order[i..j]
            for (size_t i = 0; i < n && !improved; ++i)
                for (size_t j = i + 1; j < n && !improved; ++j) {
                    cand = order;
                    std::reverse(cand.begin() + static_cast<long>(i), cand.begin() + static_cast<long>(j) + 1);
                    improved = try_it();
                }
            // relocate and Or-opt: a segment of 1-3 stops to another place
            for (size_t len = 1; len <= 3 && !improved; ++len)
                for (size_t i = 0; i + len <= n && !improved; ++i)
                    for (size_t j = 0; j + len <= n && !improved; ++j) {
                        if (j == i) continue;
                        cand = order;
                        std::vector<int> seg(cand.begin() + static_cast<long>(i), cand.begin() + static_cast<long>(i + len));
                        cand.erase(cand.begin() + static_cast<long>(i), cand.begin() + static_cast<long>(i + len));
                        cand.insert(cand.begin() + static_cast<long>(j), seg.begin(), seg.end());
                        improved = try_it();
                    }
            // exchange two stops
            for (size_t i = 0; i < n && !improved; ++i)
                for (size_t j = i + 2; j < n && !improved; ++j) {
                    cand = order;
                    std::swap(cand[i], cand[j]);
                    improved = try_it();
                }
        }
        return cur;
    }

    void kick(std::vector<int>& order) {
        size_t n = order.size();
        if (n < 3) return;
        std::uniform_int_distribution<size_t> pick(0, n - 1);
        int moves = 2 + static_cast<int>(pick(m_rng) % 2);
        for (int k = 0; k < moves; ++k) {
            size_t i = pick(m_rng), j = pick(m_rng);
            int v = order[i];
            order.erase(order.begin() + static_cast<long>(i));
            order.insert(order.begin() + static_cast<long>(std::min(j, order.size())), v);
        }
    }

    const DayProblem& m_p;
    std::mt19937_64 m_rng;
    std::vector<int> m_fixed_at;  ///< per position: the fixed stop there, or -1
    std::vector<int> m_free;
    std::vector<int> m_buffer;
};

bool plain_tour(const DayProblem& p) {
    if (p.separate_end || p.stops.size() < 9) return false;
    for (const auto& s : p.stops)
        if (s.fixed_position || s.due_s < k_no_due || s.ready_s > p.day_start_s) return false;
    size_t n = p.nodes();
    for (size_t a = 0; a < n; ++a)
        for (size_t b = a + 1; b < n; ++b)
            if (p.t(a, b) != p.t(b, a)) return false;
    return true;
}

}  // namespace

std::vector<int> solve_tour(const std::vector<int64_t>& dist, size_t n, uint64_t seed, int iterations) {
    if (n <= 3) {
        std::vector<int> t(n);
        std::iota(t.begin(), t.end(), 0);
        return t;
    }
    if (iterations <= 0) iterations = static_cast<int>(std::min<size_t>(60000, 2000 + n * 150));
    TourSearch search(dist, n, seed);
    return search.run(iterations);
}

DaySchedule solve_day(const DayProblem& p, const std::vector<int>& start_order) {
    std::optional<DaySchedule> given;
    if (!start_order.empty()) given = evaluate_day(p, start_order);
    DaySchedule best;
    if (p.stops.empty()) {
        best = evaluate_day(p, {});
    } else if (plain_tour(p)) {
        std::vector<int> tour = solve_tour(p.travel, p.nodes(), p.seed);
        std::vector<int> order;
        for (size_t k = 1; k < tour.size(); ++k) order.push_back(tour[k] - 1);
        best = evaluate_day(p, order);
    } else {
        DaySearch search(p);
        if (search.free_count() <= 8) {
            best = search.exact();
        } else {
            std::vector<std::vector<int>> starts{search.by_window(), search.nearest()};
            if (!start_order.empty()) {
                std::vector<bool> fixed(p.stops.size(), false);
                for (size_t i = 0; i < p.stops.size(); ++i) fixed[i] = p.stops[i].fixed_position.has_value();
                std::vector<int> given_free;
                for (int s : start_order)
                    if (!fixed[static_cast<size_t>(s)]) given_free.push_back(s);
                if (given_free.size() == search.free_count()) starts.push_back(given_free);
            }
            size_t n = search.free_count();
            int iterations = static_cast<int>(std::max<size_t>(30, std::min<size_t>(200, 3000 / (n * n / 4 + 1))));
            best = search.ils(starts, iterations);
        }
    }
    if (given && given->better_than(best)) return *given;
    return best;
}

}  // namespace pom
