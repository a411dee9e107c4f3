// pom tag add|rm|list|history|sweep: tags as work queues
#include "cli.h"
#include "customer.h"
#include "error.h"
#include "tag.h"

namespace pom::cli {

namespace {

const std::vector<std::string> k_table = {"customer_id", "customer", "status", "tag", "since", "age_days", "rule"};

Output queue_rows(Context& ctx, int64_t customer_id, const std::vector<std::string>& only) {
    std::vector<Json> rows;
    for (const auto& e : tag_queue(ctx, std::nullopt, std::nullopt))
        if (e.customer_id == customer_id && (only.empty() || std::find(only.begin(), only.end(), e.tag) != only.end()))
            rows.push_back(tag_entry_json(e));
    return records(std::move(rows), tag_entry_fields(), k_table);
}

}  // namespace

void register_tag(CLI::App& app, Cli& cli) {
    auto* cmd = app.add_subcommand("tag", "Tags as work queues: add, rm, list, history, sweep");
    cmd->require_subcommand(1);

    struct Change {
        std::string customer;
        std::vector<std::string> tags;
    };
    {
        auto o = cli.bound<Change>();
        auto* sub = cmd->add_subcommand("add", "Put a customer in tag queues; prints the customer's tags");
        sub->add_option("CUSTOMER", o->customer, "Id, ref or name")->required();
        sub->add_option("TAG", o->tags, "Tags to add")->required();
        sub->callback([&cli, o] {
            cli.write([&](Context& ctx) {
                int64_t id = resolve_customer(ctx.store, o->customer);
                auto added = add_customer_tags(ctx, id, o->tags);
                Output out = queue_rows(ctx, id, {});
                if (added.empty()) out.note = "nothing changed: the customer already carries every tag";
                return out;
            });
        });
    }
    {
        auto o = cli.bound<Change>();
        auto* sub = cmd->add_subcommand("rm", "Take a customer out of tag queues; prints the tags left");
        sub->add_option("CUSTOMER", o->customer, "Id, ref or name")->required();
        sub->add_option("TAG", o->tags, "Tags to remove")->required();
        sub->callback([&cli, o] {
            cli.write([&](Context& ctx) {
                int64_t id = resolve_customer(ctx.store, o->customer);
                remove_customer_tags(ctx, id, o->tags);
                return queue_rows(ctx, id, {});
            });
        });
    }
    {
        struct ListOptions {
            std::optional<std::string> tag, older_than;
            int64_t limit = 0;
        };
        auto o = cli.bound<ListOptions>();
        auto* sub = cmd->add_subcommand("list", "A tag's work queue (or every tag's): who carries it since when, oldest first");
        add_opt(sub, "TAG", o->tag, "The tag (default: every tag)");
        add_opt(sub, "--older-than", o->older_than, "Only those carrying it at least this long: 21d, 2w, 48h");
        sub->add_option("--limit", o->limit, "At most this many")->check(k_count);
        sub->callback([&cli, o] {
            cli.read([&](Context& ctx) {
                std::optional<std::chrono::seconds> age;
                if (o->older_than) age = parse_duration(*o->older_than, "--older-than");
                std::vector<Json> rows;
                for (const auto& e : tag_queue(ctx, o->tag, age, o->limit)) rows.push_back(tag_entry_json(e));
                return records(std::move(rows), tag_entry_fields(), k_table);
            });
        });
    }
    {
        auto key = cli.bound<std::string>();
        auto* sub = cmd->add_subcommand("history", "A customer's tags and statuses over time, with the rules that changed them");
        sub->add_option("CUSTOMER", *key, "Id, ref or name")->required();
        sub->callback([&cli, key] {
            cli.read([&](Context& ctx) {
                std::vector<Json> rows;
                for (const auto& e : tag_history(ctx.store, resolve_customer(ctx.store, *key))) rows.push_back(tag_history_json(e));
                Output out = records(std::move(rows), tag_history_fields());
                out.rows.id_field = "at";
                return out;
            });
        });
    }
    {
        struct SweepOptions {
            std::optional<std::string> older_than;
            std::string tag = "Sales Followup";
        };
        auto o = cli.bound<SweepOptions>();
        auto* sub = cmd->add_subcommand(
            "sweep", "Cron: leads in Sales Followup longer than the limit become inactive and their open quotes expire");
        add_opt(sub, "--older-than", o->older_than, "The limit: 21d, 3w (default: config sales.followup_limit)");
        sub->add_option("--tag", o->tag, "The follow-up queue to sweep")->capture_default_str();
        sub->callback([&cli, o] {
            cli.write([&](Context& ctx) {
                std::string limit = o->older_than.value_or(ctx.config.sales.followup_limit);
                auto done = sweep_tags(ctx, o->tag, parse_duration(limit, "--older-than"));
                std::vector<Json> rows;
                for (const auto& s : done) rows.push_back(sweep_item_json(s));
                Output out = records(std::move(rows), sweep_item_fields(),
                                     {"customer_id", "customer", "since", "age_days", "removed", "status_to", "quotes_expired"});
                out.rows.id_field = "customer_id";
                out.note = "swept " + std::to_string(done.size()) + " customer" + (done.size() == 1 ? "" : "s") + " from '" +
                           o->tag + "' older than " + limit;
                return out;
            });
        });
    }
}

}  // namespace pom::cli
