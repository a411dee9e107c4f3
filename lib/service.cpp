#include "service.h"
#include "text_check.h"
#include "json.h"

#include "appointment.h"
#include "chemistry.h"
#include "customer.h"
#include "error.h"
#include "inventory.h"
#include "notice.h"
#include "pool.h"
#include "record.h"
#include "service_report.h"
#include "worker.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <openssl/evp.h>
#include <set>
#include <sstream>
#include <unistd.h>

namespace pom {

namespace {

const char* k_select =
    "SELECT s.id, s.appointment_id, s.customer_id, c.name, s.pool_id, p.name, s.worker_id, w.name, s.service_type, s.status, "
    "s.started_at, s.ended_at, s.start_lat, s.start_lon, s.submit_lat, s.submit_lon, s.gps_flag, s.forced_reason, "
    "s.created_at, s.updated_at FROM service s JOIN customer c ON c.id = s.customer_id JOIN pool p ON p.id = s.pool_id "
    "LEFT JOIN worker w ON w.id = s.worker_id";

std::optional<double> opt_real(const Column& c) {
    if (c.isNull()) return std::nullopt;
    return c.getDouble();
}
std::optional<int64_t> opt_int(const Column& c) {
    if (c.isNull()) return std::nullopt;
    return c.getInt64();
}

Service read_row(Statement& q) {
    Service s;
    s.id = q.getColumn(0).getInt64();
    s.appointment_id = opt_int(q.getColumn(1));
    s.customer_id = q.getColumn(2).getInt64();
    s.customer_name = q.getColumn(3).getString();
    s.pool_id = q.getColumn(4).getInt64();
    s.pool_name = q.getColumn(5).getString();
    s.worker_id = opt_int(q.getColumn(6));
    s.worker_name = q.getColumn(7).getString();
    s.service_type = q.getColumn(8).getString();
    s.status = q.getColumn(9).getString();
    s.started_at = q.getColumn(10).getString();
    s.ended_at = q.getColumn(11).getString();
    s.start_lat = opt_real(q.getColumn(12));
    s.start_lon = opt_real(q.getColumn(13));
    s.submit_lat = opt_real(q.getColumn(14));
    s.submit_lon = opt_real(q.getColumn(15));
    s.gps_flag = q.getColumn(16).getString();
    s.forced_reason = q.getColumn(17).getString();
    s.created_at = q.getColumn(18).getString();
    s.updated_at = q.getColumn(19).getString();
    return s;
}

Json opt(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }
Json opt(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }

/// The ticket the statement (k_select, bound to its id) reads; NotFound without one.
Service ticket_of(Statement& q, int64_t id) {
    if (!q.executeStep()) fail(ErrorKind::NotFound, "no service ticket with id " + std::to_string(id));
    Service s = read_row(q);
    q.reset();
    return s;
}

/// A submitted ticket is locked: Conflict, saying how to change it.
Service still_open(Service s) {
    if (s.status != "open")
        fail(ErrorKind::Conflict, "service " + std::to_string(s.id) + " is submitted and locked; change it with: pom service amend " +
                                      std::to_string(s.id) + " --reason ...");
    return s;
}

Service open_service(Store& store, int64_t id) { return still_open(get_service(store, id)); }

/// A note for the office when a position is far from the pool.
std::string gps_check(Store& store, const Config& config, int64_t pool_id, const GeoPoint& g, const char* when) {
    Pool p = get_pool(store, pool_id);
    if (!p.lat || !p.lon) return "";
    double d = distance_m(g, {*p.lat, *p.lon});
    if (d <= config.gps_max_distance_m) return "";
    std::ostringstream s;
    s << when << " " << static_cast<int64_t>(std::lround(d)) << " m from the pool";
    return s.str();
}

void write_checklist(Context& ctx, int64_t id, const std::string& type) {
    const ServiceType& t = ctx.config.service_type(type);
    auto it = ctx.config.checklists.find(t.checklist);
    if (it == ctx.config.checklists.end()) return;
    auto& q = ctx.store.prepare("INSERT INTO service_check (service_id, position, item, required, photo_required) VALUES (?, ?, ?, ?, ?)");
    int pos = 0;
    for (const auto& item : it->second) {
        q.reset();
        q.bind(1, id);
        q.bind(2, pos++);
        q.bind(3, item.item);
        q.bind(4, item.required ? 1 : 0);
        q.bind(5, item.photo ? 1 : 0);
        q.exec();
    }
}

std::string sha256_file(const std::string& path, int64_t& bytes, std::string& head) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(ErrorKind::NoInput, "cannot read " + path);
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md, EVP_sha256(), nullptr);
    char buf[65536];
    bytes = 0;
    while (in) {
        in.read(buf, sizeof buf);
        auto n = in.gcount();
        if (n <= 0) break;
        if (bytes == 0) head.assign(buf, static_cast<size_t>(std::min<std::streamsize>(n, 16)));
        bytes += n;
        EVP_DigestUpdate(md, buf, static_cast<size_t>(n));
    }
    if (in.bad()) {
        EVP_MD_CTX_free(md);
        fail(ErrorKind::Io, "reading " + path + " failed");
    }
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(md, out, &len);
    EVP_MD_CTX_free(md);
    static const char* hex = "0123456789abcdef";
    std::string h;
    for (unsigned i = 0; i < len; ++i) {
        h += hex[out[i] >> 4];
        h += hex[out[i] & 15];
    }
    return h;
}

