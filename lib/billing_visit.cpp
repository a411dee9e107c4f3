// What a completed visit bills when no service ticket was written for it, and the visits that
// billed nothing (bill run's warning).
#include "billing.h"
#include "json.h"

#include "appointment.h"
#include "clock.h"
#include "error.h"
#include "record.h"

#include <algorithm>

namespace pom {

Cents visit_price(Context& ctx, int64_t customer_id, const std::string& service_type) {
    auto& q = ctx.store.prepare("SELECT price_cents FROM billing_plan_price WHERE customer_id = ? AND service_type = ?");
    q.bind(1, customer_id);
    q.bind(2, service_type);
    if (q.executeStep()) {
        Cents price = q.getColumn(0).getInt64();
        q.reset();
        return price;
    }
    q.reset();
    return ctx.config.service_type(service_type).price_cents;
}

int64_t bill_completed_visit(Context& ctx, int64_t appointment_id) {
    Appointment a = get_appointment(ctx.store, appointment_id);
    // A service ticket of the visit bills it when it is submitted; a visit is billed once.
    auto& q = ctx.store.prepare(
        "SELECT (SELECT count(*) FROM service WHERE appointment_id = ?1) + "
        "(SELECT count(*) FROM billable_line WHERE appointment_id = ?1)");
    q.bind(1, appointment_id);
    q.executeStep();
    bool billed = q.getColumn(0).getInt64() > 0;
    q.reset();
    if (billed) return 0;
    // A service type the config no longer has (a season's closing visits switched off) is not
    // guessed at: the visit is left for bill run's warning, and the office bills it by hand.
    const auto& types = ctx.config.service_types;
    auto type = std::find_if(types.begin(), types.end(), [&](const ServiceType& t) { return t.name == a.service_type; });
    if (type == types.end()) return 0;
    std::string what = type->name;
    if (!what.empty() && what[0] >= 'a' && what[0] <= 'z') what[0] = static_cast<char>(what[0] - 'a' + 'A');
    Cents price = visit_price(ctx, a.customer_id, a.service_type);
    Columns cols{{"customer_id", a.customer_id},
                 {"appointment_id", appointment_id},
                 {"kind", "service"},
                 {"description", what + " visit"},
                 {"quantity_milli", int64_t{1000}},
                 {"unit_price_cents", price},
                 {"amount_cents", price},
                 {"taxable", int64_t{type->taxable ? 1 : 0}},
                 {"service_date", a.date},
                 {"source_key", "visit:" + std::to_string(appointment_id)},
                 {"created_at", format_instant(ctx.now())},
                 {"unit", "visit"}};
    return insert_record(ctx, "billable_line", cols, false);
}

std::vector<std::string> unbilled_completed_visits(Store& store, const std::string& from, const std::string& to,
                                                   std::optional<int64_t> customer_id) {
    std::string sql =
        "SELECT a.id, a.date, c.name FROM appointment a JOIN customer c ON c.id = a.customer_id "
        "WHERE a.status = 'completed' AND a.date >= ? AND a.date <= ? "
        "AND NOT EXISTS (SELECT 1 FROM billable_line b WHERE b.appointment_id = a.id) "
        "AND NOT EXISTS (SELECT 1 FROM billable_line b JOIN service s ON s.id = b.service_id WHERE s.appointment_id = a.id)";
    if (customer_id) sql += " AND a.customer_id = ?";
    sql += " ORDER BY a.date, a.id";
    Statement q(store, sql);
    q.bind(1, from);
    q.bind(2, to);
    if (customer_id) q.bind(3, *customer_id);
    std::vector<std::string> out;
    while (q.executeStep())
        out.push_back("visit " + std::to_string(q.getColumn(0).getInt64()) + " on " + q.getColumn(1).getString() + " (" +
                      q.getColumn(2).getString() + ")");
    return out;
}

}  // namespace pom
