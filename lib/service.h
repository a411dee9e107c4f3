#pragma once
#include "audit.h"
#include "money.h"

#include <optional>
#include <string>
#include <vector>

namespace pom {

struct Reading;

/// The technician's work record for one visit (the "report" half of the day).
struct Service {
    int64_t id = 0;
    std::optional<int64_t> appointment_id;
    int64_t customer_id = 0;
    std::string customer_name;
    int64_t pool_id = 0;
    std::string pool_name;
    std::optional<int64_t> worker_id;
    std::string worker_name;
    std::string service_type;
    std::string status = "open";  ///< open | submitted
    std::string started_at, ended_at;
    std::optional<double> start_lat, start_lon, submit_lat, submit_lon;
    std::string gps_flag;       ///< internal: set when a position was far from the pool
    std::string forced_reason;  ///< internal: why submit skipped open required items
    std::string created_at, updated_at;
};

struct GeoPoint {
    double lat = 0, lon = 0;
};
/// Parses "LAT,LON".
GeoPoint parse_gps(const std::string& text, const std::string& what = "--gps");
/// Great-circle distance in metres.
double distance_m(GeoPoint a, GeoPoint b);

/// Opens the ticket for an appointment (the appointment goes in_progress). A second start of
/// the same appointment throws Conflict naming the ticket.
int64_t start_service(Context& ctx, int64_t appointment_id, std::optional<GeoPoint> gps);
/// Opens a ticket without an appointment.
int64_t new_service(Context& ctx, int64_t customer_id, int64_t pool_id, const std::string& type,
                    std::optional<int64_t> worker_id, std::optional<GeoPoint> gps);

Service get_service(Store& store, int64_t id);

/// Marks checklist items done (or not done); `all` takes every item.
void check_items(Context& ctx, int64_t id, const std::vector<std::string>& items, bool all, bool done);
/// Stores a reading with its saturation indexes and out-of-range flags. Impossible values throw.
int64_t add_reading(Context& ctx, int64_t id, const Reading& r);
/// Records a chemical added; when an inventory item stocks it, submit deducts it.
int64_t add_dose(Context& ctx, int64_t id, const std::string& chemical, int64_t amount_milli, const std::string& unit);
/// Records an inventory item used; submit deducts it.
int64_t add_item_use(Context& ctx, int64_t id, int64_t item_id, int64_t quantity_milli);
int64_t add_note(Context& ctx, int64_t id, const std::string& text, bool is_private);
struct PhotoAdded {
    int64_t id = 0;
    std::string sha256;
    std::string media_type;
    int64_t bytes = 0;
    bool already_stored = false;
};
/// Copies a photo into the data directory, content-addressed by SHA-256 (stored once).
PhotoAdded add_photo(Context& ctx, int64_t id, const std::string& file, const std::string& caption);
/// Where photos live: `photos/` beside the database file.
std::string photo_dir(Store& store);
std::string photo_path(Store& store, const std::string& sha256, const std::string& media_type);

struct SubmitOptions {
    std::optional<GeoPoint> gps;
    std::optional<std::string> force_reason;  ///< submit although required items are open
    bool email_report = false;
};
/// In one transaction: the ticket is submitted, its appointment completed, inventory deducted,
/// billable lines recorded, and with email_report the service report queued as a notice.
void submit_service(Context& ctx, int64_t id, const SubmitOptions& options);

struct Amendment {
    std::string reason;
    std::vector<std::string> notes, private_notes, check, uncheck;
};
/// Changes a submitted ticket: only for roles allowed by config, with a reason, audited.
void amend_service(Context& ctx, int64_t id, const Amendment& a);

/// True once any billable line of the ticket is on an issued invoice.
bool service_lines_invoiced(Store& store, int64_t id);

struct ServiceFilter {
    std::optional<Date> from, to;
    std::optional<int64_t> worker, customer, pool;
    std::optional<std::string> status;
    bool flagged = false;
    int64_t limit = 0;
};
std::vector<Service> list_services(Context& ctx, const ServiceFilter& f);

Json service_json(const Service& s);
const std::vector<std::string>& service_fields();
/// The whole ticket for the office: checklist, readings, doses, items, notes (private too),
/// photos, billable lines, and the pool's previous visits.
Json service_detail(Context& ctx, int64_t id);
/// The last water reading taken at a visit (of its service ticket), as service_detail shows one;
/// null when the visit has no ticket or its ticket no reading.
Json visit_last_reading(Store& store, int64_t appointment_id);
/// What `service recommend` prints: doses that bring the latest reading to target.
std::vector<Json> service_recommendations(Context& ctx, int64_t id);

}  // namespace pom
