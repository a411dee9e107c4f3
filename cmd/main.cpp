// pom: the command table. Every subcommand of pom is registered here, one line each.
#include "cli.h"

#include <cstring>
#include <iostream>

namespace pom::cli {

void register_init(CLI::App& app, Cli& cli);
void register_db(CLI::App& app, Cli& cli);
void register_config(CLI::App& app, Cli& cli);
void register_log(CLI::App& app, Cli& cli);
void register_customer(CLI::App& app, Cli& cli);
void register_pool(CLI::App& app, Cli& cli);
void register_appt(CLI::App& app, Cli& cli);
void register_appt_closed(CLI::App& app, Cli& cli);
void register_worker(CLI::App& app, Cli& cli);
void register_service(CLI::App& app, Cli& cli);
void register_route(CLI::App& app, Cli& cli);
void register_inventory(CLI::App& app, Cli& cli);
void register_notify(CLI::App& app, Cli& cli);
void register_tag(CLI::App& app, Cli& cli);
void register_quote(CLI::App& app, Cli& cli);
void register_callback(CLI::App& app, Cli& cli);
void register_ticket(CLI::App& app, Cli& cli);
void register_note(CLI::App& app, Cli& cli);
void register_timeline(CLI::App& app, Cli& cli);
void register_batch(CLI::App& app, Cli& cli);
void register_bill(CLI::App& app, Cli& cli);
void register_help(CLI::App& app, Cli& cli);
void register_completion(CLI::App& app, Cli& cli);
void register_serve(CLI::App& app, Cli& cli);

namespace {

struct Command {
    const char* name;
    void (*add)(CLI::App&, Cli&);
};

// In the order `pom --help` lists them.
constexpr Command k_commands[] = {
    {"init", register_init},              // init                    create a database
    {"customer", register_customer},      // customer add|list|show|edit|import
    {"pool", register_pool},              // pool add|list|show|edit
    {"worker", register_worker},          // worker add|list|show|edit, worker token add|list|revoke
    {"appt", register_appt},              // appt add|list|show|assign|move|board|days-out|preview|expand|rollover|
                                          //      on-my-way|start|pause|complete|skip|cancel|series ...
    {"appt", register_appt_closed},       // appt closed add|list|remove   (after appt: adds to it)
    {"route", register_route},            // route optimize|pin|unpin    the order of each technician's day
    {"service", register_service},        // service start|new|show|check|uncheck|reading|dose|use|note|photo|
                                          //         recommend|submit|amend|list|report
    {"inventory", register_inventory},    // inventory add|list|show|receive|adjust
    {"notify", register_notify},          // notify list|show|send|retry  the customer notice outbox
    {"bill", register_bill},              // bill plan|extra|lines|run|issue|list|show|void|credit|pay|aging|export|batches
    {"tag", register_tag},                // tag add|rm|list|history|sweep
    {"quote", register_quote},            // quote add|send|accept|decline|list|show
    {"callback", register_callback},      // callback add|list|show|done|reassign|snooze
    {"ticket", register_ticket},          // ticket add|list|show|route|schedule|close
    {"note", register_note},              // note add|list|show|search
    {"customer", register_timeline},      // customer timeline       (after customer: adds to it)
    {"batch", register_batch},            // batch FILE              many commands, one transaction
    {"serve", register_serve},            // serve                   the HTTP JSON API
    {"log", register_log},                // log                     the audit log
    {"db", register_db},                  // db check|backup|stats
    {"config", register_config},          // config show
    {"completion", register_completion},  // completion bash|zsh|fish
    {"help", register_help},              // help exit-codes
};

}  // namespace

void register_commands(CLI::App& app, Cli& cli, const std::string& only) {
    bool known = false;
    for (const auto& c : k_commands) known = known || (only == c.name && only != "help" && only != "completion");
    for (const auto& c : k_commands)
        if (!known || only == c.name) c.add(app, cli);
}

}  // namespace pom::cli

int main(int argc, char** argv) {
    // Answer --version before building the command tree: it is what scripts probe first.
    if (argc == 2 && std::strcmp(argv[1], "--version") == 0) {
        std::cout << "pom " POM_VERSION "\n";
        return 0;
    }
    std::ios::sync_with_stdio(false);
    pom::cli::Session session(pom::cli::Env::from_process());
    std::vector<std::string> args(argv + 1, argv + argc);
    int code = pom::cli::run(args, session, std::cout, std::cerr);
    std::cout.flush();
    if (!std::cout) {
        std::cerr << "pom: error: writing the output failed\n";
        return 74;
    }
    return code;
}
