#include "ticket.h"
#include "json.h"

#include "appointment.h"
#include "customer.h"
#include "error.h"
#include "pool.h"
#include "record.h"
#include "worker.h"

#include <algorithm>

namespace pom {

namespace {

const char* k_select =
    "SELECT t.id, t.customer_id, c.name, t.pool_id, t.category, t.severity, t.urgency, t.summary, t.told, t.owner_id, w.name, "
    "t.source, t.warranty, t.warranty_until, t.promise_s, t.due_at, t.status, t.route, t.next_action, t.outcome, "
    "t.notified_at, t.closed_at, t.created_at, t.updated_at "
    "FROM ticket t JOIN customer c ON c.id = t.customer_id JOIN worker w ON w.id = t.owner_id";

Ticket read_row(Statement& q, const std::string& now) {
    Ticket t;
    t.id = q.getColumn(0).getInt64();
    t.customer_id = q.getColumn(1).getInt64();
    t.customer = q.getColumn(2).getString();
    if (!q.getColumn(3).isNull()) t.pool_id = q.getColumn(3).getInt64();
    t.category = q.getColumn(4).getString();
    t.severity = q.getColumn(5).getString();
    t.urgency = q.getColumn(6).getString();
    t.summary = q.getColumn(7).getString();
    t.told = q.getColumn(8).getString();
    t.owner_id = q.getColumn(9).getInt64();
    t.owner = q.getColumn(10).getString();
    t.source = q.getColumn(11).getString();
    t.warranty = q.getColumn(12).getString();
    t.warranty_until = q.getColumn(13).getString();
    t.promise_s = q.getColumn(14).getInt64();
    t.due_at = q.getColumn(15).getString();
    t.status = q.getColumn(16).getString();
    t.route = q.getColumn(17).getString();
    t.next_action = q.getColumn(18).getString();
    t.outcome = q.getColumn(19).getString();
    t.notified_at = q.getColumn(20).getString();
    t.closed_at = q.getColumn(21).getString();
    t.created_at = q.getColumn(22).getString();
    t.updated_at = q.getColumn(23).getString();
    t.overdue = t.status == "open" && t.due_at < now;
    return t;
}

void load_links(Store& store, Ticket& t) {
    auto& v = store.prepare(
        "SELECT a.id, a.date, a.service_type, coalesce(w.name, ''), a.status FROM ticket_visit tv "
        "JOIN appointment a ON a.id = tv.appointment_id LEFT JOIN worker w ON w.id = a.worker_id "
        "WHERE tv.ticket_id = ? ORDER BY a.date, a.id");
    v.bind(1, t.id);
    while (v.executeStep())
        t.visits.push_back({v.getColumn(0).getInt64(), v.getColumn(1).getString(), v.getColumn(2).getString(),
                            v.getColumn(3).getString(), v.getColumn(4).getString()});
    v.reset();
    auto& k = store.prepare("SELECT id FROM callback WHERE ticket_id = ? AND status = 'open' ORDER BY due_at, id");
    k.bind(1, t.id);
    while (k.executeStep()) t.open_callbacks.push_back(k.getColumn(0).getInt64());
    k.reset();
}

Json opt(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

void one_of(const std::string& v, std::initializer_list<const char*> allowed, const std::string& what) {
    std::string list;
    for (const char* a : allowed) {
        if (v == a) return;
        list += (list.empty() ? "" : ", ") + std::string(a);
    }
    fail(ErrorKind::BadInput, what + ": '" + v + "' is not one of " + list);
}

bool visit_open(const std::string& status) {
    return status == "scheduled" || status == "en_route" || status == "in_progress" || status == "paused";
}

Ticket open_ticket(Context& ctx, int64_t id) {
    Ticket t = get_ticket(ctx, id);
    if (t.status != "open") fail(ErrorKind::Transition, "ticket " + std::to_string(id) + " is closed (" + t.closed_at + ")");
    return t;
}

std::string next_action(Context& ctx, const Ticket& t, const std::string& route) {
    std::string id = std::to_string(t.id);
    std::string customer = t.customer_id ? std::to_string(t.customer_id) : "";
    auto open_visit = std::find_if(t.visits.begin(), t.visits.end(), [](const TicketVisit& v) { return visit_open(v.status); });
    std::string visit = open_visit == t.visits.end()
                            ? ""
                            : "visit " + std::to_string(open_visit->appointment_id) + " on " + open_visit->date + " is " +
                                  open_visit->status + (open_visit->worker.empty() ? " (unassigned: assign it to a route)" : "");
    if (route == "customer-service") {
        if (!t.open_callbacks.empty())
            return "callback " + std::to_string(t.open_callbacks.front()) + " is open: " + t.owner + " calls the homeowner back";
        return "callback follow-up: pom callback add --customer " + customer + " --ticket " + id + " --owner '" + t.owner +
               "' --due ... --reason ... --summary ...";
    }
    if (route == "construction")
        return "job detail: the job's owner (" + t.owner + ") reviews the construction issue; gather QA/QC evidence (photos, notes) when needed";
    if (route == "service") {
        if (!visit.empty()) return visit;
        return "schedule the service visit: pom ticket schedule " + id + " --date D --type repair";
    }
    if (route == "warranty") {
        std::string coverage;
        if (t.warranty == "in") {
            if (!t.warranty_until.empty() && t.warranty_until < format_date(ctx.today()))
                coverage = "the warranty ended on " + t.warranty_until + ": treat it as out of warranty";
            else
                coverage = "in warranty" + (t.warranty_until.empty() ? std::string() : " until " + t.warranty_until);
        } else if (t.warranty == "out") {
            coverage = "out of warranty: the work is billable";
        } else {
            coverage = "confirm the warranty status (--warranty in|out)";
        }
        if (!visit.empty()) return "warranty workflow (" + coverage + "); " + visit;
        return "warranty workflow (" + coverage + "); when field work is needed: pom ticket schedule " + id + " --date D --type repair";
    }
    if (route == "service-plan")
        return "service plan and chemistry: review the recurring service of customer " + customer +
               " (pom appt series list --customer " + customer + ") and adjust it";
    if (!visit.empty()) return visit;
    return "route planning: pom ticket schedule " + id + " --date D, then pom appt assign to a technician's route";
}

}  // namespace

std::chrono::seconds default_promise(const std::string& severity) {
    using namespace std::chrono;
    if (severity == "critical") return hours(4);
    if (severity == "high") return hours(24);
    if (severity == "medium") return hours(48);
    return hours(72);
}

std::string route_for_category(const std::string& category) {
    if (category == "question" || category == "communication") return "customer-service";
    if (category == "construction") return "construction";
    if (category == "service") return "service";
    if (category == "warranty") return "warranty";
    if (category == "chemistry") return "service-plan";
    if (category == "route") return "route-planning";
    fail(ErrorKind::Internal, "no route for category '" + category + "'");
}

int64_t add_ticket(Context& ctx, const TicketFields& f) {
    one_of(f.category, {"question", "communication", "construction", "service", "warranty", "chemistry", "route"}, "--category");
    one_of(f.severity, {"low", "medium", "high", "critical"}, "--severity");
    one_of(f.urgency, {"low", "normal", "high"}, "--urgency");
    one_of(f.source, {"phone", "email", "meeting", "portal"}, "--source");
    if (trim(f.summary).empty()) fail(ErrorKind::BadInput, "--summary: describe the issue");
    if (trim(f.told).empty()) fail(ErrorKind::BadInput, "--told: write what the homeowner was already told");
    if (f.warranty) one_of(*f.warranty, {"in", "out", "unknown"}, "--warranty");
    if (f.warranty_until && f.warranty.value_or("") != "in")
        fail(ErrorKind::BadInput, "--warranty-until: goes with --warranty in");
    if (f.promise && f.promise->count() <= 0) fail(ErrorKind::BadInput, "--promise: must be more than zero");
    get_customer(ctx.store, f.customer_id);
    if (f.pool_id && get_pool(ctx.store, *f.pool_id).customer_id != f.customer_id)
        fail(ErrorKind::Conflict, "--pool: pool " + std::to_string(*f.pool_id) + " belongs to another customer");
    Worker owner = get_worker(ctx.store, f.owner_id);
    if (!owner.active) fail(ErrorKind::Conflict, "--owner: worker " + owner.name + " is inactive");
    std::string warranty = f.warranty.value_or(f.category == "warranty" ? "unknown" : "");
    auto promise = f.promise.value_or(default_promise(f.severity));
    return insert_record(ctx, "ticket",
                         {{"customer_id", f.customer_id},
                          {"pool_id", f.pool_id ? Value(*f.pool_id) : Value(nullptr)},
                          {"category", f.category},
                          {"severity", f.severity},
                          {"urgency", f.urgency},
                          {"summary", trim(f.summary)},
                          {"told", trim(f.told)},
                          {"owner_id", f.owner_id},
                          {"source", f.source},
                          {"warranty", warranty.empty() ? Value(nullptr) : Value(warranty)},
                          {"warranty_until", f.warranty_until ? Value(format_date(*f.warranty_until)) : Value(nullptr)},
                          {"promise_s", static_cast<int64_t>(promise.count())},
                          {"due_at", format_instant(ctx.now() + promise)}});
}

RouteResult route_ticket(Context& ctx, int64_t id) {
    Ticket t = open_ticket(ctx, id);
    RouteResult r;
    r.route = route_for_category(t.category);
    r.next_action = next_action(ctx, t, r.route);
    r.changed = update_record(ctx, "ticket", id, {{"route", r.route}, {"next_action", r.next_action}});
    if (r.changed)
        insert_record(ctx, "ticket_route",
                      {{"ticket_id", id}, {"route", r.route}, {"next_action", r.next_action}, {"at", format_instant(ctx.now())},
                       {"actor", ctx.actor}},
                      false);
    return r;
}

int64_t schedule_ticket(Context& ctx, int64_t id, Date date, const std::string& type, std::optional<int64_t> worker) {
    Ticket t = open_ticket(ctx, id);
    if (date < ctx.today()) fail(ErrorKind::BadInput, "--date: " + format_date(date) + " is in the past");
    VisitPlan plan;
    plan.customer_id = t.customer_id;
    plan.pool_id = t.pool_id ? *t.pool_id
                             : resolve_pool(ctx.store, t.customer_id, std::nullopt);
    plan.worker_id = worker;
    plan.service_type = type;
    plan.priority = t.severity == "critical" ? "urgent" : t.severity == "high" ? "high" : "normal";
    plan.tech_note = "Ticket " + std::to_string(id) + " (" + t.category + "): " + t.summary;
    plan.office_note = "Told the homeowner: " + t.told;
    int64_t appt = add_appointment(ctx, plan, date);
    insert_record(ctx, "ticket_visit", {{"ticket_id", id}, {"appointment_id", appt}}, false);
    if (!t.route.empty()) {
        Ticket now = get_ticket(ctx, id);
        update_record(ctx, "ticket", id, {{"next_action", next_action(ctx, now, now.route)}});
    }
    return appt;
}

void close_ticket(Context& ctx, int64_t id, const std::string& outcome, bool notified) {
    Ticket t = open_ticket(ctx, id);
    std::vector<std::string> missing;
    if (!notified) missing.push_back("the homeowner has not been notified (--notified)");
    if (trim(outcome).empty()) missing.push_back("the outcome is not documented (--outcome)");
    for (const auto& v : t.visits)
        if (visit_open(v.status))
            missing.push_back("visit " + std::to_string(v.appointment_id) + " on " + v.date + " is still " + v.status);
    for (int64_t k : t.open_callbacks) missing.push_back("callback " + std::to_string(k) + " is still open");
    if (!missing.empty()) {
        std::string msg;
        for (const auto& m : missing) msg += (msg.empty() ? "" : "; ") + m;
        fail(ErrorKind::Conflict, "ticket " + std::to_string(id) + " cannot be closed: " + msg);
    }
    std::string now = format_instant(ctx.now());
    update_record(ctx, "ticket", id,
                  {{"status", "closed"}, {"outcome", trim(outcome)}, {"notified_at", now}, {"closed_at", now}, {"next_action", nullptr}});
}

std::vector<Ticket> list_tickets(Context& ctx, const TicketFilter& f) {
    std::string now = format_instant(ctx.now());
    std::string sql = std::string(k_select) + " WHERE 1";
    if (f.open || f.overdue) sql += " AND t.status = 'open'";
    if (f.overdue) sql += " AND t.due_at < :now";
    if (f.owner) sql += " AND t.owner_id = :owner";
    if (f.customer) sql += " AND t.customer_id = :customer";
    sql += " ORDER BY t.due_at, t.id";
    if (f.limit > 0) sql += " LIMIT " + std::to_string(f.limit);
    Statement q(ctx.store, sql);
    if (f.overdue) q.bind(":now", now);
    if (f.owner) q.bind(":owner", *f.owner);
    if (f.customer) q.bind(":customer", *f.customer);
    std::vector<Ticket> out;
    while (q.executeStep()) out.push_back(read_row(q, now));
    for (auto& t : out) load_links(ctx.store, t);
    return out;
}

Ticket get_ticket(Context& ctx, int64_t id) {
    auto& q = ctx.store.prepare(std::string(k_select) + " WHERE t.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(ErrorKind::NotFound, "no ticket with id " + std::to_string(id));
    Ticket t = read_row(q, format_instant(ctx.now()));
    q.reset();
    load_links(ctx.store, t);
    return t;
}

std::string format_promise(int64_t s) {
    if (s % 3600 == 0) return std::to_string(s / 3600) + "h";
    if (s % 60 == 0) return std::to_string(s / 60) + "m";
    return std::to_string(s) + "s";
}

Json ticket_json(const Ticket& t) {
    Json visits = Json::array();
    for (const auto& v : t.visits)
        visits.push_back({{"appointment_id", v.appointment_id}, {"date", v.date}, {"service_type", v.service_type},
                          {"worker", opt(v.worker)}, {"status", v.status}});
    return object({{"id", t.id},
            {"customer_id", t.customer_id},
            {"customer", t.customer},
            {"pool_id", t.pool_id ? Json(*t.pool_id) : Json(nullptr)},
            {"category", t.category},
            {"severity", t.severity},
            {"urgency", t.urgency},
            {"summary", t.summary},
            {"told", t.told},
            {"owner_id", t.owner_id},
            {"owner", t.owner},
            {"source", t.source},
            {"warranty", opt(t.warranty)},
            {"warranty_until", opt(t.warranty_until)},
            {"promise", format_promise(t.promise_s)},
            {"due_at", t.due_at},
            {"overdue", t.overdue},
            {"status", t.status},
            {"route", opt(t.route)},
            {"next_action", opt(t.next_action)},
            {"visits", visits},
            {"open_callbacks", t.open_callbacks},
            {"outcome", opt(t.outcome)},
            {"notified_at", opt(t.notified_at)},
            {"closed_at", opt(t.closed_at)},
            {"created_at", t.created_at},
            {"updated_at", t.updated_at}});
}

const std::vector<std::string>& ticket_fields() {
    static const std::vector<std::string> f{
        "id",       "customer_id", "customer", "pool_id", "category",       "severity", "urgency",     "summary",
        "told",     "owner_id",    "owner",    "source",  "warranty",       "warranty_until", "promise", "due_at",
        "overdue",  "status",      "route",    "next_action", "visits",     "open_callbacks", "outcome", "notified_at",
        "closed_at", "created_at", "updated_at"};
    return f;
}

}  // namespace pom
