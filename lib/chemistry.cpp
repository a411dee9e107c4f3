#include "chemistry.h"

#include "error.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace pom {

namespace {

// Exact unit factors (NIST Handbook 44): the US gallon is 231 in³ = 3.785411784 L, the avoirdupois
// pound 453.59237 g.
constexpr double k_ml_per_gal = 3785.411784;
constexpr double k_g_per_lb = 453.59237;

struct Unit {
    const char* name;
    char kind;      // 'v' volume (base mL), 'w' weight (base g), 'n' count
    double factor;  // base units per one of this unit
};

const Unit k_units[] = {
    {"gal", 'v', k_ml_per_gal},       {"qt", 'v', k_ml_per_gal / 4},     {"pt", 'v', k_ml_per_gal / 8},
    {"cup", 'v', k_ml_per_gal / 16},  {"floz", 'v', k_ml_per_gal / 128}, {"l", 'v', 1000},
    {"ml", 'v', 1},                   {"lb", 'w', k_g_per_lb},           {"oz", 'w', k_g_per_lb / 16},
    {"kg", 'w', 1000},                {"g", 'w', 1},                     {"tab", 'n', 1},
};

const Unit* find_unit(const std::string& name) {
    for (const auto& u : k_units)
        if (name == u.name) return &u;
    return nullptr;
}

std::string unit_list() {
    std::string s;
    for (const auto& u : k_units) s += (s.empty() ? "" : ", ") + std::string(u.name);
    return s;
}

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// What no pool water can read, per parameter: (option, label, lowest, highest).
struct Limit {
    const char* option;
    std::optional<double> Reading::*field;
    double lo, hi;
    const char* what;
};
const Limit k_limits[] = {
    {"--fc", &Reading::fc, 0, 100, "ppm of free chlorine"},
    {"--cc", &Reading::cc, 0, 100, "ppm of combined chlorine"},
    {"--ph", &Reading::ph, 0, 14, "pH"},
    {"--ta", &Reading::ta, 0, 2000, "ppm of total alkalinity"},
    {"--ch", &Reading::ch, 0, 5000, "ppm of calcium hardness"},
    {"--cya", &Reading::cya, 0, 1000, "ppm of cyanuric acid"},
    {"--salt", &Reading::salt, 0, 50000, "ppm of salt"},
    {"--phosphate", &Reading::phosphate, 0, 100000, "ppb of phosphate"},
    {"--tds", &Reading::tds, 0, 100000, "ppm of dissolved solids"},
    {"--temp", &Reading::temp_f, 32, 110, "°F of water temperature"},
    {"--borate", &Reading::borate, 0, 500, "ppm of borate"},
};

/// Linear interpolation in a (x, y) table, clamped at both ends.
double interpolate(const std::vector<std::pair<double, double>>& table, double x) {
    if (x <= table.front().first) return table.front().second;
    if (x >= table.back().first) return table.back().second;
    for (size_t i = 1; i < table.size(); ++i) {
        if (x <= table[i].first) {
            auto [x0, y0] = table[i - 1];
            auto [x1, y1] = table[i];
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0);
        }
    }
    return table.back().second;
}

// Variant A factor table (King Technology ps15, 10 NYCRR Subpart 6-1).
const std::vector<std::pair<double, double>> k_tf = {{32, 0.0}, {37, 0.1}, {46, 0.2}, {53, 0.3}, {60, 0.4}, {66, 0.5},
                                                     {76, 0.6}, {84, 0.7}, {94, 0.8}, {105, 0.9}, {128, 1.0}};
const std::vector<std::pair<double, double>> k_cf = {{5, 0.3},   {25, 1.0},  {50, 1.3},  {75, 1.5},  {100, 1.6}, {150, 1.8},
                                                     {200, 1.9}, {300, 2.1}, {400, 2.2}, {800, 2.5}, {1000, 2.6}};
const std::vector<std::pair<double, double>> k_af = {{5, 0.7},   {25, 1.4},  {50, 1.7},  {75, 1.9},  {100, 2.0}, {150, 2.2},
                                                     {200, 2.3}, {300, 2.5}, {400, 2.6}, {800, 2.9}, {1000, 3.0}};

