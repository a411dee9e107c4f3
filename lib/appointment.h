#pragma once
#include "audit.h"
#include "closed_day.h"
#include "recurrence.h"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace pom {

/// A planned visit on the schedule (the "plan" half of the day; the service ticket is the report).
struct Appointment {
    int64_t id = 0;
    int64_t customer_id = 0;
    std::string customer_name;
    int64_t pool_id = 0;
    std::string pool_name, street, city;
    std::optional<int64_t> worker_id;
    std::string worker_name;
    std::string date;  ///< local date YYYY-MM-DD
    std::string window_start, window_end;  ///< local HH:MM, or empty
    int duration_min = 30;
    std::optional<int64_t> route_order;
    std::string service_type;
    std::string priority = "normal";
    std::string status = "scheduled";
    std::string status_reason, status_at, eta;
    std::string tech_note;    ///< for the technician
    std::string office_note;  ///< private: what the client was told; never on customer output
    std::optional<int64_t> series_id;
    std::string occurrence_date;
    bool detached = false;  ///< individually changed: series edits leave it alone
    int rolled_count = 0;
    std::optional<int64_t> follow_up_of;
    std::string created_at, updated_at;
    bool pinned = false;                  ///< route optimize keeps it at its place
    std::optional<int64_t> load_milli;    ///< what it takes from the truck, set by the office; else estimated
    std::optional<std::pair<double, double>> pool_at;  ///< the pool's latitude and longitude, when known
};

/// What a visit (or every visit of a series) is: shared by add and series.
struct VisitPlan {
    int64_t customer_id = 0;
    int64_t pool_id = 0;
    std::optional<int64_t> worker_id;
    std::optional<std::pair<std::string, std::string>> window;
    std::optional<int> duration_min;  ///< default: the service type's
    std::optional<int64_t> route_order;
    std::string service_type = "maintenance";
    std::string priority = "normal";
    std::string tech_note, office_note;
};

/// Parses a local time window "08:00-12:00".
std::pair<std::string, std::string> parse_window(const std::string& text, const std::string& what = "--window");
/// Parses a duration of a visit: "45" (minutes), "45m", "1h30m", "2h".
int parse_visit_minutes(const std::string& text, const std::string& what = "--duration");
void check_priority(const std::string& p, const std::string& what = "--priority");

/// Schedules one visit; with a worker, queues the appointment notice as assign does.
int64_t add_appointment(Context& ctx, const VisitPlan& plan, Date date);

struct SeriesCreated {
    int64_t series_id = 0;
    std::vector<int64_t> appointments;
};
/// Creates a recurring series anchored at `start` and materialises it through `through`.
/// `on_closed`: where a visit due on a closed or non-working day goes (stored on the series).
SeriesCreated add_series(Context& ctx, const VisitPlan& plan, const Recurrence& rule, Date start, Date through,
                         OnClosed on_closed = OnClosed::after);

struct AppointmentFilter {
    std::optional<Date> from, to;  ///< inclusive local dates
    std::optional<int64_t> worker;
    bool unassigned = false;
    std::optional<std::string> status;
    std::optional<int64_t> customer;
    std::optional<std::string> type;
    std::optional<std::string> priority;
    std::optional<int64_t> series;
    bool rolled = false;
    int64_t limit = 0;
};

/// By date, worker, route order, window.
std::vector<Appointment> list_appointments(Store& store, const AppointmentFilter& filter);
/// list_appointments in two steps, for a command that reads it with others (Store::run_together):
/// the statement, bound, and its rows.
Statement appointments_statement(Store& store, const AppointmentFilter& filter);
std::vector<Appointment> read_appointments(Statement& statement);
Appointment get_appointment(Store& store, int64_t id);
/// The visit of a service ticket, as a statement to read with others (Store::run_together);
/// read_appointments gives the visit (none: the ticket has none).
Statement ticket_appointment_statement(Store& store, int64_t service_id);

/// Assigns (or, with no worker, unassigns) visits; `order` numbers them from that route
/// position. Queues the appointment notice for each visit whose worker changed.
void assign_appointments(Context& ctx, const std::vector<int64_t>& ids, std::optional<int64_t> worker,
                         std::optional<int64_t> order);

