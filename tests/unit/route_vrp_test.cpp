// The several-technician solver (lib/route_vrp) against exhaustive search on small days.
#include "route_vrp.h"

#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

using namespace pom;

namespace {

// Every split of every order of the jobs over two vehicles, with the rules of fixed vehicles;
// the cheapest as the solver prices them.
VrpSolution exhaustive(const VrpProblem& p) {
    REQUIRE(p.vehicles.size() == 2);
    std::vector<int> perm(p.jobs.size());
    std::iota(perm.begin(), perm.end(), 0);
    std::optional<VrpSolution> best;
    do {
        for (size_t k = 0; k <= perm.size(); ++k) {
            std::vector<std::vector<int>> routes(2);
            routes[0].assign(perm.begin(), perm.begin() + static_cast<std::ptrdiff_t>(k));
            routes[1].assign(perm.begin() + static_cast<std::ptrdiff_t>(k), perm.end());
            bool ok = true;
            for (size_t v = 0; v < 2; ++v)
                for (int x : routes[v])
                    if (p.jobs[static_cast<size_t>(x)].vehicle && static_cast<size_t>(*p.jobs[static_cast<size_t>(x)].vehicle) != v) ok = false;
            if (!ok) continue;
            VrpSolution s = evaluate_vrp(p, routes);
            if (!best || s.cost < best->cost) best = s;
        }
    } while (std::next_permutation(perm.begin(), perm.end()));
    return *best;
}

// Two technicians from different places, jobs scattered over a 40-minute square, some with
// 1-3 hour windows, loads of 1-3 against capacities, and a shift end that may bind.
VrpProblem random_problem(std::mt19937& rng, size_t m, bool windows, bool capacity) {
    VrpProblem p;
    p.seed = rng();
    p.iterations = 3000;
    std::uniform_real_distribution<double> coord(0, 2400);
    size_t n = m + 2;
    std::vector<std::pair<double, double>> xy(n);
    for (auto& c : xy) c = {coord(rng), coord(rng)};
    p.nodes = n;
    p.travel.assign(n * n, 0);
    for (size_t a = 0; a < n; ++a)
        for (size_t b = 0; b < n; ++b)
            p.travel[a * n + b] = static_cast<int64_t>(std::hypot(xy[a].first - xy[b].first, xy[a].second - xy[b].second) +
                                                       (a < b ? 60 : 0));  // a little asymmetric
    for (int v = 0; v < 2; ++v) {
        VrpVehicle veh;
        veh.start_node = veh.end_node = v;
        veh.shift_start_s = 8 * 3600;
        veh.shift_end_s = 8 * 3600 + static_cast<int64_t>(std::uniform_int_distribution<int>(3, 6)(rng)) * 3600;
        if (capacity) veh.capacity = std::uniform_int_distribution<int>(4, 8)(rng);
        p.vehicles.push_back(veh);
    }
    for (size_t i = 0; i < m; ++i) {
        VrpJob j;
        j.node = static_cast<int>(i + 2);
        j.service_s = std::uniform_int_distribution<int>(10, 40)(rng) * 60;
        j.load = std::uniform_int_distribution<int>(1, 3)(rng);
        if (windows && rng() % 2 == 0) {
            j.ready_s = 8 * 3600 + std::uniform_int_distribution<int>(0, 4)(rng) * 3600;
            j.due_s = j.ready_s + std::uniform_int_distribution<int>(1, 3)(rng) * 3600;
        }
        p.jobs.push_back(j);
    }
    return p;
}

}  // namespace

TEST_CASE("vrp: the solver finds the exact optimum of small days") {
    std::mt19937 rng(22);
    int cases = 0;
    for (size_t m : {3u, 5u, 6u, 7u})
        for (int variant = 0; variant < 4; ++variant) {
            VrpProblem p = random_problem(rng, m, variant & 1, variant & 2);
            VrpSolution exact = exhaustive(p);
            VrpSolution got = solve_vrp(p);
            INFO("jobs " << m << " variant " << variant << " exact " << exact.cost << " got " << got.cost);
            CHECK(got.cost == Approx(exact.cost).epsilon(1e-9));
            CHECK(got.late_count <= exact.late_count);  // never a window missed that can be kept
            CHECK(got.over_capacity <= exact.over_capacity);
            std::vector<int> seen;
            for (const auto& r : got.routes) seen.insert(seen.end(), r.jobs.begin(), r.jobs.end());
            std::sort(seen.begin(), seen.end());
            std::vector<int> all(m);
            std::iota(all.begin(), all.end(), 0);
            CHECK(seen == all);  // every job once, none dropped
            ++cases;
        }
    CHECK(cases == 16);
}

