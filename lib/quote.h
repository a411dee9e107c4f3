#pragma once
// Quotes: priced lines offered to a customer; sending, accepting and declining one moves the
// customer through the sales pipeline (tag rules quote_sent, quote_accepted, quote_declined).
#include "audit.h"
#include "money.h"
#include "tag.h"

#include <optional>
#include <string>
#include <vector>

namespace pom {

struct QuoteLine {
    int64_t position = 0;
    std::string description;
    int64_t quantity_milli = 0;
    std::string unit;  ///< what the quantity counts ("visit", "bag"); empty: none given
    Cents unit_price = 0;
    Cents amount = 0;
    bool taxable = false;
    /// Empty: a one-off line (billed once when accepted with --bill). "monthly": the plan's flat
    /// monthly fee; a service type's name: the plan's per-visit price of it (accept --plan).
    std::string plan;
    Cents tax = 0;  ///< set by price_quote
};

struct Quote {
    int64_t id = 0;
    int64_t customer_id = 0;
    std::string customer;
    std::string status = "draft";  ///< draft, sent, accepted, declined, expired
    int valid_days = 30;
    std::string valid_until;  ///< local date; set again when the quote is sent
    Cents total = 0;
    std::string terms;
    std::string sent_at, accepted_at, declined_at, decline_reason, expired_at;
    std::string created_at, updated_at;
    std::vector<QuoteLine> lines;
    // Set by price_quote: the number and the tax as the customer's invoice would carry it.
    std::string number;
    Cents tax = 0;
    std::string tax_name, tax_rate;
    bool tax_exempt = false;
};

/// Parses "description|quantity[ unit]|unit price[|taxable][|monthly|per-visit=TYPE]" ("Weekly
/// service|4 visits|45.00", "Heater|1|1200.00|taxable"); the description may itself contain '|'
/// (the numbers are the last two fields before the flags).
QuoteLine parse_quote_line(const std::string& text, const std::string& what = "--line");

/// Adds a draft quote; valid_days defaults to config sales.quote_valid_days.
int64_t add_quote(Context& ctx, int64_t customer_id, const std::vector<QuoteLine>& lines, std::optional<int> valid_days,
                  const std::string& terms);

/// What a change of a quote did besides the quote itself.
struct QuoteOutcome {
    std::vector<int64_t> notices;
    std::vector<RuleApplied> rules;
};

/// Sends a draft: queues it as an email notice to every opted-in address (refused when there is
/// none unless `by_hand`, for a quote handed over in person), starts its validity, runs quote_sent.
QuoteOutcome send_quote(Context& ctx, int64_t id, bool by_hand);
/// What accepting turns into work: the plan lines set the customer's plan, the one-off lines
/// become billable lines (once each: the key quote:ID:POSITION).
struct AcceptOptions {
    bool plan = false;
    bool bill = false;
};
/// The customer accepted a sent quote still valid: runs quote_accepted.
QuoteOutcome accept_quote(Context& ctx, int64_t id, const AcceptOptions& options = {});
/// Sets the number (billing.quote_prefix and the id) and the tax of each line and of the quote,
/// as an invoice of the customer would: same rate, rounding, level and exemption.
void price_quote(Context& ctx, Quote& q);
/// The customer declined: runs quote_declined.
QuoteOutcome decline_quote(Context& ctx, int64_t id, const std::string& reason);
/// Expires every draft or sent quote of a customer (tag sweep); returns their ids.
std::vector<int64_t> expire_open_quotes(Context& ctx, int64_t customer_id);

struct QuoteFilter {
    std::optional<int64_t> customer;
    std::optional<std::string> status;
    bool open = false;  ///< draft or sent
    int64_t limit = 0;
};
/// Oldest first.
std::vector<Quote> list_quotes(Store& store, const QuoteFilter& filter);
Quote get_quote(Store& store, int64_t id);

/// The quote as the customer reads it: plain text (the email body) or a standalone HTML page.
std::string quote_text(const Config& config, const Quote& q);
std::string quote_html(const Config& config, const Quote& q);

Json quote_json(const Quote& q);
const std::vector<std::string>& quote_fields();

}  // namespace pom