std::string media_type_of(const std::string& head) {
    auto starts = [&](const char* magic, size_t n) { return head.size() >= n && head.compare(0, n, magic, n) == 0; };
    if (starts("\xFF\xD8\xFF", 3)) return "image/jpeg";
    if (starts("\x89PNG\r\n\x1A\n", 8)) return "image/png";
    if (starts("GIF87a", 6) || starts("GIF89a", 6)) return "image/gif";
    if (head.size() >= 12 && head.compare(0, 4, "RIFF") == 0 && head.compare(8, 4, "WEBP") == 0) return "image/webp";
    return "";
}

std::string extension(const std::string& media_type) {
    if (media_type == "image/jpeg") return ".jpg";
    if (media_type == "image/png") return ".png";
    if (media_type == "image/gif") return ".gif";
    return ".webp";
}

}  // namespace

GeoPoint parse_gps(const std::string& text, const std::string& what) {
    auto comma = text.find(',');
    GeoPoint g;
    try {
        if (comma == std::string::npos) throw std::invalid_argument("no comma");
        size_t a = 0, b = 0;
        std::string lat = text.substr(0, comma), lon = text.substr(comma + 1);
        g.lat = std::stod(lat, &a);
        g.lon = std::stod(lon, &b);
        if (a != lat.size() || b != lon.size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
        fail(ErrorKind::BadInput, what + ": '" + text + "' is not LAT,LON (33.4484,-112.0740)");
    }
    if (!std::isfinite(g.lat) || !std::isfinite(g.lon) || g.lat < -90 || g.lat > 90 || g.lon < -180 || g.lon > 180)
        fail(ErrorKind::BadInput, what + ": '" + text + "' is outside -90..90, -180..180");
    return g;
}

double distance_m(GeoPoint a, GeoPoint b) {
    constexpr double k_r = 6371008.8, k_rad = 3.14159265358979323846 / 180.0;
    double dlat = (b.lat - a.lat) * k_rad, dlon = (b.lon - a.lon) * k_rad;
    double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
               std::cos(a.lat * k_rad) * std::cos(b.lat * k_rad) * std::sin(dlon / 2) * std::sin(dlon / 2);
    return 2 * k_r * std::asin(std::min(1.0, std::sqrt(h)));
}

int64_t start_service(Context& ctx, int64_t appointment_id, std::optional<GeoPoint> gps) {
    Appointment a = get_appointment(ctx.store, appointment_id);
    {
        auto& q = ctx.store.prepare("SELECT id, status FROM service WHERE appointment_id = ?");
        q.bind(1, appointment_id);
        if (q.executeStep()) {
            int64_t other = q.getColumn(0).getInt64();
            std::string status = q.getColumn(1).getString();
            q.reset();
            fail(ErrorKind::Conflict, "appointment " + std::to_string(appointment_id) + " already has service ticket " +
                                          std::to_string(other) + " (" + status + ")");
        }
    }
    // A visit the office completed already may still get its ticket written afterwards (it stays
    // completed, and is billed once: see submit_service).
    if (a.status != "in_progress" && a.status != "completed") change_status(ctx, appointment_id, "in_progress", {});
    Columns cols{{"appointment_id", appointment_id}, {"customer_id", a.customer_id}, {"pool_id", a.pool_id},
                 {"service_type", a.service_type}, {"started_at", format_instant(ctx.now())}};
    cols.emplace_back("worker_id", a.worker_id ? Value(*a.worker_id) : Value(nullptr));
    std::string flag;
    if (gps) {
        cols.emplace_back("start_lat", gps->lat);
        cols.emplace_back("start_lon", gps->lon);
        flag = gps_check(ctx.store, ctx.config, a.pool_id, *gps, "started");
    }
    if (!flag.empty()) cols.emplace_back("gps_flag", flag);
    int64_t id = insert_record(ctx, "service", cols);
    write_checklist(ctx, id, a.service_type);
    return id;
}

int64_t new_service(Context& ctx, int64_t customer_id, int64_t pool_id, const std::string& type,
                    std::optional<int64_t> worker_id, std::optional<GeoPoint> gps) {
    ctx.config.service_type(type);
    Pool p = get_pool(ctx.store, pool_id);
    if (p.customer_id != customer_id) fail(ErrorKind::Conflict, "pool " + std::to_string(pool_id) + " belongs to another customer");
    if (worker_id) get_worker(ctx.store, *worker_id);
    Columns cols{{"customer_id", customer_id}, {"pool_id", pool_id}, {"service_type", type}, {"started_at", format_instant(ctx.now())}};
    cols.emplace_back("worker_id", worker_id ? Value(*worker_id) : Value(nullptr));
    if (gps) {
        cols.emplace_back("start_lat", gps->lat);
        cols.emplace_back("start_lon", gps->lon);
        std::string flag = gps_check(ctx.store, ctx.config, pool_id, *gps, "started");
        if (!flag.empty()) cols.emplace_back("gps_flag", flag);
    }
    int64_t id = insert_record(ctx, "service", cols);
    write_checklist(ctx, id, type);
    return id;
}

Service get_service(Store& store, int64_t id) {
    auto& q = store.prepare(std::string(k_select) + " WHERE s.id = ?");
    q.bind(1, id);
    return ticket_of(q, id);
}

namespace {

void set_checks(Context& ctx, int64_t id, const std::vector<std::string>& items, bool all, bool done) {
    std::vector<std::string> names;
    {
        Statement q(ctx.store, "SELECT item FROM service_check WHERE service_id = ? ORDER BY position");
        q.bind(1, id);
        while (q.executeStep()) names.push_back(q.getColumn(0).getString());
    }
    std::vector<std::string> chosen;
    if (all) chosen = names;
    for (const auto& want : items) {
        // An item is named exactly, or by a unique case-insensitive beginning ("skim").
        std::vector<std::string> hits;
        for (const auto& n : names)
            if (ascii_lower(n) == ascii_lower(want)) hits = {n};
        if (hits.empty())
            for (const auto& n : names)
                if (ascii_lower(n).rfind(ascii_lower(want), 0) == 0) hits.push_back(n);
        if (hits.size() != 1) {
            std::string list;
            for (const auto& n : names) list += (list.empty() ? "" : "; ") + n;
            fail(ErrorKind::BadInput, (hits.empty() ? "no checklist item '" : "more than one checklist item starts with '") + want +
                                          "' (items: " + (list.empty() ? "none" : list) + ")");
        }
        chosen.push_back(hits.front());
    }
    if (chosen.empty()) fail(ErrorKind::Usage, "name the items, or give --all");
    Json before = row_json(ctx.store, "service", id);
    auto& q = ctx.store.prepare("UPDATE service_check SET done_at = ? WHERE service_id = ? AND item = ?");
    Json changed = Json::array();
    for (const auto& item : chosen) {
        q.reset();
        if (done) q.bind(1, format_instant(ctx.now()));
        else q.bind(1);
        q.bind(2, id);
        q.bind(3, item);
        q.exec();
        changed.push_back(item);
    }
    Json after = before;
    after[done ? "checked" : "unchecked"] = changed;
    record_change(ctx, "service", id, before, after);
}

}  // namespace

void check_items(Context& ctx, int64_t id, const std::vector<std::string>& items, bool all, bool done) {
    open_service(ctx.store, id);
    set_checks(ctx, id, items, all, done);
}

int64_t add_reading(Context& ctx, int64_t id, const Reading& r) {
    Service s = open_service(ctx.store, id);
    check_reading(r);
    bool any = r.fc || r.cc || r.ph || r.ta || r.ch || r.cya || r.salt || r.phosphate || r.tds || r.temp_f || r.borate;
    if (!any) fail(ErrorKind::Usage, "give at least one value (--fc, --ph, --ta, ...)");
    Pool p = get_pool(ctx.store, s.pool_id);
    Targets targets = ctx.config.targets_for(p.sanitizer, p.surface);
    Json flags = Json::array();
    for (const auto& f : out_of_range(r, targets)) flags.push_back(f);
    Columns cols{{"service_id", id}, {"taken_at", format_instant(ctx.now())}, {"flags", flags.dump()}};
    auto put = [&](const char* name, const std::optional<double>& v) { cols.emplace_back(name, v ? Value(*v) : Value(nullptr)); };
    put("fc", r.fc);
    put("cc", r.cc);
    put("ph", r.ph);
    put("ta", r.ta);
    put("ch", r.ch);
    put("cya", r.cya);
    put("salt", r.salt);
    put("phosphate", r.phosphate);
    put("tds", r.tds);
    put("temp_f", r.temp_f);
    put("borate", r.borate);
    put("lsi", lsi_classic(r));
    put("csi", csi(r));
    return insert_record(ctx, "reading", cols, false);
}

int64_t add_dose(Context& ctx, int64_t id, const std::string& chemical, int64_t amount_milli, const std::string& unit) {
    open_service(ctx.store, id);
    if (chemical.find_first_not_of(" \t") == std::string::npos) fail(ErrorKind::BadInput, "--chemical: must not be empty");
    if (amount_milli <= 0) fail(ErrorKind::BadInput, "--amount: must be more than zero");
    Columns cols{{"service_id", id}, {"chemical", chemical}, {"amount_milli", amount_milli}, {"unit", unit},
                 {"created_at", format_instant(ctx.now())}};
    auto item = find_chemical_item(ctx.store, chemical);
    if (item) {
        InventoryItem it = get_item(ctx.store, *item);
        double in_stock_unit = it.unit == unit ? static_cast<double>(amount_milli) / 1000.0
                                               : convert(static_cast<double>(amount_milli) / 1000.0, unit, it.unit);
        cols.emplace_back("item_id", *item);
        cols.emplace_back("stock_milli", static_cast<int64_t>(std::llround(in_stock_unit * 1000.0)));
    } else {
        convert(1.0, unit, unit);  // the unit itself must be known
    }
    return insert_record(ctx, "dose", cols, false);
}

int64_t add_item_use(Context& ctx, int64_t id, int64_t item_id, int64_t quantity_milli) {
    open_service(ctx.store, id);
    if (quantity_milli <= 0) fail(ErrorKind::BadInput, "--qty: must be more than zero");
    InventoryItem it = get_item(ctx.store, item_id);
    if (!it.active) fail(ErrorKind::Conflict, "item " + it.sku + " is inactive");
    return insert_record(ctx, "service_item",
                         {{"service_id", id}, {"item_id", item_id}, {"quantity_milli", quantity_milli}, {"created_at", format_instant(ctx.now())}},
                         false);
}

int64_t add_note(Context& ctx, int64_t id, const std::string& text, bool is_private) {
    open_service(ctx.store, id);
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) fail(ErrorKind::BadInput, "--text: the note is empty");
    return insert_record(ctx, "service_note",
                         {{"service_id", id}, {"text", text}, {"private", int64_t{is_private ? 1 : 0}}, {"author", ctx.actor},
                          {"created_at", format_instant(ctx.now())}},
                         false);
}

