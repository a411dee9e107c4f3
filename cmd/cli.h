#pragma once
// The command layer: parses a command line with CLI11, runs it against lib/ through a Context,
// renders the result. `run` works on any argument list against an open Session, which is what
// lets `pom batch` run many commands in one transaction.
#include "audit.h"
#include "config.h"
#include "error.h"
#include "context.h"
#include "output.h"
#include "role.h"
#include "store/store.h"
#include "clock.h"

#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pom::cli {

/// The process environment, read once in main and passed down.
struct Env {
    std::optional<std::string> pom_db, pom_config, pom_user, pom_now, xdg_data_home, xdg_config_home, home, login;
    static Env from_process();
};

/// Options every command accepts.
struct Globals {
    std::string db;
    std::string config;
    std::string as;
    std::string now;
    std::string output = "table";
    std::string fields;
    bool dry_run = false;
    bool quiet = false;
};

/// State shared by every command of one process: the config and the open store. A batch runs
/// all its lines in one Session.
class Session {
public:
    explicit Session(Env env) : m_env(std::move(env)) {}

    const Env& env() const { return m_env; }
    const Config& config(const Globals& g);
    std::string config_path(const Globals& g) const;
    std::string db_path(const Globals& g);
    /// Opens the store once; later calls return the same one.
    Store& store(const Globals& g);
    bool has_store() const { return m_store != nullptr; }
    void adopt_store(std::unique_ptr<Store> store) { m_store = std::move(store); }
    const TimeZone& tz(const Globals& g);

    /// Set while a batch runs its lines: output is forced to JSON, --db/--config are refused,
    /// and each line starts from the batch's own global options.
    std::optional<Globals> batch;

    /// Set by pom serve for each request: the token's worker. Every command of the request (each
    /// line of a batch too) acts as them: --as naming anyone else and --now are refused.
    std::optional<std::string> locked_actor;

    /// Set by pom serve around a request that writes: called once the command's own transaction
    /// has committed, before the answer is read (Output::answer). The server lets the next writer
    /// in then, so the reads of the answer run outside the one-at-a-time write lane.
    std::function<void()> after_commit;

    /// Set by pom serve: the command tree of each top-level command is built once per session and
    /// parsed again for the next command line that starts with it (building it was a third of a
    /// request's CPU). Not for the lines of a batch, which run while their batch's tree does.
    bool keep_trees = false;
    struct KeptTree;
    /// The kept tree of a top-level command, built on first use.
    KeptTree& kept_tree(const std::string& word, const std::vector<std::string>& args);

private:
    std::map<std::string, std::shared_ptr<KeptTree>> m_trees;
    Env m_env;
    std::unique_ptr<Config> m_config;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<TimeZone> m_tz;
};

struct Failure {
    ErrorKind kind;
    std::string message;
};

/// What a command hands back: records to render with -o, or a finished text (a report).
struct Output {
    /// Set when the command printed its output and still failed (a batch with a failed line).
    std::optional<Failure> failure;
    Rows rows;
    std::optional<std::string> text;
    /// A line for people, printed to stderr in table mode (e.g. "imported 12 customers").
    std::string note;
    /// For a command that writes: the read of the records it answers with (answer_after). On the
    /// command line, in a batch and with --dry-run it runs inside the write transaction, as if the
    /// action had returned its result; under pom serve (Session::after_commit) after the commit,
    /// in a read transaction of the same connection, so it sees the change.
    std::function<Output(Context&)> answer;
};

/// An Output whose records are read by `read` once the change is made (Output::answer).
Output answer_after(std::function<Output(Context&)> read);

/// One invocation: its globals, its session and where its output goes.
class Cli {
public:
    Cli(Session& session, std::vector<std::string> args) : session(session), args(std::move(args)) {
        if (session.batch) g = *session.batch;
    }