// The carbonate system, for acid and base demand: an ideal closed system at 25 °C (activities
// not corrected), pK1 6.35 and pK2 10.33. CO2 stays in the water while a dose mixes, so total
// carbonate is constant under acid; TA in ppm CaCO3 is 50.04 × meq/L.
constexpr double k_ppm_per_meq = 50.04;
constexpr double k_k1 = 4.4668359215096346e-07;  // 10^-6.35
constexpr double k_k2 = 4.6773514128719818e-11;  // 10^-10.33

/// Carbonate alkalinity per mmol/L of total carbonate, at pH.
double carbonate_fraction(double ph) {
    double h = std::pow(10.0, -ph);
    return (k_k1 * h + 2 * k_k1 * k_k2) / (h * h + k_k1 * h + k_k1 * k_k2);
}

/// Alkalinity (meq/L) from CYA and borate at pH: the non-carbonate part of TA.
double other_alkalinity_meq(double ph, double cya, double borate) {
    double ta = 1000.0;  // any TA: carbonate_alkalinity subtracts the other parts from it
    return (ta - carbonate_alkalinity(ta, ph, cya, borate)) / k_ppm_per_meq;
}

/// Acid (meq/L) that takes water from pH `from` to pH `to` (to < from) at constant total carbonate.
double acid_demand_meq(double ta, double from, double to, double cya, double borate) {
    double carb = carbonate_alkalinity(ta, from, cya, borate) / k_ppm_per_meq;
    double total_carbonate = carb / carbonate_fraction(from);
    double ta_from = ta / k_ppm_per_meq;
    double ta_to = total_carbonate * carbonate_fraction(to) + other_alkalinity_meq(to, cya, borate);
    return std::max(0.0, ta_from - ta_to);
}

/// Sodium carbonate (mmol/L) that raises pH from `from` to `to`: each mmol adds 1 mmol of
/// carbonate and 2 meq of alkalinity, so x = (f'·C + other' − TA) / (2 − f').
double soda_ash_mmol(double ta, double from, double to, double cya, double borate) {
    double carb = carbonate_alkalinity(ta, from, cya, borate) / k_ppm_per_meq;
    double total_carbonate = carb / carbonate_fraction(from);
    double f = carbonate_fraction(to);
    double x = (f * total_carbonate + other_alkalinity_meq(to, cya, borate) - ta / k_ppm_per_meq) / (2 - f);
    return std::max(0.0, x);
}

bool is_liquid_kind(const std::string& kind) { return kind == "liquid_chlorine" || kind == "muriatic_acid"; }

/// Density (g/mL) of hydrochloric acid of w percent by weight; 1 + 0.005·w fits the CRC table within 0.5 %
/// from 10 to 36 %.
double hcl_density(double w) { return 1.0 + 0.005 * w; }

const Chemical* first_of(const std::vector<Chemical>& chemicals, std::initializer_list<const char*> kinds) {
    for (const char* k : kinds)
        for (const auto& c : chemicals)
            if (c.kind == k) return &c;
    return nullptr;
}

double round_to(double v, double step) { return std::round(v / step) * step; }

}  // namespace

// Short, stable names (they are in JSON output); README "Water chemistry" spells them out.
// classic-table: pH + TF + CF + AF − 12.1 (12.2 above 1000 ppm TDS), factors interpolated from the
// table, AF read at carbonate alkalinity. tfp-csi: TFP PoolMath's CSI (Wojtowicz).
const char* const k_lsi_variant = "classic-table";
const char* const k_csi_variant = "tfp-csi";

void check_reading(const Reading& r) {
    for (const auto& l : k_limits) {
        const auto& v = r.*(l.field);
        if (!v) continue;
        if (!std::isfinite(*v)) fail(ErrorKind::BadInput, std::string(l.option) + ": not a number");
        if (*v < l.lo || *v > l.hi)
            fail(ErrorKind::BadInput, std::string(l.option) + ": " + num(*v) + " is not a possible reading (" + num(l.lo) + " to " +
                                          num(l.hi) + " " + l.what + ")");
    }
}

