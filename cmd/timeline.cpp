// pom customer timeline: everything about a customer in time order (added to `pom customer`)
#include "cli.h"
#include "customer.h"
#include "timeline.h"

namespace pom::cli {

void register_timeline(CLI::App& app, Cli& cli) {
    auto* customer = app.get_subcommand("customer");
    auto key = cli.bound<std::string>();
    auto limit = cli.bound<int64_t>(0);
    auto* sub = customer->add_subcommand(
        "timeline", "Everything about a customer in time order: status and tags, quotes, visits, services, tickets, callbacks, notes, invoices");
    sub->add_option("CUSTOMER", *key, "Id, ref or name")->required();
    sub->add_option("--last", *limit, "Only the last N entries")->check(k_count);
    sub->callback([&cli, key, limit] {
        cli.read([&](Context& ctx) {
            auto entries = customer_timeline(ctx.store, resolve_customer(ctx.store, *key));
            size_t from = *limit > 0 && entries.size() > static_cast<size_t>(*limit) ? entries.size() - static_cast<size_t>(*limit) : 0;
            std::vector<Json> rows;
            for (size_t i = from; i < entries.size(); ++i) rows.push_back(timeline_json(entries[i]));
            Output out = records(std::move(rows), timeline_fields(), {"at", "kind", "summary", "actor"});
            out.rows.id_field = "entity_id";
            return out;
        });
    });
}

}  // namespace pom::cli
