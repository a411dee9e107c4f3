// pom quote add|send|accept|decline|list|show: the sales pipeline's offers
#include "cli.h"
#include "customer.h"
#include "error.h"
#include "quote.h"

namespace pom::cli {

namespace {

const std::vector<std::string> k_table = {"id", "customer", "status", "total", "valid_until", "sent_at"};

/// "rule quote-sent-followup: -Quote +Sales Followup" lines, for people (stderr).
std::string rules_note(const std::vector<RuleApplied>& rules, const std::string& first) {
    std::string note = first;
    for (const auto& r : rules) {
        std::string what;
        for (const auto& t : r.removed) what += " -" + t;
        for (const auto& t : r.added) what += " +" + t;
        if (!r.status_to.empty()) what += " status " + r.status_from + "→" + r.status_to;
        note += (note.empty() ? "" : "\n") + std::string("rule ") + r.rule + ":" + what;
    }
    return note;
}

Output quote_row(Context& ctx, int64_t id) {
    Quote q = get_quote(ctx.store, id);
    price_quote(ctx, q);
    return detail(quote_json(q), quote_fields());
}

}  // namespace

void register_quote(CLI::App& app, Cli& cli) {
    auto* cmd = app.add_subcommand("quote", "Quotes: add, send, accept, decline, list, show");
    cmd->require_subcommand(1);

    {
        struct AddOptions {
            std::string customer;
            std::vector<std::string> lines;
            std::optional<int> valid_days;
            std::string terms;
        };
        auto o = cli.bound<AddOptions>();
        auto* sub = cmd->add_subcommand("add", "Add a draft quote; prints it");
        sub->add_option("--customer", o->customer, "Customer id, ref or name")->required();
        sub->add_option("--line", o->lines, "A line: \"description|quantity|unit price\" (repeat); add |taxable for sales tax, "
                        "|monthly or |per-visit=TYPE for a price of the customer's plan")->required();
        add_opt(sub, "--valid-days", o->valid_days, "Days the quote stays valid once sent (default: config sales.quote_valid_days)");
        sub->add_option("--terms", o->terms, "Terms or contract text the customer accepts");
        sub->callback([&cli, o] {
            cli.write([&](Context& ctx) {
                int64_t customer = resolve_customer(ctx.store, o->customer);
                std::vector<QuoteLine> lines;
                for (const auto& l : o->lines) lines.push_back(parse_quote_line(l));
                return quote_row(ctx, add_quote(ctx, customer, lines, o->valid_days, o->terms));
            });
        });
    }
    {
        struct SendOptions {
            std::string id;
            bool by_hand = false;
        };
        auto o = cli.bound<SendOptions>();
        auto* sub = cmd->add_subcommand("send", "Send a draft quote by email (queued notice); runs the quote_sent tag rules");
        sub->add_option("ID", o->id, "Quote id")->required();
        sub->add_flag("--by-hand", o->by_hand, "It was handed over in person: queue no email");
        sub->callback([&cli, o] {
            cli.write([&](Context& ctx) {
                int64_t id = parse_id(o->id, "ID");
                auto r = send_quote(ctx, id, o->by_hand);
                Output out = quote_row(ctx, id);
                out.note = rules_note(r.rules, o->by_hand ? "sent by hand"
                                                          : "queued " + std::to_string(r.notices.size()) + " email" +
                                                                (r.notices.size() == 1 ? "" : "s") + " (pom notify send delivers them)");
                return out;
            });
        });
    }
    {
        struct AcceptCli {
            std::string id;
            AcceptOptions o;
        };
        auto a = cli.bound<AcceptCli>();
        auto* sub = cmd->add_subcommand("accept", "The customer accepted a sent quote; runs the quote_accepted tag rules");
        sub->add_option("ID", a->id, "Quote id")->required();
        sub->add_flag("--plan", a->o.plan, "Set the customer's billing plan from the quote's plan lines (monthly fee, per-visit prices)");
        sub->add_flag("--bill", a->o.bill, "The quote's one-off lines become billable lines (the next bill run bills them, once)");
        sub->callback([&cli, a] {
            cli.write([&](Context& ctx) {
                int64_t qid = parse_id(a->id, "ID");
                auto r = accept_quote(ctx, qid, a->o);
                Output out = quote_row(ctx, qid);
                out.note = rules_note(r.rules, "");
                return out;
            });
        });
    }
    {
        struct DeclineOptions {
            std::string id, reason;
        };
        auto o = cli.bound<DeclineOptions>();
        auto* sub = cmd->add_subcommand("decline", "The customer declined; runs the quote_declined tag rules");
        sub->add_option("ID", o->id, "Quote id")->required();
        sub->add_option("--reason", o->reason, "Why they declined")->required();
        sub->callback([&cli, o] {
            cli.write([&](Context& ctx) {
                int64_t qid = parse_id(o->id, "ID");
                auto r = decline_quote(ctx, qid, o->reason);
                Output out = quote_row(ctx, qid);
                out.note = rules_note(r.rules, "");
                return out;
            });
        });
    }
    {
        struct ListOptions {
            std::optional<std::string> customer, status;
            bool open = false;
            int64_t limit = 0;
        };
        auto o = cli.bound<ListOptions>();
        auto* sub = cmd->add_subcommand("list", "List quotes, oldest first");
        add_opt(sub, "--customer", o->customer, "Only this customer's");
        add_opt(sub, "--status", o->status, "draft, sent, accepted, declined or expired")
            ->check(CLI::IsMember({"draft", "sent", "accepted", "declined", "expired"}));
        sub->add_flag("--open", o->open, "Only drafts and sent quotes");
        sub->add_option("--limit", o->limit, "At most this many")->check(k_count);
        sub->callback([&cli, o] {
            cli.read([&](Context& ctx) {
                QuoteFilter f;
                if (o->customer) f.customer = resolve_customer(ctx.store, *o->customer);
                f.status = o->status;
                f.open = o->open;
                f.limit = o->limit;
                std::vector<Json> rows;
                for (auto& q : list_quotes(ctx.store, f)) {
                    price_quote(ctx, q);
                    rows.push_back(quote_json(q));
                }
                return records(std::move(rows), quote_fields(), k_table);
            });
        });
    }
    {
        struct ShowOptions {
            std::string id;
            std::optional<std::string> format;
        };
        auto o = cli.bound<ShowOptions>();
        auto* sub = cmd->add_subcommand("show", "Show a quote: the record, or as the customer reads it (--format text|html)");
        sub->add_option("ID", o->id, "Quote id")->required();
        add_opt(sub, "--format", o->format, "text or html: the quote as the customer reads it")->check(CLI::IsMember({"text", "html"}));
        sub->callback([&cli, o] {
            cli.read([&](Context& ctx) {
                Quote q = get_quote(ctx.store, parse_id(o->id, "ID"));
                price_quote(ctx, q);
                Output out = detail(quote_json(q), quote_fields());
                if (o->format) out.text = *o->format == "html" ? quote_html(ctx.config, q) : quote_text(ctx.config, q);
                return out;
            });
        });
    }
}

}  // namespace pom::cli
