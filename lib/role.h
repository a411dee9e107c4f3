#pragma once
// Who may do what: the one table of roles, used alike by the command line (`--as`, POM_USER, the
// login name) and by `pom serve` (the worker a token belongs to).
//
// A command is named by its path ("appt list", "service reading", "worker token add"). A role may
// run a command or not; a technician may run some commands only on what is theirs (their own
// visits from today on, the service tickets of those visits, the customers and pools those visits
// go to, their callbacks and tickets), and never sees office notes or costs.
//
// An actor who is not a worker (the login name of the machine that holds the database, `cron`)
// has every right: on the command line a role is a guard rail, not a wall — whoever can open the
// database file can read it. The wall is `pom serve`, where every caller is a worker.
#include "audit.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pom {

enum class Role { technician, office, manager, accountant, admin };

std::optional<Role> parse_role(std::string_view name);
const char* role_name(Role role);
/// The role names, in the order of the table (for `--role` choices and documentation).
const std::vector<std::string>& role_names();

/// A worker acting under their role.
struct Acting {
    int64_t worker_id = 0;
    std::string name;
    Role role = Role::technician;
};

/// The active worker named exactly `actor` (case-insensitive), if there is one.
std::optional<Acting> acting_worker(Store& store, const std::string& actor);

/// What a command line asks for, as the role check needs it: the command's path, its positional
/// values in order, and the options given (name without dashes → values).
struct CommandRequest {
    std::string command;
    std::vector<std::string> positionals;
    std::map<std::string, std::vector<std::string>> options;
};

/// Whether `role` may run `command` at all (ownership aside).
bool role_may(Role role, const std::string& command);

/// Refuses (ErrorKind::Permission, exit 77, one line naming the role and the command) what the
/// acting worker may not do; checks a technician's ownership of the visit, service ticket,
/// customer, pool, callback or ticket the command names. Reads only.
void authorize(Context& ctx, const Acting& who, const CommandRequest& request);

/// Empties (null) the fields of `command`'s records that `role` may not see: office notes and
/// costs for a technician. Records keep every field, so their schemas hold.
void redact(Role role, const std::string& command, std::vector<Json>& records);

/// One row per command and role, for `pom help roles` and the README: command, then for each
/// role "yes", "own" or "no".
std::vector<Json> role_table();

}  // namespace pom
