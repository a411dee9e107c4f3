#include "api.h"
#include "text_check.h"

#include "error.h"

#include <algorithm>

namespace pom::cli::api {

namespace {

using Type = Field::Type;

// The API: one row per route, one pom command per route. What a route's query or body may carry
// is the command's own options (and the positionals the path does not fill), read below.
std::vector<Route> table() {
    auto status = [](const char* name, const char* summary) {
        return Route{"POST", std::string("/appointments/{id}/") + name, {"appt", name}, Input::json, summary, "appointment"};
    };
    return {
        {"GET", "/me", {"worker", "show"}, Input::none, "The worker the token belongs to", "worker", true},
        {"GET", "/appointments", {"appt", "list"}, Input::query,
         "Visits by day, worker, status, customer (a technician's: their own, from today)", "appointment", false, "worker", true},
        {"GET", "/appointments/{id}", {"appt", "show"}, Input::none,
         "A visit with its pool, gate code, access notes, status history and the pool's last visits", "appointment-detail", true},
        status("on-my-way", "The technician is on the way (queues the customer's on-my-way text)"),
        status("start", "The technician arrived and started the visit"),
        status("pause", "The visit needs a follow-up"),
        status("complete", "The visit is done"),
        status("skip", "The visit could not be done: gate locked, dog out, weather (queues the skip notice)"),
        status("cancel", "Cancel a visit (or end its series)"),
        status("edit", "Change one visit: window, length, type, priority, pool, notes, technician (its series is left alone)"),
        {"POST", "/appointments", {"appt", "add"}, Input::json,
         "Schedule a visit, or with repeat a recurring series (queues the appointment notice)", "appointment"},
        {"POST", "/appointments/{id}/assign", {"appt", "assign"}, Input::json,
         "Put a visit on a technician's route, at a route position (queues the appointment notice)", "appointment"},
        {"POST", "/appointments/{id}/move", {"appt", "move"}, Input::json, "Move a visit to another day", "appointment"},
        {"GET", "/board", {"appt", "board"}, Input::query, "The schedule board of a day: each technician's visits in route order",
         "appointment"},
        {"POST", "/appointments/{id}/service", {"service", "start"}, Input::json, "Start the service ticket of a visit",
         "service-detail"},
        {"GET", "/services", {"service", "list"}, Input::query, "Service tickets", "service", false, "worker"},
        {"GET", "/services/{id}", {"service", "show"}, Input::none,
         "A service ticket: checklist, readings with flags, LSI and CSI, doses, items, notes, photos", "service-detail", true},
        {"POST", "/services/{id}/check", {"service", "check"}, Input::json, "Mark checklist items done", "service-detail"},
        {"POST", "/services/{id}/uncheck", {"service", "uncheck"}, Input::json, "Mark checklist items not done",
         "service-detail"},
        {"POST", "/services/{id}/readings", {"service", "reading"}, Input::json,
         "Record water readings; the answer carries their flags, LSI and CSI", "service-detail"},
        {"POST", "/services/{id}/doses", {"service", "dose"}, Input::json, "Record a chemical dose", "service-detail"},
        {"POST", "/services/{id}/items", {"service", "use"}, Input::json, "Record a part or chemical used from stock",
         "service-detail"},
        {"POST", "/services/{id}/notes", {"service", "note"}, Input::json,
         "Add a note for the customer, or a private one for the office", "service-detail"},
        {"POST", "/services/{id}/photos", {"service", "photo"}, Input::photo,
         "Add a photo: the request body is the image (JPEG, PNG, GIF or WebP)", "photo"},
        {"POST", "/services/{id}/recommend", {"service", "recommend"}, Input::none,
         "What to dose, from the last readings", "recommendation"},
        {"POST", "/services/{id}/submit", {"service", "submit"}, Input::json,
         "Submit the ticket: the visit is completed, stock deducted, lines billed", "service-detail"},
        {"GET", "/workers", {"worker", "list"}, Input::query, "Workers by name (the board's technicians: role=technician)",
         "worker"},
        {"GET", "/customers", {"customer", "list"}, Input::query, "Customers: search by name, company, ref, email or phone",
         "customer"},
        {"GET", "/customers/{customer}", {"customer", "show"}, Input::none, "A customer with contacts, tags and pools",
         "customer-detail", true},
        {"GET", "/customers/{customer}/pools", {"pool", "list"}, Input::query, "The pools of a customer", "pool"},
        {"GET", "/pools", {"pool", "list"}, Input::query, "Pools, of a customer or all", "pool"},
        {"GET", "/pools/{id}", {"pool", "show"}, Input::none, "A pool: address, gate code, access notes, dog, water",
         "pool", true},
        {"GET", "/callbacks", {"callback", "list"}, Input::query, "Callbacks: promises to get back to a homeowner",
         "callback", false, "owner"},
        {"GET", "/callbacks/{id}", {"callback", "show"}, Input::none, "A callback", "callback", true},
        {"POST", "/callbacks/{id}/done", {"callback", "done"}, Input::json, "Close a callback with its outcome", "callback"},
        {"GET", "/tickets", {"ticket", "list"}, Input::query, "Issue and warranty tickets", "ticket", false, "owner"},
        {"GET", "/tickets/{id}", {"ticket", "show"}, Input::none, "An issue or warranty ticket", "ticket", true},
        {"GET", "/routes/optimize", {"route", "optimize"}, Input::query,
         "Preview: each technician's visits of a day in the order that drives least, before and after (nothing saved)",
         "route", false, "", false, {"--dry-run"}, {"matrix"}},
        {"POST", "/routes/optimize", {"route", "optimize"}, Input::json,
         "Reorder each technician's visits of a day to drive least (windows, started, completed and pinned visits kept)",
         "route", false, "", false, {}, {"matrix"}},
        {"GET", "/routes/balance", {"route", "balance"}, Input::query,
         "Proposal: the day's visits moved between technicians to drive least, within hours and skills (nothing saved)",
         "route-balance", false, "", false, {}, {"matrix", "apply"}},
        {"POST", "/routes/balance", {"route", "balance"}, Input::json,
         "Move the day's visits between technicians as proposed: assign, order, tell customers with a new technician",
         "route-balance", false, "", false, {"--apply"}, {"matrix", "apply"}},
        {"GET", "/routes/plan", {"route", "plan"}, Input::query,
         "Proposal: the weekday and technician of each recurring series for a week of tight, even routes (nothing saved)",
         "route-plan", false, "", false, {}, {"matrix", "apply", "effective"}},
        {"POST", "/routes/plan", {"route", "plan"}, Input::json,
         "Edit the series as planned from `effective` on (future visits move) and tell each customer once",
         "route-plan", false, "", false, {"--apply"}, {"matrix", "apply"}},
        {"GET", "/routes/stats", {"route", "stats"}, Input::query,
         "The route dashboard: stops, km, drive hours per technician and day", "route-stats", false, "", false, {}, {"matrix"}},
        {"POST", "/batch", {"batch"}, Input::batch,
         "pom batch lines (one JSON array of arguments per line) in one transaction", "batch-result"},
    };
}

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> out;
    size_t start = 1;
    while (start <= path.size()) {
        size_t slash = path.find('/', start);
        out.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return out;
}

std::string json_name(std::string name) {
    std::replace(name.begin(), name.end(), '-', '_');
    return name;
}

/// The route's fields, from its command's options and positionals.
void read_fields(Route& route, CLI::App& root) {
    CLI::App* at = &root;
    for (const auto& word : route.command) at = at->get_subcommand(word);
    for (const auto& seg : split_path(route.path))
        if (seg.size() > 2 && seg.front() == '{') route.params.push_back(seg.substr(1, seg.size() - 2));
    size_t filled = route.path == "/me" ? 1 : 0;
    for (const auto& p : route.params) {
        const CLI::Option* named = nullptr;
        for (const CLI::Option* opt : at->get_options())
            if (!opt->get_positional() && !opt->get_lnames().empty() && opt->get_lnames().front() == p) named = opt;
        route.param_flags.push_back(named ? "--" + p : "");
        if (!named) ++filled;
    }
    for (const CLI::Option* opt : at->get_options()) {
        if (opt->get_name() == "--help" || opt->get_name() == "-h,--help") continue;
        if (!opt->get_positional() && !opt->get_lnames().empty() &&
            std::find(route.params.begin(), route.params.end(), opt->get_lnames().front()) != route.params.end())
            continue;  // the path fills it
        Field f;
        f.description = opt->get_description();
        f.required = opt->get_required();
        if (opt->get_positional()) {
            if (filled > 0) {
                --filled;
                continue;
            }
            if (route.input == Input::photo || route.input == Input::batch) continue;  // the body is the file
            f.name = ascii_lower(opt->get_name());
            f.many = opt->get_expected_max() > 1;
        } else {
            if (opt->get_lnames().empty()) continue;
            if (std::find(route.withheld.begin(), route.withheld.end(), opt->get_lnames().front()) != route.withheld.end())
                continue;
            f.name = json_name(opt->get_lnames().front());
            f.flag = "--" + opt->get_lnames().front();
            if (!opt->get_fnames().empty()) f.negation = "--" + opt->get_fnames().front();
            f.many = opt->get_expected_max() > 1 || opt->get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll;
        }
        if (!opt->get_positional() && opt->get_expected_max() == 0) {
            f.type = Type::boolean;
        } else {
            std::string type = opt->get_type_name();
            std::string base = type.substr(0, type.find(':'));
            if (base == "FLOAT" || base == "NUMBER") f.type = Type::number;
            else if (base == "INT" || base == "UINT") f.type = Type::integer;
            auto open = type.find(":{");
            if (open != std::string::npos && type.back() == '}') {
                std::string list = type.substr(open + 2, type.size() - open - 3);
                for (size_t s = 0; s <= list.size();) {
                    size_t comma = list.find(',', s);
                    f.choices.push_back(list.substr(s, comma == std::string::npos ? std::string::npos : comma - s));
                    if (comma == std::string::npos) break;
                    s = comma + 1;
                }
            }
        }
        route.fields.push_back(std::move(f));
    }
}

const char* type_name(Type t) {
    switch (t) {
        case Type::string: return "string";
        case Type::number: return "number";
        case Type::integer: return "integer";
        case Type::boolean: return "boolean";
    }
    return "string";
}

[[noreturn]] void bad_field(const std::string& message) { fail(ErrorKind::Usage, message); }

std::string field_names(const Route& route) {
    std::string names;
    for (const auto& f : route.fields) names += (names.empty() ? "" : ", ") + f.name;
    return names.empty() ? "none" : names;
}

/// One value of a field as command-line text; nullopt for a boolean false with no negation.
std::optional<std::string> value_text(const Field& f, const Json& v, bool from_query) {
    if (from_query) {
        std::string s = v.get<std::string>();
        if (f.type != Type::boolean) return s;
        if (s == "true" || s == "1" || s.empty()) return std::string("true");
        if (s == "false" || s == "0") return std::string("false");
        bad_field("query parameter '" + f.name + "' is true or false, not '" + s + "'");
    }
    switch (f.type) {
        case Type::boolean:
            if (!v.is_boolean()) bad_field("field '" + f.name + "' must be true or false");
            return std::string(v.get<bool>() ? "true" : "false");
        case Type::integer:
            if (!v.is_number_integer()) bad_field("field '" + f.name + "' must be a whole number");
            return v.dump();
        case Type::number:
            if (!v.is_number()) bad_field("field '" + f.name + "' must be a number");
            return v.dump();
        case Type::string:
            if (!v.is_string()) bad_field("field '" + f.name + "' must be a string");
            return v.get<std::string>();
    }
    return std::nullopt;
}

}  // namespace

const std::vector<Route>& routes() {
    static const std::vector<Route> all = [] {
        std::vector<Route> out = table();
        Session session{Env{}};
        Cli cli(session, {});
        auto app = build_app(cli);
        for (auto& r : out) read_fields(r, *app);
        return out;
    }();
    return all;
}

const Route* match(const std::string& method, const std::string& path, std::vector<std::string>& values, std::string& allowed) {
    auto segs = split_path(path);
    allowed.clear();
    for (const auto& r : routes()) {
        auto want = split_path(r.path);
        if (want.size() != segs.size()) continue;
        std::vector<std::string> got;
        bool same = true;
        for (size_t i = 0; i < want.size() && same; ++i) {
            if (want[i].size() > 2 && want[i].front() == '{') {
                if (segs[i].empty()) same = false;
                else got.push_back(segs[i]);
            } else {
                same = want[i] == segs[i];
            }
        }
        if (!same) continue;
        if (r.method == method) {
            values = std::move(got);
            return &r;
        }
        if (allowed.find(r.method) == std::string::npos) allowed += (allowed.empty() ? "" : ", ") + r.method;
    }
    return nullptr;
}

std::vector<std::string> command_line(const Route& route, const std::vector<std::string>& values, const Json& fields,
                                      bool from_query, const std::vector<std::string>& extra_positionals) {
    std::vector<std::string> args = route.command;
    args.insert(args.end(), route.fixed.begin(), route.fixed.end());
    std::vector<std::string> positionals = extra_positionals;
    for (size_t i = 0; i < values.size(); ++i) {
        if (i < route.param_flags.size() && !route.param_flags[i].empty()) args.push_back(route.param_flags[i] + "=" + values[i]);
        else positionals.push_back(values[i]);
    }
    if (!fields.is_null() && !fields.is_object())
        bad_field(std::string(from_query ? "the query" : "the request body") + " must be a JSON object");
    if (fields.is_object()) {
        for (const auto& [key, v] : fields.items()) {
            auto f = std::find_if(route.fields.begin(), route.fields.end(), [&](const Field& x) { return x.name == key; });
            if (f == route.fields.end())
                bad_field("unknown field '" + key + "' for " + route.method + " " + route.path + " (fields: " + field_names(route) + ")");
            if (v.is_null()) continue;
            std::vector<Json> items;
            if (v.is_array()) {
                if (!f->many) bad_field("field '" + key + "' takes one value, not a list");
                items.assign(v.begin(), v.end());
            } else {
                items.push_back(v);
            }
            for (const auto& item : items) {
                auto text = value_text(*f, item, from_query);
                if (f->flag.empty()) {
                    positionals.push_back(*text);
                } else if (f->type == Type::boolean) {
                    if (*text == "true") args.push_back(f->flag);
                    else if (!f->negation.empty()) args.push_back(f->negation);
                } else {
                    // --name=value: a value that starts with a dash stays a value.
                    args.push_back(f->flag + "=" + *text);
                }
            }
        }
    }
    if (!positionals.empty()) {
        args.push_back("--");
        args.insert(args.end(), positionals.begin(), positionals.end());
    }
    return args;
}

Json openapi() {
    Json paths = Json::object();
    auto error = [](const char* why) {
        return Json{{"description", why},
                    {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/error"}}}}}}}};
    };
    for (const auto& r : routes()) {
        std::string api_path = r.path;
        Json op;
        op["summary"] = r.summary;
        std::string id;
        for (char c : r.method + r.path)
            id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
        op["operationId"] = id;
        op["tags"] = Json::array({r.command.front()});
        op["x-pom-command"] = [&] {
            std::string c = "pom";
            for (const auto& w : r.command) c += " " + w;
            return c;
        }();
        Json params = Json::array();
        for (const auto& p : r.params)
            params.push_back({{"name", p}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
        Json body_props = Json::object();
        Json body_required = Json::array();
        for (const auto& f : r.fields) {
            Json schema = {{"type", type_name(f.type)}};
            if (!f.choices.empty()) schema["enum"] = f.choices;
            if (f.many) schema = {{"oneOf", Json::array({schema, {{"type", "array"}, {"items", schema}}})}};
            if (r.input == Input::query || r.input == Input::photo) {
                Json p = {{"name", f.name}, {"in", "query"}, {"required", f.required}, {"schema", schema}};
                if (!f.description.empty()) p["description"] = f.description;
                params.push_back(std::move(p));
            } else {
                if (!f.description.empty()) schema["description"] = f.description;
                body_props[f.name] = std::move(schema);
                if (f.required) body_required.push_back(f.name);
            }
        }
        if (!params.empty()) op["parameters"] = params;
        if (r.input == Input::json) {
            Json schema = {{"type", "object"}, {"additionalProperties", false}, {"properties", body_props}};
            if (!body_required.empty()) schema["required"] = body_required;
            op["requestBody"] = {{"required", !body_required.empty()},
                                 {"content", {{"application/json", {{"schema", schema}}}}}};
        } else if (r.input == Input::photo) {
            Json binary = {{"schema", {{"type", "string"}, {"format", "binary"}}}};
            op["requestBody"] = {{"required", true},
                                 {"content", {{"image/jpeg", binary}, {"image/png", binary}, {"image/gif", binary}, {"image/webp", binary}}}};
        } else if (r.input == Input::batch) {
            op["requestBody"] = {
                {"required", true},
                {"description", "pom batch lines: one JSON array of command arguments per line"},
                {"content", {{"application/x-ndjson", {{"schema", {{"type", "string"}}}}}}}};
        }
        Json record = {{"$ref", "#/components/schemas/" + r.schema}};
        Json answer = r.one ? record : Json{{"type", "array"}, {"items", record}};
        Json responses = {{"200", {{"description", "The record(s), as pom prints them with -o json"},
                                   {"content", {{"application/json", {{"schema", answer}}}}}}}};
        if (r.method == "POST")
            responses["200"]["headers"] = {{"Idempotent-Replayed",
                                            {{"description", "true when this is the stored answer to an earlier request with the same Idempotency-Key"},
                                             {"schema", {{"type", "string"}}}}}};
        responses["400"] = error("Malformed request: bad JSON, an unknown field, a field of the wrong type");
        responses["401"] = error("No token, or an unknown, revoked or expired one");
        responses["403"] = error("The worker's role may not do this");
        responses["404"] = error("No such record, or no such path");
        responses["409"] = error("A conflict, or a status change that is not allowed");
        responses["413"] = error("The request body is too large");
        responses["422"] = error("A value pom refuses: a wrong date, a negative amount, an impossible reading");
        responses["503"] = error("The database is busy: retry after Retry-After seconds");
        op["responses"] = responses;
        if (r.method == "POST")
            op["parameters"].push_back({{"name", "Idempotency-Key"},
                                        {"in", "header"},
                                        {"required", false},
                                        {"description", "A retried request with the same key gets the first answer; nothing is done twice"},
                                        {"schema", {{"type", "string"}, {"minLength", 1}, {"maxLength", 200}}}});
        paths[api_path][ascii_lower(r.method)] = std::move(op);
    }
    // The one route that is no pom command and takes no token: a login link's code for a token.
    paths["/login"]["post"] = {
        {"summary", "Exchange the one-time code of a login link (pom worker login-link) for a new API token of its worker"},
        {"operationId", "POST_login"},
        {"tags", Json::array({"worker"})},
        {"security", Json::array()},
        {"requestBody",
         {{"required", true},
          {"content",
           {{"application/json",
             {{"schema",
               {{"type", "object"},
                {"additionalProperties", false},
                {"required", Json::array({"code"})},
                {"properties", {{"code", {{"type", "string"}, {"description", "The code after #code= in the link"}}}}}}}}}}}}},
        {"responses",
         {{"200", {{"description", "The new token's record, with its secret as `token` (shown this once)"},
                   {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/worker-token"}}}}}}}}},
          {"400", error("Malformed request: not JSON, or not {\"code\": ...}")},
          {"401", error("The code is unknown, used already or expired")},
          {"503", error("The database is busy: retry after Retry-After seconds")}}}};
    Json schemas = Json::object();
    schemas["error"] = {{"$ref", "schemas/error.json"}};
    schemas["worker-token"] = {{"$ref", "schemas/worker-token.json"}};
    for (const auto& r : routes()) schemas[r.schema] = {{"$ref", "schemas/" + r.schema + ".json"}};
    return {
        {"openapi", "3.1.0"},
        {"info",
         {{"title", "pom"},
          {"version", POM_VERSION},
          {"description",
           "The HTTP API of pom serve. Every route runs one pom command (x-pom-command) with the same rules, roles and "
           "records as the command line; record schemas are pom's schemas/ folder."}}},
        {"servers", Json::array({{{"url", "/api/v1"}}})},
        {"security", Json::array({{{"bearer", Json::array()}}})},
        {"paths", paths},
        {"components",
         {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}, {"schemas", schemas}}},
    };
}

}  // namespace pom::cli::api
