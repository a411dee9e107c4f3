#pragma once
#include "audit.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pom {

struct Appointment;

/// A visit's notice rendered from its `[notices.KIND]` template.
struct RenderedNotice {
    std::string channel, subject, body;
};
/// Renders the notice `kind` for the visit as it is now (`extra` adds or overrides placeholders);
/// nothing when the template is missing or switched off.
std::optional<RenderedNotice> render_appointment_notice(Context& ctx, const std::string& kind, const Appointment& a,
                                                       const std::map<std::string, std::string>& extra = {});
/// A visit's day as notices say it ("Tuesday, November 24"), from YYYY-MM-DD.
std::string notice_date_text(const std::string& day);
/// A visit's window as notices say it (" between 08:00 and 10:00"), or empty.
std::string notice_window_text(const std::string& start, const std::string& end);

/// Queues the customer notice `kind` (a template in config: assigned, on_my_way, skipped, …) for a
/// visit, once per opted-in recipient of the template's channel. Placeholders never reach private
/// fields (office notes, gate codes, internal notes). Queuing the same notice twice does nothing.
/// Returns the ids queued.
std::vector<int64_t> queue_appointment_notice(Context& ctx, const std::string& kind, int64_t appointment_id,
                                              const std::map<std::string, std::string>& extra = {});

/// The day-before reminder (`appt remind`, cron): queues the "reminder" notice for every visit of
/// `day` still scheduled, once per visit and day (a moved visit is reminded on its new day).
/// Returns one record per visit that got a new notice: appointment_id, customer, date, notices.
std::vector<Json> queue_reminders(Context& ctx, Date day);

/// Queues one message for every opted-in contact of a customer on `channel`; a contact without
/// opt-in gets a notice marked skipped with the reason instead. `key` makes it idempotent: the
/// same key and recipient are queued once. Returns the ids queued to be sent.
std::vector<int64_t> queue_customer_notice(Context& ctx, const std::string& kind, const std::string& channel, int64_t customer_id,
                                           std::optional<int64_t> appointment_id, const std::string& subject,
                                           const std::string& body, const std::string& key);

/// Queues one message to one recipient, once per `key` and recipient. Returns its id, or nothing
/// when that key and recipient were queued before.
std::optional<int64_t> queue_notice_to(Context& ctx, const std::string& kind, const std::string& channel, int64_t customer_id,
                                       const std::string& recipient, const std::string& subject, const std::string& body,
                                       const std::string& key);

/// Fills {placeholders} of a template; unknown placeholders are left as they are. A sentence (up
/// to ". " or the end of its line) holding {company_phone} while the company has no phone is
/// left out, and so is a line it leaves empty: no "Call us at .".
std::string fill_template(const std::string& text, const std::map<std::string, std::string>& values);

}  // namespace pom
