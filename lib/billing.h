#pragma once
// Billing: plans, invoice runs, gapless numbering, credit notes, payments, aging.
// Money is integer cents; tax rates are integer millionths of the amount (8.6 % → 86000).
#include "audit.h"
#include "money.h"

#include <optional>
#include <string>
#include <vector>

namespace pom {

__extension__ typedef __int128 WideInt;

enum class Rounding { half_up, half_even };
Rounding parse_rounding(const std::string& name);

/// num / den rounded to an integer (den > 0): half-up rounds halves away from zero,
/// half-even to the even neighbour.
int64_t round_div(WideInt num, int64_t den, Rounding mode);
/// The tax on `amount` at `rate_micro` millionths, rounded.
Cents tax_on(Cents amount, int64_t rate_micro, Rounding mode);

struct TaxLine {
    Cents amount = 0;
    bool taxable = false;
    Cents tax = 0;  ///< set by apply_tax
};

/// Sets each line's tax and returns the invoice's tax. Line level: each taxable line's tax is
/// rounded on its own and the invoice's tax is their sum. Invoice level: the tax of the taxable
/// subtotal is rounded once, then shared out to the lines by largest remainder so that the
/// lines' taxes still add up to it exactly (each within one cent of its exact share).
Cents apply_tax(std::vector<TaxLine>& lines, int64_t rate_micro, Rounding mode, bool invoice_level);

// ---- plans ---------------------------------------------------------------------------------

struct PlanFields {
    std::optional<Cents> monthly;             ///< flat monthly fee
    bool no_monthly = false;                  ///< remove the flat monthly fee
    std::optional<std::string> monthly_timing;  ///< advance | arrears
    std::optional<std::string> monthly_description;
    std::optional<std::string> starts_on;     ///< YYYY-MM-DD: first month of the monthly fee
    std::optional<std::string> chemicals;     ///< billed | included
    std::optional<std::string> parts;         ///< billed | included
    std::optional<std::string> visits;        ///< billed | included (in the flat monthly fee)
    std::optional<std::string> terms;         ///< "net 15", "due on receipt"; empty: the company's default
    std::optional<bool> tax_exempt;
    std::optional<std::string> tax_rate;      ///< a name from [tax.rates]; empty: the default rate
    /// "maintenance=45.00" sets the per-visit price of a service type; "maintenance=" removes it.
    std::vector<std::string> per_visit;
};

/// Creates or changes a customer's plan; returns false when nothing changed.
bool set_plan(Context& ctx, int64_t customer_id, const PlanFields& fields);
/// The customer's plan (the company's defaults when the customer has none).
Json plan_json(Context& ctx, int64_t customer_id);
const std::vector<std::string>& plan_fields();

// ---- billable lines ------------------------------------------------------------------------

struct ExtraFields {
    int64_t customer_id = 0;
    std::string description;
    Cents unit_price = 0;
    int64_t quantity_milli = 1000;
    std::optional<std::string> unit;  ///< what the quantity counts ("hour", "bag"); none by default
    bool taxable = false;
    std::optional<std::string> date;  ///< service date; default today
    std::optional<std::string> key;   ///< idempotency key: the same key adds the line once
};

/// Adds an "extra" billable line (something the office bills by hand). Returns its id and
/// whether it was created (false: the key was already used, the existing line is returned).
std::pair<int64_t, bool> add_extra(Context& ctx, const ExtraFields& fields);

struct LineFilter {
    std::optional<int64_t> customer_id;
    bool unbilled = false;
    int64_t limit = 0;
};
std::vector<Json> list_billable_lines(Store& store, const LineFilter& filter);
Json billable_line_json(Store& store, int64_t id);
const std::vector<std::string>& billable_line_fields();

// ---- invoice runs and issuing ----------------------------------------------------------------

struct RunOptions {
    std::optional<std::string> period;   ///< YYYY-MM
    std::optional<std::string> through;  ///< a day (YYYY-MM-DD, today, ...)
    std::optional<int64_t> customer_id;
    bool issue = false;
    std::optional<std::string> issue_date;  ///< with issue: the date on the invoices (see issue_invoices)
    /// Bill a period that has not ended as if it had: its monthly fees in arrears too.
    bool force = false;
};

/// Generates the monthly lines due, then gathers every unbilled line up to the period's end into
/// one draft per customer and period (adding to that draft when it exists). Returns the invoices
/// made or changed, in customer order.
/// `notes`, when given, receives what people should know: a period not ended whose fees in
/// arrears were left for later, completed visits of the period that left nothing to bill.
std::vector<int64_t> run_invoices(Context& ctx, const RunOptions& options, std::vector<std::string>* notes = nullptr);

/// Issues drafts in the order given: each takes the next number of the series in this
/// transaction. Refuses invoices that are not drafts. The invoices are dated `issue_date` (a day
/// as typed) or else by billing.issue_date: today, or the last day of the invoice's period (today
/// when that is still ahead). An --issue-date after today, or before the first day of the month the
/// invoice's period ends in, is refused: the books would file the invoice in the wrong month.
void issue_invoices(Context& ctx, const std::vector<int64_t>& ids, const std::optional<std::string>& issue_date = std::nullopt);
/// Every draft, oldest first.
std::vector<int64_t> draft_ids(Store& store, std::optional<int64_t> customer_id = std::nullopt);

/// An invoice or credit note by id or number (INV-000123). NotFound otherwise.
int64_t resolve_invoice(Store& store, const std::string& key);

/// A draft is discarded (its lines become unbilled again; returns 0). An issued invoice gets a
/// credit note that reverses it exactly (returns the credit note's id).
int64_t void_invoice(Context& ctx, int64_t id, const std::string& reason);
/// How `bill credit --amount` treats sales tax.
enum class CreditTax {
    proportional,  ///< the amount is before tax; the tax it carried on the invoice is credited too
    included,      ///< the amount includes that tax
    none,          ///< no tax is credited (the amount is not a price reduction, e.g. a goodwill gesture)
};

/// A partial credit note for some lines (by position) or an amount. An amount is split into a
/// taxable and an exempt adjustment line in the proportion of the invoice's taxable and exempt
/// lines, and the taxable one carries tax at the invoice's rate, so that credits, tax reports and
/// a tool that recomputes tax from the line (Xero) all add up.
int64_t credit_invoice(Context& ctx, int64_t id, const std::string& reason, const std::vector<int64_t>& positions,
                       std::optional<Cents> amount, CreditTax tax = CreditTax::proportional);

struct PaymentFields {
    Cents amount = 0;
    std::string date;  ///< as typed: YYYY-MM-DD, today, ...
    std::string method;
    std::optional<std::string> ref;
    bool credit = false;  ///< keep what exceeds the balance as customer credit
    /// A payment dated before its invoice is refused unless forced with a reason (the audit log
    /// keeps the command line, reason and all). A date after today is always refused: aging and
    /// bill list would disagree until then.
    bool force = false;
    std::optional<std::string> reason;
};
int64_t record_payment(Context& ctx, int64_t invoice_id, const PaymentFields& fields);
Json payment_json(Store& store, int64_t id);
const std::vector<std::string>& payment_fields();

// ---- visits, discounts and adjustments (billing_visit.cpp and below) -------------------------

/// The price of one visit of a service type for a customer: the plan's per-visit price, else the
/// configured price of the service type.
Cents visit_price(Context& ctx, int64_t customer_id, const std::string& service_type);

/// A visit completed without a service ticket leaves one billable line at visit_price, once
/// (source key visit:ID). Nothing when a service ticket of the visit exists (its submit bills
/// it) or the line is there. Returns the line's id, or 0.
int64_t bill_completed_visit(Context& ctx, int64_t appointment_id);

/// Completed visits dated in [from, to] that left no billable line (no ticket submitted, or
/// completed before pom billed visits), for `bill run`'s warning: "visit 12 on 2026-11-04 (Ann Lee)".
std::vector<std::string> unbilled_completed_visits(Store& store, const std::string& from, const std::string& to,
                                                   std::optional<int64_t> customer_id);

struct AdjustFields {
    std::optional<Cents> amount;            ///< negative: a reduction; positive: an addition (adjust only)
    std::optional<int64_t> percent_micro;   ///< discount: millionths of the draft's subtotal (10 % → 100000)
    std::string reason;
    bool discount = false;                  ///< bill discount (a reduction) rather than bill adjust
};

/// Adds a discount or adjustment line to a draft. A reduction is shared between the draft's
/// taxable and exempt lines in their proportion, so that it reduces the taxable base and its tax
/// (a taxable part carries its negative tax at the draft's rate and level). The draft's total
/// never goes below zero. An issued invoice is refused (credit it with bill credit).
void adjust_draft(Context& ctx, int64_t invoice_id, const AdjustFields& fields);

/// The sales tax an invoice of this customer would carry if made now: the plan's rate (else the
/// default), the company's rounding and level, the plan's exemption. Quotes show tax with it.
struct CustomerTax {
    std::string name;
    int64_t rate_micro = 0;
    Rounding rounding = Rounding::half_up;
    bool invoice_level = false;
    bool exempt = false;
};
CustomerTax customer_tax(Context& ctx, int64_t customer_id);

// ---- reading -------------------------------------------------------------------------------

struct InvoiceFilter {
    std::optional<std::string> status;  ///< draft | open | paid | void
    std::optional<int64_t> customer_id;
    std::optional<std::string> from, to;  ///< issue dates (drafts: their period end), inclusive
    bool overdue = false;
    int64_t limit = 0;
};
std::vector<Json> list_invoices(Context& ctx, const InvoiceFilter& filter);
Json invoice_json(Context& ctx, int64_t id);
/// invoice_json of each id, in the order given, read a few hundred a statement.
std::vector<Json> invoice_jsons(Context& ctx, const std::vector<int64_t>& ids);
const std::vector<std::string>& invoice_fields();
/// The invoice with its lines, payments and credit notes: what the customer receives.
Json invoice_detail(Context& ctx, int64_t id);
const std::vector<std::string>& invoice_detail_fields();

/// Open balances per customer by days past due as of a day, with a total row last.
std::vector<Json> aging(Context& ctx, const std::string& as_of);
const std::vector<std::string>& aging_fields();

/// The invoice as the customer receives it.
std::string invoice_text(const Json& detail);
std::string invoice_html(const Json& detail);

}  // namespace pom
