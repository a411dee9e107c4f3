// pom route optimize|stats|balance: the order of each technician's day (issue 22)
#include "cli.h"
#include "route.h"
#include "route_balance.h"
#include "route_plan.h"
#include "worker.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace pom::cli {

namespace {

TravelMatrix read_matrix(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) fail(ErrorKind::NoInput, "--matrix: cannot read " + path + ": it is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(ErrorKind::NoInput, "--matrix: cannot read " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return TravelMatrix::parse(text.str(), path);
}

/// --matrix FILE, read when given: the request points at what this returns, so keep it alive.
std::optional<TravelMatrix> read_matrix_option(const std::optional<std::string>& path) {
    if (!path) return std::nullopt;
    return read_matrix(*path);
}

struct OptimizeOptions {
    std::string day = "today";
    std::vector<std::string> workers;
    std::optional<std::string> matrix;
};

void setup_optimize(CLI::App* cmd, Cli& cli) {
    auto o = cli.bound<OptimizeOptions>();
    auto* sub = cmd->add_subcommand("optimize",
                                    "Reorder each technician's visits of a day to drive least; windows, started, "
                                    "completed and pinned visits are kept (--dry-run: only show)");
    sub->add_option("--date", o->day, "The day (default: today)");
    sub->add_option("--worker", o->workers, "Only this technician (id or name; repeatable)");
    add_opt(sub, "--matrix", o->matrix, "Travel times in seconds: CSV with keys pool:ID and worker:ID (header row, first column)");
    sub->callback([&cli, o] {
        cli.write([&](Context& ctx) {
            RouteRequest req;
            req.date = parse_day(o->day, ctx.today(), "--date");
            for (const auto& w : o->workers) req.workers.push_back(resolve_worker(ctx.store, w));
            std::optional<TravelMatrix> matrix = read_matrix_option(o->matrix);
            if (matrix) req.matrix = &*matrix;
            auto routes = optimize_routes(ctx, req);
            int changed = save_routes(ctx, routes);
            std::vector<Json> rows;
            for (const auto& r : routes) rows.push_back(route_json(r));
            Output out = records(std::move(rows), route_fields(),
                                 {"worker", "stops", "km_before", "km_after", "drive_min_before", "drive_min_after",
                                  "finish_before", "finish_after", "late_after"});
            if (cli.g.output == "table" && cli.g.fields.empty() && !cli.session.batch)
                out.text = route_text(routes, format_date(req.date));
            out.note = std::to_string(changed) + (changed == 1 ? " visit" : " visits") + " changed place";
            if (routes.empty()) out.note = "no technician has visits on " + format_date(req.date);
            return out;
        });
    });
}

struct StatsOptions {
    std::string from, to, by;
    std::optional<std::string> matrix;
};

void setup_stats(CLI::App* cmd, Cli& cli) {
    auto o = cli.bound<StatsOptions>();
    auto* sub = cmd->add_subcommand("stats", "The route dashboard: stops, km, drive hours and km per stop, per technician and day");
    sub->add_option("--from", o->from, "First day")->required();
    sub->add_option("--to", o->to, "Last day")->required();
    sub->add_option("--by", o->by, "Sum per worker or per day (default: one row per technician and day)")
        ->check(CLI::IsMember({"worker", "day"}));
    add_opt(sub, "--matrix", o->matrix, "Travel times in seconds: CSV with keys pool:ID and worker:ID");
    sub->callback([&cli, o] {
        cli.read([&](Context& ctx) {
            RouteStatsRequest req;
            req.from = parse_day(o->from, ctx.today(), "--from");
            req.to = parse_day(o->to, ctx.today(), "--to");
            req.by = o->by;
            std::optional<TravelMatrix> matrix = read_matrix_option(o->matrix);
            if (matrix) req.matrix = &*matrix;
            std::vector<Json> rows;
            for (const auto& r : route_stats(ctx, req)) rows.push_back(route_stats_json(r));
            std::vector<std::string> table = {"worker", "date", "stops", "km", "drive_hours", "km_per_stop"};
            if (o->by == "worker") table = {"worker", "days", "stops", "km", "drive_hours", "km_per_stop"};
            if (o->by == "day") table = {"date", "stops", "km", "drive_hours", "km_per_stop"};
            return records(std::move(rows), route_stats_fields(), table);
        });
    });
}


struct BalanceOptions {
    std::string day = "today";
    std::vector<std::string> workers;
    std::optional<std::string> matrix;
    double evenness = 1.0;
    bool apply = false;
};

void setup_balance(CLI::App* cmd, Cli& cli) {
    auto o = cli.bound<BalanceOptions>();
    auto* sub = cmd->add_subcommand("balance",
                                    "Move a day's visits between technicians (unassigned ones too) to drive least, within "
                                    "their hours and skills, the work evenly spread; shows the proposal (--apply: assign)");
    sub->add_option("--date", o->day, "The day (default: today)");
    sub->add_option("--worker", o->workers, "Only these technicians (id or name; repeatable; default: every active technician)");
    add_opt(sub, "--matrix", o->matrix, "Travel times in seconds: CSV with keys pool:ID and worker:ID (header row, first column)");
    sub->add_option("--evenness", o->evenness, "Travel seconds worth one second less difference in working time (default 1; 0: travel only)")
        ->check(CLI::Range(0.0, 100.0));
    sub->add_flag("--apply", o->apply, "Assign and order the visits as proposed (and tell customers with a new technician)");
    sub->callback([&cli, o] {
        auto body = [&](Context& ctx) {
            BalanceRequest req;
            req.date = parse_day(o->day, ctx.today(), "--date");
            for (const auto& w : o->workers) req.workers.push_back(resolve_worker(ctx.store, w));
            req.evenness = o->evenness;
            std::optional<TravelMatrix> matrix = read_matrix_option(o->matrix);
            if (matrix) req.matrix = &*matrix;
            BalancePlan plan = plan_balance(ctx, req);
            int moved = 0;
            for (const auto& w : plan.workers)
                for (const auto& s : w.stops) moved += s.moved() ? 1 : 0;
            if (o->apply) apply_balance(ctx, plan);
            std::vector<Json> rows;
            for (const auto& w : plan.workers) rows.push_back(balance_json(w));
            Output out = records(std::move(rows), balance_fields(),
                                 {"worker", "stops_before", "stops_after", "km_before", "km_after", "drive_min_before",
                                  "drive_min_after", "finish_before", "finish_after", "late_after"});
            if (cli.g.output == "table" && cli.g.fields.empty() && !cli.session.batch) out.text = balance_text(plan);
            out.note = std::to_string(moved) + (moved == 1 ? " visit" : " visits") +
                       (o->apply ? " assigned to another technician" : " would change technician (--apply to assign)");
            if (plan.workers.empty()) out.note = "no active technician to balance on " + format_date(req.date);
            return out;
        };
        if (o->apply) cli.write(body);
        else cli.read(body);
    });
}

struct PlanOptions {
    std::optional<std::string> weekdays;
    std::vector<std::string> workers;
    std::optional<std::string> matrix;
    double evenness = 1.0;
    bool apply = false;
    std::optional<std::string> effective;
};

void setup_plan(CLI::App* cmd, Cli& cli) {
    auto o = cli.bound<PlanOptions>();
    auto* sub = cmd->add_subcommand("plan",
                                    "Which weekday and technician each recurring series should have for tight, even routes over "
                                    "the week; keeps preferred days; shows the changes (--apply --effective D: edit the series)");
    add_opt(sub, "--weekdays", o->weekdays, "The days to plan: mon-fri, mon,wed,fri (default: the working days)");
    sub->add_option("--worker", o->workers, "Only these technicians (id or name; repeatable; default: every active technician)");
    add_opt(sub, "--matrix", o->matrix, "Travel times in seconds: CSV with keys pool:ID and worker:ID (header row, first column)");
    sub->add_option("--evenness", o->evenness, "Travel seconds worth one second less difference in working time (default 1; 0: travel only)")
        ->check(CLI::Range(0.0, 100.0));
    sub->add_flag("--apply", o->apply, "Edit the changed series from --effective and tell each customer once");
    add_opt(sub, "--effective", o->effective, "With --apply: the first day of the new plan (today or later)");
    sub->callback([&cli, o] {
        if (o->apply && !o->effective) fail(ErrorKind::Usage, "--apply needs --effective DATE (the first day of the new plan)");
        if (!o->apply && o->effective) fail(ErrorKind::Usage, "--effective goes with --apply");
        auto body = [&](Context& ctx) {
            PlanRequest req;
            if (o->weekdays) req.weekdays = parse_weekdays(*o->weekdays, "--weekdays");
            std::optional<Date> effective;
            if (o->effective) effective = parse_day(*o->effective, ctx.today(), "--effective");
            if (effective && *effective < ctx.today())
                fail(ErrorKind::BadInput, "--effective: " + format_date(*effective) + " is in the past (past visits never change)");
            for (const auto& w : o->workers) req.workers.push_back(resolve_worker(ctx.store, w));
            req.evenness = o->evenness;
            std::optional<TravelMatrix> matrix = read_matrix_option(o->matrix);
            if (matrix) req.matrix = &*matrix;
            WeekPlan plan = plan_week(ctx, req);
            int changed = 0;
            for (const auto& s : plan.series) changed += s.changed() ? 1 : 0;
            PlanApplied applied;
            if (o->apply) applied = apply_week_plan(ctx, plan, *effective);
            std::vector<Json> rows;
            for (const auto& r : plan.routes) rows.push_back(plan_route_json(plan, r));
            Output out = records(std::move(rows), plan_route_fields(),
                                 {"weekday", "worker", "stops_before", "stops_after", "moved_in", "moved_out", "drive_min_before",
                                  "drive_min_after", "overtime_min"});
            if (cli.g.output == "table" && cli.g.fields.empty() && !cli.session.batch) out.text = week_plan_text(plan);
            out.note = std::to_string(changed) + " series" +
                       (o->apply ? " changed from " + format_date(*effective) + ", " + std::to_string(applied.notices) +
                                       (applied.notices == 1 ? " day_change notice" : " day_change notices") + " queued"
                                 : " would change day or technician (--apply --effective DATE to edit them)");
            return out;
        };
        if (o->apply) cli.write(body);
        else cli.read(body);
    });
}

}  // namespace

void register_route(CLI::App& app, Cli& cli) {
    auto* cmd = app.add_subcommand("route", "Routes: the order of each technician's day");
    cmd->require_subcommand(1);
    setup_optimize(cmd, cli);
    setup_stats(cmd, cli);
    setup_balance(cmd, cli);
    setup_plan(cmd, cli);
}

}  // namespace pom::cli
