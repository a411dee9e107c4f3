#pragma once
// The schedule as an RFC 5545 calendar, for a technician's phone to subscribe to.
#include "appointment.h"

#include <string>

namespace pom {

/// An iCalendar (RFC 5545) VCALENDAR of the visits `filter` selects: one VEVENT per visit (a
/// series is its materialised occurrences), times in the company's zone with a VTIMEZONE for it
/// covering the visits' years, a UID stable across exports (the appointment's id and the
/// company), DTSTAMP from the pom clock. Cancelled and skipped visits are kept with
/// STATUS:CANCELLED so a subscribed calendar drops them. Private fields (office notes, gate
/// codes) never appear. CRLF line ends, lines folded at 75 octets, TEXT escaped.
std::string export_ics(Context& ctx, const AppointmentFilter& filter, const std::string& calendar_name);

/// Escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma, newline.
std::string ics_escape(const std::string& text);
/// Folds one content line (RFC 5545 3.1) into lines of at most 75 octets, never inside a UTF-8
/// character, each ended with CRLF.
std::string ics_fold(const std::string& line);
/// The VTIMEZONE of an IANA zone for the years [first, last]: one STANDARD or DAYLIGHT
/// component per observance in effect in those years.
std::string ics_vtimezone(const std::string& zone, int first_year, int last_year);

}  // namespace pom
