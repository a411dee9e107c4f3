#include "cli.h"

#include "error.h"
#include "text_check.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <pwd.h>
#include <set>
#include <sstream>
#include <unistd.h>

namespace pom::cli {

namespace {

std::optional<std::string> getenv_opt(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) return std::nullopt;
    return std::string(v);
}

std::string shell_quote(const std::string& a) {
    if (!a.empty() && a.find_first_of(" \t\n'\"\\$`*?;&|<>()[]{}#~!") == std::string::npos) return a;
    std::string out = "'";
    for (char c : a) {
        if (c == '\'') out += "'\\''";
        else out += c;
    }
    return out + "'";
}

std::vector<std::string> split_fields(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream in(s);
    std::string item;
    while (std::getline(in, item, ',')) {
        auto b = item.find_first_not_of(' ');
        auto e = item.find_last_not_of(' ');
        if (b == std::string::npos) fail(ErrorKind::Usage, "--fields: empty field name in '" + s + "'");
        out.push_back(item.substr(b, e - b + 1));
    }
    if (out.empty()) fail(ErrorKind::Usage, "--fields: no field named");
    return out;
}

}  // namespace

Env Env::from_process() {
    Env e;
    e.pom_db = getenv_opt("POM_DB");
    e.pom_config = getenv_opt("POM_CONFIG");
    e.pom_user = getenv_opt("POM_USER");
    e.pom_now = getenv_opt("POM_NOW");
    e.xdg_data_home = getenv_opt("XDG_DATA_HOME");
    e.xdg_config_home = getenv_opt("XDG_CONFIG_HOME");
    e.home = getenv_opt("HOME");
    if (const passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_name) e.login = pw->pw_name;
    else e.login = getenv_opt("USER");
    return e;
}

std::string Session::config_path(const Globals& g) const {
    if (!g.config.empty()) return g.config;
    if (m_env.pom_config) return *m_env.pom_config;
    if (m_env.xdg_config_home) return *m_env.xdg_config_home + "/pom/pom.toml";
    if (m_env.home) return *m_env.home + "/.config/pom/pom.toml";
    return "";
}

const Config& Session::config(const Globals& g) {
    if (!m_config) {
        bool explicit_path = !g.config.empty() || m_env.pom_config;
        std::string path = config_path(g);
        std::error_code ec;
        if (explicit_path || (!path.empty() && std::filesystem::exists(path, ec)))
            m_config = std::make_unique<Config>(load_config_file(path));
        else
            m_config = std::make_unique<Config>();
    }
    return *m_config;
}

std::string Session::db_path(const Globals& g) {
    if (!g.db.empty()) return g.db;
    if (m_env.pom_db) return *m_env.pom_db;
    if (const auto& c = config(g); c.db) return *c.db;
    if (m_env.xdg_data_home) return *m_env.xdg_data_home + "/pom/pom.db";
    if (m_env.home) return *m_env.home + "/.local/share/pom/pom.db";
    fail(ErrorKind::Config, "no place for the database: give --db or set POM_DB");
}

Store& Session::store(const Globals& g) {
    if (!m_store) {
        Store::OpenOptions opts;
        opts.busy_timeout_ms = config(g).busy_timeout_ms;
        m_store = Store::open(db_path(g), opts);
    }
    return *m_store;
}

const TimeZone& Session::tz(const Globals& g) {
    if (!m_tz) m_tz = std::make_unique<TimeZone>(config(g).timezone);
    return *m_tz;
}

namespace {

/// The command being run, read back from what CLI11 parsed: its path, positionals and options.
CommandRequest parsed_request(CLI::App& root) {
    CommandRequest r;
    CLI::App* at = &root;
    for (auto subs = at->get_subcommands(); !subs.empty(); subs = at->get_subcommands()) {
        at = subs.front();
        r.command += (r.command.empty() ? "" : " ") + at->get_name();
    }
    for (const CLI::Option* opt : at->get_options()) {
        if (opt->count() == 0) continue;
        if (opt->get_positional()) {
            for (const auto& v : opt->results()) r.positionals.push_back(v);
        } else if (!opt->get_lnames().empty()) {
            r.options[opt->get_lnames().front()] = opt->results();
        }
    }
    return r;
}

}  // namespace

