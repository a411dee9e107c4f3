// Payments for the books (bill export --payments): the money records of a period (payments
// received, credit applied later, refunds, write-offs) in the same five formats as invoices, each
// export recorded as a batch (export_batch.content = 'payments') that remembers the records it
// carried (export_batch_entry), so that --unexported and --batch work as they do for invoices.
#include "payment.h"

#include "checksum.h"
#include "clock.h"
#include "config.h"
#include "error.h"
#include "output.h"
#include "record.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace pom {

namespace {

const char* k_crlf = "\r\n";

/// What a payment export depends on besides the records; kept with the batch.
struct PaySettings {
    std::string date_format, ar_account, deposit_account, write_off_account, xero_account_code;

    static PaySettings from(const Config& c) {
        const auto& b = c.billing;
        return {b.date_format, b.ar_account, b.deposit_account, b.write_off_account, b.xero_payment_account};
    }
    Json json() const {
        return {{"date_format", date_format}, {"ar_account", ar_account}, {"deposit_account", deposit_account},
                {"write_off_account", write_off_account}, {"xero_payment_account", xero_account_code}};
    }
    static PaySettings parse(const std::string& text) {
        Json j = Json::parse(text);
        auto get = [&](const char* key) { return j.at(key).get<std::string>(); };
        return {get("date_format"), get("ar_account"), get("deposit_account"), get("write_off_account"), get("xero_payment_account")};
    }
};

/// One row of the export: money received on an invoice or kept as credit, credit applied later,
/// credit paid back, or a balance written off.
struct Row {
    std::string entity;  ///< payment | application | refund | write_off (what the batch remembers)
    int64_t entity_id = 0;
    std::string type;    ///< payment | credit | refund | write_off (what the row is)
    std::string date;
    int64_t customer_id = 0;
    std::string customer, customer_ref, method, ref, invoice, source, account, memo;
    Cents amount = 0;
};

std::string date_as(const std::string& iso, const std::string& format) {
    std::string y = iso.substr(0, 4), m = iso.substr(5, 2), d = iso.substr(8, 2);
    return format == "DD/MM/YYYY" ? d + "/" + m + "/" + y : m + "/" + d + "/" + y;
}
std::string cell(const std::string& s) { return csv_field(neutralise(s)); }
std::string name_cell(const std::string& s) { return csv_field(s); }
std::string iif_text(std::string s) {
    for (auto& c : s)
        if (c == '\t' || c == '\r' || c == '\n') c = ' ';
    return s;
}
std::string method_name(const std::string& m) {
    if (m == "ach") return "ACH";
    if (m.empty()) return m;
    std::string s = m;
    s[0] = static_cast<char>(s[0] - 'a' + 'A');
    return s;
}

/// The rows of the records `where` selects, in date order. Each statement binds its date range
/// and batch the same way: see select().
std::vector<Row> load_rows(Store& store, const std::string& from, const std::string& to, std::optional<int64_t> batch,
                           const std::string& unexported_format) {
    auto filter = [&](const std::string& entity, const std::string& alias, const std::string& day) {
        std::string w = " WHERE " + alias + ".id > 0";
        if (!from.empty()) w += " AND " + alias + "." + day + " >= '" + from + "'";
        if (!to.empty()) w += " AND " + alias + "." + day + " <= '" + to + "'";
        if (batch)
            w += " AND EXISTS (SELECT 1 FROM export_batch_entry e WHERE e.batch_id = " + std::to_string(*batch) + " AND e.entity = '" +
                 entity + "' AND e.entity_id = " + alias + ".id)";
        if (!unexported_format.empty())
            w += " AND NOT EXISTS (SELECT 1 FROM export_batch_entry e JOIN export_batch b ON b.id = e.batch_id WHERE b.format = '" +
                 unexported_format + "' AND e.entity = '" + entity + "' AND e.entity_id = " + alias + ".id)";
        return w;
    };
    // Every statement below starts with the record's id, its day, and its customer's id, name and ref.
    auto head = [](Statement& q, const char* entity, const char* type) {
        Row r;
        r.entity = entity;
        r.entity_id = q.getColumn(0).getInt64();
        r.type = type;
        r.date = q.getColumn(1).getString();
        r.customer_id = q.getColumn(2).getInt64();
        r.customer = q.getColumn(3).getString();
        r.customer_ref = q.getColumn(4).getString();
        return r;
    };
    std::vector<Row> rows;
    // Payments: one row per invoice it paid when it was received, one for what it left as credit.
    {
        // The selected payments' applications in one statement, not one per payment.
        std::map<int64_t, std::vector<std::pair<std::string, Cents>>> paid;
        Statement a(store, "SELECT a.payment_id, i.number, a.amount_cents FROM payment_application a JOIN invoice i ON i.id = a.invoice_id "
                           "WHERE a.kind = 'payment' AND a.payment_id IN (SELECT p.id FROM payment p" +
                               filter("payment", "p", "paid_on") + ") ORDER BY a.id");
        while (a.executeStep()) paid[a.getColumn(0).getInt64()].emplace_back(a.getColumn(1).getString(), a.getColumn(2).getInt64());
        Statement q(store, "SELECT p.id, p.paid_on, p.customer_id, c.name, coalesce(c.ref, ''), p.method, coalesce(p.ref, ''), p.amount_cents "
                           "FROM payment p JOIN customer c ON c.id = p.customer_id" + filter("payment", "p", "paid_on"));
        while (q.executeStep()) {
            Row base = head(q, "payment", "payment");
            base.method = q.getColumn(5).getString();
            base.ref = q.getColumn(6).getString();
            Cents amount = q.getColumn(7).getInt64(), applied = 0;
            for (const auto& [number, cents] : paid[base.entity_id]) {
                Row r = base;
                r.invoice = number;
                r.amount = cents;
                applied += r.amount;
                rows.push_back(r);
            }
            if (amount > applied) {
                Row r = base;
                r.amount = amount - applied;
                r.memo = "Customer credit";
                rows.push_back(r);
            }
        }
    }
    // Credit applied after it arose: an unapplied payment or a credit-note surplus paying an invoice.
    {
        Statement q(store, "SELECT a.id, a.applied_on, a.customer_id, c.name, coalesce(c.ref, ''), coalesce(p.method, ''), coalesce(p.ref, ''), "
                           "i.number, coalesce(s.number, ''), a.amount_cents, a.payment_id FROM payment_application a "
                           "JOIN customer c ON c.id = a.customer_id JOIN invoice i ON i.id = a.invoice_id "
                           "LEFT JOIN payment p ON p.id = a.payment_id LEFT JOIN invoice s ON s.id = a.source_invoice_id" +
                               filter("application", "a", "applied_on") + " AND a.kind = 'credit'");
        while (q.executeStep()) {
            Row r = head(q, "application", "credit");
            r.method = q.getColumn(5).getString();
            r.ref = q.getColumn(6).getString();
            r.invoice = q.getColumn(7).getString();
            r.source = q.getColumn(8).getString();
            r.amount = q.getColumn(9).getInt64();
            r.memo = r.source.empty() ? "Credit of payment " + std::to_string(q.getColumn(10).getInt64()) + " applied"
                                      : "Credit of " + r.source + "'s credit notes applied";
            rows.push_back(r);
        }
    }
    {
        Statement q(store, "SELECT f.id, f.refunded_on, f.customer_id, c.name, coalesce(c.ref, ''), f.method, coalesce(f.ref, ''), f.amount_cents, "
                           "f.reason FROM refund f JOIN customer c ON c.id = f.customer_id" + filter("refund", "f", "refunded_on"));
        while (q.executeStep()) {
            Row r = head(q, "refund", "refund");
            r.method = q.getColumn(5).getString();
            r.ref = q.getColumn(6).getString();
            r.amount = q.getColumn(7).getInt64();
            r.memo = "Refund: " + q.getColumn(8).getString();
            rows.push_back(r);
        }
    }
    {
        Statement q(store, "SELECT w.id, w.written_on, w.customer_id, c.name, coalesce(c.ref, ''), i.number, w.amount_cents, w.account, w.reason "
                           "FROM write_off w JOIN customer c ON c.id = w.customer_id JOIN invoice i ON i.id = w.invoice_id" +
                               filter("write_off", "w", "written_on"));
        while (q.executeStep()) {
            Row r = head(q, "write_off", "write_off");
            r.invoice = q.getColumn(5).getString();
            r.amount = q.getColumn(6).getInt64();
            r.account = q.getColumn(7).getString();
            r.memo = "Written off: " + q.getColumn(8).getString();
            rows.push_back(r);
        }
    }
    auto rank = [](const std::string& e) { return e == "payment" ? 0 : e == "application" ? 1 : e == "refund" ? 2 : 3; };
    std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
        return std::make_tuple(a.date, rank(a.entity), a.entity_id) < std::make_tuple(b.date, rank(b.entity), b.entity_id);
    });
    return rows;
}

