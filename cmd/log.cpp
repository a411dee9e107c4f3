// pom log: the append-only audit log
#include "audit.h"
#include "cli.h"

namespace pom::cli {

namespace {
struct LogOptions {
    std::optional<std::string> entity, from, to, actor;
    std::optional<int64_t> id;
    int64_t limit = 0;
};
}  // namespace

void register_log(CLI::App& app, Cli& cli) {
    auto o = cli.bound<LogOptions>();
    auto* sub = app.add_subcommand("log", "The audit log: who changed what, when, before and after");
    add_opt(sub, "--entity", o->entity, "Only this kind of record (customer, pool, worker, ...)");
    add_opt(sub, "--id", o->id, "Only this record id (with --entity)");
    add_opt(sub, "--from", o->from, "From this local date or time (inclusive)");
    add_opt(sub, "--to", o->to, "Up to this local date (inclusive) or time (exclusive)");
    add_opt(sub, "--actor", o->actor, "Only changes made by this person");
    sub->add_option("--limit", o->limit, "The newest N entries only")->check(k_count);
    sub->callback([&cli, o] {
        cli.read([&](Context& ctx) {
            AuditFilter f;
            f.entity = o->entity;
            f.entity_id = o->id;
            f.actor = o->actor;
            if (o->from) f.from = parse_when(*o->from, ctx.today(), ctx.tz, "--from");
            if (o->to) {
                f.to = parse_when(*o->to, ctx.today(), ctx.tz, "--to");
                // A day alone (2026-11-24, today, monday) is the whole day.
                if (o->to->find(':') == std::string::npos)
                    f.to = ctx.tz.to_instant(LocalTime{date::local_days{add_days(ctx.tz.local_date(*f.to), 1)}});
            }
            auto entries = list_audit(ctx.store, f);
            if (o->limit > 0 && static_cast<int64_t>(entries.size()) > o->limit)
                entries.erase(entries.begin(), entries.end() - o->limit);
            std::vector<Json> rows;
            for (const auto& e : entries)
                rows.push_back({{"id", e.id},
                                {"at", e.at},
                                {"actor", e.actor},
                                {"command", e.command},
                                {"entity", e.entity},
                                {"entity_id", e.entity_id},
                                {"action", e.action},
                                {"before", e.before},
                                {"after", e.after}});
            return records(std::move(rows),
                           {"id", "at", "actor", "command", "entity", "entity_id", "action", "before", "after"},
                           {"id", "at", "actor", "entity", "entity_id", "action", "command"});
        });
    });
}

}  // namespace pom::cli
