// pom pool add|list|show|edit
#include "cli.h"
#include "customer.h"
#include "pool.h"

namespace pom::cli {

namespace {

const std::vector<std::string> k_table = {"id", "customer", "name", "body", "gallons", "street", "city", "sanitizer"};

void add_field_options(CLI::App* sub, PoolFields& f) {
    add_opt(sub, "--name", f.name, "What the office calls it (default: Pool)");
    add_opt(sub, "--street", f.street, "Service address: street (default: the customer's billing address)");
    add_opt(sub, "--city", f.city, "Service address: city");
    add_opt(sub, "--state", f.state, "Service address: state");
    add_opt(sub, "--zip", f.zip, "Service address: postal code");
    add_opt(sub, "--lat", f.lat, "Latitude, decimal degrees");
    add_opt(sub, "--lon", f.lon, "Longitude, decimal degrees");
    add_opt(sub, "--gate-code", f.gate_code, "Gate code (internal; never on customer documents)");
    add_opt(sub, "--access-notes", f.access_notes, "How to get in, for the technician");
    add_bool(sub, "--dog,!--no-dog", f.dog, "A dog is on the property");
    add_opt(sub, "--body", f.body, "pool or spa")->check(CLI::IsMember({"pool", "spa"}));
    add_opt(sub, "--gallons", f.gallons, "Volume in US gallons");
    add_opt(sub, "--surface", f.surface, "plaster, pebble, quartz, vinyl, fiberglass, tile, other");
    add_opt(sub, "--sanitizer", f.sanitizer, "chlorine, salt, bromine, biguanide, mineral, other");
}

}  // namespace

void register_pool(CLI::App& app, Cli& cli) {
    auto* cmd = app.add_subcommand("pool", "Pools and spas: the service locations of customers");
    cmd->require_subcommand(1);
    {
        auto customer = cli.bound<std::string>();
        auto f = cli.bound<PoolFields>();
        auto* sub = cmd->add_subcommand("add", "Add a pool to a customer; prints the new record");
        sub->add_option("--customer", *customer, "Customer id, ref or name")->required();
        add_field_options(sub, *f);
        sub->callback([&cli, customer, f] {
            cli.write([&](Context& ctx) {
                int64_t id = add_pool(ctx, resolve_customer(ctx.store, *customer), *f);
                return detail(pool_json(get_pool(ctx.store, id)), pool_fields());
            });
        });
    }
    {
        auto customer = cli.bound<std::string>();
        auto all = cli.bound<bool>(false);
        auto* sub = cmd->add_subcommand("list", "List pools");
        sub->add_option("--customer", *customer, "Only this customer's pools");
        sub->add_flag("--all", *all, "Include inactive pools");
        sub->callback([&cli, customer, all] {
            cli.read([&](Context& ctx) {
                std::optional<int64_t> cid;
                if (!customer->empty()) cid = resolve_customer(ctx.store, *customer);
                std::vector<Json> rows;
                for (const auto& p : list_pools(ctx.store, cid, *all)) rows.push_back(pool_json(p));
                return records(std::move(rows), pool_fields(), k_table);
            });
        });
    }
    {
        auto id = cli.bound<std::string>();
        auto* sub = cmd->add_subcommand("show", "Show one pool");
        sub->add_option("POOL", *id, "Pool id")->required();
        sub->callback([&cli, id] {
            cli.read([&](Context& ctx) { return detail(pool_json(get_pool(ctx.store, parse_id(*id, "POOL"))), pool_fields()); });
        });
    }
    {
        auto id = cli.bound<std::string>();
        auto f = cli.bound<PoolFields>();
        auto* sub = cmd->add_subcommand("edit", "Change a pool; prints the record");
        sub->add_option("POOL", *id, "Pool id")->required();
        add_field_options(sub, *f);
        add_bool(sub, "--active,!--inactive", f->active, "Still serviced (or not)");
        sub->callback([&cli, id, f] {
            cli.write([&](Context& ctx) {
                int64_t pid = parse_id(*id, "POOL");
                bool changed = edit_pool(ctx, pid, *f);
                Output o = detail(pool_json(get_pool(ctx.store, pid)), pool_fields());
                if (!changed) o.note = "nothing changed";
                return o;
            });
        });
    }
}

}  // namespace pom::cli
