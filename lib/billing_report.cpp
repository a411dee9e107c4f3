#include "billing_report.h"

#include "clock.h"
#include "error.h"
#include "money.h"
#include "record.h"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

namespace pom {

namespace {

/// The period's first and last day as stored (YYYY-MM-DD), checked.
std::pair<std::string, std::string> period_days(Context& ctx, const ReportPeriod& p) {
    Date today = ctx.today();
    Date from = parse_day(p.from, today, "--from");
    Date to = parse_day(p.to, today, "--to");
    if (to < from) fail(ErrorKind::BadInput, "--to " + format_date(to) + " is before --from " + format_date(from));
    return {format_date(from), format_date(to)};
}

Json money_json(Cents c) { return format_money(c); }

}  // namespace

std::vector<Json> tax_report(Context& ctx, const ReportPeriod& p) {
    if (p.by != "month" && p.by != "rate") fail(ErrorKind::BadInput, "--by: '" + p.by + "' is not month or rate");
    auto [from, to] = period_days(ctx, p);
    struct Sums {
        int64_t invoices = 0, credit_notes = 0;
        Cents taxable = 0, exempt = 0, tax = 0;
        void add(const Sums& o) {
            invoices += o.invoices;
            credit_notes += o.credit_notes;
            taxable += o.taxable;
            exempt += o.exempt;
            tax += o.tax;
        }
    };
    // period, rate, name → sums; std::map keeps months and then rates in order.
    std::map<std::tuple<std::string, int64_t, std::string>, Sums> rows;
    Statement q(ctx.store,
                "SELECT i.kind, i.issue_date, i.tax_name, i.tax_rate_micro, "
                "coalesce(sum(CASE WHEN l.taxable = 1 THEN l.amount_cents ELSE 0 END), 0), "
                "coalesce(sum(CASE WHEN l.taxable = 1 THEN 0 ELSE l.amount_cents END), 0), coalesce(sum(l.tax_cents), 0) "
                "FROM invoice i JOIN invoice_line l ON l.invoice_id = i.id "
                "WHERE i.seq IS NOT NULL AND i.issue_date >= ? AND i.issue_date <= ? "
                "GROUP BY i.id, i.kind, i.issue_date, i.tax_name, i.tax_rate_micro");
    q.bind(1, from);
    q.bind(2, to);
    while (q.executeStep()) {
        bool credit = q.getColumn(0).getString() == "credit";
        Cents sign = credit ? -1 : 1;
        std::string period = p.by == "month" ? q.getColumn(1).getString().substr(0, 7) : from + ".." + to;
        Sums& s = rows[{period, q.getColumn(3).getInt64(), q.getColumn(2).getString()}];
        (credit ? s.credit_notes : s.invoices) += 1;
        s.taxable += sign * q.getColumn(4).getInt64();
        s.exempt += sign * q.getColumn(5).getInt64();
        s.tax += sign * q.getColumn(6).getInt64();
    }
    auto row = [&](Json period, Json name, Json rate, const Sums& s) {
        return Json{{"period", std::move(period)},
                    {"from", from},
                    {"to", to},
                    {"tax_name", std::move(name)},
                    {"tax_rate", std::move(rate)},
                    {"invoices", s.invoices},
                    {"credit_notes", s.credit_notes},
                    {"taxable_sales", money_json(s.taxable)},
                    {"exempt_sales", money_json(s.exempt)},
                    {"tax", money_json(s.tax)},
                    {"total", money_json(s.taxable + s.exempt + s.tax)}};
    };
    std::vector<Json> out;
    Sums total;
    for (const auto& [key, s] : rows) {
        const auto& [period, rate, name] = key;
        out.push_back(row(period, name, format_rate(rate), s));
        total.add(s);
    }
    out.push_back(row("Total", nullptr, nullptr, total));
    return out;
}

const std::vector<std::string>& tax_report_fields() {
    static const std::vector<std::string> f = {"period",       "from",        "to",           "tax_name", "tax_rate", "invoices",
                                               "credit_notes", "taxable_sales", "exempt_sales", "tax",      "total"};
    return f;
}

std::vector<Json> revenue_report(Context& ctx, const ReportPeriod& p) {
    static const std::vector<std::string> bys = {"month", "customer", "service-type", "worker"};
    if (std::find(bys.begin(), bys.end(), p.by) == bys.end())
        fail(ErrorKind::BadInput, "--by: '" + p.by + "' is not month, customer, service-type or worker");
    auto [from, to] = period_days(ctx, p);
    struct Sums {
        Json id;
        std::vector<int64_t> invoices, credit_notes;
        int64_t lines = 0;
        Cents amount = 0, tax = 0;
    };
    // A credit note's line that reverses an invoice line comes from that line's service.
    Statement q(ctx.store,
                "SELECT i.id, i.kind, i.issue_date, i.customer_id, c.name, l.amount_cents, l.tax_cents, l.kind, "
                "s.service_type, s.worker_id, w.name "
                "FROM invoice i JOIN customer c ON c.id = i.customer_id JOIN invoice_line l ON l.invoice_id = i.id "
                "LEFT JOIN invoice_line o ON o.id = l.credits_line_id "
                "LEFT JOIN billable_line b ON b.id = coalesce(l.billable_line_id, o.billable_line_id) "
                "LEFT JOIN service s ON s.id = b.service_id LEFT JOIN worker w ON w.id = s.worker_id "
                "WHERE i.seq IS NOT NULL AND i.issue_date >= ? AND i.issue_date <= ?");
    q.bind(1, from);
    q.bind(2, to);
    std::map<std::string, Sums> groups;
    while (q.executeStep()) {
        int64_t doc = q.getColumn(0).getInt64();
        bool credit = q.getColumn(1).getString() == "credit";
        Cents sign = credit ? -1 : 1;
        std::string key;
        Json id = nullptr;
        if (p.by == "month") {
            key = q.getColumn(2).getString().substr(0, 7);
        } else if (p.by == "customer") {
            key = q.getColumn(4).getString();
            id = q.getColumn(3).getInt64();
        } else if (p.by == "service-type") {
            key = q.getColumn(8).isNull() ? "(" + q.getColumn(7).getString() + ")" : q.getColumn(8).getString();
        } else if (q.getColumn(9).isNull()) {
            key = "(no worker)";
        } else {
            key = q.getColumn(10).getString();
            id = q.getColumn(9).getInt64();
        }
        // Two customers may share a name: the id keeps them apart.
        Sums& s = groups[id.is_null() ? key : key + "\x1f" + id.dump()];
        s.id = id;
        auto& docs = credit ? s.credit_notes : s.invoices;
        if (std::find(docs.begin(), docs.end(), doc) == docs.end()) docs.push_back(doc);
        ++s.lines;
        s.amount += sign * q.getColumn(5).getInt64();
        s.tax += sign * q.getColumn(6).getInt64();
    }
    auto row = [&](const std::string& group, Json id, int64_t invoices, int64_t credits, int64_t lines, Cents amount, Cents tax) {
        return Json{{"by", p.by},
                    {"group", group},
                    {"group_id", std::move(id)},
                    {"from", from},
                    {"to", to},
                    {"invoices", invoices},
                    {"credit_notes", credits},
                    {"lines", lines},
                    {"amount", money_json(amount)},
                    {"tax", money_json(tax)},
                    {"total", money_json(amount + tax)}};
    };
    std::vector<Json> out;
    std::vector<int64_t> all_invoices, all_credits;
    int64_t lines = 0;
    Cents amount = 0, tax = 0;
    for (const auto& [key, s] : groups) {
        out.push_back(row(key.substr(0, key.find('\x1f')), s.id, static_cast<int64_t>(s.invoices.size()),
                          static_cast<int64_t>(s.credit_notes.size()), s.lines, s.amount, s.tax));
        all_invoices.insert(all_invoices.end(), s.invoices.begin(), s.invoices.end());
        all_credits.insert(all_credits.end(), s.credit_notes.begin(), s.credit_notes.end());
        lines += s.lines;
        amount += s.amount;
        tax += s.tax;
    }
    auto distinct = [](std::vector<int64_t>& v) {
        std::sort(v.begin(), v.end());
        return static_cast<int64_t>(std::unique(v.begin(), v.end()) - v.begin());
    };
    out.push_back(row("Total", nullptr, distinct(all_invoices), distinct(all_credits), lines, amount, tax));
    return out;
}

const std::vector<std::string>& revenue_fields() {
    static const std::vector<std::string> f = {"by",           "group", "group_id", "from",   "to",  "invoices",
                                               "credit_notes", "lines", "amount",   "tax",    "total"};
    return f;
}

}  // namespace pom
