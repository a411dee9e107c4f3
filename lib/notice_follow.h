#pragma once
// Customer notices that follow their visit: a notice still waiting in the outbox is brought in
// line with the visit as it is now (re-rendered, withdrawn, or put back when it applies again),
// a moved visit tells the customer who was told of it, and the sender never sends a notice for a
// visit that is over. Notices being sent or sent are never touched.
#include "audit.h"

#include <optional>
#include <string>
#include <vector>

namespace pom {

struct Notice;

/// Why notice `n` should not be sent now, reading its visit (empty when it may, or has no visit):
/// the visit is cancelled, completed or skipped, its day has passed, an `assigned`, `reminder` or
/// `moved` notice's visit is under way (in progress), an `assigned` notice's visit
/// lost its technician, a reminder's visit is on another day, an `on_my_way` notice's technician
/// is no longer on the way, a `moved` notice's visit moved again. A `skipped` notice applies to
/// its skipped visit, after its day too. The sender asks this in the transaction that claims it.
std::string notice_send_problem(Context& ctx, const Notice& n);

/// Brings the waiting notices of one visit in line with it, in the caller's transaction: each
/// pending notice that still applies is re-rendered from the visit as it is now (same row, kept
/// pending); one that no longer applies is withdrawn (status skipped with the reason); one
/// withdrawn earlier for a reason that can pass (no technician, another day) that applies again
/// is put back, re-rendered. Audited. Returns the ids changed.
std::vector<int64_t> follow_visit_notices(Context& ctx, int64_t appointment_id);
/// The same, its notices read by `waiting` (waiting_notices_statement), which may have been read
/// with others (Store::run_together) before the visit changed: a change of the visit is not a
/// change of its notices.
std::vector<int64_t> follow_visit_notices(Context& ctx, int64_t appointment_id, Statement& waiting);
Statement waiting_notices_statement(Store& store, int64_t appointment_id);

/// After a visit's technician changed (assign, edit): re-renders its pending notices, and queues
/// the `assigned` notice when the visit has a technician and no pending one says so already.
void notify_visit_assigned(Context& ctx, int64_t appointment_id);

/// After a visit's day or window changed (move, edit): re-renders or withdraws its pending
/// notices, then queues the `moved` notice ("from {old_date}{old_window} to {date}{window}"),
/// once per visit, new day and window, when the customer was already told of the visit (an
/// assigned, reminder or moved notice of it was sent or is being sent). The old day is what the
/// customer last heard: a moved notice still waiting is replaced by one from its old day. A move
/// back to that day queues nothing.
void notify_visit_moved(Context& ctx, int64_t appointment_id, const std::string& old_date, const std::string& old_window_start,
                        const std::string& old_window_end);

/// Before a visit's row is deleted (a series suspended, or its rule changed): its pending notices
/// are withdrawn with `reason`, and every notice of it lets go of the visit (appointment_id
/// cleared; their text, status and customer stay) so the row can go.
void release_visit_notices(Context& ctx, int64_t appointment_id, const std::string& reason);

/// A series booked or re-assigned with its technician: one `series` notice for the whole series
/// (its first visit from `from` on and its rule in words), once per series and technician,
/// never one per visit. Nothing without a technician or a visit.
std::vector<int64_t> notify_series_assigned(Context& ctx, int64_t series_id, Date from);

/// A series rule in words for customers: "every Tuesday", "every 2 weeks on Monday and
/// Thursday", "every month on day 1" (`start` gives a weekly rule without BYDAY its day); "on a
/// regular schedule" for what it cannot say simply.
std::string rule_in_words(const std::string& rrule, Date start);

}  // namespace pom
