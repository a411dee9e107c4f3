#pragma once
// What route optimize, balance and the board's arrivals read of a day alike (lib/ only).
#include "appointment.h"
#include "clock.h"
#include "route_travel.h"
#include "store/store.h"
#include "worker.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pom::route_day {

/// "HH:MM" as seconds from midnight.
int64_t clock_seconds(const std::string& hhmm);

/// A visit that is still part of a route: not cancelled, not skipped.
bool open_status(const std::string& status);

/// Why a visit keeps its place (and technician): completed, started, pinned, no coordinates; else empty.
std::string kept_for(const Appointment& a, bool located);

/// A stop's place: where it is (none without coordinates) and its key in a travel matrix.
struct Place {
    std::optional<LatLon> at;
    std::string key;
};

/// The technicians a plan may use: these workers (each once, refused when inactive), or with none
/// given every active technician.
std::vector<Worker> technicians(Store& store, const std::vector<int64_t>& ids);

/// Where a visit's pool is (read with the visit), keyed "pool:ID".
Place pool_place(const Appointment& visit);

}  // namespace pom::route_day