std::unique_ptr<Clock> Cli::make_clock() {
    std::string now = !g.now.empty() ? g.now : session.env().pom_now.value_or("");
    if (now.empty()) return std::make_unique<SystemClock>();
    return std::make_unique<FixedClock>(parse_instant(now, session.tz(g), g.now.empty() ? "POM_NOW" : "--now"));
}

Date Cli::local_today() { return session.tz(g).local_date(make_clock()->now()); }

void Cli::with_context(const std::function<void(Context&)>& body) {
    if (session.batch && (g.db != session.batch->db || g.config != session.batch->config))
        fail(ErrorKind::Usage, "--db and --config cannot change inside a batch");
    const Config& config = session.config(g);
    const TimeZone& tz = session.tz(g);
    auto clock = make_clock();
    Store& store = session.store(g);
    std::string actor = !g.as.empty() ? g.as : session.env().pom_user.value_or(session.env().login.value_or("unknown"));
    if (g.as.empty() && session.env().pom_user) check_text(actor, TextKind::Name, "POM_USER");  // --as is checked as it is parsed
    if (session.locked_actor) {
        if (actor != *session.locked_actor)
            fail(ErrorKind::Permission, "--as cannot change who is acting: it is " + *session.locked_actor + ", whose token this is");
        if (!g.now.empty()) fail(ErrorKind::Permission, "--now cannot be given here: the server's clock is the time");
    }
    std::string command = "pom";
    for (const auto& a : args) command += " " + shell_quote(a);
    Context ctx{store, config, *clock, tz, actor, command};
    CommandRequest request = parsed_request(*root);
    command_path = request.command;
    acting = acting_worker(store, actor);
    if (acting) authorize(ctx, *acting, request);
    body(ctx);
}

namespace {

std::string finish(const Cli& cli, Output& o) {
    if (o.text) return std::move(*o.text);  // a list can be megabytes: not copied
    Format f = cli.session.batch ? Format::json : parse_format(cli.g.output);
    if (!cli.g.fields.empty()) select_fields(o.rows, split_fields(cli.g.fields));
    if (f == Format::table) o.rows.zone = &cli.session.tz(cli.g);
    return render(o.rows, f);
}

}  // namespace

void Cli::read(const std::function<Output(Context&)>& action) {
    with_context([&](Context& ctx) {
        Output o = action(ctx);
        if (acting) redact(acting->role, command_path, o.rows.records);
        o.text = finish(*this, o);
        result = std::move(o);
    });
}

namespace {

/// The action's output with its answer read: the answer's records, and the action's note unless
/// the answer has its own.
Output with_answer(Context& ctx, Output o) {
    if (!o.answer) return o;
    Output a = o.answer(ctx);
    if (a.note.empty()) a.note = std::move(o.note);
    return a;
}

}  // namespace

void Cli::write(const std::function<Output(Context&)>& action) {
    with_context([&](Context& ctx) {
        bool outermost = !ctx.store.in_transaction();
        WriteTx tx(ctx.store);
        Output o = action(ctx);
        if (o.answer && outermost && session.after_commit && !session.batch && !g.dry_run && g.fields.empty()) {
            // pom serve: the change is committed and the next writer let in before the answer is
            // read; the same connection sees its own commit. (With --fields, a batch or a dry run
            // the answer is read inside, as the command line does.)
            tx.commit();
            session.after_commit();
            ReadTx read(ctx.store);
            o = with_answer(ctx, std::move(o));
            if (acting) redact(acting->role, command_path, o.rows.records);
            o.text = finish(*this, o);
            result = std::move(o);
            return;
        }
        o = with_answer(ctx, std::move(o));
        if (acting) redact(acting->role, command_path, o.rows.records);
        o.text = finish(*this, o);  // a bad --fields is refused before anything is committed
        if (g.dry_run) {
            tx.rollback();
            o.note = "dry run: nothing was written";
        } else {
            tx.commit();
        }
        result = std::move(o);
    });
}

