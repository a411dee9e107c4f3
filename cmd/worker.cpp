// pom worker add|list|show|edit
#include "cli.h"
#include "worker.h"

namespace pom::cli {

namespace {

const std::vector<std::string> k_table = {"id", "name", "role", "phone", "email", "active"};

void add_field_options(CLI::App* sub, WorkerFields& f, bool creating) {
    auto* name = add_opt(sub, "--name", f.name, "Name (unique)");
    if (creating) name->required();
    add_opt(sub, "--phone", f.phone, "Phone number");
    add_opt(sub, "--email", f.email, "Email address");
    add_opt(sub, "--role", f.role, "technician, office, manager, accountant or admin")->check(CLI::IsMember(worker_roles()));
}

}  // namespace

void register_worker(CLI::App& app, Cli& cli) {
    auto* cmd = app.add_subcommand("worker", "Workers: technicians and office staff");
    cmd->require_subcommand(1);
    {
        auto f = std::make_shared<WorkerFields>();
        auto* sub = cmd->add_subcommand("add", "Add a worker; prints the new record");
        add_field_options(sub, *f, true);
        sub->callback([&cli, f] {
            cli.write([&](Context& ctx) { return detail(worker_json(get_worker(ctx.store, add_worker(ctx, *f))), worker_fields()); });
        });
    }
    {
        auto all = std::make_shared<bool>(false);
        auto role = std::make_shared<std::optional<std::string>>();
        auto* sub = cmd->add_subcommand("list", "List workers by name");
        sub->add_flag("--all", *all, "Include inactive workers");
        add_opt(sub, "--role", *role, "Only this role")->check(CLI::IsMember(worker_roles()));
        sub->callback([&cli, all, role] {
            cli.read([&](Context& ctx) {
                std::vector<Json> rows;
                for (const auto& w : list_workers(ctx.store, *all, *role)) rows.push_back(worker_json(w));
                return records(std::move(rows), worker_fields(), k_table);
            });
        });
    }
    {
        auto key = std::make_shared<std::string>();
        auto* sub = cmd->add_subcommand("show", "Show one worker");
        sub->add_option("WORKER", *key, "Id or name")->required();
        sub->callback([&cli, key] {
            cli.read([&](Context& ctx) { return detail(worker_json(get_worker(ctx.store, resolve_worker(ctx.store, *key))), worker_fields()); });
        });
    }
    {
        auto key = std::make_shared<std::string>();
        auto f = std::make_shared<WorkerFields>();
        auto* sub = cmd->add_subcommand("edit", "Change a worker; prints the record");
        sub->add_option("WORKER", *key, "Id or name")->required();
        add_field_options(sub, *f, false);
        add_bool(sub, "--active,!--inactive", f->active, "Still working (or not)");
        sub->callback([&cli, key, f] {
            cli.write([&](Context& ctx) {
                int64_t id = resolve_worker(ctx.store, *key);
                bool changed = edit_worker(ctx, id, *f);
                Output o = detail(worker_json(get_worker(ctx.store, id)), worker_fields());
                if (!changed) o.note = "nothing changed";
                return o;
            });
        });
    }
}

}  // namespace pom::cli