std::string photo_dir(Store& store) { return store.photo_dir(); }

std::string photo_path(Store& store, const std::string& sha, const std::string& media_type) {
    return photo_dir(store) + "/" + sha.substr(0, 2) + "/" + sha + extension(media_type);
}

PhotoAdded add_photo(Context& ctx, int64_t id, const std::string& file, const std::string& caption) {
    open_service(ctx.store, id);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) fail(ErrorKind::NoInput, "photo " + file + " does not exist");
    PhotoAdded out;
    std::string head;
    out.sha256 = sha256_file(file, out.bytes, head);
    out.media_type = media_type_of(head);
    if (out.media_type.empty()) fail(ErrorKind::BadInput, file + ": not a JPEG, PNG, GIF or WebP image");
    if (out.bytes > ctx.config.photo_max_bytes)
        fail(ErrorKind::BadInput, file + ": " + std::to_string(out.bytes) + " bytes is more than the limit of " +
                                      std::to_string(ctx.config.photo_max_bytes));
    std::string dest = photo_path(ctx.store, out.sha256, out.media_type);
    if (std::filesystem::exists(dest, ec)) {
        out.already_stored = true;
    } else {
        std::filesystem::create_directories(std::filesystem::path(dest).parent_path(), ec);
        if (ec) fail(ErrorKind::Io, "cannot create " + std::filesystem::path(dest).parent_path().string() + ": " + ec.message());
        // Copy to a temporary name and rename, so a photo file is always whole.
        std::string tmp = dest + ".tmp" + std::to_string(::getpid());
        std::filesystem::copy_file(file, tmp, std::filesystem::copy_options::overwrite_existing, ec);
        if (ec) fail(ErrorKind::Io, "cannot copy " + file + ": " + ec.message());
        std::filesystem::rename(tmp, dest, ec);
        if (ec) fail(ErrorKind::Io, "cannot store " + dest + ": " + ec.message());
    }
    auto& q = ctx.store.prepare("SELECT id FROM photo WHERE service_id = ? AND sha256 = ?");
    q.bind(1, id);
    q.bind(2, out.sha256);
    if (q.executeStep()) {
        out.id = q.getColumn(0).getInt64();
        q.reset();
        out.already_stored = true;
        return out;
    }
    Columns cols{{"service_id", id}, {"sha256", out.sha256}, {"media_type", out.media_type}, {"bytes", out.bytes},
                 {"created_at", format_instant(ctx.now())}};
    cols.emplace_back("caption", caption.empty() ? Value(nullptr) : Value(caption));
    out.id = insert_record(ctx, "photo", cols, false);
    return out;
}

