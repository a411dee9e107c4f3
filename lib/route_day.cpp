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

std::map<int64_t, Place> pool_places(Store& store, Date day) {
    std::map<int64_t, Place> out;
    Statement q(store, "SELECT DISTINCT p.id, p.lat, p.lon FROM appointment a JOIN pool p ON p.id = a.pool_id WHERE a.date = ?");
    q.bind(1, format_date(day));
    while (q.executeStep()) {
        Place pl;
        if (!q.getColumn(1).isNull() && !q.getColumn(2).isNull()) pl.at = LatLon{q.getColumn(1).getDouble(), q.getColumn(2).getDouble()};
        pl.key = "pool:" + std::to_string(q.getColumn(0).getInt64());
        out.emplace(q.getColumn(0).getInt64(), std::move(pl));
    }
    return out;
}

}  // namespace pom::route_day