/// What `appt edit` changes on one visit; a field left empty stays as it is.
struct AppointmentEdit {
    std::optional<std::optional<int64_t>> worker;  ///< set to nullopt inside: unassign
    std::optional<std::optional<std::pair<std::string, std::string>>> window;
    std::optional<int> duration_min;
    std::optional<std::string> service_type, priority;
    std::optional<int64_t> pool_id;
    std::optional<std::optional<int64_t>> route_order;
    std::optional<bool> pinned;  ///< route optimize keeps a pinned visit at its place
    std::optional<std::optional<int64_t>> load_milli;  ///< set inside, or nullopt: estimate from doses
    std::optional<std::string> tech_note, office_note;  ///< empty text clears
};
/// Changes one open visit (scheduled, en route or paused) and leaves its series alone: an
/// occurrence changed here is detached, so later series edits pass it by. A new technician is
/// told as `appt assign` tells. Recorded in the audit log; returns whether anything changed.
bool edit_appointment(Context& ctx, int64_t id, const AppointmentEdit& edit);
/// Moves one visit to `to`; with `future`, shifts this and every later scheduled occurrence of its
/// series by the same number of days and changes the series rule to match. Returns moved ids.
/// A visit put on a closed day is refused (Conflict, naming the day) unless `force`.
std::vector<int64_t> move_appointment(Context& ctx, int64_t id, Date to, bool future, bool force = false);

struct StatusChange {
    std::optional<Instant> at;  ///< when it happened (default: now); for statuses recorded late
    std::string reason;
    std::optional<std::chrono::seconds> eta;  ///< on-my-way: expected travel time
};

/// The dispatch status machine: scheduled → en_route → in_progress → completed, with paused,
/// cancelled and skipped. A change that is not allowed throws Transition naming the current status.
void change_status(Context& ctx, int64_t id, const std::string& to, const StatusChange& change);
/// The same, for a visit the caller has just read (as get_appointment gives it, in this transaction).
void change_status(Context& ctx, const Appointment& a, const std::string& to, const StatusChange& change);
/// `appt complete`: the visit is done. Without a service ticket it is billed at its plan's or
/// service type's price (bill_completed_visit), or, with [billing] complete_requires_ticket,
/// refused (Conflict) until its service ticket is submitted, which completes it.
void complete_appointment(Context& ctx, int64_t id, const StatusChange& change);
/// Statuses reachable from `from`.
std::vector<std::string> allowed_transitions(const std::string& from);

/// Pauses a visit that needs follow-up; with `follow_up`, creates an unassigned follow-up visit
/// on that date and returns its id.
std::optional<int64_t> pause_appointment(Context& ctx, int64_t id, const StatusChange& change, std::optional<Date> follow_up);

/// Cancels one visit, or with `series` ends its series from the visit's date: every later
/// scheduled occurrence is cancelled, history is kept. Returns the cancelled ids.
std::vector<int64_t> cancel_appointment(Context& ctx, int64_t id, const std::string& reason, bool series);

struct ExpandedOccurrence {
    int64_t series_id = 0;
    std::string date;
    int64_t appointment_id = 0;
};
struct Series;
/// Walks of the same stored rule from the same first date over the same days give the same
/// dates. A company's series are mostly set up together (a route "weekly on tue" from the same
/// Tuesday) and libical takes some 30,000 instructions per visit, so an expand walks each distinct
/// (rule, start, from, through) once. Kept by the caller for one expand, never across commands.
class WalkCache {
public:
    const std::vector<Date>& dates(const Series& s, Date start, Date from, Date through);
    /// The company's open days (config and database), read once per expand.
    const WorkCalendar& calendar(Context& ctx);

private:
    std::optional<WorkCalendar> m_calendar;
    std::map<std::string, Recurrence> m_rules;
    std::map<std::tuple<std::string, Date, Date, Date>, std::vector<Date>> m_walks;
};
/// Materialises every active series through `through` (or only series `only`): idempotent (one
/// row per series and occurrence date), never re-creating a cancelled, moved or completed
/// occurrence. `walks`: a cache shared by the calls of one expand (else one of its own).
std::vector<ExpandedOccurrence> expand_series(Context& ctx, Date through, std::optional<int64_t> only = std::nullopt,
                                              WalkCache* walks = nullptr);
