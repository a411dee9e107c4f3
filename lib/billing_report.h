#pragma once
// Reports over issued invoices and credit notes for the accountant: sales tax collected
// (bill tax-report) and revenue (bill revenue). Both read the documents' own lines, so they equal
// the sums of what the customers received; a credit note counts negative in the period of its
// issue date.
#include "audit.h"

#include <string>
#include <vector>

namespace pom {

struct ReportPeriod {
    std::string from, to;  ///< days as typed (YYYY-MM-DD, today, …), inclusive; both required
    std::string by;        ///< tax report: month | rate; revenue: month | customer | service-type | worker
};

/// Sales tax by tax rate and (by month) the month of issue: taxable and exempt sales, tax, with a
/// total row last (period "Total").
std::vector<Json> tax_report(Context& ctx, const ReportPeriod& period);
const std::vector<std::string>& tax_report_fields();

/// What was billed, by month of issue, customer, service type (lines from no service: their kind
/// in parentheses) or worker (the technician of the service the line came from), with a total
/// row last (group "Total").
std::vector<Json> revenue_report(Context& ctx, const ReportPeriod& period);
const std::vector<std::string>& revenue_fields();

}  // namespace pom
