// pom service: the technician's work record for a visit
#include "chemistry.h"
#include "cli.h"
#include "customer.h"
#include "error.h"
#include "inventory.h"
#include "pool.h"
#include "service.h"
#include "service_report.h"
#include "worker.h"

namespace pom::cli {

namespace {

const std::vector<std::string> k_table = {"id", "appointment_id", "started_at", "worker", "customer", "service_type", "status", "duration_min"};

Output ticket(Context& ctx, int64_t id) {
    auto fields = service_fields();
    for (const char* f : {"checklist", "readings", "doses", "items", "notes", "photos", "billable_lines", "previous_visits"})
        fields.push_back(f);
    return detail(service_detail(ctx, id), fields);
}

/// The ticket as the answer of a change to it, read once the change is made (Output::answer).
Output ticket_after(int64_t id) {
    return answer_after([id](Context& ctx) { return ticket(ctx, id); });
}

std::optional<GeoPoint> gps(const std::optional<std::string>& text) {
    if (!text) return std::nullopt;
    return parse_gps(*text);
}

}  // namespace

void register_service(CLI::App& app, Cli& cli) {
    auto* cmd = app.add_subcommand("service", "Service tickets: what the technician did at the pool");
    cmd->require_subcommand(1);
    {
        auto appt = cli.bound<std::string>();
        auto where = cli.bound<std::optional<std::string>>();
        auto* sub = cmd->add_subcommand("start", "Open the service ticket of an appointment (the visit goes in progress)");
        sub->add_option("APPT", *appt, "Appointment id")->required();
        add_opt(sub, "--gps", *where, "Where the technician is: LAT,LON");
        sub->callback([&cli, appt, where] {
            cli.write([&](Context& ctx) { return ticket_after(start_service(ctx, parse_id(*appt, "APPT"), gps(*where))); });
        });
    }
    {
        struct NewOptions {
            std::string customer, type = "maintenance";
            std::optional<std::string> pool, worker, gps;
        };
        auto o = cli.bound<NewOptions>();
        auto* sub = cmd->add_subcommand("new", "Open a service ticket without an appointment");
        sub->add_option("--customer", o->customer, "Customer id, ref or name")->required();
        add_opt(sub, "--pool", o->pool, "Pool id or name (may be left out when the customer has one pool)");
        sub->add_option("--type", o->type, "Service type");
        add_opt(sub, "--worker", o->worker, "Technician");
        add_opt(sub, "--gps", o->gps, "Where the technician is: LAT,LON");
        sub->callback([&cli, o] {
            cli.write([&](Context& ctx) {
                int64_t c = resolve_customer(ctx.store, o->customer);
                int64_t p = resolve_pool(ctx.store, c, o->pool);
                std::optional<int64_t> w;
                if (o->worker) w = resolve_worker(ctx.store, *o->worker);
                return ticket_after(new_service(ctx, c, p, o->type, w, gps(o->gps)));
            });
        });
    }
    for (bool done : {true, false}) {
        auto id = cli.bound<std::string>();
        auto items = cli.bound<std::vector<std::string>>();
        auto all = cli.bound<bool>(false);
        auto* sub = cmd->add_subcommand(done ? "check" : "uncheck", done ? "Mark checklist items done" : "Mark checklist items not done");
        sub->add_option("ID", *id, "Service id")->required();
        sub->add_option("ITEM", *items, "Items, by name or a unique beginning (\"skim\")");
        sub->add_flag("--all", *all, "Every item");
        sub->callback([&cli, id, items, all, done] {
            cli.write([&](Context& ctx) {
                int64_t sid = parse_id(*id, "ID");
                check_items(ctx, sid, *items, *all, done);
                return ticket_after(sid);
            });
        });
    }
    {
        struct ReadingOptions {
            std::string id;
            std::optional<double> fc, cc, ph, ta, ch, cya, salt, phosphate, tds, borate;
            std::optional<std::string> temp;
        };
        auto o = cli.bound<ReadingOptions>();
        auto* sub = cmd->add_subcommand("reading", "Record a water test; computes LSI and CSI and flags values out of range");
        sub->add_option("ID", o->id, "Service id")->required();
        add_opt(sub, "--fc", o->fc, "Free chlorine, ppm");
        add_opt(sub, "--cc", o->cc, "Combined chlorine, ppm");
        add_opt(sub, "--ph", o->ph, "pH");
        add_opt(sub, "--ta", o->ta, "Total alkalinity, ppm");
        add_opt(sub, "--ch", o->ch, "Calcium hardness, ppm");
        add_opt(sub, "--cya", o->cya, "Cyanuric acid, ppm");
        add_opt(sub, "--salt", o->salt, "Salt, ppm");
        add_opt(sub, "--phosphate", o->phosphate, "Phosphate, ppb");
        add_opt(sub, "--tds", o->tds, "Total dissolved solids, ppm");
        add_opt(sub, "--temp", o->temp, "Water temperature: 84 (°F) or 29C");
        add_opt(sub, "--borate", o->borate, "Borate, ppm");
        sub->callback([&cli, o] {
            cli.write([&](Context& ctx) {
                Reading r;
                r.fc = o->fc;
                r.cc = o->cc;
                r.ph = o->ph;
                r.ta = o->ta;
                r.ch = o->ch;
                r.cya = o->cya;
                r.salt = o->salt;
                r.phosphate = o->phosphate;
                r.tds = o->tds;
                r.borate = o->borate;
                if (o->temp) r.temp_f = parse_temperature(*o->temp, "--temp");
                int64_t sid = parse_id(o->id, "ID");
                add_reading(ctx, sid, r);
                return ticket_after(sid);
            });
        });
    }
    {
        auto id = cli.bound<std::string>();
        auto chemical = cli.bound<std::string>();
        auto amount = cli.bound<std::string>();
        auto unit = cli.bound<std::string>();
        auto* sub = cmd->add_subcommand("dose", "Record a chemical added (deducted from stock at submit)");
        sub->add_option("ID", *id, "Service id")->required();
        sub->add_option("--chemical", *chemical, "Chemical name, or the SKU of the inventory item")->required();
        sub->add_option("--amount", *amount, "Amount: 1.5")->required();
        sub->add_option("--unit", *unit, "gal, qt, floz, oz, l, ml, lb, kg, g, tab")->required();
        sub->callback([&cli, id, chemical, amount, unit] {
            cli.write([&](Context& ctx) {
                int64_t sid = parse_id(*id, "ID");
                add_dose(ctx, sid, *chemical, parse_milli(*amount, "--amount"), *unit);
                return ticket_after(sid);
            });
        });
    }
    {
        auto id = cli.bound<std::string>();
        auto item = cli.bound<std::string>();
        auto qty = cli.bound<std::string>("1");
        auto* sub = cmd->add_subcommand("use", "Record an inventory item used (deducted from stock at submit)");
        sub->add_option("ID", *id, "Service id")->required();
        sub->add_option("ITEM", *item, "Item id, SKU or name")->required();
        sub->add_option("--qty", *qty, "Quantity, in the item's unit (default 1)");
        sub->callback([&cli, id, item, qty] {
            cli.write([&](Context& ctx) {
                int64_t sid = parse_id(*id, "ID");
                add_item_use(ctx, sid, resolve_item(ctx.store, *item), parse_milli(*qty, "--qty"));
                return ticket_after(sid);
            });
        });
    }
    {
        auto id = cli.bound<std::string>();
        auto text = cli.bound<std::string>();
        auto priv = cli.bound<bool>(false);
        auto* sub = cmd->add_subcommand("note", "Add a note: for the customer's report, or --private for the office only");
        sub->add_option("ID", *id, "Service id")->required();
        sub->add_option("--text", *text, "The note")->required();
        sub->add_flag("--private", *priv, "Keep it internal: never on the customer's report or notices");
        sub->callback([&cli, id, text, priv] {
            cli.write([&](Context& ctx) {
                int64_t sid = parse_id(*id, "ID");
                add_note(ctx, sid, *text, *priv);
                return ticket_after(sid);
            });
        });
    }
    {
        auto id = cli.bound<std::string>();
        auto files = cli.bound<std::vector<std::string>>();
        auto caption = cli.bound<std::string>();
        auto* sub = cmd->add_subcommand("photo", "Attach photos (stored once, by content)");
        sub->add_option("ID", *id, "Service id")->required();
        sub->add_option("FILE", *files, "JPEG, PNG, GIF or WebP files")->required();
        sub->add_option("--caption", *caption, "Caption");
        sub->callback([&cli, id, files, caption] {
            cli.write([&](Context& ctx) {
                int64_t sid = parse_id(*id, "ID");
                std::vector<Json> rows;
                for (const auto& f : *files) {
                    auto p = add_photo(ctx, sid, f, *caption);
                    rows.push_back({{"id", p.id}, {"file", f}, {"sha256", p.sha256}, {"media_type", p.media_type}, {"bytes", p.bytes},
                                    {"already_stored", p.already_stored}});
                }
                return records(std::move(rows), {"id", "file", "sha256", "media_type", "bytes", "already_stored"});
            });
        });
    }
    {
        auto id = cli.bound<std::string>();
        auto* sub = cmd->add_subcommand("recommend", "Chemical doses that bring the latest reading to target");
        sub->add_option("ID", *id, "Service id")->required();
        sub->callback([&cli, id] {
            cli.read([&](Context& ctx) {
                auto rows = service_recommendations(ctx, parse_id(*id, "ID"));
                return records(std::move(rows), recommendation_fields());
            });
        });
    }
    {
        struct SubmitOpts {
            std::string id;
            std::optional<std::string> gps, reason;
            bool force = false, email = false;
        };
        auto o = cli.bound<SubmitOpts>();
        auto* sub = cmd->add_subcommand("submit", "Complete the ticket: visit completed, stock deducted, billable lines recorded");
        sub->add_option("ID", o->id, "Service id")->required();
        add_opt(sub, "--gps", o->gps, "Where the technician is: LAT,LON");
        sub->add_flag("--force", o->force, "Submit although required checklist items are open (needs --reason)");
        add_opt(sub, "--reason", o->reason, "Why required items were left open");
        sub->add_flag("--email-report", o->email, "Queue the service report to the customer");
        sub->callback([&cli, o] {
            cli.write([&](Context& ctx) {
                if (o->force && !o->reason) fail(ErrorKind::Usage, "--force needs --reason");
                if (o->reason && !o->force) fail(ErrorKind::Usage, "--reason goes with --force");
                SubmitOptions s;
                s.gps = gps(o->gps);
                if (o->force) s.force_reason = o->reason;
                s.email_report = o->email;
                int64_t sid = parse_id(o->id, "ID");
                submit_service(ctx, sid, s);
                return ticket_after(sid);
            });
        });
    }
    {
        auto id = cli.bound<std::string>();
        auto a = cli.bound<Amendment>();
        auto* sub = cmd->add_subcommand("amend", "Change a submitted ticket (allowed roles only; audited)");
        sub->add_option("ID", *id, "Service id")->required();
        sub->add_option("--reason", a->reason, "Why the record changes")->required();
        sub->add_option("--note", a->notes, "Add a customer-facing note");
        sub->add_option("--private-note", a->private_notes, "Add a private note");
        sub->add_option("--check", a->check, "Mark a checklist item done");
        sub->add_option("--uncheck", a->uncheck, "Mark a checklist item not done");
        sub->callback([&cli, id, a] {
            cli.write([&](Context& ctx) {
                int64_t sid = parse_id(*id, "ID");
                amend_service(ctx, sid, *a);
                return ticket_after(sid);
            });
        });
    }
    {
        struct ListOpts {
            std::optional<std::string> from, to, worker, customer, pool, status;
            bool flagged = false;
            int64_t limit = 0;
        };
        auto o = cli.bound<ListOpts>();
        auto* sub = cmd->add_subcommand("list", "List service tickets");
        add_opt(sub, "--from", o->from, "Started on or after this day");
        add_opt(sub, "--to", o->to, "Started on or before this day");
        add_opt(sub, "--worker", o->worker, "Technician");
        add_opt(sub, "--customer", o->customer, "Customer");
        add_opt(sub, "--pool", o->pool, "Pool id");
        add_opt(sub, "--status", o->status, "open or submitted")->check(CLI::IsMember({"open", "submitted"}));
        sub->add_flag("--flagged", o->flagged, "Only tickets with readings out of range, GPS flags or forced submits");
        sub->add_option("--limit", o->limit, "At most this many")->check(k_count);
        sub->callback([&cli, o] {
            cli.read([&](Context& ctx) {
                ServiceFilter f;
                if (o->from) f.from = parse_day(*o->from, ctx.today(), "--from");
                if (o->to) f.to = parse_day(*o->to, ctx.today(), "--to");
                if (f.from && f.to && *f.to < *f.from) fail(ErrorKind::BadInput, "--to: before --from");
                if (o->worker) f.worker = resolve_worker(ctx.store, *o->worker);
                if (o->customer) f.customer = resolve_customer(ctx.store, *o->customer);
                if (o->pool) f.pool = parse_id(*o->pool, "--pool");
                f.status = o->status;
                f.flagged = o->flagged;
                f.limit = o->limit;
                std::vector<Json> rows;
                for (const auto& s : list_services(ctx, f)) rows.push_back(service_json(s));
                return records(std::move(rows), service_fields(), k_table);
            });
        });
    }
    {
        auto id = cli.bound<std::string>();
        auto* sub = cmd->add_subcommand("show", "Show a ticket with the pool's previous visits");
        sub->add_option("ID", *id, "Service id")->required();
        sub->callback([&cli, id] { cli.read([&](Context& ctx) { return ticket(ctx, parse_id(*id, "ID")); }); });
    }
    {
        auto id = cli.bound<std::string>();
        auto format = cli.bound<std::string>("text");
        auto* sub = cmd->add_subcommand("report", "The service report the customer receives");
        sub->add_option("ID", *id, "Service id")->required();
        sub->add_option("--format", *format, "text, md, html or json")->check(CLI::IsMember({"text", "md", "html", "json"}));
        sub->callback([&cli, id, format] {
            cli.read([&](Context& ctx) {
                int64_t sid = parse_id(*id, "ID");
                if (cli.g.output != "table" && *format == "text") {
                    // -o json|jsonl|csv: the report as a record, one array like every command's.
                    Json d = service_report_data(ctx, sid);
                    std::vector<std::string> fields;
                    for (auto it = d.begin(); it != d.end(); ++it) fields.push_back(it.key());
                    return detail(std::move(d), std::move(fields));
                }
                Output o;
                o.text = render_service_report(ctx, sid, *format);
                return o;
            });
        });
    }
}

}  // namespace pom::cli
