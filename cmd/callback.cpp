// pom callback add|list|show|done|reassign|snooze: follow-up commitments to homeowners
#include "callback.h"
#include "cli.h"
#include "customer.h"
#include "error.h"
#include "worker.h"

namespace pom::cli {

namespace {

const std::vector<std::string> k_table = {"id", "due_at", "owner", "customer", "contact", "reason", "status", "overdue"};

Output callback_row(Context& ctx, int64_t id) {
    return records({callback_json(get_callback(ctx, id))}, callback_fields(), k_table);
}

}  // namespace

void register_callback(CLI::App& app, Cli& cli) {
    auto* cmd = app.add_subcommand("callback", "Callbacks: who gets back to a homeowner, how, by when, and what to tell them");
    cmd->require_subcommand(1);

    {
        struct AddOptions {
            std::string customer, contact, reason, owner, due, summary;
            std::optional<int64_t> ticket, appt;
        };
        auto o = cli.bound<AddOptions>();
        auto* sub = cmd->add_subcommand("add", "Promise a callback; prints it");
        sub->add_option("--customer", o->customer, "Customer id, ref or name")->required();
        sub->add_option("--contact", o->contact, "How: phone, email or sms")->required()->check(CLI::IsMember({"phone", "email", "sms"}));
        sub->add_option("--reason", o->reason, "Why the homeowner needs a callback")->required();
        sub->add_option("--owner", o->owner, "Who calls back: worker id or name")->required();
        sub->add_option("--due", o->due, "By when, local: \"2026-11-24 15:00\", \"tomorrow 15:00\" (or RFC 3339)")->required();
        sub->add_option("--summary", o->summary, "What to tell them")->required();
        add_opt(sub, "--ticket", o->ticket, "The ticket it follows up");
        add_opt(sub, "--appt", o->appt, "The appointment it follows up");
        sub->callback([&cli, o] {
            cli.write([&](Context& ctx) {
                CallbackFields f;
                f.customer_id = resolve_customer(ctx.store, o->customer);
                f.contact = o->contact;
                f.reason = o->reason;
                f.owner_id = resolve_worker(ctx.store, o->owner);
                f.due = parse_due(o->due, ctx.today(), ctx.tz, "--due");
                f.summary = o->summary;
                f.ticket_id = o->ticket;
                f.appointment_id = o->appt;
                return callback_row(ctx, add_callback(ctx, f));
            });
        });
    }
    {
        struct ListOptions {
            std::optional<std::string> owner, due, customer;
            std::optional<int64_t> ticket;
            bool overdue = false, open = false, check = false;
            int64_t limit = 0;
        };
        auto o = cli.bound<ListOptions>();
        auto* sub = cmd->add_subcommand("list", "List callbacks by due time");
        add_opt(sub, "--owner", o->owner, "Only this worker's");
        add_opt(sub, "--due", o->due, "Only those due on this day: today, tomorrow, 2026-11-24");
        sub->add_flag("--overdue", o->overdue, "Only open callbacks past their due time");
        sub->add_flag("--open", o->open, "Only open callbacks");
        add_opt(sub, "--customer", o->customer, "Only this customer's");
        add_opt(sub, "--ticket", o->ticket, "Only those of this ticket");
        sub->add_flag("--check", o->check, "With --overdue: exit 1 when there is any (for cron or a monitor)");
        sub->add_option("--limit", o->limit, "At most this many")->check(k_count);
        sub->callback([&cli, o] {
            cli.read([&](Context& ctx) {
                if (o->check && !o->overdue) fail(ErrorKind::Usage, "--check goes with --overdue");
                CallbackFilter f;
                if (o->owner) f.owner = resolve_worker(ctx.store, *o->owner);
                if (o->due) f.due_on = parse_day(*o->due, ctx.today(), "--due");
                if (o->customer) f.customer = resolve_customer(ctx.store, *o->customer);
                f.ticket = o->ticket;
                f.overdue = o->overdue;
                f.open = o->open;
                f.limit = o->check ? 0 : o->limit;
                auto list = list_callbacks(ctx, f);
                size_t overdue = list.size();
                std::vector<Json> rows;
                for (const auto& k : list) {
                    if (o->limit > 0 && rows.size() >= static_cast<size_t>(o->limit)) break;
                    rows.push_back(callback_json(k));
                }
                Output out = records(std::move(rows), callback_fields(), k_table);
                if (o->check && overdue > 0)
                    out.failure = Failure{ErrorKind::Conflict, std::to_string(overdue) + " callback" + (overdue == 1 ? " is" : "s are") +
                                                                   " overdue"};
                return out;
            });
        });
    }
    {
        auto id = cli.bound<std::string>();
        auto* sub = cmd->add_subcommand("show", "Show one callback");
        sub->add_option("ID", *id, "Callback id")->required();
        sub->callback([&cli, id] {
            cli.read([&](Context& ctx) { return detail(callback_json(get_callback(ctx, parse_id(*id, "ID"))), callback_fields()); });
        });
    }
    {
        struct DoneOptions {
            std::string id, outcome;
        };
        auto o = cli.bound<DoneOptions>();
        auto* sub = cmd->add_subcommand("done", "The homeowner was called back: record the outcome");
        sub->add_option("ID", o->id, "Callback id")->required();
        sub->add_option("--outcome", o->outcome, "What came of it")->required();
        sub->callback([&cli, o] {
            cli.write([&](Context& ctx) {
                int64_t id = parse_id(o->id, "ID");
                complete_callback(ctx, id, o->outcome);
                return callback_row(ctx, id);
            });
        });
    }
    {
        struct ReassignOptions {
            std::string id, owner;
        };
        auto o = cli.bound<ReassignOptions>();
        auto* sub = cmd->add_subcommand("reassign", "Give an open callback to another worker");
        sub->add_option("ID", o->id, "Callback id")->required();
        sub->add_option("--owner", o->owner, "The new owner: worker id or name")->required();
        sub->callback([&cli, o] {
            cli.write([&](Context& ctx) {
                int64_t id = parse_id(o->id, "ID");
                reassign_callback(ctx, id, resolve_worker(ctx.store, o->owner));
                return callback_row(ctx, id);
            });
        });
    }
    {
        struct SnoozeOptions {
            std::string id, until;
        };
        auto o = cli.bound<SnoozeOptions>();
        auto* sub = cmd->add_subcommand("snooze", "Move an open callback's due time later");
        sub->add_option("ID", o->id, "Callback id")->required();
        sub->add_option("--until", o->until, "The new due time, local: \"2026-11-25 09:00\", \"+2d 09:00\"")->required();
        sub->callback([&cli, o] {
            cli.write([&](Context& ctx) {
                int64_t id = parse_id(o->id, "ID");
                snooze_callback(ctx, id, parse_due(o->until, ctx.today(), ctx.tz, "--until"));
                return callback_row(ctx, id);
            });
        });
    }
}

}  // namespace pom::cli
