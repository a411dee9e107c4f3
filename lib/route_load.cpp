#include "route_load.h"

#include "chemistry.h"
#include "config.h"
#include "error.h"
#include "store/store.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

namespace pom {

namespace {

constexpr int k_tickets = 3;  ///< how many of a pool's latest tickets the estimate averages

/// "Liquid_Chlorine " and "liquid  chlorine" are the same chemical.
std::string chemical_key(const std::string& name) {
    std::string out;
    for (char c : name) {
        char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (l == '_' || l == '-' || l == '\t') l = ' ';
        if (l == ' ' && (out.empty() || out.back() == ' ')) continue;
        out += l;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::string id_list(const std::vector<int64_t>& ids) {
    std::string s;
    for (int64_t id : ids) s += (s.empty() ? "" : ",") + std::to_string(id);
    return s;
}

}  // namespace

std::unordered_map<int64_t, int64_t> pool_load_estimates(Context& ctx, const std::vector<int64_t>& pool_ids) {
    std::unordered_map<int64_t, int64_t> out;
    for (int64_t p : pool_ids) out[p] = 0;
    if (pool_ids.empty()) return out;
    const std::string wanted = chemical_key(ctx.config.routing.load_chemical);
    const std::string& unit = ctx.config.routing.load_unit;
    // Each submitted ticket of these pools, newest first per pool, with its doses (none: one row
    // with NULLs, so that a ticket that dosed nothing counts in the mean as 0).
    Statement q(ctx.store,
                "SELECT s.pool_id, s.id, d.chemical, d.amount_milli, d.unit, i.chemical FROM service s "
                "LEFT JOIN dose d ON d.service_id = s.id LEFT JOIN inventory_item i ON i.id = d.item_id "
                "WHERE s.status = 'submitted' AND s.pool_id IN (" + id_list(pool_ids) + ") "
                "ORDER BY s.pool_id, s.started_at DESC, s.id DESC, d.id");
    int64_t pool = -1, ticket = -1;
    int tickets = 0;
    double amount = 0;  // in load_unit, over the counted tickets of `pool`
    auto close_pool = [&] {
        if (pool >= 0 && tickets > 0) out[pool] = std::llround(amount * 1000.0 / std::min(tickets, k_tickets));
    };
    while (q.executeStep()) {
        int64_t p = q.getColumn(0).getInt64(), s = q.getColumn(1).getInt64();
        if (p != pool) {
            close_pool();
            pool = p, ticket = -1, tickets = 0, amount = 0;
        }
        if (s != ticket) {
            ticket = s;
            ++tickets;
        }
        if (tickets > k_tickets || q.getColumn(2).isNull()) continue;
        bool ours = chemical_key(q.getColumn(2).getString()) == wanted ||
                    (!q.getColumn(5).isNull() && chemical_key(q.getColumn(5).getString()) == wanted);
        if (!ours) continue;
        try {
            amount += convert(static_cast<double>(q.getColumn(3).getInt64()) / 1000.0, q.getColumn(4).getString(), unit);
        } catch (const Error&) {
            // A dose measured by weight does not fill a tank measured by volume: not counted.
        }
    }
    close_pool();
    return out;
}

std::unordered_map<int64_t, int64_t> visit_loads(Context& ctx, const std::vector<int64_t>& appointment_ids) {
    std::unordered_map<int64_t, int64_t> out;
    if (appointment_ids.empty()) return out;
    std::vector<int64_t> pools;
    std::unordered_map<int64_t, int64_t> pool_of;
    Statement q(ctx.store, "SELECT id, pool_id, load_milli FROM appointment WHERE id IN (" + id_list(appointment_ids) + ")");
    while (q.executeStep()) {
        int64_t id = q.getColumn(0).getInt64();
        if (!q.getColumn(2).isNull()) {
            out[id] = q.getColumn(2).getInt64();
        } else {
            pool_of[id] = q.getColumn(1).getInt64();
            pools.push_back(q.getColumn(1).getInt64());
        }
    }
    auto estimates = pool_load_estimates(ctx, pools);
    for (const auto& [id, pool] : pool_of) out[id] = estimates[pool];
    return out;
}

}  // namespace pom
