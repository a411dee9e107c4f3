#include "billing.h"
#include "json.h"

#include "clock.h"
#include "customer.h"
#include "error.h"
#include "payment.h"
#include "record.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace pom {

namespace {

constexpr int64_t k_million = 1000000;

Json money(Cents c) { return format_money(c); }
Json text_or_null(const Column& c) {
    if (c.isNull()) return nullptr;
    std::string s = c.getString();
    return s.empty() ? Json(nullptr) : Json(s);
}

std::string month_text(date::year_month ym) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(ym.year()), static_cast<unsigned>(ym.month()));
    return buf;
}

date::year_month parse_month(const std::string& s, const std::string& what) {
    bool ok = s.size() == 7 && s[4] == '-';
    for (size_t i = 0; ok && i < 7; ++i) ok = i == 4 || (s[i] >= '0' && s[i] <= '9');
    unsigned m = ok ? static_cast<unsigned>(std::stoi(s.substr(5, 2))) : 0;
    if (!ok || m < 1 || m > 12) fail(ErrorKind::BadInput, what + ": '" + s + "' is not a month (YYYY-MM)");
    return date::year{std::stoi(s.substr(0, 4))} / date::month{m};
}

Date first_day(date::year_month ym) { return ym / date::day{1}; }
Date last_day(date::year_month ym) { return Date{ym / date::last}; }
date::year_month month_of(Date d) { return d.year() / d.month(); }

std::string month_name(date::year_month ym) {
    static const char* names[] = {"January", "February", "March",     "April",   "May",      "June",
                                  "July",    "August",   "September", "October", "November", "December"};
    return std::string(names[static_cast<unsigned>(ym.month()) - 1]) + " " + std::to_string(static_cast<int>(ym.year()));
}

std::string title(std::string s) {
    if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
    return s;
}

std::string canonical_terms(const std::string& terms, const std::string& what) {
    int days = parse_terms_days(terms);
    if (days < 0) fail(ErrorKind::BadInput, what + ": '" + terms + "' is not payment terms (\"net 15\", \"due on receipt\")");
    std::string lower;
    for (char c : terms) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return lower == "due on receipt" ? "Due on receipt" : "Net " + std::to_string(days);
}

/// The product/service name of a line: [billing.items] by service type or kind, else a default.
std::string item_name(const Config& cfg, const std::string& kind, const std::string& service_type) {
    const auto& items = cfg.billing.items;
    if (!service_type.empty()) {
        if (auto it = items.find(service_type); it != items.end()) return it->second;
        if (kind == "service") return title(service_type);
    }
    if (auto it = items.find(kind); it != items.end()) return it->second;
    static const std::map<std::string, std::string> defaults = {{"service", "Service"},   {"item", "Parts"},
                                                                {"chemical", "Chemicals"}, {"monthly", "Monthly service"},
                                                                {"extra", "Other"},       {"adjustment", "Adjustment"}};
    return defaults.at(kind);
}

// ---- plans -----------------------------------------------------------------------------------

struct Plan {
    bool exists = false;
    int64_t id = 0;
    std::optional<Cents> monthly;
    std::string timing = "arrears";
    std::string monthly_description;
    std::string starts_on;
    bool chemicals_included = false;
    bool parts_included = false;
    bool visits_included = false;  ///< in the flat monthly fee (only with one)
    std::string terms;  ///< empty: the company's default
    bool tax_exempt = false;
    std::string tax_rate;  ///< empty: the default rate
    std::map<std::string, Cents> prices;
};

const char* k_plan_select =
    "SELECT id, customer_id, monthly_cents, monthly_timing, monthly_description, starts_on, chemicals, parts, terms, "
    "tax_exempt, tax_rate, visits FROM billing_plan";

Plan read_plan(Statement& q) {
    Plan p;
    p.exists = true;
    p.id = q.getColumn(0).getInt64();
    if (!q.getColumn(2).isNull()) p.monthly = q.getColumn(2).getInt64();
    p.timing = q.getColumn(3).getString();
    p.monthly_description = q.getColumn(4).getString();
    p.starts_on = q.getColumn(5).getString();
    p.chemicals_included = q.getColumn(6).getString() == "included";
    p.parts_included = q.getColumn(7).getString() == "included";
    p.terms = q.getColumn(8).getString();
    p.tax_exempt = q.getColumn(9).getInt() != 0;
    p.tax_rate = q.getColumn(10).getString();
    p.visits_included = q.getColumn(11).getString() == "included";
    return p;
}

std::map<int64_t, Plan> load_plans(Store& store, std::optional<int64_t> customer_id) {
    std::map<int64_t, Plan> plans;
    {
        Statement q(store, std::string(k_plan_select) + (customer_id ? " WHERE customer_id = ?" : ""));
        if (customer_id) q.bind(1, *customer_id);
        while (q.executeStep()) plans[q.getColumn(1).getInt64()] = read_plan(q);
    }
    Statement q(store, std::string("SELECT customer_id, service_type, price_cents FROM billing_plan_price") +
                                        (customer_id ? " WHERE customer_id = ?" : "") + " ORDER BY service_type");
    if (customer_id) q.bind(1, *customer_id);
    while (q.executeStep()) plans[q.getColumn(0).getInt64()].prices[q.getColumn(1).getString()] = q.getColumn(2).getInt64();
    return plans;
}

Plan load_plan(Store& store, int64_t customer_id) {
    auto plans = load_plans(store, customer_id);
    auto it = plans.find(customer_id);
    return it == plans.end() ? Plan{} : it->second;
}

int64_t plan_tax_rate(const Config& cfg, const Plan& plan, const std::string& customer) {
    if (plan.tax_rate.empty()) return cfg.tax.rate_micro;
    auto it = cfg.tax.rates.find(plan.tax_rate);
    if (it == cfg.tax.rates.end())
        fail(ErrorKind::Config, "the billing plan of " + customer + " names tax rate '" + plan.tax_rate +
                                    "', which [tax.rates] in the config does not define");
    return it->second;
}

// ---- invoices ----------------------------------------------------------------------------------

struct Line {
    int64_t id = 0;
    int64_t position = 0;
    std::optional<int64_t> billable_line_id;
    std::optional<int64_t> credits_line_id;
    std::string kind, item, description;
    int64_t quantity_milli = 1000;
    Cents unit_price = 0, amount = 0, tax = 0;
    bool taxable = false, included = false;
    std::string service_date;
    std::string unit;  ///< what the quantity counts ("lb", "visit"); empty: none (lines before migration 17)
};

Json line_audit_json(const Line& l) {
    return object({{"id", l.id},
            {"position", l.position},
            {"billable_line_id", l.billable_line_id ? Json(*l.billable_line_id) : Json(nullptr)},
            {"credits_line_id", l.credits_line_id ? Json(*l.credits_line_id) : Json(nullptr)},
            {"kind", l.kind},
            {"item", l.item},
            {"description", l.description},
            {"quantity_milli", l.quantity_milli},
            {"unit_price_cents", l.unit_price},
            {"amount_cents", l.amount},
            {"taxable", l.taxable ? 1 : 0},
            {"tax_cents", l.tax},
            {"included", l.included ? 1 : 0},
            {"service_date", l.service_date}});
}

std::vector<Line> load_lines(Store& store, int64_t invoice_id) {
    std::vector<Line> out;
    auto& q = store.prepare(
        "SELECT id, position, billable_line_id, credits_line_id, kind, item, description, quantity_milli, unit_price_cents, "
        "amount_cents, taxable, tax_cents, included, service_date, unit FROM invoice_line WHERE invoice_id = ? ORDER BY position");
    q.bind(1, invoice_id);
    while (q.executeStep()) {
        Line l;
        l.id = q.getColumn(0).getInt64();
        l.position = q.getColumn(1).getInt64();
        if (!q.getColumn(2).isNull()) l.billable_line_id = q.getColumn(2).getInt64();
        if (!q.getColumn(3).isNull()) l.credits_line_id = q.getColumn(3).getInt64();
        l.kind = q.getColumn(4).getString();
        l.item = q.getColumn(5).getString();
        l.description = q.getColumn(6).getString();
        l.quantity_milli = q.getColumn(7).getInt64();
        l.unit_price = q.getColumn(8).getInt64();
        l.amount = q.getColumn(9).getInt64();
        l.taxable = q.getColumn(10).getInt() != 0;
        l.tax = q.getColumn(11).getInt64();
        l.included = q.getColumn(12).getInt() != 0;
        l.service_date = q.getColumn(13).getString();
        l.unit = q.getColumn(14).getString();
        out.push_back(std::move(l));
    }
    q.reset();
    return out;
}

Json invoice_audit_json(Store& store, int64_t id, const std::vector<Line>& lines) {
    Json j = row_json(store, "invoice", id);
    Json ls = Json::array();
    for (const auto& l : lines) ls.push_back(line_audit_json(l));
    j["lines"] = ls;
    return j;
}

struct InvoiceHead {
    int64_t id = 0;
    std::string kind;
    int64_t customer_id = 0;
    std::optional<int64_t> seq;
    std::string number;
    std::string period, period_end;
    int64_t tax_rate_micro = 0;
    std::string tax_level, tax_rounding, tax_name;
    Cents subtotal = 0, tax = 0, total = 0;
    std::optional<int64_t> credits_invoice_id;
};

