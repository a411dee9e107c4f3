// pom db check|backup|stats|copy
#include "cli.h"
#include "database.h"
#include "error.h"

#include <chrono>
#include <cstdio>
#include <filesystem>

namespace pom::cli {

namespace {

/// One record per table of a copy.
Output copy_output(const CompanyCopy& c, double seconds) {
    std::vector<Json> rows;
    int64_t total = 0;
    std::string differ;
    for (const auto& t : c.tables) {
        total += t.source.rows;
        Json r = {{"table", t.table}, {"rows", t.source.rows}, {"sha256", t.source.sha256}};
        r["target_rows"] = t.target ? Json(t.target->rows) : Json(nullptr);
        r["target_sha256"] = t.target ? Json(t.target->sha256) : Json(nullptr);
        r["same"] = t.target ? Json(t.same()) : Json(nullptr);
        if (t.target && !t.same()) differ += (differ.empty() ? "" : ", ") + t.table;
        rows.push_back(std::move(r));
    }
    Output o = records(std::move(rows), {"table", "rows", "sha256", "target_rows", "target_sha256", "same"},
                       {"table", "rows", "target_rows", "same", "sha256"});
    o.rows.id_field = "table";
    char took[32];
    std::snprintf(took, sizeof took, "%.1f", seconds);
    std::string counted = std::to_string(total) + " rows in " + std::to_string(c.tables.size()) + " tables";
    if (!differ.empty()) {
        o.failure = Failure{ErrorKind::Internal, "the copy differs from " + c.from + " in " + differ +
                                                     ": nothing was written to " + c.to};
        return o;
    }
    if (c.tables.empty() || !c.tables.front().target) {  // a dry run: the source's side only
        o.note = "dry run: nothing was written; " + counted + " would be copied to " + c.to;
        return o;
    }
    o.note = "copied " + counted + " from " + c.from + " to " + c.to + " in " + took +
             " s; every table has the same rows and checksum in both";
    if (c.photos > 0) {
        int64_t there = c.photos - c.photos_copied - c.photos_missing;
        o.note += "\nphotos: " + std::to_string(c.photos_copied) + " of " + std::to_string(c.photos) + " files copied to " +
                  c.photo_dir + (there ? ", " + std::to_string(there) + " there already" : "") +
                  (c.photos_missing ? ", " + std::to_string(c.photos_missing) + " not found in " + c.source_photo_dir : "");
    }
    return o;
}

}  // namespace

void register_db(CLI::App& app, Cli& cli) {
    auto* cmd = app.add_subcommand("db", "The database itself: check, backup, stats, copy");
    cmd->require_subcommand(1);
    {
        auto verbose = cli.bound<bool>(false);
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
        auto dest = cli.bound<std::string>();
        auto replace = cli.bound<bool>(false);
        auto* sub = cmd->add_subcommand("backup", "Write a consistent copy of the live database into a new SQLite file (VACUUM INTO; from PostgreSQL, a checked copy)");
        sub->add_option("FILE", *dest, "The new backup file (must not exist, unless --replace)")->required();
        sub->add_flag("--replace", *replace, "Replace FILE if it exists (a nightly backup run twice), only once the new copy is whole");
        sub->callback([&cli, dest, replace] {
            cli.refuse_in_batch("db backup", "it copies the database as committed, outside the batch's transaction");
            cli.read([&](Context& ctx) {
                if (cli.g.dry_run) {
                    Output o = detail({{"path", *dest}, {"bytes", nullptr}}, {"path", "bytes"});
                    o.note = "dry run: nothing was written";
                    return o;
                }
                backup_database(ctx.store, *dest, *replace);
                Output o = detail({{"path", *dest}, {"bytes", static_cast<int64_t>(std::filesystem::file_size(*dest))}}, {"path", "bytes"});
                o.rows.id_field = "path";
                return o;
            });
        });
    }
    {
        auto to = cli.bound<std::string>();
        auto* sub = cmd->add_subcommand("copy", "Copy the whole company into another, empty database (SQLite file or PostgreSQL URI), checked table by table");
        sub->add_option("--to", *to, "The target: a SQLite file or a postgresql:// URI (made when missing; must be empty)")
            ->type_name("URI|FILE")
            ->required();
        sub->callback([&cli, to] {
            cli.read([&](Context& ctx) {
                auto start = std::chrono::steady_clock::now();
                auto copied = copy_company(ctx.store, *to, cli.g.dry_run);
                std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
                return copy_output(copied, took.count());
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
