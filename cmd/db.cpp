// pom db check|backup|stats
#include "cli.h"
#include "database.h"
#include "error.h"

#include <filesystem>

namespace pom::cli {

void register_db(CLI::App& app, Cli& cli) {
    auto* cmd = app.add_subcommand("db", "The database itself: check, backup, stats");
    cmd->require_subcommand(1);
    {
        auto verbose = std::make_shared<bool>(false);
        auto* sub = cmd->add_subcommand("check", "Integrity, foreign-key and stored-text check; exit 65 on any problem");
        sub->add_flag("-v,--verbose", *verbose, "List every problem found (as records with -o json|jsonl|csv)");
        sub->callback([&cli, verbose] {
            cli.refuse_in_batch("db check", "it checks the database as committed, outside the batch's transaction");
            cli.read([&](Context& ctx) {
                auto problems = check_database(ctx.store);
                if (!problems.empty()) {
                    // One line on stderr, however many problems: the list is output, when asked for.
                    std::string message = "database " + ctx.store.path() + " has " + std::to_string(problems.size()) +
                                          " problem(s): " + problems.front().summary();
                    if (problems.size() > 1)
                        message += "; and " + std::to_string(problems.size() - 1) + " more (pom db check -v lists them)";
                    std::vector<Json> rows;
                    for (const auto& p : problems)
                        rows.push_back({{"check", p.check},
                                        {"table", p.table.empty() ? Json(nullptr) : Json(p.table)},
                                        {"row", p.row ? Json(*p.row) : Json(nullptr)},
                                        {"column", p.column.empty() ? Json(nullptr) : Json(p.column)},
                                        {"detail", p.detail}});
                    Output o = records(std::move(rows), {"check", "table", "row", "column", "detail"});
                    o.rows.id_field = "row";
                    if (!*verbose && cli.g.output == "table") o.rows.records.clear();
                    o.failure = Failure{ErrorKind::BadInput, message};
                    return o;
                }
                Output o = detail({{"path", ctx.store.path()}, {"integrity", "ok"}, {"foreign_keys", "ok"},
                                   {"schema_version", ctx.store.schema_version()}},
                                  {"path", "integrity", "foreign_keys", "schema_version"});
                o.rows.id_field = "path";
                return o;
            });
        });
    }
    {
        auto dest = std::make_shared<std::string>();
        auto* sub = cmd->add_subcommand("backup", "Write a consistent copy of the live database (VACUUM INTO)");
        sub->add_option("FILE", *dest, "The new backup file (must not exist)")->required();
        sub->callback([&cli, dest] {
            cli.refuse_in_batch("db backup", "it copies the database as committed, outside the batch's transaction");
            cli.read([&](Context& ctx) {
                if (cli.g.dry_run) {
                    Output o = detail({{"path", *dest}, {"bytes", nullptr}}, {"path", "bytes"});
                    o.note = "dry run: nothing was written";
                    return o;
                }
                backup_database(ctx.store, *dest);
                Output o = detail({{"path", *dest}, {"bytes", static_cast<int64_t>(std::filesystem::file_size(*dest))}}, {"path", "bytes"});
                o.rows.id_field = "path";
                return o;
            });
        });
    }
    {
        auto* sub = cmd->add_subcommand("stats", "Size, schema version and rows per table");
        sub->callback([&cli] {
            cli.read([&](Context& ctx) {
                auto s = database_stats(ctx.store);
                Json tables = Json::array();
                for (const auto& t : s.tables) tables.push_back({{"table", t.table}, {"rows", t.rows}});
                Output o = detail({{"path", s.path},
                                   {"schema_version", s.schema_version},
                                   {"journal_mode", s.journal_mode},
                                   {"page_size", s.page_size},
                                   {"page_count", s.page_count},
                                   {"freelist_count", s.freelist_count},
                                   {"bytes", s.page_size * s.page_count},
                                   {"tables", tables}},
                                  {"path", "schema_version", "journal_mode", "page_size", "page_count", "freelist_count",
                                   "bytes", "tables"});
                o.rows.id_field = "path";
                return o;
            });
        });
    }
}

}  // namespace pom::cli
