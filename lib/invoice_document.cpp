// The invoice as the customer receives it: plain text and a standalone, printable HTML page.
// Both are built only from invoice_detail(), which carries no costs and no internal notes.
#include "billing.h"
#include "document_text.h"

#include <sstream>

namespace pom {

namespace {

using doc::str;

using doc::width;

using doc::pad_left;
using doc::pad_right;

using doc::one_line;

std::string title_of(const Json& d) {
    bool credit = d["kind"] == "credit";
    if (d["number"].is_null()) return credit ? "DRAFT CREDIT NOTE" : "DRAFT INVOICE";
    return std::string(credit ? "CREDIT NOTE " : "INVOICE ") + str(d["number"]);
}

std::vector<std::string> address_lines(const Json& b) {
    std::vector<std::string> out;
    if (!b["street"].is_null()) out.push_back(one_line(str(b["street"])));
    std::string city = str(b["city"]);
    std::string st = str(b["state"]);
    std::string zip = str(b["zip"]);
    std::string line = city;
    if (!st.empty()) line += (line.empty() ? "" : ", ") + st;
    if (!zip.empty()) line += (line.empty() ? "" : " ") + zip;
    if (!line.empty()) out.push_back(one_line(line));
    return out;
}

std::string tax_label(const Json& d) { return str(d["tax_rate"]["name"]) + " " + str(d["tax_rate"]["rate"]) + "%"; }

using doc::html_escape;

/// A line's quantity as the customer reads it: "2 lb", "1 visit", or the number alone when the
/// line has no unit (every line billed before units were kept).
std::string quantity_text(const Json& l) {
    std::string q = str(l["quantity"]);
    if (l.contains("unit") && l["unit"].is_string()) q += " " + l["unit"].get<std::string>();
    return q;
}

}  // namespace

std::string invoice_text(const Json& d) {
    std::ostringstream o;
    const Json& co = d["company"];
    o << str(co["name"]) << "\n";
    for (const char* k : {"address", "phone", "email"})
        if (!co[k].is_null()) o << one_line(str(co[k])) << "\n";
    o << "\n" << title_of(d) << "\n";
    if (d["kind"] == "credit") o << "Credits invoice " << str(d["credits"]) << ": " << one_line(str(d["reason"])) << "\n";
    if (!d["issue_date"].is_null())
        o << "Date: " << str(d["issue_date"]) << "   Due: " << str(d["due_date"]) << "   Terms: " << str(d["terms"]) << "\n";
    else
        o << "Not issued yet   Terms: " << str(d["terms"]) << "\n";
    if (!d["period"].is_null()) o << "Service period: " << str(d["period"]) << "\n";
    o << "\nBill to: " << one_line(str(d["bill_to"]["name"])) << "\n";
    for (const auto& l : address_lines(d["bill_to"])) o << "         " << l << "\n";
    o << "\n";
    size_t wd = 11;
    for (const auto& l : d["line_items"]) wd = std::max(wd, width(one_line(str(l["item"]) + ": " + str(l["description"]))));
    wd = std::min<size_t>(wd, 60);
    // A quantity carries its unit ("2 lb") where the line has one; the column grows past its
    // 8 characters only for such a line, so a document without units reads as it always did.
    size_t wq = 8;
    for (const auto& l : d["line_items"]) wq = std::max(wq, width(quantity_text(l)));
    o << pad_left("#", 3) << "  " << pad_right("Date", 10) << "  " << pad_right("Description", wd) << "  " << pad_left("Qty", wq)
      << "  " << pad_left("Price", 10) << "  " << pad_left("Amount", 10) << "\n";
    for (const auto& l : d["line_items"]) {
        std::string desc = one_line(str(l["item"]) + ": " + str(l["description"]));
        if (l["included"].get<bool>()) desc += " (included)";
        if (l["taxable"].get<bool>()) desc += " *";
        o << pad_left(std::to_string(l["position"].get<int64_t>()), 3) << "  " << str(l["service_date"]) << "  "
          << pad_right(desc, wd) << "  " << pad_left(quantity_text(l), wq) << "  " << pad_left(str(l["unit_price"]), 10) << "  "
          << pad_left(str(l["amount"]), 10) << "\n";
    }
    size_t label = 3 + 2 + 10 + 2 + wd + 2 + wq + 2 + 10;
    auto total_line = [&](const std::string& name, const std::string& v) {
        o << pad_left(name, label) << "  " << pad_left(v, 10) << "\n";
    };
    o << "\n";
    total_line("Subtotal", str(d["subtotal"]));
    total_line(tax_label(d) + " (* taxable)", str(d["tax"]));
    total_line("Total " + str(d["currency"]), str(d["total"]));
    if (d["kind"] == "invoice" && !d["issue_date"].is_null()) {
        if (d["paid"] != "0.00") total_line("Paid", str(d["paid"]));
        if (d["credited"] != "0.00") total_line("Credited", str(d["credited"]));
        if (d.contains("written_off") && d["written_off"] != "0.00") total_line("Written off", str(d["written_off"]));
        total_line("Balance due", str(d["balance"]));
    }
    if (!d["payments"].empty()) {
        o << "\nPayments received\n";
        for (const auto& p : d["payments"])
            o << "  " << str(p["date"]) << "  " << pad_right(str(p["method"]), 6) << "  " << pad_left(str(p["applied"]), 10)
              << (p["ref"].is_null() ? "" : "  ref " + one_line(str(p["ref"]))) << "\n";
    }
    for (const auto& c : d["credit_notes"])
        o << "Credit note " << str(c["number"]) << " of " << str(c["issue_date"]) << ": " << str(c["total"]) << " ("
          << one_line(str(c["reason"])) << ")\n";
    if (str(d["status"]) == "void") o << "\nThis invoice is void.\n";
    return o.str();
}

std::string invoice_html(const Json& d) {
    auto e = [](const Json& j) { return html_escape(str(j)); };
    std::ostringstream o;
    const Json& co = d["company"];
    o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" << html_escape(title_of(d)) << " — "
      << e(co["name"]) << "</title>\n"
      << "<style>\n"
         "body{font-family:Helvetica,Arial,sans-serif;color:#222;margin:2em auto;max-width:50em;padding:0 1em}\n"
         "header{display:flex;justify-content:space-between;align-items:flex-start;border-bottom:2px solid #1a5d8f;padding-bottom:.5em}\n"
         "h1{font-size:1.4em;color:#1a5d8f;margin:0}h2{font-size:1.2em;margin:0;text-align:right}\n"
         ".meta{margin:1em 0;display:flex;justify-content:space-between}\n"
         "table{width:100%;border-collapse:collapse;margin-top:1em}th,td{padding:.35em .5em;text-align:left;vertical-align:top}\n"
         "thead th{border-bottom:1px solid #999}tbody tr:nth-child(even){background:#f4f7fa}\n"
         "td.num,th.num{text-align:right;white-space:nowrap}.totals td{border:none}.totals tr.grand td{font-weight:bold;border-top:1px solid #999}\n"
         ".note{color:#555;font-size:.9em}.void{color:#b00;font-weight:bold;font-size:1.2em}\n"
         "@media print{body{margin:0;max-width:none}tbody tr:nth-child(even){background:none}@page{margin:1.5cm}}\n"
         "</style>\n</head>\n<body>\n<header>\n<div>\n<h1>"
      << e(co["name"]) << "</h1>\n";
    for (const char* k : {"address", "phone", "email"})
        if (!co[k].is_null()) o << "<div>" << e(co[k]) << "</div>\n";
    o << "</div>\n<div>\n<h2>" << html_escape(title_of(d)) << "</h2>\n";
    if (!d["issue_date"].is_null())
        o << "<div>Date: " << e(d["issue_date"]) << "</div>\n<div>Due: " << e(d["due_date"]) << "</div>\n";
    o << "<div>Terms: " << e(d["terms"]) << "</div>\n";
    if (!d["period"].is_null()) o << "<div>Service period: " << e(d["period"]) << "</div>\n";
    o << "</div>\n</header>\n<section class=\"meta\">\n<div>\n<strong>Bill to</strong><br>\n" << e(d["bill_to"]["name"]) << "<br>\n";
    for (const auto& l : address_lines(d["bill_to"])) o << html_escape(l) << "<br>\n";
    o << "</div>\n";
    if (d["kind"] == "credit")
        o << "<div>Credits invoice " << e(d["credits"]) << "<br>\nReason: " << e(d["reason"]) << "</div>\n";
    o << "</section>\n";
    if (d["status"] == "void") o << "<p class=\"void\">This invoice is void.</p>\n";
    o << "<table>\n<thead><tr><th>Date</th><th>Item</th><th>Description</th><th class=\"num\">Qty</th>"
         "<th class=\"num\">Price</th><th class=\"num\">Amount</th></tr></thead>\n<tbody>\n";
    for (const auto& l : d["line_items"]) {
        o << "<tr><td>" << e(l["service_date"]) << "</td><td>" << e(l["item"]) << "</td><td>" << e(l["description"]);
        if (l["included"].get<bool>()) o << " <span class=\"note\">(included in plan)</span>";
        if (l["taxable"].get<bool>()) o << " <span class=\"note\">*</span>";
        o << "</td><td class=\"num\">" << html_escape(quantity_text(l)) << "</td><td class=\"num\">" << e(l["unit_price"])
          << "</td><td class=\"num\">" << e(l["amount"]) << "</td></tr>\n";
    }
    o << "</tbody>\n</table>\n<table class=\"totals\">\n";
    auto row = [&](const std::string& name, const Json& v, bool grand = false) {
        o << "<tr" << (grand ? " class=\"grand\"" : "") << "><td class=\"num\" style=\"width:80%\">" << html_escape(name)
          << "</td><td class=\"num\">" << e(v) << "</td></tr>\n";
    };
    row("Subtotal", d["subtotal"]);
    row(tax_label(d) + " (* taxable)", d["tax"]);
    row("Total " + str(d["currency"]), d["total"], true);
    if (d["kind"] == "invoice" && !d["issue_date"].is_null()) {
        if (d["paid"] != "0.00") row("Paid", d["paid"]);
        if (d["credited"] != "0.00") row("Credited", d["credited"]);
        if (d.contains("written_off") && d["written_off"] != "0.00") row("Written off", d["written_off"]);
        row("Balance due", d["balance"], true);
    }
    o << "</table>\n";
    if (!d["payments"].empty()) {
        o << "<h3>Payments received</h3>\n<table>\n<thead><tr><th>Date</th><th>Method</th><th>Reference</th><th class=\"num\">Amount</th></tr></thead>\n<tbody>\n";
        for (const auto& p : d["payments"])
            o << "<tr><td>" << e(p["date"]) << "</td><td>" << e(p["method"]) << "</td><td>" << e(p["ref"]) << "</td><td class=\"num\">"
              << e(p["applied"]) << "</td></tr>\n";
        o << "</tbody>\n</table>\n";
    }
    for (const auto& c : d["credit_notes"])
        o << "<p class=\"note\">Credit note " << e(c["number"]) << " of " << e(c["issue_date"]) << ": " << e(c["total"]) << " ("
          << e(c["reason"]) << ")</p>\n";
    o << "</body>\n</html>\n";
    return o.str();
}

}  // namespace pom
