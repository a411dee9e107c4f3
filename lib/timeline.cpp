#include "timeline.h"
#include "json.h"

#include "customer.h"
#include "money.h"

#include <algorithm>

namespace pom {

namespace {

std::string text(Statement& q, int i) { return q.getColumn(i).isNull() ? std::string() : q.getColumn(i).getString(); }

std::string shorten(const std::string& s, size_t max = 100) {
    std::string one;
    for (char c : s) one += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
    if (one.size() <= max) return one;
    size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(one[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
    return one.substr(0, cut) + "…";
}

}  // namespace

std::vector<TimelineEntry> customer_timeline(Store& store, int64_t customer_id) {
    get_customer(store, customer_id);
    std::vector<TimelineEntry> out;
    auto add = [&](std::string at, std::string kind, std::string entity, int64_t id, std::string event, std::string summary,
                   std::string actor, int priority = 1) {
        if (at.empty()) return;
        out.push_back({std::move(at), std::move(kind), std::move(entity), id, std::move(event), std::move(summary), std::move(actor),
                       priority});
    };
    auto rule = [](const std::string& r) { return r.empty() ? std::string() : " (rule " + r + ")"; };

    {
        Statement q(store,
                            "SELECT id, from_status, to_status, at, actor, rule FROM customer_status_change WHERE customer_id = ? ORDER BY id");
        q.bind(1, customer_id);
        while (q.executeStep()) {
            std::string from = text(q, 1), to = text(q, 2);
            if (from.empty()) add(text(q, 3), "status", "customer", customer_id, "created", "customer created as " + to, text(q, 4), 0);
            else add(text(q, 3), "status", "customer", customer_id, "status", "status " + from + " → " + to + rule(text(q, 5)), text(q, 4), 2);
        }
    }
    {
        Statement q(store,
                            "SELECT id, tag, added_at, added_by, added_rule, removed_at, removed_by, removed_rule FROM customer_tag "
                            "WHERE customer_id = ? ORDER BY id");
        q.bind(1, customer_id);
        while (q.executeStep()) {
            std::string tag = text(q, 1);
            add(text(q, 2), "tag_added", "customer", customer_id, "tag_added", "tag " + tag + " added" + rule(text(q, 4)), text(q, 3), 2);
            add(text(q, 5), "tag_removed", "customer", customer_id, "tag_removed", "tag " + tag + " removed" + rule(text(q, 7)), text(q, 6), 2);
        }
    }
    {
        Statement q(store,
                            "SELECT id, total_cents, created_at, sent_at, accepted_at, declined_at, decline_reason, expired_at, valid_until, "
                            "(SELECT count(*) FROM quote_line l WHERE l.quote_id = quote.id) FROM quote WHERE customer_id = ? ORDER BY id");
        q.bind(1, customer_id);
        while (q.executeStep()) {
            int64_t id = q.getColumn(0).getInt64();
            std::string name = "quote " + std::to_string(id);
            std::string total = format_money(q.getColumn(1).getInt64());
            int64_t lines = q.getColumn(9).getInt64();
            add(text(q, 2), "quote", "quote", id, "created",
                name + " drafted: " + std::to_string(lines) + " line" + (lines == 1 ? "" : "s") + ", total " + total, "");
            add(text(q, 3), "quote", "quote", id, "sent", name + " sent (" + total + ", valid until " + text(q, 8) + ")", "");
            add(text(q, 4), "quote", "quote", id, "accepted", name + " accepted", "");
            add(text(q, 5), "quote", "quote", id, "declined", name + " declined: " + shorten(text(q, 6)), "");
            add(text(q, 7), "quote", "quote", id, "expired", name + " expired", "");
        }
    }
    {
        Statement q(store,
                            "SELECT a.id, a.date, a.service_type, e.from_status, e.to_status, e.at, e.actor, e.reason, w.name "
                            "FROM appointment_event e JOIN appointment a ON a.id = e.appointment_id "
                            "LEFT JOIN worker w ON w.id = a.worker_id WHERE a.customer_id = ? ORDER BY e.id");
        q.bind(1, customer_id);
        while (q.executeStep()) {
            int64_t id = q.getColumn(0).getInt64();
            std::string to = text(q, 4), reason = text(q, 7);
            std::string s = "appointment " + std::to_string(id) + " (" + text(q, 2) + " on " + text(q, 1) + ")";
            s += text(q, 3).empty() ? " scheduled" + (text(q, 8).empty() ? std::string(", unassigned") : " with " + text(q, 8))
                                    : " " + to;
            if (!reason.empty()) s += ": " + shorten(reason);
            add(text(q, 5), "appointment", "appointment", id, text(q, 3).empty() ? "created" : to, s, text(q, 6));
        }
    }
    {
        Statement q(store,
                            "SELECT s.id, s.service_type, s.started_at, s.ended_at, s.status, w.name FROM service s "
                            "LEFT JOIN worker w ON w.id = s.worker_id WHERE s.customer_id = ? ORDER BY s.id");
        q.bind(1, customer_id);
        while (q.executeStep()) {
            int64_t id = q.getColumn(0).getInt64();
            std::string name = "service " + std::to_string(id) + " (" + text(q, 1) + ")";
            add(text(q, 2), "service", "service", id, "started", name + " started" + (text(q, 5).empty() ? "" : " by " + text(q, 5)), "");
            if (text(q, 4) == "submitted") add(text(q, 3), "service", "service", id, "submitted", name + " submitted", "");
        }
    }
    {
        Statement q(store,
                            "SELECT id, category, severity, summary, told, created_at, closed_at, outcome FROM ticket "
                            "WHERE customer_id = ? ORDER BY id");
        q.bind(1, customer_id);
        while (q.executeStep()) {
            int64_t id = q.getColumn(0).getInt64();
            std::string name = "ticket " + std::to_string(id);
            add(text(q, 5), "ticket", "ticket", id, "created",
                name + " opened (" + text(q, 1) + ", " + text(q, 2) + "): " + shorten(text(q, 3)) + "; told: " + shorten(text(q, 4)), "");
            add(text(q, 6), "ticket", "ticket", id, "closed", name + " closed: " + shorten(text(q, 7)), "");
        }
        Statement r(store,
                            "SELECT r.ticket_id, r.route, r.next_action, r.at, r.actor FROM ticket_route r JOIN ticket t ON t.id = r.ticket_id "
                            "WHERE t.customer_id = ? ORDER BY r.id");
        r.bind(1, customer_id);
        while (r.executeStep())
            add(text(r, 3), "ticket", "ticket", r.getColumn(0).getInt64(), "routed",
                "ticket " + text(r, 0) + " routed to " + text(r, 1) + ": " + shorten(text(r, 2)), text(r, 4));
    }
    {
        Statement q(store,
                            "SELECT k.id, k.contact, k.reason, k.due_at, w.name, k.created_at, k.done_at, k.outcome FROM callback k "
                            "JOIN worker w ON w.id = k.owner_id WHERE k.customer_id = ? ORDER BY k.id");
        q.bind(1, customer_id);
        while (q.executeStep()) {
            int64_t id = q.getColumn(0).getInt64();
            std::string name = "callback " + std::to_string(id);
            add(text(q, 5), "callback", "callback", id, "created",
                name + " promised by " + text(q, 3) + " (" + text(q, 1) + ", " + text(q, 4) + "): " + shorten(text(q, 2)), "");
            add(text(q, 6), "callback", "callback", id, "done", name + " done: " + shorten(text(q, 7)), "");
        }
    }
    {
        Statement q(store, "SELECT id, kind, text, author, created_at FROM note WHERE customer_id = ? ORDER BY id");
        q.bind(1, customer_id);
        while (q.executeStep()) {
            int64_t id = q.getColumn(0).getInt64();
            add(text(q, 4), "note", "note", id, "created", text(q, 1) + " note " + std::to_string(id) + ": " + shorten(text(q, 2)),
                text(q, 3));
        }
    }
    // Invoices come from the billing capability when it is in this database; read only the columns
    // every version of it has, so the timeline does not depend on billing's schema.
    if (store.has_table("invoice")) {
        auto cols = store.columns_of("invoice");
        auto has = [&](const char* c) { return std::find(cols.begin(), cols.end(), c) != cols.end(); };
        if (has("id") && has("customer_id") && has("created_at")) {
            std::string sql = std::string("SELECT id, created_at, ") + (has("number") ? "number" : "NULL") + ", " +
                              (has("total_cents") ? "total_cents" : "NULL") + ", " + (has("status") ? "status" : "NULL") +
                              " FROM invoice WHERE customer_id = ? ORDER BY id";
            Statement q(store, sql);
            q.bind(1, customer_id);
            while (q.executeStep()) {
                int64_t id = q.getColumn(0).getInt64();
                std::string s = "invoice " + (text(q, 2).empty() ? std::to_string(id) : text(q, 2));
                if (!q.getColumn(3).isNull()) s += ": " + format_money(q.getColumn(3).getInt64());
                if (!text(q, 4).empty()) s += " (" + text(q, 4) + ")";
                add(text(q, 1), "invoice", "invoice", id, "created", s, "");
            }
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const TimelineEntry& a, const TimelineEntry& b) {
        if (a.at != b.at) return a.at < b.at;
        return a.priority < b.priority;
    });
    return out;
}

Json timeline_json(const TimelineEntry& e) {
    return object({{"at", e.at},
            {"kind", e.kind},
            {"entity", e.entity},
            {"entity_id", e.entity_id},
            {"event", e.event},
            {"summary", e.summary},
            {"actor", e.actor.empty() ? Json(nullptr) : Json(e.actor)}});
}

const std::vector<std::string>& timeline_fields() {
    static const std::vector<std::string> f{"at", "kind", "entity", "entity_id", "event", "summary", "actor"};
    return f;
}

}  // namespace pom
