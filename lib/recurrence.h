#pragma once
#include "clock.h"

#include <optional>
#include <string>
#include <vector>

namespace pom {

/// A validated RFC 5545 recurrence rule for visits, expanded by libical.
/// Visits recur at most daily; rules work on local dates (and local times of day), so an
/// occurrence keeps its wall-clock date and window across daylight-saving changes.
class Recurrence {
public:
    /// Parses an RRULE (`FREQ=WEEKLY;INTERVAL=2;BYDAY=TU`) or a friendly form (`weekly`,
    /// `every 2 weeks on tue`, `monthly on the 1st`, `monthly on the last fri`). Throws BadInput
    /// naming the part that is wrong; `what` names the flag.
    static Recurrence parse(const std::string& text, const std::string& what = "--repeat");
    /// A rule a series already has, read as parse() reads it but for one difference: a rule an
    /// older pom took that parse() now refuses as not supported (libical expands it wrongly) is
    /// still expanded as it was, so that one old series does not stop `appt expand` for every
    /// other. New rules always go through parse().
    static Recurrence stored(const std::string& text, const std::string& what);

    /// The rule as a normalised RRULE string.
    const std::string& rrule() const { return m_rrule; }

    /// Returns a copy ending at `until` (inclusive) or after `count` occurrences.
    Recurrence with_until(Date until) const;
    Recurrence with_count(int count) const;
    bool bounded() const;

    /// Occurrence dates of the rule anchored at `start`, in [from, through], at most `limit`
    /// (0: no limit). Dates in `except` are left out (they still count toward COUNT).
    std::vector<Date> dates(Date start, Date from, Date through, size_t limit = 0,
                            const std::vector<Date>& except = {}) const;
    /// The same for a local date-time start; the time of day is kept on every occurrence. A
    /// date-time UNTIL is honoured to the second here (RFC 5545 3.3.10: inclusive), so a 09:00
    /// occurrence is not produced on the day of UNTIL=...T080000; a Z on it is read on the
    /// start's own clock.
    std::vector<LocalTime> times(LocalTime start, LocalTime from, LocalTime through, size_t limit = 0,
                                 const std::vector<Date>& except = {}) const;

private:
    explicit Recurrence(std::string rrule) : m_rrule(std::move(rrule)) {}
    static Recurrence read(const std::string& text, const std::string& what, bool refuse_unsupported);
    std::string m_rrule;
    /// A date-time UNTIL as given, for times(): m_rrule holds it as a date, for dates().
    std::optional<LocalTime> m_until_at;
};

/// Turns a friendly repeat phrase into an RRULE; nullopt when it is not one.
std::optional<std::string> friendly_rrule(const std::string& text);

}  // namespace pom
