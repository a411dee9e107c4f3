#pragma once
// Invoices to the customer through the notice outbox (`pom notify send` delivers them): the
// invoice itself (bill send) and reminders of overdue ones (bill remind, cron). Each is queued
// once per invoice (and reminder step): a re-run queues nothing new.
#include "audit.h"

#include <string>
#include <vector>

namespace pom {

/// Queues each invoice or credit note (the page `bill show --format html` prints: no costs, no
/// internal notes) to its customer's billing email, the customer's first email address. `unsent`:
/// every issued invoice that is neither void nor queued before (ids then must be empty). A draft or
/// a void invoice named in ids is refused (Transition) and nothing is queued. A customer without an
/// email address opted in to email is reported (status skipped) and queues nothing. One record per
/// invoice: status queued, already (queued before: the outbox keeps it once) or skipped.
std::vector<Json> send_invoices(Context& ctx, const std::vector<int64_t>& ids, bool unsent);

/// Queues a reminder for each open invoice past due by a step of billing.remind_days: the
/// highest step it has reached, once per invoice and step (a step missed while the job did not
/// run is not sent late as well). A paid, credited or void invoice gets none. One record per
/// reminder queued or skipped (no email); reminders queued before are left out.
std::vector<Json> remind_invoices(Context& ctx);

/// The fields of send_invoices and remind_invoices records (schema invoice-notice).
const std::vector<std::string>& invoice_notice_fields();

}  // namespace pom
