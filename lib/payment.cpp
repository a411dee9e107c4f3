#include "payment.h"
#include "document_text.h"
#include "json.h"

#include "clock.h"
#include "customer.h"
#include "error.h"
#include "record.h"

#include <algorithm>
#include <map>
#include <sstream>
#include <tuple>

namespace pom {

namespace {

Json money(Cents c) { return format_money(c); }
/// Money that may be below zero (a balance): "-12.50".
Json signed_money(Cents c) { return c < 0 ? "-" + format_money(-c) : format_money(c); }
Json text_or_null(const Column& c) {
    if (c.isNull()) return nullptr;
    std::string s = c.getString();
    return s.empty() ? Json(nullptr) : Json(s);
}

const std::vector<std::string> k_methods = {"cash", "check", "card", "ach", "other"};

void check_method(const std::string& method) {
    if (std::find(k_methods.begin(), k_methods.end(), method) == k_methods.end())
        fail(ErrorKind::BadInput, "--method: '" + method + "' is not a payment method (cash, check, card, ach, other)");
}

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

/// A day on or before today: money is recorded on the day it moves.
Date past_day(Context& ctx, const std::string& typed, const std::string& what) {
    Date day = parse_day(typed, ctx.today(), "--date");
    if (day > ctx.today())
        fail(ErrorKind::BadInput, "--date: " + format_date(day) + " is after today (" + format_date(ctx.today()) + "): record " + what +
                                      " on the day it happens");
    return day;
}

struct InvoiceRef {
    int64_t id = 0;
    std::string kind, number, issue_date;
    int64_t customer_id = 0;
    bool issued = false;
    bool voided = false;
    Cents balance = 0;
};

InvoiceRef load_invoice(Store& store, int64_t id) {
    Statement q(store, "SELECT i.kind, coalesce(i.number, ''), coalesce(i.issue_date, ''), i.customer_id, i.seq, "
                       "(SELECT coalesce(max(k.full_reversal), 0) FROM invoice k WHERE k.credits_invoice_id = i.id AND k.seq IS NOT NULL), "
                       "CASE WHEN i.seq IS NULL THEN 0 ELSE " + invoice_balance_sql("i.id") + " END FROM invoice i WHERE i.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(ErrorKind::NotFound, "no invoice with id " + std::to_string(id));
    InvoiceRef r;
    r.id = id;
    r.kind = q.getColumn(0).getString();
    r.number = q.getColumn(1).getString();
    r.issue_date = q.getColumn(2).getString();
    r.customer_id = q.getColumn(3).getInt64();
    r.issued = !q.getColumn(4).isNull();
    r.voided = q.getColumn(5).getInt() != 0;
    r.balance = q.getColumn(6).getInt64();
    if (r.number.empty()) r.number = (r.kind == "credit" ? "draft credit note " : "draft invoice ") + std::to_string(id);
    return r;
}

/// An issued invoice (not a credit note) that can take money.
InvoiceRef open_invoice(Store& store, int64_t id, const std::string& to_what) {
    InvoiceRef r = load_invoice(store, id);
    if (r.kind == "credit") fail(ErrorKind::Transition, r.number + " is a credit note; " + to_what + " go to invoices");
    if (!r.issued) fail(ErrorKind::Transition, r.number + " is a draft: issue it first");
    if (r.voided) fail(ErrorKind::Transition, r.number + " is void");
    return r;
}

int64_t insert_application(Context& ctx, int64_t customer_id, std::optional<int64_t> payment_id, std::optional<int64_t> source_invoice_id,
                        std::optional<int64_t> invoice_id, std::optional<int64_t> refund_id, const char* kind, Cents amount,
                        const std::string& day) {
    auto opt = [](std::optional<int64_t> v) { return v ? Value(*v) : Value(nullptr); };
    Columns cols{{"customer_id", customer_id},
                 {"payment_id", opt(payment_id)},
                 {"source_invoice_id", opt(source_invoice_id)},
                 {"invoice_id", opt(invoice_id)},
                 {"refund_id", opt(refund_id)},
                 {"kind", kind},
                 {"amount_cents", amount},
                 {"applied_on", day},
                 {"created_at", format_instant(ctx.now())},
                 {"actor", ctx.actor}};
    return insert_record(ctx, "payment_application", cols, false);
}

/// Where a customer's credit sits: an unapplied part of a payment, or an invoice's surplus.
struct CreditSource {
    std::optional<int64_t> payment_id, invoice_id;
    std::string date;
    Cents amount = 0;
};

std::vector<CreditSource> credit_sources(Store& store, int64_t customer_id) {
    std::vector<CreditSource> out;
    {
        Statement q(store, "SELECT p.id, p.paid_on, p.amount_cents - (SELECT coalesce(sum(a.amount_cents), 0) FROM payment_application a "
                           "WHERE a.payment_id = p.id) FROM payment p WHERE p.customer_id = ? ORDER BY p.paid_on, p.id");
        q.bind(1, customer_id);
        while (q.executeStep()) {
            Cents left = q.getColumn(2).getInt64();
            if (left > 0) out.push_back({q.getColumn(0).getInt64(), std::nullopt, q.getColumn(1).getString(), left});
        }
    }
    {
        Statement q(store, "SELECT i.id, i.issue_date, " + invoice_balance_sql("i.id") +
                               " FROM invoice i WHERE i.customer_id = ? AND i.kind = 'invoice' AND i.seq IS NOT NULL ORDER BY i.issue_date, i.id");
        q.bind(1, customer_id);
        while (q.executeStep()) {
            Cents bal = q.getColumn(2).getInt64();
            if (bal < 0) out.push_back({std::nullopt, q.getColumn(0).getInt64(), q.getColumn(1).getString(), -bal});
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const CreditSource& a, const CreditSource& b) { return a.date < b.date; });
    return out;
}

Json application_json(Statement& q) {
    // columns: id, payment_id, source_invoice_id, source number, invoice_id, invoice number, refund_id, amount, applied_on
    return object({{"id", q.getColumn(0).getInt64()},
                   {"payment_id", q.getColumn(1).isNull() ? Json(nullptr) : Json(q.getColumn(1).getInt64())},
                   {"source_invoice", text_or_null(q.getColumn(3))},
                   {"invoice_id", q.getColumn(4).isNull() ? Json(nullptr) : Json(q.getColumn(4).getInt64())},
                   {"invoice", text_or_null(q.getColumn(5))},
                   {"refund_id", q.getColumn(6).isNull() ? Json(nullptr) : Json(q.getColumn(6).getInt64())},
                   {"amount", money(q.getColumn(7).getInt64())},
                   {"date", q.getColumn(8).getString()}});
}

const char* k_application_select =
    "SELECT a.id, a.payment_id, a.source_invoice_id, s.number, a.invoice_id, i.number, a.refund_id, a.amount_cents, a.applied_on "
    "FROM payment_application a LEFT JOIN invoice s ON s.id = a.source_invoice_id LEFT JOIN invoice i ON i.id = a.invoice_id ";

Json application_by_id(Store& store, int64_t id) {
    Statement q(store, std::string(k_application_select) + "WHERE a.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(ErrorKind::NotFound, "no application with id " + std::to_string(id));
    return application_json(q);
}

using doc::html_escape;

using doc::str;

using doc::width;
using doc::pad_left;
using doc::pad_right;
using doc::one_line;

}  // namespace

std::string invoice_balance_sql(const std::string& id, const std::string& day) {
    std::string on = day.empty() ? std::string() : " AND x.applied_on <= " + day;
    std::string cn = day.empty() ? std::string() : " AND x.issue_date <= " + day;
    std::string wo = day.empty() ? std::string() : " AND x.written_on <= " + day;
    return "((SELECT x.total_cents FROM invoice x WHERE x.id = " + id + ")"
           " - (SELECT coalesce(sum(x.amount_cents), 0) FROM payment_application x WHERE x.invoice_id = " + id + on + ")"
           " + (SELECT coalesce(sum(x.amount_cents), 0) FROM payment_application x WHERE x.source_invoice_id = " + id + on + ")"
           " - (SELECT coalesce(sum(x.total_cents), 0) FROM invoice x WHERE x.credits_invoice_id = " + id + " AND x.seq IS NOT NULL" + cn + ")"
           " - (SELECT coalesce(sum(x.amount_cents), 0) FROM write_off x WHERE x.invoice_id = " + id + wo + "))";
}

// ---- payments ----------------------------------------------------------------------------------

int64_t record_customer_payment(Context& ctx, const CustomerPaymentFields& f) {
    check_method(f.method);
    if (f.amount <= 0) fail(ErrorKind::BadInput, "--amount: must be more than 0");
    if (f.unapplied && !f.invoices.empty()) fail(ErrorKind::Usage, "--unapplied records it all as credit: it goes without --invoice");
    std::string day = format_date(past_day(ctx, f.date, "a payment"));
    Customer c = get_customer(ctx.store, f.customer_id);
    std::vector<InvoiceRef> targets;
    if (!f.unapplied) {
        if (!f.invoices.empty()) {
            for (int64_t id : f.invoices) {
                InvoiceRef r = open_invoice(ctx.store, id, "payments");
                if (r.customer_id != f.customer_id) fail(ErrorKind::Conflict, r.number + " is not an invoice of " + c.name);
                if (std::any_of(targets.begin(), targets.end(), [&](const InvoiceRef& t) { return t.id == id; }))
                    fail(ErrorKind::Usage, "--invoice: " + r.number + " is named twice");
                if (r.balance <= 0) fail(ErrorKind::Transition, r.number + " is already paid");
                if (r.issue_date > day)
                    fail(ErrorKind::BadInput, "--date: " + day + " is before " + r.number + " was issued (" + r.issue_date + ")");
                targets.push_back(r);
            }
        } else {
            Statement q(ctx.store, "SELECT i.id FROM invoice i WHERE i.customer_id = ? AND i.kind = 'invoice' AND i.seq IS NOT NULL "
                                   "AND i.issue_date <= ? ORDER BY i.issue_date, i.seq");
            q.bind(1, f.customer_id);
            q.bind(2, day);
            std::vector<int64_t> ids;
            while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
            for (int64_t id : ids) {
                InvoiceRef r = load_invoice(ctx.store, id);
                if (!r.voided && r.balance > 0) targets.push_back(r);
            }
        }
    }
    Cents left = f.amount;
    std::vector<std::pair<int64_t, Cents>> parts;
    for (const auto& t : targets) {
        if (left == 0) break;
        Cents part = std::min(left, t.balance);
        parts.emplace_back(t.id, part);
        left -= part;
    }
    if (left > 0 && !f.credit && !f.unapplied) {
        Cents owed = f.amount - left;
        fail(ErrorKind::Conflict, "--amount: " + format_money(f.amount) + " is more than the " + format_money(owed) + " " +
                                      (f.invoices.empty() ? c.name + " owes on open invoices" : "those invoices owe") + "; --credit keeps the " +
                                      format_money(left) + " over as customer credit");
    }
    Columns cols{{"invoice_id", nullptr},
                 {"customer_id", f.customer_id},
                 {"amount_cents", f.amount},
                 {"paid_on", day},
                 {"method", f.method},
                 {"ref", f.ref && !f.ref->empty() ? Value(*f.ref) : Value(nullptr)},
                 {"created_at", format_instant(ctx.now())},
                 {"actor", ctx.actor}};
    int64_t id = insert_record(ctx, "payment", cols, false);
    for (const auto& [inv, part] : parts) insert_application(ctx, f.customer_id, id, std::nullopt, inv, std::nullopt, "payment", part, day);
    return id;
}

Json payment_detail(Store& store, int64_t id) {
    Statement q(store, "SELECT p.id, p.customer_id, c.name, p.amount_cents, p.paid_on, p.method, p.ref, p.created_at, "
                       "(SELECT coalesce(sum(a.amount_cents), 0) FROM payment_application a WHERE a.payment_id = p.id AND a.invoice_id IS NOT NULL), "
                       "(SELECT coalesce(sum(a.amount_cents), 0) FROM payment_application a WHERE a.payment_id = p.id AND a.refund_id IS NOT NULL) "
                       "FROM payment p JOIN customer c ON c.id = p.customer_id WHERE p.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(ErrorKind::NotFound, "no payment with id " + std::to_string(id));
    Cents amount = q.getColumn(3).getInt64(), applied = q.getColumn(8).getInt64(), refunded = q.getColumn(9).getInt64();
    Json j = object({{"id", id},
                     {"date", q.getColumn(4).getString()},
                     {"customer_id", q.getColumn(1).getInt64()},
                     {"customer", q.getColumn(2).getString()},
                     {"method", q.getColumn(5).getString()},
                     {"ref", text_or_null(q.getColumn(6))},
                     {"amount", money(amount)},
                     {"applied", money(applied)},
                     {"refunded", money(refunded)},
                     {"unapplied", money(amount - applied - refunded)},
                     {"created_at", q.getColumn(7).getString()}});
    Json apps = Json::array();
    std::string invoices;
    Statement a(store, std::string(k_application_select) + "WHERE a.payment_id = ? ORDER BY a.id");
    a.bind(1, id);
    while (a.executeStep()) {
        Json x = application_json(a);
        if (!x["invoice"].is_null()) invoices += (invoices.empty() ? "" : " ") + x["invoice"].get<std::string>();
        apps.push_back(std::move(x));
    }
    j["invoices"] = invoices;
    j["applications"] = apps;
    return j;
}

const std::vector<std::string>& payment_detail_fields() {
    static const std::vector<std::string> f = {"id",        "date",      "customer_id", "customer", "method",   "ref",         "amount",
                                               "applied",   "refunded",  "unapplied",   "created_at", "invoices", "applications"};
    return f;
}

Cents customer_credit(Store& store, int64_t customer_id) {
    Cents sum = 0;
    for (const auto& s : credit_sources(store, customer_id)) sum += s.amount;
    return sum;
}

// ---- credit --------------------------------------------------------------------------------------

std::vector<Json> apply_credit(Context& ctx, int64_t invoice_id, std::optional<Cents> amount, const std::string& date) {
    std::string day = format_date(past_day(ctx, date, "an application of credit"));
    InvoiceRef r = open_invoice(ctx.store, invoice_id, "credit applications");
    if (r.balance <= 0) fail(ErrorKind::Transition, r.number + " is already paid");
    if (amount && *amount <= 0) fail(ErrorKind::BadInput, "--amount: must be more than 0");
    if (amount && *amount > r.balance)
        fail(ErrorKind::Conflict, "--amount: " + format_money(*amount) + " is more than the balance " + format_money(r.balance) + " of " + r.number);
    if (r.issue_date > day) fail(ErrorKind::BadInput, "--date: " + day + " is before " + r.number + " was issued (" + r.issue_date + ")");
    auto sources = credit_sources(ctx.store, r.customer_id);
    Cents available = 0;
    for (const auto& s : sources)
        if (s.invoice_id != invoice_id && s.date <= day) available += s.amount;
    Customer c = get_customer(ctx.store, r.customer_id);
    if (available == 0) fail(ErrorKind::Conflict, c.name + " has no credit to apply on " + day);
    Cents want = amount ? *amount : std::min(available, r.balance);
    if (want > available)
        fail(ErrorKind::Conflict, "--amount: " + format_money(want) + " is more than the " + format_money(available) + " of credit " + c.name + " has");
    std::vector<Json> out;
    Cents left = want;
    for (const auto& s : sources) {
        if (left == 0) break;
        if (s.invoice_id == invoice_id || s.date > day) continue;
        Cents part = std::min(left, s.amount);
        int64_t id = insert_application(ctx, r.customer_id, s.payment_id, s.invoice_id, invoice_id, std::nullopt, "credit", part, day);
        out.push_back(application_by_id(ctx.store, id));
        left -= part;
    }
    return out;
}

const std::vector<std::string>& application_fields() {
    static const std::vector<std::string> f = {"id", "payment_id", "source_invoice", "invoice_id", "invoice", "refund_id", "amount", "date"};
    return f;
}

int64_t refund_credit(Context& ctx, const RefundFields& f) {
    check_method(f.method);
    if (f.amount <= 0) fail(ErrorKind::BadInput, "--amount: must be more than 0");
    if (blank(f.reason)) fail(ErrorKind::BadInput, "--reason: say why the credit is paid back");
    std::string day = format_date(past_day(ctx, f.date, "a refund"));
    Customer c = get_customer(ctx.store, f.customer_id);
    auto sources = credit_sources(ctx.store, f.customer_id);
    Cents available = 0;
    for (const auto& s : sources)
        if (s.date <= day) available += s.amount;
    if (f.amount > available)
        fail(ErrorKind::Conflict, "--amount: " + format_money(f.amount) + " is more than the " + format_money(available) + " of credit " + c.name +
                                      " has on " + day);
    Columns cols{{"customer_id", f.customer_id},
                 {"amount_cents", f.amount},
                 {"refunded_on", day},
                 {"method", f.method},
                 {"ref", f.ref && !f.ref->empty() ? Value(*f.ref) : Value(nullptr)},
                 {"reason", f.reason},
                 {"created_at", format_instant(ctx.now())},
                 {"actor", ctx.actor}};
    int64_t id = insert_record(ctx, "refund", cols, false);
    Cents left = f.amount;
    for (const auto& s : sources) {
        if (left == 0) break;
        if (s.date > day) continue;
        Cents part = std::min(left, s.amount);
        insert_application(ctx, f.customer_id, s.payment_id, s.invoice_id, std::nullopt, id, "refund", part, day);
        left -= part;
    }
    return id;
}

Json refund_json(Store& store, int64_t id) {
    Statement q(store, "SELECT r.id, r.customer_id, c.name, r.amount_cents, r.refunded_on, r.method, r.ref, r.reason, r.created_at "
                       "FROM refund r JOIN customer c ON c.id = r.customer_id WHERE r.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(ErrorKind::NotFound, "no refund with id " + std::to_string(id));
    return object({{"id", id},
                   {"date", q.getColumn(4).getString()},
                   {"customer_id", q.getColumn(1).getInt64()},
                   {"customer", q.getColumn(2).getString()},
                   {"method", q.getColumn(5).getString()},
                   {"ref", text_or_null(q.getColumn(6))},
                   {"amount", money(q.getColumn(3).getInt64())},
                   {"reason", q.getColumn(7).getString()},
                   {"created_at", q.getColumn(8).getString()}});
}

const std::vector<std::string>& refund_fields() {
    static const std::vector<std::string> f = {"id", "date", "customer_id", "customer", "method", "ref", "amount", "reason", "created_at"};
    return f;
}

int64_t write_off_invoice(Context& ctx, const WriteOffFields& f) {
    if (blank(f.reason)) fail(ErrorKind::BadInput, "--reason: say why the balance is written off");
    std::string day = format_date(past_day(ctx, f.date, "a write-off"));
    InvoiceRef r = open_invoice(ctx.store, f.invoice_id, "write-offs");
    if (r.balance <= 0) fail(ErrorKind::Transition, r.number + " has no balance to write off");
    if (f.amount && *f.amount <= 0) fail(ErrorKind::BadInput, "--amount: must be more than 0");
    if (f.amount && *f.amount > r.balance)
        fail(ErrorKind::Conflict, "--amount: " + format_money(*f.amount) + " is more than the balance " + format_money(r.balance) + " of " + r.number);
    if (r.issue_date > day) fail(ErrorKind::BadInput, "--date: " + day + " is before " + r.number + " was issued (" + r.issue_date + ")");
    Columns cols{{"invoice_id", f.invoice_id},
                 {"customer_id", r.customer_id},
                 {"amount_cents", f.amount ? *f.amount : r.balance},
                 {"written_on", day},
                 {"account", ctx.config.billing.write_off_account},
                 {"reason", f.reason},
                 {"created_at", format_instant(ctx.now())},
                 {"actor", ctx.actor}};
    return insert_record(ctx, "write_off", cols, false);
}

Json write_off_json(Store& store, int64_t id) {
    Statement q(store, "SELECT w.id, w.invoice_id, i.number, w.customer_id, c.name, w.amount_cents, w.written_on, w.account, w.reason, "
                       "w.created_at FROM write_off w JOIN invoice i ON i.id = w.invoice_id JOIN customer c ON c.id = w.customer_id WHERE w.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(ErrorKind::NotFound, "no write-off with id " + std::to_string(id));
    return object({{"id", id},
                   {"date", q.getColumn(6).getString()},
                   {"invoice_id", q.getColumn(1).getInt64()},
                   {"invoice", q.getColumn(2).getString()},
                   {"customer_id", q.getColumn(3).getInt64()},
                   {"customer", q.getColumn(4).getString()},
                   {"amount", money(q.getColumn(5).getInt64())},
                   {"account", q.getColumn(7).getString()},
                   {"reason", q.getColumn(8).getString()},
                   {"created_at", q.getColumn(9).getString()}});
}

const std::vector<std::string>& write_off_fields() {
    static const std::vector<std::string> f = {"id", "date", "invoice_id", "invoice", "customer_id", "customer", "amount", "account", "reason",
                                               "created_at"};
    return f;
}

// ---- the deposit report --------------------------------------------------------------------------

std::vector<Json> list_payments(Context& ctx, const PaymentFilter& f) {
    std::string sql = "SELECT p.id FROM payment p WHERE p.id > 0";
    std::vector<Value> binds;
    Date today = ctx.today();
    if (f.from) {
        sql += " AND p.paid_on >= ?";
        binds.emplace_back(format_date(parse_day(*f.from, today, "--from")));
    }
    if (f.to) {
        sql += " AND p.paid_on <= ?";
        binds.emplace_back(format_date(parse_day(*f.to, today, "--to")));
    }
    if (f.method) {
        check_method(*f.method);
        sql += " AND p.method = ?";
        binds.emplace_back(*f.method);
    }
    if (f.ref) {
        sql += " AND p.ref = ?";
        binds.emplace_back(*f.ref);
    }
    if (f.customer_id) {
        sql += " AND p.customer_id = ?";
        binds.emplace_back(*f.customer_id);
    }
    sql += " ORDER BY p.paid_on, p.id";
    std::vector<int64_t> ids;
    {
        Statement q(ctx.store, sql);
        int i = 1;
        for (const auto& b : binds) bind_value(q, i++, b);
        while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
    }
    std::vector<Json> out;
    for (int64_t id : ids) out.push_back(payment_detail(ctx.store, id));
    return out;
}

std::vector<Json> payment_totals(const std::vector<Json>& payments) {
    std::map<std::string, std::pair<int64_t, Cents>> by_method;
    std::map<std::string, std::pair<int64_t, Cents>> by_ref;
    std::pair<int64_t, Cents> none{0, 0}, all{0, 0};
    for (const auto& p : payments) {
        Cents a = parse_money(p["amount"].get<std::string>(), "amount");
        auto& m = by_method[p["method"].get<std::string>()];
        ++m.first, m.second += a;
        auto& r = p["ref"].is_null() ? none : by_ref[p["ref"].get<std::string>()];
        ++r.first, r.second += a;
        ++all.first, all.second += a;
    }
    std::vector<Json> out;
    auto row = [](const char* group, Json key, const std::pair<int64_t, Cents>& v) {
        return object({{"group", group}, {"key", std::move(key)}, {"payments", v.first}, {"amount", format_money(v.second)}});
    };
    for (const auto& method : k_methods)
        if (auto it = by_method.find(method); it != by_method.end()) out.push_back(row("method", method, it->second));
    for (const auto& [ref, v] : by_ref) out.push_back(row("ref", ref, v));
    if (none.first) out.push_back(row("ref", nullptr, none));
    out.push_back(row("total", nullptr, all));
    return out;
}

const std::vector<std::string>& payment_total_fields() {
    static const std::vector<std::string> f = {"group", "key", "payments", "amount"};
    return f;
}

// ---- statements ------------------------------------------------------------------------------------

Json statement(Context& ctx, int64_t customer_id, const std::optional<std::string>& from_text, const std::optional<std::string>& to_text) {
    Date today = ctx.today();
    Customer c = get_customer(ctx.store, customer_id);
    std::string to = format_date(to_text ? parse_day(*to_text, today, "--to") : today);
    std::string from = from_text ? format_date(parse_day(*from_text, today, "--from")) : std::string();
    if (!from.empty() && from > to) fail(ErrorKind::BadInput, "--from: " + from + " is after --to " + to);
    struct Entry {
        std::string date, kind, number, description;
        Cents amount = 0;  ///< what it adds to what the customer owes
        int order = 0;
        int64_t id = 0;
    };
    std::vector<Entry> all;
    {
        Statement q(ctx.store, "SELECT id, kind, number, issue_date, total_cents, coalesce(reason, ''), coalesce(period, '') FROM invoice "
                               "WHERE customer_id = ? AND seq IS NOT NULL AND issue_date <= ?");
        q.bind(1, customer_id);
        q.bind(2, to);
        while (q.executeStep()) {
            bool credit = q.getColumn(1).getString() == "credit";
            Cents total = q.getColumn(4).getInt64();
            std::string what = credit ? "Credit note" + (q.getColumn(5).getString().empty() ? "" : ": " + q.getColumn(5).getString())
                                      : "Invoice" + (q.getColumn(6).getString().empty() ? "" : " " + q.getColumn(6).getString());
            all.push_back({q.getColumn(3).getString(), credit ? "credit_note" : "invoice", q.getColumn(2).getString(), what,
                           credit ? -total : total, credit ? 1 : 0, q.getColumn(0).getInt64()});
        }
    }
    {
        Statement q(ctx.store, "SELECT id, paid_on, amount_cents, method, coalesce(ref, '') FROM payment WHERE customer_id = ? AND paid_on <= ?");
        q.bind(1, customer_id);
        q.bind(2, to);
        while (q.executeStep()) {
            std::string ref = q.getColumn(4).getString();
            all.push_back({q.getColumn(1).getString(), "payment", ref, "Payment (" + q.getColumn(3).getString() + ")", -q.getColumn(2).getInt64(), 2,
                           q.getColumn(0).getInt64()});
        }
    }
    {
        Statement q(ctx.store, "SELECT id, refunded_on, amount_cents, method, coalesce(ref, '') FROM refund WHERE customer_id = ? AND refunded_on <= ?");
        q.bind(1, customer_id);
        q.bind(2, to);
        while (q.executeStep())
            all.push_back({q.getColumn(1).getString(), "refund", q.getColumn(4).getString(), "Refund (" + q.getColumn(3).getString() + ")",
                           q.getColumn(2).getInt64(), 3, q.getColumn(0).getInt64()});
    }
    {
        Statement q(ctx.store, "SELECT w.id, w.written_on, w.amount_cents, i.number FROM write_off w JOIN invoice i ON i.id = w.invoice_id "
                               "WHERE w.customer_id = ? AND w.written_on <= ?");
        q.bind(1, customer_id);
        q.bind(2, to);
        while (q.executeStep())
            all.push_back({q.getColumn(1).getString(), "write_off", q.getColumn(3).getString(), "Written off", -q.getColumn(2).getInt64(), 4,
                           q.getColumn(0).getInt64()});
    }
    std::sort(all.begin(), all.end(), [](const Entry& a, const Entry& b) {
        return std::tie(a.date, a.order, a.id) < std::tie(b.date, b.order, b.id);
    });
    Cents opening = 0, running = 0;
    Json entries = Json::array();
    for (const auto& e : all) {
        if (!from.empty() && e.date < from) {
            opening += e.amount;
            continue;
        }
        if (entries.empty()) running = opening;
        running += e.amount;
        entries.push_back(object({{"date", e.date},
                                  {"kind", e.kind},
                                  {"number", e.number.empty() ? Json(nullptr) : Json(e.number)},
                                  {"description", e.description},
                                  {"amount", signed_money(e.amount)},
                                  {"balance", signed_money(running)}}));
    }
    if (entries.empty()) running = opening;
    const auto& co = ctx.config.company;
    auto opt = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
    return object({{"customer_id", customer_id},
                   {"customer", c.name},
                   {"from", from.empty() ? Json(nullptr) : Json(from)},
                   {"to", to},
                   {"opening_balance", signed_money(opening)},
                   {"closing_balance", signed_money(running)},
                   {"currency", ctx.config.currency},
                   {"company", object({{"name", co.name}, {"address", opt(co.address)}, {"phone", opt(co.phone)}, {"email", opt(co.email)}})},
                   {"bill_to", object({{"name", c.name},
                                       {"street", opt(c.street)},
                                       {"city", opt(c.city)},
                                       {"state", opt(c.state)},
                                       {"zip", opt(c.zip)}})},
                   {"entries", entries}});
}

const std::vector<std::string>& statement_fields() {
    static const std::vector<std::string> f = {"customer_id", "customer", "from",    "to",      "opening_balance", "closing_balance",
                                               "currency",    "company",  "bill_to", "entries"};
    return f;
}

std::string statement_text(const Json& s) {
    std::ostringstream o;
    o << str(s["company"]["name"]) << "\n";
    if (!s["company"]["address"].is_null()) o << one_line(str(s["company"]["address"])) << "\n";
    if (!s["company"]["phone"].is_null()) o << str(s["company"]["phone"]) << "\n";
    o << "\nSTATEMENT for " << one_line(str(s["customer"])) << "\n";
    o << "Period: " << (s["from"].is_null() ? std::string("from the start") : str(s["from"])) << " to " << str(s["to"]) << "\n\n";
    o << pad_right("Date", 12) << pad_right("Item", 34) << pad_left("Amount", 12) << pad_left("Balance", 12) << "\n";
    o << pad_right("", 12) << pad_right("Opening balance", 34) << pad_left("", 12) << pad_left(str(s["opening_balance"]), 12) << "\n";
    for (const auto& e : s["entries"]) {
        std::string item = one_line(str(e["description"]) + (e["number"].is_null() ? "" : " " + str(e["number"])));
        o << pad_right(str(e["date"]), 12) << pad_right(item, 34) << pad_left(str(e["amount"]), 12) << pad_left(str(e["balance"]), 12) << "\n";
    }
    o << "\n" << pad_right("", 12) << pad_right("Closing balance", 34) << pad_left("", 12) << pad_left(str(s["closing_balance"]), 12) << "\n";
    if (str(s["closing_balance"]).rfind('-', 0) == 0) o << "\nA balance below zero is credit on your account.\n";
    return o.str();
}

std::string statement_html(const Json& s) {
    std::ostringstream o;
    auto h = [](const Json& j) { return html_escape(str(j)); };
    o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Statement " << h(s["customer"]) << " " << h(s["to"])
      << "</title>\n<style>\nbody{font-family:sans-serif;margin:2em;color:#000;background:#fff}\n"
         "table{border-collapse:collapse;width:100%}\nth,td{padding:4px 8px;border-bottom:1px solid #ccc;text-align:left}\n"
         "td.num,th.num{text-align:right}\n@media print{body{margin:0}}\n</style>\n</head>\n<body>\n";
    o << "<header><h1>" << h(s["company"]["name"]) << "</h1>";
    for (const char* k : {"address", "phone", "email"})
        if (!s["company"][k].is_null()) o << "<div>" << h(s["company"][k]) << "</div>";
    o << "</header>\n<h2>Statement</h2>\n<p><strong>" << h(s["customer"]) << "</strong>";
    for (const char* k : {"street", "city", "state", "zip"})
        if (!s["bill_to"][k].is_null()) o << "<br>" << h(s["bill_to"][k]);
    o << "</p>\n<p>Period: " << (s["from"].is_null() ? std::string("from the start") : h(s["from"])) << " to " << h(s["to"]) << "</p>\n";
    o << "<table>\n<thead><tr><th>Date</th><th>Item</th><th>Number</th><th class=\"num\">Amount</th><th class=\"num\">Balance</th></tr></thead>\n<tbody>\n";
    o << "<tr><td></td><td>Opening balance</td><td></td><td></td><td class=\"num\">" << h(s["opening_balance"]) << "</td></tr>\n";
    for (const auto& e : s["entries"])
        o << "<tr><td>" << h(e["date"]) << "</td><td>" << h(e["description"]) << "</td><td>" << h(e["number"]) << "</td><td class=\"num\">"
          << h(e["amount"]) << "</td><td class=\"num\">" << h(e["balance"]) << "</td></tr>\n";
    o << "</tbody>\n<tfoot><tr><th></th><th>Closing balance</th><th></th><th></th><th class=\"num\">" << h(s["closing_balance"]) << " "
      << h(s["currency"]) << "</th></tr></tfoot>\n</table>\n";
    if (str(s["closing_balance"]).rfind('-', 0) == 0) o << "<p>A balance below zero is credit on your account.</p>\n";
    o << "</body>\n</html>\n";
    return o.str();
}

}  // namespace pom