    /// Runs an action that only reads.
    void read(const std::function<Output(Context&)>& action);
    /// Runs an action in one write transaction: committed on success, rolled back on error or
    /// with --dry-run.
    void write(const std::function<Output(Context&)>& action);
    /// Runs an action that needs no database.
    void plain(const std::function<Output()>& action);
    /// Refuses (usage error) a command that acts outside the database (delivers, writes files,
    /// copies or checks the database file) when it runs as a line of pom batch, before it does
    /// anything: the batch's transaction could still roll back the state that records the act.
    void refuse_in_batch(const std::string& command, const std::string& why) const;
    /// Refuses a --fields naming something outside `fields` (usage error), before any work: for
    /// commands that commit as they go.
    void check_fields(const std::vector<std::string>& fields) const;
    /// json or jsonl when the output is whole records as JSON text (no --fields, not a batch
    /// line): a list command may then write them with JsonRecords rather than as documents.
    std::optional<Format> json_text_format() const;
    /// Today in the company's zone by the clock (--now, POM_NOW): for commands without a database.
    Date local_today();

    Session& session;
    std::vector<std::string> args;
    Globals g;
    CLI::App* root = nullptr;
    std::optional<Output> result;
    /// The worker acting, when the actor is one: their role decides what they may do (lib/role.h).
    std::optional<Acting> acting;
    /// The command's path ("appt list"), known once it runs.
    std::string command_path;

    /// Storage for a command's option values, which its callbacks hold: made with these arguments,
    /// and put back to that first value by reset() when the tree is parsed again (keep_trees).
    template <class T, class... A>
    std::shared_ptr<T> bound(A&&... a) {
        auto p = std::make_shared<T>(std::forward<A>(a)...);
        m_resets.push_back([p, first = *p] { *p = first; });
        return p;
    }
    /// Makes this Cli and the option values of its tree as they were built, for `args`.
    void reset(std::vector<std::string> args);

private:
    std::vector<std::function<void()>> m_resets;
    std::unique_ptr<Clock> make_clock();
    void with_context(const std::function<void(Context&)>& body);
};

/// Registers the subcommands (cmd/main.cpp: the command table): with `only` naming a top-level
/// command, just that one (what a command line needs; building all of them is a third of the
/// start-up of a quick command); else every one.
void register_commands(CLI::App& app, Cli& cli, const std::string& only = "");

/// The top-level command word of a command line: its first word that is neither a global option
/// nor that option's value; empty when there is none.
std::string command_word(const std::vector<std::string>& args);

/// The outcome of one command line, kept as data (what batch reports per line).
struct Captured {
    int code = 0;
    std::string out;
    std::string note;
    std::optional<Failure> failure;
};

/// Runs one command line; help or version text goes to `help_out` when asked for. With
/// `keep_records` the records of the result are not freed (the last command of a process).
Captured run_captured(const std::vector<std::string>& args, Session& session, std::string* help_out = nullptr,
                      bool keep_records = false);

/// Runs one command line (without the program name) as the whole work of the process. Writes
/// rendered output to `out` and errors to `err`; returns the exit code.
int run(const std::vector<std::string>& args, Session& session, std::ostream& out, std::ostream& err);

/// Builds the CLI definition: every command (for completion scripts and help), or with `only`
/// just that top-level command.
std::unique_ptr<CLI::App> build_app(Cli& cli, const std::string& only = "");

/// Shorthand for lib records → Output.
Output records(std::vector<Json> rows, std::vector<std::string> fields, std::vector<std::string> table_fields = {});
Output detail(Json row, std::vector<std::string> fields);

/// Parses a positive integer id given on the command line.
int64_t parse_id(const std::string& text, const std::string& what);

/// Marks a count such as --limit: a whole number, 0 or more, checked with every other number by
/// build_app (lib/text_check.h), which names the option. (CLI::NonNegativeNumber would print its
/// range as a 300-digit double when it refuses a value.)
inline const CLI::Validator k_count([](std::string&) { return std::string(); }, "N>=0", "count");

/// Binds an option to an optional: left unset when the flag is not given.
template <class T>
CLI::Option* add_opt(CLI::App* app, const std::string& name, std::optional<T>& target, const std::string& desc) {
    return app->add_option_function<T>(name, [&target](const T& v) { target = v; }, desc);
}

/// A yes/no flag pair such as "--dog,!--no-dog", left unset when neither is given.
inline CLI::Option* add_bool(CLI::App* app, const std::string& names, std::optional<bool>& target, const std::string& desc) {
    return app->add_flag_function(names, [&target](std::int64_t n) { target = n > 0; }, desc);
}

}  // namespace pom::cli
