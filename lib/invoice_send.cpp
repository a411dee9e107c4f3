#include "invoice_send.h"

#include "billing.h"
#include "clock.h"
#include "customer.h"
#include "error.h"
#include "notice.h"
#include "record.h"

#include <optional>

namespace pom {

namespace {

/// The customer's billing email: the first address opted in to email (the one an invoice's
/// bill-to carries when it is the first).
std::optional<std::string> billing_email(const Customer& c) {
    for (const auto& e : c.emails)
        if (e.opt_in) return e.value;
    return std::nullopt;
}

bool queued_before(Store& store, const std::string& key) {
    auto& q = store.prepare("SELECT 1 FROM notice WHERE dedupe_key LIKE ?");
    q.bind(1, key + ":%");
    bool found = q.executeStep();
    q.reset();
    return found;
}

Json record_of(const Json& inv, const std::string& kind, Json step, const std::optional<std::string>& recipient,
               const std::string& status, std::optional<int64_t> notice, Json reason) {
    return Json{{"invoice_id", inv["id"]},
                {"number", inv["number"]},
                {"customer_id", inv["customer_id"]},
                {"customer", inv["customer"]},
                {"kind", kind},
                {"step_days", std::move(step)},
                {"days_overdue", inv["days_overdue"]},
                {"balance", inv["balance"]},
                {"recipient", recipient ? Json(*recipient) : Json(nullptr)},
                {"status", status},
                {"notice_id", notice ? Json(*notice) : Json(nullptr)},
                {"reason", std::move(reason)}};
}

std::string no_email(const Customer& c) {
    return c.emails.empty() ? "customer " + std::to_string(c.id) + " (" + c.name + ") has no email address"
                            : "customer " + std::to_string(c.id) + " (" + c.name + ") has no email address opted in to email";
}

}  // namespace

std::vector<Json> send_invoices(Context& ctx, const std::vector<int64_t>& named, bool unsent) {
    std::vector<int64_t> ids = named;
    if (unsent) {
        if (!ids.empty()) fail(ErrorKind::Usage, "name invoices or give --unsent, not both");
        Statement q(ctx.store, "SELECT i.id FROM invoice i WHERE i.kind = 'invoice' AND i.seq IS NOT NULL "
                               "AND NOT EXISTS (SELECT 1 FROM invoice k WHERE k.credits_invoice_id = i.id AND k.full_reversal = 1 "
                               "AND k.seq IS NOT NULL) ORDER BY i.seq");
        while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
    } else if (ids.empty()) {
        fail(ErrorKind::Usage, "name invoices or give --unsent");
    }
    std::vector<Json> out;
    for (int64_t id : ids) {
        Json inv = invoice_json(ctx, id);
        std::string status = inv["status"];
        std::string key = "invoice:" + std::to_string(id);
        if (unsent && queued_before(ctx.store, key)) continue;
        std::string label = inv["number"].is_string() ? inv["number"].get<std::string>() : "draft " + std::to_string(id);
        if (status == "draft") fail(ErrorKind::Transition, label + " is a draft: issue it before it is sent");
        if (status == "void") fail(ErrorKind::Transition, label + " is void: its credit note reverses it");
        Customer c = get_customer(ctx.store, inv["customer_id"].get<int64_t>());
        auto to = billing_email(c);
        if (!to) {
            out.push_back(record_of(inv, "invoice", nullptr, std::nullopt, "skipped", std::nullopt, no_email(c)));
            continue;
        }
        bool credit = inv["kind"] == "credit";
        std::string subject = std::string(credit ? "Credit note " : "Invoice ") + label + " from " + ctx.config.company.name;
        std::string body = invoice_html(invoice_detail(ctx, id));
        auto notice = queue_notice_to(ctx, "invoice", "email", c.id, *to, subject, body, key);
        out.push_back(record_of(inv, "invoice", nullptr, to, notice ? "queued" : "already", notice, nullptr));
    }
    return out;
}

std::vector<Json> remind_invoices(Context& ctx) {
    const auto& steps = ctx.config.billing.remind_days;
    std::vector<Json> out;
    if (steps.empty()) return out;
    InvoiceFilter f;
    f.status = "open";
    f.overdue = true;
    for (const Json& inv : list_invoices(ctx, f)) {
        if (inv["kind"] != "invoice") continue;
        int64_t late = inv["days_overdue"].is_number() ? inv["days_overdue"].get<int64_t>() : 0;
        int step = 0;
        for (int s : steps)
            if (s <= late) step = s;
        if (step == 0) continue;
        int64_t id = inv["id"];
        std::string key = "reminder:" + std::to_string(id) + ":" + std::to_string(step);
        if (queued_before(ctx.store, key)) continue;
        Customer c = get_customer(ctx.store, inv["customer_id"].get<int64_t>());
        auto to = billing_email(c);
        if (!to) {
            out.push_back(record_of(inv, "reminder", step, std::nullopt, "skipped", std::nullopt, no_email(c)));
            continue;
        }
        std::string number = inv["number"];
        std::string subject = "Reminder: invoice " + number + " from " + ctx.config.company.name + " is past due";
        std::string body = "Dear " + greeting_name(c) + ",\n\nour invoice " + number + " of " + inv["issue_date"].get<std::string>() +
                           " for " + inv["total"].get<std::string>() + " " + inv["currency"].get<std::string>() + " was due on " +
                           inv["due_date"].get<std::string>() + "; " + inv["balance"].get<std::string>() +
                           " of it is still open (" + std::to_string(late) +
                           " days past due). If you have paid it in the meantime, thank you, and please disregard this "
                           "reminder.\n\n" + invoice_text(invoice_detail(ctx, id));
        auto notice = queue_notice_to(ctx, "reminder", "email", c.id, *to, subject, body, key);
        out.push_back(record_of(inv, "reminder", step, to, notice ? "queued" : "already", notice, nullptr));
    }
    return out;
}

const std::vector<std::string>& invoice_notice_fields() {
    static const std::vector<std::string> f = {"invoice_id", "number",    "customer_id", "customer", "kind",   "step_days",
                                               "days_overdue", "balance", "recipient",   "status",   "notice_id", "reason"};
    return f;
}

}  // namespace pom
