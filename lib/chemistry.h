#pragma once
// Pool water chemistry: reading checks, target ranges, the saturation indices (classic LSI and
// TFP's calcite saturation index) and dose recommendations. Pure functions: no store, no clock.
//
// The formulas are written out beside each function in chemistry.cpp and follow
// ../shared/reference/lsi.md: LSI is its Variant A (the pool-industry factor table, interpolated as
// the New York code example does), CSI its Variant E (TFP PoolMath, after Wojtowicz).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pom {

/// One water test. Every value is optional: technicians test what the visit needs.
/// ppm for everything except pH, phosphate (ppb) and temperature (°F).
struct Reading {
    std::optional<double> fc, cc, ph, ta, ch, cya, salt, phosphate, tds, temp_f, borate;
};

/// Refuses values no pool water can have (pH outside 0–14, negative ppm, 140 °F, 9,000 ppm CYA):
/// BadInput naming the option (`--ph`) and the value.
void check_reading(const Reading& r);

/// "84", "84F", "84°F" are °F; "29C", "29.5°C" are °C, converted. BadInput naming `what` otherwise.
double parse_temperature(const std::string& text, const std::string& what);

struct Range {
    double min = 0;
    double max = 0;
};

/// Target ranges by parameter name ("fc", "ph", ...), for one sanitizer and surface.
struct Targets {
    std::map<std::string, Range> ranges;
};

/// pom's built-in targets (industry ranges: ANSI/APSP-11 and the common pool-school tables).
Targets default_targets(const std::string& sanitizer, const std::string& surface);

/// Parameters a reading can carry, in display order, with the label people read.
const std::vector<std::pair<std::string, std::string>>& reading_parameters();

/// The flags of a reading: one "ph_high", "fc_low", ... per value outside its target range.
std::vector<std::string> out_of_range(const Reading& r, const Targets& t);

/// Classic LSI (Variant A): pH + TF + CF + AF − C_TDS, factors linearly interpolated from the
/// table; AF from carbonate alkalinity (TA corrected for CYA and borate, as in carbonate_alkalinity).
/// Needs pH, TA, CH and temperature; nullopt otherwise or when carbonate alkalinity is not positive.
std::optional<double> lsi_classic(const Reading& r);

/// TFP calcite saturation index (Variant E). Needs pH, TA, CH and temperature; CYA, borate and salt
/// count as 0 when not measured.
std::optional<double> csi(const Reading& r);

/// Carbonate alkalinity in ppm CaCO3: TA − 0.38772·CYA/(1+10^(6.83−pH)) − 4.63·B/(1+10^(9.11−pH)).
double carbonate_alkalinity(double ta, double ph, double cya, double borate);

extern const char* const k_lsi_variant;
extern const char* const k_csi_variant;

/// Rounds to 2 decimals, half away from zero (how indices are shown).
double round2(double v);

/// Converts an amount between units of one kind, with exact factors: volume gal, qt, pt, cup, floz,
/// l, ml; weight lb, oz, kg, g; count tab. BadInput for an unknown unit or across kinds (gal → lb).
double convert(double amount, const std::string& from_unit, const std::string& to_unit);

/// True when the unit is one convert() knows.
bool known_unit(const std::string& unit);

/// A product the company doses with. `kind` says what it does (see chemical_kinds()); `strength`
/// is its percent of active ingredient (12.5 for 12.5 % liquid chlorine, 31.45 for muriatic acid).
struct Chemical {
    std::string name;
    std::string kind;
    double strength = 100;
    std::string unit;  ///< the unit a recommendation is given in (floz, gal, oz, lb)
};

/// liquid_chlorine, cal_hypo, dichlor, muriatic_acid, sodium_bisulfate, soda_ash, baking_soda,
/// calcium_chloride, cyanuric_acid, salt.
const std::vector<std::string>& chemical_kinds();

/// The products pom recommends when the config names none.
std::vector<Chemical> default_chemicals();

/// What it takes to bring one parameter to target.
struct Recommendation {
    std::string parameter;  ///< fc, ph, ta, ch, cya, salt
    double current = 0;
    double target = 0;
    std::string chemical;  ///< product name, or "drain and refill"
    double amount = 0;     ///< in `unit`, rounded to 2 decimals
    std::string unit;
    std::string note;
};

/// Doses that bring FC, pH, TA, CH, CYA (and salt on salt pools) from the reading to the middle
/// of their target ranges, for `gallons` of water, with the first configured chemical of a kind
/// that can do it. Parameters already in range, or not measured, get none.
std::vector<Recommendation> recommend(const Reading& r, double gallons, const Targets& t,
                                      const std::vector<Chemical>& chemicals);

nlohmann::ordered_json recommendation_json(const Recommendation& r);
std::vector<std::string> recommendation_fields();

}  // namespace pom