double parse_temperature(const std::string& text, const std::string& what) {
    std::string s = text;
    bool celsius = false;
    auto strip = [&](const std::string& suffix) {
        if (s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0) {
            s.erase(s.size() - suffix.size());
            return true;
        }
        return false;
    };
    if (strip("°C") || strip("C") || strip("c")) celsius = true;
    else if (!strip("°F") && !strip("F")) strip("f");
    size_t used = 0;
    double v = 0;
    bool ok = !s.empty() && s.find_first_not_of("0123456789.-") == std::string::npos;
    if (ok) {
        try {
            v = std::stod(s, &used);
        } catch (const std::exception&) {
            ok = false;
        }
    }
    if (!ok || used != s.size() || !std::isfinite(v))
        fail(ErrorKind::BadInput, what + ": '" + text + "' is not a temperature (84 or 84F for °F, 29C for °C)");
    double f = celsius ? v * 9.0 / 5.0 + 32.0 : v;
    if (f < 32 || f > 110)
        fail(ErrorKind::BadInput, what + ": " + text + " is not a pool water temperature (32 to 110 °F, 0 to 43 °C)");
    return f;
}

Targets default_targets(const std::string& sanitizer, const std::string& surface) {
    Targets t;
    auto& m = t.ranges;
    bool soft_surface = surface == "vinyl" || surface == "fiberglass";
    m["ph"] = {7.2, 7.8};
    m["ta"] = {80, 120};
    m["ch"] = soft_surface ? Range{150, 250} : Range{200, 400};
    m["cc"] = {0, 0.5};
    m["phosphate"] = {0, 500};
    m["tds"] = {0, sanitizer == "salt" ? 6000.0 : 1500.0};
    if (sanitizer == "bromine") {
        m["fc"] = {3, 5};  // total bromine, read on the chlorine test
    } else if (sanitizer == "biguanide") {
        // biguanide pools carry no chlorine and need no stabiliser
    } else {
        m["fc"] = {2, 4};
        m["cya"] = sanitizer == "salt" ? Range{60, 80} : Range{30, 50};
    }
    if (sanitizer == "salt") m["salt"] = {2700, 3400};
    return t;
}

const std::vector<std::pair<std::string, std::string>>& reading_parameters() {
    static const std::vector<std::pair<std::string, std::string>> p = {
        {"fc", "Free chlorine (ppm)"},    {"cc", "Combined chlorine (ppm)"}, {"ph", "pH"},
        {"ta", "Total alkalinity (ppm)"}, {"ch", "Calcium hardness (ppm)"},  {"cya", "Cyanuric acid (ppm)"},
        {"salt", "Salt (ppm)"},           {"phosphate", "Phosphate (ppb)"},  {"tds", "TDS (ppm)"},
        {"temp_f", "Water temperature (°F)"}, {"borate", "Borate (ppm)"}};
    return p;
}

std::vector<std::string> out_of_range(const Reading& r, const Targets& t) {
    std::vector<std::string> flags;
    const std::pair<const char*, std::optional<double> Reading::*> fields[] = {
        {"fc", &Reading::fc},   {"cc", &Reading::cc},     {"ph", &Reading::ph},          {"ta", &Reading::ta},
        {"ch", &Reading::ch},   {"cya", &Reading::cya},   {"salt", &Reading::salt},      {"phosphate", &Reading::phosphate},
        {"tds", &Reading::tds}, {"temp_f", &Reading::temp_f}, {"borate", &Reading::borate}};
    for (const auto& [name, field] : fields) {
        const auto& v = r.*field;
        auto it = t.ranges.find(name);
        if (!v || it == t.ranges.end()) continue;
        if (*v < it->second.min) flags.push_back(std::string(name) + "_low");
        else if (*v > it->second.max) flags.push_back(std::string(name) + "_high");
    }
    return flags;
}

double carbonate_alkalinity(double ta, double ph, double cya, double borate) {
    return ta - 0.38772 * cya / (1 + std::pow(10.0, 6.83 - ph)) - 4.63 * borate / (1 + std::pow(10.0, 9.11 - ph));
}

std::optional<double> lsi_classic(const Reading& r) {
    if (!r.ph || !r.ta || !r.ch || !r.temp_f || *r.ch <= 0) return std::nullopt;
    double carb = carbonate_alkalinity(*r.ta, *r.ph, r.cya.value_or(0), r.borate.value_or(0));
    if (carb <= 0) return std::nullopt;
    double c_tds = r.tds && *r.tds > 1000 ? 12.2 : 12.1;
    return *r.ph + interpolate(k_tf, *r.temp_f) + interpolate(k_cf, *r.ch) + interpolate(k_af, carb) - c_tds;
}

