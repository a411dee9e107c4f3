#include "invoice_export.h"

#include "checksum.h"
#include "clock.h"
#include "config.h"
#include "error.h"
#include "output.h"
#include "payment.h"
#include "record.h"
#include "windows_1252.h"

#include <algorithm>
#include <map>


namespace pom {

const char* const k_qbo_header =
    "*InvoiceNo,*Customer,*InvoiceDate,*DueDate,Terms,Location,Memo,Item(Product/Service),ItemDescription,ItemQuantity,"
    "ItemRate,*ItemAmount,Service Date";
const char* const k_xero_header =
    "*ContactName,EmailAddress,POAddressLine1,POAddressLine2,POAddressLine3,POAddressLine4,POCity,PORegion,POPostalCode,"
    "POCountry,*InvoiceNumber,Reference,*InvoiceDate,*DueDate,Total,InventoryItemCode,*Description,*Quantity,*UnitAmount,"
    "Discount,*AccountCode,*TaxType,TaxAmount,TrackingName1,TrackingOption1,TrackingName2,TrackingOption2,Currency,BrandingTheme";

const char* const k_qbo_credit_header =
    "*CreditMemoNo,*Customer,*CreditMemoDate,Location,Memo,Item(Product/Service),ItemDescription,ItemQuantity,ItemRate,"
    "*ItemAmount,Service Date";
const char* const k_xero_credit_header =
    "*ContactName,EmailAddress,POAddressLine1,POAddressLine2,POAddressLine3,POAddressLine4,POCity,PORegion,POPostalCode,"
    "POCountry,*CreditNoteNumber,Reference,*CreditNoteDate,DueDate,Total,InventoryItemCode,*Description,*Quantity,*UnitAmount,"
    "Discount,*AccountCode,*TaxType,TaxAmount,TrackingName1,TrackingOption1,TrackingName2,TrackingOption2,Currency,BrandingTheme";

std::string neutralise(const std::string& s) {
    if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r'))
        return "'" + s;
    return s;
}

namespace {

const char* k_crlf = "\r\n";

/// What an export depends on besides the invoices; stored with the batch so that reproducing it
/// does not depend on today's config.
struct Settings {
    std::string date_format, ar_account, income_account, tax_account, tax_item, qbo_tax_code, qbo_exempt_tax_code,
        xero_account_code, xero_tax_type, xero_exempt_tax_type;
    bool tax_columns = false;
    /// Tax code, tax type and tax item by rate (millionths, as text): an invoice keeps its rate, not
    /// its name. Empty (batches made before these existed): every rate gets the default's.
    std::map<std::string, std::string> qbo_tax_codes, xero_tax_types, tax_items;
    /// By line kind; kinds not named use income_account / xero_account_code.
    std::map<std::string, std::string> income_accounts, xero_account_codes;
    /// qbo and xero write names, numbers, items and codes byte for byte: the importers match them
    /// against what the books hold, and a ' in front would make a second customer. Batches made
    /// before (false) guarded them like free text, and reproduce that way.
    bool verbatim_names = false;
    /// iif: the code page of the file (utf-8 or windows-1252).
    std::string encoding = "utf-8";
    /// iif: a tax-exempt invoice (no taxable line, no tax) gets no 0.00 sales-tax SPL line.
    /// Batches made before (false) had one, and reproduce that way.
    bool no_exempt_tax_line = false;
    /// csv and json: each line's unit of measure ("lb", "gal"; empty or null when it has none).
    /// Batches made before (false) had no such column, and reproduce that way.
    bool line_units = false;

