#include "callback.h"
#include "json.h"

#include "customer.h"
#include "error.h"
#include "record.h"
#include "worker.h"


namespace pom {

namespace {

const char* k_select =
    "SELECT k.id, k.customer_id, c.name, k.contact, k.reason, k.owner_id, w.name, k.due_at, k.first_due_at, k.summary, "
    "k.ticket_id, k.appointment_id, k.status, k.outcome, k.done_at, k.created_at, k.updated_at "
    "FROM callback k JOIN customer c ON c.id = k.customer_id JOIN worker w ON w.id = k.owner_id";

std::optional<int64_t> opt_int(const Column& c) {
    if (c.isNull()) return std::nullopt;
    return c.getInt64();
}

Callback read_row(Statement& q, const std::string& now) {
    Callback k;
    k.id = q.getColumn(0).getInt64();
    k.customer_id = q.getColumn(1).getInt64();
    k.customer = q.getColumn(2).getString();
    k.contact = q.getColumn(3).getString();
    k.reason = q.getColumn(4).getString();
    k.owner_id = q.getColumn(5).getInt64();
    k.owner = q.getColumn(6).getString();
    k.due_at = q.getColumn(7).getString();
    k.first_due_at = q.getColumn(8).getString();
    k.summary = q.getColumn(9).getString();
    k.ticket_id = opt_int(q.getColumn(10));
    k.appointment_id = opt_int(q.getColumn(11));
    k.status = q.getColumn(12).getString();
    k.outcome = q.getColumn(13).getString();
    k.done_at = q.getColumn(14).getString();
    k.created_at = q.getColumn(15).getString();
    k.updated_at = q.getColumn(16).getString();
    k.overdue = k.status == "open" && k.due_at < now;
    return k;
}

Json opt(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }
Json opt(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

void require_text(const std::string& v, const std::string& what, const std::string& hint) {
    if (trim(v).empty()) fail(ErrorKind::BadInput, what + ": " + hint);
}

Callback open_callback(Context& ctx, int64_t id) {
    Callback k = get_callback(ctx, id);
    if (k.status != "open")
        fail(ErrorKind::Transition, "callback " + std::to_string(id) + " is done (" + k.done_at + "): add a new callback instead");
    return k;
}

/// The customer a linked record belongs to, or NotFound.
int64_t owner_customer(Store& store, const std::string& table, int64_t id, const std::string& what) {
    Statement q(store, "SELECT customer_id FROM " + table + " WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(ErrorKind::NotFound, what + ": no " + table + " with id " + std::to_string(id));
    return q.getColumn(0).getInt64();
}

int64_t active_worker(Store& store, int64_t id) {
    Worker w = get_worker(store, id);
    if (!w.active) fail(ErrorKind::Conflict, "worker " + w.name + " is inactive");
    return id;
}

}  // namespace

Instant parse_due(const std::string& text, Date today, const TimeZone& tz, const std::string& what) {
    return parse_when(text, today, tz, what);
}

void check_contact_method(const std::string& c, const std::string& what) {
    if (c != "phone" && c != "email" && c != "sms")
        fail(ErrorKind::BadInput, what + ": '" + c + "' is not a contact method (phone, email, sms)");
}

int64_t add_callback(Context& ctx, const CallbackFields& f) {
    check_contact_method(f.contact);
    require_text(f.reason, "--reason", "say why the homeowner needs a callback");
    require_text(f.summary, "--summary", "say what should be communicated");
    get_customer(ctx.store, f.customer_id);
    active_worker(ctx.store, f.owner_id);
    if (f.due < ctx.now()) fail(ErrorKind::BadInput, "--due: " + format_instant(f.due) + " is in the past");
    if (f.ticket_id && owner_customer(ctx.store, "ticket", *f.ticket_id, "--ticket") != f.customer_id)
        fail(ErrorKind::Conflict, "--ticket: ticket " + std::to_string(*f.ticket_id) + " belongs to another customer");
    if (f.appointment_id && owner_customer(ctx.store, "appointment", *f.appointment_id, "--appt") != f.customer_id)
        fail(ErrorKind::Conflict, "--appt: appointment " + std::to_string(*f.appointment_id) + " belongs to another customer");
    std::string due = format_instant(f.due);
    return insert_record(ctx, "callback",
                         {{"customer_id", f.customer_id},
                          {"contact", f.contact},
                          {"reason", trim(f.reason)},
                          {"owner_id", f.owner_id},
                          {"due_at", due},
                          {"first_due_at", due},
                          {"summary", trim(f.summary)},
                          {"ticket_id", f.ticket_id ? Value(*f.ticket_id) : Value(nullptr)},
                          {"appointment_id", f.appointment_id ? Value(*f.appointment_id) : Value(nullptr)}});
}

void complete_callback(Context& ctx, int64_t id, const std::string& outcome) {
    require_text(outcome, "--outcome", "say what came of the callback");
    open_callback(ctx, id);
    update_record(ctx, "callback", id, {{"status", "done"}, {"outcome", trim(outcome)}, {"done_at", format_instant(ctx.now())}});
}

void reassign_callback(Context& ctx, int64_t id, int64_t owner_id) {
    open_callback(ctx, id);
    active_worker(ctx.store, owner_id);
    update_record(ctx, "callback", id, {{"owner_id", owner_id}});
}

void snooze_callback(Context& ctx, int64_t id, Instant until) {
    Callback k = open_callback(ctx, id);
    if (until <= ctx.now()) fail(ErrorKind::BadInput, "--until: " + format_instant(until) + " is not in the future");
    if (format_instant(until) <= k.due_at)
        fail(ErrorKind::BadInput, "--until: " + format_instant(until) + " is not later than the callback's due " + k.due_at);
    update_record(ctx, "callback", id, {{"due_at", format_instant(until)}});
}

std::vector<Callback> list_callbacks(Context& ctx, const CallbackFilter& f) {
    std::string now = format_instant(ctx.now());
    std::string sql = std::string(k_select) + " WHERE 1";
    if (f.open || f.overdue) sql += " AND k.status = 'open'";
    if (f.overdue) sql += " AND k.due_at < :now";
    if (f.owner) sql += " AND k.owner_id = :owner";
    if (f.customer) sql += " AND k.customer_id = :customer";
    if (f.ticket) sql += " AND k.ticket_id = :ticket";
    if (f.due_on) sql += " AND k.due_at >= :from AND k.due_at < :to";
    sql += " ORDER BY k.due_at, k.id";
    if (f.limit > 0) sql += " LIMIT " + std::to_string(f.limit);
    Statement q(ctx.store, sql);
    if (f.overdue) q.bind(":now", now);
    if (f.owner) q.bind(":owner", *f.owner);
    if (f.customer) q.bind(":customer", *f.customer);
    if (f.ticket) q.bind(":ticket", *f.ticket);
    if (f.due_on) {
        auto start = ctx.tz.to_instant(LocalTime{date::sys_days{*f.due_on}.time_since_epoch()});
        auto end = ctx.tz.to_instant(LocalTime{date::sys_days{add_days(*f.due_on, 1)}.time_since_epoch()});
        q.bind(":from", format_instant(start));
        q.bind(":to", format_instant(end));
    }
    std::vector<Callback> out;
    while (q.executeStep()) out.push_back(read_row(q, now));
    return out;
}

Callback get_callback(Context& ctx, int64_t id) {
    auto& q = ctx.store.prepare(std::string(k_select) + " WHERE k.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(ErrorKind::NotFound, "no callback with id " + std::to_string(id));
    Callback k = read_row(q, format_instant(ctx.now()));
    q.reset();
    return k;
}

Json callback_json(const Callback& k) {
    return object({{"id", k.id},
            {"customer_id", k.customer_id},
            {"customer", k.customer},
            {"contact", k.contact},
            {"reason", k.reason},
            {"owner_id", k.owner_id},
            {"owner", k.owner},
            {"due_at", k.due_at},
            {"first_due_at", k.first_due_at},
            {"summary", k.summary},
            {"ticket_id", opt(k.ticket_id)},
            {"appointment_id", opt(k.appointment_id)},
            {"status", k.status},
            {"overdue", k.overdue},
            {"outcome", opt(k.outcome)},
            {"done_at", opt(k.done_at)},
            {"created_at", k.created_at},
            {"updated_at", k.updated_at}});
}

const std::vector<std::string>& callback_fields() {
    static const std::vector<std::string> f{"id",        "customer_id", "customer",   "contact",  "reason",        "owner_id",
                                            "owner",     "due_at",      "first_due_at", "summary", "ticket_id",     "appointment_id",
                                            "status",    "overdue",     "outcome",    "done_at",  "created_at",    "updated_at"};
    return f;
}

}  // namespace pom