void Cli::refuse_in_batch(const std::string& command, const std::string& why) const {
    if (session.batch) fail(ErrorKind::Usage, command + " cannot run inside pom batch: " + why + "; run it after the batch");
}

void Cli::check_fields(const std::vector<std::string>& fields) const {
    if (g.fields.empty()) return;
    Rows probe;
    probe.fields = fields;
    select_fields(probe, split_fields(g.fields));
}

std::optional<Format> Cli::json_text_format() const {
    if (session.batch || !g.fields.empty() || acting) return std::nullopt;
    Format f = parse_format(g.output);
    if (f == Format::json || f == Format::jsonl) return f;
    return std::nullopt;
}

void Cli::plain(const std::function<Output()>& action) {
    Output o = action();
    o.text = finish(*this, o);
    result = std::move(o);
}

Output records(std::vector<Json> rows, std::vector<std::string> fields, std::vector<std::string> table_fields) {
    Output o;
    o.rows.records = std::move(rows);
    o.rows.fields = std::move(fields);
    o.rows.table_fields = std::move(table_fields);
    return o;
}

Output answer_after(std::function<Output(Context&)> read) {
    Output o;
    o.answer = std::move(read);
    return o;
}

Output detail(Json row, std::vector<std::string> fields) {
    Output o;
    o.rows.records.push_back(std::move(row));
    o.rows.fields = std::move(fields);
    o.rows.detail = true;
    return o;
}

int64_t parse_id(const std::string& text, const std::string& what) {
    int64_t v = 0;
    bool ok = !text.empty() && text.size() < 19;
    for (char c : text) ok = ok && c >= '0' && c <= '9';
    if (ok) v = std::stoll(text);
    if (!ok || v <= 0) fail(ErrorKind::BadInput, what + ": '" + text + "' is not an id (a positive whole number)");
    return v;
}

namespace {

/// The global options that take a value: registered from this table, and skipped (with their
/// value) by command_word, so the two cannot disagree.
struct GlobalValueOption {
    const char* names;
    std::string Globals::*field;
    const char* help;
};

const GlobalValueOption k_global_values[] = {
    {"--db", &Globals::db, "Database file (else POM_DB, the config's db, ~/.local/share/pom/pom.db)"},
    {"--config", &Globals::config, "Config file (else POM_CONFIG, ~/.config/pom/pom.toml)"},
    {"--as", &Globals::as, "Who is acting, for the audit log (else POM_USER, the login name)"},
    {"--now", &Globals::now, "Fix the clock: 2026-11-23T08:00:00 local, or RFC 3339 (else POM_NOW)"},
    {"-o,--output", &Globals::output, "Output: table, json, jsonl, csv or id"},
    {"--fields", &Globals::fields, "Fields to show, in order: a,b,c"},
};

bool takes_value(const std::string& arg) {
    for (const auto& o : k_global_values)
        for (const auto& name : CLI::detail::split(o.names, ','))
            if (arg == name) return true;
    return false;
}

}  // namespace

std::string command_word(const std::vector<std::string>& args) {
    for (size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        if (a.empty() || a[0] != '-') return a;
        if (a == "--") return "";  // not a command line pom takes: let the whole tree say so
        if (takes_value(a)) ++i;   // its value follows
    }
    return "";
}

