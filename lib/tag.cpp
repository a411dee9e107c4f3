#include "tag.h"
#include "json.h"

#include "customer.h"
#include "error.h"
#include "quote.h"
#include "record.h"

#include <algorithm>

namespace pom {

namespace {

Json opt(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

bool carries(Store& store, int64_t customer_id, const std::string& tag) {
    auto& q = store.prepare("SELECT 1 FROM customer_tag WHERE customer_id = ? AND tag = ? AND removed_at IS NULL");
    q.bind(1, customer_id);
    q.bind(2, tag);
    bool yes = q.executeStep();
    q.reset();
    return yes;
}

std::string current_status(Store& store, int64_t customer_id) {
    auto& q = store.prepare("SELECT status FROM customer WHERE id = ?");
    q.bind(1, customer_id);
    if (!q.executeStep()) fail(ErrorKind::NotFound, "no customer with id " + std::to_string(customer_id));
    std::string s = q.getColumn(0).getString();
    q.reset();
    return s;
}

/// Writes the tag rows without auditing; the caller audits the customer once.
std::vector<std::string> insert_tags(Context& ctx, int64_t id, const std::vector<std::string>& tags, const std::string& rule) {
    std::vector<std::string> added;
    auto& q = ctx.store.prepare(
        "INSERT INTO customer_tag (customer_id, tag, added_at, added_by, added_rule) SELECT ?1, ?2, ?3, ?4, ?5 "
        "WHERE NOT EXISTS (SELECT 1 FROM customer_tag WHERE customer_id = ?1 AND tag = ?2 AND removed_at IS NULL)");
    for (const auto& t : tags) {
        if (std::find(added.begin(), added.end(), t) != added.end()) continue;
        q.reset();
        q.bind(1, id);
        q.bind(2, t);
        q.bind(3, format_instant(ctx.now()));
        q.bind(4, ctx.actor);
        if (rule.empty()) q.bind(5);
        else q.bind(5, rule);
        if (q.exec() == 1) added.push_back(t);
    }
    return added;
}

std::vector<std::string> delete_tags(Context& ctx, int64_t id, const std::vector<std::string>& tags, const std::string& rule) {
    std::vector<std::string> removed;
    auto& q = ctx.store.prepare(
        "UPDATE customer_tag SET removed_at = ?3, removed_by = ?4, removed_rule = ?5 "
        "WHERE customer_id = ?1 AND tag = ?2 AND removed_at IS NULL");
    for (const auto& t : tags) {
        q.reset();
        q.bind(1, id);
        q.bind(2, t);
        q.bind(3, format_instant(ctx.now()));
        q.bind(4, ctx.actor);
        if (rule.empty()) q.bind(5);
        else q.bind(5, rule);
        if (q.exec() == 1) removed.push_back(t);
    }
    return removed;
}

void touch_customer(Context& ctx, int64_t id) {
    auto& q = ctx.store.prepare("UPDATE customer SET updated_at = ? WHERE id = ?");
    q.bind(1, format_instant(ctx.now()));
    q.bind(2, id);
    q.exec();
}

}  // namespace

void check_tag(const std::string& tag, const std::string& what) {
    bool ok = !tag.empty() && tag.size() <= 64 && tag.find_first_not_of(" \t") == 0 && tag.back() != ' ' && tag.back() != '\t' &&
              tag.find_first_of("\r\n;") == std::string::npos;
    if (!ok) fail(ErrorKind::BadInput, what + ": '" + tag + "' is not a valid tag (1-64 characters, no surrounding spaces, no ';')");
}

std::vector<std::string> add_customer_tags(Context& ctx, int64_t customer_id, const std::vector<std::string>& tags,
                                           const std::string& rule) {
    for (const auto& t : tags) check_tag(t, "TAG");
    Json before = customer_json(get_customer(ctx.store, customer_id));
    auto added = insert_tags(ctx, customer_id, tags, rule);
    if (!added.empty()) {
        touch_customer(ctx, customer_id);
        record_change(ctx, "customer", customer_id, before, customer_json(get_customer(ctx.store, customer_id)));
    }
    return added;
}

std::vector<std::string> remove_customer_tags(Context& ctx, int64_t customer_id, const std::vector<std::string>& tags,
                                              const std::string& rule) {
    Json before = customer_json(get_customer(ctx.store, customer_id));
    if (rule.empty())
        for (const auto& t : tags)
            if (!carries(ctx.store, customer_id, t))
                fail(ErrorKind::NotFound, "customer " + std::to_string(customer_id) + " does not carry the tag '" + t + "'");
    auto removed = delete_tags(ctx, customer_id, tags, rule);
    if (!removed.empty()) {
        touch_customer(ctx, customer_id);
        record_change(ctx, "customer", customer_id, before, customer_json(get_customer(ctx.store, customer_id)));
    }
    return removed;
}

std::vector<TagEntry> tag_queue(Context& ctx, const std::optional<std::string>& tag,
                                std::optional<std::chrono::seconds> older_than, int64_t limit) {
    std::string sql =
        "SELECT t.customer_id, c.name, c.ref, c.status, t.tag, t.added_at, t.added_by, t.added_rule, "
        "max(0, (unixepoch(:now) - unixepoch(t.added_at)) / 86400) "
        "FROM customer_tag t JOIN customer c ON c.id = t.customer_id WHERE t.removed_at IS NULL";
    if (tag) sql += " AND t.tag = :tag";
    if (older_than) sql += " AND t.added_at <= :cutoff";
    sql += " ORDER BY t.added_at, t.id";
    if (limit > 0) sql += " LIMIT " + std::to_string(limit);
    Statement q(ctx.store, sql);
    if (tag) q.bind(":tag", *tag);
    if (older_than) q.bind(":cutoff", format_instant(ctx.now() - *older_than));
    q.bind(":now", format_instant(ctx.now()));
    std::vector<TagEntry> out;
    while (q.executeStep()) {
        TagEntry e;
        e.customer_id = q.getColumn(0).getInt64();
        e.customer = q.getColumn(1).getString();
        if (!q.getColumn(2).isNull()) e.ref = q.getColumn(2).getString();
        e.status = q.getColumn(3).getString();
        e.tag = q.getColumn(4).getString();
        e.since = q.getColumn(5).getString();
        e.age_days = q.getColumn(8).getInt64();
        e.added_by = q.getColumn(6).getString();
        e.rule = q.getColumn(7).getString();
        out.push_back(std::move(e));
    }
    return out;
}

std::vector<TagHistoryEntry> tag_history(Store& store, int64_t customer_id) {
    // Tag rows give two events each (added, and removed when it was); status changes one. Ties in
    // time keep the order in which they were written.
    Statement q(store,
                        "SELECT at, change, tag, from_status, to_status, actor, rule FROM ("
                        " SELECT added_at AS at, 'tag_added' AS change, tag, NULL AS from_status, NULL AS to_status,"
                        "  added_by AS actor, added_rule AS rule, id * 4 AS seq FROM customer_tag WHERE customer_id = ?1"
                        " UNION ALL SELECT removed_at, 'tag_removed', tag, NULL, NULL, removed_by, removed_rule, id * 4 + 1"
                        "  FROM customer_tag WHERE customer_id = ?1 AND removed_at IS NOT NULL"
                        " UNION ALL SELECT at, 'status', NULL, from_status, to_status, actor, rule, id * 4 + 2"
                        "  FROM customer_status_change WHERE customer_id = ?1"
                        ") AS h ORDER BY at, CASE WHEN change = 'status' AND from_status IS NULL THEN 0 WHEN change = 'status' THEN 2 ELSE 1 END, seq");
    q.bind(1, customer_id);
    std::vector<TagHistoryEntry> out;
    while (q.executeStep()) {
        TagHistoryEntry e;
        e.at = q.getColumn(0).getString();
        e.change = q.getColumn(1).getString();
        e.tag = q.getColumn(2).getString();
        e.from = q.getColumn(3).getString();
        e.to = q.getColumn(4).getString();
        e.actor = q.getColumn(5).getString();
        e.rule = q.getColumn(6).getString();
        out.push_back(std::move(e));
    }
    return out;
}

void record_status_change(Context& ctx, int64_t customer_id, const std::optional<std::string>& from, const std::string& to,
                          const std::string& rule) {
    if (from && *from == to) return;
    auto& q = ctx.store.prepare(
        "INSERT INTO customer_status_change (customer_id, from_status, to_status, at, actor, rule) VALUES (?, ?, ?, ?, ?, ?)");
    q.bind(1, customer_id);
    if (from) q.bind(2, *from);
    else q.bind(2);
    q.bind(3, to);
    q.bind(4, format_instant(ctx.now()));
    q.bind(5, ctx.actor);
    if (rule.empty()) q.bind(6);
    else q.bind(6, rule);
    q.exec();
}

std::vector<RuleApplied> apply_tag_rules(Context& ctx, const std::string& event, int64_t customer_id, const std::string& subject) {
    std::vector<RuleApplied> out;
    for (const auto& [name, rule] : ctx.config.tag_rules) {
        if (!rule.enabled || rule.on != event) continue;
        std::string status = current_status(ctx.store, customer_id);
        if (!rule.if_status.empty() && std::find(rule.if_status.begin(), rule.if_status.end(), status) == rule.if_status.end())
            continue;
        if (!std::all_of(rule.if_tags.begin(), rule.if_tags.end(), [&](const std::string& t) { return carries(ctx.store, customer_id, t); }))
            continue;
        Json before = customer_json(get_customer(ctx.store, customer_id));
        RuleApplied r;
        r.rule = name;
        r.event = event;
        r.customer_id = customer_id;
        r.customer = before["name"].get<std::string>();
        r.subject = subject;
        r.removed = delete_tags(ctx, customer_id, rule.remove, name);
        r.added = insert_tags(ctx, customer_id, rule.add, name);
        if (!rule.set_status.empty() && rule.set_status != status) {
            auto& q = ctx.store.prepare("UPDATE customer SET status = ? WHERE id = ?");
            q.bind(1, rule.set_status);
            q.bind(2, customer_id);
            q.exec();
            record_status_change(ctx, customer_id, status, rule.set_status, name);
            r.status_from = status;
            r.status_to = rule.set_status;
        }
        if (r.added.empty() && r.removed.empty() && r.status_to.empty()) continue;
        touch_customer(ctx, customer_id);
        // A new customer's creation entry, written after its rules ran, already shows their result.
        if (event != "customer_created")
            record_change(ctx, "customer", customer_id, before, customer_json(get_customer(ctx.store, customer_id)));
        // tag_rule_run is itself the rules' audit trail (append-only): which rule, on what, did what.
        auto& q = ctx.store.prepare(
            "INSERT INTO tag_rule_run (rule, event, customer_id, subject, added, removed, status_from, status_to, at, actor) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        q.bind(1, name);
        q.bind(2, event);
        q.bind(3, customer_id);
        if (subject.empty()) q.bind(4);
        else q.bind(4, subject);
        q.bind(5, Json(r.added).dump());
        q.bind(6, Json(r.removed).dump());
        if (r.status_from.empty()) q.bind(7);
        else q.bind(7, r.status_from);
        if (r.status_to.empty()) q.bind(8);
        else q.bind(8, r.status_to);
        q.bind(9, format_instant(ctx.now()));
        q.bind(10, ctx.actor);
        q.exec();
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<SweepItem> sweep_tags(Context& ctx, const std::string& tag, std::chrono::seconds older_than) {
    check_tag(tag, "--tag");
    if (older_than.count() <= 0) fail(ErrorKind::BadInput, "--older-than: must be more than zero");
    std::vector<SweepItem> out;
    for (const auto& e : tag_queue(ctx, tag, older_than)) {
        if (e.status != "lead") continue;
        SweepItem s;
        s.customer_id = e.customer_id;
        s.customer = e.customer;
        s.tag = e.tag;
        s.since = e.since;
        s.age_days = e.age_days;
        for (const auto& r : apply_tag_rules(ctx, "followup_stale", e.customer_id, tag + " since " + e.since)) {
            s.rules.push_back(r.rule);
            s.removed.insert(s.removed.end(), r.removed.begin(), r.removed.end());
            if (!r.status_to.empty()) {
                if (s.status_from.empty()) s.status_from = r.status_from;
                s.status_to = r.status_to;
            }
        }
        s.quotes_expired = expire_open_quotes(ctx, e.customer_id);
        if (s.rules.empty() && s.quotes_expired.empty()) continue;
        out.push_back(std::move(s));
    }
    return out;
}

Json tag_entry_json(const TagEntry& e) {
    return object({{"customer_id", e.customer_id}, {"customer", e.customer}, {"ref", e.ref ? Json(*e.ref) : Json(nullptr)},
            {"status", e.status},           {"tag", e.tag},           {"since", e.since},
            {"age_days", e.age_days},       {"added_by", e.added_by}, {"rule", opt(e.rule)}});
}

const std::vector<std::string>& tag_entry_fields() {
    static const std::vector<std::string> f{"customer_id", "customer", "ref", "status", "tag", "since", "age_days", "added_by", "rule"};
    return f;
}

Json tag_history_json(const TagHistoryEntry& e) {
    return object({{"at", e.at},     {"change", e.change}, {"tag", opt(e.tag)},   {"from", opt(e.from)},
            {"to", opt(e.to)}, {"actor", e.actor},   {"rule", opt(e.rule)}});
}

const std::vector<std::string>& tag_history_fields() {
    static const std::vector<std::string> f{"at", "change", "tag", "from", "to", "actor", "rule"};
    return f;
}

Json rule_applied_json(const RuleApplied& r) {
    return object({{"rule", r.rule},
            {"event", r.event},
            {"customer_id", r.customer_id},
            {"customer", r.customer},
            {"subject", opt(r.subject)},
            {"added", r.added},
            {"removed", r.removed},
            {"status_from", opt(r.status_from)},
            {"status_to", opt(r.status_to)}});
}

const std::vector<std::string>& rule_applied_fields() {
    static const std::vector<std::string> f{"rule", "event", "customer_id", "customer", "subject", "added", "removed", "status_from", "status_to"};
    return f;
}

Json sweep_item_json(const SweepItem& s) {
    return object({{"customer_id", s.customer_id},
            {"customer", s.customer},
            {"tag", s.tag},
            {"since", s.since},
            {"age_days", s.age_days},
            {"rules", s.rules},
            {"removed", s.removed},
            {"status_from", opt(s.status_from)},
            {"status_to", opt(s.status_to)},
            {"quotes_expired", s.quotes_expired}});
}

const std::vector<std::string>& sweep_item_fields() {
    static const std::vector<std::string> f{"customer_id", "customer", "tag", "since", "age_days", "rules",
                                            "removed", "status_from", "status_to", "quotes_expired"};
    return f;
}

}  // namespace pom