    /// The settings of an export in `format`. Every named rate needs its code for the tool the
    /// export is for: an importer that got the default's code would file or charge the wrong tax.
    static Settings from(const Config& c, const std::string& format) {
        const auto& b = c.billing;
        Settings s{b.date_format,  b.ar_account,          b.income_account,    b.tax_account,   b.tax_item,
                   b.qbo_tax_code, b.qbo_exempt_tax_code, b.xero_account_code, b.xero_tax_type, b.xero_exempt_tax_type,
                   c.tax.rate_micro > 0 || !c.tax.rates.empty(), {}, {}, {}, b.income_accounts, b.xero_account_codes, true,
                   "utf-8", format == "iif", format == "csv" || format == "json"};
        if (c.tax.rates.empty()) return s;
        auto by_rate = [&](std::map<std::string, std::string>& out, const std::map<std::string, std::string>& named,
                           const std::string& fallback, const std::string& key) {
            std::string want = format == "qbo" ? "qbo_tax_codes" : format == "xero" ? "xero_tax_types" : format == "iif" ? "tax_items" : "";
            out[std::to_string(c.tax.rate_micro)] = fallback;
            for (const auto& [name, micro] : c.tax.rates) {
                auto it = named.find(name);
                if (it == named.end()) {
                    if (key != want) continue;
                    fail(ErrorKind::Config, "billing." + key + " has no entry for tax rate '" + name + "' (" + format_rate(micro) +
                                                " %) of [tax.rates]: add " + name + " = \"...\" to billing." + key +
                                                " with the code your accounting tool uses for that rate");
                }
                std::string rate = std::to_string(micro);
                if (auto seen = out.find(rate); seen != out.end() && seen->second != it->second && key == want)
                    fail(ErrorKind::Config, "billing." + key + ": tax rate '" + name + "' is " + format_rate(micro) +
                                                " %, like another rate with a different entry; invoices keep the rate, "
                                                "not its name, so rates of the same percentage need the same entry");
                out[rate] = it->second;
            }
        };
        by_rate(s.qbo_tax_codes, b.qbo_tax_codes, b.qbo_tax_code, "qbo_tax_codes");
        by_rate(s.xero_tax_types, b.xero_tax_types, b.xero_tax_type, "xero_tax_types");
        by_rate(s.tax_items, b.tax_items, b.tax_item, "tax_items");
        return s;
    }
    Json json() const {
        Json j = {{"date_format", date_format},   {"ar_account", ar_account},
                {"income_account", income_account}, {"tax_account", tax_account},
                {"tax_item", tax_item},         {"qbo_tax_code", qbo_tax_code},
                {"qbo_exempt_tax_code", qbo_exempt_tax_code}, {"xero_account_code", xero_account_code},
                {"xero_tax_type", xero_tax_type}, {"xero_exempt_tax_type", xero_exempt_tax_type},
                {"tax_columns", tax_columns}};
        // Only when set, so that a batch's settings read as before when they are not used.
        for (auto [key, map] : {std::pair{"qbo_tax_codes", &qbo_tax_codes}, std::pair{"xero_tax_types", &xero_tax_types},
                                std::pair{"tax_items", &tax_items}, std::pair{"income_accounts", &income_accounts},
                                std::pair{"xero_account_codes", &xero_account_codes}})
            if (!map->empty()) j[key] = *map;
        if (verbatim_names) j["verbatim_names"] = true;
        if (encoding != "utf-8") j["encoding"] = encoding;
        if (no_exempt_tax_line) j["no_exempt_tax_line"] = true;
        if (line_units) j["line_units"] = true;
        return j;
    }
    static Settings parse(const std::string& text) {
        Json j = Json::parse(text);
        Settings s;
        s.date_format = j.at("date_format");
        s.ar_account = j.at("ar_account");
        s.income_account = j.at("income_account");
        s.tax_account = j.at("tax_account");
        s.tax_item = j.at("tax_item");
        s.qbo_tax_code = j.at("qbo_tax_code");
        s.qbo_exempt_tax_code = j.at("qbo_exempt_tax_code");
        s.xero_account_code = j.at("xero_account_code");
        s.xero_tax_type = j.at("xero_tax_type");
        s.xero_exempt_tax_type = j.at("xero_exempt_tax_type");
        s.tax_columns = j.at("tax_columns");
        for (auto [key, map] : {std::pair{"qbo_tax_codes", &s.qbo_tax_codes}, std::pair{"xero_tax_types", &s.xero_tax_types},
                                std::pair{"tax_items", &s.tax_items}, std::pair{"income_accounts", &s.income_accounts},
                                std::pair{"xero_account_codes", &s.xero_account_codes}})
            if (j.contains(key)) *map = j.at(key).get<std::map<std::string, std::string>>();
        s.verbatim_names = j.value("verbatim_names", false);
        s.encoding = j.value("encoding", std::string("utf-8"));
        s.no_exempt_tax_line = j.value("no_exempt_tax_line", false);
        s.line_units = j.value("line_units", false);
        return s;
    }
};

/// The entry for an invoice's rate; the default when no rates are mapped (no named rates, or an
/// older batch). A rate the config no longer knows is an error: guessing would misfile the tax.
std::string for_rate(const std::map<std::string, std::string>& by_rate, int64_t micro, const std::string& fallback,
                     const std::string& key, const std::string& number) {
    if (by_rate.empty()) return fallback;
    auto it = by_rate.find(std::to_string(micro));
    if (it == by_rate.end())
        fail(ErrorKind::Config, number + " carries tax at " + format_rate(micro) + " %, which is neither tax.rate nor a rate of "
                                         "[tax.rates]: add it to [tax.rates] with its billing." + key + " entry");
    return it->second;
}

std::string for_kind(const std::map<std::string, std::string>& by_kind, const std::string& kind, const std::string& fallback) {
    auto it = by_kind.find(kind);
    return it == by_kind.end() ? fallback : it->second;
}

struct XLine {
    int64_t position = 0;
    std::string kind, item, description, service_date, unit_name;
    int64_t quantity = 0;
    Cents unit = 0, amount = 0, tax = 0;
    bool taxable = false, included = false;
};

struct XInvoice {
    int64_t id = 0, customer_id = 0, tax_rate = 0;
    std::string kind, number, issue_date, due_date, terms, currency, period, name, email, street, city, state, zip,
        customer_ref, credits, reason;
    Cents subtotal = 0, tax = 0, total = 0;
    std::vector<XLine> lines;
};

std::string us_date(const std::string& iso, const std::string& format) {
    // iso is YYYY-MM-DD as stored
    std::string y = iso.substr(0, 4), m = iso.substr(5, 2), d = iso.substr(8, 2);
    return format == "DD/MM/YYYY" ? d + "/" + m + "/" + y : m + "/" + d + "/" + y;
}

std::string text_cell(const std::string& s) { return csv_field(neutralise(s)); }

std::string iif_text(std::string s) {
    for (auto& c : s)
        if (c == '\t' || c == '\r' || c == '\n') c = ' ';
    return s;
}

std::string rate_text(int64_t micro) { return format_rate(micro) + "%"; }

/// UTF-8 text as windows-1252 for an IIF file; what it cannot hold is refused (see windows_1252.h).
std::string to_cp1252(const std::string& text, const std::string& where) {
    return to_windows_1252(text, where, ", which QuickBooks Desktop reads IIF in: change the text, or export with --encoding utf-8");
}

class Writer {
public:
    Writer(std::string format, Settings s, bool credit_notes)
        : m_format(std::move(format)), m_s(std::move(s)), m_credit_notes(credit_notes) {}

