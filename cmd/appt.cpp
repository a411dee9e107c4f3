// pom appt: appointments, recurring series, dispatch statuses, the schedule board
#include "appointment.h"
#include "calendar.h"
#include "cli.h"
#include "customer.h"
#include "error.h"
#include "money.h"
#include "notice.h"
#include "pool.h"
#include "route.h"
#include "route_load.h"
#include "service.h"
#include "text_check.h"
#include "worker.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace pom::cli {

namespace {

const std::vector<std::string> k_table = {"id",   "date",         "window",   "worker", "route_order", "customer",
                                          "pool", "city",         "service_type", "priority", "status"};

Output appointment_rows(Store& store, const std::vector<int64_t>& ids) {
    std::vector<Json> rows;
    for (int64_t id : ids) rows.push_back(appointment_json(get_appointment(store, id)));
    return records(std::move(rows), appointment_fields(), k_table);
}

/// The visits as the answer of a change to them, read once the change is made (Output::answer).
Output appointment_rows_after(std::vector<int64_t> ids) {
    return answer_after([ids = std::move(ids)](Context& ctx) { return appointment_rows(ctx.store, ids); });
}

std::vector<int64_t> parse_ids(const std::vector<std::string>& texts) {
    std::vector<int64_t> ids;
    for (const auto& t : texts) ids.push_back(parse_id(t, "ID"));
    return ids;
}

struct AddOptions {
    std::string customer;
    std::optional<std::string> pool, date, window, duration, worker, repeat, until, through, note, office_note, on_closed;
    std::optional<int> days_out, count;
    std::optional<int64_t> order;
    std::string type = "maintenance";
    std::string priority = "normal";
    bool force = false;
};

struct ListOptions {
    std::optional<std::string> date, from, to, worker, status, customer, type, priority;
    std::optional<int64_t> series;
    bool unassigned = false, rolled = false;
    int64_t limit = 0;
};

struct StatusOptions {
    std::string id;
    std::optional<std::string> at, reason, eta, follow_up;
    bool follow_up_flag = false;
    bool series = false;
};

std::string mark(const std::string& status) {
    static const std::map<std::string, std::string> m = {{"scheduled", "·"}, {"en_route", "→"}, {"in_progress", "▶"},
                                                         {"paused", "‖"},    {"completed", "✓"}, {"skipped", "↷"},
                                                         {"cancelled", "✗"}};
    auto it = m.find(status);
    return it == m.end() ? "?" : it->second;
}

size_t width(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

std::string fit(const std::string& s, size_t w) {
    std::string out;
    size_t n = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if ((c & 0xC0) != 0x80) {
            if (n == w) break;
            ++n;
        }
        out += s[i];
    }
    if (n < width(s) && !out.empty()) {
        // replace the last character with an ellipsis
        while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
        if (!out.empty()) out.pop_back();
        out += "…";
    }
    for (size_t k = width(out); k < w; ++k) out += ' ';
    return out;
}

/// The schedule board: one column per worker with visits that day (and every active technician),
/// then Unassigned; each column in route order.
std::string board_text(const std::vector<Appointment>& appts, const std::string& day, const std::map<int64_t, int64_t>& arrivals,
                       const std::map<int64_t, Worker>& workers, const std::set<int64_t>& several) {
    std::vector<std::pair<std::string, std::vector<const Appointment*>>> columns;
    std::map<std::string, size_t> index;
    for (const auto& [id, w] : workers) {
        if (!w.active || w.role != "technician") continue;
        index[w.name] = columns.size();
        columns.push_back({w.name, {}});
    }
    for (const auto& a : appts) {
        std::string key = a.worker_name.empty() ? "" : a.worker_name;
        if (key.empty()) continue;
        if (!index.count(key)) {
            index[key] = columns.size();
            columns.push_back({key, {}});
        }
        columns[index[key]].second.push_back(&a);
    }
    // By name with case folded, as the list orders technicians (then by bytes: two names equal
    // but for case keep one order).
    std::sort(columns.begin(), columns.end(), [](const auto& x, const auto& y) {
        int c = nocase_compare(x.first, y.first);
        return c != 0 ? c < 0 : x.first < y.first;
    });
    std::vector<const Appointment*> unassigned;
    for (const auto& a : appts)
        if (a.worker_name.empty()) unassigned.push_back(&a);
    columns.push_back({"Unassigned", unassigned});
    const size_t w = 26;
    std::string out = "Schedule board " + day + "\n\n";
    size_t rows = 0;
    for (const auto& c : columns) rows = std::max(rows, c.second.size());
    auto line = [&](const std::function<std::string(const std::pair<std::string, std::vector<const Appointment*>>&)>& cell) {
        std::string l;
        for (size_t i = 0; i < columns.size(); ++i) l += (i ? " │ " : "") + fit(cell(columns[i]), w);
        while (!l.empty() && l.back() == ' ') l.pop_back();
        out += l + "\n";
    };
    line([](const auto& c) { return c.first + " (" + std::to_string(c.second.size()) + ")"; });
    {
        std::string l;
        for (size_t i = 0; i < columns.size(); ++i) {
            if (i) l += "─┼─";
            for (size_t k = 0; k < w; ++k) l += "─";
        }
        out += l + "\n";
    }
    for (size_t r = 0; r < rows; ++r) {
        line([&](const auto& c) -> std::string {
            if (r >= c.second.size()) return "";
            const Appointment& a = *c.second[r];
            // The projected arrival where the route knows it (~08:40), else the window's start.
            auto at = arrivals.find(a.id);
            std::string when = at != arrivals.end() ? "~" + clock_text(at->second)
                               : a.window_start.empty() ? "      " : " " + a.window_start;
            std::string pri = a.priority == "urgent" ? "!!" : a.priority == "high" ? "!" : "";
            std::string pool = several.count(a.customer_id) ? " (" + a.pool_name + ")" : "";
            return mark(a.status) + when + " " + pri + a.customer_name + pool + " #" + std::to_string(a.id);
        });
    }
    out += "\n· scheduled  → en route  ▶ in progress  ‖ paused  ✓ completed  ↷ skipped  ✗ cancelled  ! high  !! urgent"
           "  ~ projected arrival\n";
    return out;
}

/// `appt preview --on-closed`: each date of the rule, the day the visit would be on (none when
/// skipped), and why it moved. Dates only: the company's calendar is by day.
Output preview_closed(Context& ctx, const std::string& start, const std::string& repeat, const std::vector<std::string>& exdates,
                      int64_t limit, const std::optional<std::string>& until, OnClosed rule_on_closed) {
    Recurrence rule = Recurrence::parse(repeat);
    std::vector<Date> except;
    for (const auto& e : exdates) except.push_back(parse_date(e, "--exdate"));
    if (limit == 0 && !until && !rule.bounded()) fail(ErrorKind::Usage, "--limit 0 needs --until or a bounded rule");
    Date today = ctx.today();
    Date first = parse_day(start, today, "--start");
    Date last = until ? parse_day(*until, today, "--until") : add_days(first, 366 * 50);
    if (last < first) fail(ErrorKind::BadInput, "--until: before --start");
    WorkCalendar cal = work_calendar(ctx.store, ctx.config);
    auto dates = rule.dates(first, first, last, static_cast<size_t>(limit), except);
    std::vector<Json> rows;
    for (Date d : dates) {
        auto placed = place_occurrence(cal, dates, d, rule_on_closed, today);
        std::string why = cal.why_not_open(d);
        std::string note = why.empty() ? "" : why + (placed ? ": moved to " + format_date(*placed) : ": skipped");
        rows.push_back({{"occurrence", format_date(d)},
                        {"date", placed ? Json(format_date(*placed)) : Json(nullptr)},
                        {"note", note.empty() ? Json(nullptr) : Json(note)}});
    }
    Output out = records(std::move(rows), {"occurrence", "date", "note"});
    out.rows.id_field = "occurrence";
    return out;
}

}  // namespace