// QuickBooks Online has no payment import of its own (its CSV import takes customers, invoices,
// bills …): payments go in through importers that use the Receive Payment form's fields, which
// these columns name. Xero has no payment CSV import either: the columns are its Payments API
// fields. See README, "Payments for the books".
const char* k_qbo_payment_header = "Type,Payment No,Customer,Payment Date,Payment Method,Reference No,Deposit To,Invoice No,Amount,Memo";
const char* k_xero_payment_header = "Type,ContactName,InvoiceNumber,CreditNoteNumber,Date,Amount,AccountCode,Reference";

std::string render(const std::string& format, const PaySettings& s, const std::vector<Row>& rows) {
    std::string out;
    if (format == "qbo") {
        out = std::string(k_qbo_payment_header) + k_crlf;
        for (const auto& r : rows) {
            std::string type = r.type == "payment" ? "Payment" : r.type == "credit" ? "Credit applied" : r.type == "refund" ? "Refund" : "Write-off";
            std::string account = r.type == "write_off" ? s.write_off_account : r.type == "credit" ? "" : s.deposit_account;
            // Importers group a payment's rows by its number: the other records get numbers of their own kind.
            std::string number = (r.type == "payment" ? "" : r.type == "credit" ? "C" : r.type == "refund" ? "R" : "W") + std::to_string(r.entity_id);
            out += type + "," + number + "," + name_cell(r.customer) + "," + date_as(r.date, s.date_format) + "," +
                   cell(method_name(r.method)) + "," + cell(r.ref) + "," + name_cell(account) + "," + name_cell(r.invoice) + "," +
                   format_money(r.amount) + "," + cell(r.memo) + k_crlf;
        }
    } else if (format == "xero") {
        out = std::string(k_xero_payment_header) + k_crlf;
        for (const auto& r : rows) {
            std::string type = r.type == "payment" ? "Payment" : r.type == "credit" ? "Credit applied" : r.type == "refund" ? "Refund" : "Write-off";
            std::string account = r.type == "write_off" ? s.write_off_account : r.type == "credit" ? "" : s.xero_account_code;
            out += type + "," + name_cell(r.customer) + "," + name_cell(r.invoice) + "," + name_cell(r.source) + "," +
                   date_as(r.date, s.date_format) + "," + format_money(r.amount) + "," + name_cell(account) + "," +
                   cell(r.ref.empty() ? r.memo : r.ref) + k_crlf;
        }
    } else if (format == "iif") {
        // Money received goes to the deposit account (Undeposited Funds) out of Accounts
        // Receivable; a refund comes back out of it; a write-off is a journal entry from Accounts
        // Receivable to the write-off account. Credit applied between invoices moves nothing in
        // the ledger (Accounts Receivable is one account per customer), so it has no transaction.
        out = std::string("!TRNS\tTRNSID\tTRNSTYPE\tDATE\tACCNT\tNAME\tAMOUNT\tDOCNUM\tMEMO") + k_crlf +
              "!SPL\tSPLID\tTRNSTYPE\tDATE\tACCNT\tNAME\tAMOUNT\tDOCNUM\tMEMO" + k_crlf + "!ENDTRNS" + k_crlf;
        // A payment's rows (one per invoice) are one PAYMENT transaction.
        for (size_t i = 0; i < rows.size(); ++i) {
            const Row& r = rows[i];
            if (r.type == "credit") continue;
            std::string date = date_as(r.date, "MM/DD/YYYY");
            if (r.type == "payment") {
                Cents total = 0;
                std::string invoices;
                size_t j = i;
                for (; j < rows.size() && rows[j].entity == "payment" && rows[j].entity_id == r.entity_id; ++j) {
                    total += rows[j].amount;
                    if (!rows[j].invoice.empty()) invoices += (invoices.empty() ? "" : " ") + rows[j].invoice;
                }
                std::string memo = "Payment " + std::to_string(r.entity_id) + (invoices.empty() ? std::string() : ": " + invoices);
                out += "TRNS\t\tPAYMENT\t" + date + "\t" + iif_text(s.deposit_account) + "\t" + iif_text(r.customer) + "\t" + format_money(total) +
                       "\t" + iif_text(r.ref) + "\t" + iif_text(memo) + k_crlf;
                out += "SPL\t\tPAYMENT\t" + date + "\t" + iif_text(s.ar_account) + "\t" + iif_text(r.customer) + "\t" + format_money(-total) +
                       "\t" + iif_text(r.ref) + "\t" + iif_text(memo) + k_crlf + "ENDTRNS" + k_crlf;
                i = j - 1;
            } else if (r.type == "refund") {
                out += "TRNS\t\tCHECK\t" + date + "\t" + iif_text(s.deposit_account) + "\t" + iif_text(r.customer) + "\t" + format_money(-r.amount) +
                       "\t" + iif_text(r.ref) + "\t" + iif_text(r.memo) + k_crlf;
                out += "SPL\t\tCHECK\t" + date + "\t" + iif_text(s.ar_account) + "\t" + iif_text(r.customer) + "\t" + format_money(r.amount) +
                       "\t" + iif_text(r.ref) + "\t" + iif_text(r.memo) + k_crlf + "ENDTRNS" + k_crlf;
            } else {
                out += "TRNS\t\tGENERAL JOURNAL\t" + date + "\t" + iif_text(s.ar_account) + "\t" + iif_text(r.customer) + "\t" +
                       format_money(-r.amount) + "\t" + iif_text(r.invoice) + "\t" + iif_text(r.memo) + k_crlf;
                out += "SPL\t\tGENERAL JOURNAL\t" + date + "\t" + iif_text(r.account) + "\t" + iif_text(r.customer) + "\t" + format_money(r.amount) +
                       "\t" + iif_text(r.invoice) + "\t" + iif_text(r.memo) + k_crlf + "ENDTRNS" + k_crlf;
            }
        }
    } else if (format == "csv") {
        out = std::string("type,id,date,customer_id,customer_ref,customer,method,ref,invoice,source_invoice,account,amount,memo") + k_crlf;
        for (const auto& r : rows)
            out += r.type + "," + std::to_string(r.entity_id) + "," + r.date + "," + std::to_string(r.customer_id) + "," + cell(r.customer_ref) + "," +
                   cell(r.customer) + "," + r.method + "," + cell(r.ref) + "," + cell(r.invoice) + "," + cell(r.source) + "," + cell(r.account) +
                   "," + format_money(r.amount) + "," + cell(r.memo) + k_crlf;
    } else {
        out = "[";
        bool first = true;
        auto opt = [](const std::string& v) { return v.empty() ? Json(nullptr) : Json(v); };
        for (const auto& r : rows) {
            Json j = {{"type", r.type},          {"id", r.entity_id},         {"date", r.date},
                      {"customer_id", r.customer_id}, {"customer_ref", opt(r.customer_ref)}, {"customer", r.customer},
                      {"method", opt(r.method)},  {"ref", opt(r.ref)},         {"invoice", opt(r.invoice)},
                      {"source_invoice", opt(r.source)}, {"account", opt(r.account)}, {"amount", format_money(r.amount)},
                      {"memo", opt(r.memo)}};
            out += first ? "\n" : ",\n";
            first = false;
            out += to_json_text(j);
        }
        out += first ? "]\n" : "\n]\n";
    }
    return out;
}

}  // namespace

