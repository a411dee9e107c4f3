// pom bill: billing plans, extras, invoice runs, issuing, credit notes, payments, aging, exports
#include "billing.h"
#include "billing_report.h"
#include "cli.h"
#include "customer.h"
#include "error.h"
#include "invoice_export.h"
#include "payment.h"
#include "invoice_send.h"
#include "text_check.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace pom::cli {

namespace {

const std::vector<std::string> k_invoice_table = {"id",    "number", "kind",    "status",  "customer", "period",
                                                  "issue_date", "due_date", "total", "balance"};
const std::vector<std::string> k_line_table = {"id", "customer", "kind", "description", "quantity", "unit_price", "amount",
                                               "service_date", "invoice"};

Output invoice_rows(Context& ctx, const std::vector<int64_t>& ids) {
    return records(invoice_jsons(ctx, ids), invoice_fields(), k_invoice_table);
}

struct PlanOptions {
    std::string customer;
    PlanFields f;
    std::optional<std::string> monthly;
};

struct ExtraOptions {
    std::string customer, description, amount;
    std::optional<std::string> quantity, unit, date, key;
    bool taxable = false;
};

struct ExportOptions {
    ExportSelection sel;
    std::optional<std::string> out;
};

/// FILE, or FILE-1.csv, FILE-2.csv … when an export takes several files.
std::string part_name(const std::string& path, int index, int files) {
    if (files <= 1) return path;
    std::filesystem::path p(path);
    std::string stem = p.stem().string(), ext = p.extension().string();
    return (p.parent_path() / (stem + "-" + std::to_string(index + 1) + ext)).string();
}

std::string control_totals(const ExportResult& r) {
    if (r.payments)
        return (r.batch_id ? "batch " + std::to_string(r.batch_id) + " " : std::string()) + "(" + r.format + ", payments): " +
               std::to_string(r.invoices) + " records, " + std::to_string(r.lines) + " rows, received " + format_money(r.total) + ", " +
               std::to_string(r.bytes) + " bytes, sha256 " + r.sha256;
    std::string s = (r.batch_id ? "batch " + std::to_string(r.batch_id) + " " : std::string()) + "(" + r.format + "): " +
                    std::to_string(r.invoices) + " invoices, " + std::to_string(r.lines) + " lines, total " +
                    format_money(r.total) + ", tax " + format_money(r.tax) + ", " + std::to_string(r.bytes) + " bytes, sha256 " +
                    r.sha256;
    if (r.files.size() > 1)
        for (size_t i = 0; i < r.files.size(); ++i)
            s += "\n  file " + std::to_string(i + 1) + ": " + std::to_string(r.files[i].invoices) + " invoices, sha256 " +
                 r.files[i].sha256;
    return s;
}

/// "2 invoices queued (pom notify send delivers them), 1 skipped: …" for the outbox commands.
std::string outbox_note(const std::vector<Json>& rows, const std::string& what) {
    int64_t queued = 0, skipped = 0, already = 0;
    std::string why;
    for (const auto& r : rows) {
        if (r["status"] == "queued") ++queued;
        else if (r["status"] == "already") ++already;
        else {
            ++skipped;
            if (why.empty()) why = r["number"].get<std::string>() + ": " + r["reason"].get<std::string>();
        }
    }
    std::string s = std::to_string(queued) + " " + what + (queued == 1 ? "" : "s") + " queued";
    if (queued) s += " (pom notify send delivers them)";
    if (already) s += ", " + std::to_string(already) + " queued before";
    if (skipped) s += ", " + std::to_string(skipped) + " skipped (" + why + (skipped > 1 ? ", …" : "") + ")";
    return s;
}

}  // namespace