void register_appt(CLI::App& app, Cli& cli) {
    auto* cmd = app.add_subcommand("appt", "Appointments: the schedule, recurring series, dispatch statuses");
    cmd->require_subcommand(1);

    {
        auto o = cli.bound<AddOptions>();
        auto* sub = cmd->add_subcommand("add", "Schedule a visit (or, with --repeat, a recurring series)");
        sub->add_option("--customer", o->customer, "Customer id, ref or name")->required();
        add_opt(sub, "--pool", o->pool, "Pool id or name (may be left out when the customer has one pool)");
        add_opt(sub, "--date", o->date, "Date: YYYY-MM-DD, today, tomorrow, +3d (default: today + days-out)");
        add_opt(sub, "--days-out", o->days_out, "Schedule N days from today (default: the company's days-out number)");
        add_opt(sub, "--window", o->window, "Time window, local: 08:00-12:00");
        add_opt(sub, "--duration", o->duration, "Length: 45, 45m, 1h30m (default: the service type's)");
        add_opt(sub, "--worker", o->worker, "Technician id or name (default: unassigned)");
        add_opt(sub, "--order", o->order, "Route position");
        sub->add_option("--type", o->type, "Service type from config (maintenance, repair, opening, ...)");
        sub->add_option("--priority", o->priority, "normal, high or urgent")->check(CLI::IsMember({"normal", "high", "urgent"}));
        add_opt(sub, "--note", o->note, "A note for the technician");
        add_opt(sub, "--office-note", o->office_note, "Private office note: what the client was told");
        add_opt(sub, "--repeat", o->repeat, "Recurrence: RRULE (FREQ=WEEKLY;INTERVAL=2;BYDAY=TU) or weekly, every 2 weeks on tue, monthly on the 1st");
        add_opt(sub, "--until", o->until, "Last date of the series (with --repeat)");
        add_opt(sub, "--count", o->count, "Number of visits in the series (with --repeat)");
        add_opt(sub, "--through", o->through, "Materialise the series through this date or offset (default: the config's expand_horizon)");
        add_opt(sub, "--on-closed", o->on_closed, "With --repeat: a visit due on a closed or non-working day moves to the open day before or after, or is skipped (default: after)")
            ->check(CLI::IsMember({"before", "after", "skip"}));
        sub->add_flag("--force", o->force, "Schedule the visit even on a closed day");
        sub->callback([&cli, o] {
            cli.write([&](Context& ctx) {
                if (o->date && o->days_out) fail(ErrorKind::Usage, "--date and --days-out cannot both be given");
                if (!o->repeat && (o->until || o->count || o->through || o->on_closed))
                    fail(ErrorKind::Usage, "--until, --count, --through and --on-closed go with --repeat");
                VisitPlan plan;
                plan.customer_id = resolve_customer(ctx.store, o->customer);
                plan.pool_id = resolve_pool(ctx.store, plan.customer_id, o->pool);
                if (o->worker) plan.worker_id = resolve_worker(ctx.store, *o->worker);
                if (o->window) plan.window = parse_window(*o->window);
                if (o->duration) plan.duration_min = parse_visit_minutes(*o->duration);
                plan.route_order = o->order;
                plan.service_type = o->type;
                plan.priority = o->priority;
                plan.tech_note = o->note.value_or("");
                plan.office_note = o->office_note.value_or("");
                Date today = ctx.today();
                Date day = o->date ? parse_day(*o->date, today, "--date")
                                   : add_days(today, o->days_out ? *o->days_out : current_days_out(ctx.store, ctx.config));
                if (o->days_out && (*o->days_out < 0 || *o->days_out > 365)) fail(ErrorKind::BadInput, "--days-out: must be 0 to 365");
                if (day < today) fail(ErrorKind::BadInput, "--date: " + format_date(day) + " is in the past");
                if (!o->repeat) {
                    check_open_day(ctx, work_calendar(ctx.store, ctx.config), day, o->force, o->date ? "--date" : "days-out");
                    return appointment_rows(ctx.store, {add_appointment(ctx, plan, day)});
                }
                Recurrence rule = Recurrence::parse(*o->repeat);
                if (o->until && o->count) fail(ErrorKind::Usage, "--until and --count cannot both be given");
                if (o->until) {
                    Date until = parse_day(*o->until, today, "--until");
                    if (until < day) fail(ErrorKind::BadInput, "--until: " + format_date(until) + " is before the first date");
                    rule = rule.with_until(until);
                }
                if (o->count) rule = rule.with_count(*o->count);
                Date through = o->through ? parse_day(*o->through, today, "--through")
                                          : add_days(today, static_cast<int>(parse_duration(ctx.config.expand_horizon, "expand_horizon").count() / 86400));
                auto created = add_series(ctx, plan, rule, day, through, parse_on_closed(o->on_closed.value_or("after")));
                Output out = appointment_rows(ctx.store, created.appointments);
                out.note = "series " + std::to_string(created.series_id) + " (" + rule.rrule() + "): " +
                           std::to_string(created.appointments.size()) + " visits through " + format_date(through);
                return out;
            });
        });
    }
    {
        auto o = cli.bound<ListOptions>();
        auto* sub = cmd->add_subcommand("list", "List appointments");
        add_opt(sub, "--date", o->date, "On this day (YYYY-MM-DD, today, tomorrow, +1d)");
        add_opt(sub, "--from", o->from, "From this day (inclusive)");
        add_opt(sub, "--to", o->to, "To this day (inclusive)");
        add_opt(sub, "--worker", o->worker, "Assigned to this worker (id or name)");
        sub->add_flag("--unassigned", o->unassigned, "Only visits without a worker");
        add_opt(sub, "--status", o->status, "scheduled, en_route, in_progress, paused, completed, cancelled, skipped")
            ->check(CLI::IsMember({"scheduled", "en_route", "in_progress", "paused", "completed", "cancelled", "skipped"}));
        add_opt(sub, "--customer", o->customer, "For this customer (id, ref or name)");
        add_opt(sub, "--type", o->type, "Of this service type");
        add_opt(sub, "--priority", o->priority, "normal, high or urgent")->check(CLI::IsMember({"normal", "high", "urgent"}));
        add_opt(sub, "--series", o->series, "Occurrences of this series");
        sub->add_flag("--rolled", o->rolled, "Only visits rolled over at least once");
        sub->add_option("--limit", o->limit, "At most this many")->check(k_count);
        sub->callback([&cli, o] {
            cli.read([&](Context& ctx) {
                AppointmentFilter f;
                Date today = ctx.today();
                if (o->date && (o->from || o->to)) fail(ErrorKind::Usage, "--date cannot go with --from/--to");
                if (o->date) f.from = f.to = parse_day(*o->date, today, "--date");
                if (o->from) f.from = parse_day(*o->from, today, "--from");
                if (o->to) f.to = parse_day(*o->to, today, "--to");
                if (f.from && f.to && *f.to < *f.from) fail(ErrorKind::BadInput, "--to: before --from");
                if (o->worker) f.worker = resolve_worker(ctx.store, *o->worker);
                if (o->unassigned && o->worker) fail(ErrorKind::Usage, "--unassigned cannot go with --worker");
                f.unassigned = o->unassigned;
                f.status = o->status;
                if (o->customer) f.customer = resolve_customer(ctx.store, *o->customer);
                f.type = o->type;
                f.priority = o->priority;
                f.series = o->series;
                f.rolled = o->rolled;
                f.limit = o->limit;
                // A day of a large company is a thousand visits: -o json writes them as text.
                if (auto format = cli.json_text_format()) {
                    Output text;
                    text.text = render_json(list_appointments(ctx.store, f), *format, write_appointment<JsonWriter>);
                    return text;
                }
                std::vector<Json> rows;
                for (const auto& a : list_appointments(ctx.store, f)) rows.push_back(appointment_json(a));
                Output out = records(std::move(rows), appointment_fields(), k_table);
                if (o->rolled) out.rows.table_fields = {"id", "date", "worker", "customer", "rolled_count", "status", "office_note"};
                return out;
            });
        });
    }
    {
        auto id = cli.bound<std::string>();
        auto* sub = cmd->add_subcommand("show", "Show a visit with its pool, access notes, status history and last visits");
        sub->add_option("ID", *id, "Appointment id")->required();
        sub->callback([&cli, id] {
            cli.read([&](Context& ctx) {
                Appointment a = get_appointment(ctx.store, parse_id(*id, "ID"));
                Json j = appointment_json(a);
                Pool p = get_pool(ctx.store, a.pool_id);
                j["pool_detail"] = {{"body", p.body},          {"gallons", p.gallons ? Json(*p.gallons) : Json(nullptr)},
                                    {"surface", p.surface.empty() ? Json(nullptr) : Json(p.surface)},
                                    {"sanitizer", p.sanitizer.empty() ? Json(nullptr) : Json(p.sanitizer)},
                                    {"gate_code", p.gate_code.empty() ? Json(nullptr) : Json(p.gate_code)},
                                    {"access_notes", p.access_notes.empty() ? Json(nullptr) : Json(p.access_notes)},
                                    {"dog", p.dog}};
                j["events"] = appointment_events_json(ctx.store, a.id);
                j["last_visits"] = recent_visits_json(ctx.store, a);
                // What the water was at each: the technician sees the trend before arriving.
                for (auto& v : j["last_visits"]) v["reading"] = visit_last_reading(ctx.store, v["id"].get<int64_t>());
                // What routes count it as taking from the truck: the office's load, else the estimate.
                j["route_load"] = format_milli(visit_loads(ctx, {a.id})[a.id]);
                auto fields = appointment_fields();
                fields.insert(fields.end(), {"pool_detail", "events", "last_visits", "route_load"});
                return detail(std::move(j), fields);
            });
        });
    }
    {
        auto ids = cli.bound<std::vector<std::string>>();
        auto worker = cli.bound<std::optional<std::string>>();
        auto order = cli.bound<std::optional<int64_t>>();
        auto unassign = cli.bound<bool>(false);
        auto* sub = cmd->add_subcommand("assign", "Assign visits to a technician (queues the appointment notice)");
        sub->add_option("ID", *ids, "Appointment ids")->required();
        add_opt(sub, "--worker", *worker, "Technician id or name");
        sub->add_flag("--unassign", *unassign, "Take the visits off any route");
        add_opt(sub, "--order", *order, "Route position of the first visit; the others follow");
        sub->callback([&cli, ids, worker, order, unassign] {
            cli.write([&](Context& ctx) {
                if (worker->has_value() == *unassign) fail(ErrorKind::Usage, "give --worker W or --unassign");
                std::optional<int64_t> w;
                if (*worker) w = resolve_worker(ctx.store, **worker);
                auto list = parse_ids(*ids);
                assign_appointments(ctx, list, w, *order);
                return appointment_rows_after(list);
            });
        });
    }
    {
        auto id = cli.bound<std::string>();
        auto day = cli.bound<std::string>();
        auto future = cli.bound<bool>(false);
        auto* sub = cmd->add_subcommand("move", "Move a visit to another day (--future: this and all following of its series)");
        sub->add_option("ID", *id, "Appointment id")->required();
        sub->add_option("--date", *day, "The new day")->required();
        sub->add_flag("--future", *future, "Also move every later occurrence of the series, and the series rule");
        auto force = cli.bound<bool>(false);
        sub->add_flag("--force", *force, "Move the visit even onto a closed day");
        sub->callback([&cli, id, day, future, force] {
            cli.write([&](Context& ctx) {
                auto moved = move_appointment(ctx, parse_id(*id, "ID"), parse_day(*day, ctx.today(), "--date"), *future, *force);
                return appointment_rows_after(moved);
            });
        });
    }
    {
        struct EditOptions {
            std::string id;
            std::optional<std::string> worker, window, duration, type, priority, pool, note, office_note, load;
            std::optional<int64_t> order;
            std::optional<bool> pinned;
            bool unassign = false, no_window = false;
        };
        auto o = cli.bound<EditOptions>();
        auto* sub = cmd->add_subcommand("edit", "Change one visit (its series is left alone; the change is in the audit log)");
        sub->add_option("ID", o->id, "Appointment id")->required();
        add_opt(sub, "--worker", o->worker, "Technician id or name (queues the appointment notice, as assign does)");
        sub->add_flag("--unassign", o->unassign, "No technician");
        add_opt(sub, "--window", o->window, "Time window, local: 08:00-12:00");
        sub->add_flag("--no-window", o->no_window, "No time window");
        add_opt(sub, "--duration", o->duration, "Length: 45, 45m, 1h30m");
        add_opt(sub, "--type", o->type, "Service type from config");
        sub->add_option("--priority", o->priority, "normal, high or urgent")->check(CLI::IsMember({"normal", "high", "urgent"}));
        add_opt(sub, "--pool", o->pool, "Another pool of the same customer: id or name");
        add_opt(sub, "--order", o->order, "Route position");
        add_bool(sub, "--pin,!--unpin", o->pinned, "Keep (or no longer keep) its place when route optimize reorders the day");
        add_opt(sub, "--load", o->load,
                "What it takes from the truck, in [routing] load_unit (\"1.5\"); auto: estimate from the pool's recent doses");
        add_opt(sub, "--note", o->note, "Note for the technician (empty: none)");
        add_opt(sub, "--office-note", o->office_note, "Private office note (empty: none)");
        sub->callback([&cli, o] {
            cli.write([&](Context& ctx) {
                if (o->worker && o->unassign) fail(ErrorKind::Usage, "--worker and --unassign cannot both be given");
                if (o->window && o->no_window) fail(ErrorKind::Usage, "--window and --no-window cannot both be given");
                int64_t id = parse_id(o->id, "ID");
                AppointmentEdit e;
                if (o->worker) e.worker = std::optional<int64_t>(resolve_worker(ctx.store, *o->worker));
                if (o->unassign) e.worker = std::optional<int64_t>();
                if (o->window) e.window = std::optional<std::pair<std::string, std::string>>(parse_window(*o->window));
                if (o->no_window) e.window = std::optional<std::pair<std::string, std::string>>();
                if (o->duration) e.duration_min = parse_visit_minutes(*o->duration);
                e.service_type = o->type;
                e.priority = o->priority;
                if (o->pool) e.pool_id = resolve_pool(ctx.store, get_appointment(ctx.store, id).customer_id, o->pool);
                if (o->order) e.route_order = std::optional<int64_t>(*o->order);
                e.pinned = o->pinned;
                if (o->load && *o->load == "auto") e.load_milli = std::optional<int64_t>();
                else if (o->load) e.load_milli = std::optional<int64_t>(parse_milli(*o->load, "--load"));
                e.tech_note = o->note;
                e.office_note = o->office_note;
                bool changed = edit_appointment(ctx, id, e);
                Output out = appointment_rows_after({id});
                if (!changed) out.note = "appointment " + std::to_string(id) + " already reads so: nothing changed";
                return out;
            });
        });
    }
    {
        auto day = cli.bound<std::string>("today");
        auto* sub = cmd->add_subcommand("board", "The schedule board: one column per technician plus Unassigned");
        sub->add_option("--date", *day, "The day (default: today)");
        sub->callback([&cli, day] {
            cli.read([&](Context& ctx) {
                AppointmentFilter f;
                f.from = f.to = parse_day(*day, ctx.today(), "--date");
                // The day's visits, every worker and (for the text) the customers with several
                // pools, read together: one round trip on PostgreSQL.
                const bool text_board = cli.g.output == "table" && cli.g.fields.empty() && !cli.session.batch;
                Statement visits = appointments_statement(ctx.store, f), people = all_workers_statement(ctx.store);
                std::optional<Statement> several;
                if (text_board) several.emplace(several_pools_statement(ctx.store));
                if (several) ctx.store.run_together({&visits, &people, &*several});
                else ctx.store.run_together({&visits, &people});
                auto appts = read_appointments(visits);
                const auto workers = workers_by_id(people);
                // Each assigned visit's projected arrival in its technician's route, as routes price it.
                auto arrivals = projected_arrivals(ctx, *f.from, &appts, &workers);
                if (text_board) {
                    // For people, the board's text alone: no record of each visit is built.
                    Output text;
                    text.text = board_text(appts, format_date(*f.from), arrivals, workers, customers_with_several_pools(*several));
                    return text;
                }
                std::vector<Json> rows;
                for (const auto& a : appts) {
                    Json j = appointment_json(a);
                    auto at = arrivals.find(a.id);
                    j["arrival"] = at == arrivals.end() ? Json(nullptr) : Json(clock_text(at->second));
                    rows.push_back(std::move(j));
                }
                auto fields = appointment_fields();
                fields.push_back("arrival");
                return records(std::move(rows), fields, k_table);
            });
        });
    }
    {
        auto value = cli.bound<std::optional<int>>();
        auto history = cli.bound<bool>(false);
        auto* sub = cmd->add_subcommand("days-out", "Show or set the company's days-out number (kept with its history)");
        add_opt(sub, "N", *value, "The new number of days out");
        sub->add_flag("--history", *history, "Show every change");
        sub->callback([&cli, value, history] {
            auto body = [&](Context& ctx) {
                if (*value) set_days_out(ctx, **value);
                std::vector<Json> rows;
                if (*history) {
                    for (const auto& e : days_out_history(ctx.store))
                        rows.push_back({{"days_out", e.value}, {"set_at", e.set_at}, {"set_by", e.set_by}});
                } else {
                    auto h = days_out_history(ctx.store);
                    int current = current_days_out(ctx.store, ctx.config);
                    Date d = add_days(ctx.today(), current);
                    rows.push_back({{"days_out", current},
                                    {"set_at", h.empty() ? Json(nullptr) : Json(h.back().set_at)},
                                    {"set_by", h.empty() ? Json("config") : Json(h.back().set_by)},
                                    {"first_date", format_date(d)}});
                }
                Output o = records(std::move(rows), *history ? std::vector<std::string>{"days_out", "set_at", "set_by"}
                                                             : std::vector<std::string>{"days_out", "set_at", "set_by", "first_date"});
                o.rows.id_field = "days_out";
                return o;
            };
            if (*value) cli.write(body);
            else cli.read(body);
        });
    }
    {
        auto start = cli.bound<std::string>();
        auto repeat = cli.bound<std::string>();
        auto exdates = cli.bound<std::vector<std::string>>();
        auto limit = cli.bound<int64_t>(10);
        auto until = cli.bound<std::optional<std::string>>();
        auto on_closed = cli.bound<std::optional<std::string>>();
        auto* sub = cmd->add_subcommand("preview", "Print the occurrences of a rule without touching the database");
        sub->add_option("--start", *start, "First day, or day and local time: 2026-11-03, monday, 2026-11-03T09:00, \"monday 09:00\"")->required();
        sub->add_option("--repeat", *repeat, "RRULE or friendly form")->required();
        sub->add_option("--exdate", *exdates, "Dates to leave out (comma-separated or repeated)")->delimiter(',');
        sub->add_option("--limit", *limit, "At most this many (default 10; 0 with --until: all)")->check(k_count);
        add_opt(sub, "--until", *until, "Up to this date (inclusive)");
        add_opt(sub, "--on-closed", *on_closed, "Also show where each visit goes on the company's closed and non-working days: before, after or skip")
            ->check(CLI::IsMember({"before", "after", "skip"}));
        sub->callback([&cli, start, repeat, exdates, limit, until, on_closed] {
            if (*on_closed) {
                cli.read([&](Context& ctx) { return preview_closed(ctx, *start, *repeat, *exdates, *limit, *until, parse_on_closed(**on_closed)); });
                return;
            }
            cli.plain([&] {
                Recurrence rule = Recurrence::parse(*repeat);
                std::vector<Date> except;
                for (const auto& e : *exdates) except.push_back(parse_date(e, "--exdate"));
                if (*limit == 0 && !*until && !rule.bounded()) fail(ErrorKind::Usage, "--limit 0 needs --until or a bounded rule");
                // The first day as people type it anywhere (today, monday, +3d, a date), with an
                // optional local time after a space or a T.
                Date today = cli.local_today();
                std::string day_text = *start, time_text;
                bool iso = start->size() >= 10 && std::isdigit(static_cast<unsigned char>((*start)[0])) && (*start)[4] == '-';
                size_t cut = iso ? 10 : start->find(' ');
                if (cut != std::string::npos && cut < start->size()) {
                    day_text = start->substr(0, cut);
                    time_text = start->substr(cut + 1);
                    if ((*start)[cut] != ' ' && (*start)[cut] != 'T')
                        fail(ErrorKind::BadInput, "--start: '" + *start + "' is not a day with an optional time (2026-11-03T09:00, monday 09:00)");
                }
                Date first = parse_day(day_text, today, "--start");
                if (!time_text.empty()) *start = format_date(first) + "T" + time_text;
                Date last = *until ? parse_day(**until, today, "--until") : add_days(first, 366 * 50);
                if (last < first) fail(ErrorKind::BadInput, "--until: before --start");
                std::vector<Json> rows;
                if (time_text.empty()) {
                    for (Date d : rule.dates(first, first, last, static_cast<size_t>(*limit), except))
                        rows.push_back({{"occurrence", format_date(d)}});
                } else {
                    static const TimeZone utc("UTC");
                    Instant t = parse_instant(*start, utc, "--start");
                    LocalTime lt{t.time_since_epoch()};
                    for (LocalTime o : rule.times(lt, lt, LocalTime{date::local_days{last}} + std::chrono::hours(24) - std::chrono::seconds(1),
                                                  static_cast<size_t>(*limit), except))
                        rows.push_back({{"occurrence", date::format("%FT%H:%M", o)}});
                }
                Output out = records(std::move(rows), {"occurrence"});
                out.rows.id_field = "occurrence";
                if (cli.g.output == "json" && cli.g.fields.empty()) {
                    Json arr = Json::array();
                    for (const auto& r : out.rows.records) arr.push_back(r["occurrence"]);
                    out.text = to_json_text(arr, 2) + "\n";
                }
                return out;
            });
        });
    }
    {
        auto through = cli.bound<std::string>();
        auto* sub = cmd->add_subcommand("expand", "Materialise recurring series up to a horizon (cron, nightly; idempotent)");
        sub->add_option("--through", *through, "Horizon: a date or an offset such as +8w")->required();
        sub->callback([&cli, through] {
            cli.check_fields({"appointment_id", "series_id", "date"});
            cli.read([&](Context& ctx) {
                Date t = parse_day(*through, ctx.today(), "--through");
                if (t < ctx.today()) fail(ErrorKind::BadInput, "--through: " + format_date(t) + " is in the past");
                std::vector<ExpandedOccurrence> created;
                if (cli.g.dry_run || ctx.store.in_transaction()) {
                    // A dry run, or a line of a batch: one transaction, the caller's.
                    WriteTx tx(ctx.store);
                    created = expand_series(ctx, t);
                    if (cli.g.dry_run) tx.rollback();
                    else tx.commit();
                } else {
                    // One transaction per group of series: each series is expanded fully or not at
                    // all (a killed expand resumes where it stopped), and the write lock is held
                    // about half a second at a time, so a year's expand does not keep dispatchers
                    // waiting. Groups are cut by elapsed time (a steady clock, not business time):
                    // each commit rewrites the index pages the group touched, so fewer, larger
                    // groups write far less (100 commits of 50 series wrote 540k pages for a
                    // year of 5,000 series).
                    using namespace std::chrono_literals;
                    auto due = series_due(ctx, t);
                    WalkCache walks;
                    for (size_t i = 0; i < due.size();) {
                        WriteTx tx(ctx.store);
                        auto started = std::chrono::steady_clock::now();
                        do {
                            auto c = expand_series(ctx, t, due[i++], &walks);
                            created.insert(created.end(), c.begin(), c.end());
                        } while (i < due.size() && std::chrono::steady_clock::now() - started < 500ms);
                        tx.commit();
                    }
                }
                std::vector<Json> rows;
                rows.reserve(created.size());
                for (auto& c : created) {
                    Json& r = rows.emplace_back(Json::object());
                    append_field(r, "appointment_id", c.appointment_id);
                    append_field(r, "series_id", c.series_id);
                    append_field(r, "date", std::move(c.date));
                }
                Output o = records(std::move(rows), {"appointment_id", "series_id", "date"});
                o.rows.id_field = "appointment_id";
                o.note = (cli.g.dry_run ? "dry run: nothing was written; would create " : "created ") + std::to_string(created.size()) +
                         " visits through " + format_date(t);
                return o;
            });
        });
    }
    {
        auto from = cli.bound<std::optional<std::string>>();
        auto* sub = cmd->add_subcommand("rollover", "Move visits of past days still scheduled or en route to the next working day (cron)");
        add_opt(sub, "--from", *from, "Only visits dated on or after this day");
        sub->callback([&cli, from] {
            cli.write([&](Context& ctx) {
                std::optional<Date> f;
                if (*from) f = parse_day(**from, ctx.today(), "--from");
                auto rolled = rollover(ctx, f);
                std::vector<Json> rows;
                for (const auto& r : rolled)
                    rows.push_back({{"id", r.id}, {"customer", r.customer}, {"from", r.from}, {"to", r.to}, {"rolled_count", r.rolled_count},
                                    {"merged_into", r.merged_into ? Json(*r.merged_into) : Json(nullptr)}});
                Output o = records(std::move(rows), {"id", "customer", "from", "to", "rolled_count", "merged_into"});
                o.note = (cli.g.dry_run ? "would roll " : "rolled ") + std::to_string(rolled.size()) + " visits";
                return o;
            });
        });
    }
    {
        auto day = cli.bound<std::string>("tomorrow");
        auto* sub = cmd->add_subcommand("remind", "Queue the day-before reminder for every visit of a day still scheduled (cron; once per visit)");
        sub->add_option("--date", *day, "The visits' day (default: tomorrow)");
        sub->callback([&cli, day] {
            cli.write([&](Context& ctx) {
                auto rows = queue_reminders(ctx, parse_day(*day, ctx.today(), "--date"));
                size_t n = rows.size();
                Output o = records(std::move(rows), {"appointment_id", "customer", "date", "notices"});
                o.rows.id_field = "appointment_id";
                if (n) o.note = (cli.g.dry_run ? "would remind " : "reminded ") + std::to_string(n) + " visits";
                return o;
            });
        });
    }
    {
        struct ExportOptions {
            std::string format = "ics";
            std::optional<std::string> from, to, worker;
            bool unassigned = false;
        };
        auto o = cli.bound<ExportOptions>();
        auto* sub = cmd->add_subcommand("export", "Write visits as an RFC 5545 calendar (.ics) a phone can subscribe to");
        sub->add_option("--format", o->format, "ics (the only format)")->check(CLI::IsMember({"ics"}));
        add_opt(sub, "--from", o->from, "From this day (default: today)");
        add_opt(sub, "--to", o->to, "To this day (default: every visit scheduled)");
        add_opt(sub, "--worker", o->worker, "Only this technician's visits");
        sub->add_flag("--unassigned", o->unassigned, "Only visits without a technician");
        sub->callback([&cli, o] {
            cli.read([&](Context& ctx) {
                AppointmentFilter f;
                Date today = ctx.today();
                f.from = o->from ? parse_day(*o->from, today, "--from") : today;
                if (o->to) f.to = parse_day(*o->to, today, "--to");
                if (f.to && *f.to < *f.from) fail(ErrorKind::BadInput, "--to: before --from");
                if (o->unassigned && o->worker) fail(ErrorKind::Usage, "--unassigned cannot go with --worker");
                std::string name = ctx.config.company.name;
                if (o->worker) {
                    f.worker = resolve_worker(ctx.store, *o->worker);
                    name += " - " + get_worker(ctx.store, *f.worker).name;
                }
                f.unassigned = o->unassigned;
                if (o->unassigned) name += " - unassigned";
                Output out;
                out.text = export_ics(ctx, f, name);
                return out;
            });
        });
    }
    // Dispatch statuses.
    auto status_cmd = [&](const char* name, const char* help, const std::string& to, bool needs_reason, bool eta, bool follow) {
        auto o = cli.bound<StatusOptions>();
        auto* sub = cmd->add_subcommand(name, help);
        sub->add_option("ID", o->id, "Appointment id")->required();
        add_opt(sub, "--at", o->at, "When it happened, if recorded late (local time or RFC 3339)");
        auto* r = add_opt(sub, "--reason", o->reason, "Why");
        if (needs_reason) r->required();
        if (eta) add_opt(sub, "--eta", o->eta, "Expected travel time: 20m, 1h (default: the drive from their last visit, or their start, when both have coordinates)");
        if (follow) {
            sub->add_flag("--follow-up", o->follow_up_flag, "Create an unassigned follow-up visit (next working day)");
            add_opt(sub, "--follow-up-date", o->follow_up, "Create the follow-up visit on this day");
        }
        sub->callback([&cli, o, to] {
            cli.write([&](Context& ctx) {
                int64_t id = parse_id(o->id, "ID");
                StatusChange c;
                if (o->at) c.at = parse_when(*o->at, ctx.today(), ctx.tz, "--at");
                c.reason = o->reason.value_or("");
                if (o->eta) c.eta = parse_duration(*o->eta, "--eta");
                if (to == "paused") {
                    std::optional<Date> fu;
                    if (o->follow_up) fu = parse_day(*o->follow_up, ctx.today(), "--follow-up-date");
                    else if (o->follow_up_flag) fu = next_working_day(ctx.config, add_days(ctx.today(), 1));
                    auto follow_id = pause_appointment(ctx, id, c, fu);
                    std::vector<int64_t> ids{id};
                    if (follow_id) ids.push_back(*follow_id);
                    return appointment_rows_after(ids);
                }
                if (to == "completed") complete_appointment(ctx, id, c);
                else change_status(ctx, id, to, c);
                return appointment_rows_after({id});
            });
        });
    };
    status_cmd("on-my-way", "The technician is on the way (queues the on-my-way text)", "en_route", false, true, false);
    status_cmd("start", "The technician arrived and started the visit", "in_progress", false, false, false);
    status_cmd("pause", "The visit needs follow-up", "paused", true, false, true);
    status_cmd("complete", "The visit is done", "completed", false, false, false);
    status_cmd("skip", "The visit could not be done: gate locked, dog out, weather (queues the skip notice)", "skipped", true, false, false);
    {
        auto o = cli.bound<StatusOptions>();
        auto* sub = cmd->add_subcommand("cancel", "Cancel a visit, or with --series end its series from that visit on");
        sub->add_option("ID", o->id, "Appointment id")->required();
        add_opt(sub, "--reason", o->reason, "Why")->required();
        sub->add_flag("--series", o->series, "End the series from this visit's date (history kept)");
        sub->callback([&cli, o] {
            cli.write([&](Context& ctx) {
                auto ids = cancel_appointment(ctx, parse_id(o->id, "ID"), o->reason.value_or(""), o->series);
                return appointment_rows_after(ids);
            });
        });
    }
    // Series.
    auto* series = cmd->add_subcommand("series", "Recurring series: list, show, edit, suspend, resume");
    series->require_subcommand(1);
    {
        auto customer = cli.bound<std::optional<std::string>>();
        auto all = cli.bound<bool>(false);
        auto* sub = series->add_subcommand("list", "List series");
        add_opt(sub, "--customer", *customer, "Only this customer's");
        sub->add_flag("--all", *all, "Include ended series");
        sub->callback([&cli, customer, all] {
            cli.read([&](Context& ctx) {
                std::optional<int64_t> c;
                if (*customer) c = resolve_customer(ctx.store, **customer);
                std::vector<Json> rows;
                for (const auto& s : list_series(ctx.store, c, *all)) rows.push_back(series_json(s, ctx.today()));
                return records(std::move(rows), series_fields(),
                               {"id", "customer", "worker", "rrule", "window", "service_type", "status_text", "expanded_through"});
            });
        });
    }
    {
        auto id = cli.bound<std::string>();
        auto* sub = series->add_subcommand("show", "Show a series");
        sub->add_option("ID", *id, "Series id")->required();
        sub->callback([&cli, id] {
            cli.read([&](Context& ctx) { return detail(series_json(get_series(ctx.store, parse_id(*id, "ID")), ctx.today()), series_fields()); });
        });
    }
    {
        struct EditOptions {
            std::string id;
            std::optional<std::string> worker, window, rule, type, duration, priority, note, from, on_closed;
            bool unassign = false, no_window = false;
        };
        auto o = cli.bound<EditOptions>();
        auto* sub = series->add_subcommand("edit", "Change a series: future occurrences not changed one by one follow");
        sub->add_option("ID", o->id, "Series id")->required();
        add_opt(sub, "--worker", o->worker, "New technician");
        sub->add_flag("--unassign", o->unassign, "No technician");
        add_opt(sub, "--window", o->window, "New time window 08:00-12:00");
        sub->add_flag("--no-window", o->no_window, "No time window");
        add_opt(sub, "--rule", o->rule, "New recurrence rule (RRULE or friendly form)");
        add_opt(sub, "--type", o->type, "New service type");
        add_opt(sub, "--duration", o->duration, "New length");
        add_opt(sub, "--priority", o->priority, "normal, high or urgent");
        add_opt(sub, "--note", o->note, "New note for the technician");
        add_opt(sub, "--from", o->from, "First day the change applies to (default: today)");
        add_opt(sub, "--on-closed", o->on_closed, "A visit due on a closed or non-working day: before, after or skip (for visits expanded from now on)")
            ->check(CLI::IsMember({"before", "after", "skip"}));
        sub->callback([&cli, o] {
            cli.write([&](Context& ctx) {
                SeriesEdit e;
                if (o->worker && o->unassign) fail(ErrorKind::Usage, "--worker and --unassign cannot both be given");
                if (o->worker) e.worker = std::optional<int64_t>(resolve_worker(ctx.store, *o->worker));
                if (o->unassign) e.worker = std::optional<int64_t>();
                if (o->window && o->no_window) fail(ErrorKind::Usage, "--window and --no-window cannot both be given");
                if (o->window) e.window = std::optional<std::pair<std::string, std::string>>(parse_window(*o->window));
                if (o->no_window) e.window = std::optional<std::pair<std::string, std::string>>();
                if (o->rule) e.rule = Recurrence::parse(*o->rule, "--rule");
                e.service_type = o->type;
                if (o->duration) e.duration_min = parse_visit_minutes(*o->duration);
                e.priority = o->priority;
                e.tech_note = o->note;
                if (o->from) e.from = parse_day(*o->from, ctx.today(), "--from");
                if (o->on_closed) e.on_closed = parse_on_closed(*o->on_closed);
                int64_t sid = parse_id(o->id, "ID");
                auto touched = edit_series(ctx, sid, e);
                Output out = detail(series_json(get_series(ctx.store, sid), ctx.today()), series_fields());
                out.note = std::to_string(touched.size()) + " future visits follow the change";
                return out;
            });
        });
    }
    {
        auto id = cli.bound<std::string>();
        auto from = cli.bound<std::string>("today");
        auto until = cli.bound<std::optional<std::string>>();
        auto* sub = series->add_subcommand("suspend", "Suspend a series (customer on vacation)");
        sub->add_option("ID", *id, "Series id")->required();
        sub->add_option("--from", *from, "First day without visits (default: today)");
        add_opt(sub, "--until", *until, "Last day without visits (default: until resumed)");
        sub->callback([&cli, id, from, until] {
            cli.write([&](Context& ctx) {
                std::optional<Date> u;
                if (*until) u = parse_day(**until, ctx.today(), "--until");
                int64_t sid = parse_id(*id, "ID");
                auto removed = suspend_series(ctx, sid, parse_day(*from, ctx.today(), "--from"), u);
                Output out = detail(series_json(get_series(ctx.store, sid), ctx.today()), series_fields());
                out.note = std::to_string(removed.size()) + " visits taken off the schedule";
                return out;
            });
        });
    }
    {
        auto id = cli.bound<std::string>();
        auto* sub = series->add_subcommand("resume", "Resume a suspended series");
        sub->add_option("ID", *id, "Series id")->required();
        sub->callback([&cli, id] {
            cli.write([&](Context& ctx) {
                int64_t sid = parse_id(*id, "ID");
                auto created = resume_series(ctx, sid);
                Output out = detail(series_json(get_series(ctx.store, sid), ctx.today()), series_fields());
                out.note = std::to_string(created.size()) + " visits back on the schedule";
                return out;
            });
        });
    }
}

}  // namespace pom::cli
