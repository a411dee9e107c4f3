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
void register_worker(CLI::App& app, Cli& cli);
void register_service(CLI::App& app, Cli& cli);
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

void register_commands(CLI::App& app, Cli& cli) {
    register_init(app, cli);        // init                    create a database
    register_customer(app, cli);    // customer add|list|show|edit|import
    register_pool(app, cli);        // pool add|list|show|edit
    register_worker(app, cli);      // worker add|list|show|edit
    register_appt(app, cli);        // appt add|list|show|assign|move|board|days-out|preview|expand|rollover|
                                    //      on-my-way|start|pause|complete|skip|cancel|series ...
    register_service(app, cli);     // service start|new|show|check|uncheck|reading|dose|use|note|photo|recommend|
                                    //         submit|amend|list|report
    register_inventory(app, cli);   // inventory add|list|show|receive|adjust
    register_notify(app, cli);      // notify list|show|send|retry  the customer notice outbox
    register_bill(app, cli);        // bill plan|extra|lines|run|issue|list|show|void|credit|pay|aging|export|batches
    register_tag(app, cli);         // tag add|rm|list|history|sweep
    register_quote(app, cli);       // quote add|send|accept|decline|list|show
    register_callback(app, cli);    // callback add|list|show|done|reassign|snooze
    register_ticket(app, cli);      // ticket add|list|show|route|schedule|close
    register_note(app, cli);        // note add|list|show|search
    register_timeline(app, cli);    // customer timeline       (after customer: adds to it)
    register_batch(app, cli);       // batch FILE              many commands, one transaction
    register_log(app, cli);         // log                     the audit log
    register_db(app, cli);          // db check|backup|stats
    register_config(app, cli);      // config show
    register_completion(app, cli);  // completion bash|zsh|fish
    register_help(app, cli);        // help exit-codes
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
