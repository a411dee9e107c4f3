// pom help exit-codes|roles
#include "cli.h"
#include "role.h"

namespace pom::cli {

void register_help(CLI::App& app, Cli& cli) {
    auto* cmd = app.add_subcommand("help", "Reference topics: exit-codes, roles");
    cmd->require_subcommand(1);
    auto* sub = cmd->add_subcommand("exit-codes", "What each exit status of pom means");
    sub->callback([&cli] {
        cli.plain([] {
            std::vector<Json> rows = {
                {{"code", 0}, {"name", "ok"}, {"meaning", "success (an empty list too)"}},
                {{"code", 1}, {"name", "not_found, conflict, transition_not_allowed"}, {"meaning", "no such record; clashes with what is stored; status change not allowed"}},
                {{"code", 64}, {"name", "usage"}, {"meaning", "the command line is wrong (unknown flag, missing argument, unknown field)"}},
                {{"code", 65}, {"name", "bad_input, newer_database"}, {"meaning", "invalid value or input row; database made by a newer pom; failed db check"}},
                {{"code", 66}, {"name", "no_input"}, {"meaning", "an input file or the database is missing"}},
                {{"code", 70}, {"name", "internal"}, {"meaning", "a bug in pom"}},
                {{"code", 74}, {"name", "io"}, {"meaning", "reading or writing a file failed"}},
                {{"code", 75}, {"name", "busy"}, {"meaning", "the database stayed locked past the busy timeout; retry later"}},
                {{"code", 77}, {"name", "permission"}, {"meaning", "permission denied (file or role)"}},
                {{"code", 78}, {"name", "config"}, {"meaning", "the configuration is invalid"}},
            };
            Output o = records(std::move(rows), {"code", "name", "meaning"});
            o.rows.id_field = "code";
            return o;
        });
    });
    auto* roles = cmd->add_subcommand("roles", "Which role may run which command (own: a technician's own visits only)");
    roles->callback([&cli] {
        cli.plain([] {
            std::vector<std::string> fields = {"command"};
            for (const auto& r : role_names()) fields.push_back(r);
            Output o = records(role_table(), fields);
            o.rows.id_field = "command";
            return o;
        });
    });
}

}  // namespace pom::cli
