#pragma once
// A customer's timeline: everything the company knows about a customer in time order, so nobody
// asks a homeowner to repeat it.
#include "audit.h"

#include <string>
#include <vector>

namespace pom {

struct TimelineEntry {
    std::string at;      ///< UTC instant
    std::string kind;    ///< status, tag_added, tag_removed, quote, appointment, service, ticket, callback, note, invoice
    std::string entity;  ///< the table of the record it is about
    int64_t entity_id = 0;
    std::string event;   ///< what happened to it: created, sent, accepted, scheduled, completed, closed, ...
    std::string summary;
    std::string actor;   ///< who did it, where known
    int priority = 1;    ///< ties in time: the cause (1) before the tag and status changes it made (2)
};

/// Oldest first: status and tag changes (with their rules), quotes, visits and their dispatch
/// statuses, service tickets, issue tickets and their routes, callbacks, notes, and invoices when
/// the database has them.
std::vector<TimelineEntry> customer_timeline(Store& store, int64_t customer_id);

Json timeline_json(const TimelineEntry& e);
const std::vector<std::string>& timeline_fields();

}  // namespace pom
