// pom init: create the database (or bring an older one up to date)
#include "cli.h"

#include <filesystem>

namespace pom::cli {

void register_init(CLI::App& app, Cli& cli) {
    auto* sub = app.add_subcommand("init", "Create the database (mode 0600), or upgrade an older one");
    sub->callback([&cli] {
        cli.plain([&] {
            std::string location = cli.session.db_path(cli.g);
            std::string path = Store::display(location);
            std::error_code ec;
            // A file that was there, or a database server's schema that was: not created now.
            bool existed = std::filesystem::exists(location, ec);
            const std::vector<std::string> fields{"path", "created", "schema_version", "migrated_from"};
            if (cli.g.dry_run) {
                Output o = detail({{"path", path}, {"created", !existed}, {"schema_version", latest_schema_version()}, {"migrated_from", nullptr}}, fields);
                o.note = "dry run: nothing was written";
                o.rows.id_field = "path";
                return o;
            }
            Store::OpenOptions opts;
            opts.busy_timeout_ms = cli.session.config(cli.g).busy_timeout_ms;
            opts.create = true;
            auto store = Store::open(location, opts);
            int from = store->migrated_from();
            if (!std::filesystem::exists(location, ec)) existed = from != 0;
            int version = store->schema_version();
            cli.session.adopt_store(std::move(store));
            Output o = detail({{"path", path},
                               {"created", !existed},
                               {"schema_version", version},
                               {"migrated_from", existed && from >= 0 ? Json(from) : Json(nullptr)}},
                              fields);
            o.rows.id_field = "path";
            if (existed && from < 0) o.note = "already up to date";
            return o;
        });
    });
}

}  // namespace pom::cli
