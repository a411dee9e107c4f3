#pragma once
// Exports of issued invoices for the accountant: QuickBooks Online CSV (qbo), QuickBooks Desktop
// IIF (iif), Xero sales invoice CSV (xero), and pom's own tidy csv/json (one row per invoice
// line). Each export is recorded as a batch that can be reproduced byte for byte.
#include "audit.h"
#include "money.h"

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace pom {

struct ExportSelection {
    std::string format;                    ///< csv | json | qbo | iif | xero
    std::optional<std::string> from, to;   ///< issue dates, inclusive
    bool unexported = false;               ///< only invoices in no batch of this format yet
    std::optional<int64_t> batch;          ///< reproduce this batch (format and settings from it)
    /// qbo and xero: the credit notes, in the layout of QuickBooks Online's credit memo import and
    /// Xero's credit note import (positive amounts), instead of the invoices.
    bool credit_notes = false;
    /// iif: first the !ACCNT and !INVITEM lists of every account and item the transactions use,
    /// so that a fresh QuickBooks Desktop company file takes the import.
    bool with_lists = false;
    /// The money records instead of the invoices: payments, credit applied, refunds, write-offs
    /// (lib/payment.h, export_payments).
    bool payments = false;
    /// Export invoices that a batch of this format already holds (by date range or all): without
    /// it such an export is refused, so the books never get an invoice twice by accident.
    bool again = false;
    /// iif: "utf-8" (the default) or "windows-1252", the code page QuickBooks Desktop reads IIF in.
    /// Empty: utf-8.
    std::string encoding;
};

struct ExportFile {
    int64_t invoices = 0;
    uint64_t bytes = 0;
    std::string sha256;
};

struct ExportResult {
    int64_t batch_id = 0;  ///< 0: nothing recorded (no invoices, or --dry-run decided by the caller)
    std::string format;
    int64_t invoices = 0;
    int64_t lines = 0;
    Cents total = 0;  ///< credit notes count negative
    Cents tax = 0;
    uint64_t bytes = 0;
    std::string sha256;  ///< of all files' bytes in order
    std::vector<ExportFile> files;
    /// An export of payments (export_payments): `invoices` counts its records (payments, credit
    /// applications, refunds, write-offs), `lines` its rows, `total` the money received.
    bool payments = false;
    /// Numbers of the exported invoices that a batch of this format already holds (not with
    /// --unexported or --batch, which choose by batch).
    std::vector<std::string> already;
};

/// Where the bytes go: called once per file before it is written, with its index (0-based)
/// and the number of files (Xero takes at most 500 invoices per file).
using ExportSink = std::function<std::ostream&(int index, int files)>;

constexpr int64_t k_xero_invoices_per_file = 500;

/// Streams the export (memory does not grow with its size) and, when `record` and at least
/// one invoice went out, records it as a new batch. A voided invoice goes out only when a batch
/// of the same format already sent it (then its credit note goes out too); one that was never
/// sent stays out, and so does its credit note, so the books never see either. Reproducing a batch (selection.batch)
/// records nothing and fails with Conflict when the bytes differ from the recorded checksum.
/// An export that would record a batch is refused (Conflict, before a byte is written) when it
/// holds invoices a batch of the format already holds, unless selection.again; a preview
/// (`record` false) goes ahead and lists them in ExportResult::already.
ExportResult export_invoices(Context& ctx, const ExportSelection& selection, const ExportSink& sink, bool record);

Json batch_json(Store& store, int64_t id);
std::vector<Json> list_batches(Store& store);
const std::vector<std::string>& batch_fields();

/// Text for a CSV cell that a spreadsheet will not run as a formula: a leading = + - @, tab or
/// carriage return gets a ' in front.
std::string neutralise(const std::string& text);

/// The reference headers, as the vendors' templates spell them.
extern const char* const k_qbo_header;
extern const char* const k_xero_header;
extern const char* const k_qbo_credit_header;
extern const char* const k_xero_credit_header;

}  // namespace pom
