// pom appt closed add|list|remove: holidays and closures (added to `pom appt`)
#include "closed_day.h"
#include "cli.h"
#include "error.h"

namespace pom::cli {

namespace {

const std::vector<std::string> k_table = {"date", "weekday", "reason", "source"};

Json visits_json(const std::vector<ClosedDayVisit>& visits) {
    Json out = Json::array();
    for (const auto& v : visits)
        out.push_back({{"appointment_id", v.id},
                       {"customer", v.customer},
                       {"series_id", v.series_id ? Json(*v.series_id) : Json(nullptr)},
                       {"date", v.date},
                       {"to", v.to.empty() ? Json(nullptr) : Json(v.to)},
                       {"action", v.action}});
    return out;
}

/// What became of the day's visits, for people: one clause per visit.
std::string visits_note(const std::string& day, const std::vector<ClosedDayVisit>& visits) {
    if (visits.empty()) return "closed " + day + "; no visit was on it";
    std::string waiting, done;
    size_t open = 0;
    for (const auto& v : visits) {
        std::string who = "appointment " + std::to_string(v.id) + " (" + v.customer + ")";
        if (v.action == "needs a decision") {
            waiting += (waiting.empty() ? "" : ", ") + who;
            ++open;
        } else {
            done += (done.empty() ? "" : "; ") + who + (v.action == "moved" ? " moved to " + v.to : " skipped");
        }
    }
    std::string out = "closed " + day;
    if (!done.empty()) out += ": " + done;
    if (open)
        out += std::string(done.empty() ? ": " : "; ") + std::to_string(open) + " visit" + (open == 1 ? "" : "s") +
               " on it need" + (open == 1 ? "s" : "") + " a decision: " + waiting +
               " (pom appt move ID --date D, or pom appt cancel ID --reason R)";
    return out;
}

}  // namespace

void register_appt_closed(CLI::App& app, Cli& cli) {
    auto* appt = app.get_subcommand("appt");
    auto* cmd = appt->add_subcommand("closed", "Closed days (holidays, closures): no series or rollover puts a visit on one");
    cmd->require_subcommand(1);
    {
        struct AddOptions {
            std::string day;
            std::optional<std::string> reason;
            bool reschedule = false;
        };
        auto o = cli.bound<AddOptions>();
        auto* sub = cmd->add_subcommand("add", "Close a day; its visits stay unless --reschedule moves them by their series' rule");
        sub->add_option("DATE", o->day, "The day: YYYY-MM-DD, tomorrow, +3d, a weekday")->required();
        add_opt(sub, "--reason", o->reason, "Why: a holiday's name, a closure");
        sub->add_flag("--reschedule", o->reschedule,
                      "Move the day's open visits as their series says (before, after; skip cancels); others to the next open day");
        sub->callback([&cli, o] {
            cli.write([&](Context& ctx) {
                std::string reason = o->reason.value_or("");
                if (o->reason && reason.find_first_not_of(" \t") == std::string::npos) fail(ErrorKind::BadInput, "--reason: empty");
                auto added = add_closed_day(ctx, parse_day(o->day, ctx.today(), "DATE"), reason, o->reschedule);
                Json row = closed_day_json(added.day);
                row["visits"] = visits_json(added.visits);
                std::vector<std::string> fields = closed_day_fields();
                fields.push_back("visits");
                Output out = records({row}, fields, k_table);
                out.rows.id_field = "date";
                out.note = visits_note(added.day.date, added.visits);
                return out;
            });
        });
    }
    {
        auto from = cli.bound<std::optional<std::string>>();
        auto to = cli.bound<std::optional<std::string>>();
        auto* sub = cmd->add_subcommand("list", "List closed days, the config's and the database's");
        add_opt(sub, "--from", *from, "From this day (inclusive; default: all)");
        add_opt(sub, "--to", *to, "To this day (inclusive)");
        sub->callback([&cli, from, to] {
            cli.read([&](Context& ctx) {
                std::optional<Date> f, t;
                if (*from) f = parse_day(**from, ctx.today(), "--from");
                if (*to) t = parse_day(**to, ctx.today(), "--to");
                if (f && t && *t < *f) fail(ErrorKind::BadInput, "--to: before --from");
                std::vector<Json> rows;
                for (const auto& c : list_closed_days(ctx.store, ctx.config, f, t)) rows.push_back(closed_day_json(c));
                Output out = records(std::move(rows), closed_day_fields(), k_table);
                out.rows.id_field = "date";
                return out;
            });
        });
    }
    {
        auto day = cli.bound<std::string>();
        auto* sub = cmd->add_subcommand("remove", "Open a day closed with appt closed add again (visits moved off it stay)");
        sub->add_option("DATE", *day, "The day")->required();
        sub->callback([&cli, day] {
            cli.write([&](Context& ctx) {
                auto removed = remove_closed_day(ctx, parse_day(*day, ctx.today(), "DATE"));
                Output out = records({closed_day_json(removed)}, closed_day_fields(), k_table);
                out.rows.id_field = "date";
                out.note = "opened " + removed.date + " again";
                return out;
            });
        });
    }
}

}  // namespace pom::cli