/// The series expand_series would work on, by id.
std::vector<int64_t> series_due(Context& ctx, Date through);

struct RolledVisit {
    int64_t id = 0;
    std::string customer;
    std::string from, to;
    int rolled_count = 0;
    /// Set when the visit met an open visit of the same pool and service type on that day: it is
    /// merged into that one (cancelled with the reason, the rolled count carried over), never a
    /// second stop at the same pool.
    std::optional<int64_t> merged_into;
};
/// Moves visits of past days still scheduled or en route to the next open working day (not a
/// closed day).
std::vector<RolledVisit> rollover(Context& ctx, std::optional<Date> from);
/// The first working day on or after `d`.
Date next_working_day(const Config& config, Date d);

int current_days_out(Store& store, const Config& config);
void set_days_out(Context& ctx, int value);
struct DaysOutEntry {
    int value = 0;
    std::string set_at, set_by;
};
std::vector<DaysOutEntry> days_out_history(Store& store);

struct Series {
    int64_t id = 0;
    int64_t customer_id = 0;
    std::string customer_name;
    int64_t pool_id = 0;
    std::optional<int64_t> worker_id;
    std::string worker_name;
    std::string rrule, dtstart, window_start, window_end;
    int duration_min = 30;
    std::string service_type, priority;
    std::optional<int64_t> route_order;
    std::string tech_note, office_note;
    std::string status, suspended_from, suspended_until, ended_on, expanded_through;
    std::string created_at, updated_at;
    std::string on_closed = "after";  ///< before, after or skip: a visit due on a closed day
};
Series get_series(Store& store, int64_t id);
std::vector<Series> list_series(Store& store, std::optional<int64_t> customer, bool include_ended);

struct SeriesEdit {
    std::optional<std::optional<int64_t>> worker;  ///< set to nullopt inside: unassign
    std::optional<std::optional<std::pair<std::string, std::string>>> window;
    std::optional<Recurrence> rule;
    std::optional<std::string> service_type;
    std::optional<int> duration_min;
    std::optional<std::string> priority;
    std::optional<std::string> tech_note;
    std::optional<Date> from;  ///< first date the change applies to (default: today)
    std::optional<OnClosed> on_closed;  ///< applies to visits expanded from now on
    /// false: a new technician is not told with the series notice (the caller tells the customer
    /// itself, as route plan's day_change notice does).
    bool notify = true;
};
/// Applies a change to the series and to its occurrences from `from` on that were not changed
/// one by one; past and completed visits never change. Returns the ids touched.
std::vector<int64_t> edit_series(Context& ctx, int64_t id, const SeriesEdit& edit);
/// Suspends a series (customer on vacation) from `from` until `until` (inclusive; open-ended when
/// not given): its unchanged occurrences in that span are removed and not expanded again.
std::vector<int64_t> suspend_series(Context& ctx, int64_t id, Date from, std::optional<Date> until);
/// Resumes a suspended series and fills the suspended span again up to its horizon.
std::vector<ExpandedOccurrence> resume_series(Context& ctx, int64_t id);

Json appointment_json(const Appointment& a);
class JsonWriter;
/// The record appointment_json gives, written field by field (JsonWriter: as text, for lists of
/// thousands; JsonBuilder: as a document).
template <class W>
void write_appointment(W& w, const Appointment& a);
extern template void write_appointment(JsonWriter&, const Appointment&);
/// A visit's status events, oldest first, as `appt show` lists them.
Json appointment_events_json(Store& store, int64_t id);
/// The pool's last five finished visits up to this one's day, newest first.
Json recent_visits_json(Store& store, const Appointment& a);
const std::vector<std::string>& appointment_fields();
/// A series as a record. `status` is what it is on `today`: a suspension whose last day has passed
/// reads `active` again; `status_text` says it in words ("suspended from 2026-12-01 until
/// 2026-12-15", "ended on 2027-01-05").
Json series_json(const Series& s, Date today);
/// True when the series is suspended on or after `today` (its suspension has not run out).
bool suspension_in_force(const Series& s, Date today);
const std::vector<std::string>& series_fields();

}  // namespace pom