std::optional<double> csi(const Reading& r) {
    if (!r.ph || !r.ta || !r.ch || !r.temp_f || *r.ch <= 0) return std::nullopt;
    double ch = *r.ch, ta = *r.ta;
    double carb = carbonate_alkalinity(ta, *r.ph, r.cya.value_or(0), r.borate.value_or(0));
    if (carb <= 0) return std::nullopt;
    double extra_nacl = std::max(0.0, r.salt.value_or(0) - 1.1678 * ch);
    double ionic = (1.5 * ch + ta) / 50045 + extra_nacl / 58440;
    double t_c = (*r.temp_f - 32) * 5.0 / 9.0;
    double s = std::sqrt(ionic);
    return *r.ph - 11.677 + std::log10(ch) + std::log10(carb) - 2.56 * s / (1 + 1.65 * s) - 1412.5 / (t_c + 273.15) + 4.7375;
}

double round2(double v) { return std::round(v * 100.0) / 100.0; }

double convert(double amount, const std::string& from_unit, const std::string& to_unit) {
    const Unit* from = find_unit(from_unit);
    const Unit* to = find_unit(to_unit);
    if (!from) fail(ErrorKind::BadInput, "unknown unit '" + from_unit + "' (known: " + unit_list() + ")");
    if (!to) fail(ErrorKind::BadInput, "unknown unit '" + to_unit + "' (known: " + unit_list() + ")");
    if (from->kind != to->kind)
        fail(ErrorKind::BadInput, "cannot convert " + from_unit + " to " + to_unit + ": one is a " +
                                      (from->kind == 'v' ? "volume" : from->kind == 'w' ? "weight" : "count") + ", the other a " +
                                      (to->kind == 'v' ? "volume" : to->kind == 'w' ? "weight" : "count"));
    if (from == to) return amount;
    return amount * from->factor / to->factor;
}

bool known_unit(const std::string& unit) { return find_unit(unit) != nullptr; }

const std::vector<std::string>& chemical_kinds() {
    static const std::vector<std::string> k = {"liquid_chlorine", "cal_hypo",    "dichlor",          "muriatic_acid",
                                               "sodium_bisulfate", "soda_ash",   "baking_soda",      "calcium_chloride",
                                               "cyanuric_acid",    "salt"};
    return k;
}

std::vector<Chemical> default_chemicals() {
    return {
        {"Liquid chlorine 12.5%", "liquid_chlorine", 12.5, "floz"},
        {"Muriatic acid 31.45%", "muriatic_acid", 31.45, "floz"},
        {"Soda ash", "soda_ash", 100, "oz"},
        {"Baking soda", "baking_soda", 100, "lb"},
        {"Calcium chloride 77%", "calcium_chloride", 77, "lb"},
        {"Cyanuric acid", "cyanuric_acid", 100, "lb"},
        {"Pool salt", "salt", 100, "lb"},
    };
}

