// Water chemistry (lib/chemistry.h): reading limits, saturation indices, units and doses.
#include "chemistry.h"
#include "error.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <functional>

using namespace pom;
using Catch::Detail::Approx;

namespace {

ErrorKind kind_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("no error thrown");
    return ErrorKind::Internal;
}

std::optional<Recommendation> find(const std::vector<Recommendation>& recs, const std::string& param) {
    for (const auto& r : recs)
        if (r.parameter == param) return r;
    return std::nullopt;
}

}  // namespace

TEST_CASE("impossible readings are refused, naming the option") {
    Reading r;
    r.ph = 15;
    CHECK(kind_of([&] { check_reading(r); }) == ErrorKind::BadInput);
    try {
        check_reading(r);
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("--ph") != std::string::npos);
    }
    r.ph = 7.4;
    r.fc = -1;
    CHECK(kind_of([&] { check_reading(r); }) == ErrorKind::BadInput);
    r.fc = 3;
    r.temp_f = 140;
    CHECK(kind_of([&] { check_reading(r); }) == ErrorKind::BadInput);
    r.temp_f = 84;
    CHECK_NOTHROW(check_reading(r));
}

TEST_CASE("temperatures in °F or °C") {
    CHECK(parse_temperature("84", "--temp") == Approx(84));
    CHECK(parse_temperature("84F", "--temp") == Approx(84));
    CHECK(parse_temperature("27C", "--temp") == Approx(80.6));
    CHECK(parse_temperature("29.5c", "--temp") == Approx(85.1));
    CHECK(kind_of([] { parse_temperature("warm", "--temp"); }) == ErrorKind::BadInput);
    CHECK(kind_of([] { parse_temperature("200", "--temp"); }) == ErrorKind::BadInput);
    CHECK(kind_of([] { parse_temperature("60C", "--temp"); }) == ErrorKind::BadInput);
}

TEST_CASE("classic LSI interpolates the factor table as the New York code example does") {
    // 10 NYCRR 6-1's example: 68 °F → TF 0.52, CH 140 → CF 1.76, TA 20 → AF 1.225 (interpolated).
    Reading r;
    r.ph = 7.5;
    r.temp_f = 68;
    r.ch = 140;
    r.ta = 20;
    REQUIRE(lsi_classic(r));
    CHECK(*lsi_classic(r) == Approx(7.5 + 0.52 + 1.76 + 1.225 - 12.1));
    // On table rows exactly: 84 °F 0.7, CH 300 2.1, TA 100 2.0; TDS above 1000 uses 12.2.
    r = Reading{};
    r.ph = 7.4;
    r.temp_f = 84;
    r.ch = 300;
    r.ta = 100;
    CHECK(*lsi_classic(r) == Approx(7.4 + 0.7 + 2.1 + 2.0 - 12.1));
    r.tds = 1500;
    CHECK(*lsi_classic(r) == Approx(7.4 + 0.7 + 2.1 + 2.0 - 12.2));
    // CYA takes its share of TA before the alkalinity factor is read.
    r.tds.reset();
    r.cya = 60;
    double carb = carbonate_alkalinity(100, 7.4, 60, 0);
    CHECK(carb == Approx(100 - 0.38772 * 60 / (1 + std::pow(10.0, 6.83 - 7.4))));
    CHECK(*lsi_classic(r) < 7.4 + 0.7 + 2.1 + 2.0 - 12.1);
}

TEST_CASE("an index needs pH, TA, CH and temperature") {
    Reading r;
    r.ph = 7.5;
    r.ta = 80;
    r.ch = 300;
    CHECK_FALSE(lsi_classic(r));
    CHECK_FALSE(csi(r));
    r.temp_f = 80;
    CHECK(lsi_classic(r));
    CHECK(csi(r));
}

TEST_CASE("CSI follows TFP PoolMath (Variant E)") {
    // Values worked by hand from the published formula (lsi.md, Variant E).
    Reading r;
    r.ph = 7.5;
    r.ta = 80;
    r.ch = 350;
    r.cya = 40;
    r.temp_f = 80;
    REQUIRE(csi(r));
    CHECK(*csi(r) == Approx(-0.0174).margin(0.0005));
    CHECK(round2(*csi(r)) == Approx(-0.02));
    // A salt pool with borates: salt above 1.1678·CH raises ionic strength.
    Reading s;
    s.ph = 7.8;
    s.ta = 90;
    s.ch = 300;
    s.cya = 70;
    s.salt = 3200;
    s.borate = 50;
    s.temp_f = 86;
    CHECK(*csi(s) == Approx(-0.0294).margin(0.0005));
    // Alkalinity all taken by CYA: no index rather than log of a negative number.
    Reading t = r;
    t.ta = 5;
    t.cya = 100;
    CHECK_FALSE(csi(t));
}

