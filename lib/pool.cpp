#include "pool.h"
#include "text_check.h"
#include "json.h"

#include "customer.h"
#include "error.h"
#include "record.h"

#include <algorithm>
#include <cctype>

namespace pom {

namespace {

const char* k_select =
    "SELECT p.id, p.customer_id, c.name, p.name, p.street, p.city, p.state, p.zip, p.lat, p.lon, p.gate_code, "
    "p.access_notes, p.dog, p.body, p.gallons, p.surface, p.sanitizer, p.active, p.created_at, p.updated_at "
    "FROM pool p JOIN customer c ON c.id = p.customer_id";

Pool read_row(Statement& q) {
    Pool p;
    p.id = q.getColumn(0).getInt64();
    p.customer_id = q.getColumn(1).getInt64();
    p.customer_name = q.getColumn(2).getString();
    p.name = q.getColumn(3).getString();
    p.street = q.getColumn(4).getString();
    p.city = q.getColumn(5).getString();
    p.state = q.getColumn(6).getString();
    p.zip = q.getColumn(7).getString();
    if (!q.getColumn(8).isNull()) p.lat = q.getColumn(8).getDouble();
    if (!q.getColumn(9).isNull()) p.lon = q.getColumn(9).getDouble();
    p.gate_code = q.getColumn(10).getString();
    p.access_notes = q.getColumn(11).getString();
    p.dog = q.getColumn(12).getInt() != 0;
    p.body = q.getColumn(13).getString();
    if (!q.getColumn(14).isNull()) p.gallons = q.getColumn(14).getInt64();
    p.surface = q.getColumn(15).getString();
    p.sanitizer = q.getColumn(16).getString();
    p.active = q.getColumn(17).getInt() != 0;
    p.created_at = q.getColumn(18).getString();
    p.updated_at = q.getColumn(19).getString();
    return p;
}

void check_one_of(const std::optional<std::string>& v, const std::vector<std::string>& allowed, const std::string& flag) {
    if (!v || v->empty()) return;
    if (std::find(allowed.begin(), allowed.end(), *v) != allowed.end()) return;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    fail(ErrorKind::BadInput, flag + ": '" + *v + "' is not one of " + list);
}

void validate(const PoolFields& f) {
    check_one_of(f.body, {"pool", "spa"}, "--body");
    check_one_of(f.surface, {"plaster", "pebble", "quartz", "vinyl", "fiberglass", "tile", "other"}, "--surface");
    check_one_of(f.sanitizer, {"chlorine", "salt", "bromine", "biguanide", "mineral", "other"}, "--sanitizer");
    if (f.lat && (*f.lat < -90 || *f.lat > 90)) fail(ErrorKind::BadInput, "--lat: must be between -90 and 90");
    if (f.lon && (*f.lon < -180 || *f.lon > 180)) fail(ErrorKind::BadInput, "--lon: must be between -180 and 180");
    if (f.gallons && (*f.gallons <= 0 || *f.gallons > 10000000))
        fail(ErrorKind::BadInput, "--gallons: must be between 1 and 10000000");
    if (f.name && f.name->empty()) fail(ErrorKind::BadInput, "--name: must not be empty");
}

Columns columns(const PoolFields& f) {
    Columns cols;
    set_if(cols, "name", f.name);
    set_if(cols, "street", f.street);
    set_if(cols, "city", f.city);
    set_if(cols, "state", f.state);
    set_if(cols, "zip", f.zip);
    set_if(cols, "lat", f.lat);
    set_if(cols, "lon", f.lon);
    set_if(cols, "gate_code", f.gate_code);
    set_if(cols, "access_notes", f.access_notes);
    set_if(cols, "dog", f.dog);
    set_if(cols, "body", f.body);
    set_if(cols, "gallons", f.gallons);
    set_if(cols, "surface", f.surface);
    set_if(cols, "sanitizer", f.sanitizer);
    set_if(cols, "active", f.active);
    return cols;
}

Json opt(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

}  // namespace

int64_t add_pool(Context& ctx, int64_t customer_id, const PoolFields& given) {
    validate(given);
    if (given.lat.has_value() != given.lon.has_value()) fail(ErrorKind::Usage, "--lat and --lon go together");
    Customer c = get_customer(ctx.store, customer_id);
    PoolFields f = given;
    if (!f.street && !f.city && !f.state && !f.zip) {
        f.street = c.street;
        f.city = c.city;
        f.state = c.state;
        f.zip = c.zip;
    }
    Columns cols = columns(f);
    cols.insert(cols.begin(), {"customer_id", customer_id});
    return insert_record(ctx, "pool", cols);
}

bool edit_pool(Context& ctx, int64_t id, const PoolFields& f) {
    validate(f);
    get_pool(ctx.store, id);
    return update_record(ctx, "pool", id, columns(f));
}

Pool get_pool(Store& store, int64_t id) {
    auto& q = store.prepare(std::string(k_select) + " WHERE p.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(ErrorKind::NotFound, "no pool with id " + std::to_string(id));
    Pool p = read_row(q);
    q.reset();
    return p;
}

std::vector<Pool> list_pools(Store& store, std::optional<int64_t> customer_id, bool include_inactive) {
    std::string sql = std::string(k_select) + " WHERE 1";
    if (customer_id) sql += " AND p.customer_id = :cid";
    if (!include_inactive) sql += " AND p.active = 1";
    sql += " ORDER BY p.customer_id, p.id";
    Statement q(store, sql);
    if (customer_id) q.bind(":cid", *customer_id);
    std::vector<Pool> out;
    while (q.executeStep()) out.push_back(read_row(q));
    return out;
}

namespace {

/// "7 Backyard, 8 Spa": what a customer's pools are called, for an error that asks which.
std::string pool_names(const std::vector<Pool>& pools) {
    std::string out;
    for (const auto& p : pools) out += (out.empty() ? "" : ", ") + std::to_string(p.id) + " " + p.name;
    return out;
}

}  // namespace

int64_t resolve_pool(Store& store, int64_t customer_id, const std::optional<std::string>& key) {
    if (key) {
        bool numeric = !key->empty() && key->size() < 19 &&
                       std::all_of(key->begin(), key->end(), [](unsigned char c) { return std::isdigit(c); });
        if (numeric) {
            int64_t id = std::stoll(*key);
            Pool p = get_pool(store, id);
            if (p.customer_id != customer_id)
                fail(ErrorKind::Conflict, "pool " + *key + " belongs to customer " + std::to_string(p.customer_id) +
                                              ", not to customer " + std::to_string(customer_id));
            return id;
        }
        // A pool's name, as the office says it ("Spa"), in any case.
        auto pools = list_pools(store, customer_id);
        std::vector<const Pool*> named;
        for (const auto& p : pools)
            if (ascii_lower(p.name) == ascii_lower(*key)) named.push_back(&p);
        if (named.size() == 1) return named.front()->id;
        if (pools.empty()) fail(ErrorKind::NotFound, "customer " + std::to_string(customer_id) + " has no pool (add one with: pom pool add)");
        if (named.empty())
            fail(ErrorKind::NotFound, "--pool: customer " + std::to_string(customer_id) + " has no pool named '" + *key +
                                          "'; its pools: " + pool_names(pools));
        fail(ErrorKind::Usage, "--pool: customer " + std::to_string(customer_id) + " has " + std::to_string(named.size()) +
                                   " pools named '" + *key + "'; say which by id: " + pool_names(pools));
    }
    auto pools = list_pools(store, customer_id);
    if (pools.size() == 1) return pools.front().id;
    if (pools.empty()) fail(ErrorKind::NotFound, "customer " + std::to_string(customer_id) + " has no pool (add one with: pom pool add)");
    fail(ErrorKind::Usage, "customer " + std::to_string(customer_id) + " has " + std::to_string(pools.size()) +
                               " pools; say which with --pool ID or NAME: " + pool_names(pools));
}

std::set<int64_t> customers_with_several_pools(Store& store) {
    Statement q = several_pools_statement(store);
    return customers_with_several_pools(q);
}

Statement several_pools_statement(Store& store) {
    return Statement(store, "SELECT customer_id FROM pool WHERE active = 1 GROUP BY customer_id HAVING count(*) > 1");
}

std::set<int64_t> customers_with_several_pools(Statement& q) {
    std::set<int64_t> out;
    while (q.executeStep()) out.insert(q.getColumn(0).getInt64());
    return out;
}

const std::vector<std::string>& pool_fields() {
    static const std::vector<std::string> f{"id",        "customer_id",  "customer", "name",      "street",    "city",
                                            "state",     "zip",          "lat",      "lon",       "gate_code", "access_notes",
                                            "dog",       "body",         "gallons",  "surface",   "sanitizer", "active",
                                            "created_at", "updated_at"};
    return f;
}

Json pool_json(const Pool& p) {
    return object({
        {"id", p.id},
        {"customer_id", p.customer_id},
        {"customer", p.customer_name},
        {"name", p.name},
        {"street", opt(p.street)},
        {"city", opt(p.city)},
        {"state", opt(p.state)},
        {"zip", opt(p.zip)},
        {"lat", p.lat ? Json(*p.lat) : Json(nullptr)},
        {"lon", p.lon ? Json(*p.lon) : Json(nullptr)},
        {"gate_code", opt(p.gate_code)},
        {"access_notes", opt(p.access_notes)},
        {"dog", p.dog},
        {"body", p.body},
        {"gallons", p.gallons ? Json(*p.gallons) : Json(nullptr)},
        {"surface", opt(p.surface)},
        {"sanitizer", opt(p.sanitizer)},
        {"active", p.active},
        {"created_at", p.created_at},
        {"updated_at", p.updated_at},
    });
}

}  // namespace pom