void submit_service(Context& ctx, int64_t id, const SubmitOptions& o) {
    // The ticket, its checklist, its row (the audit's before) and its visit, read together (one
    // round trip on PostgreSQL).
    Statement ticket(ctx.store, std::string(k_select) + " WHERE s.id = ?");
    ticket.bind(1, id);
    Statement checklist(ctx.store, "SELECT item, required, photo_required, done_at IS NOT NULL FROM service_check "
                                   "WHERE service_id = ? ORDER BY position");
    checklist.bind(1, id);
    Statement ticket_row = row_statement(ctx.store, "service", id);
    Statement visit = ticket_appointment_statement(ctx.store, id);
    ctx.store.run_together({&ticket, &checklist, &ticket_row, &visit});
    Service s = still_open(ticket_of(ticket, id));
    // Required items still open refuse the submit, unless forced with a reason.
    std::vector<std::string> open_items;
    bool photo_needed = false;
    {
        while (checklist.executeStep()) {
            bool done = checklist.getColumn(3).getInt() != 0;
            if (checklist.getColumn(1).getInt() && !done) open_items.push_back(checklist.getColumn(0).getString());
            if (checklist.getColumn(2).getInt() && done) photo_needed = true;
        }
    }
    if (o.force_reason && o.force_reason->find_first_not_of(" \t") == std::string::npos)
        fail(ErrorKind::Usage, "--force needs --reason");
    if (!open_items.empty() && !o.force_reason) {
        std::string list;
        for (const auto& i : open_items) list += (list.empty() ? "" : "; ") + i;
        fail(ErrorKind::Conflict, "service " + std::to_string(id) + " has required items open: " + list +
                                      " (check them, or submit with --force --reason)");
    }
    if (photo_needed && !o.force_reason) {
        auto& q = ctx.store.prepare("SELECT count(*) FROM photo WHERE service_id = ?");
        q.bind(1, id);
        q.executeStep();
        int64_t n = q.getColumn(0).getInt64();
        q.reset();
        if (n == 0) fail(ErrorKind::Conflict, "service " + std::to_string(id) + " needs a photo for a checked item; add one with pom service photo");
    }
    Columns cols{{"status", "submitted"}, {"ended_at", format_instant(ctx.now())}};
    if (o.force_reason && !open_items.empty()) cols.emplace_back("forced_reason", *o.force_reason);
    if (o.gps) {
        cols.emplace_back("submit_lat", o.gps->lat);
        cols.emplace_back("submit_lon", o.gps->lon);
        std::string flag = gps_check(ctx.store, ctx.config, s.pool_id, *o.gps, "submitted");
        if (!flag.empty()) cols.emplace_back("gps_flag", s.gps_flag.empty() ? flag : s.gps_flag + "; " + flag);
    }
    Json before = row_json(ticket_row);
    if (before.is_null()) fail(ErrorKind::NotFound, "no service ticket with id " + std::to_string(id));
    update_row(ctx, "service", before, cols);
    if (s.appointment_id) {
        auto visits = read_appointments(visit);
        Appointment a = visits.empty() ? get_appointment(ctx.store, *s.appointment_id) : std::move(visits.front());
        if (a.status == "en_route" || a.status == "scheduled") {
            change_status(ctx, a, "in_progress", {});
            change_status(ctx, a.id, "completed", {});
        } else if (a.status != "completed") {
            change_status(ctx, a, "completed", {});
        }
    }
    // Stock and billable lines, in the same transaction.
    Date day = ctx.tz.local_date(parse_stored_instant(s.started_at));
    std::string service_date = format_date(day);
    auto line = [&](const std::string& kind, const std::string& key, const std::string& description, int64_t qty_milli,
                    Cents unit_price, bool taxable, const std::string& unit) {
        Columns l{{"customer_id", s.customer_id}, {"service_id", id},           {"kind", kind},
                  {"description", description},   {"quantity_milli", qty_milli}, {"unit_price_cents", unit_price},
                  {"amount_cents", line_amount(qty_milli, unit_price)}, {"taxable", int64_t{taxable ? 1 : 0}},
                  {"service_date", service_date}, {"source_key", key}, {"created_at", format_instant(ctx.now())},
                  {"unit", unit.empty() ? Value(nullptr) : Value(unit)}};
        insert_record(ctx, "billable_line", l, false);
    };
    const ServiceType& type = ctx.config.service_type(s.service_type);
    std::string what = type.name;
    if (!what.empty()) what[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(what[0])));
    // Whether the visit is billed already, the doses, the items used and the stock items they
    // take: four reads together (one round trip on PostgreSQL). What follows writes stock and
    // lines, not doses or items.
    Statement vb(ctx.store, "SELECT count(*) FROM billable_line WHERE appointment_id = ?");
    vb.bind(1, s.appointment_id ? *s.appointment_id : int64_t{0});
    Statement q(ctx.store, "SELECT d.id, d.chemical, d.amount_milli, d.unit, d.item_id, d.stock_milli FROM dose d "
                           "WHERE d.service_id = ? ORDER BY d.id");
    q.bind(1, id);
    Statement used(ctx.store, "SELECT id, item_id, quantity_milli FROM service_item WHERE service_id = ? ORDER BY id");
    used.bind(1, id);
    Statement stock = ticket_items_statement(ctx.store, id);
    ctx.store.run_together({&vb, &q, &used, &stock});
    std::map<int64_t, ItemRow> stocked = item_rows(stock);
    // A stock item as read above; one taken from already (two doses of it) is read again.
    std::set<int64_t> taken;
    auto item_row = [&](int64_t item) {
        auto at = stocked.find(item);
        if (at == stocked.end() || !taken.insert(item).second) return get_item_row(ctx.store, item);
        return std::move(at->second);
    };
    // A visit completed (and billed) before its ticket was written is not billed a second time.
    bool visit_billed = false;
    if (vb.executeStep()) visit_billed = s.appointment_id && vb.getColumn(0).getInt64() > 0;
    vb.reset();
    if (!visit_billed) line("service", "service:" + std::to_string(id), what + " visit", 1000, type.price_cents, type.taxable, "visit");
    {
        struct D {
            int64_t id;
            std::string chemical;
            int64_t amount;
            std::string unit;
            std::optional<int64_t> item, stock;
        };
        std::vector<D> doses;
        while (q.executeStep())
            doses.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getInt64(),
                             q.getColumn(3).getString(), opt_int(q.getColumn(4)), opt_int(q.getColumn(5))});
        for (const auto& d : doses) {
            if (!d.item) continue;
            ItemRow ir = item_row(*d.item);
            const InventoryItem& it = ir.item;
            use_item(ctx, ir, *d.stock, id);
            if (it.billable && it.price_cents > 0)
                line("chemical", "service:" + std::to_string(id) + ":dose:" + std::to_string(d.id), it.name, *d.stock, it.price_cents,
                     it.taxable, it.unit);
        }
    }
    {
        std::vector<std::tuple<int64_t, int64_t, int64_t>> items;
        while (used.executeStep()) items.emplace_back(used.getColumn(0).getInt64(), used.getColumn(1).getInt64(), used.getColumn(2).getInt64());
        for (const auto& [row, item, qty] : items) {
            ItemRow ir = item_row(item);
            const InventoryItem& it = ir.item;
            use_item(ctx, ir, qty, id);
            if (it.billable && it.price_cents > 0)
                line("item", "service:" + std::to_string(id) + ":item:" + std::to_string(row), it.name, qty, it.price_cents, it.taxable, it.unit);
        }
    }
    if (o.email_report) queue_service_report(ctx, id);
}