std::string batch_content(Store& store, int64_t batch_id) {
    Statement q(store, "SELECT content FROM export_batch WHERE id = ?");
    q.bind(1, batch_id);
    if (!q.executeStep()) fail(ErrorKind::NotFound, "no export batch " + std::to_string(batch_id));
    return q.getColumn(0).getString();
}

ExportResult export_payments(Context& ctx, const ExportSelection& sel, const ExportSink& sink, bool record) {
    ExportResult r;
    r.payments = true;
    std::string format = sel.format;
    PaySettings settings;
    std::string expected_sha;
    if (sel.batch) {
        if (sel.from || sel.to || sel.unexported || sel.credit_notes || sel.with_lists)
            fail(ErrorKind::Usage, "--batch reproduces a batch as it was: no --from, --to, --unexported, --credit-notes or --with-lists");
        Statement q(ctx.store, "SELECT format, settings, sha256 FROM export_batch WHERE id = ?");
        q.bind(1, *sel.batch);
        if (!q.executeStep()) fail(ErrorKind::NotFound, "no export batch " + std::to_string(*sel.batch));
        std::string stored = q.getColumn(0).getString();
        settings = PaySettings::parse(q.getColumn(1).getString());
        expected_sha = q.getColumn(2).getString();
        if (!format.empty() && format != stored)
            fail(ErrorKind::BadInput, "--format: batch " + std::to_string(*sel.batch) + " was exported as " + stored);
        format = stored;
    } else {
        if (sel.credit_notes) fail(ErrorKind::Usage, "--credit-notes and --payments cannot go together");
        if (sel.with_lists) fail(ErrorKind::Usage, "--with-lists goes with invoices, not --payments");
        if (sel.again) fail(ErrorKind::Usage, "--again goes with invoices, not --payments");
        if (!sel.encoding.empty() && sel.encoding != "utf-8")
            fail(ErrorKind::Usage, "--encoding goes with invoices; --payments files are UTF-8");
        settings = PaySettings::from(ctx.config);
    }
    static const std::vector<std::string> formats = {"csv", "json", "qbo", "iif", "xero"};
    if (std::find(formats.begin(), formats.end(), format) == formats.end())
        fail(ErrorKind::BadInput, "--format: '" + format + "' is not csv, json, qbo, iif or xero");
    if (sel.unexported && (sel.from || sel.to)) fail(ErrorKind::Usage, "--unexported and --from/--to cannot go together");
    r.format = format;
    Date today = ctx.today();
    std::string from = sel.from ? format_date(parse_day(*sel.from, today, "--from")) : "";
    std::string to = sel.to ? format_date(parse_day(*sel.to, today, "--to")) : "";
    auto rows = load_rows(ctx.store, from, to, sel.batch, sel.unexported ? format : "");
    std::string text = render(format, settings, rows);
    std::vector<std::pair<std::string, int64_t>> entities;
    for (const auto& row : rows) {
        std::pair<std::string, int64_t> e{row.entity, row.entity_id};
        if (std::find(entities.begin(), entities.end(), e) == entities.end()) entities.push_back(e);
        r.total += row.type == "payment" ? row.amount : 0;
    }
    r.invoices = static_cast<int64_t>(entities.size());
    r.lines = static_cast<int64_t>(rows.size());
    Sha256 file_sha, all;
    file_sha.update(text);
    all.update(text);
    r.sha256 = all.hex();
    r.bytes = text.size();
    r.files.push_back({r.invoices, r.bytes, file_sha.hex()});
    std::ostream& out = sink(0, 1);
    out << text;
    if (!out) fail(ErrorKind::Io, "writing the export failed");
    if (sel.batch) {
        if (r.sha256 != expected_sha)
            fail(ErrorKind::Conflict, "batch " + std::to_string(*sel.batch) + " came out different from its recorded checksum " + expected_sha);
        r.batch_id = *sel.batch;
        return r;
    }
    if (!record || entities.empty()) return r;
    Json selection = {{"from", sel.from ? Json(*sel.from) : Json(nullptr)},
                      {"to", sel.to ? Json(*sel.to) : Json(nullptr)},
                      {"unexported", sel.unexported},
                      {"payments", true}};
    Columns cols{{"format", format},
                 {"selection", selection.dump()},
                 {"settings", settings.json().dump()},
                 {"invoice_count", r.invoices},
                 {"line_count", r.lines},
                 {"total_cents", r.total},
                 {"tax_cents", int64_t{0}},
                 {"files", int64_t{1}},
                 {"bytes", static_cast<int64_t>(r.bytes)},
                 {"sha256", r.sha256},
                 {"created_at", format_instant(ctx.now())},
                 {"actor", ctx.actor},
                 {"content", "payments"}};
    r.batch_id = insert_record(ctx, "export_batch", cols, false);
    for (const auto& [entity, id] : entities) {
        Statement ins(ctx.store, "INSERT INTO export_batch_entry (batch_id, entity, entity_id) VALUES (?, ?, ?)");
        ins.bind(1, r.batch_id);
        ins.bind(2, entity);
        ins.bind(3, id);
        ins.exec();
    }
    return r;
}

}  // namespace pom