InvoiceHead load_head(Store& store, int64_t id) {
    auto& q = store.prepare(
        "SELECT id, kind, customer_id, seq, number, period, period_end, tax_rate_micro, tax_level, tax_rounding, tax_name, "
        "subtotal_cents, tax_cents, total_cents, credits_invoice_id FROM invoice WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(ErrorKind::NotFound, "no invoice with id " + std::to_string(id));
    InvoiceHead h;
    h.id = id;
    h.kind = q.getColumn(1).getString();
    h.customer_id = q.getColumn(2).getInt64();
    if (!q.getColumn(3).isNull()) h.seq = q.getColumn(3).getInt64();
    h.number = q.getColumn(4).getString();
    h.period = q.getColumn(5).getString();
    h.period_end = q.getColumn(6).getString();
    h.tax_rate_micro = q.getColumn(7).getInt64();
    h.tax_level = q.getColumn(8).getString();
    h.tax_rounding = q.getColumn(9).getString();
    h.tax_name = q.getColumn(10).getString();
    h.subtotal = q.getColumn(11).getInt64();
    h.tax = q.getColumn(12).getInt64();
    h.total = q.getColumn(13).getInt64();
    if (!q.getColumn(14).isNull()) h.credits_invoice_id = q.getColumn(14).getInt64();
    q.reset();
    return h;
}

std::string invoice_name(const InvoiceHead& h) {
    if (h.seq) return h.number;
    return std::string(h.kind == "credit" ? "draft credit note " : "draft invoice ") + std::to_string(h.id);
}

/// The columns a new invoice line is written with (add_line_row gives their values).
NewRows line_rows() {
    return NewRows("invoice_line", {"invoice_id", "position", "billable_line_id", "credits_line_id", "kind", "item", "description",
                                    "quantity_milli", "unit_price_cents", "amount_cents", "taxable", "tax_cents", "included",
                                    "service_date", "unit"});
}

void add_line_row(NewRows& rows, int64_t invoice_id, const Line& l) {
    rows.value(invoice_id).value(l.position);
    if (l.billable_line_id) rows.value(*l.billable_line_id);
    else rows.null();
    if (l.credits_line_id) rows.value(*l.credits_line_id);
    else rows.null();
    rows.value(l.kind).value(l.item).value(l.description).value(l.quantity_milli).value(l.unit_price).value(l.amount);
    rows.value(int64_t{l.taxable ? 1 : 0}).value(l.tax).value(int64_t{l.included ? 1 : 0}).value(l.service_date);
    rows.text_or_null(l.unit);
}

/// Writes one new line of an invoice or credit note and sets its id.
void insert_line(Context& ctx, int64_t invoice_id, Line& l) {
    NewRows rows = line_rows();
    add_line_row(rows, invoice_id, l);
    l.id = ctx.store.insert_rows(rows).front();
}

/// Sets each line's tax as the invoice's rate, rounding and level give it; the lines' subtotal
/// and the invoice's tax.
std::pair<Cents, Cents> tax_lines(std::vector<Line>& lines, int64_t rate, Rounding mode, bool invoice_level) {
    std::vector<TaxLine> tl;
    for (const auto& l : lines) tl.push_back({l.amount, l.taxable, 0});
    Cents tax = apply_tax(tl, rate, mode, invoice_level);
    Cents subtotal = 0;
    for (size_t i = 0; i < lines.size(); ++i) {
        lines[i].tax = tl[i].tax;
        subtotal += lines[i].amount;
    }
    return {subtotal, tax};
}

/// Writes the changed taxes of a draft's existing lines (the first old_tax.size()) and its totals.
void update_draft(Context& ctx, int64_t invoice_id, const std::vector<Line>& lines, const std::vector<Cents>& old_tax,
                  Cents subtotal, Cents tax) {
    for (size_t i = 0; i < old_tax.size() && i < lines.size(); ++i) {
        if (lines[i].id == 0 || old_tax[i] == lines[i].tax) continue;
        auto& up = ctx.store.prepare("UPDATE invoice_line SET tax_cents = ? WHERE id = ?");
        up.bind(1, lines[i].tax);
        up.bind(2, lines[i].id);
        up.exec();
    }
    auto& up = ctx.store.prepare(
        "UPDATE invoice SET subtotal_cents = ?, tax_cents = ?, total_cents = ?, updated_at = ? WHERE id = ?");
    up.bind(1, subtotal);
    up.bind(2, tax);
    up.bind(3, subtotal + tax);
    up.bind(4, format_instant(ctx.now()));
    up.bind(5, invoice_id);
    up.exec();
}

/// Writes new lines (id 0) and changed taxes of existing ones, then the invoice's totals.
void store_lines(Context& ctx, int64_t invoice_id, std::vector<Line>& lines, const std::vector<Cents>& old_tax,
                 int64_t rate, Rounding mode, bool invoice_level) {
    auto [subtotal, tax] = tax_lines(lines, rate, mode, invoice_level);
    NewRows rows = line_rows();
    for (const auto& l : lines)
        if (l.id == 0) add_line_row(rows, invoice_id, l);
    std::vector<int64_t> ids = ctx.store.insert_rows(rows);
    size_t next = 0;
    for (auto& l : lines)
        if (l.id == 0) l.id = ids[next++];
    update_draft(ctx, invoice_id, lines, old_tax, subtotal, tax);
}

struct NewInvoice {
    std::string kind = "invoice";
    int64_t customer_id = 0;
    std::string period;  ///< empty: none
    std::string period_end;
    std::string terms;
    int terms_days = 0;
    int64_t tax_rate_micro = 0;
    std::string tax_name, tax_level, tax_rounding;
    std::optional<int64_t> credits_invoice_id;
    bool full_reversal = false;
    std::string reason;
};

/// The columns a new invoice is written with (add_invoice_row gives their values).
NewRows invoice_rows() {
    return NewRows("invoice", {"kind", "customer_id", "period", "period_end", "terms", "terms_days", "currency", "tax_name",
                               "tax_rate_micro", "tax_level", "tax_rounding", "subtotal_cents", "tax_cents", "total_cents",
                               "credits_invoice_id", "full_reversal", "reason", "created_at", "updated_at"});
}

void add_invoice_row(NewRows& rows, Context& ctx, const NewInvoice& n, Cents subtotal, Cents tax) {
    std::string now = format_instant(ctx.now());
    rows.value(n.kind).value(n.customer_id).text_or_null(n.period).value(n.period_end).value(n.terms);
    rows.value(int64_t{n.terms_days}).value(ctx.config.currency).value(n.tax_name).value(n.tax_rate_micro);
    rows.value(n.tax_level).value(n.tax_rounding).value(subtotal).value(tax).value(subtotal + tax);
    if (n.credits_invoice_id) rows.value(*n.credits_invoice_id);
    else rows.null();
    rows.value(int64_t{n.full_reversal ? 1 : 0}).text_or_null(n.reason).value(now).value(now);
}

int64_t insert_invoice(Context& ctx, const NewInvoice& n) {
    NewRows rows = invoice_rows();
    add_invoice_row(rows, ctx, n, 0, 0);
    return ctx.store.insert_rows(rows).front();
}

std::string format_number(const Config& cfg, const std::string& kind, int64_t seq) {
    std::string digits = std::to_string(seq);
    if (digits.size() < static_cast<size_t>(cfg.billing.number_digits))
        digits = std::string(static_cast<size_t>(cfg.billing.number_digits) - digits.size(), '0') + digits;
    return (kind == "credit" ? cfg.billing.credit_prefix : cfg.billing.invoice_prefix) + digits;
}

/// The date an invoice is issued on: see issue_invoices. Without --issue-date nothing is refused:
/// a run --through a day ahead (work booked in advance) is issued today, as it always was.
Date issue_day(Context& ctx, const InvoiceHead& h, const std::optional<std::string>& typed) {
    Date today = ctx.today();
    Date end = parse_date(h.period_end, "period_end");
    if (!typed) return ctx.config.billing.issue_date == "period-end" ? std::min(end, today) : today;
    Date day = parse_day(*typed, today, "--issue-date");
    Date earliest = first_day(month_of(end));
    if (day > today)
        fail(ErrorKind::BadInput, "--issue-date: " + format_date(day) + " is after today (" + format_date(today) +
                                      "): an invoice is not dated ahead");
    if (day < earliest)
        fail(ErrorKind::BadInput, "--issue-date: " + format_date(day) + " is before " + format_date(earliest) +
                                      ", the first day of the month " + invoice_name(h) + "'s period ends in");
    return day;
}

void issue_one(Context& ctx, int64_t id, const std::optional<std::string>& issue_date = std::nullopt) {
    InvoiceHead h = load_head(ctx.store, id);
    if (h.seq) fail(ErrorKind::Transition, h.number + " is already issued");
    auto& bump = ctx.store.prepare("UPDATE number_series SET last = last + 1 WHERE kind = ?");
    bump.bind(1, h.kind);
    bump.exec();
    auto& get = ctx.store.prepare("SELECT last FROM number_series WHERE kind = ?");
    get.bind(1, h.kind);
    get.executeStep();
    int64_t seq = get.getColumn(0).getInt64();
    get.reset();
    Customer c = get_customer(ctx.store, h.customer_id);
    auto& td = ctx.store.prepare("SELECT terms_days FROM invoice WHERE id = ?");
    td.bind(1, id);
    td.executeStep();
    int days = td.getColumn(0).getInt();
    td.reset();
    Date today = h.kind == "credit" ? ctx.today() : issue_day(ctx, h, issue_date);
    auto opt = [](const std::string& s) { return s.empty() ? Value(nullptr) : Value(s); };
    Columns cols{{"seq", seq},
                 {"number", format_number(ctx.config, h.kind, seq)},
                 {"issue_date", format_date(today)},
                 {"due_date", format_date(add_days(today, days))},
                 {"issued_at", format_instant(ctx.now())},
                 {"bill_to_name", c.name},
                 {"bill_to_email", c.emails.empty() ? Value(nullptr) : Value(c.emails.front().value)},
                 {"bill_to_street", opt(c.street)},
                 {"bill_to_city", opt(c.city)},
                 {"bill_to_state", opt(c.state)},
                 {"bill_to_zip", opt(c.zip)}};
    update_record(ctx, "invoice", id, cols);
}

struct Amounts {
    Cents paid = 0, credited = 0, written_off = 0;  ///< paid: applied to it, less its surplus used elsewhere
    bool voided = false;
};

Amounts amounts_of(Store& store, int64_t id) {
    Amounts a;
    auto& q = store.prepare(
        "SELECT (SELECT coalesce(sum(amount_cents), 0) FROM payment_application WHERE invoice_id = ?1) "
        " - (SELECT coalesce(sum(amount_cents), 0) FROM payment_application WHERE source_invoice_id = ?1), "
        "(SELECT coalesce(sum(total_cents), 0) FROM invoice WHERE credits_invoice_id = ?1 AND seq IS NOT NULL), "
        "(SELECT coalesce(max(full_reversal), 0) FROM invoice WHERE credits_invoice_id = ?1 AND seq IS NOT NULL), "
        "(SELECT coalesce(sum(amount_cents), 0) FROM write_off WHERE invoice_id = ?1)");
    q.bind(1, id);
    q.executeStep();
    a.paid = q.getColumn(0).getInt64();
    a.credited = q.getColumn(1).getInt64();
    a.voided = q.getColumn(2).getInt() != 0;
    a.written_off = q.getColumn(3).getInt64();
    q.reset();
    return a;
}

int64_t make_credit_note(Context& ctx, const InvoiceHead& inv, std::vector<Line> lines, const std::string& reason, bool full) {
    NewInvoice n;
    n.kind = "credit";
    n.customer_id = inv.customer_id;
    n.period = inv.period;
    n.period_end = inv.period_end;
    n.terms = "Due on receipt";
    n.terms_days = 0;
    n.tax_rate_micro = inv.tax_rate_micro;
    n.tax_name = inv.tax_name;
    n.tax_level = inv.tax_level;
    n.tax_rounding = inv.tax_rounding;
    n.credits_invoice_id = inv.id;
    n.full_reversal = full;
    n.reason = reason;
    int64_t id = insert_invoice(ctx, n);
    // Each credited line keeps the tax it carried on the invoice, so the credit note reverses the
    // invoice's numbers exactly rather than recomputing them.
    Cents subtotal = 0, tax = 0;
    int64_t pos = 0;
    for (auto& l : lines) {
        l.position = ++pos;
        insert_line(ctx, id, l);
        subtotal += l.amount;
        tax += l.tax;
    }
    auto& up = ctx.store.prepare("UPDATE invoice SET subtotal_cents = ?, tax_cents = ?, total_cents = ? WHERE id = ?");
    up.bind(1, subtotal);
    up.bind(2, tax);
    up.bind(3, subtotal + tax);
    up.bind(4, id);
    up.exec();
    record_change(ctx, "invoice", id, nullptr, invoice_audit_json(ctx.store, id, lines));
    issue_one(ctx, id);
    return id;
}

const char* k_summary =
    "SELECT i.id, i.kind, i.number, i.customer_id, coalesce(i.bill_to_name, c.name), i.period, i.period_end, i.issue_date, "
    "i.due_date, i.terms, i.currency, i.subtotal_cents, i.tax_cents, i.total_cents, "
    "CASE WHEN i.kind = 'invoice' THEN (SELECT coalesce(sum(a.amount_cents), 0) FROM payment_application a WHERE a.invoice_id = i.id) "
    "  - (SELECT coalesce(sum(a.amount_cents), 0) FROM payment_application a WHERE a.source_invoice_id = i.id) ELSE 0 END AS paid, "
    "CASE WHEN i.kind = 'invoice' THEN (SELECT coalesce(sum(k.total_cents), 0) FROM invoice k "
    "  WHERE k.credits_invoice_id = i.id AND k.seq IS NOT NULL) ELSE 0 END AS credited, "
    "(SELECT coalesce(max(k.full_reversal), 0) FROM invoice k WHERE k.credits_invoice_id = i.id AND k.seq IS NOT NULL) AS voided, "
    "(SELECT o.number FROM invoice o WHERE o.id = i.credits_invoice_id), "
    "(SELECT count(*) FROM invoice_line l WHERE l.invoice_id = i.id), "
    "i.reason, i.issued_at, i.created_at, i.seq, "
    "(SELECT coalesce(sum(w.amount_cents), 0) FROM write_off w WHERE w.invoice_id = i.id) AS written_off "
    "FROM invoice i JOIN customer c ON c.id = i.customer_id";

const char* k_status_expr =
    "CASE WHEN seq IS NULL THEN 'draft' WHEN kind = 'credit' THEN 'issued' WHEN voided <> 0 THEN 'void' "
    "WHEN total_cents - paid - credited - written_off <= 0 THEN 'paid' ELSE 'open' END";

Json summary_json(Statement& q, Date today) {
    Cents total = q.getColumn(13).getInt64(), paid = q.getColumn(14).getInt64(), credited = q.getColumn(15).getInt64();
    bool issued = !q.getColumn(22).isNull();
    std::string kind = q.getColumn(1).getString();
    bool voided = q.getColumn(16).getInt() != 0;
    Cents written_off = q.getColumn(23).getInt64();
    Cents balance = kind == "invoice" && issued ? total - paid - credited - written_off : 0;
    std::string status = !issued ? "draft" : kind == "credit" ? "issued" : voided ? "void" : balance <= 0 ? "paid" : "open";
    std::string due = q.getColumn(8).getString();
    int64_t days_overdue = 0;
    if (status == "open") {
        auto d = (date::sys_days(today) - date::sys_days(parse_date(due, "due_date"))).count();
        if (d > 0) days_overdue = d;
    }
    return object({{"id", q.getColumn(0).getInt64()},
            {"number", text_or_null(q.getColumn(2))},
            {"kind", kind},
            {"status", status},
            {"customer_id", q.getColumn(3).getInt64()},
            {"customer", q.getColumn(4).getString()},
            {"period", text_or_null(q.getColumn(5))},
            {"period_end", q.getColumn(6).getString()},
            {"issue_date", text_or_null(q.getColumn(7))},
            {"due_date", text_or_null(q.getColumn(8))},
            {"terms", q.getColumn(9).getString()},
            {"currency", q.getColumn(10).getString()},
            {"subtotal", money(q.getColumn(11).getInt64())},
            {"tax", money(q.getColumn(12).getInt64())},
            {"total", money(total)},
            {"paid", money(paid)},
            {"credited", money(credited)},
            {"balance", money(balance)},
            {"days_overdue", days_overdue},
            {"credits", text_or_null(q.getColumn(17))},
            {"reason", text_or_null(q.getColumn(19))},
            {"lines", q.getColumn(18).getInt64()},
            {"issued_at", text_or_null(q.getColumn(20))},
            {"created_at", q.getColumn(21).getString()},
            {"written_off", money(written_off)}});
}

}  // namespace