    std::string header() const {
        if (m_format == "qbo")
            return std::string(m_credit_notes ? k_qbo_credit_header : k_qbo_header) +
                   (m_s.tax_columns ? ",ItemTaxCode,ItemTaxAmount" : "") + k_crlf;
        if (m_format == "xero") return std::string(m_credit_notes ? k_xero_credit_header : k_xero_header) + k_crlf;
        if (m_format == "csv")
            return std::string("number,kind,credits,issue_date,due_date,customer_id,customer_ref,customer,currency,line,item,"
                               "description,service_date,quantity,unit_price,amount,taxable,tax,invoice_subtotal,invoice_tax,"
                               "invoice_total") + (m_s.line_units ? ",unit" : "") + k_crlf;
        if (m_format == "iif")
            return std::string("!TRNS\tTRNSID\tTRNSTYPE\tDATE\tACCNT\tNAME\tCLASS\tAMOUNT\tDOCNUM\tMEMO\tCLEAR\tTOPRINT\tNAMEISTAXABLE\t"
                               "DUEDATE\tTERMS\tADDR1\tADDR2\tADDR3") + k_crlf +
                   "!SPL\tSPLID\tTRNSTYPE\tDATE\tACCNT\tNAME\tCLASS\tAMOUNT\tDOCNUM\tMEMO\tCLEAR\tQNTY\tPRICE\tINVITEM\tTAXABLE\tSERVICEDATE" +
                   k_crlf + "!ENDTRNS" + k_crlf;
        if (m_format == "json") return "[";
        return "";
    }
    std::string footer(bool any) const { return m_format == "json" ? (any ? "\n]\n" : "]\n") : ""; }

    void write(const XInvoice& inv, std::string& out) {
        if (m_format == "qbo" && m_credit_notes) qbo_credit(inv, out);
        else if (m_format == "qbo") qbo(inv, out);
        else if (m_format == "xero") xero(inv, out);
        else if (m_format == "iif" && m_s.encoding == "windows-1252") {
            std::string text;
            iif(inv, text);
            out += to_cp1252(text, inv.number + " (customer " + inv.name + ")");
        } else if (m_format == "iif") iif(inv, out);
        else if (m_format == "csv") csv(inv, out);
        else json(inv, out);
    }

private:
    /// An identifier the importer matches (customer, number, item, code): see verbatim_names.
    std::string id_cell(const std::string& s) const { return m_s.verbatim_names ? csv_field(s) : text_cell(s); }

    std::string qbo_code(const XInvoice& inv) const {
        return for_rate(m_s.qbo_tax_codes, inv.tax_rate, m_s.qbo_tax_code, "qbo_tax_codes", inv.number);
    }

    /// The line columns QuickBooks Online's invoice and credit memo imports share, each row
    /// after the document's own columns (`head`).
    void qbo_lines(const XInvoice& inv, const std::string& head, std::string& out) const {
        for (const auto& l : inv.lines) {
            out += head;
            out += id_cell(l.item) + "," + text_cell(l.description) + "," + format_milli(l.quantity) + "," + format_money(l.unit) +
                   "," + format_money(l.amount) + "," + us_date(l.service_date, m_s.date_format);
            if (m_s.tax_columns)
                out += "," + id_cell(l.taxable ? qbo_code(inv) : m_s.qbo_exempt_tax_code) + "," + format_money(l.tax);
            out += k_crlf;
        }
    }

    void qbo(const XInvoice& inv, std::string& out) const {
        std::string head = id_cell(inv.number) + "," + id_cell(inv.name) + "," + us_date(inv.issue_date, m_s.date_format) + "," +
                           us_date(inv.due_date, m_s.date_format) + "," + text_cell(inv.terms) + ",," +
                           text_cell(inv.period.empty() ? "" : "Service period " + inv.period) + ",";
        qbo_lines(inv, head, out);
    }

    /// QuickBooks Online's credit memo import: like its invoice import, amounts positive (the
    /// credit memo itself says they reduce what the customer owes), no due date.
    void qbo_credit(const XInvoice& inv, std::string& out) const {
        std::string head = id_cell(inv.number) + "," + id_cell(inv.name) + "," + us_date(inv.issue_date, m_s.date_format) + ",," +
                           text_cell("Credit for " + inv.credits + ": " + inv.reason) + ",";
        qbo_lines(inv, head, out);
    }