namespace {

/// The options whose values are prose, which may span lines (every other value is one line).
const std::set<std::string> k_prose_options = {"--access-notes", "--description", "--note",    "--notes",
                                               "--office-note",  "--outcome",     "--private-note", "--reason",
                                               "--summary",      "--terms",       "--text",    "--told"};

TextKind text_kind(const std::string& option) {
    if (k_prose_options.count(option)) return TextKind::Note;
    if (option == "--name" || option == "--company") return TextKind::Name;
    return TextKind::Line;
}

/// Every value given to an option or argument of `app` and its subcommands is checked as it
/// enters, by lib/text_check.h, before CLI11 converts it: text by its kind, and numbers so that
/// empty, hex or out-of-range text is an invalid value (65) rather than 0, 16 or a clamped value.
/// A count (k_count) must be 0 or more.
void guard_values(CLI::App& app) {
    for (CLI::Option* opt : app.get_options()) {
        if (opt->get_expected_max() == 0) {
            // A flag given a value (--dog=maybe): CLI11 would convert it with std::stoll and throw
            // past its own errors (exit 70). Only the words it reads as yes or no are let through.
            std::string field = opt->get_name();
            opt->check(CLI::Validator(
                [field](std::string& value) {
                    static const std::set<std::string> words = {"true", "false", "yes", "no", "on", "off", "1", "0",
                                                                "enable", "disable", "+", "-", "t", "f", "y", "n"};
                    std::string lower;
                    for (char c : value) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                    if (words.count(lower) || value.empty()) return std::string();
                    return "a flag takes no value, or true or false (not '" + escape_for_line(value) + "')";
                },
                ""));
            continue;
        }
        std::string field = opt->get_name();
        std::string type = opt->get_type_name();
        std::string base = type.substr(0, type.find(':'));
        std::optional<NumberKind> number;
        if (base == "INT" || base == "UINT")
            number = type.find(":N>=0") != std::string::npos || base == "UINT" ? NumberKind::Count : NumberKind::Integer;
        else if (base == "FLOAT" || base == "NUMBER")
            number = NumberKind::Decimal;
        TextKind kind = text_kind(field);
        opt->transform(CLI::Validator(
            [field, kind, number](std::string& value) {
                check_text(value, kind, field);
                if (number) check_number_text(value, *number, field);
                return std::string();
            },
            ""));
    }
    for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) guard_values(*sub);
}

/// Every command's --help ends with the global options, which apply to it too (CLI11 lists only a
/// command's own).
void add_global_footer(CLI::App& app, const std::string& footer) {
    for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
        sub->footer(footer);
        add_global_footer(*sub, footer);
    }
}

std::string global_footer() {
    std::vector<std::pair<std::string, std::string>> rows;
    for (const auto& o : k_global_values) {
        std::string names = o.names;
        std::string value = std::string(o.field == &Globals::output ? "FORMAT"
                                        : o.field == &Globals::fields ? "a,b,c"
                                        : o.field == &Globals::as     ? "WORKER"
                                        : o.field == &Globals::now    ? "TIME"
                                        : o.field == &Globals::db     ? "FILE|URI"
                                                                      : "FILE");
        rows.emplace_back(names + " " + value, o.help);
    }
    rows.emplace_back("--dry-run", "A command that writes: show what it would do; write nothing");
    rows.emplace_back("-q,--quiet", "No summary line on stderr, only errors");
    size_t w = 0;
    for (const auto& r : rows) w = std::max(w, r.first.size());
    std::string out = "\nGlobal options (before or after the command):\n";
    for (const auto& r : rows) out += "  " + r.first + std::string(w - r.first.size() + 2, ' ') + r.second + "\n";
    return out;
}

}  // namespace

