#pragma once
#include "audit.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pom {

/// A service location of a customer and its body of water.
struct Pool {
    int64_t id = 0;
    int64_t customer_id = 0;
    std::string customer_name;
    std::string name = "Pool";
    std::string street, city, state, zip;
    std::optional<double> lat, lon;
    std::string gate_code;     ///< internal: never on customer-facing output
    std::string access_notes;  ///< for the technician
    bool dog = false;
    std::string body = "pool";  ///< pool | spa
    std::optional<int64_t> gallons;
    std::string surface;    ///< plaster, pebble, quartz, vinyl, fiberglass, tile, other
    std::string sanitizer;  ///< chlorine, salt, bromine, biguanide, mineral, other
    bool active = true;
    std::string created_at, updated_at;
};

struct PoolFields {
    std::optional<std::string> name, street, city, state, zip, gate_code, access_notes, body, surface, sanitizer;
    std::optional<double> lat, lon;
    std::optional<int64_t> gallons;
    std::optional<bool> dog, active;
};

/// The address defaults to the customer's billing address.
int64_t add_pool(Context& ctx, int64_t customer_id, const PoolFields& fields);
bool edit_pool(Context& ctx, int64_t id, const PoolFields& fields);
Pool get_pool(Store& store, int64_t id);
std::vector<Pool> list_pools(Store& store, std::optional<int64_t> customer_id, bool include_inactive = false);
/// `key` is a pool id of that customer; left out, the customer's only active pool.
int64_t resolve_pool(Store& store, int64_t customer_id, const std::optional<std::string>& key);
/// The customers with more than one active pool: where a list or the board must say which pool.
std::set<int64_t> customers_with_several_pools(Store& store);
/// customers_with_several_pools in two steps (Store::run_together): the statement and its rows.
Statement several_pools_statement(Store& store);
std::set<int64_t> customers_with_several_pools(Statement& statement);

Json pool_json(const Pool& p);
const std::vector<std::string>& pool_fields();

}  // namespace pom
