// pom customer add|list|show|edit|import
#include "cli.h"
#include "customer.h"
#include "error.h"
#include "pool.h"

#include <filesystem>
#include <fstream>
#include <iostream>

namespace pom::cli {

namespace {

const std::vector<std::string> k_table = {"id", "ref", "name", "status", "phone", "email", "city", "tags"};

void add_field_options(CLI::App* sub, CustomerFields& f, bool creating) {
    auto* name = add_opt(sub, "--name", f.name, "Customer's name");
    if (creating) name->required();
    add_opt(sub, "--company", f.company, "Company name");
    add_opt(sub, "--ref", f.ref, "External reference (unique; used by imports and accounting)");
    add_opt(sub, "--status", f.status, "lead, active or inactive")->check(CLI::IsMember({"lead", "active", "inactive"}));
    sub->add_option_function<std::vector<std::string>>(
        "--email", [&f](const std::vector<std::string>& v) { f.emails = v; },
        creating ? "Email address (repeat for several; opted in to email notices)"
                 : "Email address (repeat; replaces the list)");
    sub->add_option_function<std::vector<std::string>>(
        "--phone", [&f](const std::vector<std::string>& v) { f.phones = v; },
        creating ? "Phone number (repeat for several; not opted in to SMS unless --opt-in)"
                 : "Phone number (repeat; replaces the list)");
    sub->add_option("--opt-in", f.opt_in, "Opt this email or phone in to notices (SMS for phones)");
    sub->add_option("--opt-out", f.opt_out, "Opt this email or phone out of notices");
    add_opt(sub, "--street", f.street, "Billing address: street");
    add_opt(sub, "--city", f.city, "Billing address: city");
    add_opt(sub, "--state", f.state, "Billing address: state");
    add_opt(sub, "--zip", f.zip, "Billing address: postal code");
    add_opt(sub, "--notes", f.notes, "Notes about the customer (internal)");
    sub->add_option("--tag", f.tags, "Tag to add (repeat for several)");
    add_opt(sub, "--preferred-day", f.preferred_day, "The customer's service day, which route plan keeps: mon..sun, or none");
}

Json customer_detail(Store& store, int64_t id) {
    Json j = customer_json(get_customer(store, id));
    Json pools = Json::array();
    for (const auto& p : list_pools(store, id, true))
        pools.push_back({{"id", p.id},
                         {"name", p.name},
                         {"body", p.body},
                         {"gallons", p.gallons ? Json(*p.gallons) : Json(nullptr)},
                         {"street", p.street.empty() ? Json(nullptr) : Json(p.street)},
                         {"city", p.city.empty() ? Json(nullptr) : Json(p.city)},
                         {"active", p.active}});
    j["pools"] = pools;
    return j;
}

std::vector<std::string> detail_fields() {
    auto f = customer_fields();
    f.push_back("pools");
    return f;
}

}  // namespace

void register_customer(CLI::App& app, Cli& cli) {
    auto* cmd = app.add_subcommand("customer", "Customers: add, list, show, edit, import");
    cmd->require_subcommand(1);

    {
        auto f = cli.bound<CustomerFields>();
        auto* sub = cmd->add_subcommand("add", "Add a customer; prints the new record");
        add_field_options(sub, *f, true);
        sub->callback([&cli, f] {
            cli.write([&](Context& ctx) {
                Customer added;
                add_customer(ctx, *f, &added);
                return detail(customer_json(added), customer_fields());
            });
        });
    }
    {
        auto f = cli.bound<CustomerFilter>();
        auto* sub = cmd->add_subcommand("list", "List customers, by name");
        add_opt(sub, "--status", f->status, "Only this status: lead, active, inactive")
            ->check(CLI::IsMember({"lead", "active", "inactive"}));
        add_opt(sub, "--search", f->search, "Text in the name, company, ref, email or phone");
        add_opt(sub, "--tag", f->tag, "Only customers carrying this tag");
        sub->add_option("--limit", f->limit, "At most this many")->check(k_count);
        sub->callback([&cli, f] {
            cli.read([&](Context& ctx) {
                if (auto format = cli.json_text_format()) {
                    // Thousands of customers: each written as text as it is read, without a copy
                    // of the customer or a document.
                    JsonRecords out(*format, static_cast<size_t>(f->limit > 0 ? f->limit : count_customers(ctx.store)));
                    for_each_customer(ctx.store, *f, [&](const CustomerView& c) {
                        out.add([&](JsonWriter& w) { write_customer(w, c); });
                    });
                    Output o;
                    o.text = out.take();
                    return o;
                }
                auto list = list_customers(ctx.store, *f);
                std::vector<Json> rows;
                rows.reserve(list.size());
                for (const auto& c : list) rows.push_back(customer_json(c));
                return records(std::move(rows), customer_fields(), k_table);
            });
        });
    }
    {
        auto key = cli.bound<std::string>();
        auto* sub = cmd->add_subcommand("show", "Show one customer with contacts, tags and pools");
        sub->add_option("CUSTOMER", *key, "Id, ref or name")->required();
        sub->callback([&cli, key] {
            cli.read([&](Context& ctx) {
                return detail(customer_detail(ctx.store, resolve_customer(ctx.store, *key)), detail_fields());
            });
        });
    }
    {
        auto key = cli.bound<std::string>();
        auto f = cli.bound<CustomerFields>();
        auto* sub = cmd->add_subcommand("edit", "Change a customer; prints the record");
        sub->add_option("CUSTOMER", *key, "Id, ref or name")->required();
        add_field_options(sub, *f, false);
        sub->callback([&cli, key, f] {
            cli.write([&](Context& ctx) {
                int64_t id = resolve_customer(ctx.store, *key);
                bool changed = edit_customer(ctx, id, *f);
                Output o = detail(customer_json(get_customer(ctx.store, id)), customer_fields());
                if (!changed) o.note = "nothing changed";
                return o;
            });
        });
    }
    {
        auto file = cli.bound<std::string>();
        auto opts = cli.bound<ImportOptions>();
        auto* sub = cmd->add_subcommand("import", "Add or update customers from CSV, matched by ref (all rows or none; --dry-run: what each row would do)");
        sub->add_option("FILE", *file, "CSV file, or - for standard input")->required();
        sub->add_option("--map", opts->map,
                        "Read the file's column as one of pom's: \"Customer ID=ref,Full Name=name\" (repeat or separate by commas)");
        sub->add_flag("--ignore-unknown", opts->ignore_unknown, "Skip columns pom does not know (named in the result) instead of refusing");
        sub->callback([&cli, file, opts] {
            cli.write([&](Context& ctx) {
                ImportResult r;
                opts->row_outcomes = cli.g.dry_run;
                if (*file == "-") {
                    r = import_customers(ctx, std::cin, "stdin", *opts);
                } else {
                    std::error_code ec;
                    if (std::filesystem::is_directory(*file, ec)) fail(ErrorKind::NoInput, "cannot read " + *file + ": it is a directory");
                    std::ifstream in(*file, std::ios::binary);
                    if (!in) fail(ErrorKind::NoInput, "cannot read " + *file);
                    r = import_customers(ctx, in, *file, *opts);
                }
                if (opts->row_outcomes) return records(std::move(r.outcomes), import_outcome_fields());
                Output o = detail({{"rows", r.rows}, {"created", r.created}, {"updated", r.updated}, {"unchanged", r.unchanged},
                                   {"ignored", r.ignored}},
                                  {"rows", "created", "updated", "unchanged", "ignored"});
                o.rows.id_field = "rows";
                return o;
            });
        });
    }
}

}  // namespace pom::cli
