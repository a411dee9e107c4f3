// pom notify: the customer notice outbox and its cron sender
#include "cli.h"
#include "customer.h"
#include "notice_follow.h"
#include "notify.h"

namespace pom::cli {

namespace {

const std::vector<std::string> k_table = {"id", "kind", "channel", "recipient", "customer", "status", "attempts", "next_attempt_at", "last_error",
                                          "skip_reason"};
const std::vector<std::string> k_send_fields = {"id", "channel", "recipient", "kind", "outcome", "attempts", "next_attempt_at", "detail"};

Json send_json(const SendOutcome& o) {
    return {{"id", o.id},
            {"channel", o.channel},
            {"recipient", o.recipient},
            {"kind", o.kind},
            {"outcome", o.outcome},
            {"attempts", o.attempts},
            {"next_attempt_at", o.next_attempt_at.empty() ? Json(nullptr) : Json(o.next_attempt_at)},
            {"detail", o.detail.empty() ? Json(nullptr) : Json(o.detail)}};
}

}  // namespace

void register_notify(CLI::App& app, Cli& cli) {
    auto* cmd = app.add_subcommand("notify", "Customer notices: the outbox and its sender (cron)");
    cmd->require_subcommand(1);
    {
        struct ListOptions {
            bool pending = false, failed = false;
            std::optional<std::string> status, customer;
            std::optional<int64_t> appointment;
            int64_t limit = 0;
        };
        auto o = cli.bound<ListOptions>();
        auto* sub = cmd->add_subcommand("list", "List notices, oldest first");
        sub->add_flag("--pending", o->pending, "Only notices waiting to be sent");
        sub->add_flag("--failed", o->failed, "Only notices given up after notify.max_attempts");
        add_opt(sub, "--status", o->status, "pending, sending, sent, failed or skipped")
            ->check(CLI::IsMember({"pending", "sending", "sent", "failed", "skipped"}));
        add_opt(sub, "--customer", o->customer, "For this customer (id, ref or name)");
        add_opt(sub, "--appointment", o->appointment, "About this appointment");
        sub->add_option("--limit", o->limit, "At most this many")->check(k_count);
        sub->callback([&cli, o] {
            cli.read([&](Context& ctx) {
                if (int(o->pending) + int(o->failed) + int(o->status.has_value()) > 1)
                    fail(ErrorKind::Usage, "give one of --pending, --failed and --status");
                NoticeFilter f;
                f.status = o->pending ? std::optional<std::string>("pending") : o->failed ? std::optional<std::string>("failed") : o->status;
                if (o->customer) f.customer = resolve_customer(ctx.store, *o->customer);
                f.appointment = o->appointment;
                f.limit = o->limit;
                std::vector<Json> rows;
                for (const auto& n : list_notices(ctx.store, f)) rows.push_back(notice_json(n));
                return records(std::move(rows), notice_fields(), k_table);
            });
        });
    }
    {
        auto id = cli.bound<std::string>();
        auto* sub = cmd->add_subcommand("show", "Show a notice with its message");
        sub->add_option("ID", *id, "Notice id")->required();
        sub->callback([&cli, id] {
            cli.read([&](Context& ctx) { return detail(notice_json(get_notice(ctx.store, parse_id(*id, "ID"))), notice_fields()); });
        });
    }
    {
        auto limit = cli.bound<int64_t>(0);
        auto* sub = cmd->add_subcommand("send", "Deliver due notices with notify.email_command / sms_command (cron, every few minutes)");
        sub->add_option("--limit", *limit, "At most this many")->check(k_count);
        sub->callback([&cli, limit] {
            // Not one write transaction: each delivery runs between its claim and its record (see
            // send_notices); --dry-run only lists what is due.
            cli.refuse_in_batch("notify send", "it delivers notices, which a batch that fails could not take back");
            cli.read([&](Context& ctx) {
                std::vector<Json> rows;
                if (cli.g.dry_run) {
                    for (const auto& n : due_notices(ctx, *limit)) {
                        // What the sender would withdraw instead of sending shows as skipped, with why.
                        std::string over = notice_send_problem(ctx, n);
                        rows.push_back(send_json({n.id, n.channel, n.recipient, n.kind, over.empty() ? "due" : "skipped", n.attempts,
                                                  n.next_attempt_at, over}));
                    }
                    Output o = records(std::move(rows), k_send_fields);
                    o.note = "dry run: " + std::to_string(o.rows.records.size()) + " notices due, nothing sent";
                    return o;
                }
                const Config& config = ctx.config;
                auto outcomes = send_notices(ctx, *limit, [&config](const Notice& n, const std::string& command, const std::string& message) {
                    return deliver_by_command(config, n, command, message);
                });
                std::map<std::string, int> count;
                for (const auto& r : outcomes) {
                    rows.push_back(send_json(r));
                    ++count[r.outcome];
                }
                Output o = records(std::move(rows), k_send_fields);
                o.note = "sent " + std::to_string(count["sent"]) + ", failed " + std::to_string(count["retry"]) + " (will retry), gave up " +
                         std::to_string(count["failed"]) + ", skipped " + std::to_string(count["skipped"]);
                if (count["abandoned"]) o.note += ", abandoned " + std::to_string(count["abandoned"]) + " (a sender died; see notify list --failed)";
                return o;
            });
        });
    }
    {
        auto ids = cli.bound<std::vector<std::string>>();
        auto* sub = cmd->add_subcommand("retry", "Queue failed or skipped notices again, due now");
        sub->add_option("ID", *ids, "Notice ids")->required();
        sub->callback([&cli, ids] {
            cli.write([&](Context& ctx) {
                std::vector<Json> rows;
                for (const auto& t : *ids) {
                    int64_t id = parse_id(t, "ID");
                    retry_notice(ctx, id);
                    rows.push_back(notice_json(get_notice(ctx.store, id)));
                }
                return records(std::move(rows), notice_fields(), k_table);
            });
        });
    }
}

}  // namespace pom::cli
