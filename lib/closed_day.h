#pragma once
// Closed days: holidays and closures, from the config (`[schedule] closed`) and the database
// (`appt closed add`), and the calendar of open days that series expansion, rollover and moves
// consult.
#include "audit.h"
#include "clock.h"
#include "context.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pom {

/// What a series does with a visit due on a closed or non-working day: move it to the open day
/// before or after, or leave it out.
enum class OnClosed { before, after, skip };
/// "before", "after" or "skip"; throws BadInput naming `what` otherwise.
OnClosed parse_on_closed(const std::string& text, const std::string& what = "--on-closed");
std::string on_closed_name(OnClosed rule);

/// The days the company works: its working weekdays less its closed days. Pure, for tests.
class WorkCalendar {
public:
    /// `working_days`: 0 = Sunday … 6 = Saturday; `closed`: date (YYYY-MM-DD) → reason.
    WorkCalendar(std::vector<int> working_days, std::map<std::string, std::string> closed);
    bool is_open(Date d) const;
    /// True when `d` is one of the closed days (whatever its weekday).
    bool is_closed(Date d) const;
    /// Why `d` is not open, in words ("closed (Christmas)", "not a working day (sun)"); empty when open.
    std::string why_not_open(Date d) const;
    /// The first open day after `d` (`step` 1) or before it (`step` -1), within a year.
    std::optional<Date> next_open(Date d, int step = 1) const;
    /// Where a visit due on `d` goes: `d` when open, else the open day before or after it, or
    /// nothing (skip). A visit is never placed before `not_before` (today): `before` that would
    /// land earlier moves after instead.
    std::optional<Date> place(Date d, OnClosed rule, Date not_before) const;

private:
    std::vector<int> m_working;
    std::map<std::string, std::string> m_closed;
};

/// Where a series' occurrence due on `d` goes, given all its dates `dates` (ascending): as
/// WorkCalendar::place, but never onto a day the series visits anyway (then skipped).
std::optional<Date> place_occurrence(const WorkCalendar& cal, const std::vector<Date>& dates, Date d, OnClosed rule, Date not_before);

/// The company's calendar now: the config's working days and closed days and the database's.
WorkCalendar work_calendar(Store& store, const Config& config);

struct ClosedDay {
    std::string date, reason;
    std::string source;  ///< "config" or "database"
    std::string created_at, created_by;  ///< empty for the config's
};
/// Closed days of the config and the database in [from, to] (either open), by date.
std::vector<ClosedDay> list_closed_days(Store& store, const Config& config, std::optional<Date> from, std::optional<Date> to);

/// An open visit on a day that was just closed, and what became of it.
struct ClosedDayVisit {
    int64_t id = 0;
    std::string customer, date;
    std::optional<int64_t> series_id;
    std::string to;      ///< the new day, when moved
    std::string action;  ///< "moved", "skipped" (cancelled, its series skips closed days), "needs a decision"
};
struct ClosedDayAdded {
    ClosedDay day;
    std::vector<ClosedDayVisit> visits;
};
/// Closes a day. Its open visits stay where they are unless `reschedule`: then each moves as its
/// series' rule says (a visit of no series to the next open day) or, for a rule of `skip`, is
/// cancelled. Throws Conflict when the day is already closed.
ClosedDayAdded add_closed_day(Context& ctx, Date d, const std::string& reason, bool reschedule);
/// Opens a day closed with `appt closed add` again (visits moved off it stay where they are).
/// A day closed in the config is refused (Conflict); one not closed is NotFound.
ClosedDay remove_closed_day(Context& ctx, Date d);
/// Refuses (Conflict) to put a visit on a closed day unless `force`: the message names the day
/// and its reason.
void check_open_day(Context& ctx, const WorkCalendar& cal, Date d, bool force, const std::string& what);

Json closed_day_json(const ClosedDay& c);
const std::vector<std::string>& closed_day_fields();

}  // namespace pom
