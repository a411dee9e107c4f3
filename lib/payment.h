#pragma once
// Payments as the books see them (issue 18): money received from a customer, applied to one or
// several of their issued invoices; what is not applied is the customer's credit. Credit also comes
// from an invoice whose credit notes came to more than it still owed. Credit is applied later
// (apply_credit) or paid back (refund_credit); a write-off closes what a customer will not pay.
// Every record here is written once and never changes.
#include "billing.h"
#include "invoice_export.h"

#include <optional>
#include <string>
#include <vector>

namespace pom {

/// SQL for the balance of the issued invoice `id_expr`: its total, less what was applied to it,
/// its issued credit notes and its write-offs, plus what of its surplus was used elsewhere. With
/// `day_expr`, only what is dated on or before that day counts. Below zero is credit.
std::string invoice_balance_sql(const std::string& id_expr, const std::string& day_expr = "");

struct CustomerPaymentFields {
    int64_t customer_id = 0;
    Cents amount = 0;
    std::string date = "today";  ///< as typed
    std::string method;
    std::optional<std::string> ref;  ///< check number, deposit reference
    std::vector<int64_t> invoices;  ///< applied in this order; empty: the open invoices, oldest first
    bool credit = false;     ///< keep what is left over as customer credit
    bool unapplied = false;  ///< apply nothing now: all of it is credit
};
/// Records one payment of a customer and its applications. What is left over after the invoices
/// is refused unless `credit` (or `unapplied`) keeps it as credit.
int64_t record_customer_payment(Context& ctx, const CustomerPaymentFields& fields);

/// A payment with its applications (the deposit report's record).
Json payment_detail(Store& store, int64_t id);
const std::vector<std::string>& payment_detail_fields();

/// The customer's credit now: unapplied payments and credit-note surpluses not used yet.
Cents customer_credit(Store& store, int64_t customer_id);

/// Applies the customer's credit, oldest first, to an open invoice: all of the balance it can, or
/// `amount`. Returns the applications made.
std::vector<Json> apply_credit(Context& ctx, int64_t invoice_id, std::optional<Cents> amount, const std::string& date);
const std::vector<std::string>& application_fields();

struct RefundFields {
    int64_t customer_id = 0;
    Cents amount = 0;
    std::string method, reason;
    std::string date = "today";
    std::optional<std::string> ref;
};
/// Pays credit back to the customer; refused beyond the credit available.
int64_t refund_credit(Context& ctx, const RefundFields& fields);
Json refund_json(Store& store, int64_t id);
const std::vector<std::string>& refund_fields();

struct WriteOffFields {
    int64_t invoice_id = 0;
    std::optional<Cents> amount;  ///< default: the whole balance
    std::string reason;
    std::string date = "today";
};
/// Closes (part of) an invoice's balance into [billing] write_off_account.
int64_t write_off_invoice(Context& ctx, const WriteOffFields& fields);
Json write_off_json(Store& store, int64_t id);
const std::vector<std::string>& write_off_fields();

struct PaymentFilter {
    std::optional<std::string> from, to, method, ref;
    std::optional<int64_t> customer_id;
};
/// Payments received in the period (by the day paid), oldest first, each with its applications.
std::vector<Json> list_payments(Context& ctx, const PaymentFilter& filter);
/// Totals of those payments per method, then per deposit reference (payments without a ref are
/// grouped under null), then the grand total.
std::vector<Json> payment_totals(const std::vector<Json>& payments);
const std::vector<std::string>& payment_total_fields();

/// A customer's statement: the balance before `from`, then every invoice, credit note, payment,
/// refund and write-off of the period in date order with a running balance. The closing balance
/// is what `bill aging` gives the customer as of `to` (total less credit).
Json statement(Context& ctx, int64_t customer_id, const std::optional<std::string>& from, const std::optional<std::string>& to);
const std::vector<std::string>& statement_fields();
std::string statement_text(const Json& statement);
std::string statement_html(const Json& statement);

/// The money records of the selection (bill export --payments): payments received (a row per
/// invoice paid, one for what was kept as credit), credit applied later, refunds and write-offs,
/// oldest first, in qbo, xero, iif, csv or json, recorded as a batch of content 'payments' that
/// remembers each record, so that --unexported leaves out what a batch of the format carried and
/// --batch reproduces it byte for byte. One file.
ExportResult export_payments(Context& ctx, const ExportSelection& selection, const ExportSink& sink, bool record);
/// invoices | payments: what an export batch carried.
std::string batch_content(Store& store, int64_t batch_id);

}  // namespace pom