TEST_CASE("units convert exactly within a kind and never across") {
    CHECK(convert(1, "gal", "floz") == Approx(128));
    CHECK(convert(1, "gal", "qt") == Approx(4));
    CHECK(convert(1, "gal", "l") == Approx(3.785411784));
    CHECK(convert(1, "lb", "oz") == Approx(16));
    CHECK(convert(1, "kg", "lb") == Approx(2.20462262185));
    CHECK(convert(2, "tab", "tab") == 2);
    CHECK(kind_of([] { convert(1, "gal", "lb"); }) == ErrorKind::BadInput);
    CHECK(kind_of([] { convert(1, "bucket", "gal"); }) == ErrorKind::BadInput);
}

TEST_CASE("targets depend on sanitizer and surface; flags name what is out of range") {
    Targets plaster = default_targets("chlorine", "plaster");
    Targets vinyl = default_targets("chlorine", "vinyl");
    CHECK(plaster.ranges.at("ch").min > vinyl.ranges.at("ch").min);
    CHECK(default_targets("salt", "plaster").ranges.count("salt") == 1);
    CHECK(plaster.ranges.count("salt") == 0);
    Reading r;
    r.ph = 8.1;
    r.fc = 1;
    r.ta = 100;
    auto flags = out_of_range(r, plaster);
    CHECK(flags == std::vector<std::string>{"fc_low", "ph_high"});
}

TEST_CASE("doses match the pool trade's rules of thumb for 10,000 gallons") {
    Targets t;
    std::vector<Chemical> chems = default_chemicals();
    SECTION("baking soda: 1.4 lb raises TA 10 ppm") {
        t.ranges["ta"] = {80, 100};  // from 70 to the middle, 90: +20 ppm
        Reading r;
        r.ta = 70;
        auto recs = recommend(r, 10000, t, chems);
        auto ta = find(recs, "ta");
        REQUIRE(ta);
        CHECK(ta->unit == "lb");
        CHECK(ta->amount == Approx(2.80).margin(0.01));  // 20 ppm
    }
    SECTION("calcium chloride 77 %: about 1.2 lb raises CH 10 ppm") {
        t.ranges["ch"] = {250, 350};
        Reading r;
        r.ch = 200;
        auto ch = find(recommend(r, 10000, t, chems), "ch");
        REQUIRE(ch);
        CHECK(ch->amount == Approx(12.02).margin(0.02));  // 100 ppm
    }
    SECTION("liquid chlorine 12.5 %: about 10.2 fl oz per ppm") {
        t.ranges["fc"] = {3, 5};
        Reading r;
        r.fc = 1;
        auto fc = find(recommend(r, 10000, t, chems), "fc");
        REQUIRE(fc);
        CHECK(fc->unit == "floz");
        CHECK(fc->amount == Approx(3 * 10.24).margin(0.05));
    }
    SECTION("muriatic acid 31.45 %: about 25.6 fl oz lowers TA 10 ppm") {
        t.ranges["ta"] = {80, 100};
        Reading r;
        r.ta = 110;
        auto ta = find(recommend(r, 10000, t, chems), "ta");
        REQUIRE(ta);
        CHECK(ta->amount == Approx(2 * 25.6).margin(0.5));
    }
    SECTION("cyanuric acid: about 13.35 oz raises CYA 10 ppm") {
        t.ranges["cya"] = {30, 50};
        Reading r;
        r.cya = 10;  // to the middle, 40: +30 ppm
        auto c = find(recommend(r, 10000, t, chems), "cya");
        REQUIRE(c);
        CHECK(convert(c->amount, c->unit, "oz") == Approx(3 * 13.35).margin(0.1));
    }
    SECTION("pH: acid down, soda ash up, more with more alkalinity; nothing when in range") {
        t.ranges["ph"] = {7.2, 7.8};
        Reading r;
        r.ta = 100;
        r.ph = 8.1;
        auto down = find(recommend(r, 10000, t, chems), "ph");
        REQUIRE(down);
        CHECK(down->chemical.find("Muriatic") != std::string::npos);
        CHECK(down->amount > 5);
        CHECK(down->amount < 40);
        Reading more = r;
        more.ta = 150;
        CHECK(find(recommend(more, 10000, t, chems), "ph")->amount > down->amount);
        r.ph = 6.9;
        auto up = find(recommend(r, 10000, t, chems), "ph");
        REQUIRE(up);
        CHECK(up->chemical == "Soda ash");
        CHECK(up->amount > 0);
        r.ph = 7.5;
        CHECK_FALSE(find(recommend(r, 10000, t, chems), "ph"));
    }
    SECTION("too much CYA or calcium: drain and refill") {
        t.ranges["cya"] = {30, 50};
        Reading r;
        r.cya = 80;
        auto c = find(recommend(r, 10000, t, chems), "cya");
        REQUIRE(c);
        CHECK(c->chemical == "drain and refill");
        CHECK(c->amount == Approx(5000));  // 80 → 40 is half the water
    }
    SECTION("doses scale with the pool's volume") {
        t.ranges["fc"] = {3, 5};
        Reading r;
        r.fc = 2;
        double small = find(recommend(r, 10000, t, chems), "fc")->amount;
        double big = find(recommend(r, 20000, t, chems), "fc")->amount;
        CHECK(big == Approx(2 * small).margin(0.02));
    }
}
