#pragma once
// Callbacks: the company's promise to get back to a homeowner — who calls, how, by when, and what
// to tell them. A callback is the communication commitment, separate from fixing anything.
#include "audit.h"

#include <optional>
#include <string>
#include <vector>

namespace pom {

struct Callback {
    int64_t id = 0;
    int64_t customer_id = 0;
    std::string customer;
    std::string contact;  ///< phone, email or sms
    std::string reason;
    int64_t owner_id = 0;
    std::string owner;
    std::string due_at;        ///< UTC instant
    std::string first_due_at;  ///< the due instant first promised (before any snooze)
    std::string summary;       ///< what to tell them
    std::optional<int64_t> ticket_id, appointment_id;
    std::string status = "open";  ///< open or done
    bool overdue = false;         ///< open and due before now
    std::string outcome, done_at;
    std::string created_at, updated_at;
};

struct CallbackFields {
    int64_t customer_id = 0;
    std::string contact;
    std::string reason;
    int64_t owner_id = 0;
    Instant due{};
    std::string summary;
    std::optional<int64_t> ticket_id, appointment_id;
};

/// A due time as people type it: an instant parse_instant reads ("2026-11-24 15:00", RFC 3339),
/// or a day parse_day reads with an optional local time ("tomorrow 15:00", "+2d 09:30", "today";
/// a day alone means its local midnight, as for parse_instant).
Instant parse_due(const std::string& text, Date today, const TimeZone& tz, const std::string& what);

void check_contact_method(const std::string& contact, const std::string& what = "--contact");

/// Adds an open callback. The owner must be an active worker; a linked ticket or visit must be the
/// same customer's; the due instant must not be in the past.
int64_t add_callback(Context& ctx, const CallbackFields& fields);
/// Marks an open callback done with what came of it.
void complete_callback(Context& ctx, int64_t id, const std::string& outcome);
void reassign_callback(Context& ctx, int64_t id, int64_t owner_id);
/// Moves the due instant of an open callback later (first_due_at keeps the first promise).
void snooze_callback(Context& ctx, int64_t id, Instant until);

struct CallbackFilter {
    std::optional<int64_t> owner;
    std::optional<Date> due_on;  ///< local date of the due instant
    bool overdue = false;        ///< open and due before now
    bool open = false;
    std::optional<int64_t> customer;
    std::optional<int64_t> ticket;
    int64_t limit = 0;
};
/// By due instant, earliest first.
std::vector<Callback> list_callbacks(Context& ctx, const CallbackFilter& filter);
Callback get_callback(Context& ctx, int64_t id);

Json callback_json(const Callback& c);
const std::vector<std::string>& callback_fields();

}  // namespace pom