void amend_service(Context& ctx, int64_t id, const Amendment& a) {
    Service s = get_service(ctx.store, id);
    if (s.status != "submitted") fail(ErrorKind::Conflict, "service " + std::to_string(id) + " is still open; change it directly");
    if (a.reason.find_first_not_of(" \t") == std::string::npos) fail(ErrorKind::Usage, "--reason is required to amend");
    // The actor must be a worker whose role may amend.
    auto& q = ctx.store.prepare("SELECT role FROM worker WHERE name = ? COLLATE NOCASE AND active = 1");
    q.bind(1, ctx.actor);
    std::string role;
    if (q.executeStep()) role = q.getColumn(0).getString();
    q.reset();
    if (role.empty() || std::find(ctx.config.amend_roles.begin(), ctx.config.amend_roles.end(), role) == ctx.config.amend_roles.end()) {
        std::string roles;
        for (const auto& r : ctx.config.amend_roles) roles += (roles.empty() ? "" : ", ") + r;
        fail(ErrorKind::Permission, "'" + ctx.actor + "' may not amend a submitted ticket (allowed roles: " + roles + ")");
    }
    if (service_lines_invoiced(ctx.store, id))
        fail(ErrorKind::Conflict, "service " + std::to_string(id) + " is on an issued invoice; correct it with a credit note");
    if (a.notes.empty() && a.private_notes.empty() && a.check.empty() && a.uncheck.empty())
        fail(ErrorKind::Usage, "nothing to amend: give --note, --private-note, --check or --uncheck");
    for (const auto& n : a.notes)
        insert_record(ctx, "service_note",
                      {{"service_id", id}, {"text", n}, {"private", int64_t{0}}, {"author", ctx.actor}, {"created_at", format_instant(ctx.now())}},
                      false);
    for (const auto& n : a.private_notes)
        insert_record(ctx, "service_note",
                      {{"service_id", id}, {"text", n}, {"private", int64_t{1}}, {"author", ctx.actor}, {"created_at", format_instant(ctx.now())}},
                      false);
    if (!a.check.empty()) set_checks(ctx, id, a.check, false, true);
    if (!a.uncheck.empty()) set_checks(ctx, id, a.uncheck, false, false);
    Json before = row_json(ctx.store, "service", id);
    Json after = before;
    after["amendment"] = {{"reason", a.reason}, {"by", ctx.actor}, {"role", role}};
    record_change(ctx, "service", id, before, after);
}

