// The route solver against exhaustive search, on TSPLIB's berlin52, and the travel matrix parser.
#include "error.h"
#include "route_solver.h"
#include "route_travel.h"

#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <random>
#include <sstream>

using namespace pom;

namespace {

// Every order of the stops, compared as the solver compares them (fixed stops at their places).
DaySchedule exhaustive(const DayProblem& p) {
    size_t m = p.stops.size();
    std::vector<int> fixed_at(m, -1), free;
    for (size_t i = 0; i < m; ++i) {
        if (p.stops[i].fixed_position) fixed_at[static_cast<size_t>(*p.stops[i].fixed_position)] = static_cast<int>(i);
        else free.push_back(static_cast<int>(i));
    }
    std::optional<DaySchedule> best;
    do {
        std::vector<int> order;
        size_t k = 0;
        for (int f : fixed_at) order.push_back(f >= 0 ? f : free[k++]);
        DaySchedule s = evaluate_day(p, order);
        if (!best || s.better_than(*best)) best = s;
    } while (std::next_permutation(free.begin(), free.end()));
    return *best;
}

// Stops scattered over a 30 km square, windows of 1-3 hours on some of them, 20-60 minutes each.
DayProblem random_day(std::mt19937& rng, size_t m, bool windows, bool end) {
    DayProblem p;
    p.seed = rng();
    p.stops.resize(m);
    size_t n = m + 1 + (end ? 1 : 0);
    p.separate_end = end;
    std::uniform_real_distribution<double> coord(0, 30);
    std::vector<std::pair<double, double>> at(n);
    for (auto& a : at) a = {coord(rng), coord(rng)};
    p.travel.resize(n * n);
    for (size_t a = 0; a < n; ++a)
        for (size_t b = 0; b < n; ++b)
            p.travel[a * n + b] = static_cast<int64_t>(std::hypot(at[a].first - at[b].first, at[a].second - at[b].second) * 90);
    std::uniform_int_distribution<int> service(20, 60), hour(8, 15), len(1, 3), coin(0, 2);
    for (auto& s : p.stops) {
        s.service_s = service(rng) * 60;
        if (windows && coin(rng) == 0) {
            s.ready_s = hour(rng) * 3600;
            s.due_s = s.ready_s + len(rng) * 3600;
        }
    }
    return p;
}

std::vector<int64_t> tsplib(const std::string& name, size_t& n) {
    std::ifstream in(std::string("/work/shared/reference/routing/tsplib/") + name + ".tsp");
    std::vector<std::pair<double, double>> xy;
    std::string line;
    bool coords = false;
    while (std::getline(in, line)) {
        if (line.rfind("NODE_COORD_SECTION", 0) == 0) {
            coords = true;
            continue;
        }
        if (line.rfind("EOF", 0) == 0) break;
        if (!coords) continue;
        std::istringstream ls(line);
        double id, x, y;
        if (ls >> id >> x >> y) xy.emplace_back(x, y);
    }
    n = xy.size();
    std::vector<int64_t> d(n * n);
    for (size_t a = 0; a < n; ++a)
        for (size_t b = 0; b < n; ++b)
            d[a * n + b] = static_cast<int64_t>(std::sqrt((xy[a].first - xy[b].first) * (xy[a].first - xy[b].first) +
                                                          (xy[a].second - xy[b].second) * (xy[a].second - xy[b].second)) + 0.5);
    return d;
}

}  // namespace

TEST_CASE("route solver: a day with windows is as good as every order tried", "[route]") {
    std::mt19937 rng(22);
    for (int round = 0; round < 30; ++round) {
        size_t m = 5 + static_cast<size_t>(round % 6);  // 5..10 stops: exact below 9, search above
        DayProblem p = random_day(rng, m, true, round % 3 == 0);
        DaySchedule want = exhaustive(p);
        DaySchedule got = solve_day(p);
        INFO("round " << round << ", " << m << " stops");
        REQUIRE(got.order.size() == m);
        std::vector<int> sorted = got.order;
        std::sort(sorted.begin(), sorted.end());
        for (size_t i = 0; i < m; ++i) REQUIRE(sorted[i] == static_cast<int>(i));
        // Never a window missed that an exact search can meet.
        CHECK(got.late_count == want.late_count);
        CHECK(got.lateness_s == want.lateness_s);
        CHECK(got.travel_s == want.travel_s);
    }
}

TEST_CASE("route solver: fixed stops keep their place", "[route]") {
    std::mt19937 rng(7);
    for (int round = 0; round < 10; ++round) {
        DayProblem p = random_day(rng, 9 + static_cast<size_t>(round % 2), round % 2 == 0, false);
        p.stops[2].fixed_position = 0;
        p.stops[5].fixed_position = 4;
        DaySchedule got = solve_day(p);
        CHECK(got.order[0] == 2);
        CHECK(got.order[4] == 5);
        DaySchedule want = exhaustive(p);
        CHECK(got.late_count == want.late_count);
        CHECK(got.travel_s == want.travel_s);
    }
}