    /// Xero's invoice template for invoices; its credit note import takes the same columns with
    /// CreditNoteNumber and CreditNoteDate, positive amounts, and the credited invoice as Reference.
    void xero(const XInvoice& inv, std::string& out) const {
        bool credit = m_credit_notes;
        std::string head = id_cell(inv.name) + "," + text_cell(inv.email) + "," + text_cell(inv.street) + ",,,," +
                           text_cell(inv.city) + "," + text_cell(inv.state) + "," + text_cell(inv.zip) + ",," +
                           id_cell(inv.number) + "," + (credit ? id_cell(inv.credits) : text_cell(inv.period)) + "," +
                           us_date(inv.issue_date, m_s.date_format) + "," + us_date(inv.due_date, m_s.date_format) + ",,,";
        for (const auto& l : inv.lines) {
            out += head;
            out += text_cell(l.item + ": " + l.description) + "," + format_milli(l.quantity) + "," + format_money(l.unit) + ",," +
                   id_cell(for_kind(m_s.xero_account_codes, l.kind, m_s.xero_account_code)) + "," +
                   id_cell(l.taxable ? for_rate(m_s.xero_tax_types, inv.tax_rate, m_s.xero_tax_type, "xero_tax_types", inv.number)
                                       : m_s.xero_exempt_tax_type) + "," +
                   format_money(l.tax) + ",,,,," + id_cell(inv.currency) + ",";
            out += k_crlf;
        }
    }

    void iif(const XInvoice& inv, std::string& out) const {
        bool credit = inv.kind == "credit";
        std::string type = credit ? "CREDIT MEMO" : "INVOICE";
        std::string date = us_date(inv.issue_date, "MM/DD/YYYY");
        Cents sign = credit ? -1 : 1;
        std::string memo = credit ? "Credit for " + inv.credits + ": " + inv.reason : inv.period.empty() ? "" : "Service period " + inv.period;
        std::string city_line = inv.city;
        if (!inv.state.empty()) city_line += (city_line.empty() ? "" : ", ") + inv.state;
        if (!inv.zip.empty()) city_line += (city_line.empty() ? "" : " ") + inv.zip;
        out += "TRNS\t\t" + type + "\t" + date + "\t" + iif_text(m_s.ar_account) + "\t" + iif_text(inv.name) + "\t\t" +
               format_money(sign * inv.total) + "\t" + iif_text(inv.number) + "\t" + iif_text(memo) + "\tN\tN\tN\t" +
               us_date(inv.due_date, "MM/DD/YYYY") + "\t" + iif_text(inv.terms) + "\t" + iif_text(inv.name) + "\t" +
               iif_text(inv.street) + "\t" + iif_text(city_line) + k_crlf;
        for (const auto& l : inv.lines) {
            out += "SPL\t\t" + type + "\t" + date + "\t" + iif_text(for_kind(m_s.income_accounts, l.kind, m_s.income_account)) + "\t\t\t" + format_money(-sign * l.amount) +
                   "\t\t" + iif_text(l.description) + "\tN\t" + (credit ? "" : "-") + format_milli(l.quantity) + "\t" +
                   format_money(l.unit) + "\t" + iif_text(l.item) + "\t" + (l.taxable ? "Y" : "N") + "\t" +
                   us_date(l.service_date, "MM/DD/YYYY") + k_crlf;
        }
        bool exempt = inv.tax == 0 && std::none_of(inv.lines.begin(), inv.lines.end(), [](const XLine& l) { return l.taxable; });
        if ((m_s.tax_columns || inv.tax != 0) && !(exempt && m_s.no_exempt_tax_line)) {
            std::string item = for_rate(m_s.tax_items, inv.tax_rate, m_s.tax_item, "tax_items", inv.number);
            out += "SPL\t\t" + type + "\t" + date + "\t" + iif_text(m_s.tax_account) + "\t\t\t" + format_money(-sign * inv.tax) +
                   "\t\t" + iif_text(item) + "\tN\t\t" + rate_text(inv.tax_rate) + "\t" + iif_text(item) + "\tN\t" + k_crlf;
        }
        out += std::string("ENDTRNS") + k_crlf;
    }

    void csv(const XInvoice& inv, std::string& out) const {
        Cents sign = inv.kind == "credit" ? -1 : 1;
        std::string head = text_cell(inv.number) + "," + inv.kind + "," + text_cell(inv.credits) + "," + inv.issue_date + "," +
                           inv.due_date + "," + std::to_string(inv.customer_id) + "," + text_cell(inv.customer_ref) + "," +
                           text_cell(inv.name) + "," + inv.currency + ",";
        std::string tail = "," + format_money(sign * inv.subtotal) + "," + format_money(sign * inv.tax) + "," +
                           format_money(sign * inv.total);
        for (const auto& l : inv.lines) {
            out += head + std::to_string(l.position) + "," + text_cell(l.item) + "," + text_cell(l.description) + "," +
                   l.service_date + "," + format_milli(l.quantity) + "," + format_money(l.unit) + "," +
                   format_money(sign * l.amount) + "," + (l.taxable ? "true" : "false") + "," + format_money(sign * l.tax) + tail;
            if (m_s.line_units) out += "," + text_cell(l.unit_name);
            out += k_crlf;
        }
    }

