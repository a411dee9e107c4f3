#pragma once
// The HTTP API of `pom serve`: a table of routes, each one pom command. A request becomes that
// command's argument list (path values first, then its query or JSON members as the command's own
// options), and runs through the same command tree, roles and rules as the command line; its
// answer is the record the command prints with -o json. The request fields, their types and the
// OpenAPI description are read from the command tree itself, so the API cannot drift from it.
#include "cli.h"

#include <string>
#include <vector>

namespace pom::cli::api {

/// Where a request's fields come from.
enum class Input { none, query, json, photo, batch };

/// One field a request may carry: an option or a positional of the route's command.
struct Field {
    enum class Type { string, number, integer, boolean };
    std::string name;      ///< as the client spells it: "private", "follow_up_date", "item"
    std::string flag;      ///< "--follow-up-date"; empty for a positional
    std::string negation;  ///< "--no-dog": what false means for a boolean, if anything
    Type type = Type::string;
    bool many = false;
    bool required = false;
    std::vector<std::string> choices;
    std::string description;
};

struct Route {
    std::string method;                ///< GET or POST
    std::string path;                  ///< under /api/v1, with {id}-style parameters
    std::vector<std::string> command;  ///< the pom command: {"appt", "start"}
    Input input = Input::none;
    std::string summary;
    std::string schema;  ///< the schema (schemas/NAME.json) of each record answered
    bool one = false;    ///< answers one record (an object), not the command's array
    /// For a technician: the option naming whose records (worker, owner); set to them when absent.
    std::string self_option = {};
    /// For a technician who names neither a date nor a start: from today (what they may see).
    bool from_today = false;
    /// Arguments the route always adds ("--dry-run" for a preview, "--apply"): not fields.
    std::vector<std::string> fixed = {};
    /// Options of the command a request may not set: those that name a file on the server
    /// (`--matrix`), and those `fixed` sets.
    std::vector<std::string> withheld = {};
    // Filled from the command tree:
    std::vector<std::string> params = {};  ///< the path's parameters, in order
    std::vector<Field> fields = {};        ///< what the query or body may carry
};

/// The routes, with their fields read from the command tree (built once).
const std::vector<Route>& routes();

/// The route for a request path (without /api/v1) and method, with the path's values. When the
/// path is known but not the method, returns nullptr and sets `allowed` ("GET, POST").
const Route* match(const std::string& method, const std::string& path, std::vector<std::string>& values, std::string& allowed);

/// The command line for a request: the command, its options from `fields` (a JSON object: from a
/// body, or a query's strings), then its positionals. A field the command does not take, or of the
/// wrong type, is ErrorKind::Usage (HTTP 400) naming it.
std::vector<std::string> command_line(const Route& route, const std::vector<std::string>& values, const Json& fields,
                                      bool from_query, const std::vector<std::string>& extra_positionals = {});

/// The OpenAPI 3.1 description of every route.
Json openapi();

}  // namespace pom::cli::api
