#pragma once
#include "context.h"

#include <nlohmann/json.hpp>
#include <string>

namespace pom {

/// The service report a customer receives, as data: company header, visit, checklist done,
/// readings with target ranges and saturation index, chemicals added, customer-facing notes and
/// photos. Built from an allow-list: private notes, costs, gate codes and internal flags never
/// get in.
nlohmann::ordered_json service_report_data(Context& ctx, int64_t service_id);

/// Renders the report as text, md, html (standalone, photos embedded) or json.
std::string render_service_report(Context& ctx, int64_t service_id, const std::string& format);

/// Queues the report as an email notice to the customer's opted-in addresses.
void queue_service_report(Context& ctx, int64_t service_id);

}  // namespace pom
