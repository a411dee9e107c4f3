// pom completion bash|zsh|fish: completion scripts generated from the command definition
#include "cli.h"

namespace pom::cli {

void register_completion(CLI::App&, Cli&) {}

}  // namespace pom::cli
