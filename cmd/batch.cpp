// pom batch: many pom commands from a file, in one transaction
#include "cli.h"
#include "error.h"
#include "text_check.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace pom::cli {

void register_batch(CLI::App& app, Cli& cli) {
    auto file = cli.bound<std::string>("-");
    auto keep_going = cli.bound<bool>(false);
    auto* sub = app.add_subcommand(
        "batch", "Run commands from a file, one JSON array of arguments per line, all in one transaction");
    sub->add_option("FILE", *file, "The file, or - (default) for standard input");
    sub->add_flag("--keep-going", *keep_going, "Commit each line that succeeds; report the failures");
    sub->callback([&cli, file, keep_going] {
        cli.plain([&] {
            if (cli.session.batch) fail(ErrorKind::Usage, "batch cannot run inside a batch");
            std::ifstream in_file;
            std::istream* in = &std::cin;
            if (*file != "-") {
                std::error_code ec;
                if (std::filesystem::is_directory(*file, ec)) fail(ErrorKind::NoInput, "cannot read " + *file + ": it is a directory");
                in_file.open(*file, std::ios::binary);
                if (!in_file) fail(ErrorKind::NoInput, "cannot read " + *file);
                in = &in_file;
            }
            Session& session = cli.session;
            Store& store = session.store(cli.g);
            Globals inherited = cli.g;
            inherited.output = "json";
            inherited.fields.clear();
            // In a dry run the lines must see each other's changes, as they would for real: the
            // batch's own transaction is the one rolled back, not each line's.
            inherited.dry_run = false;
            session.batch = inherited;
            std::optional<WriteTx> tx;
            if (!*keep_going || cli.g.dry_run) tx.emplace(store);

            std::vector<Json> results;
            int ran = 0, failed = 0;
            std::optional<Failure> first_failure;
            std::string line;
            int number = 0;
            while (std::getline(*in, line)) {
                ++number;
                if (!line.empty() && line.back() == '\r') line.pop_back();
                if (line.find_first_not_of(" \t") == std::string::npos || line[line.find_first_not_of(" \t")] == '#')
                    continue;
                Json record = {{"line", number}};
                std::vector<std::string> args;
                Captured c;
                try {
                    if (std::string problem = text_problem(line, TextKind::BatchLine); !problem.empty())
                        throw Error(ErrorKind::BadInput, problem);
                    Json parsed = Json::parse(line);
                    if (!parsed.is_array()) throw std::invalid_argument(std::string("the line is a JSON ") + parsed.type_name());
                    if (parsed.empty()) throw std::invalid_argument("the array is empty");
                    for (size_t i = 0; i < parsed.size(); ++i) {
                        if (!parsed[i].is_string())
                            throw std::invalid_argument("element " + std::to_string(i + 1) + " is a " + parsed[i].type_name());
                        args.push_back(parsed[i].get<std::string>());
                    }
                    if (args[0] == "batch" || args[0] == "init")
                        c.failure = Failure{ErrorKind::Usage, "'" + args[0] + "' cannot run inside a batch"};
                    else
                        c = run_captured(args, session);
                } catch (const Error& e) {
                    c.failure = Failure{e.kind(), e.what()};
                } catch (const Json::parse_error& e) {
                    // Where the line stops being JSON, counted in characters as an editor shows them.
                    size_t at = std::min<size_t>(e.byte == 0 ? 0 : e.byte - 1, line.size());
                    size_t column = 1;
                    for (size_t i = 0; i < at; ++i)
                        if ((static_cast<unsigned char>(line[i]) & 0xC0u) != 0x80u) ++column;
                    c.failure = Failure{ErrorKind::Usage, "not a JSON array of strings: it stops being JSON at column " +
                                                              std::to_string(column)};
                } catch (const std::exception& e) {
                    c.failure = Failure{ErrorKind::Usage, std::string("not a JSON array of strings: ") + e.what()};
                }
                if (c.failure) c.code = exit_code(c.failure->kind);
                record["args"] = args;
                record["ok"] = !c.failure;
                record["exit"] = c.code;
                Json output = nullptr;
                if (!c.failure && !c.out.empty()) {
                    try {
                        output = Json::parse(c.out);
                    } catch (const std::exception&) {
                        output = c.out;  // a text report
                    }
                }
                record["output"] = output;
                record["error"] = c.failure ? Json{{"code", error_code_name(c.failure->kind)}, {"message", c.failure->message}}
                                            : Json(nullptr);
                ++ran;
                if (c.failure) ++failed;
                results.push_back(std::move(record));
                if (c.failure && !first_failure)
                    first_failure = Failure{c.failure->kind, "batch line " + std::to_string(number) + ": " + c.failure->message};
                if (c.failure && !*keep_going) break;
            }
            session.batch.reset();
            Output o;
            if (tx) {
                if (first_failure || cli.g.dry_run) {
                    tx->rollback();
                    if (first_failure) first_failure->message += " (nothing was written)";
                } else {
                    tx->commit();
                }
            }
            if (cli.g.dry_run) o.note = "dry run: nothing was written";
            // A failed batch ends with a record a script can read without counting lines.
            if (failed > 0)
                results.push_back({{"summary", true}, {"lines", ran}, {"failed", failed},
                                   {"committed", !tx && !cli.g.dry_run}});
            std::string text;
            if (parse_format(cli.g.output) == Format::json) {
                text = "[";
                for (size_t i = 0; i < results.size(); ++i)
                    text += (i ? ",\n" : "\n") + results[i].dump(-1, ' ', false, Json::error_handler_t::replace);
                text += results.empty() ? "]\n" : "\n]\n";
            } else {
                for (const auto& r : results) text += r.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
            }
            o.text = std::move(text);
            o.failure = first_failure;
            return o;
        });
    });
}

}  // namespace pom::cli
