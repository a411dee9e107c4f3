#pragma once
// What a visit takes from the truck (issue 22): the liquid chlorine a route must carry, so that a
// planned day never needs more than the technician's truck holds.
#include "context.h"

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace pom {

/// Per pool, the load a visit is estimated to take, in thousandths of `[routing] load_unit`: the
/// mean over the pool's last three submitted service tickets of what they dosed of
/// `[routing] load_chemical` (by the dose's chemical name or its inventory item's chemical,
/// converted to load_unit; a dose in a unit of another kind is not counted). A pool with no
/// submitted ticket is 0. Reads only.
std::unordered_map<int64_t, int64_t> pool_load_estimates(Context& ctx, const std::vector<int64_t>& pool_ids);

/// Per appointment, its load: the office's (appt edit --load) when set, else its pool's estimate.
std::unordered_map<int64_t, int64_t> visit_loads(Context& ctx, const std::vector<int64_t>& appointment_ids);

}  // namespace pom