    void json(const XInvoice& inv, std::string& out) {
        Cents sign = inv.kind == "credit" ? -1 : 1;
        auto opt = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
        for (const auto& l : inv.lines) {
            Json j = {{"number", inv.number},
                      {"kind", inv.kind},
                      {"credits", opt(inv.credits)},
                      {"issue_date", inv.issue_date},
                      {"due_date", inv.due_date},
                      {"customer_id", inv.customer_id},
                      {"customer_ref", opt(inv.customer_ref)},
                      {"customer", inv.name},
                      {"currency", inv.currency},
                      {"line", l.position},
                      {"item", l.item},
                      {"description", l.description},
                      {"service_date", l.service_date},
                      {"quantity", format_milli(l.quantity)},
                      {"unit_price", format_money(l.unit)},
                      {"amount", format_money(sign * l.amount)},
                      {"taxable", l.taxable},
                      {"tax", format_money(sign * l.tax)},
                      {"invoice_subtotal", format_money(sign * inv.subtotal)},
                      {"invoice_tax", format_money(sign * inv.tax)},
                      {"invoice_total", format_money(sign * inv.total)}};
            if (m_s.line_units) j["unit"] = opt(l.unit_name);
            out += m_first ? "\n" : ",\n";
            m_first = false;
            out += to_json_text(j);  // text an older pom stored unchecked: U+FFFD, not an exception
        }
    }

