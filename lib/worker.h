#pragma once
#include "audit.h"
#include "route_travel.h"
#include "text_check.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pom {

/// A technician or a member of the office staff.
struct Worker {
    int64_t id = 0;
    std::string name;
    std::string phone, email;
    std::string role = "technician";  ///< technician | office | manager | accountant | admin
    bool active = true;
    std::string created_at, updated_at;
    std::optional<LatLon> start;  ///< where their day starts (home, the shop); else `[routing] depot`
    std::optional<LatLon> end;    ///< where it ends; else where it started
    std::string day_start, day_end;  ///< working hours, local HH:MM, or empty: `[routing]` hours
    std::vector<std::string> skills;  ///< what they can do beyond routine service ("repair", "green-pool")
    std::optional<int64_t> capacity_milli;  ///< what their truck carries, thousandths of `[routing] load_unit`
};

struct WorkerFields {
    std::optional<std::string> name, phone, email, role;
    std::optional<bool> active;
    std::optional<std::string> start, end;  ///< "LAT,LON"
    std::optional<std::string> hours;       ///< "HH:MM-HH:MM"
    std::optional<std::string> skills;      ///< "repair, green pool"; empty: none
    std::optional<std::string> capacity;    ///< "40" (load units); "none" or empty: no limit
};



int64_t add_worker(Context& ctx, const WorkerFields& fields);
bool edit_worker(Context& ctx, int64_t id, const WorkerFields& fields);
Worker get_worker(Store& store, int64_t id);
std::vector<Worker> list_workers(Store& store, bool include_inactive, const std::optional<std::string>& role);
/// Every worker, active or not, by id: one read for a command that needs several of them.
std::map<int64_t, Worker> workers_by_id(Store& store);
/// workers_by_id in two steps (Store::run_together): the statement and its rows.
Statement all_workers_statement(Store& store);
std::map<int64_t, Worker> workers_by_id(Statement& statement);
/// By id or by name (case-insensitive).
int64_t resolve_worker(Store& store, const std::string& key);

/// The roles a worker may have, as the schema's CHECK lists them.
const std::vector<std::string>& worker_roles();

Json worker_json(const Worker& w);
const std::vector<std::string>& worker_fields();

}  // namespace pom
