#include "route_eta.h"

#include "pool.h"
#include "route_travel.h"
#include "store/store.h"
#include "worker.h"

#include <algorithm>

namespace pom {

namespace {

std::optional<LatLon> pool_place(Store& store, int64_t pool_id) {
    Pool p = get_pool(store, pool_id);
    if (p.lat && p.lon) return LatLon{*p.lat, *p.lon};
    return std::nullopt;
}

}  // namespace

std::optional<std::chrono::seconds> drive_to_visit(Context& ctx, const Appointment& a) {
    if (!a.worker_id) return std::nullopt;
    auto to = pool_place(ctx.store, a.pool_id);
    if (!to) return std::nullopt;
    std::optional<LatLon> from;
    // Where they are: the last visit of theirs that day they got to (started, paused or finished).
    Statement q(ctx.store,
                "SELECT pool_id FROM appointment WHERE worker_id = ? AND date = ? AND id != ? "
                "AND status IN ('in_progress', 'paused', 'completed') AND status_at IS NOT NULL "
                "ORDER BY status_at DESC, id DESC LIMIT 1");
    q.bind(1, *a.worker_id);
    q.bind(2, a.date);
    q.bind(3, a.id);
    if (q.executeStep()) {
        from = pool_place(ctx.store, q.getColumn(0).getInt64());
        if (!from) return std::nullopt;
    } else {
        Worker w = get_worker(ctx.store, *a.worker_id);
        const auto& rc = ctx.config.routing;
        if (w.start) from = *w.start;
        else if (rc.depot) from = LatLon{rc.depot->first, rc.depot->second};
        else return std::nullopt;
    }
    TravelModel model{ctx.config.routing.road_factor, ctx.config.routing.speed_kmh, nullptr};
    int64_t s = model.seconds(*from, *to);
    // Whole minutes, at least one: what a customer is told.
    return std::chrono::seconds(std::max<int64_t>(60, (s + 59) / 60 * 60));
}

}  // namespace pom