    std::string m_format;
    Settings m_s;
    bool m_credit_notes = false;
    bool m_first = true;
};

const char* k_export_select =
    "SELECT i.id, i.kind, i.number, i.issue_date, i.due_date, i.terms, i.currency, coalesce(i.period, ''), i.subtotal_cents, "
    "i.tax_cents, i.total_cents, i.tax_rate_micro, coalesce(i.bill_to_name, ''), coalesce(i.bill_to_email, ''), "
    "coalesce(i.bill_to_street, ''), coalesce(i.bill_to_city, ''), coalesce(i.bill_to_state, ''), coalesce(i.bill_to_zip, ''), "
    "c.id, coalesce(c.ref, ''), coalesce((SELECT o.number FROM invoice o WHERE o.id = i.credits_invoice_id), ''), "
    "coalesce(i.reason, ''), l.position, l.kind, l.item, l.description, l.service_date, l.quantity_milli, l.unit_price_cents, "
    "l.amount_cents, l.taxable, l.tax_cents, l.included, coalesce(l.unit, '') "
    "FROM invoice i JOIN customer c ON c.id = i.customer_id JOIN invoice_line l ON l.invoice_id = i.id ";

}  // namespace

ExportResult export_invoices(Context& ctx, const ExportSelection& sel, const ExportSink& sink, bool record) {
    if (sel.payments || (sel.batch && batch_content(ctx.store, *sel.batch) == "payments")) return export_payments(ctx, sel, sink, record);
    ExportResult r;
    Settings settings;
    std::string format = sel.format;
    bool credit_notes = sel.credit_notes;
    bool with_lists = sel.with_lists;
    std::string expected_sha;
    if (sel.batch) {
        if (sel.from || sel.to || sel.unexported || sel.credit_notes || sel.with_lists || sel.again || !sel.encoding.empty())
            fail(ErrorKind::Usage, "--batch reproduces a batch as it was: no --from, --to, --unexported, --credit-notes, "
                                   "--with-lists, --again or --encoding");
        auto& q = ctx.store.prepare("SELECT format, settings, sha256, selection FROM export_batch WHERE id = ?");
        q.bind(1, *sel.batch);
        if (!q.executeStep()) fail(ErrorKind::NotFound, "no export batch " + std::to_string(*sel.batch));
        std::string stored = q.getColumn(0).getString();
        settings = Settings::parse(q.getColumn(1).getString());
        expected_sha = q.getColumn(2).getString();
        Json stored_selection = Json::parse(q.getColumn(3).getString());
        credit_notes = stored_selection.value("credit_notes", false);
        with_lists = stored_selection.value("with_lists", false);
        q.reset();
        if (!format.empty() && format != stored)
            fail(ErrorKind::BadInput, "--format: batch " + std::to_string(*sel.batch) + " was exported as " + stored);
        format = stored;
    }
    static const std::vector<std::string> formats = {"csv", "json", "qbo", "iif", "xero"};
    if (std::find(formats.begin(), formats.end(), format) == formats.end())
        fail(ErrorKind::BadInput, "--format: '" + format + "' is not csv, json, qbo, iif or xero");
    if (sel.unexported && (sel.from || sel.to)) fail(ErrorKind::Usage, "--unexported and --from/--to cannot go together");
    if (credit_notes && format != "qbo" && format != "xero")
        fail(ErrorKind::Usage, "--credit-notes goes with qbo or xero: the " + format + " export already holds credit notes");
    if (with_lists && format != "iif") fail(ErrorKind::Usage, "--with-lists goes with iif");
    if (sel.again && sel.unexported) fail(ErrorKind::Usage, "--again and --unexported cannot go together");
    if (!sel.encoding.empty() && sel.encoding != "utf-8" && sel.encoding != "windows-1252")
        fail(ErrorKind::BadInput, "--encoding: '" + sel.encoding + "' is not utf-8 or windows-1252");
    if (!sel.encoding.empty() && format != "iif")
        fail(ErrorKind::Usage, "--encoding goes with iif: the " + format + " export is always UTF-8");
    r.format = format;
    if (!sel.batch) {
        settings = Settings::from(ctx.config, format);
        if (!sel.encoding.empty()) settings.encoding = sel.encoding;
    }

    std::string where = "WHERE i.seq IS NOT NULL AND i.kind = ?";
    std::vector<Value> binds;
    Date today = ctx.today();
    if (sel.batch) {
        where += " AND i.id IN (SELECT invoice_id FROM export_batch_invoice WHERE batch_id = ?)";
        binds.emplace_back(*sel.batch);
    }
    if (sel.from) {
        where += " AND i.issue_date >= ?";
        binds.emplace_back(format_date(parse_day(*sel.from, today, "--from")));
    }
    if (sel.to) {
        where += " AND i.issue_date <= ?";
        binds.emplace_back(format_date(parse_day(*sel.to, today, "--to")));
    }
    if (sel.unexported) {
        where += " AND NOT EXISTS (SELECT 1 FROM export_batch_invoice e JOIN export_batch b ON b.id = e.batch_id "
                 "WHERE e.invoice_id = i.id AND b.format = ?)";
        binds.emplace_back(format);
    }
    // QuickBooks Online and Xero take credit notes through their own imports: a file holds either
    // invoices or (--credit-notes) credit notes.
    std::vector<std::string> kinds = {"invoice"};
    if (credit_notes) kinds = {"credit"};
    if (format == "iif" || format == "csv" || format == "json") kinds.push_back("credit");
    // A voided invoice that no batch of this format has sent stays out, and so does the credit
    // note reversing it: the books never carry either. Once sent, the credit note must follow.
    // pom's own csv/json keep everything: they are the record, not an import.
    std::string void_rule;
    if (!sel.batch && format != "csv" && format != "json") {
        std::string sent = "EXISTS (SELECT 1 FROM export_batch_invoice e JOIN export_batch b ON b.id = e.batch_id "
                           "WHERE e.invoice_id = %ID% AND b.format = '" + format + "')";
        auto sent_of = [&](const std::string& id) {
            std::string s = sent;
            return s.replace(s.find("%ID%"), 4, id);
        };
        void_rule = " AND CASE WHEN i.kind = 'invoice' THEN (NOT EXISTS (SELECT 1 FROM invoice k WHERE k.credits_invoice_id = i.id "
                    "AND k.full_reversal = 1 AND k.seq IS NOT NULL) OR " + sent_of("i.id") + ") "
                    "ELSE (i.full_reversal = 0 OR " + sent_of("i.credits_invoice_id") + ") END";
    }
    where += void_rule;

    int64_t count = 0;
    for (const auto& kind : kinds) {
        Statement c(ctx.store, "SELECT count(*) FROM invoice i " + where);
        c.bind(1, kind);
        int i = 2;
        for (const auto& b : binds) bind_value(c, i++, b);
        c.executeStep();
        count += c.getColumn(0).getInt64();
    }
    // Invoices a batch of this format already holds: exporting them again by date would put
    // them in the books twice, so it takes --again (a preview only lists them).
    if (!sel.batch && !sel.unexported) {
        for (const auto& kind : kinds) {
            Statement a(ctx.store, "SELECT i.number FROM invoice i " + where +
                                       " AND EXISTS (SELECT 1 FROM export_batch_invoice e JOIN export_batch b ON b.id = e.batch_id "
                                       "WHERE e.invoice_id = i.id AND b.format = ?) ORDER BY i.seq");
            a.bind(1, kind);
            int i = 2;
            for (const auto& b : binds) bind_value(a, i++, b);
            bind_value(a, i, Value(format));
            while (a.executeStep()) r.already.push_back(a.getColumn(0).getString());
        }
        if (record && !sel.again && !r.already.empty()) {
            std::string names;
            for (size_t k = 0; k < r.already.size() && k < 5; ++k) names += (k ? ", " : "") + r.already[k];
            if (r.already.size() > 5) names += " and " + std::to_string(r.already.size() - 5) + " more";
            fail(ErrorKind::Conflict, std::to_string(r.already.size()) + " of these were already exported as " + format + " (" + names +
                                          "): add --again to export them again, or --unexported for only the new ones");
        }
    }

    // windows-1252: every text the file will carry is checked before a byte is written, so a
    // refusal leaves stdout as empty as a file that was never renamed into place.
    if (format == "iif" && settings.encoding == "windows-1252") {
        for (const auto& kind : kinds) {
            Statement t(ctx.store, "SELECT i.number, coalesce(i.bill_to_name, ''), coalesce(i.bill_to_street, ''), "
                                   "coalesce(i.bill_to_city, ''), coalesce(i.bill_to_state, ''), coalesce(i.bill_to_zip, ''), "
                                   "i.terms, coalesce(i.reason, ''), coalesce(i.period, ''), l.description, l.item "
                                   "FROM invoice i JOIN invoice_line l ON l.invoice_id = i.id " + where + " ORDER BY i.seq, l.position");
            t.bind(1, kind);
            int i = 2;
            for (const auto& b : binds) bind_value(t, i++, b);
            while (t.executeStep())
                for (int c = 1; c <= 10; ++c)
                    to_cp1252(t.getColumn(c).getString(), t.getColumn(0).getString() + " (customer " + t.getColumn(1).getString() + ")");
        }
    }

    int files = format == "xero" && count > k_xero_invoices_per_file
                    ? static_cast<int>((count + k_xero_invoices_per_file - 1) / k_xero_invoices_per_file)
                    : 1;

    std::string lists;
    if (with_lists) {
        // Every account and item the transactions below name, each once, in the order first used.
        std::vector<std::pair<std::string, std::string>> accounts;  // name, QuickBooks account type
        std::vector<std::string> items;
        auto account = [&](const std::string& name, const char* type) {
            for (const auto& a : accounts)
                if (a.first == name) return;
            accounts.emplace_back(name, type);
        };
        std::string item_rows, tax_rows;
        bool any_tax = settings.tax_columns;
        account(settings.ar_account, "AR");
        for (const auto& kind : kinds) {
            Statement q(ctx.store, "SELECT DISTINCT l.kind, l.item, i.tax_rate_micro, i.tax_cents, i.number FROM invoice i "
                                   "JOIN customer c ON c.id = i.customer_id JOIN invoice_line l ON l.invoice_id = i.id " + where +
                                   " ORDER BY l.item, l.kind");
            q.bind(1, kind);
            int i = 2;
            for (const auto& b : binds) bind_value(q, i++, b);
            while (q.executeStep()) {
                std::string line_kind = q.getColumn(0).getString(), item = q.getColumn(1).getString();
                std::string income = for_kind(settings.income_accounts, line_kind, settings.income_account);
                account(income, "INC");
                if (std::find(items.begin(), items.end(), item) == items.end()) {
                    items.push_back(item);
                    item_rows += "INVITEM\t" + iif_text(item) + "\tSERV\t" + iif_text(item) + "\t" + iif_text(income) + "\t\tN" + k_crlf;
                }
                int64_t rate = q.getColumn(2).getInt64();
                any_tax = any_tax || q.getColumn(3).getInt64() != 0;
                std::string tax_item = for_rate(settings.tax_items, rate, settings.tax_item, "tax_items", q.getColumn(4).getString());
                if (std::find(items.begin(), items.end(), tax_item) == items.end()) {
                    items.push_back(tax_item);
                    tax_rows += "INVITEM\t" + iif_text(tax_item) + "\tCOMPTAX\t" + iif_text(tax_item) + "\t" +
                                iif_text(settings.tax_account) + "\t" + rate_text(rate) + "\tN" + k_crlf;
                }
            }
        }
        if (any_tax) account(settings.tax_account, "OCLIAB");
        else tax_rows.clear();
        lists = std::string("!ACCNT\tNAME\tACCNTTYPE\tDESC") + k_crlf;
        for (const auto& [name, type] : accounts) lists += "ACCNT\t" + iif_text(name) + "\t" + type + "\t" + k_crlf;
        lists += std::string("!INVITEM\tNAME\tINVITEMTYPE\tDESC\tACCNT\tPRICE\tTAXABLE") + k_crlf + item_rows + tax_rows;
        if (settings.encoding == "windows-1252") lists = to_cp1252(lists, "the account and item lists (billing.*_account, items)");
    }

    Writer w(format, settings, credit_notes);
    Sha256 all;
    std::unique_ptr<HashingBuf> buf;
    std::unique_ptr<std::ostream> out;
    int file = -1;
    std::vector<int64_t> ids;
    ids.reserve(static_cast<size_t>(count));
    std::string chunk;
    auto flush = [&] {
        if (chunk.empty()) return;
        all.update(chunk);
        *out << chunk;
        if (!*out) fail(ErrorKind::Io, "writing the export failed");
        chunk.clear();
    };
    auto close_file = [&] {
        if (!out) return;
        chunk += w.footer(r.files.back().invoices > 0);
        flush();
        r.files.back().bytes = buf->bytes();
        r.files.back().sha256 = buf->sha().hex();
        r.bytes += buf->bytes();
        out.reset();
        buf.reset();
    };
    auto open_file = [&] {
        close_file();
        ++file;
        std::ostream& target = sink(file, files);
        buf = std::make_unique<HashingBuf>(target);
        out = std::make_unique<std::ostream>(buf.get());
        r.files.push_back({});
        w = Writer(format, settings, credit_notes);
        chunk += lists;
        chunk += w.header();
    };
    open_file();
    auto emit = [&](XInvoice& inv) {
        if (format == "xero" && r.files.back().invoices == k_xero_invoices_per_file) open_file();
        w.write(inv, chunk);
        ++r.files.back().invoices;
        ++r.invoices;
        r.lines += static_cast<int64_t>(inv.lines.size());
        Cents sign = inv.kind == "credit" ? -1 : 1;
        r.total += sign * inv.total;
        r.tax += sign * inv.tax;
        ids.push_back(inv.id);
        if (chunk.size() > (1 << 16)) flush();
    };
    for (const auto& kind : kinds) {
        Statement q(ctx.store, std::string(k_export_select) + where + " ORDER BY i.seq, l.position");
        q.bind(1, kind);
        int i = 2;
        for (const auto& b : binds) bind_value(q, i++, b);
        XInvoice inv;
        while (q.executeStep()) {
            int64_t id = q.getColumn(0).getInt64();
            if (id != inv.id) {
                if (inv.id != 0) emit(inv);
                inv.id = id;
                inv.kind = q.getColumn(1).getString();
                inv.number = q.getColumn(2).getString();
                inv.issue_date = q.getColumn(3).getString();
                inv.due_date = q.getColumn(4).getString();
                inv.terms = q.getColumn(5).getString();
                inv.currency = q.getColumn(6).getString();
                inv.period = q.getColumn(7).getString();
                inv.subtotal = q.getColumn(8).getInt64();
                inv.tax = q.getColumn(9).getInt64();
                inv.total = q.getColumn(10).getInt64();
                inv.tax_rate = q.getColumn(11).getInt64();
                inv.name = q.getColumn(12).getString();
                inv.email = q.getColumn(13).getString();
                inv.street = q.getColumn(14).getString();
                inv.city = q.getColumn(15).getString();
                inv.state = q.getColumn(16).getString();
                inv.zip = q.getColumn(17).getString();
                inv.customer_id = q.getColumn(18).getInt64();
                inv.customer_ref = q.getColumn(19).getString();
                inv.credits = q.getColumn(20).getString();
                inv.reason = q.getColumn(21).getString();
                inv.lines.clear();
            }
            XLine l;
            l.position = q.getColumn(22).getInt64();
            l.kind = q.getColumn(23).getString();
            l.item = q.getColumn(24).getString();
            l.description = q.getColumn(25).getString();
            l.service_date = q.getColumn(26).getString();
            l.quantity = q.getColumn(27).getInt64();
            l.unit = q.getColumn(28).getInt64();
            l.amount = q.getColumn(29).getInt64();
            l.taxable = q.getColumn(30).getInt() != 0;
            l.tax = q.getColumn(31).getInt64();
            l.included = q.getColumn(32).getInt() != 0;
            l.unit_name = q.getColumn(33).getString();
            inv.lines.push_back(std::move(l));
        }
        if (inv.id != 0) emit(inv);
    }
    close_file();
    r.sha256 = all.hex();

    if (sel.batch) {
        if (r.sha256 != expected_sha)
            fail(ErrorKind::Conflict, "batch " + std::to_string(*sel.batch) + " came out different from its recorded checksum " + expected_sha);
        r.batch_id = *sel.batch;
        return r;
    }
    if (!record || r.invoices == 0) return r;
    Json selection = {{"from", sel.from ? Json(*sel.from) : Json(nullptr)},
                      {"to", sel.to ? Json(*sel.to) : Json(nullptr)},
                      {"unexported", sel.unexported}};
    if (credit_notes) selection["credit_notes"] = true;
    if (with_lists) selection["with_lists"] = true;
    Columns cols{{"format", format},
                 {"selection", selection.dump()},
                 {"settings", settings.json().dump()},
                 {"invoice_count", r.invoices},
                 {"line_count", r.lines},
                 {"total_cents", r.total},
                 {"tax_cents", r.tax},
                 {"files", static_cast<int64_t>(r.files.size())},
                 {"bytes", static_cast<int64_t>(r.bytes)},
                 {"sha256", r.sha256},
                 {"created_at", format_instant(ctx.now())},
                 {"actor", ctx.actor}};
    r.batch_id = insert_record(ctx, "export_batch", cols, false);
    auto& ins = ctx.store.prepare("INSERT INTO export_batch_invoice (batch_id, invoice_id) VALUES (?, ?)");
    for (int64_t id : ids) {
        ins.reset();
        ins.bind(1, r.batch_id);
        ins.bind(2, id);
        ins.exec();
    }
    return r;
}

Json batch_json(Store& store, int64_t id) {
    auto& q = store.prepare(
        "SELECT id, format, selection, invoice_count, line_count, total_cents, tax_cents, files, bytes, sha256, created_at, actor "
        "FROM export_batch WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(ErrorKind::NotFound, "no export batch " + std::to_string(id));
    Json j = {{"id", id},
              {"format", q.getColumn(1).getString()},
              {"selection", Json::parse(q.getColumn(2).getString())},
              {"invoices", q.getColumn(3).getInt64()},
              {"lines", q.getColumn(4).getInt64()},
              {"total", format_money(q.getColumn(5).getInt64())},
              {"tax", format_money(q.getColumn(6).getInt64())},
              {"files", q.getColumn(7).getInt64()},
              {"bytes", q.getColumn(8).getInt64()},
              {"sha256", q.getColumn(9).getString()},
              {"created_at", q.getColumn(10).getString()},
              {"actor", q.getColumn(11).getString()}};
    q.reset();
    return j;
}

std::vector<Json> list_batches(Store& store) {
    std::vector<int64_t> ids;
    {
        Statement q(store, "SELECT id FROM export_batch ORDER BY id");
        while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
    }
    std::vector<Json> out;
    for (int64_t id : ids) out.push_back(batch_json(store, id));
    return out;
}

const std::vector<std::string>& batch_fields() {
    static const std::vector<std::string> f = {"id",  "format", "selection", "invoices", "lines",      "total",
                                               "tax", "files",  "bytes",     "sha256",   "created_at", "actor"};
    return f;
}

}  // namespace pom