TEST_CASE("route solver: windows that cannot all be met are reported, nothing dropped", "[route]") {
    DayProblem p;
    p.day_start_s = 8 * 3600;
    p.stops = {{1800, 9 * 3600, 9 * 3600, std::nullopt}, {1800, 9 * 3600, 9 * 3600, std::nullopt}, {1800, 0, k_no_due, std::nullopt}};
    p.travel = {0, 600, 600, 600, 600, 0, 600, 600, 600, 600, 0, 600, 600, 600, 600, 0};
    DaySchedule got = solve_day(p);
    CHECK(got.order.size() == 3);
    CHECK(got.late_count == 1);
}

TEST_CASE("route solver: never worse than the order it is given", "[route]") {
    std::mt19937 rng(3);
    DayProblem p = random_day(rng, 12, true, false);
    std::vector<int> given(12);
    std::iota(given.begin(), given.end(), 0);
    DaySchedule before = evaluate_day(p, given);
    DaySchedule after = solve_day(p, given);
    CHECK(!before.better_than(after));
    CHECK(solve_day(p, given).order == after.order);  // the same input, the same output
}

TEST_CASE("route solver: berlin52 within 1 % of its proven optimum", "[route]") {
    size_t n = 0;
    auto d = tsplib("berlin52", n);
    if (n == 0) return;  // the TSPLIB instances are not on this machine
    auto tour = solve_tour(d, n, 1);
    REQUIRE(tour.size() == n);
    CHECK(tour[0] == 0);
    int64_t len = 0;
    for (size_t i = 0; i < n; ++i) len += d[static_cast<size_t>(tour[i]) * n + static_cast<size_t>(tour[(i + 1) % n])];
    CHECK(len <= 7542 * 101 / 100);
}

TEST_CASE("travel matrix: a routing engine's CSV", "[route]") {
    auto m = TravelMatrix::parse(",pool:1,pool:2,worker:1\npool:1,0,120,300\npool:2,118,0,240.5\nworker:1,310,250,0\n", "m.csv");
    CHECK(m.seconds("pool:1", "pool:2") == 120);
    CHECK(m.seconds("pool:2", "worker:1") == 241);
    CHECK(m.seconds("worker:1", "pool:1") == 310);
    CHECK(m.keys().size() == 3);
}

TEST_CASE("travel matrix: bad cells are named by row and column", "[route]") {
    auto message = [](const std::string& text) {
        try {
            TravelMatrix::parse(text, "m.csv");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::BadInput);
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(message(",pool:1,pool:2\npool:1,0,-5\npool:2,3,0\n") == "m.csv: row 2 (pool:1), column 3 (pool:2): '-5' is negative");
    CHECK(message(",pool:1,pool:2\npool:1,0,abc\npool:2,3,0\n") ==
          "m.csv: row 2 (pool:1), column 3 (pool:2): 'abc' is not a number of seconds");
    CHECK(message(",pool:1,pool:2\npool:1,0,1\npool:3,3,0\n") == "m.csv: row 3, column 1: key 'pool:3' is not in the header row");
    CHECK(message(",pool:1,pool:2\npool:1,0,1\n") == "m.csv: key 'pool:2' of the header row has no row of its own");
    CHECK(message(",pool:1,pool:2\npool:1,0\npool:2,3,0\n") == "m.csv: row 2 (pool:1): 1 cells where the header has 2");
    CHECK(message("") == "m.csv: empty; the first row is the keys of the stops");
    CHECK(message(",pool:1,pool:2\npool:1,0,nan\npool:2,3,0\n") ==
          "m.csv: row 2 (pool:1), column 3 (pool:2): 'nan' is not a number of seconds");
    auto m = TravelMatrix::parse(",pool:1\npool:1,0\n", "m.csv");
    CHECK_THROWS_WITH(m.seconds("pool:1", "worker:9"), "m.csv: no row or column for worker:9");
}

TEST_CASE("travel: great circle, LAT,LON", "[route]") {
    // Phoenix to Tucson, about 171 km as the crow flies.
    double km = great_circle_km({33.4484, -112.0740}, {32.2226, -110.9747});
    CHECK(km > 165);
    CHECK(km < 175);
    auto at = parse_lat_lon("33.45, -112.07", "--start");
    CHECK(at.lat == Approx(33.45));
    CHECK(at.lon == Approx(-112.07));
    CHECK_THROWS_WITH(parse_lat_lon("33.45", "--start"), "--start: '33.45' is not LAT,LON in decimal degrees (\"33.45,-112.07\")");
    CHECK_THROWS_WITH(parse_lat_lon("95,10", "--start"), "--start: latitude must be between -90 and 90");
}
