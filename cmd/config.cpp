// pom config show
#include "cli.h"

namespace pom::cli {

void register_config(CLI::App& app, Cli& cli) {
    auto* cmd = app.add_subcommand("config", "The configuration (pom.toml)");
    cmd->require_subcommand(1);
    auto* sub = cmd->add_subcommand("show", "Show the effective settings and where they come from");
    sub->callback([&cli] {
        cli.plain([&] {
            const Config& c = cli.session.config(cli.g);
            Json j = config_to_json(c);
            j["database"] = Store::display(cli.session.db_path(cli.g));
            std::vector<std::string> fields;
            for (auto it = j.begin(); it != j.end(); ++it) fields.push_back(it.key());
            Output o = detail(std::move(j), fields);
            o.rows.id_field = "database";
            return o;
        });
    });
}

}  // namespace pom::cli