std::vector<Recommendation> recommend(const Reading& r, double gallons, const Targets& t, const std::vector<Chemical>& chemicals) {
    std::vector<Recommendation> out;
    const double litres = gallons * k_ml_per_gal / 1000.0;
    double cya = r.cya.value_or(0), borate = r.borate.value_or(0);
    auto target_of = [&](const char* p) -> std::optional<Range> {
        auto it = t.ranges.find(p);
        if (it == t.ranges.end()) return std::nullopt;
        return it->second;
    };
    // Adds a recommendation for `grams` (solid) or `ml` (liquid) of a product, in its unit.
    auto add = [&](const char* param, double current, double target, const Chemical& c, double base_amount, std::string note) {
        double amount = convert(base_amount, is_liquid_kind(c.kind) ? "ml" : "g", c.unit);
        out.push_back({param, current, target, c.name, round2(amount), c.unit, std::move(note)});
    };
    auto drain = [&](const char* param, double current, double target) {
        double fraction = 1.0 - target / current;
        out.push_back({param, current, target, "drain and refill", round_to(gallons * fraction, 1), "gal",
                       "replace " + num(round_to(fraction * 100, 1)) + "% of the water with fresh fill water"});
    };

    // Alkalinity first: the pH dose depends on it.
    if (auto range = target_of("ta"); range && r.ta && (*r.ta < range->min || *r.ta > range->max)) {
        double target = (range->min + range->max) / 2, delta_meq = std::abs(target - *r.ta) / k_ppm_per_meq;
        if (*r.ta < range->min) {
            if (const Chemical* c = first_of(chemicals, {"baking_soda"}))
                add("ta", *r.ta, target, *c, delta_meq * litres * 84.007 / 1000 / (c->strength / 100), "");
        } else if (const Chemical* c = first_of(chemicals, {"muriatic_acid", "sodium_bisulfate"})) {
            double mmol = delta_meq * litres;  // one mmol of H+ per meq of alkalinity
            double base = c->kind == "muriatic_acid" ? mmol * 36.461 / 1000 / (c->strength / 100) / hcl_density(c->strength)
                                                     : mmol * 120.06 / 1000 / (c->strength / 100);
            add("ta", *r.ta, target, *c, base, "lowers pH too: aerate to bring pH back up while TA falls");
        }
    }
    if (auto range = target_of("ph"); range && r.ph && r.ta && (*r.ph < range->min || *r.ph > range->max)) {
        double target = (range->min + range->max) / 2;
        if (*r.ph > range->max) {
            if (const Chemical* c = first_of(chemicals, {"muriatic_acid", "sodium_bisulfate"})) {
                double mmol = acid_demand_meq(*r.ta, *r.ph, target, cya, borate) * litres;
                double base = c->kind == "muriatic_acid" ? mmol * 36.461 / 1000 / (c->strength / 100) / hcl_density(c->strength)
                                                         : mmol * 120.06 / 1000 / (c->strength / 100);
                add("ph", *r.ph, target, *c, base, "add half, circulate 30 minutes and retest");
            }
        } else if (const Chemical* c = first_of(chemicals, {"soda_ash"})) {
            double mmol = soda_ash_mmol(*r.ta, *r.ph, target, cya, borate) * litres;
            add("ph", *r.ph, target, *c, mmol * 105.99 / 1000 / (c->strength / 100), "raises TA too");
        }
    }
    if (auto range = target_of("ch"); range && r.ch && (*r.ch < range->min || *r.ch > range->max)) {
        double target = (range->min + range->max) / 2;
        if (*r.ch > range->max) drain("ch", *r.ch, target);
        else if (const Chemical* c = first_of(chemicals, {"calcium_chloride"}))
            add("ch", *r.ch, target, *c, (target - *r.ch) / 100.09 * litres * 110.98 / 1000 / (c->strength / 100), "");
    }
    if (auto range = target_of("cya"); range && r.cya && (*r.cya < range->min || *r.cya > range->max)) {
        double target = (range->min + range->max) / 2;
        if (*r.cya > range->max) drain("cya", *r.cya, target);
        else if (const Chemical* c = first_of(chemicals, {"cyanuric_acid"}))
            add("cya", *r.cya, target, *c, (target - *r.cya) * litres / 1000 / (c->strength / 100), "dissolves slowly: add to the skimmer");
    }
    if (auto range = target_of("fc"); range && r.fc && *r.fc < range->min) {
        double target = (range->min + range->max) / 2;
        if (const Chemical* c = first_of(chemicals, {"liquid_chlorine", "cal_hypo", "dichlor"})) {
            // Available chlorine needed, in grams; liquid strength is trade percent (g per 100 mL).
            double grams = (target - *r.fc) * litres / 1000;
            std::string note = c->kind == "dichlor" ? "adds about 0.9 ppm CYA per ppm FC"
                               : c->kind == "cal_hypo" ? "adds about 0.7 ppm CH per ppm FC"
                                                       : "";
            add("fc", *r.fc, target, *c, grams / (c->strength / 100), note);
        }
    }
    if (auto range = target_of("salt"); range && r.salt && (*r.salt < range->min || *r.salt > range->max)) {
        double target = (range->min + range->max) / 2;
        if (*r.salt > range->max) drain("salt", *r.salt, target);
        else if (const Chemical* c = first_of(chemicals, {"salt"}))
            add("salt", *r.salt, target, *c, (target - *r.salt) * litres / 1000 / (c->strength / 100), "brush until dissolved");
    }
    return out;
}

nlohmann::ordered_json recommendation_json(const Recommendation& r) {
    return {{"parameter", r.parameter}, {"current", r.current}, {"target", r.target}, {"chemical", r.chemical},
            {"amount", r.amount},       {"unit", r.unit},       {"note", r.note}};
}

std::vector<std::string> recommendation_fields() { return {"parameter", "current", "target", "chemical", "amount", "unit", "note"}; }

}  // namespace pom
