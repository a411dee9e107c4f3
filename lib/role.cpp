#include "role.h"

#include "clock.h"
#include "customer.h"
#include "error.h"
#include "worker.h"

#include <algorithm>

namespace pom {

namespace {

// The roles in the order of enum Role and of each rule's letters: worker_roles() (lib/worker.h).
const std::vector<std::string>& k_role_names = worker_roles();

/// What a technician's "own" means for a command.
enum class Own {
    none,
    visit_list,     ///< --worker must be themselves; no day before today
    worker_option,  ///< --worker must be themselves
    owner_option,   ///< --owner must be themselves
    visit,          ///< the visit named first: theirs, today or ahead
    service,        ///< the service ticket named first: of a visit of theirs
    customer,       ///< the customer named first: one their visits from today on go to
    pool,           ///< the pool named first: the same
    callback,       ///< the callback named first: theirs
    ticket,         ///< the ticket named first: theirs
};

struct Rule {
    const char* command;
    /// One letter per role, in the order of Role: y = may, o = only their own (technician), n = may not.
    const char* may;
    Own own = Own::none;
    /// Fields a technician's copy of the records has emptied: (name, replacement).
    std::vector<std::pair<const char*, Json>> hidden = {};
};

// The table. Columns: technician, office, manager, accountant, admin.
// The office runs the schedule, the customers and the sales and service desk; the manager also
// the staff, the audit log and the books' read side; the accountant bills and exports and reads
// what billing needs; technicians their own day. Commands that need no database (help,
// completion, appt preview) are open to everyone and never reach this table.
const std::vector<Rule>& rules() {
    static const Json null = nullptr;
    static const std::vector<Rule> all = {
        {"init", "nnnny"},
        {"customer add", "nyyny"},
        {"customer list", "nyyyy"},
        {"customer show", "oyyyy", Own::customer, {{"notes", null}}},
        {"customer edit", "nyyny"},
        {"customer import", "nyyny"},
        {"customer timeline", "nyyyy"},
        {"pool add", "nyyny"},
        {"pool list", "nyyyy"},
        {"pool show", "oyyyy", Own::pool},
        {"pool edit", "nyyny"},
        {"worker add", "nnyny"},
        // A technician's start and end are often their home: not for the other technicians.
        {"worker list", "yyyyy", Own::none, {{"start_lat", null}, {"start_lon", null}, {"end_lat", null}, {"end_lon", null}}},
        {"worker show", "yyyyy", Own::none, {{"start_lat", null}, {"start_lon", null}, {"end_lat", null}, {"end_lon", null}}},
        {"worker edit", "nnyny"},
        {"worker token add", "nnnny"},
        {"worker token list", "nnnny"},
        {"worker token revoke", "nnnny"},
        {"worker login-link", "nyyny"},
        {"route optimize", "nyyny"},
        {"route stats", "nyyyy"},
        {"route balance", "nyyny"},
        {"route plan", "nyyny"},
        {"appt add", "nyyny"},
        {"appt list", "oyyyy", Own::visit_list, {{"office_note", null}}},
        {"appt show", "oyyyy", Own::visit, {{"office_note", null}}},
        {"appt assign", "nyyny"},
        {"appt edit", "nyyny"},
        {"appt move", "nyyny"},
        {"appt board", "nyyyy"},
        {"appt days-out", "nyyny"},
        {"appt expand", "nyyny"},
        {"appt rollover", "nyyny"},
        {"appt remind", "nyyny"},
        {"appt export", "oyyny", Own::worker_option},
        {"appt on-my-way", "oyyny", Own::visit, {{"office_note", null}}},
        {"appt start", "oyyny", Own::visit, {{"office_note", null}}},
        {"appt pause", "oyyny", Own::visit, {{"office_note", null}}},
        {"appt complete", "oyyny", Own::visit, {{"office_note", null}}},
        {"appt skip", "oyyny", Own::visit, {{"office_note", null}}},
        {"appt cancel", "nyyny"},
        {"appt series list", "nyyyy"},
        {"appt series show", "nyyyy"},
        {"appt series edit", "nyyny"},
        {"appt series suspend", "nyyny"},
        {"appt series resume", "nyyny"},
        {"appt closed add", "nyyny"},
        {"appt closed list", "yyyyy"},
        {"appt closed remove", "nyyny"},
        {"service start", "oyyny", Own::visit, {{"billable_lines", Json::array()}}},
        {"service new", "nyyny"},
        {"service check", "oyyny", Own::service, {{"billable_lines", Json::array()}}},
        {"service uncheck", "oyyny", Own::service, {{"billable_lines", Json::array()}}},
        {"service reading", "oyyny", Own::service, {{"billable_lines", Json::array()}}},
        {"service dose", "oyyny", Own::service, {{"billable_lines", Json::array()}}},
        {"service use", "oyyny", Own::service, {{"billable_lines", Json::array()}}},
        {"service note", "oyyny", Own::service, {{"billable_lines", Json::array()}}},
        {"service photo", "oyyny", Own::service, {{"billable_lines", Json::array()}}},
        {"service recommend", "oyyny", Own::service},
        {"service submit", "oyyny", Own::service, {{"billable_lines", Json::array()}}},
        {"service amend", "yyyyy"},  // amend_roles in the config decides (lib/service.cpp)
        {"service list", "oyyyy", Own::worker_option},
        {"service show", "oyyyy", Own::service, {{"billable_lines", Json::array()}}},
        {"service report", "oyyyy", Own::service},
        {"inventory add", "nyyny"},
        {"inventory list", "nyyyy"},
        {"inventory show", "nyyyy"},
        {"inventory edit", "nyyny"},
        {"inventory receive", "nyyny"},
        {"inventory adjust", "nyyny"},
        {"notify list", "nyyny"},
        {"notify show", "nyyny"},
        {"notify send", "nnyny"},
        {"notify retry", "nyyny"},
        {"bill plan set", "nnyyy"},
        {"bill plan show", "nyyyy"},
        {"bill extra add", "nnyyy"},
        {"bill lines", "nnyyy"},
        {"bill run", "nnnyy"},
        {"bill issue", "nnnyy"},
        {"bill list", "nyyyy"},
        {"bill show", "nyyyy"},
        {"bill aging", "nyyyy"},
        {"bill void", "nnnyy"},
        {"bill credit", "nnnyy"},
        {"bill discount", "nnnyy"},
        {"bill adjust", "nnnyy"},
        {"bill pay", "nnnyy"},
        {"bill apply-credit", "nnnyy"},
        {"bill refund", "nnnyy"},
        {"bill write-off", "nnnyy"},
        {"bill payments", "nnyyy"},
        {"bill statement", "nyyyy"},
        {"bill export", "nnnyy"},
        {"bill batches", "nnnyy"},
        // The books' read side (the manager's too); invoices already issued may go out from the office.
        {"bill tax-report", "nnyyy"},
        {"bill revenue", "nnyyy"},
        {"bill send", "nyyyy"},
        {"bill remind", "nyyyy"},
        {"tag add", "nyyny"},
        {"tag rm", "nyyny"},
        {"tag list", "nyyyy"},
        {"tag history", "nyyyy"},
        {"tag sweep", "nyyny"},
        {"quote add", "nyyny"},
        {"quote send", "nyyny"},
        {"quote accept", "nyyny"},
        {"quote decline", "nyyny"},
        {"quote list", "nyyyy"},
        {"quote show", "nyyyy"},
        {"callback add", "nyyny"},
        {"callback list", "oyyny", Own::owner_option},
        {"callback show", "oyyny", Own::callback},
        {"callback done", "oyyny", Own::callback},
        {"callback reassign", "nyyny"},
        {"callback snooze", "nyyny"},
        {"ticket add", "nyyny"},
        {"ticket list", "oyyny", Own::owner_option},
        {"ticket show", "oyyny", Own::ticket},
        {"ticket route", "nyyny"},
        {"ticket schedule", "nyyny"},
        {"ticket close", "nyyny"},
        {"note add", "nyyny"},
        {"note list", "nyyny"},
        {"note show", "nyyny"},
        {"note search", "nyyny"},
        {"batch", "yyyyy"},  // each line is checked as it runs
        {"log", "nnyyy"},
        {"db check", "nnyyy"},
        {"db stats", "nnyyy"},
        {"db backup", "nnnny"},
        {"db copy", "nnnny"},
        {"config show", "nyyyy"},
    };
    return all;
}

const Rule* find_rule(const std::string& command) {
    for (const auto& r : rules())
        if (command == r.command) return &r;
    return nullptr;
}

char letter(const Rule& r, Role role) { return r.may[static_cast<int>(role)]; }

[[noreturn]] void refuse(const Acting& who, const std::string& what) {
    fail(ErrorKind::Permission, who.name + " (" + role_name(who.role) + ") may not " + what);
}

const std::vector<std::string>* option(const CommandRequest& r, const std::string& name) {
    auto it = r.options.find(name);
    return it == r.options.end() || it->second.empty() ? nullptr : &it->second;
}

void require_self_option(Context& ctx, const Acting& who, const CommandRequest& r, const std::string& name) {
    const auto* v = option(r, name);
    if (!v) refuse(who, r.command + " without --" + name + " " + who.name + " (a technician sees only their own)");
    for (const auto& key : *v)
        if (resolve_worker(ctx.store, key) != who.worker_id)
            refuse(who, r.command + " --" + name + " " + key + " (a technician sees only their own)");
}

const std::string& first(const Acting& who, const CommandRequest& r) {
    if (r.positionals.empty()) refuse(who, r.command + " without naming what it is for");
    return r.positionals.front();
}

/// An id as typed; a text that is not one is left to the command to refuse.
std::optional<int64_t> as_id(const std::string& text) {
    if (text.empty() || text.size() > 18 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    return std::stoll(text);
}

/// (worker, date) of a visit; nullopt when there is no such visit (the command says so).
std::optional<std::pair<std::optional<int64_t>, std::string>> visit_of(Store& store, int64_t id) {
    auto& q = store.prepare("SELECT worker_id, date FROM appointment WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) {
        q.reset();
        return std::nullopt;
    }
    std::optional<int64_t> worker;
    if (!q.getColumn(0).isNull()) worker = q.getColumn(0).getInt64();
    std::string date = q.getColumn(1).getString();
    q.reset();
    return std::make_pair(worker, date);
}

void require_own_visit(Context& ctx, const Acting& who, const std::string& command, int64_t id) {
    auto v = visit_of(ctx.store, id);
    if (!v) return;
    if (v->first != who.worker_id) refuse(who, command + " " + std::to_string(id) + ": it is not their visit");
    if (v->second < format_date(ctx.today()))
        refuse(who, command + " " + std::to_string(id) + ": a visit of a past day (" + v->second + ") is the office's");
}

bool exists_own(Store& store, const char* sql, int64_t id, int64_t worker, const std::string& today) {
    auto& q = store.prepare(sql);
    q.bind(1, id);
    q.bind(2, worker);
    if (!today.empty()) q.bind(3, today);
    bool found = q.executeStep();
    q.reset();
    return found;
}

bool exists(Store& store, const char* sql, int64_t id) {
    auto& q = store.prepare(sql);
    q.bind(1, id);
    bool found = q.executeStep();
    q.reset();
    return found;
}

void check_own(Context& ctx, const Acting& who, const Rule& rule, const CommandRequest& r) {
    const std::string today = format_date(ctx.today());
    switch (rule.own) {
        case Own::none:
            return;
        case Own::visit_list: {
            require_self_option(ctx, who, r, "worker");
            if (!option(r, "date") && !option(r, "from"))
                refuse(who, r.command + " without --date or --from (a technician sees today and ahead)");
            for (const char* name : {"date", "from"})
                if (const auto* v = option(r, name))
                    for (const auto& d : *v)
                        if (format_date(parse_day(d, ctx.today(), "--" + std::string(name))) < today)
                            refuse(who, r.command + " --" + name + " " + d + " (a technician sees today and ahead)");
            return;
        }
        case Own::worker_option:
            return require_self_option(ctx, who, r, "worker");
        case Own::owner_option:
            return require_self_option(ctx, who, r, "owner");
        case Own::visit:
            if (auto id = as_id(first(who, r))) require_own_visit(ctx, who, r.command, *id);
            return;
        case Own::service: {
            auto id = as_id(first(who, r));
            if (!id || !exists(ctx.store, "SELECT 1 FROM service WHERE id = ?", *id)) return;
            if (!exists_own(ctx.store,
                            "SELECT 1 FROM service s LEFT JOIN appointment a ON a.id = s.appointment_id "
                            "WHERE s.id = ?1 AND (s.worker_id = ?2 OR a.worker_id = ?2)",
                            *id, who.worker_id, ""))
                refuse(who, r.command + " " + std::to_string(*id) + ": it is not the ticket of their visit");
            return;
        }
        case Own::customer: {
            int64_t id = resolve_customer(ctx.store, first(who, r));
            if (!exists_own(ctx.store, "SELECT 1 FROM appointment WHERE customer_id = ?1 AND worker_id = ?2 AND date >= ?3 LIMIT 1",
                            id, who.worker_id, today))
                refuse(who, r.command + " " + first(who, r) + ": none of their visits from today on goes there");
            return;
        }
        case Own::pool: {
            auto id = as_id(first(who, r));
            if (!id || !exists(ctx.store, "SELECT 1 FROM pool WHERE id = ?", *id)) return;
            if (!exists_own(ctx.store, "SELECT 1 FROM appointment WHERE pool_id = ?1 AND worker_id = ?2 AND date >= ?3 LIMIT 1",
                            *id, who.worker_id, today))
                refuse(who, r.command + " " + std::to_string(*id) + ": none of their visits from today on goes there");
            return;
        }
        case Own::callback:
        case Own::ticket: {
            auto id = as_id(first(who, r));
            const char* any = rule.own == Own::callback ? "SELECT 1 FROM callback WHERE id = ?" : "SELECT 1 FROM ticket WHERE id = ?";
            const char* own = rule.own == Own::callback ? "SELECT 1 FROM callback WHERE id = ?1 AND owner_id = ?2"
                                                        : "SELECT 1 FROM ticket WHERE id = ?1 AND owner_id = ?2";
            if (!id || !exists(ctx.store, any, *id)) return;
            if (!exists_own(ctx.store, own, *id, who.worker_id, ""))
                refuse(who, r.command + " " + std::to_string(*id) + ": it is not theirs");
            return;
        }
    }
}

}  // namespace

std::optional<Role> parse_role(std::string_view name) {
    for (size_t i = 0; i < k_role_names.size(); ++i)
        if (name == k_role_names[i]) return static_cast<Role>(i);
    return std::nullopt;
}

const char* role_name(Role role) { return k_role_names[static_cast<size_t>(role)].c_str(); }

const std::vector<std::string>& role_names() { return k_role_names; }

std::optional<Acting> acting_worker(Store& store, const std::string& actor) {
    auto& q = store.prepare("SELECT id, name, role FROM worker WHERE name = ? COLLATE NOCASE AND active = 1");
    q.bind(1, actor);
    std::optional<Acting> out;
    if (q.executeStep()) {
        auto role = parse_role(q.getColumn(2).getString());
        if (role) out = Acting{q.getColumn(0).getInt64(), q.getColumn(1).getString(), *role};
    }
    q.reset();
    return out;
}

bool role_may(Role role, const std::string& command) {
    const Rule* r = find_rule(command);
    if (!r) return role == Role::admin;  // a command the table does not know yet: the admin's alone
    return letter(*r, role) != 'n';
}

void authorize(Context& ctx, const Acting& who, const CommandRequest& request) {
    const Rule* r = find_rule(request.command);
    if (!r || letter(*r, who.role) == 'n') {
        if (who.role == Role::admin) return;
        refuse(who, request.command);
    }
    if (letter(*r, who.role) == 'o') check_own(ctx, who, *r, request);
}

void redact(Role role, const std::string& command, std::vector<Json>& records) {
    if (role != Role::technician) return;
    const Rule* r = find_rule(command);
    if (!r || r->hidden.empty()) return;
    for (auto& rec : records)
        for (const auto& [field, value] : r->hidden)
            if (rec.is_object() && rec.contains(field)) rec[field] = value;
}

std::vector<Json> role_table() {
    std::vector<Json> out;
    for (const auto& r : rules()) {
        Json row = {{"command", r.command}};
        for (size_t i = 0; i < k_role_names.size(); ++i)
            row[k_role_names[i]] = r.may[i] == 'y' ? "yes" : r.may[i] == 'o' ? "own" : "no";
        out.push_back(std::move(row));
    }
    return out;
}

}  // namespace pom