std::unique_ptr<CLI::App> build_app(Cli& cli, const std::string& only) {
    auto app = std::make_unique<CLI::App>("pom: operations for pool-service companies", "pom");
    app->fallthrough();
    app->require_subcommand(1);
    app->set_version_flag("--version", "pom " POM_VERSION);
    auto* g = app->add_option_group("Global options");
    for (const auto& o : k_global_values) {
        auto* opt = g->add_option(o.names, cli.g.*o.field, o.help);
        if (o.field == &Globals::output) opt->check(CLI::IsMember({"table", "json", "jsonl", "csv", "id"}));
    }
    g->add_flag("--dry-run", cli.g.dry_run, "Show what a command would do; write nothing");
    g->add_flag("-q,--quiet", cli.g.quiet, "No summary line on stderr, only errors (for cron: a job that did nothing prints nothing)");
    cli.root = app.get();
    register_commands(*app, cli, only);
    guard_values(*app);
    add_global_footer(*app, global_footer());
    return app;
}

namespace {

bool wants_json_errors(const std::vector<std::string>& args) {
    for (size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        std::string v;
        if ((a == "-o" || a == "--output") && i + 1 < args.size()) v = args[i + 1];
        else if (a.rfind("--output=", 0) == 0) v = a.substr(9);
        else if (a.rfind("-o", 0) == 0 && a.size() > 2 && a[1] == 'o') v = a.substr(2);
        if (v == "json" || v == "jsonl") return true;
    }
    return false;
}

/// CLI11 reports a missing subcommand before words it did not know, so `pom customer lst` would
/// only say "A subcommand is required"; name the unknown word and the valid subcommands instead.
std::string missing_subcommand_message(CLI::App& app, const std::string& message) {
    if (message.rfind("A subcommand", 0) != 0) return message;
    CLI::App* at = &app;
    std::string path;  // "appt series" for `pom appt series ...`, empty at the top
    for (auto subs = at->get_subcommands(); !subs.empty(); subs = at->get_subcommands()) {
        at = subs.front();
        path += (path.empty() ? "" : " ") + at->get_name();
    }
    if (!path.empty()) path += ": ";
    std::string valid;
    for (const auto* s : at->get_subcommands([](CLI::App* s) { return !s->get_name().empty() && !s->get_group().empty(); }))
        valid += (valid.empty() ? "" : ", ") + s->get_name();
    auto left = app.remaining(true);
    if (!left.empty()) return path + "unknown command '" + left.front() + "' (valid: " + valid + ")";
    return path + "a subcommand is required (" + valid + ")";
}

/// A number guard_values let through that CLI11 still cannot convert is too large for its option
/// (an int): an invalid value. Anything else it cannot convert (`--all=maybe`) is a usage error.
Failure conversion_failure(const std::string& message) {
    const std::string prefix = "Could not convert: ";
    auto eq = message.find(" = ");
    if (message.rfind(prefix, 0) == 0 && eq != std::string::npos) {
        std::string name = message.substr(prefix.size(), eq - prefix.size());
        std::string value = message.substr(eq + 3);
        try {
            std::string probe = value;
            check_number_text(probe, NumberKind::Integer, name);
            return Failure{ErrorKind::BadInput, name + ": '" + value + "' is out of range"};
        } catch (const Error&) {
        }
    }
    return Failure{ErrorKind::Usage, message};
}

}  // namespace

struct Session::KeptTree {
    std::unique_ptr<Cli> cli;
    std::unique_ptr<CLI::App> app;
};

Session::KeptTree& Session::kept_tree(const std::string& word, const std::vector<std::string>& args) {
    auto& tree = m_trees[word];
    if (!tree) {
        tree = std::make_shared<KeptTree>();
        tree->cli = std::make_unique<Cli>(*this, args);
        tree->app = build_app(*tree->cli, word);
    } else {
        tree->cli->reset(args);
        tree->app->clear();
    }
    return *tree;
}

void Cli::reset(std::vector<std::string> new_args) {
    args = std::move(new_args);
    g = session.batch ? *session.batch : Globals{};
    result.reset();
    acting.reset();
    command_path.clear();
    for (const auto& r : m_resets) r();
}

