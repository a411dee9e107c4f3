#pragma once
// Issue and warranty tickets: a homeowner's issue as tracked work — who owns it, what they were
// told, when a response is promised, where it is routed, the field visits it needs, and the closed
// loop (outcome documented, homeowner notified, nothing linked still open).
#include "audit.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace pom {

struct TicketVisit {
    int64_t appointment_id = 0;
    std::string date, service_type, worker, status;
};

struct Ticket {
    int64_t id = 0;
    int64_t customer_id = 0;
    std::string customer;
    std::optional<int64_t> pool_id;
    std::string category, severity, urgency, summary, told;
    int64_t owner_id = 0;
    std::string owner;
    std::string source;
    std::string warranty, warranty_until;
    int64_t promise_s = 0;
    std::string due_at;  ///< created_at + the promised response time
    bool overdue = false;  ///< open and due before now
    std::string status = "open";  ///< open or closed
    std::string route, next_action;
    std::vector<TicketVisit> visits;
    std::vector<int64_t> open_callbacks;
    std::string outcome, notified_at, closed_at;
    std::string created_at, updated_at;
};

struct TicketFields {
    int64_t customer_id = 0;
    std::optional<int64_t> pool_id;
    std::string category, severity, urgency = "normal", summary, told, source;
    int64_t owner_id = 0;
    std::optional<std::string> warranty;
    std::optional<Date> warranty_until;
    std::optional<std::chrono::seconds> promise;  ///< default by severity: critical 4h, high 24h, medium 48h, low 72h
};

/// The promised response time when none is given.
std::chrono::seconds default_promise(const std::string& severity);

int64_t add_ticket(Context& ctx, const TicketFields& fields);

/// The routing table of the customer-issue workflow, by category: question and communication →
/// customer-service (callback follow-up); construction → construction (the job's owner); service →
/// service (a service visit); warranty → warranty (plus a visit when field work is needed);
/// chemistry → service-plan; route → route-planning.
std::string route_for_category(const std::string& category);

struct RouteResult {
    std::string route;
    std::string next_action;
    bool changed = false;
};
/// Applies the routing table to an open ticket, records the route and returns the next action.
RouteResult route_ticket(Context& ctx, int64_t id);

/// Creates the linked appointment for the ticket's field visit (unassigned unless `worker`).
int64_t schedule_ticket(Context& ctx, int64_t id, Date date, const std::string& type, std::optional<int64_t> worker);

/// Closes the loop. Refused (Conflict, listing every gap) while the homeowner was not notified,
/// the outcome is not documented, or a linked visit or callback is still open.
void close_ticket(Context& ctx, int64_t id, const std::string& outcome, bool notified);

struct TicketFilter {
    bool open = false;
    bool overdue = false;
    std::optional<int64_t> owner;
    std::optional<int64_t> customer;
    int64_t limit = 0;
};
/// By due instant, earliest first.
std::vector<Ticket> list_tickets(Context& ctx, const TicketFilter& filter);
Ticket get_ticket(Context& ctx, int64_t id);

std::string format_promise(int64_t seconds);
Json ticket_json(const Ticket& t);
const std::vector<std::string>& ticket_fields();

}  // namespace pom
