// pom ticket add|list|show|route|schedule|close: homeowner issues and warranty concerns as tracked work
#include "cli.h"
#include "customer.h"
#include "error.h"
#include "pool.h"
#include "ticket.h"
#include "worker.h"

namespace pom::cli {

namespace {

const std::vector<std::string> k_table = {"id", "due_at", "customer", "category", "severity", "owner", "status", "route", "overdue"};

Output ticket_row(Context& ctx, int64_t id) { return detail(ticket_json(get_ticket(ctx, id)), ticket_fields()); }

}  // namespace

void register_ticket(CLI::App& app, Cli& cli) {
    auto* cmd = app.add_subcommand("ticket", "Issue and warranty tickets: add, list, show, route, schedule, close");
    cmd->require_subcommand(1);

    {
        struct AddOptions {
            std::string customer, category, severity, urgency = "normal", summary, told, owner, source;
            std::optional<std::string> pool, warranty, warranty_until, promise;
        };
        auto o = cli.bound<AddOptions>();
        auto* sub = cmd->add_subcommand("add", "Triage a homeowner issue into a ticket; prints it");
        sub->add_option("--customer", o->customer, "Customer id, ref or name")->required();
        add_opt(sub, "--pool", o->pool, "The pool it concerns (id or name)");
        sub->add_option("--category", o->category, "question, communication, construction, service, warranty, chemistry or route")
            ->required()
            ->check(CLI::IsMember({"question", "communication", "construction", "service", "warranty", "chemistry", "route"}));
        sub->add_option("--severity", o->severity, "low, medium, high or critical")->required()->check(CLI::IsMember({"low", "medium", "high", "critical"}));
        sub->add_option("--urgency", o->urgency, "low, normal or high (default: normal)")->check(CLI::IsMember({"low", "normal", "high"}));
        sub->add_option("--summary", o->summary, "The issue")->required();
        sub->add_option("--told", o->told, "What the homeowner has already been told")->required();
        sub->add_option("--owner", o->owner, "Who owns the next response: worker id or name")->required();
        sub->add_option("--source", o->source, "phone, email, meeting or portal")->required()->check(CLI::IsMember({"phone", "email", "meeting", "portal"}));
        add_opt(sub, "--warranty", o->warranty, "in, out or unknown (warranty tickets default to unknown)")->check(CLI::IsMember({"in", "out", "unknown"}));
        add_opt(sub, "--warranty-until", o->warranty_until, "Last day of the warranty (with --warranty in)");
        add_opt(sub, "--promise", o->promise, "Promised response time: 4h, 48h, 3d (default by severity: critical 4h, high 24h, medium 48h, low 72h)");
        sub->callback([&cli, o] {
            cli.write([&](Context& ctx) {
                TicketFields f;
                f.customer_id = resolve_customer(ctx.store, o->customer);
                if (o->pool) f.pool_id = resolve_pool(ctx.store, f.customer_id, o->pool);
                f.category = o->category;
                f.severity = o->severity;
                f.urgency = o->urgency;
                f.summary = o->summary;
                f.told = o->told;
                f.owner_id = resolve_worker(ctx.store, o->owner);
                f.source = o->source;
                f.warranty = o->warranty;
                if (o->warranty_until) f.warranty_until = parse_day(*o->warranty_until, ctx.today(), "--warranty-until");
                if (o->promise) f.promise = parse_duration(*o->promise, "--promise");
                return ticket_row(ctx, add_ticket(ctx, f));
            });
        });
    }
    {
        struct ListOptions {
            bool open = false, overdue = false;
            std::optional<std::string> owner, customer;
            int64_t limit = 0;
        };
        auto o = cli.bound<ListOptions>();
        auto* sub = cmd->add_subcommand("list", "List tickets by promised response time");
        sub->add_flag("--open", o->open, "Only open tickets");
        sub->add_flag("--overdue", o->overdue, "Only open tickets past their promised response time");
        add_opt(sub, "--owner", o->owner, "Only this worker's");
        add_opt(sub, "--customer", o->customer, "Only this customer's");
        sub->add_option("--limit", o->limit, "At most this many")->check(k_count);
        sub->callback([&cli, o] {
            cli.read([&](Context& ctx) {
                TicketFilter f;
                f.open = o->open;
                f.overdue = o->overdue;
                if (o->owner) f.owner = resolve_worker(ctx.store, *o->owner);
                if (o->customer) f.customer = resolve_customer(ctx.store, *o->customer);
                f.limit = o->limit;
                std::vector<Json> rows;
                for (const auto& t : list_tickets(ctx, f)) rows.push_back(ticket_json(t));
                return records(std::move(rows), ticket_fields(), k_table);
            });
        });
    }
    {
        auto id = cli.bound<std::string>();
        auto* sub = cmd->add_subcommand("show", "Show one ticket with its visits and open callbacks");
        sub->add_option("ID", *id, "Ticket id")->required();
        sub->callback([&cli, id] { cli.read([&](Context& ctx) { return ticket_row(ctx, parse_id(*id, "ID")); }); });
    }
    {
        auto id = cli.bound<std::string>();
        auto* sub = cmd->add_subcommand("route", "Apply the routing table, record the route and say the next action");
        sub->add_option("ID", *id, "Ticket id")->required();
        sub->callback([&cli, id] {
            cli.write([&](Context& ctx) {
                int64_t tid = parse_id(*id, "ID");
                auto r = route_ticket(ctx, tid);
                Output out = ticket_row(ctx, tid);
                out.note = "route: " + r.route + "\nnext: " + r.next_action;
                return out;
            });
        });
    }
    {
        struct ScheduleOptions {
            std::string id, date, type = "repair";
            std::optional<std::string> worker;
        };
        auto o = cli.bound<ScheduleOptions>();
        auto* sub = cmd->add_subcommand("schedule", "Create the linked appointment for the ticket's field visit");
        sub->add_option("ID", o->id, "Ticket id")->required();
        sub->add_option("--date", o->date, "Day of the visit: YYYY-MM-DD, tomorrow, +3d")->required();
        sub->add_option("--type", o->type, "Service type (default: repair)");
        add_opt(sub, "--worker", o->worker, "Technician (default: unassigned)");
        sub->callback([&cli, o] {
            cli.write([&](Context& ctx) {
                int64_t tid = parse_id(o->id, "ID");
                std::optional<int64_t> worker;
                if (o->worker) worker = resolve_worker(ctx.store, *o->worker);
                int64_t appt = schedule_ticket(ctx, tid, parse_day(o->date, ctx.today(), "--date"), o->type, worker);
                Output out = ticket_row(ctx, tid);
                out.note = "appointment " + std::to_string(appt) + " scheduled";
                return out;
            });
        });
    }
    {
        struct CloseOptions {
            std::string id, outcome;
            bool notified = false;
        };
        auto o = cli.bound<CloseOptions>();
        auto* sub = cmd->add_subcommand("close", "Close the loop: outcome documented, homeowner notified, nothing linked still open");
        sub->add_option("ID", o->id, "Ticket id")->required();
        sub->add_option("--outcome", o->outcome, "The service or warranty outcome");
        sub->add_flag("--notified", o->notified, "The homeowner was told the outcome");
        sub->callback([&cli, o] {
            cli.write([&](Context& ctx) {
                int64_t tid = parse_id(o->id, "ID");
                close_ticket(ctx, tid, o->outcome, o->notified);
                return ticket_row(ctx, tid);
            });
        });
    }
}

}  // namespace pom::cli