Captured run_captured(const std::vector<std::string>& args, Session& session, std::string* help_out, bool keep_records) {
    Captured c;
    std::optional<Cli> own_cli;
    std::unique_ptr<CLI::App> own_app;
    Cli* cli_at = nullptr;
    CLI::App* app = nullptr;
    try {
        std::string word = command_word(args);
        if (session.keep_trees && !session.batch && !word.empty()) {
            auto& tree = session.kept_tree(word, args);
            cli_at = tree.cli.get();
            app = tree.app.get();
        } else {
            own_cli.emplace(session, args);
            cli_at = &*own_cli;
            own_app = build_app(*cli_at, word);
            app = own_app.get();
        }
        Cli& cli = *cli_at;
        std::vector<std::string> rev(args.rbegin(), args.rend());
        app->parse(rev);
        if (cli.result) {
            if (cli.result->text) c.out = std::move(*cli.result->text);
            if (keep_records) {
                // The process ends right after this command: freeing thousands of small JSON values
                // one by one would cost more than rendering them did, so they are left to the exit.
                static auto* kept = new std::vector<Json>();
                *kept = std::move(cli.result->rows.records);
            }
            if (!cli.g.quiet) c.note = cli.result->note;
            if (cli.result->failure) {
                c.failure = cli.result->failure;
                c.code = exit_code(c.failure->kind);
            }
        }
        if (!own_cli) cli.result.reset();  // a kept tree's Cli holds no records until its next command
        return c;
    } catch (const CLI::CallForHelp& e) {
        std::ostringstream o, er;
        app->exit(e, o, er);
        if (help_out) *help_out = o.str();
        return c;
    } catch (const CLI::CallForAllHelp& e) {
        std::ostringstream o, er;
        app->exit(e, o, er);
        if (help_out) *help_out = o.str();
        return c;
    } catch (const CLI::CallForVersion& e) {
        if (help_out) *help_out = std::string(e.what()) + "\n";
        return c;
    } catch (const CLI::RequiredError& e) {
        c.failure = Failure{ErrorKind::Usage, missing_subcommand_message(*app, e.what())};
    } catch (const CLI::ConversionError& e) {
        c.failure = conversion_failure(e.what());
    } catch (const CLI::ParseError& e) {
        c.failure = Failure{ErrorKind::Usage, e.what()};
    } catch (const Error& e) {
        c.failure = Failure{e.kind(), e.what()};
    } catch (const std::filesystem::filesystem_error& e) {
        c.failure = Failure{ErrorKind::Io, e.what()};
    } catch (const std::exception& e) {
        c.failure = Failure{ErrorKind::Internal, std::string("internal error: ") + e.what()};
    }
    c.code = exit_code(c.failure->kind);
    return c;
}

int run(const std::vector<std::string>& args, Session& session, std::ostream& out, std::ostream& err) {
    std::string help;
    Captured c = run_captured(args, session, &help, true);
    if (!help.empty()) {
        out << help;
        return 0;
    }
    if (c.failure) {
        if (!valid_utf8(c.out)) c.out = replace_invalid_utf8(c.out);
        out << c.out;  // only a command that reports per item (batch, db check) has output when it fails
        // One line, whatever the message quotes: a value with a line break or stray bytes in it.
        std::string message = escape_for_line(c.failure->message);
        // A script that asked for JSON reads stderr as JSON: then the object is all there is.
        if (wants_json_errors(args)) {
            Json e = {{"error", {{"code", error_code_name(c.failure->kind)}, {"message", message}, {"exit", c.code}}}};
            err << e.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
        } else {
            err << "pom: error: " << message << "\n";
        }
        return c.code;
    }
    // What pom prints is UTF-8: text an older pom stored unchecked gets U+FFFD (db check finds it).
    if (!valid_utf8(c.out)) c.out = replace_invalid_utf8(c.out);
    out << c.out;
    if (!c.note.empty() && !wants_json_errors(args)) err << replace_invalid_utf8(c.note) << "\n";
    return 0;
}

}  // namespace pom::cli
