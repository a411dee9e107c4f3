#include "route_day.h"

#include "error.h"

#include <set>

namespace pom::route_day {

int64_t clock_seconds(const std::string& hhmm) {
    return (std::stoi(hhmm.substr(0, 2)) * 60 + std::stoi(hhmm.substr(3, 2))) * 60;
}

bool open_status(const std::string& s) { return s != "cancelled" && s != "skipped"; }

std::string kept_for(const Appointment& a, bool located) {
    if (a.status == "completed") return "completed";
    if (a.status == "en_route" || a.status == "in_progress" || a.status == "paused") return "started";
    if (a.pinned) return "pinned";
    if (!located) return "no coordinates";
    return "";
}

std::vector<Worker> technicians(Store& store, const std::vector<int64_t>& ids) {
    if (ids.empty()) return list_workers(store, false, std::string("technician"));
    std::vector<Worker> out;
    std::set<int64_t> seen;
    for (int64_t id : ids) {
        if (!seen.insert(id).second) continue;
        Worker w = get_worker(store, id);
        if (!w.active) fail(ErrorKind::Conflict, "worker " + w.name + " is inactive");
        out.push_back(std::move(w));
    }
    return out;
}

Place pool_place(const Appointment& visit) {
    Place pl;
    if (visit.pool_at) pl.at = LatLon{visit.pool_at->first, visit.pool_at->second};
    pl.key = "pool:" + std::to_string(visit.pool_id);
    return pl;
}

}  // namespace pom::route_day
