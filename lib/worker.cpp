#include "worker.h"
#include "json.h"

#include "appointment.h"
#include "customer.h"
#include "error.h"
#include "money.h"
#include "record.h"

#include <algorithm>

namespace pom {

namespace {

const char* k_select =
    "SELECT id, name, phone, email, role, active, created_at, updated_at, start_lat, start_lon, end_lat, end_lon, "
    "day_start, day_end, skills, capacity_milli FROM worker";

Worker read_row(Statement& q) {
    Worker w;
    w.id = q.getColumn(0).getInt64();
    w.name = q.getColumn(1).getString();
    w.phone = q.getColumn(2).getString();
    w.email = q.getColumn(3).getString();
    w.role = q.getColumn(4).getString();
    w.active = q.getColumn(5).getInt() != 0;
    w.created_at = q.getColumn(6).getString();
    w.updated_at = q.getColumn(7).getString();
    if (!q.getColumn(8).isNull() && !q.getColumn(9).isNull()) w.start = LatLon{q.getColumn(8).getDouble(), q.getColumn(9).getDouble()};
    if (!q.getColumn(10).isNull() && !q.getColumn(11).isNull()) w.end = LatLon{q.getColumn(10).getDouble(), q.getColumn(11).getDouble()};
    w.day_start = q.getColumn(12).getString();
    w.day_end = q.getColumn(13).getString();
    if (!q.getColumn(14).isNull()) w.skills = parse_skills(q.getColumn(14).getString(), "worker.skills");
    if (!q.getColumn(15).isNull()) w.capacity_milli = q.getColumn(15).getInt64();
    return w;
}

std::optional<int64_t> capacity_of(const std::string& text) {
    if (text.empty() || text == "none") return std::nullopt;
    int64_t milli = parse_milli(text, "--capacity");
    if (milli <= 0) fail(ErrorKind::BadInput, "--capacity: must be more than zero (or none)");
    return milli;
}

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
    return s;
}

void validate(const WorkerFields& f) {
    if (f.name && f.name->find_first_not_of(" \t") == std::string::npos)
        fail(ErrorKind::BadInput, "--name: a worker needs a name");
    if (f.name && std::all_of(f.name->begin(), f.name->end(), [](char c) { return c >= '0' && c <= '9'; }))
        fail(ErrorKind::BadInput, "--name: '" + *f.name + "' is a number; a worker's name cannot be (ids are numbers)");
    if (f.role && std::find(worker_roles().begin(), worker_roles().end(), *f.role) == worker_roles().end())
        fail(ErrorKind::BadInput, "--role: '" + *f.role + "' is not a role (technician, office, manager, accountant, admin)");
    if (f.email && !f.email->empty()) check_email(*f.email, "--email");
    if (f.phone && !f.phone->empty()) check_phone(*f.phone, "--phone");
    if (f.start) parse_lat_lon(*f.start, "--start");
    if (f.end) parse_lat_lon(*f.end, "--end");
    if (f.hours) parse_window(*f.hours, "--hours");
    if (f.skills) parse_skills(*f.skills, "--skills");
    if (f.capacity) capacity_of(*f.capacity);
}

void ensure_name_free(Store& store, const std::string& name, int64_t self) {
    auto& q = store.prepare("SELECT id FROM worker WHERE name = ? COLLATE NOCASE");
    q.bind(1, name);
    if (q.executeStep()) {
        int64_t other = q.getColumn(0).getInt64();
        q.reset();
        if (other != self) fail(ErrorKind::Conflict, "worker " + std::to_string(other) + " is already named '" + name + "'");
    }
}

Columns columns(const WorkerFields& f) {
    Columns cols;
    set_if(cols, "name", f.name);
    set_if(cols, "phone", f.phone);
    set_if(cols, "email", f.email);
    set_if(cols, "role", f.role);
    set_if(cols, "active", f.active);
    if (f.start) {
        LatLon at = parse_lat_lon(*f.start, "--start");
        cols.emplace_back("start_lat", at.lat);
        cols.emplace_back("start_lon", at.lon);
    }
    if (f.end) {
        LatLon at = parse_lat_lon(*f.end, "--end");
        cols.emplace_back("end_lat", at.lat);
        cols.emplace_back("end_lon", at.lon);
    }
    if (f.hours) {
        auto hours = parse_window(*f.hours, "--hours");
        cols.emplace_back("day_start", hours.first);
        cols.emplace_back("day_end", hours.second);
    }
    if (f.skills) {
        std::string skills = join(parse_skills(*f.skills, "--skills"));
        if (skills.empty()) cols.emplace_back("skills", nullptr);
        else cols.emplace_back("skills", skills);
    }
    if (f.capacity) {
        auto milli = capacity_of(*f.capacity);
        if (milli) cols.emplace_back("capacity_milli", *milli);
        else cols.emplace_back("capacity_milli", nullptr);
    }
    return cols;
}

Json opt(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

}  // namespace

int64_t add_worker(Context& ctx, const WorkerFields& f) {
    if (!f.name) fail(ErrorKind::Usage, "--name is required");
    validate(f);
    ensure_name_free(ctx.store, *f.name, 0);
    return insert_record(ctx, "worker", columns(f));
}

bool edit_worker(Context& ctx, int64_t id, const WorkerFields& f) {
    validate(f);
    get_worker(ctx.store, id);
    if (f.name) ensure_name_free(ctx.store, *f.name, id);
    return update_record(ctx, "worker", id, columns(f));
}

Worker get_worker(Store& store, int64_t id) {
    auto& q = store.prepare(std::string(k_select) + " WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(ErrorKind::NotFound, "no worker with id " + std::to_string(id));
    Worker w = read_row(q);
    q.reset();
    return w;
}

std::vector<Worker> list_workers(Store& store, bool include_inactive, const std::optional<std::string>& role) {
    std::string sql = std::string(k_select) + " WHERE 1";
    if (!include_inactive) sql += " AND active = 1";
    if (role) sql += " AND role = :role";
    sql += " ORDER BY name COLLATE NOCASE, id";
    Statement q(store, sql);
    if (role) q.bind(":role", *role);
    std::vector<Worker> out;
    while (q.executeStep()) out.push_back(read_row(q));
    return out;
}

std::map<int64_t, Worker> workers_by_id(Store& store) {
    Statement q = all_workers_statement(store);
    return workers_by_id(q);
}

Statement all_workers_statement(Store& store) { return Statement(store, std::string(k_select) + " ORDER BY id"); }

std::map<int64_t, Worker> workers_by_id(Statement& q) {
    std::map<int64_t, Worker> out;
    while (q.executeStep()) {
        Worker w = read_row(q);
        out.emplace(w.id, std::move(w));
    }
    return out;
}

int64_t resolve_worker(Store& store, const std::string& key) {
    if (!key.empty() && key.size() < 19 && std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        int64_t id = std::stoll(key);
        get_worker(store, id);
        return id;
    }
    auto& q = store.prepare("SELECT id FROM worker WHERE name = ? COLLATE NOCASE");
    q.bind(1, key);
    if (q.executeStep()) {
        int64_t id = q.getColumn(0).getInt64();
        q.reset();
        return id;
    }
    // A unique beginning of a name is enough ("Maria" for "Maria Lopez").
    auto& p = store.prepare("SELECT id, name FROM worker WHERE active = 1 AND substr(lower(name), 1, length(?1)) = lower(?1) LIMIT 2");
    p.bind(1, key);
    std::vector<std::pair<int64_t, std::string>> found;
    while (p.executeStep()) found.emplace_back(p.getColumn(0).getInt64(), p.getColumn(1).getString());
    if (found.size() == 1) return found[0].first;
    if (found.size() > 1)
        fail(ErrorKind::Conflict, "'" + key + "' could be " + found[0].second + " or " + found[1].second + "; say which");
    fail(ErrorKind::NotFound, "no worker '" + key + "' (by id or name)");
}

const std::vector<std::string>& worker_roles() {
    static const std::vector<std::string> r{"technician", "office", "manager", "accountant", "admin"};
    return r;
}

const std::vector<std::string>& worker_fields() {
    static const std::vector<std::string> f{"id",         "name",       "phone",     "email",     "role",
                                            "active",     "created_at", "updated_at", "start_lat", "start_lon",
                                            "end_lat",    "end_lon",    "day_start", "day_end",
                                            "skills",     "capacity"};
    return f;
}

Json worker_json(const Worker& w) {
    return object({
        {"id", w.id},         {"name", w.name},           {"phone", opt(w.phone)},
        {"email", opt(w.email)}, {"role", w.role},         {"active", w.active},
        {"created_at", w.created_at}, {"updated_at", w.updated_at},
        {"start_lat", w.start ? Json(w.start->lat) : Json(nullptr)}, {"start_lon", w.start ? Json(w.start->lon) : Json(nullptr)},
        {"end_lat", w.end ? Json(w.end->lat) : Json(nullptr)},       {"end_lon", w.end ? Json(w.end->lon) : Json(nullptr)},
        {"day_start", opt(w.day_start)},                             {"day_end", opt(w.day_end)},
        {"skills", w.skills},
        {"capacity", w.capacity_milli ? Json(format_milli(*w.capacity_milli)) : Json(nullptr)},
    });
}

}  // namespace pom