void register_bill(CLI::App& app, Cli& cli) {
    auto* cmd = app.add_subcommand("bill", "Billing: plans, invoice runs, issuing, payments, credit notes, aging, exports");
    cmd->require_subcommand(1);

    // ---- plans
    {
        auto* plan = cmd->add_subcommand("plan", "A customer's billing plan: set, show");
        plan->require_subcommand(1);
        auto o = cli.bound<PlanOptions>();
        auto* set = plan->add_subcommand("set", "Create or change a customer's billing plan; prints the plan");
        set->add_option("--customer", o->customer, "Customer: id, ref or name")->required();
        set->add_option("--per-visit", o->f.per_visit, "Price per visit of a service type: maintenance=45.00 (repeat; TYPE= removes it)");
        add_opt(set, "--monthly", o->monthly, "Flat monthly fee");
        set->add_flag("--no-monthly", o->f.no_monthly, "Remove the flat monthly fee");
        add_opt(set, "--monthly-billing", o->f.monthly_timing, "Bill the monthly fee in advance or after the month (arrears)")
            ->check(CLI::IsMember({"advance", "arrears"}));
        add_opt(set, "--monthly-description", o->f.monthly_description, "Text of the monthly line (the month is added)");
        add_opt(set, "--start", o->f.starts_on, "First day of the plan; monthly fees start with its month");
        add_opt(set, "--chemicals", o->f.chemicals, "Chemicals used: billed or included in the price")
            ->check(CLI::IsMember({"billed", "included"}));
        add_opt(set, "--parts", o->f.parts, "Parts used: billed or included in the price")->check(CLI::IsMember({"billed", "included"}));
        add_opt(set, "--visits", o->f.visits, "Visits: billed on top of the flat monthly fee, or included in it")
            ->check(CLI::IsMember({"billed", "included"}));
        add_opt(set, "--terms", o->f.terms, "Payment terms: \"net 15\", \"due on receipt\" (empty: the company's default)");
        add_bool(set, "--tax-exempt,!--no-tax-exempt", o->f.tax_exempt, "The customer pays no sales tax");
        add_opt(set, "--tax-rate", o->f.tax_rate, "A named rate from [tax.rates] (empty: the default rate)");
        set->callback([&cli, o] {
            cli.write([&](Context& ctx) {
                int64_t id = resolve_customer(ctx.store, o->customer);
                PlanFields f = o->f;
                if (o->monthly) f.monthly = parse_money(*o->monthly, "--monthly");
                bool changed = set_plan(ctx, id, f);
                Output out = detail(plan_json(ctx, id), plan_fields());
                out.rows.id_field = "customer_id";
                if (!changed) out.note = "nothing changed";
                return out;
            });
        });
        auto customer = cli.bound<std::string>();
        auto* show = plan->add_subcommand("show", "Show a customer's billing plan (the company's defaults when none)");
        show->add_option("--customer", *customer, "Customer: id, ref or name")->required();
        show->callback([&cli, customer] {
            cli.read([&](Context& ctx) {
                Output out = detail(plan_json(ctx, resolve_customer(ctx.store, *customer)), plan_fields());
                out.rows.id_field = "customer_id";
                return out;
            });
        });
    }

    // ---- extras and lines
    {
        auto* extra = cmd->add_subcommand("extra", "Lines the office bills by hand: add");
        extra->require_subcommand(1);
        auto o = cli.bound<ExtraOptions>();
        auto* add = extra->add_subcommand("add", "Add an extra billable line; the next run bills it");
        add->add_option("--customer", o->customer, "Customer: id, ref or name")->required();
        add->add_option("--description", o->description, "What is billed")->required();
        add->add_option("--amount", o->amount, "Unit price (with --quantity) or the amount")->required();
        add_opt(add, "--quantity", o->quantity, "Quantity (default 1)");
        add_opt(add, "--unit", o->unit, "What the quantity counts, shown beside it on the invoice (hour, bag, visit)");
        add->add_flag("--taxable", o->taxable, "Sales tax applies");
        add_opt(add, "--date", o->date, "Service date (default today)");
        add_opt(add, "--key", o->key, "Idempotency key: a second add with the same key adds nothing");
        add->callback([&cli, o] {
            cli.write([&](Context& ctx) {
                ExtraFields f;
                f.customer_id = resolve_customer(ctx.store, o->customer);
                f.description = o->description;
                f.unit_price = parse_money(o->amount, "--amount");
                if (o->quantity) f.quantity_milli = parse_milli(*o->quantity, "--quantity");
                if (o->unit) f.unit = parse_unit(*o->unit, "--unit");
                f.taxable = o->taxable;
                f.date = o->date;
                f.key = o->key;
                auto [id, created] = add_extra(ctx, f);
                Output out = detail(billable_line_json(ctx.store, id), billable_line_fields());
                if (!created) out.note = "key already used: line " + std::to_string(id) + " was added before";
                return out;
            });
        });

        struct LinesOptions {
            std::optional<std::string> customer;
            LineFilter f;
        };
        auto lo = cli.bound<LinesOptions>();
        auto* lines = cmd->add_subcommand("lines", "List billable lines (from services, monthly plans and extras)");
        add_opt(lines, "--customer", lo->customer, "Customer: id, ref or name");
        lines->add_flag("--unbilled", lo->f.unbilled, "Only lines on no invoice yet");
        lines->add_option("--limit", lo->f.limit, "At most this many")->check(k_count);
        lines->callback([&cli, lo] {
            cli.read([&](Context& ctx) {
                LineFilter f = lo->f;
                if (lo->customer) f.customer_id = resolve_customer(ctx.store, *lo->customer);
                return records(list_billable_lines(ctx.store, f), billable_line_fields(), k_line_table);
            });
        });
    }

    // ---- runs and issuing
    {
        struct RunCli {
            RunOptions r;
            std::optional<std::string> customer;
        };
        auto o = cli.bound<RunCli>();
        auto* run = cmd->add_subcommand("run", "Gather unbilled lines into one draft invoice per customer and period");
        add_opt(run, "--period", o->r.period, "A month: 2026-11");
        add_opt(run, "--through", o->r.through, "Every unbilled line up to this day");
        add_opt(run, "--customer", o->customer, "Only this customer: id, ref or name");
        run->add_flag("--issue", o->r.issue, "Issue the invoices made (numbers them)");
        run->add_flag("--force", o->r.force, "Bill a period that has not ended as if it had (its monthly fees in arrears)");
        add_opt(run, "--issue-date", o->r.issue_date, "With --issue: the invoices' date (default: billing.issue_date, today or period-end)");
        run->callback([&cli, o] {
            cli.write([&](Context& ctx) {
                RunOptions r = o->r;
                if (o->customer) r.customer_id = resolve_customer(ctx.store, *o->customer);
                std::vector<std::string> notes;
                auto ids = run_invoices(ctx, r, &notes);
                Output out = invoice_rows(ctx, ids);
                out.note = std::to_string(ids.size()) + (ids.size() == 1 ? " invoice" : " invoices") + (r.issue ? " issued" : " drafted");
                for (const auto& n : notes) out.note += "\n" + n;
                return out;
            });
        });

        struct IssueCli {
            std::vector<std::string> keys;
            bool all = false;
            std::optional<std::string> customer, issue_date;
        };
        auto io = cli.bound<IssueCli>();
        auto* issue = cmd->add_subcommand("issue", "Issue draft invoices: each takes the next number of the series");
        issue->add_option("INVOICE", io->keys, "Draft invoice ids");
        issue->add_flag("--all", io->all, "Every draft (with --customer: that customer's)");
        add_opt(issue, "--customer", io->customer, "With --all: only this customer's drafts");
        add_opt(issue, "--issue-date", io->issue_date, "The invoices' date (default: billing.issue_date, today or period-end)");
        issue->callback([&cli, io] {
            cli.write([&](Context& ctx) {
                if (io->all == !io->keys.empty()) fail(ErrorKind::Usage, "name draft invoices or give --all");
                std::vector<int64_t> ids;
                if (io->all) {
                    std::optional<int64_t> c;
                    if (io->customer) c = resolve_customer(ctx.store, *io->customer);
                    ids = draft_ids(ctx.store, c);
                } else {
                    if (io->customer) fail(ErrorKind::Usage, "--customer goes with --all");
                    for (const auto& k : io->keys) ids.push_back(resolve_invoice(ctx.store, k));
                }
                issue_invoices(ctx, ids, io->issue_date);
                Output out = invoice_rows(ctx, ids);
                out.note = std::to_string(ids.size()) + (ids.size() == 1 ? " invoice" : " invoices") + " issued";
                return out;
            });
        });
    }

    // ---- reading
    {
        struct ListCli {
            InvoiceFilter f;
            std::optional<std::string> customer;
        };
        auto o = cli.bound<ListCli>();
        auto* list = cmd->add_subcommand("list", "List invoices and credit notes (issued by number, then drafts)");
        add_opt(list, "--status", o->f.status, "draft, open, paid, void (credit notes: issued)")
            ->check(CLI::IsMember({"draft", "open", "paid", "void", "issued"}));
        add_opt(list, "--customer", o->customer, "Customer: id, ref or name");
        add_opt(list, "--from", o->f.from, "Issued on or after this day (drafts: period end)");
        add_opt(list, "--to", o->f.to, "Issued on or before this day");
        list->add_flag("--overdue", o->f.overdue, "Only open invoices past their due date");
        list->add_option("--limit", o->f.limit, "At most this many")->check(k_count);
        list->callback([&cli, o] {
            cli.read([&](Context& ctx) {
                InvoiceFilter f = o->f;
                if (o->customer) f.customer_id = resolve_customer(ctx.store, *o->customer);
                return records(list_invoices(ctx, f), invoice_fields(), k_invoice_table);
            });
        });

        struct ShowCli {
            std::string key;
            std::string format = "text";
        };
        auto so = cli.bound<ShowCli>();
        auto* show = cmd->add_subcommand("show", "The invoice as the customer receives it");
        show->add_option("INVOICE", so->key, "Invoice number (INV-000123) or id")->required();
        show->add_option("--format", so->format, "text, html (standalone, printable) or json")->check(CLI::IsMember({"text", "html", "json"}));
        show->callback([&cli, so] {
            cli.read([&](Context& ctx) {
                Json d = invoice_detail(ctx, resolve_invoice(ctx.store, so->key));
                if (cli.g.output != "table") return detail(d, invoice_detail_fields());
                if (so->format == "json") {
                    // --format json means JSON whatever -o says: the same array -o json prints.
                    Output out = detail(d, invoice_detail_fields());
                    if (!cli.g.fields.empty()) return out;
                    out.text = render(out.rows, Format::json);
                    return out;
                }
                Output out;
                out.text = so->format == "html" ? invoice_html(d) : invoice_text(d);
                return out;
            });
        });

        auto as_of = cli.bound<std::string>("today");
        auto* aging_cmd = cmd->add_subcommand("aging", "Open balances per customer by days past due, with totals");
        aging_cmd->add_option("--as-of", *as_of, "The day to age at (default today)");
        aging_cmd->callback([&cli, as_of] {
            cli.read([&](Context& ctx) {
                Output out = records(aging(ctx, *as_of), aging_fields(),
                                     {"customer", "current", "days_1_30", "days_31_60", "days_61_90", "days_over_90", "total", "credit"});
                out.rows.id_field = "customer_id";
                return out;
            });
        });
    }

    // ---- discounts and adjustments on drafts
    {
        struct AdjustCli {
            std::string key, reason;
            std::optional<std::string> amount, percent;
        };
        auto add_adjust = [&](const char* name, const char* help, bool discount) {
            auto o = cli.bound<AdjustCli>();
            auto* sub = cmd->add_subcommand(name, help);
            sub->add_option("INVOICE", o->key, "Draft invoice id")->required();
            sub->add_option("--reason", o->reason, "Why (printed on the line)")->required();
            add_opt(sub, "--amount", o->amount,
                    discount ? "The discount: an amount off (10.00)" : "The adjustment: negative reduces (--amount=-10.00), positive adds");
            if (discount) add_opt(sub, "--percent", o->percent, "The discount: a percentage of the draft's lines (10, 12.5)");
            sub->callback([&cli, o, discount] {
                cli.write([&](Context& ctx) {
                    AdjustFields f;
                    f.discount = discount;
                    f.reason = o->reason;
                    if (o->amount) f.amount = parse_money(*o->amount, "--amount", true);
                    if (o->percent) f.percent_micro = parse_milli(*o->percent, "--percent") * 10;
                    int64_t id = resolve_invoice(ctx.store, o->key);
                    adjust_draft(ctx, id, f);
                    return invoice_rows(ctx, {id});
                });
            });
        };
        add_adjust("discount", "A discount line on a draft: --percent or --amount, with a reason; tax shrinks with it", true);
        add_adjust("adjust", "An adjustment line on a draft (negative reduces), with a reason; never below zero in total", false);
    }

    // ---- void, credit, pay
    {
        struct VoidCli {
            std::string key, reason;
        };
        auto vo = cli.bound<VoidCli>();
        auto* v = cmd->add_subcommand("void", "Void an invoice: a draft is discarded, an issued one gets a credit note reversing it");
        v->add_option("INVOICE", vo->key, "Invoice number or id")->required();
        v->add_option("--reason", vo->reason, "Why")->required();
        v->callback([&cli, vo] {
            cli.write([&](Context& ctx) {
                int64_t id = resolve_invoice(ctx.store, vo->key);
                int64_t cn = void_invoice(ctx, id, vo->reason);
                if (cn == 0) {
                    Output out = records({}, invoice_fields(), k_invoice_table);
                    out.note = "draft " + std::to_string(id) + " discarded; its lines go to the next run";
                    return out;
                }
                return invoice_rows(ctx, {id, cn});
            });
        });

        struct CreditCli {
            std::string key, reason;
            std::vector<int64_t> lines;
            std::optional<std::string> amount;
            bool tax_included = false, no_tax = false;
        };
        auto co = cli.bound<CreditCli>();
        auto* c = cmd->add_subcommand("credit", "A partial credit note: some lines of an invoice, or an amount");
        c->add_option("INVOICE", co->key, "Invoice number or id")->required();
        c->add_option("--reason", co->reason, "Why")->required();
        c->add_option("--line", co->lines, "Line number on the invoice (repeat)");
        add_opt(c, "--amount", co->amount, "An amount to credit before tax; the tax it carried is credited too");
        c->add_flag("--tax-included", co->tax_included, "With --amount: the amount includes its tax");
        c->add_flag("--no-tax", co->no_tax, "With --amount: credit no tax");
        c->callback([&cli, co] {
            cli.write([&](Context& ctx) {
                int64_t id = resolve_invoice(ctx.store, co->key);
                std::optional<Cents> amount;
                if (co->amount) amount = parse_money(*co->amount, "--amount");
                if (co->tax_included && co->no_tax) fail(ErrorKind::Usage, "--tax-included and --no-tax cannot go together");
                CreditTax tax = co->tax_included ? CreditTax::included : co->no_tax ? CreditTax::none : CreditTax::proportional;
                int64_t cn = credit_invoice(ctx, id, co->reason, co->lines, amount, tax);
                return invoice_rows(ctx, {id, cn});
            });
        });

        struct PayCli {
            std::string key, amount, method;
            std::string date = "today";
            std::optional<std::string> ref, reason, customer;
            std::vector<std::string> invoices;
            bool credit = false, force = false, unapplied = false;
        };
        auto po = cli.bound<PayCli>();
        auto* p = cmd->add_subcommand("pay", "Record a payment of an issued invoice (partial too), or of a customer over several invoices");
        p->add_option("INVOICE", po->key, "Invoice number or id (or give --customer)");
        p->add_option("--amount", po->amount, "Amount paid")->required();
        p->add_option("--method", po->method, "cash, check, card, ach or other")->required();
        p->add_option("--date", po->date, "Day paid (default today)");
        add_opt(p, "--ref", po->ref, "Check number, transaction id …");
        p->add_flag("--credit", po->credit, "Keep what exceeds the balance as customer credit");
        p->add_flag("--force", po->force, "Accept a payment dated before its invoice (with --reason)");
        add_opt(p, "--reason", po->reason, "With --force: why (kept in the audit log)");
        add_opt(p, "--customer", po->customer, "A customer's payment: applied to --invoice in order, or to open invoices oldest first");
        p->add_option("--invoice", po->invoices, "With --customer: an invoice to apply it to (repeat; in this order)");
        p->add_flag("--unapplied", po->unapplied, "With --customer: apply nothing now, keep it all as credit");
        p->callback([&cli, po] {
            cli.write([&](Context& ctx) {
                if (po->customer) {
                    if (!po->key.empty()) fail(ErrorKind::Usage, "give INVOICE or --customer, not both (--invoice names the invoices)");
                    if (po->force || po->reason) fail(ErrorKind::Usage, "--force goes with INVOICE, not --customer");
                    CustomerPaymentFields f;
                    f.customer_id = resolve_customer(ctx.store, *po->customer);
                    f.amount = parse_money(po->amount, "--amount");
                    f.method = po->method;
                    f.date = po->date;
                    f.ref = po->ref;
                    f.credit = po->credit;
                    f.unapplied = po->unapplied;
                    for (const auto& k : po->invoices) f.invoices.push_back(resolve_invoice(ctx.store, k));
                    Json pj = payment_detail(ctx.store, record_customer_payment(ctx, f));
                    Output out = detail(pj, payment_detail_fields());
                    out.note = "payment " + std::to_string(pj["id"].get<int64_t>()) + ": applied " + pj["applied"].get<std::string>() +
                               (pj["invoices"] != "" ? " to " + pj["invoices"].get<std::string>() : std::string()) +
                               (pj["unapplied"] != "0.00" ? ", customer credit " + pj["unapplied"].get<std::string>() : "");
                    return out;
                }
                if (po->key.empty()) fail(ErrorKind::Usage, "name the invoice paid, or give --customer");
                if (!po->invoices.empty() || po->unapplied) fail(ErrorKind::Usage, "--invoice and --unapplied go with --customer");
                PaymentFields f;
                f.amount = parse_money(po->amount, "--amount");
                f.method = po->method;
                f.date = po->date;
                f.ref = po->ref;
                f.credit = po->credit;
                f.force = po->force;
                f.reason = po->reason;
                int64_t id = record_payment(ctx, resolve_invoice(ctx.store, po->key), f);
                Json pj = payment_json(ctx.store, id);
                Output out = detail(pj, payment_fields());
                out.note = pj["invoice"].get<std::string>() + ": balance " + invoice_json(ctx, pj["invoice_id"].get<int64_t>())["balance"].get<std::string>() +
                           (pj["credit"] != "0.00" ? ", customer credit " + pj["credit"].get<std::string>() : "");
                return out;
            });
        });
    }

    // ---- customer credit, refunds, write-offs, the deposit report, statements
    {
        struct ApplyCli {
            std::string key;
            std::string date = "today";
            std::optional<std::string> amount;
        };
        auto ao = cli.bound<ApplyCli>();
        auto* ap = cmd->add_subcommand("apply-credit", "Apply the customer's credit (unapplied payments, credit-note surplus) to an open invoice");
        ap->add_option("INVOICE", ao->key, "Invoice number or id")->required();
        add_opt(ap, "--amount", ao->amount, "Apply this much (default: as much of the balance as the credit covers)");
        ap->add_option("--date", ao->date, "Day applied (default today)");
        ap->callback([&cli, ao] {
            cli.write([&](Context& ctx) {
                int64_t id = resolve_invoice(ctx.store, ao->key);
                std::optional<Cents> amount;
                if (ao->amount) amount = parse_money(*ao->amount, "--amount");
                Output out = records(apply_credit(ctx, id, amount, ao->date), application_fields());
                Json inv = invoice_json(ctx, id);
                out.note = inv["number"].get<std::string>() + ": balance " + inv["balance"].get<std::string>() + ", customer credit left " +
                           format_money(customer_credit(ctx.store, inv["customer_id"].get<int64_t>()));
                return out;
            });
        });

        struct RefundCli {
            std::string customer, amount, method, reason;
            std::string date = "today";
            std::optional<std::string> ref;
        };
        auto ro = cli.bound<RefundCli>();
        auto* rf = cmd->add_subcommand("refund", "Pay a customer's credit back to them");
        rf->add_option("CUSTOMER", ro->customer, "Customer: id, ref or name")->required();
        rf->add_option("--amount", ro->amount, "Amount paid back")->required();
        rf->add_option("--method", ro->method, "cash, check, card, ach or other")->required();
        rf->add_option("--reason", ro->reason, "Why")->required();
        rf->add_option("--date", ro->date, "Day paid back (default today)");
        add_opt(rf, "--ref", ro->ref, "Check number, transaction id …");
        rf->callback([&cli, ro] {
            cli.write([&](Context& ctx) {
                RefundFields f;
                f.customer_id = resolve_customer(ctx.store, ro->customer);
                f.amount = parse_money(ro->amount, "--amount");
                f.method = ro->method;
                f.reason = ro->reason;
                f.date = ro->date;
                f.ref = ro->ref;
                Output out = detail(refund_json(ctx.store, refund_credit(ctx, f)), refund_fields());
                out.note = "customer credit left " + format_money(customer_credit(ctx.store, f.customer_id));
                return out;
            });
        });

        struct WriteOffCli {
            std::string key, reason;
            std::string date = "today";
            std::optional<std::string> amount;
        };
        auto wo = cli.bound<WriteOffCli>();
        auto* w = cmd->add_subcommand("write-off", "Close (part of) an invoice's balance into the write-off account ([billing] write_off_account)");
        w->add_option("INVOICE", wo->key, "Invoice number or id")->required();
        add_opt(w, "--amount", wo->amount, "Write off this much (default: the whole balance)");
        w->add_option("--reason", wo->reason, "Why")->required();
        w->add_option("--date", wo->date, "Day written off (default today)");
        w->callback([&cli, wo] {
            cli.write([&](Context& ctx) {
                WriteOffFields f;
                f.invoice_id = resolve_invoice(ctx.store, wo->key);
                if (wo->amount) f.amount = parse_money(*wo->amount, "--amount");
                f.reason = wo->reason;
                f.date = wo->date;
                Output out = detail(write_off_json(ctx.store, write_off_invoice(ctx, f)), write_off_fields());
                Json inv = invoice_json(ctx, f.invoice_id);
                out.note = inv["number"].get<std::string>() + ": balance " + inv["balance"].get<std::string>();
                return out;
            });
        });

        struct PaymentsCli {
            PaymentFilter f;
            std::optional<std::string> customer;
            bool totals = false;
        };
        auto lo = cli.bound<PaymentsCli>();
        auto* pl = cmd->add_subcommand("payments", "The deposit report: payments received with their applications; --totals per method and reference");
        add_opt(pl, "--from", lo->f.from, "Paid on or after this day");
        add_opt(pl, "--to", lo->f.to, "Paid on or before this day");
        add_opt(pl, "--method", lo->f.method, "Only this method: cash, check, card, ach, other");
        add_opt(pl, "--customer", lo->customer, "Customer: id, ref or name");
        add_opt(pl, "--ref", lo->f.ref, "Only this deposit reference or check number");
        pl->add_flag("--totals", lo->totals, "Totals per method, per deposit reference, and in all, instead of the payments");
        pl->callback([&cli, lo] {
            cli.read([&](Context& ctx) {
                PaymentFilter f = lo->f;
                if (lo->customer) f.customer_id = resolve_customer(ctx.store, *lo->customer);
                auto rows = list_payments(ctx, f);
                auto totals = payment_totals(rows);
                std::string note = std::to_string(rows.size()) + (rows.size() == 1 ? " payment, " : " payments, ") + "total " +
                                   totals.back()["amount"].get<std::string>();
                Output out = lo->totals ? records(std::move(totals), payment_total_fields())
                                        : records(std::move(rows), payment_detail_fields(),
                                                  {"id", "date", "customer", "method", "ref", "amount", "applied", "unapplied", "invoices"});
                out.note = note;
                return out;
            });
        });

        struct StatementCli {
            std::string customer;
            std::optional<std::string> from, to;
            std::string format = "text";
        };
        auto so = cli.bound<StatementCli>();
        auto* st = cmd->add_subcommand("statement", "A customer's statement: opening balance, every invoice, payment, credit, refund and write-off, closing balance");
        st->add_option("CUSTOMER", so->customer, "Customer: id, ref or name")->required();
        add_opt(st, "--from", so->from, "First day (default: from the first invoice)");
        add_opt(st, "--to", so->to, "Last day (default today)");
        st->add_option("--format", so->format, "text, html (standalone, printable) or json")->check(CLI::IsMember({"text", "html", "json"}));
        st->callback([&cli, so] {
            cli.read([&](Context& ctx) {
                Json s = statement(ctx, resolve_customer(ctx.store, so->customer), so->from, so->to);
                Output out = detail(s, statement_fields());
                out.rows.id_field = "customer_id";
                if (cli.g.output != "table") return out;
                if (so->format == "json") {
                    if (!cli.g.fields.empty()) return out;
                    out.text = render(out.rows, Format::json);
                    return out;
                }
                Output text;
                text.text = so->format == "html" ? statement_html(s) : statement_text(s);
                return text;
            });
        });
    }

    // ---- reports: sales tax and revenue
    {
        auto to = cli.bound<ReportPeriod>();
        to->by = "month";
        auto* tax = cmd->add_subcommand("tax-report", "Sales tax collected by rate and month: taxable and exempt sales, credits netted");
        tax->add_option("--from", to->from, "First day of issue")->required();
        tax->add_option("--to", to->to, "Last day of issue")->required();
        tax->add_option("--by", to->by, "month (default) or rate (one row per rate for the whole period)")
            ->check(CLI::IsMember({"month", "rate"}));
        tax->callback([&cli, to] {
            cli.read([&](Context& ctx) {
                return records(tax_report(ctx, *to), tax_report_fields(),
                               {"period", "tax_name", "tax_rate", "invoices", "credit_notes", "taxable_sales", "exempt_sales", "tax",
                                "total"});
            });
        });

        auto ro = cli.bound<ReportPeriod>();
        auto* rev = cmd->add_subcommand("revenue", "What was billed in a period, by month, customer, service type or worker");
        rev->add_option("--from", ro->from, "First day of issue")->required();
        rev->add_option("--to", ro->to, "Last day of issue")->required();
        rev->add_option("--by", ro->by, "month, customer, service-type or worker")
            ->required()
            ->check(CLI::IsMember({"month", "customer", "service-type", "worker"}));
        rev->callback([&cli, ro] {
            cli.read([&](Context& ctx) {
                Output out = records(revenue_report(ctx, *ro), revenue_fields(),
                                     {"group", "invoices", "credit_notes", "lines", "amount", "tax", "total"});
                out.rows.id_field = "group_id";
                return out;
            });
        });
    }

    // ---- sending invoices and reminders (the notice outbox; pom notify send delivers)
    {
        struct SendCli {
            std::vector<std::string> keys;
            bool unsent = false;
        };
        auto so = cli.bound<SendCli>();
        auto* send = cmd->add_subcommand("send", "Queue invoices to the customer's billing email (HTML, as bill show prints it)");
        send->add_option("INVOICE", so->keys, "Invoice numbers or ids");
        send->add_flag("--unsent", so->unsent, "Every issued invoice not void and not sent before");
        send->callback([&cli, so] {
            cli.write([&](Context& ctx) {
                std::vector<int64_t> ids;
                for (const auto& k : so->keys) ids.push_back(resolve_invoice(ctx.store, k));
                if (so->unsent == !ids.empty()) fail(ErrorKind::Usage, "name invoices or give --unsent");
                Output out = records(send_invoices(ctx, ids, so->unsent), invoice_notice_fields(),
                                     {"number", "customer", "recipient", "status", "reason"});
                out.rows.id_field = "notice_id";
                out.note = outbox_note(out.rows.records, "invoice");
                return out;
            });
        });

        auto* remind = cmd->add_subcommand("remind", "Cron: queue reminders of overdue invoices at billing.remind_days past due");
        remind->callback([&cli] {
            cli.write([&](Context& ctx) {
                Output out = records(remind_invoices(ctx), invoice_notice_fields(),
                                     {"number", "customer", "days_overdue", "step_days", "balance", "recipient", "status", "reason"});
                out.rows.id_field = "notice_id";
                out.note = outbox_note(out.rows.records, "reminder");
                return out;
            });
        });
    }

    // ---- exports
    {
        auto o = cli.bound<ExportOptions>();
        auto* ex = cmd->add_subcommand("export", "Export issued invoices for the accountant; records a batch");
        ex->add_option("--format", o->sel.format, "csv, json, qbo (QuickBooks Online), iif (QuickBooks Desktop), xero");
        add_opt(ex, "--from", o->sel.from, "Issued on or after this day");
        add_opt(ex, "--to", o->sel.to, "Issued on or before this day");
        ex->add_flag("--unexported", o->sel.unexported, "Only invoices in no batch of this format yet");
        ex->add_flag("--credit-notes", o->sel.credit_notes,
                     "qbo, xero: the credit notes, for QuickBooks Online's credit memo or Xero's credit note import");
        ex->add_flag("--with-lists", o->sel.with_lists, "iif: first the accounts and items it uses (!ACCNT, !INVITEM)");
        ex->add_flag("--payments", o->sel.payments,
                     "Payments received, credit applied, refunds and write-offs (dated in --from/--to) instead of invoices");
        add_opt(ex, "--batch", o->sel.batch, "Reproduce this batch byte for byte");
        add_opt(ex, "--out", o->out, "Write to this file (Xero over 500 invoices: FILE-1.csv, FILE-2.csv …)");
        ex->add_flag("--again", o->sel.again, "Export invoices that a batch of this format already holds (refused without it)");
        ex->add_option("--encoding", o->sel.encoding, "iif: utf-8 (default) or windows-1252 (QuickBooks Desktop's code page)")
            ->check(CLI::IsMember({"utf-8", "windows-1252"}));
        ex->callback([&cli, o] {
            cli.refuse_in_batch("bill export", "it writes files, which a batch that fails could not take back");
            if (o->sel.format.empty() && !o->sel.batch) fail(ErrorKind::Usage, "--format is required (csv, json, qbo, iif, xero)");
            // A preview never counts as an export: --dry-run, or the file printed to a terminal
            // (someone looking at it, not a file on its way to the books), records no batch and
            // writes no file.
            bool preview = cli.g.dry_run || (!o->out && !cli.session.batch && isatty(STDOUT_FILENO));
            std::vector<std::pair<std::string, std::string>> renames;  // temporary → final
            std::vector<std::unique_ptr<std::ofstream>> files;
            auto cleanup = [&] {
                files.clear();
                for (const auto& [tmp, fin] : renames) std::remove(tmp.c_str());
            };
            try {
                // A preview writes nothing, so it reads: with --dry-run, cli.write would replace
                // the control totals on stderr with its own note.
                auto body = [&](Context& ctx) {
                    auto sink = [&](int index, int count) -> std::ostream& {
                        if (preview) return std::cout;
                        if (!o->out) {
                            if (count > 1)
                                fail(ErrorKind::Usage, "Xero takes at most 500 invoices per file and this export has " + std::to_string(count) +
                                                           " files: give --out FILE");
                            return std::cout;
                        }
                        std::string fin = part_name(*o->out, index, count);
                        std::string tmp = fin + ".tmp-pom";
                        auto f = std::make_unique<std::ofstream>(tmp, std::ios::binary | std::ios::trunc);
                        if (!*f) fail(ErrorKind::Io, "cannot write " + fin);
                        renames.emplace_back(tmp, fin);
                        files.push_back(std::move(f));
                        return *files.back();
                    };
                    ExportResult r = export_invoices(ctx, o->sel, sink, !preview);
                    for (auto& f : files) {
                        f->flush();
                        if (!*f) fail(ErrorKind::Io, "writing " + *o->out + " failed");
                        f->close();
                    }
                    Output out;
                    if (o->out && !preview) {
                        if (r.batch_id) out = detail(batch_json(ctx.store, r.batch_id), batch_fields());
                        else out = records({}, batch_fields());
                    } else {
                        out.text = "";
                    }
                    out.note = r.invoices == 0 ? "nothing to export (" + r.format + ")" : control_totals(r);
                    if (preview && !o->sel.batch) {
                        out.note += "\npreview: nothing was recorded (no batch" + std::string(o->out ? ", no file" : "") + ")";
                        if (!r.already.empty())
                            out.note += "; " + std::to_string(r.already.size()) + " of these were already exported as " + r.format +
                                        " (" + r.already.front() + (r.already.size() > 1 ? " …" : "") +
                                        "): exporting them takes --again";
                    } else if (o->sel.again && !r.already.empty()) {
                        out.note += "\nexported again: " + std::to_string(r.already.size()) + " of them had been exported as " + r.format +
                                    " before";
                    }
                    return out;
                };
                if (preview) cli.read(body);
                else cli.write(body);
            } catch (...) {
                cleanup();
                throw;
            }
            files.clear();
            if (preview) {
                for (const auto& [tmp, fin] : renames) std::remove(tmp.c_str());
                return;
            }
            for (const auto& [tmp, fin] : renames) {
                std::error_code ec;
                std::filesystem::rename(tmp, fin, ec);
                if (ec) fail(ErrorKind::Io, "cannot write " + fin + ": " + ec.message());
            }
        });

        auto* batches = cmd->add_subcommand("batches", "Export batches, oldest first");
        batches->callback([&cli] {
            cli.read([&](Context& ctx) {
                return records(list_batches(ctx.store), batch_fields(),
                               {"id", "format", "invoices", "lines", "total", "tax", "files", "created_at", "sha256"});
            });
        });
    }
}

}  // namespace pom::cli
