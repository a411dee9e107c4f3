#pragma once
// Tags as work queues, customer status with its history, and the tag automation rules of config
// (`[tag_rules]`) that move a customer through the sales pipeline.
#include "audit.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace pom {

/// One customer carrying one tag now: an item of that tag's work queue.
struct TagEntry {
    int64_t customer_id = 0;
    std::string customer;  ///< name
    std::optional<std::string> ref;
    std::string status;
    std::string tag;
    std::string since;  ///< when the tag was added (UTC instant)
    int64_t age_days = 0;
    std::string added_by;
    std::string rule;  ///< the rule that added it, empty when added by hand
};

/// Adds tags by hand (or, with `rule`, as that rule); a tag already carried is left alone.
/// Returns the tags added. Audits the customer's change.
std::vector<std::string> add_customer_tags(Context& ctx, int64_t customer_id, const std::vector<std::string>& tags,
                                           const std::string& rule = "");
/// Removes tags. By hand (`rule` empty) a tag the customer does not carry is NotFound; a rule
/// skips it. Returns the tags removed. The rows stay, with removed_at, as the tag history.
std::vector<std::string> remove_customer_tags(Context& ctx, int64_t customer_id, const std::vector<std::string>& tags,
                                              const std::string& rule = "");

/// Checks a tag typed by someone: not empty, no surrounding spaces, at most 64 characters.
void check_tag(const std::string& tag, const std::string& what);

/// The queue of one tag, or of every tag: oldest first. `older_than` keeps those carried at least
/// that long.
std::vector<TagEntry> tag_queue(Context& ctx, const std::optional<std::string>& tag,
                                std::optional<std::chrono::seconds> older_than, int64_t limit = 0);

/// An entry of a customer's tag and status history.
struct TagHistoryEntry {
    std::string at;
    std::string change;  ///< tag_added, tag_removed, status
    std::string tag;     ///< for tag changes
    std::string from, to;  ///< for status changes (from empty: the first status)
    std::string actor;
    std::string rule;  ///< the automation rule, or empty when by hand
};
std::vector<TagHistoryEntry> tag_history(Store& store, int64_t customer_id);

/// Appends to the customer's status history (called wherever the status is written).
void record_status_change(Context& ctx, int64_t customer_id, const std::optional<std::string>& from,
                          const std::string& to, const std::string& rule = "");

/// What one tag rule did to one customer.
struct RuleApplied {
    std::string rule;
    std::string event;
    int64_t customer_id = 0;
    std::string customer;
    std::string subject;  ///< what caused it: "quote 3", "appointment 12"
    std::vector<std::string> added, removed;
    std::string status_from, status_to;  ///< empty when the status did not change
};

/// Runs the enabled rules of `event` (config `tag_rules`, in name order) for one customer. A rule
/// applies when the customer has every tag of its if_tags and one of its if_status; it changes only
/// what is not already so, and a rule that changes nothing leaves no trace. Each rule that changed
/// something is recorded in tag_rule_run and the audit log with its name.
std::vector<RuleApplied> apply_tag_rules(Context& ctx, const std::string& event, int64_t customer_id,
                                         const std::string& subject);

/// What `tag sweep` did (or, in a dry run, would do) to one customer.
struct SweepItem {
    int64_t customer_id = 0;
    std::string customer;
    std::string tag;
    std::string since;
    int64_t age_days = 0;
    std::vector<std::string> rules;
    std::vector<std::string> removed;
    std::string status_from, status_to;
    std::vector<int64_t> quotes_expired;
};

/// Cron: leads whose `tag` (Sales Followup) is older than `older_than` go through the
/// followup_stale rules (by default: tag removed, status inactive) and their open quotes expire.
/// Idempotent: a second run finds nothing to do.
std::vector<SweepItem> sweep_tags(Context& ctx, const std::string& tag, std::chrono::seconds older_than);

Json tag_entry_json(const TagEntry& e);
const std::vector<std::string>& tag_entry_fields();
Json tag_history_json(const TagHistoryEntry& e);
const std::vector<std::string>& tag_history_fields();
Json rule_applied_json(const RuleApplied& r);
const std::vector<std::string>& rule_applied_fields();
Json sweep_item_json(const SweepItem& s);
const std::vector<std::string>& sweep_item_fields();

}  // namespace pom