bool service_lines_invoiced(Store& store, int64_t id) {
    // Billing links each billed line to its invoice line (invoice_line.billable_line_id).
    Statement c(store,
                        "SELECT count(*) FROM billable_line b JOIN invoice_line l ON l.billable_line_id = b.id "
                        "JOIN invoice i ON i.id = l.invoice_id WHERE b.service_id = ? AND i.seq IS NOT NULL");
    c.bind(1, id);
    c.executeStep();
    return c.getColumn(0).getInt() > 0;
}

std::vector<Service> list_services(Context& ctx, const ServiceFilter& f) {
    std::string sql = std::string(k_select) + " WHERE 1";
    if (f.from) sql += " AND s.started_at >= :from";
    if (f.to) sql += " AND s.started_at < :to";
    if (f.worker) sql += " AND s.worker_id = :worker";
    if (f.customer) sql += " AND s.customer_id = :customer";
    if (f.pool) sql += " AND s.pool_id = :pool";
    if (f.status) sql += " AND s.status = :status";
    if (f.flagged)
        sql += " AND (s.gps_flag IS NOT NULL OR s.forced_reason IS NOT NULL OR EXISTS (SELECT 1 FROM reading r "
               "WHERE r.service_id = s.id AND r.flags != '[]'))";
    sql += " ORDER BY s.started_at, s.id";
    if (f.limit > 0) sql += " LIMIT " + std::to_string(f.limit);
    Statement q(ctx.store, sql);
    if (f.from) q.bind(":from", format_instant(ctx.tz.to_instant(LocalTime{date::local_days{*f.from}})));
    if (f.to) q.bind(":to", format_instant(ctx.tz.to_instant(LocalTime{date::local_days{add_days(*f.to, 1)}})));
    if (f.worker) q.bind(":worker", *f.worker);
    if (f.customer) q.bind(":customer", *f.customer);
    if (f.pool) q.bind(":pool", *f.pool);
    if (f.status) q.bind(":status", *f.status);
    std::vector<Service> out;
    while (q.executeStep()) out.push_back(read_row(q));
    return out;
}

const std::vector<std::string>& service_fields() {
    static const std::vector<std::string> f{"id",         "appointment_id", "customer_id", "customer",  "pool_id",  "pool",
                                            "worker_id",  "worker",         "service_type", "status",   "started_at", "ended_at",
                                            "duration_min", "start_gps",    "submit_gps",  "gps_flag", "forced_reason",
                                            "created_at", "updated_at"};
    return f;
}

Json service_json(const Service& s) {
    Json duration = nullptr;
    if (!s.ended_at.empty())
        duration = (parse_stored_instant(s.ended_at) - parse_stored_instant(s.started_at)).count() / 60;
    auto gps = [](const std::optional<double>& lat, const std::optional<double>& lon) {
        return lat && lon ? Json{{"lat", *lat}, {"lon", *lon}} : Json(nullptr);
    };
    return object({
        {"id", s.id},
        {"appointment_id", opt(s.appointment_id)},
        {"customer_id", s.customer_id},
        {"customer", s.customer_name},
        {"pool_id", s.pool_id},
        {"pool", s.pool_name},
        {"worker_id", opt(s.worker_id)},
        {"worker", opt(s.worker_name)},
        {"service_type", s.service_type},
        {"status", s.status},
        {"started_at", s.started_at},
        {"ended_at", opt(s.ended_at)},
        {"duration_min", duration},
        {"start_gps", gps(s.start_lat, s.start_lon)},
        {"submit_gps", gps(s.submit_lat, s.submit_lon)},
        {"gps_flag", opt(s.gps_flag)},
        {"forced_reason", opt(s.forced_reason)},
        {"created_at", s.created_at},
        {"updated_at", s.updated_at},
    });
}

