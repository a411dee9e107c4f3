#include "quote.h"
#include "document_text.h"
#include "json.h"

#include "billing.h"
#include "customer.h"
#include "error.h"
#include "notice.h"
#include "record.h"
#include "text_check.h"


namespace pom {

namespace {

const char* k_select =
    "SELECT q.id, q.customer_id, c.name, q.status, q.valid_days, q.valid_until, q.total_cents, q.terms, q.sent_at, "
    "q.accepted_at, q.declined_at, q.decline_reason, q.expired_at, q.created_at, q.updated_at "
    "FROM quote q JOIN customer c ON c.id = q.customer_id";

Quote read_row(Statement& q) {
    Quote r;
    r.id = q.getColumn(0).getInt64();
    r.customer_id = q.getColumn(1).getInt64();
    r.customer = q.getColumn(2).getString();
    r.status = q.getColumn(3).getString();
    r.valid_days = q.getColumn(4).getInt();
    r.valid_until = q.getColumn(5).getString();
    r.total = q.getColumn(6).getInt64();
    r.terms = q.getColumn(7).getString();
    r.sent_at = q.getColumn(8).getString();
    r.accepted_at = q.getColumn(9).getString();
    r.declined_at = q.getColumn(10).getString();
    r.decline_reason = q.getColumn(11).getString();
    r.expired_at = q.getColumn(12).getString();
    r.created_at = q.getColumn(13).getString();
    r.updated_at = q.getColumn(14).getString();
    return r;
}

void load_lines(Store& store, Quote& q) {
    auto& s = store.prepare(
        "SELECT position, description, quantity_milli, coalesce(unit, ''), unit_price_cents, amount_cents, taxable, plan "
        "FROM quote_line WHERE quote_id = ? ORDER BY position");
    s.bind(1, q.id);
    while (s.executeStep())
        q.lines.push_back({s.getColumn(0).getInt64(), s.getColumn(1).getString(), s.getColumn(2).getInt64(),
                           s.getColumn(3).getString(), s.getColumn(4).getInt64(), s.getColumn(5).getInt64(),
                           s.getColumn(6).getInt() != 0, s.getColumn(7).isNull() ? std::string() : s.getColumn(7).getString(), 0});
}

Json opt(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

[[noreturn]] void not_now(const Quote& q, const std::string& what) {
    fail(ErrorKind::Transition, "quote " + std::to_string(q.id) + " is " + q.status + ": " + what);
}

using doc::html_escape;

std::string pad(const std::string& s, size_t w, bool right) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    std::string fill(n < w ? w - n : 0, ' ');
    return right ? fill + s : s + fill;
}

/// The quantity as the customer reads it: "4 visits", or "4" for a line without a unit.
std::string quantity_text(const QuoteLine& l) {
    return l.unit.empty() ? format_milli(l.quantity_milli) : format_milli(l.quantity_milli) + " " + l.unit;
}

}  // namespace

QuoteLine parse_quote_line(const std::string& full, const std::string& what) {
    // Flags after the numbers: taxable, monthly, per-visit=TYPE.
    std::string text = full;
    bool taxable = false;
    std::string plan;
    for (;;) {
        auto bar = text.rfind('|');
        if (bar == std::string::npos) break;
        std::string flag = trim(text.substr(bar + 1));
        if (flag == "taxable" && !taxable) taxable = true;
        else if (flag == "monthly" && plan.empty()) plan = "monthly";
        else if (flag.rfind("per-visit=", 0) == 0 && !trim(flag.substr(10)).empty() && plan.empty()) plan = trim(flag.substr(10));
        else break;
        text = text.substr(0, bar);
    }
    auto p2 = text.rfind('|');
    auto p1 = p2 == std::string::npos || p2 == 0 ? std::string::npos : text.rfind('|', p2 - 1);
    if (p1 == std::string::npos)
        fail(ErrorKind::BadInput, what + ": '" + text + "' is not description|quantity|unit price (e.g. \"Weekly service|4|45.00\")");
    QuoteLine l;
    l.description = trim(text.substr(0, p1));
    if (l.description.empty()) fail(ErrorKind::BadInput, what + ": '" + text + "' has no description");
    std::string quantity = trim(text.substr(p1 + 1, p2 - p1 - 1));
    if (auto space = quantity.find_first_of(" \t"); space != std::string::npos) {
        l.unit = parse_unit(quantity.substr(space + 1), what + " unit");
        quantity = quantity.substr(0, space);
    }
    l.quantity_milli = parse_milli(quantity, what + " quantity");
    if (l.quantity_milli <= 0) fail(ErrorKind::BadInput, what + ": '" + text + "': the quantity must be more than zero");
    l.unit_price = parse_money(trim(text.substr(p2 + 1)), what + " price");
    l.amount = line_amount(l.quantity_milli, l.unit_price);
    l.taxable = taxable;
    l.plan = plan;
    return l;
}

int64_t add_quote(Context& ctx, int64_t customer_id, const std::vector<QuoteLine>& lines, std::optional<int> valid_days,
                  const std::string& terms) {
    if (lines.empty()) fail(ErrorKind::Usage, "a quote needs at least one --line \"description|quantity[ unit]|unit price\"");
    int days = valid_days.value_or(ctx.config.sales.quote_valid_days);
    if (days < 1 || days > 365) fail(ErrorKind::BadInput, "--valid-days: must be 1 to 365");
    get_customer(ctx.store, customer_id);
    Cents total = 0;
    for (const auto& l : lines) {
        total += l.amount;
        if (!l.plan.empty() && l.plan != "monthly") ctx.config.service_type(l.plan);  // BadInput naming the known types
        if (l.plan == "monthly" && l.quantity_milli != 1000)
            fail(ErrorKind::BadInput, "--line: '" + l.description + "': a monthly fee is one a month (quantity 1)");
    }
    Columns cols{{"customer_id", customer_id},
                 {"valid_days", int64_t{days}},
                 {"valid_until", format_date(add_days(ctx.today(), days))},
                 {"total_cents", total},
                 {"terms", trim(terms).empty() ? Value(nullptr) : Value(trim(terms))}};
    int64_t id = insert_record(ctx, "quote", cols);
    int64_t pos = 0;
    for (const auto& l : lines)
        insert_record(ctx, "quote_line",
                      {{"quote_id", id},
                       {"position", ++pos},
                       {"description", l.description},
                       {"quantity_milli", l.quantity_milli},
                       {"unit", l.unit.empty() ? Value(nullptr) : Value(l.unit)},
                       {"unit_price_cents", l.unit_price},
                       {"amount_cents", l.amount},
                       {"taxable", int64_t{l.taxable ? 1 : 0}},
                       {"plan", l.plan.empty() ? Value(nullptr) : Value(l.plan)}},
                      false);
    return id;
}

QuoteOutcome send_quote(Context& ctx, int64_t id, bool by_hand) {
    Quote q = get_quote(ctx.store, id);
    if (q.status != "draft") not_now(q, "only a draft is sent (add a new quote to offer something else)");
    QuoteOutcome out;
    std::string until = format_date(add_days(ctx.today(), q.valid_days));
    q.valid_until = until;
    q.status = "sent";
    price_quote(ctx, q);
    if (!by_hand) {
        auto t = ctx.config.notices.find("quote");
        std::string subject = "Your quote from " + ctx.config.company.name;
        std::string body = quote_text(ctx.config, q);
        if (t != ctx.config.notices.end() && t->second.enabled) {
            Customer c = get_customer(ctx.store, q.customer_id);
            std::map<std::string, std::string> values{{"customer", c.name},
                                                      {"first_name", greeting_name(c)},
                                                      {"company", ctx.config.company.name},
                                                      {"company_phone", ctx.config.company.phone},
                                                      {"quote", body}};
            subject = fill_template(t->second.subject, values);
            body = fill_template(t->second.body, values);
        }
        out.notices = queue_customer_notice(ctx, "quote", "email", q.customer_id, std::nullopt, subject, body,
                                            "quote:" + std::to_string(id));
        if (out.notices.empty())
            fail(ErrorKind::Conflict, "quote " + std::to_string(id) + ": customer " + std::to_string(q.customer_id) +
                                          " has no email address opted in to email; add one, or use --by-hand for a quote handed over");
    }
    update_record(ctx, "quote", id, {{"status", "sent"}, {"sent_at", format_instant(ctx.now())}, {"valid_until", until}});
    out.rules = apply_tag_rules(ctx, "quote_sent", q.customer_id, "quote " + std::to_string(id));
    return out;
}

QuoteOutcome accept_quote(Context& ctx, int64_t id, const AcceptOptions& o) {
    Quote q = get_quote(ctx.store, id);
    if (q.status == "draft") not_now(q, "send it before it can be accepted");
    if (q.status != "sent") not_now(q, "only a sent quote can be accepted");
    if (format_date(ctx.today()) > q.valid_until)
        fail(ErrorKind::Transition, "quote " + std::to_string(id) + " was valid until " + q.valid_until + ": add and send a new quote");
    bool has_plan = false, has_once = false;
    for (const auto& l : q.lines) (l.plan.empty() ? has_once : has_plan) = true;
    if (o.plan && !has_plan)
        fail(ErrorKind::BadInput, "--plan: quote " + std::to_string(id) + " has no plan line (|monthly or |per-visit=TYPE); use --bill");
    if (o.bill && !has_once)
        fail(ErrorKind::BadInput, "--bill: quote " + std::to_string(id) + " has no one-off line; use --plan");
    update_record(ctx, "quote", id, {{"status", "accepted"}, {"accepted_at", format_instant(ctx.now())}});
    if (o.plan) {
        PlanFields f;
        for (const auto& l : q.lines) {
            if (l.plan == "monthly") {
                f.monthly = l.unit_price;
                f.monthly_description = l.description;
            } else if (!l.plan.empty()) {
                f.per_visit.push_back(l.plan + "=" + format_money(l.unit_price));
            }
        }
        set_plan(ctx, q.customer_id, f);
    }
    if (o.bill) {
        for (const auto& l : q.lines) {
            if (!l.plan.empty()) continue;
            ExtraFields f;
            f.customer_id = q.customer_id;
            f.description = l.description;
            f.unit_price = l.unit_price;
            f.quantity_milli = l.quantity_milli;
            if (!l.unit.empty()) f.unit = l.unit;
            f.taxable = l.taxable;
            f.key = "quote:" + std::to_string(id) + ":" + std::to_string(l.position);
            add_extra(ctx, f);
        }
    }
    QuoteOutcome out;
    out.rules = apply_tag_rules(ctx, "quote_accepted", q.customer_id, "quote " + std::to_string(id));
    return out;
}

QuoteOutcome decline_quote(Context& ctx, int64_t id, const std::string& reason) {
    if (trim(reason).empty()) fail(ErrorKind::BadInput, "--reason: say why the customer declined");
    Quote q = get_quote(ctx.store, id);
    if (q.status != "sent" && q.status != "draft") not_now(q, "only an open quote (draft or sent) can be declined");
    update_record(ctx, "quote", id,
                  {{"status", "declined"}, {"declined_at", format_instant(ctx.now())}, {"decline_reason", trim(reason)}});
    QuoteOutcome out;
    out.rules = apply_tag_rules(ctx, "quote_declined", q.customer_id, "quote " + std::to_string(id));
    return out;
}

std::vector<int64_t> expire_open_quotes(Context& ctx, int64_t customer_id) {
    std::vector<int64_t> ids;
    for (const auto& q : list_quotes(ctx.store, {customer_id, std::nullopt, true, 0})) {
        update_record(ctx, "quote", q.id, {{"status", "expired"}, {"expired_at", format_instant(ctx.now())}});
        ids.push_back(q.id);
    }
    return ids;
}

std::vector<Quote> list_quotes(Store& store, const QuoteFilter& f) {
    std::string sql = std::string(k_select) + " WHERE 1";
    if (f.customer) sql += " AND q.customer_id = :customer";
    if (f.status) sql += " AND q.status = :status";
    if (f.open) sql += " AND q.status IN ('draft', 'sent')";
    sql += " ORDER BY q.created_at, q.id";
    if (f.limit > 0) sql += " LIMIT " + std::to_string(f.limit);
    Statement s(store, sql);
    if (f.customer) s.bind(":customer", *f.customer);
    if (f.status) s.bind(":status", *f.status);
    std::vector<Quote> out;
    while (s.executeStep()) out.push_back(read_row(s));
    for (auto& q : out) load_lines(store, q);
    return out;
}

Quote get_quote(Store& store, int64_t id) {
    auto& s = store.prepare(std::string(k_select) + " WHERE q.id = ?");
    s.bind(1, id);
    if (!s.executeStep()) fail(ErrorKind::NotFound, "no quote with id " + std::to_string(id));
    Quote q = read_row(s);
    s.reset();
    load_lines(store, q);
    return q;
}

void price_quote(Context& ctx, Quote& q) {
    std::string digits = std::to_string(q.id);
    auto width = static_cast<size_t>(ctx.config.billing.number_digits);
    if (digits.size() < width) digits = std::string(width - digits.size(), '0') + digits;
    q.number = ctx.config.billing.quote_prefix + digits;
    CustomerTax t = customer_tax(ctx, q.customer_id);
    std::vector<TaxLine> tl;
    for (const auto& l : q.lines) tl.push_back({l.amount, l.taxable && !t.exempt, 0});
    q.tax = apply_tax(tl, t.rate_micro, t.rounding, t.invoice_level);
    for (size_t i = 0; i < q.lines.size(); ++i) q.lines[i].tax = tl[i].tax;
    q.tax_name = t.name;
    q.tax_rate = format_rate(t.rate_micro);
    q.tax_exempt = t.exempt;
}

std::string quote_text(const Config& config, const Quote& q) {
    std::string out = config.company.name + "\n";
    if (!config.company.address.empty()) out += config.company.address + "\n";
    if (!config.company.phone.empty()) out += config.company.phone + "\n";
    out += "\nQuote " + (q.number.empty() ? std::to_string(q.id) : q.number) + " for " + q.customer + "\n";
    out += "Valid until " + q.valid_until + "\n\n";
    size_t w = 11;
    for (const auto& l : q.lines) w = std::max(w, l.description.size());
    w = std::min<size_t>(w, 48);
    // The quantity column grows past its 8 characters only for a line with a long unit, so a
    // quote without units reads as it always did.
    size_t wq = 8;
    for (const auto& l : q.lines) {
        size_t chars = 0;
        for (unsigned char c : quantity_text(l))
            if ((c & 0xC0) != 0x80) ++chars;
        wq = std::max(wq, chars);
    }
    size_t label = w + wq + 14;
    out += pad("Description", w, false) + "  " + pad("Qty", wq, true) + "  " + pad("Price", 10, true) + "  " + pad("Amount", 10, true) + "\n";
    for (const auto& l : q.lines)
        out += pad(l.description, w, false) + "  " + pad(quantity_text(l), wq, true) + "  " +
               pad(format_money(l.unit_price), 10, true) + "  " + pad(format_money(l.amount), 10, true) + "\n";
    if (q.tax != 0 || q.tax_exempt) {
        out += pad("Subtotal", label, true) + "  " + pad(format_money(q.total), 10, true) + "\n";
        out += pad(q.tax_exempt ? q.tax_name + " (exempt)" : q.tax_name + " " + q.tax_rate + " %", label, true) + "  " +
               pad(format_money(q.tax), 10, true) + "\n";
    }
    out += pad("Total " + config.currency, label, true) + "  " + pad(format_money(q.total + q.tax), 10, true) + "\n";
    if (!q.terms.empty()) out += "\nTerms: " + q.terms + "\n";
    return out;
}

std::string quote_html(const Config& config, const Quote& q) {
    std::string title = "Quote " + html_escape(q.number.empty() ? std::to_string(q.id) : q.number) + " for " + html_escape(q.customer);
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + title +
                      "</title>\n<style>body{font-family:sans-serif;max-width:48em;margin:2em auto}"
                      "table{border-collapse:collapse;width:100%}td,th{padding:.3em .6em;border-bottom:1px solid #ccc}"
                      ".n{text-align:right}</style>\n</head>\n<body>\n";
    out += "<h1>" + html_escape(config.company.name) + "</h1>\n";
    if (!config.company.address.empty()) out += "<p>" + html_escape(config.company.address) + "</p>\n";
    out += "<h2>" + title + "</h2>\n<p>Valid until " + q.valid_until + "</p>\n";
    out += "<table>\n<tr><th>Description</th><th class=\"n\">Qty</th><th class=\"n\">Price</th><th class=\"n\">Amount</th></tr>\n";
    for (const auto& l : q.lines)
        out += "<tr><td>" + html_escape(l.description) + "</td><td class=\"n\">" + html_escape(quantity_text(l)) +
               "</td><td class=\"n\">" + format_money(l.unit_price) + "</td><td class=\"n\">" + format_money(l.amount) + "</td></tr>\n";
    if (q.tax != 0 || q.tax_exempt) {
        out += "<tr><th colspan=\"3\" class=\"n\">Subtotal</th><th class=\"n\">" + format_money(q.total) + "</th></tr>\n";
        out += "<tr><th colspan=\"3\" class=\"n\">" +
               html_escape(q.tax_exempt ? q.tax_name + " (exempt)" : q.tax_name + " " + q.tax_rate + " %") + "</th><th class=\"n\">" +
               format_money(q.tax) + "</th></tr>\n";
    }
    out += "<tr><th colspan=\"3\" class=\"n\">Total " + html_escape(config.currency) + "</th><th class=\"n\">" +
           format_money(q.total + q.tax) + "</th></tr>\n</table>\n";
    if (!q.terms.empty()) out += "<p>Terms: " + html_escape(q.terms) + "</p>\n";
    out += "</body>\n</html>\n";
    return out;
}

Json quote_json(const Quote& q) {
    Json lines = Json::array();
    for (const auto& l : q.lines)
        lines.push_back({{"position", l.position},
                         {"description", l.description},
                         {"quantity", format_milli(l.quantity_milli)},
                         {"unit", opt(l.unit)},
                         {"unit_price", format_money(l.unit_price)},
                         {"amount", format_money(l.amount)},
                         {"taxable", l.taxable},
                         {"tax", format_money(l.tax)},
                         {"plan", opt(l.plan)}});
    return object({{"id", q.id},
            {"customer_id", q.customer_id},
            {"customer", q.customer},
            {"status", q.status},
            {"valid_days", q.valid_days},
            {"valid_until", q.valid_until},
            {"total", format_money(q.total)},
            {"lines", lines},
            {"terms", opt(q.terms)},
            {"sent_at", opt(q.sent_at)},
            {"accepted_at", opt(q.accepted_at)},
            {"declined_at", opt(q.declined_at)},
            {"decline_reason", opt(q.decline_reason)},
            {"expired_at", opt(q.expired_at)},
            {"created_at", q.created_at},
            {"updated_at", q.updated_at},
            {"number", q.number},
            {"tax", format_money(q.tax)},
            {"total_with_tax", format_money(q.total + q.tax)},
            {"tax_rate", q.tax_rate},
            {"tax_exempt", q.tax_exempt}});
}

const std::vector<std::string>& quote_fields() {
    static const std::vector<std::string> f{"id",      "customer_id", "customer",    "status",      "valid_days",
                                            "valid_until", "total",   "lines",       "terms",       "sent_at",
                                            "accepted_at", "declined_at", "decline_reason", "expired_at", "created_at",
                                            "updated_at", "number",      "tax",         "total_with_tax", "tax_rate",
                                            "tax_exempt"};
    return f;
}

}  // namespace pom