TEST_CASE("vrp: the same problem gives the same answer") {
    std::mt19937 rng(7);
    VrpProblem p = random_problem(rng, 7, true, true);
    p.iterations = 0;
    VrpSolution a = solve_vrp(p), b = solve_vrp(p);
    REQUIRE(a.routes.size() == b.routes.size());
    for (size_t v = 0; v < a.routes.size(); ++v) CHECK(a.routes[v].jobs == b.routes[v].jobs);
    CHECK(a.cost == b.cost);
}

TEST_CASE("vrp: skills, fixed and allowed vehicles, kept places") {
    // Four places on a line: vehicle 0 at 0, vehicle 1 at 3; jobs at 1 and 2.
    VrpProblem p;
    p.nodes = 4;
    for (int a = 0; a < 4; ++a)
        for (int b = 0; b < 4; ++b) p.travel.push_back(600 * std::abs(a - b));
    VrpVehicle v0, v1;
    v0.start_node = v0.end_node = 0;
    v1.start_node = v1.end_node = 3;
    v0.skills = 1;  // skill 0 only
    v1.skills = 2;  // skill 1 only
    p.vehicles = {v0, v1};
    VrpJob near0, near1;
    near0.node = 1;
    near1.node = 2;
    near0.service_s = near1.service_s = 600;
    p.jobs = {near0, near1};

    SECTION("each goes to the nearer technician") {
        auto s = solve_vrp(p);
        CHECK(s.routes[0].jobs == std::vector<int>{0});
        CHECK(s.routes[1].jobs == std::vector<int>{1});
    }
    SECTION("a skill sends a job to the far technician") {
        p.jobs[0].skills = 2;
        auto s = solve_vrp(p);
        CHECK(s.routes[1].jobs.size() == 2);
        CHECK(s.wrong_vehicle == 0);
    }
    SECTION("a skill nobody has: assigned anyway, and reported") {
        p.jobs[0].skills = 4;
        auto s = solve_vrp(p);
        CHECK(s.routes[0].jobs.size() + s.routes[1].jobs.size() == 2);
        CHECK(s.wrong_vehicle == 1);
    }
    SECTION("allowed vehicles") {
        p.jobs[1].allowed = {0};
        auto s = solve_vrp(p);
        CHECK(s.routes[0].jobs.size() == 2);
    }
    SECTION("a kept visit stays with its technician and in its place") {
        p.jobs[0].vehicle = 1;
        p.jobs[0].keep_place = true;
        p.jobs[0].begun = true;
        p.jobs.push_back(near1);  // job 2 at node 2
        p.jobs[2].node = 3;
        auto s = solve_vrp(p, {{}, {0}});
        REQUIRE(!s.routes[1].jobs.empty());
        CHECK(s.routes[1].jobs.front() == 0);  // begun: nothing goes before it
    }
    SECTION("a window nobody can keep: assigned and late, not dropped") {
        p.jobs[1].due_s = 60;  // before anyone can get there
        auto s = solve_vrp(p);
        CHECK(s.routes[0].jobs.size() + s.routes[1].jobs.size() == 2);
        CHECK(s.late_count == 1);
    }
    SECTION("capacity moves a job") {
        p.vehicles[0].capacity = p.vehicles[1].capacity = 1;
        p.vehicles[0].skills = p.vehicles[1].skills = 3;
        p.jobs[0].load = 1;
        p.jobs[1].load = 1;
        p.jobs[1].node = 1;  // both near vehicle 0; each can take only one
        auto s = solve_vrp(p);
        CHECK(s.routes[0].jobs.size() == 1);
        CHECK(s.routes[1].jobs.size() == 1);
        CHECK(s.over_capacity == 0);
    }
}

TEST_CASE("vrp: balance spreads the work") {
    // Eight jobs at one place next to vehicle 0; vehicle 1 ten minutes away.
    VrpProblem p;
    p.nodes = 3;
    p.travel = {0, 60, 120, 60, 0, 600, 120, 600, 0};
    VrpVehicle v0, v1;
    v0.start_node = v0.end_node = 0;
    v1.start_node = v1.end_node = 2;
    p.vehicles = {v0, v1};
    for (int i = 0; i < 8; ++i) {
        VrpJob j;
        j.node = 1;
        j.service_s = 1800;
        p.jobs.push_back(j);
    }
    auto greedy = solve_vrp(p);
    CHECK(greedy.spread_s > 0);
    p.balance_weight = 1;
    auto even = solve_vrp(p);
    CHECK(even.routes[0].jobs.size() == 4);
    CHECK(even.routes[1].jobs.size() == 4);
}

TEST_CASE("vrp: a malformed problem is refused") {
    VrpProblem p;
    p.nodes = 2;
    p.travel = {0, 1, 1};
    CHECK_THROWS_AS(solve_vrp(p), std::invalid_argument);
}