namespace {

Json reading_json(Statement& q) {
    // columns: id, taken_at, fc, cc, ph, ta, ch, cya, salt, phosphate, tds, temp_f, borate, lsi, csi, flags
    static const char* names[] = {"fc", "cc", "ph", "ta", "ch", "cya", "salt", "phosphate", "tds", "temp_f", "borate"};
    Json r = {{"id", q.getColumn(0).getInt64()}, {"taken_at", q.getColumn(1).getString()}};
    for (int i = 0; i < 11; ++i) r[names[i]] = opt_real(q.getColumn(2 + i)) ? Json(q.getColumn(2 + i).getDouble()) : Json(nullptr);
    r["lsi"] = q.getColumn(13).isNull() ? Json(nullptr) : Json({{"value", round2(q.getColumn(13).getDouble())}, {"variant", k_lsi_variant}});
    r["csi"] = q.getColumn(14).isNull() ? Json(nullptr) : Json({{"value", round2(q.getColumn(14).getDouble())}, {"variant", k_csi_variant}});
    r["flags"] = Json::parse(q.getColumn(15).getString());
    return r;
}

const char* k_reading_cols = "SELECT id, taken_at, fc, cc, ph, ta, ch, cya, salt, phosphate, tds, temp_f, borate, lsi, csi, flags FROM reading";

}  // namespace

Json visit_last_reading(Store& store, int64_t appointment_id) {
    Statement q(store, std::string(k_reading_cols) +
                           " WHERE service_id IN (SELECT id FROM service WHERE appointment_id = ?) ORDER BY id DESC LIMIT 1");
    q.bind(1, appointment_id);
    return q.executeStep() ? reading_json(q) : Json(nullptr);
}

Json service_detail(Context& ctx, int64_t id) {
    // The ticket, its parts, the pool's previous visits and their last readings, doses and notes:
    // twelve reads that go together (one round trip on PostgreSQL), the previous visits named by
    // the same subquery in each of the last four.
    static const std::string k_previous_visits = " FROM service WHERE pool_id = (SELECT pool_id FROM service WHERE id = ?1) "
                                                 "AND id != ?1 AND started_at <= (SELECT started_at FROM service WHERE id = ?1) "
                                                 "ORDER BY started_at DESC, id DESC LIMIT 3";
    static const std::string k_previous = "SELECT id" + k_previous_visits;
    Statement ticket(ctx.store, std::string(k_select) + " WHERE s.id = ?");
    Statement checks(ctx.store, "SELECT item, required, photo_required, done_at FROM service_check WHERE service_id = ? ORDER BY position");
    Statement reading_rows(ctx.store, std::string(k_reading_cols) + " WHERE service_id = ? ORDER BY id");
    Statement dose_rows(ctx.store, "SELECT d.id, d.chemical, d.amount_milli, d.unit, i.sku FROM dose d LEFT JOIN inventory_item i "
                                   "ON i.id = d.item_id WHERE d.service_id = ? ORDER BY d.id");
    Statement item_rows(ctx.store, "SELECT u.id, i.sku, i.name, u.quantity_milli, i.unit FROM service_item u JOIN inventory_item i "
                                   "ON i.id = u.item_id WHERE u.service_id = ? ORDER BY u.id");
    Statement note_rows(ctx.store, "SELECT id, text, private, author, created_at FROM service_note WHERE service_id = ? ORDER BY id");
    Statement photo_rows(ctx.store, "SELECT id, sha256, media_type, bytes, caption FROM photo WHERE service_id = ? ORDER BY id");
    Statement line_rows(ctx.store, "SELECT id, kind, description, quantity_milli, unit_price_cents, amount_cents, taxable "
                                   "FROM billable_line WHERE service_id = ? ORDER BY id");
    Statement visit_rows(ctx.store, "SELECT id, started_at, service_type, status" + k_previous_visits);
    std::string cols = k_reading_cols;
    cols.insert(cols.rfind(" FROM reading"), ", service_id");  // column 16, after what reading_json reads
    Statement prev_reading(ctx.store, cols + " WHERE id IN (SELECT max(id) FROM reading WHERE service_id IN (" + k_previous +
                                          ") GROUP BY service_id)");
    Statement prev_doses(ctx.store, "SELECT service_id, chemical, amount_milli, unit FROM dose WHERE service_id IN (" + k_previous +
                                        ") ORDER BY id");
    Statement prev_notes(ctx.store, "SELECT service_id, text, private FROM service_note WHERE service_id IN (" + k_previous +
                                        ") ORDER BY id");
    for (Statement* q : {&ticket, &checks, &reading_rows, &dose_rows, &item_rows, &note_rows, &photo_rows, &line_rows, &visit_rows,
                         &prev_reading, &prev_doses, &prev_notes})
        q->bind(1, id);
    ctx.store.run_together({&ticket, &checks, &reading_rows, &dose_rows, &item_rows, &note_rows, &photo_rows, &line_rows, &visit_rows,
                            &prev_reading, &prev_doses, &prev_notes});
    Json j = service_json(ticket_of(ticket, id));
    Json checklist = Json::array();
    while (checks.executeStep())
        checklist.push_back({{"item", checks.getColumn(0).getString()},
                             {"required", checks.getColumn(1).getInt() != 0},
                             {"photo_required", checks.getColumn(2).getInt() != 0},
                             {"done", !checks.getColumn(3).isNull()},
                             {"done_at", checks.getColumn(3).isNull() ? Json(nullptr) : Json(checks.getColumn(3).getString())}});
    j["checklist"] = checklist;
    Json readings = Json::array();
    while (reading_rows.executeStep()) readings.push_back(reading_json(reading_rows));
    j["readings"] = readings;
    Json doses = Json::array();
    while (dose_rows.executeStep())
        doses.push_back({{"id", dose_rows.getColumn(0).getInt64()},
                         {"chemical", dose_rows.getColumn(1).getString()},
                         {"amount", format_milli(dose_rows.getColumn(2).getInt64())},
                         {"unit", dose_rows.getColumn(3).getString()},
                         {"sku", dose_rows.getColumn(4).isNull() ? Json(nullptr) : Json(dose_rows.getColumn(4).getString())}});
    j["doses"] = doses;
    Json items = Json::array();
    while (item_rows.executeStep())
        items.push_back({{"id", item_rows.getColumn(0).getInt64()},
                         {"sku", item_rows.getColumn(1).getString()},
                         {"name", item_rows.getColumn(2).getString()},
                         {"quantity", format_milli(item_rows.getColumn(3).getInt64())},
                         {"unit", item_rows.getColumn(4).getString()}});
    j["items"] = items;
    Json notes = Json::array();
    while (note_rows.executeStep())
        notes.push_back({{"id", note_rows.getColumn(0).getInt64()},
                         {"text", note_rows.getColumn(1).getString()},
                         {"private", note_rows.getColumn(2).getInt() != 0},
                         {"author", note_rows.getColumn(3).getString()},
                         {"created_at", note_rows.getColumn(4).getString()}});
    j["notes"] = notes;
    Json photos = Json::array();
    while (photo_rows.executeStep())
        photos.push_back({{"id", photo_rows.getColumn(0).getInt64()},
                          {"sha256", photo_rows.getColumn(1).getString()},
                          {"media_type", photo_rows.getColumn(2).getString()},
                          {"bytes", photo_rows.getColumn(3).getInt64()},
                          {"caption", photo_rows.getColumn(4).isNull() ? Json(nullptr) : Json(photo_rows.getColumn(4).getString())}});
    j["photos"] = photos;
    Json lines = Json::array();
    while (line_rows.executeStep())
        lines.push_back({{"id", line_rows.getColumn(0).getInt64()},
                         {"kind", line_rows.getColumn(1).getString()},
                         {"description", line_rows.getColumn(2).getString()},
                         {"quantity", format_milli(line_rows.getColumn(3).getInt64())},
                         {"unit_price", format_money(line_rows.getColumn(4).getInt64())},
                         {"amount", format_money(line_rows.getColumn(5).getInt64())},
                         {"taxable", line_rows.getColumn(6).getInt() != 0}});
    j["billable_lines"] = lines;
    // The pool's previous visits: last readings, last doses, open notes.
    Json previous = Json::array();
    {
        std::vector<Json> visits;
        while (visit_rows.executeStep())
            visits.push_back({{"id", visit_rows.getColumn(0).getInt64()},
                              {"started_at", visit_rows.getColumn(1).getString()},
                              {"service_type", visit_rows.getColumn(2).getString()},
                              {"status", visit_rows.getColumn(3).getString()}});
        // Their last readings, doses and notes: three statements, not three each.
        std::map<int64_t, Json> last_reading, doses_of, notes_of;
        while (prev_reading.executeStep()) last_reading[prev_reading.getColumn(16).getInt64()] = reading_json(prev_reading);
        while (prev_doses.executeStep()) {
            Json& vd = doses_of[prev_doses.getColumn(0).getInt64()];
            if (vd.is_null()) vd = Json::array();
            vd.push_back({{"chemical", prev_doses.getColumn(1).getString()}, {"amount", format_milli(prev_doses.getColumn(2).getInt64())},
                          {"unit", prev_doses.getColumn(3).getString()}});
        }
        while (prev_notes.executeStep()) {
            Json& vn = notes_of[prev_notes.getColumn(0).getInt64()];
            if (vn.is_null()) vn = Json::array();
            vn.push_back({{"text", prev_notes.getColumn(1).getString()}, {"private", prev_notes.getColumn(2).getInt() != 0}});
        }
        for (auto& v : visits) {
            int64_t vid = v["id"].get<int64_t>();
            v["last_reading"] = last_reading.count(vid) ? last_reading[vid] : Json(nullptr);
            v["doses"] = doses_of.count(vid) ? doses_of[vid] : Json::array();
            v["notes"] = notes_of.count(vid) ? notes_of[vid] : Json::array();
            previous.push_back(v);
        }
    }
    j["previous_visits"] = previous;
    return j;
}