// ---- tax ---------------------------------------------------------------------------------------

Rounding parse_rounding(const std::string& name) {
    if (name == "half-up") return Rounding::half_up;
    if (name == "half-even") return Rounding::half_even;
    fail(ErrorKind::Config, "unknown rounding '" + name + "' (half-up or half-even)");
}

int64_t round_div(WideInt num, int64_t den, Rounding mode) {
    WideInt q = num / den, r = num % den;  // truncates toward zero
    WideInt twice = (r < 0 ? -r : r) * 2;
    bool away = twice > den || (twice == den && (mode == Rounding::half_up || q % 2 != 0));
    if (away) q += num < 0 ? -1 : 1;
    return static_cast<int64_t>(q);
}

Cents tax_on(Cents amount, int64_t rate_micro, Rounding mode) {
    return round_div(static_cast<WideInt>(amount) * rate_micro, k_million, mode);
}

Cents apply_tax(std::vector<TaxLine>& lines, int64_t rate_micro, Rounding mode, bool invoice_level) {
    Cents total = 0;
    if (!invoice_level) {
        for (auto& l : lines) {
            l.tax = l.taxable ? tax_on(l.amount, rate_micro, mode) : 0;
            total += l.tax;
        }
        return total;
    }
    WideInt base = 0;
    for (const auto& l : lines)
        if (l.taxable) base += l.amount;
    total = round_div(base * rate_micro, k_million, mode);
    // Largest remainder: floors first, then one cent more to the lines with the largest exact
    // remainders (earlier lines first on ties) until the shares add up to the rounded total.
    std::vector<std::pair<int64_t, size_t>> rema;
    Cents floors = 0;
    for (size_t i = 0; i < lines.size(); ++i) {
        auto& l = lines[i];
        l.tax = 0;
        if (!l.taxable) continue;
        WideInt exact = static_cast<WideInt>(l.amount) * rate_micro;
        // Floor, not truncation: a discount line's negative share rounds down like the rest, so
        // every remainder is in [0, 1) cent and the shares still add up to the rounded total.
        WideInt fl = exact / k_million;
        if (exact % k_million < 0) fl -= 1;
        l.tax = static_cast<Cents>(fl);
        floors += l.tax;
        rema.emplace_back(static_cast<int64_t>(exact - fl * k_million), i);
    }
    std::stable_sort(rema.begin(), rema.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    Cents left = total - floors;
    for (size_t k = 0; left > 0 && k < rema.size(); ++k, --left) lines[rema[k].second].tax += 1;
    if (left != 0) fail(ErrorKind::Internal, "tax allocation did not add up");
    return total;
}

// ---- plans -------------------------------------------------------------------------------------

bool set_plan(Context& ctx, int64_t customer_id, const PlanFields& f) {
    get_customer(ctx.store, customer_id);
    Columns cols;
    if (f.monthly && f.no_monthly) fail(ErrorKind::Usage, "--monthly and --no-monthly cannot go together");
    if (f.monthly) cols.emplace_back("monthly_cents", *f.monthly);
    if (f.no_monthly) cols.emplace_back("monthly_cents", nullptr);
    if (f.monthly_timing) {
        if (*f.monthly_timing != "advance" && *f.monthly_timing != "arrears")
            fail(ErrorKind::BadInput, "--monthly-billing: '" + *f.monthly_timing + "' is not advance or arrears");
        cols.emplace_back("monthly_timing", *f.monthly_timing);
    }
    if (f.monthly_description) set_if(cols, "monthly_description", f.monthly_description);
    if (f.starts_on) cols.emplace_back("starts_on", format_date(parse_day(*f.starts_on, ctx.today(), "--start")));
    for (auto [opt, name] : {std::pair{&f.chemicals, "chemicals"}, std::pair{&f.parts, "parts"}, std::pair{&f.visits, "visits"}}) {
        if (!*opt) continue;
        if (**opt != "billed" && **opt != "included")
            fail(ErrorKind::BadInput, std::string("--") + name + ": '" + **opt + "' is not billed or included");
        cols.emplace_back(name, **opt);
    }
    if (f.terms) {
        if (f.terms->empty()) cols.emplace_back("terms", nullptr);
        else cols.emplace_back("terms", canonical_terms(*f.terms, "--terms"));
    }
    set_if(cols, "tax_exempt", f.tax_exempt);
    if (f.tax_rate) {
        if (!f.tax_rate->empty() && !ctx.config.tax.rates.count(*f.tax_rate)) {
            std::string known;
            for (const auto& [n, r] : ctx.config.tax.rates) known += (known.empty() ? "" : ", ") + n;
            fail(ErrorKind::BadInput, "--tax-rate: '" + *f.tax_rate + "' is not a rate in [tax.rates] (configured: " +
                                          (known.empty() ? "none" : known) + ")");
        }
        set_if(cols, "tax_rate", f.tax_rate);
    }
    std::vector<std::pair<std::string, std::optional<Cents>>> prices;
    for (const auto& pv : f.per_visit) {
        auto eq = pv.find('=');
        if (eq == std::string::npos || eq == 0)
            fail(ErrorKind::BadInput, "--per-visit: '" + pv + "' is not TYPE=PRICE (maintenance=45.00; TYPE= removes it)");
        std::string type = pv.substr(0, eq), price = pv.substr(eq + 1);
        bool known = false;
        std::string names;
        for (const auto& t : ctx.config.service_types) {
            known = known || t.name == type;
            names += (names.empty() ? "" : ", ") + t.name;
        }
        if (!known) fail(ErrorKind::BadInput, "--per-visit: unknown service type '" + type + "' (configured: " + names + ")");
        prices.emplace_back(type, price.empty() ? std::nullopt : std::optional<Cents>(parse_money(price, "--per-visit " + type)));
    }

    Plan plan = load_plan(ctx.store, customer_id);
    if (f.visits == "included" || (!f.visits && plan.visits_included)) {
        bool monthly = f.monthly.has_value() || (!f.no_monthly && plan.monthly.has_value());
        if (!monthly)
            fail(ErrorKind::BadInput, std::string(f.visits ? "--visits included" : "--no-monthly") +
                                          ": visits are included only in a flat monthly fee; give --monthly, or --visits billed");
    }
    bool changed = false;
    if (!plan.exists) {
        bool has_start = false;
        for (const auto& c : cols) has_start = has_start || c.first == "starts_on";
        cols.emplace(cols.begin(), "customer_id", customer_id);
        if (!has_start) cols.emplace_back("starts_on", format_date(first_day(month_of(ctx.today()))));
        plan.id = insert_record(ctx, "billing_plan", cols);
        changed = true;
    } else if (!cols.empty()) {
        changed = update_record(ctx, "billing_plan", plan.id, cols);
    }
    for (const auto& [type, price] : prices) {
        auto& q = ctx.store.prepare("SELECT id FROM billing_plan_price WHERE customer_id = ? AND service_type = ?");
        q.bind(1, customer_id);
        q.bind(2, type);
        std::optional<int64_t> id;
        if (q.executeStep()) id = q.getColumn(0).getInt64();
        q.reset();
        if (id && !price) {
            Json before = row_json(ctx.store, "billing_plan_price", *id);
            auto& d = ctx.store.prepare("DELETE FROM billing_plan_price WHERE id = ?");
            d.bind(1, *id);
            d.exec();
            record_change(ctx, "billing_plan_price", *id, before, nullptr);
            changed = true;
        } else if (id) {
            changed = update_record(ctx, "billing_plan_price", *id, {{"price_cents", *price}}) || changed;
        } else if (price) {
            insert_record(ctx, "billing_plan_price", {{"customer_id", customer_id}, {"service_type", type}, {"price_cents", *price}});
            changed = true;
        }
    }
    return changed;
}

Json plan_json(Context& ctx, int64_t customer_id) {
    Customer c = get_customer(ctx.store, customer_id);
    Plan p = load_plan(ctx.store, customer_id);
    Json per_visit = Json::array();
    for (const auto& t : ctx.config.service_types) {
        auto it = p.prices.find(t.name);
        per_visit.push_back({{"service_type", t.name},
                             {"price", money(it == p.prices.end() ? t.price_cents : it->second)},
                             {"source", it == p.prices.end() ? "company" : "plan"}});
    }
    std::string terms = p.terms.empty() ? canonical_terms(ctx.config.billing.terms, "billing.terms") : p.terms;
    return object({{"customer_id", customer_id},
            {"customer", c.name},
            {"plan", p.exists},
            {"monthly", p.monthly ? money(*p.monthly) : Json(nullptr)},
            {"monthly_billing", p.timing},
            {"monthly_description", p.monthly_description.empty() ? Json(nullptr) : Json(p.monthly_description)},
            {"starts_on", p.starts_on.empty() ? Json(nullptr) : Json(p.starts_on)},
            {"per_visit", per_visit},
            {"chemicals", p.chemicals_included ? "included" : "billed"},
            {"parts", p.parts_included ? "included" : "billed"},
            {"visits", p.visits_included ? "included" : "billed"},
            {"terms", terms},
            {"tax_exempt", p.tax_exempt},
            {"tax_rate", format_rate(plan_tax_rate(ctx.config, p, c.name))},
            {"tax_rate_name", p.tax_rate.empty() ? Json(nullptr) : Json(p.tax_rate)}});
}

const std::vector<std::string>& plan_fields() {
    static const std::vector<std::string> f = {"customer_id", "customer", "plan", "monthly", "monthly_billing",
                                               "monthly_description", "starts_on", "per_visit", "chemicals", "parts",
                                               "terms", "tax_exempt", "tax_rate", "tax_rate_name", "visits"};
    return f;
}

// ---- billable lines ----------------------------------------------------------------------------

std::pair<int64_t, bool> add_extra(Context& ctx, const ExtraFields& f) {
    get_customer(ctx.store, f.customer_id);
    auto nonblank = f.description.find_first_not_of(" \t\r\n");
    if (nonblank == std::string::npos) fail(ErrorKind::BadInput, "--description: an extra line needs a description");
    if (f.quantity_milli <= 0) fail(ErrorKind::BadInput, "--quantity: must be more than 0");
    Date day = f.date ? parse_day(*f.date, ctx.today(), "--date") : ctx.today();
    std::string key;
    if (f.key) {
        if (f.key->empty() || f.key->size() > 200) fail(ErrorKind::BadInput, "--key: 1 to 200 characters");
        key = "extra:key:" + *f.key;
        auto& q = ctx.store.prepare("SELECT id, customer_id FROM billable_line WHERE source_key = ?");
        q.bind(1, key);
        if (q.executeStep()) {
            int64_t id = q.getColumn(0).getInt64(), cust = q.getColumn(1).getInt64();
            q.reset();
            if (cust != f.customer_id)
                fail(ErrorKind::Conflict, "--key: '" + *f.key + "' was already used for another customer's line " + std::to_string(id));
            return {id, false};
        }
    } else {
        // Inside the write transaction nobody else inserts, so the next rowid is ours.
        int64_t next = ctx.store.query_int("SELECT coalesce(max(id), 0) + 1 FROM billable_line");
        key = "extra:" + std::to_string(next);
    }
    Columns cols{{"customer_id", f.customer_id},
                 {"kind", "extra"},
                 {"description", f.description},
                 {"quantity_milli", f.quantity_milli},
                 {"unit_price_cents", f.unit_price},
                 {"amount_cents", line_amount(f.quantity_milli, f.unit_price)},
                 {"unit", f.unit ? Value(*f.unit) : Value(nullptr)},
                 {"taxable", int64_t{f.taxable ? 1 : 0}},
                 {"service_date", format_date(day)},
                 {"source_key", key},
                 {"created_at", format_instant(ctx.now())}};
    return {insert_record(ctx, "billable_line", cols, false), true};
}

namespace {
const char* k_line_select =
    "SELECT b.id, b.customer_id, c.name, b.service_id, b.kind, b.description, b.quantity_milli, b.unit_price_cents, "
    "b.amount_cents, b.taxable, b.service_date, b.source_key, l.invoice_id, i.number, b.created_at, b.unit "
    "FROM billable_line b JOIN customer c ON c.id = b.customer_id "
    "LEFT JOIN invoice_line l ON l.billable_line_id = b.id LEFT JOIN invoice i ON i.id = l.invoice_id";

Json line_row_json(Statement& q) {
    return object({{"id", q.getColumn(0).getInt64()},
            {"customer_id", q.getColumn(1).getInt64()},
            {"customer", q.getColumn(2).getString()},
            {"service_id", q.getColumn(3).isNull() ? Json(nullptr) : Json(q.getColumn(3).getInt64())},
            {"kind", q.getColumn(4).getString()},
            {"description", q.getColumn(5).getString()},
            {"quantity", format_milli(q.getColumn(6).getInt64())},
            {"unit_price", money(q.getColumn(7).getInt64())},
            {"amount", money(q.getColumn(8).getInt64())},
            {"taxable", q.getColumn(9).getInt() != 0},
            {"service_date", q.getColumn(10).getString()},
            {"source_key", q.getColumn(11).getString()},
            {"invoice_id", q.getColumn(12).isNull() ? Json(nullptr) : Json(q.getColumn(12).getInt64())},
            {"invoice", text_or_null(q.getColumn(13))},
            {"created_at", q.getColumn(14).getString()},
            {"unit", text_or_null(q.getColumn(15))}});
}
}  // namespace

std::vector<Json> list_billable_lines(Store& store, const LineFilter& f) {
    std::string sql = std::string(k_line_select) + " WHERE 1";
    if (f.customer_id) sql += " AND b.customer_id = ?";
    if (f.unbilled) sql += " AND l.id IS NULL";
    sql += " ORDER BY b.service_date, b.id";
    if (f.limit > 0) sql += " LIMIT " + std::to_string(f.limit);
    Statement q(store, sql);
    if (f.customer_id) q.bind(1, *f.customer_id);
    std::vector<Json> out;
    while (q.executeStep()) out.push_back(line_row_json(q));
    return out;
}

Json billable_line_json(Store& store, int64_t id) {
    Statement q(store, std::string(k_line_select) + " WHERE b.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(ErrorKind::NotFound, "no billable line with id " + std::to_string(id));
    return line_row_json(q);
}

const std::vector<std::string>& billable_line_fields() {
    static const std::vector<std::string> f = {"id",       "customer_id", "customer",     "service_id", "kind",
                                               "description", "quantity", "unit_price",   "amount",     "taxable",
                                               "service_date", "source_key", "invoice_id", "invoice",    "created_at",
                                               "unit"};
    return f;
}

// ---- runs ----------------------------------------------------------------------------------------

std::vector<int64_t> run_invoices(Context& ctx, const RunOptions& o, std::vector<std::string>* notes) {
    if (o.period.has_value() == o.through.has_value()) fail(ErrorKind::Usage, "give either --period YYYY-MM or --through DATE");
    if (o.issue_date && !o.issue) fail(ErrorKind::Usage, "--issue-date goes with --issue");
    date::year_month ym;
    Date end;
    std::string period;
    if (o.period) {
        ym = parse_month(*o.period, "--period");
        end = last_day(ym);
        period = month_text(ym);
    } else {
        end = parse_day(*o.through, ctx.today(), "--through");
        ym = month_of(end);
    }
    const Config& cfg = ctx.config;
    Rounding mode = parse_rounding(cfg.tax.rounding);
    bool invoice_level = cfg.tax.level == "invoice";
    auto plans = load_plans(ctx.store, o.customer_id);
    // A month is billed in arrears once it is over: before that its fee waits for a later run,
    // unless forced (a customer who leaves mid-month is billed the month now).
    // The last month that is over is the one before today's.
    date::year_month last_ended = month_of(ctx.today()) - date::months{1};
    bool month_open = !o.force && ym > last_ended;
    bool held_back = false;

    // 1. The flat monthly fees due by this period: in arrears the period's month, in advance the
    // next one; months missed since the plan started are made up. The source key makes it once.
    for (const auto& [customer_id, plan] : plans) {
        if (!plan.exists || !plan.monthly) continue;
        date::year_month covered = plan.timing == "advance" ? ym + date::months{1} : ym;
        if (plan.timing != "advance" && month_open) {
            covered = last_ended;
            if (month_of(parse_date(plan.starts_on, "starts_on")) <= ym) held_back = true;
        }
        date::year_month m = month_of(parse_date(plan.starts_on, "starts_on"));
        for (; m <= covered; m += date::months{1}) {
            std::string key = "monthly:" + std::to_string(customer_id) + ":" + month_text(m);
            auto& q = ctx.store.prepare("SELECT 1 FROM billable_line WHERE source_key = ?");
            q.bind(1, key);
            bool exists = q.executeStep();
            q.reset();
            if (exists) continue;
            std::string desc = plan.monthly_description.empty() ? "Monthly pool service" : plan.monthly_description;
            insert_record(ctx, "billable_line",
                          {{"customer_id", customer_id},
                           {"kind", "monthly"},
                           {"description", desc + ", " + month_name(m)},
                           {"quantity_milli", int64_t{1000}},
                           {"unit_price_cents", *plan.monthly},
                           {"amount_cents", *plan.monthly},
                           {"taxable", int64_t{cfg.billing.monthly_taxable ? 1 : 0}},
                           {"service_date", format_date(first_day(m))},
                           {"source_key", key},
                           {"created_at", format_instant(ctx.now())}},
                          false);
        }
    }

    // 2. Every unbilled line up to the period's end (monthly fees billed in advance: the month after).
    std::string sql =
        "SELECT b.id, b.customer_id, b.kind, b.description, b.quantity_milli, b.unit_price_cents, b.amount_cents, b.taxable, "
        "b.service_date, coalesce(s.service_type, a.service_type, ''), c.name, "
        "b.unit, "
        // The warranty ticket in warranty on the service date that the visit came from, if any.
        "(SELECT min(t.id) FROM ticket_visit tv JOIN ticket t ON t.id = tv.ticket_id "
        "  WHERE tv.appointment_id = coalesce(b.appointment_id, s.appointment_id) AND t.warranty = 'in' "
        "  AND (t.warranty_until IS NULL OR t.warranty_until >= b.service_date)) "
        "FROM billable_line b JOIN customer c ON c.id = b.customer_id LEFT JOIN service s ON s.id = b.service_id "
        "LEFT JOIN appointment a ON a.id = b.appointment_id "
        "WHERE NOT EXISTS (SELECT 1 FROM invoice_line l WHERE l.billable_line_id = b.id) "
        "AND (b.service_date <= ? OR (b.kind = 'monthly' AND b.service_date <= ?))";
    if (o.customer_id) sql += " AND b.customer_id = ?";
    sql += " ORDER BY b.customer_id, b.service_date, b.id";
    Statement q(ctx.store, sql);
    q.bind(1, format_date(end));
    q.bind(2, format_date(last_day(ym + date::months{1})));
    if (o.customer_id) q.bind(3, *o.customer_id);

    struct Pending {
        int64_t customer_id = 0;
        std::string customer;
        std::vector<Line> lines;
    };
    std::vector<Pending> groups;
    while (q.executeStep()) {
        int64_t cust = q.getColumn(1).getInt64();
        if (groups.empty() || groups.back().customer_id != cust) groups.push_back({cust, q.getColumn(10).getString(), {}});
        const Plan* plan = nullptr;
        if (auto it = plans.find(cust); it != plans.end() && it->second.exists) plan = &it->second;
        Line l;
        l.billable_line_id = q.getColumn(0).getInt64();
        l.kind = q.getColumn(2).getString();
        l.description = q.getColumn(3).getString();
        l.quantity_milli = q.getColumn(4).getInt64();
        l.unit_price = q.getColumn(5).getInt64();
        l.amount = q.getColumn(6).getInt64();
        l.taxable = q.getColumn(7).getInt() != 0;
        l.service_date = q.getColumn(8).getString();
        l.unit = q.getColumn(11).getString();
        std::string type = q.getColumn(9).getString();
        l.item = item_name(cfg, l.kind, type);
        if (plan) {
            if (l.kind == "service" && !type.empty()) {
                if (auto it = plan->prices.find(type); it != plan->prices.end()) {
                    l.unit_price = it->second;
                    l.amount = line_amount(l.quantity_milli, l.unit_price);
                }
            }
            if ((l.kind == "chemical" && plan->chemicals_included) || (l.kind == "item" && plan->parts_included) ||
                (l.kind == "service" && plan->visits_included && plan->monthly)) {
                l.unit_price = 0;
                l.amount = 0;
                l.included = true;
            }
            if (plan->tax_exempt) l.taxable = false;
        }
        // Warranty work is no charge: the homeowner gets no invoice (and no credit note) for it.
        if (!q.getColumn(12).isNull() && (l.kind == "service" || l.kind == "chemical" || l.kind == "item")) {
            l.unit_price = 0;
            l.amount = 0;
            l.description += " (no charge: warranty, ticket " + std::to_string(q.getColumn(12).getInt64()) + ")";
        }
        groups.back().lines.push_back(std::move(l));
    }

    // 3. One draft per customer and period: added to when it exists, made otherwise.
    std::map<int64_t, int64_t> drafts;  // customer → the oldest draft of this period
    {
        Statement d(ctx.store,
                            "SELECT customer_id, min(id) FROM invoice WHERE seq IS NULL AND kind = 'invoice' AND period_end = ? "
                            "AND period IS ? GROUP BY customer_id");
        d.bind(1, format_date(end));
        if (period.empty()) d.bind(2);
        else d.bind(2, period);
        while (d.executeStep()) drafts[d.getColumn(0).getInt64()] = d.getColumn(1).getInt64();
    }
    // Read first, then written table by table (every new invoice, every new line, the drafts'
    // changes, the audit entries), so that a month's thousands of rows go in a few statements
    // (one statement per row was most of a PostgreSQL run's time). Each table's rows are written in
    // the customers' order, so they take the ids the customer-by-customer order gave them.
    struct Work {
        int64_t id = 0;  ///< the draft added to, or the new invoice once written
        std::optional<NewInvoice> fresh;
        Json before;
        std::vector<Line> lines;
        std::vector<Cents> old_tax;
        Cents subtotal = 0, tax = 0;
    };
    std::vector<Work> work;
    work.reserve(groups.size());
    std::string default_terms = canonical_terms(cfg.billing.terms, "billing.terms");
    for (auto& g : groups) {
        Plan plan;
        if (auto it = plans.find(g.customer_id); it != plans.end()) plan = it->second;
        Work& w = work.emplace_back();
        int64_t rate;
        if (auto it = drafts.find(g.customer_id); it != drafts.end()) {
            w.id = it->second;
            w.lines = load_lines(ctx.store, w.id);
            w.before = invoice_audit_json(ctx.store, w.id, w.lines);
            InvoiceHead h = load_head(ctx.store, w.id);
            rate = h.tax_rate_micro;
            mode = parse_rounding(h.tax_rounding);
            invoice_level = h.tax_level == "invoice";
        } else {
            NewInvoice& n = w.fresh.emplace();
            n.customer_id = g.customer_id;
            n.period = period;
            n.period_end = format_date(end);
            n.terms = plan.terms.empty() ? default_terms : plan.terms;
            n.terms_days = parse_terms_days(n.terms);
            n.tax_rate_micro = rate = plan_tax_rate(cfg, plan, g.customer);
            n.tax_name = cfg.tax.name;
            n.tax_level = cfg.tax.level;
            n.tax_rounding = cfg.tax.rounding;
            mode = parse_rounding(cfg.tax.rounding);
            invoice_level = cfg.tax.level == "invoice";
        }
        for (const auto& l : w.lines) w.old_tax.push_back(l.tax);
        int64_t pos = w.lines.empty() ? 0 : w.lines.back().position;
        for (auto& l : g.lines) {
            l.position = ++pos;
            w.lines.push_back(std::move(l));
        }
        std::tie(w.subtotal, w.tax) = tax_lines(w.lines, rate, mode, invoice_level);
    }
    // A new invoice is written with its totals, as its lines make them.
    NewRows invoices = invoice_rows();
    for (const auto& w : work)
        if (w.fresh) add_invoice_row(invoices, ctx, *w.fresh, w.subtotal, w.tax);
    std::vector<int64_t> invoice_ids = ctx.store.insert_rows(invoices);
    size_t next = 0;
    for (auto& w : work)
        if (w.fresh) w.id = invoice_ids[next++];
    NewRows lines = line_rows();
    for (const auto& w : work)
        for (const auto& l : w.lines)
            if (l.id == 0) add_line_row(lines, w.id, l);
    std::vector<int64_t> line_ids = ctx.store.insert_rows(lines);
    next = 0;
    for (auto& w : work)
        for (auto& l : w.lines)
            if (l.id == 0) l.id = line_ids[next++];
    std::vector<int64_t> out;
    for (const auto& w : work) {
        if (!w.fresh) update_draft(ctx, w.id, w.lines, w.old_tax, w.subtotal, w.tax);
        out.push_back(w.id);
    }
    std::map<int64_t, Json> after = rows_json(ctx.store, "invoice", out);
    AuditBatch audit(ctx);
    for (auto& w : work) {
        Json& j = after[w.id];
        Json ls = Json::array();
        for (const auto& l : w.lines) ls.push_back(line_audit_json(l));
        j["lines"] = ls;
        audit.change("invoice", w.id, w.before, j);
    }
    audit.write();
    if (notes) {
        if (held_back)
            notes->push_back(month_text(ym) + " has not ended (it ends " + format_date(last_day(ym)) +
                             "): its monthly fees in arrears are not billed yet; --force bills them now");
        auto visits = unbilled_completed_visits(ctx.store, format_date(first_day(ym)), format_date(end), o.customer_id);
        if (!visits.empty()) {
            std::string list;
            for (const auto& v : visits) list += (list.empty() ? "" : "; ") + v;
            notes->push_back("warning: " + std::to_string(visits.size()) + " completed visit" + (visits.size() == 1 ? "" : "s") +
                             " of the period billed nothing (submit the service ticket, or bill it with bill extra add): " + list);
        }
    }
    if (o.issue) issue_invoices(ctx, out, o.issue_date);
    return out;
}

void issue_invoices(Context& ctx, const std::vector<int64_t>& ids, const std::optional<std::string>& issue_date) {
    for (int64_t id : ids) {
        InvoiceHead h = load_head(ctx.store, id);
        if (h.seq) fail(ErrorKind::Transition, h.number + " is already issued");
        issue_one(ctx, id, issue_date);
    }
}

std::vector<int64_t> draft_ids(Store& store, std::optional<int64_t> customer_id) {
    Statement q(store, std::string("SELECT id FROM invoice WHERE seq IS NULL AND kind = 'invoice'") +
                                        (customer_id ? " AND customer_id = ?" : "") + " ORDER BY id");
    if (customer_id) q.bind(1, *customer_id);
    std::vector<int64_t> ids;
    while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
    return ids;
}

int64_t resolve_invoice(Store& store, const std::string& key) {
    bool digits = !key.empty() && key.size() < 19 && key.find_first_not_of("0123456789") == std::string::npos;
    auto& q = store.prepare(digits ? "SELECT id FROM invoice WHERE id = ?" : "SELECT id FROM invoice WHERE number = ?");
    if (digits) q.bind(1, static_cast<int64_t>(std::stoll(key)));
    else q.bind(1, key);
    if (!q.executeStep()) fail(ErrorKind::NotFound, "no invoice '" + key + "' (an id, or a number such as INV-000123)");
    int64_t id = q.getColumn(0).getInt64();
    q.reset();
    return id;
}

int64_t void_invoice(Context& ctx, int64_t id, const std::string& reason) {
    if (reason.find_first_not_of(" \t\r\n") == std::string::npos) fail(ErrorKind::BadInput, "--reason: say why it is void");
    InvoiceHead h = load_head(ctx.store, id);
    if (h.kind == "credit") fail(ErrorKind::Transition, invoice_name(h) + " is a credit note; it cannot be voided");
    if (!h.seq) {
        // A draft has no number yet: it goes away and its lines wait for the next run.
        auto lines = load_lines(ctx.store, id);
        Json before = invoice_audit_json(ctx.store, id, lines);
        auto& dl = ctx.store.prepare("DELETE FROM invoice_line WHERE invoice_id = ?");
        dl.bind(1, id);
        dl.exec();
        auto& di = ctx.store.prepare("DELETE FROM invoice WHERE id = ?");
        di.bind(1, id);
        di.exec();
        record_change(ctx, "invoice", id, before, nullptr);
        return 0;
    }
    Amounts a = amounts_of(ctx.store, id);
    if (a.voided) fail(ErrorKind::Transition, h.number + " is already void");
    if (a.credited > 0)
        fail(ErrorKind::Conflict, h.number + " already has partial credit notes; credit what is left with bill credit --line or --amount");
    auto lines = load_lines(ctx.store, id);
    for (auto& l : lines) {
        l.credits_line_id = l.id;
        l.billable_line_id.reset();
    }
    return make_credit_note(ctx, h, lines, reason, true);
}

int64_t credit_invoice(Context& ctx, int64_t id, const std::string& reason, const std::vector<int64_t>& positions,
                       std::optional<Cents> amount, CreditTax tax_mode) {
    if (reason.find_first_not_of(" \t\r\n") == std::string::npos) fail(ErrorKind::BadInput, "--reason: say why it is credited");
    if (positions.empty() == !amount) fail(ErrorKind::Usage, "give either --line N (repeatable) or --amount");
    if (!amount && tax_mode != CreditTax::proportional) fail(ErrorKind::Usage, "--tax-included and --no-tax go with --amount");
    InvoiceHead h = load_head(ctx.store, id);
    if (h.kind == "credit") fail(ErrorKind::Transition, invoice_name(h) + " is a credit note; it cannot be credited");
    if (!h.seq) fail(ErrorKind::Transition, invoice_name(h) + " is a draft: change it with bill void and a new run, not a credit note");
    Amounts a = amounts_of(ctx.store, id);
    if (a.voided) fail(ErrorKind::Transition, h.number + " is void");
    Cents left = h.total - a.credited;
    std::vector<Line> out;
    if (amount) {
        if (*amount <= 0) fail(ErrorKind::BadInput, "--amount: must be more than 0");
        Cents taxable_base = 0, exempt_base = 0;
        for (const auto& l : load_lines(ctx.store, id)) (l.taxable ? taxable_base : exempt_base) += l.amount;
        Rounding mode = parse_rounding(h.tax_rounding);
        int64_t rate = h.tax_rate_micro;
        bool taxed = tax_mode != CreditTax::none && taxable_base > 0 && rate > 0;
        // The taxable part P, the exempt part E and the tax on P.
        Cents p = 0, e = *amount, t = 0;
        if (taxed && tax_mode == CreditTax::proportional) {
            p = round_div(static_cast<WideInt>(*amount) * taxable_base, taxable_base + exempt_base, mode);
            e = *amount - p;
            t = tax_on(p, rate, mode);
        } else if (taxed) {
            // Gross G = P + E + tax(P) with P : E as on the invoice: P ≈ G·TB / (TB + EB + TB·rate).
            WideInt den = static_cast<WideInt>(taxable_base + exempt_base) * k_million + static_cast<WideInt>(taxable_base) * rate;
            Cents guess = round_div(static_cast<WideInt>(*amount) * taxable_base * k_million, static_cast<int64_t>(den), mode);
            bool found = false;
            for (Cents c : {guess, guess - 1, guess + 1}) {
                if (c < 0) continue;
                Cents rest = *amount - c - tax_on(c, rate, mode);
                if (rest < 0 || (exempt_base == 0 && rest != 0)) continue;
                p = c, t = tax_on(c, rate, mode), e = rest, found = true;
                break;
            }
            if (!found)
                fail(ErrorKind::BadInput, "--amount: " + format_money(*amount) + " cannot be split exactly into an amount and its " +
                                              format_rate(rate) + " % tax; give the amount before tax without --tax-included");
        }
        if (p + e + t > left)
            fail(ErrorKind::Conflict, "--amount: " + format_money(*amount) + (t ? " with its tax of " + format_money(t) : std::string()) +
                                          " is more than the " + format_money(left) + " of " + h.number + " not credited yet");
        Line l;
        l.kind = "adjustment";
        l.item = item_name(ctx.config, "adjustment", "");
        l.description = "Credit: " + reason;
        l.service_date = format_date(ctx.today());
        if (p > 0) {
            Line x = l;
            x.unit_price = x.amount = p;
            x.taxable = true;
            x.tax = t;
            out.push_back(x);
        }
        if (e > 0 || p == 0) {
            Line x = l;
            x.unit_price = x.amount = e;
            out.push_back(x);
        }
    } else {
        auto lines = load_lines(ctx.store, id);
        Cents sum = 0;
        std::vector<int64_t> seen;
        for (int64_t p : positions) {
            if (std::find(seen.begin(), seen.end(), p) != seen.end()) fail(ErrorKind::BadInput, "--line: " + std::to_string(p) + " is named twice");
            seen.push_back(p);
            auto it = std::find_if(lines.begin(), lines.end(), [&](const Line& l) { return l.position == p; });
            if (it == lines.end())
                fail(ErrorKind::NotFound, "--line: " + h.number + " has no line " + std::to_string(p) + " (it has " +
                                              std::to_string(lines.size()) + ")");
            auto& c = ctx.store.prepare(
                "SELECT k.number FROM invoice_line l JOIN invoice k ON k.id = l.invoice_id WHERE l.credits_line_id = ? AND k.seq IS NOT NULL");
            c.bind(1, it->id);
            if (c.executeStep()) {
                std::string other = c.getColumn(0).getString();
                c.reset();
                fail(ErrorKind::Conflict, "--line: line " + std::to_string(p) + " of " + h.number + " is already credited by " + other);
            }
            if (it->amount < 0)
                fail(ErrorKind::BadInput, "--line: line " + std::to_string(p) + " of " + h.number +
                                              " is a discount; a credit note credits what was charged");
            Line l = *it;
            l.credits_line_id = l.id;
            l.billable_line_id.reset();
            sum += l.amount + l.tax;
            out.push_back(l);
        }
        if (sum > left)
            fail(ErrorKind::Conflict, "those lines come to " + format_money(sum) + ", more than the " + format_money(left) + " of " +
                                          h.number + " not credited yet");
    }
    return make_credit_note(ctx, h, out, reason, false);
}

// ---- payments ----------------------------------------------------------------------------------

int64_t record_payment(Context& ctx, int64_t invoice_id, const PaymentFields& f) {
    static const std::vector<std::string> methods = {"cash", "check", "card", "ach", "other"};
    if (std::find(methods.begin(), methods.end(), f.method) == methods.end())
        fail(ErrorKind::BadInput, "--method: '" + f.method + "' is not a payment method (cash, check, card, ach, other)");
    if (f.amount <= 0) fail(ErrorKind::BadInput, "--amount: must be more than 0");
    Date day = parse_day(f.date, ctx.today(), "--date");
    if (f.reason && !f.force) fail(ErrorKind::Usage, "--reason goes with --force");
    if (f.force && (!f.reason || f.reason->find_first_not_of(" \t\r\n") == std::string::npos))
        fail(ErrorKind::Usage, "--force needs --reason: say why the payment is dated before its invoice");
    InvoiceHead h = load_head(ctx.store, invoice_id);
    if (h.kind == "credit") fail(ErrorKind::Transition, h.number + " is a credit note; payments go to invoices");
    if (!h.seq) fail(ErrorKind::Transition, invoice_name(h) + " is a draft: issue it before recording payments");
    if (day > ctx.today())
        fail(ErrorKind::BadInput, "--date: " + format_date(day) + " is after today (" + format_date(ctx.today()) +
                                      "): record a payment on the day it arrives");
    {
        auto& q = ctx.store.prepare("SELECT issue_date FROM invoice WHERE id = ?");
        q.bind(1, invoice_id);
        q.executeStep();
        std::string issued = q.getColumn(0).getString();
        q.reset();
        if (format_date(day) < issued && !f.force)
            fail(ErrorKind::BadInput, "--date: " + format_date(day) + " is before " + h.number + " was issued (" + issued +
                                          "); if it really arrived first, add --force --reason");
    }
    Amounts a = amounts_of(ctx.store, invoice_id);
    if (a.voided) fail(ErrorKind::Transition, h.number + " is void");
    Cents balance = std::max<Cents>(0, h.total - a.paid - a.credited - a.written_off);
    if (f.amount > balance && !f.credit)
        fail(ErrorKind::Conflict, "--amount: " + format_money(f.amount) + " is more than the balance " + format_money(balance) + " of " +
                                      h.number + "; --credit keeps the " + format_money(f.amount - balance) + " over as customer credit");
    Columns cols{{"invoice_id", invoice_id},
                 {"customer_id", h.customer_id},
                 {"amount_cents", f.amount},
                 {"paid_on", format_date(day)},
                 {"method", f.method},
                 {"ref", f.ref && !f.ref->empty() ? Value(*f.ref) : Value(nullptr)},
                 {"created_at", format_instant(ctx.now())},
                 {"actor", ctx.actor}};
    int64_t id = insert_record(ctx, "payment", cols, false);
    if (Cents applied = std::min(f.amount, balance); applied > 0) {
        Columns app{{"customer_id", h.customer_id},
                    {"payment_id", id},
                    {"invoice_id", invoice_id},
                    {"kind", "payment"},
                    {"amount_cents", applied},
                    {"applied_on", format_date(day)},
                    {"created_at", format_instant(ctx.now())},
                    {"actor", ctx.actor}};
        insert_record(ctx, "payment_application", app, false);
    }
    return id;
}

Json payment_json(Store& store, int64_t id) {
    // The invoice: the one `bill pay INVOICE` named, else the first the payment was applied to.
    auto& q = store.prepare(
        "SELECT p.id, i.id, i.number, p.customer_id, c.name, p.amount_cents, "
        "(SELECT coalesce(sum(a.amount_cents), 0) FROM payment_application a WHERE a.payment_id = p.id), p.paid_on, p.method, "
        "p.ref, p.created_at FROM payment p LEFT JOIN invoice i ON i.id = coalesce(p.invoice_id, "
        "(SELECT min(a.invoice_id) FROM payment_application a WHERE a.payment_id = p.id)) JOIN customer c ON c.id = p.customer_id "
        "WHERE p.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(ErrorKind::NotFound, "no payment with id " + std::to_string(id));
    Cents amount = q.getColumn(5).getInt64(), applied = q.getColumn(6).getInt64();
    Json j = {{"id", id},
              {"invoice_id", q.getColumn(1).isNull() ? Json(nullptr) : Json(q.getColumn(1).getInt64())},
              {"invoice", text_or_null(q.getColumn(2))},
              {"customer_id", q.getColumn(3).getInt64()},
              {"customer", q.getColumn(4).getString()},
              {"amount", money(amount)},
              {"applied", money(applied)},
              {"credit", money(amount - applied)},
              {"date", q.getColumn(7).getString()},
              {"method", q.getColumn(8).getString()},
              {"ref", text_or_null(q.getColumn(9))},
              {"created_at", q.getColumn(10).getString()}};
    q.reset();
    return j;
}

const std::vector<std::string>& payment_fields() {
    static const std::vector<std::string> f = {"id",      "invoice_id", "invoice", "customer_id", "customer", "amount",
                                               "applied", "credit",     "date",    "method",      "ref",      "created_at"};
    return f;
}

// ---- reading ------------------------------------------------------------------------------------

std::vector<Json> list_invoices(Context& ctx, const InvoiceFilter& f) {
    std::string sql = std::string("SELECT * FROM (") + k_summary + ") AS summary WHERE 1";
    // The summary's columns by position: 0 id, 1 kind, 3 customer_id, 6 period_end, 7 issue_date, 8 due_date, 22 seq.
    std::string status = std::string("(") + k_status_expr + ")";
    std::vector<Value> binds;
    if (f.status) {
        static const std::vector<std::string> valid = {"draft", "open", "paid", "void", "issued"};
        if (std::find(valid.begin(), valid.end(), *f.status) == valid.end())
            fail(ErrorKind::BadInput, "--status: '" + *f.status + "' is not draft, open, paid, void or issued");
        sql += " AND " + status + " = ?";
        binds.emplace_back(*f.status);
    }
    if (f.customer_id) {
        sql += " AND customer_id = ?";
        binds.emplace_back(*f.customer_id);
    }
    Date today = ctx.today();
    if (f.from) {
        sql += " AND coalesce(issue_date, period_end) >= ?";
        binds.emplace_back(format_date(parse_day(*f.from, today, "--from")));
    }
    if (f.to) {
        sql += " AND coalesce(issue_date, period_end) <= ?";
        binds.emplace_back(format_date(parse_day(*f.to, today, "--to")));
    }
    if (f.overdue) {
        sql += " AND " + status + " = 'open' AND due_date < ?";
        binds.emplace_back(format_date(today));
    }
    sql += " ORDER BY seq IS NULL, kind DESC, seq, id";
    if (f.limit > 0) sql += " LIMIT " + std::to_string(f.limit);
    Statement q(ctx.store, sql);
    int i = 1;
    for (const auto& b : binds) bind_value(q, i++, b);
    std::vector<Json> out;
    while (q.executeStep()) out.push_back(summary_json(q, today));
    return out;
}

Json invoice_json(Context& ctx, int64_t id) {
    auto& q = ctx.store.prepare(std::string(k_summary) + " WHERE i.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(ErrorKind::NotFound, "no invoice with id " + std::to_string(id));
    Json j = summary_json(q, ctx.today());
    q.reset();
    return j;
}

std::vector<Json> invoice_jsons(Context& ctx, const std::vector<int64_t>& ids) {
    // Bill run's answer is a month's 5,000 invoices: one statement each was 5,000 round trips on
    // PostgreSQL.
    std::map<int64_t, Json> found;
    for (const auto& list : id_lists(ids)) {
        Statement q(ctx.store, std::string(k_summary) + " WHERE i.id IN (" + list + ")");
        while (q.executeStep()) found.emplace(q.getColumn(0).getInt64(), summary_json(q, ctx.today()));
    }
    std::vector<Json> out;
    out.reserve(ids.size());
    for (int64_t id : ids) {
        auto it = found.find(id);
        if (it == found.end()) fail(ErrorKind::NotFound, "no invoice with id " + std::to_string(id));
        out.push_back(it->second);
    }
    return out;
}

const std::vector<std::string>& invoice_fields() {
    static const std::vector<std::string> f = {
        "id",       "number", "kind",    "status", "customer_id", "customer",     "period",  "period_end",
        "issue_date", "due_date", "terms", "currency", "subtotal", "tax",         "total",   "paid",
        "credited", "balance", "days_overdue", "credits", "reason", "lines",     "issued_at", "created_at", "written_off"};
    return f;
}

Json invoice_detail(Context& ctx, int64_t id) {
    Json j = invoice_json(ctx, id);
    auto& q = ctx.store.prepare(
        "SELECT i.bill_to_name, i.bill_to_email, i.bill_to_street, i.bill_to_city, i.bill_to_state, i.bill_to_zip, "
        "i.tax_name, i.tax_rate_micro, i.tax_level, i.tax_rounding, i.seq FROM invoice i WHERE i.id = ?");
    q.bind(1, id);
    q.executeStep();
    Json bill_to;
    if (!q.getColumn(10).isNull()) {
        bill_to = {{"name", q.getColumn(0).getString()}, {"email", text_or_null(q.getColumn(1))},
                   {"street", text_or_null(q.getColumn(2))}, {"city", text_or_null(q.getColumn(3))},
                   {"state", text_or_null(q.getColumn(4))}, {"zip", text_or_null(q.getColumn(5))}};
    }
    Json tax = {{"name", q.getColumn(6).getString()}, {"rate", format_rate(q.getColumn(7).getInt64())},
                {"level", q.getColumn(8).getString()}, {"rounding", q.getColumn(9).getString()}};
    q.reset();
    if (bill_to.is_null()) {
        // A draft shows the customer as stored now; issuing freezes it.
        Customer c = get_customer(ctx.store, j["customer_id"].get<int64_t>());
        auto opt = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
        bill_to = {{"name", c.name}, {"email", c.emails.empty() ? Json(nullptr) : Json(c.emails.front().value)},
                   {"street", opt(c.street)}, {"city", opt(c.city)}, {"state", opt(c.state)}, {"zip", opt(c.zip)}};
    }
    Json lines = Json::array();
    for (const auto& l : load_lines(ctx.store, id))
        lines.push_back({{"position", l.position},
                         {"kind", l.kind},
                         {"item", l.item},
                         {"description", l.description},
                         {"service_date", l.service_date},
                         {"quantity", format_milli(l.quantity_milli)},
                         {"unit_price", money(l.unit_price)},
                         {"amount", money(l.amount)},
                         {"taxable", l.taxable},
                         {"tax", money(l.tax)},
                         {"included", l.included},
                         {"unit", l.unit.empty() ? Json(nullptr) : Json(l.unit)}});
    // Payments and applied credit: each application to this invoice, with the payment it came from
    // (a credit note's surplus from another invoice has no payment: method "credit").
    Json payments = Json::array();
    {
        Statement p(ctx.store,
                    "SELECT a.payment_id, a.applied_on, p.method, p.ref, p.amount_cents, a.amount_cents, s.number FROM payment_application a "
                    "LEFT JOIN payment p ON p.id = a.payment_id LEFT JOIN invoice s ON s.id = a.source_invoice_id "
                    "WHERE a.invoice_id = ? ORDER BY a.applied_on, a.id");
        p.bind(1, id);
        while (p.executeStep()) {
            bool pay = !p.getColumn(0).isNull();
            payments.push_back({{"id", pay ? Json(p.getColumn(0).getInt64()) : Json(nullptr)},
                                {"date", p.getColumn(1).getString()},
                                {"method", pay ? Json(p.getColumn(2).getString()) : Json("credit")},
                                {"ref", pay ? text_or_null(p.getColumn(3)) : text_or_null(p.getColumn(6))},
                                {"amount", money(pay ? p.getColumn(4).getInt64() : p.getColumn(5).getInt64())},
                                {"applied", money(p.getColumn(5).getInt64())}});
        }
    }
    Json write_offs = Json::array();
    {
        Statement w(ctx.store, "SELECT written_on, amount_cents, reason FROM write_off WHERE invoice_id = ? ORDER BY written_on, id");
        w.bind(1, id);
        while (w.executeStep())
            write_offs.push_back({{"date", w.getColumn(0).getString()}, {"amount", money(w.getColumn(1).getInt64())},
                                  {"reason", w.getColumn(2).getString()}});
    }
    Json credits = Json::array();
    {
        Statement c(ctx.store,
                            "SELECT number, issue_date, total_cents, reason FROM invoice WHERE credits_invoice_id = ? AND seq IS NOT NULL ORDER BY seq");
        c.bind(1, id);
        while (c.executeStep())
            credits.push_back({{"number", c.getColumn(0).getString()}, {"issue_date", c.getColumn(1).getString()},
                               {"total", money(c.getColumn(2).getInt64())}, {"reason", text_or_null(c.getColumn(3))}});
    }
    const auto& co = ctx.config.company;
    auto opt = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
    j["company"] = {{"name", co.name}, {"address", opt(co.address)}, {"phone", opt(co.phone)}, {"email", opt(co.email)}};
    j["bill_to"] = bill_to;
    j["tax_rate"] = tax;
    j["line_items"] = lines;
    j["payments"] = payments;
    j["credit_notes"] = credits;
    j["write_offs"] = write_offs;
    return j;
}

const std::vector<std::string>& invoice_detail_fields() {
    static const std::vector<std::string> f = [] {
        auto v = invoice_fields();
        for (const char* k : {"company", "bill_to", "tax_rate", "line_items", "payments", "credit_notes", "write_offs"}) v.push_back(k);
        return v;
    }();
    return f;
}

std::vector<Json> aging(Context& ctx, const std::string& as_of_text) {
    Date as_of = parse_day(as_of_text, ctx.today(), "--as-of");
    std::string day = format_date(as_of);
    Statement q(ctx.store,
                        "SELECT i.customer_id, c.name, i.due_date, " + invoice_balance_sql("i.id", "?1") + " "
                        "FROM invoice i JOIN customer c ON c.id = i.customer_id "
                        "WHERE i.kind = 'invoice' AND i.seq IS NOT NULL AND i.issue_date <= ?1");
    q.bind(1, day);
    struct Row {
        std::string name;
        Cents b[5] = {0, 0, 0, 0, 0};
        Cents credit = 0;
    };
    std::map<int64_t, Row> rows;
    while (q.executeStep()) {
        Cents bal = q.getColumn(3).getInt64();
        if (bal == 0) continue;
        Row& r = rows[q.getColumn(0).getInt64()];
        r.name = q.getColumn(1).getString();
        if (bal < 0) {
            r.credit += -bal;
            continue;
        }
        auto late = (date::sys_days(as_of) - date::sys_days(parse_date(q.getColumn(2).getString(), "due_date"))).count();
        int bucket = late <= 0 ? 0 : late <= 30 ? 1 : late <= 60 ? 2 : late <= 90 ? 3 : 4;
        r.b[bucket] += bal;
    }
    Statement c(ctx.store,
                        "SELECT p.customer_id, c.name, p.amount_cents - (SELECT coalesce(sum(a.amount_cents), 0) FROM payment_application a "
                        "WHERE a.payment_id = p.id AND a.applied_on <= ?1) FROM payment p "
                        "JOIN customer c ON c.id = p.customer_id WHERE p.paid_on <= ?1");
    c.bind(1, day);
    while (c.executeStep()) {
        if (c.getColumn(2).getInt64() <= 0) continue;
        Row& r = rows[c.getColumn(0).getInt64()];
        r.name = c.getColumn(1).getString();
        r.credit += c.getColumn(2).getInt64();
    }
    std::vector<std::pair<int64_t, Row>> sorted(rows.begin(), rows.end());
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second.name < b.second.name; });
    std::vector<Json> out;
    Row total;
    auto row_json_of = [&](Json id, const std::string& name, const Row& r) {
        Cents sum = r.b[0] + r.b[1] + r.b[2] + r.b[3] + r.b[4];
        return Json{{"customer_id", id},   {"customer", name},        {"as_of", day},
                    {"current", money(r.b[0])}, {"days_1_30", money(r.b[1])}, {"days_31_60", money(r.b[2])},
                    {"days_61_90", money(r.b[3])}, {"days_over_90", money(r.b[4])}, {"total", money(sum)},
                    {"credit", money(r.credit)}};
    };
    for (const auto& [id, r] : sorted) {
        out.push_back(row_json_of(id, r.name, r));
        for (int i = 0; i < 5; ++i) total.b[i] += r.b[i];
        total.credit += r.credit;
    }
    out.push_back(row_json_of(nullptr, "Total", total));
    return out;
}

const std::vector<std::string>& aging_fields() {
    static const std::vector<std::string> f = {"customer_id", "customer",   "as_of",        "current", "days_1_30", "days_31_60",
                                               "days_61_90",  "days_over_90", "total", "credit"};
    return f;
}

// ---- discounts and adjustments on drafts ----------------------------------------------------------

void adjust_draft(Context& ctx, int64_t id, const AdjustFields& f) {
    const char* verb = f.discount ? "discount" : "adjust";
    if (f.reason.find_first_not_of(" \t\r\n") == std::string::npos)
        fail(ErrorKind::BadInput, std::string("--reason: say why the ") + (f.discount ? "discount" : "adjustment") + " is given");
    if (f.amount.has_value() == f.percent_micro.has_value())
        fail(ErrorKind::Usage, f.discount ? "give either --percent or --amount" : "give --amount");
    InvoiceHead h = load_head(ctx.store, id);
    if (h.kind == "credit") fail(ErrorKind::Transition, invoice_name(h) + " is a credit note; only a draft invoice takes a " + verb);
    if (h.seq)
        fail(ErrorKind::Transition, h.number + " is issued and never changes: reduce what is owed with a credit note (pom bill credit " +
                                        h.number + " --amount A --reason R)");
    std::vector<Line> lines = load_lines(ctx.store, id);
    Json before = invoice_audit_json(ctx.store, id, lines);
    Cents taxable_base = 0, exempt_base = 0;
    for (const auto& l : lines) (l.taxable ? taxable_base : exempt_base) += l.amount;
    Rounding mode = parse_rounding(h.tax_rounding);
    Cents amount = 0;
    std::string label;
    if (f.percent_micro) {
        if (*f.percent_micro <= 0 || *f.percent_micro > k_million) fail(ErrorKind::BadInput, "--percent: more than 0, at most 100");
        amount = -round_div(static_cast<WideInt>(taxable_base + exempt_base) * *f.percent_micro, k_million, mode);
        label = format_rate(*f.percent_micro) + " % off: ";
    } else if (f.discount) {
        amount = *f.amount < 0 ? *f.amount : -*f.amount;  // a discount reduces, whichever sign was typed
    } else {
        amount = *f.amount;
    }
    if (amount == 0) fail(ErrorKind::BadInput, std::string(f.percent_micro ? "--percent" : "--amount") + ": the " + verb + " comes to 0.00");
    // Shared between the taxable and the exempt lines as they stand, so that a discount reduces
    // the taxable base (and its tax) in proportion; a draft with no value takes it all as exempt.
    Cents base = taxable_base + exempt_base;
    Cents p = base > 0 ? round_div(static_cast<WideInt>(amount) * taxable_base, base, mode) : 0;
    Cents e = amount - p;
    Line l;
    l.kind = "adjustment";
    l.item = f.discount ? (ctx.config.billing.items.count("discount") ? ctx.config.billing.items.at("discount") : "Discount")
                        : item_name(ctx.config, "adjustment", "");
    // The item says Discount or Adjustment; the description says why (and how much, in percent).
    l.description = label + f.reason;
    l.service_date = format_date(std::min(ctx.today(), parse_date(h.period_end, "period_end")));
    std::vector<Cents> old_tax;
    for (const auto& x : lines) old_tax.push_back(x.tax);
    int64_t pos = lines.empty() ? 0 : lines.back().position;
    for (auto [part, taxable] : {std::pair{p, true}, std::pair{e, false}}) {
        if (part == 0) continue;
        Line x = l;
        x.position = ++pos;
        x.unit_price = x.amount = part;
        x.taxable = taxable;
        lines.push_back(x);
    }
    // What the draft comes to with it, before anything is written: never below zero.
    std::vector<TaxLine> tl;
    for (const auto& x : lines) tl.push_back({x.amount, x.taxable, 0});
    Cents tax = apply_tax(tl, h.tax_rate_micro, mode, h.tax_level == "invoice");
    Cents subtotal = 0;
    for (const auto& x : lines) subtotal += x.amount;
    if (subtotal < 0 || tax < 0 || subtotal + tax < 0)
        fail(ErrorKind::Conflict, std::string("--") + (f.percent_micro ? "percent" : "amount") + ": " + format_money(amount) +
                                      " would take " + invoice_name(h) + " below zero (it comes to " + format_money(h.total) + ")");
    store_lines(ctx, id, lines, old_tax, h.tax_rate_micro, mode, h.tax_level == "invoice");
    record_change(ctx, "invoice", id, before, invoice_audit_json(ctx.store, id, lines));
}

CustomerTax customer_tax(Context& ctx, int64_t customer_id) {
    Customer c = get_customer(ctx.store, customer_id);
    Plan plan = load_plan(ctx.store, customer_id);
    CustomerTax t;
    t.name = ctx.config.tax.name;
    t.rate_micro = plan_tax_rate(ctx.config, plan, c.name);
    t.rounding = parse_rounding(ctx.config.tax.rounding);
    t.invoice_level = ctx.config.tax.level == "invoice";
    t.exempt = plan.exists && plan.tax_exempt;
    return t;
}

}  // namespace pom
