#pragma once
// When a technician on the way will arrive (issue 22): `appt on-my-way` without `--eta` takes the
// drive from where the technician is, priced as routes are.
#include "appointment.h"
#include "context.h"

#include <chrono>
#include <optional>

namespace pom {

/// The drive to visit `a` from where its technician is now: the pool of the visit of theirs that
/// day they started or finished last (by its status time), else their day's start (their own, or
/// `[routing] depot`), at `[routing]` road_factor and speed_kmh. Empty when the visit has no
/// technician, or either end has no coordinates.
std::optional<std::chrono::seconds> drive_to_visit(Context& ctx, const Appointment& a);

}  // namespace pom