std::vector<Json> service_recommendations(Context& ctx, int64_t id) {
    Service s = get_service(ctx.store, id);
    Pool p = get_pool(ctx.store, s.pool_id);
    if (!p.gallons) fail(ErrorKind::Conflict, "pool " + std::to_string(p.id) + " has no volume; set it with pom pool edit --gallons");
    Statement q(ctx.store, "SELECT fc, cc, ph, ta, ch, cya, salt, phosphate, tds, temp_f, borate FROM reading "
                                        "WHERE service_id = ? ORDER BY id DESC LIMIT 1");
    q.bind(1, id);
    if (!q.executeStep()) fail(ErrorKind::Conflict, "service " + std::to_string(id) + " has no reading yet; add one with pom service reading");
    Reading r;
    std::optional<double>* fields[] = {&r.fc, &r.cc, &r.ph, &r.ta, &r.ch, &r.cya, &r.salt, &r.phosphate, &r.tds, &r.temp_f, &r.borate};
    for (int i = 0; i < 11; ++i) *fields[i] = opt_real(q.getColumn(i));
    Targets t = ctx.config.targets_for(p.sanitizer, p.surface);
    std::vector<Json> out;
    for (const auto& rec : recommend(r, static_cast<double>(*p.gallons), t, ctx.config.chemicals))
        out.push_back(recommendation_json(rec));
    return out;
}

}  // namespace pom
