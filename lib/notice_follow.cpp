#include "notice_follow.h"

#include "appointment.h"
#include "error.h"
#include "notice.h"
#include "notify.h"
#include "record.h"

#include <algorithm>
#include <map>

namespace pom {

namespace {

/// One notice of a visit as following needs it: the dedupe key holds what the notice was
/// queued for (a reminder's day, a move's old and new day), so no column is needed for it.
struct Waiting {
    int64_t id = 0;
    std::string kind, status, skip_reason, dedupe_key, recipient;
};

Statement notices_statement(Store& store, int64_t appointment_id, const std::string& statuses) {
    Statement q(store, "SELECT id, kind, status, skip_reason, dedupe_key, recipient FROM notice WHERE appointment_id = ? AND status IN (" +
                           statuses + ") ORDER BY id");
    q.bind(1, appointment_id);
    return q;
}

std::vector<Waiting> read_waiting(Statement& q) {
    std::vector<Waiting> out;
    while (q.executeStep())
        out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                       q.getColumn(3).isNull() ? "" : q.getColumn(3).getString(), q.getColumn(4).getString(),
                       q.getColumn(5).getString()});
    return out;
}

std::vector<Waiting> notices_of(Store& store, int64_t appointment_id, const std::string& statuses) {
    Statement q = notices_statement(store, appointment_id, statuses);
    return read_waiting(q);
}

/// What the notice was queued for: the part of its key between "KIND:appointment:ID:" and
/// ":RECIPIENT" (a reminder's day, "WORKER@DAY" of an assigned notice, a move's days).
std::string variant_of(const Waiting& w, int64_t appointment_id) {
    std::string head = w.kind + ":appointment:" + std::to_string(appointment_id) + ":";
    std::string tail = ":" + w.recipient;
    const std::string& k = w.dedupe_key;
    if (k.size() < head.size() + tail.size() || k.compare(0, head.size(), head) != 0 ||
        k.compare(k.size() - tail.size(), tail.size(), tail) != 0)
        return "";
    return k.substr(head.size(), k.size() - head.size() - tail.size());
}

std::string window_key(const std::string& start, const std::string& end) { return start.empty() ? "-" : start + "-" + end; }

/// A move's key variant: "NEWDAY@NEWWINDOW from OLDDAY@OLDWINDOW" (a window "-" when none).
struct MoveKey {
    std::string new_date, new_window, old_date, old_window;
};
std::string move_variant(const MoveKey& m) { return m.new_date + "@" + m.new_window + " from " + m.old_date + "@" + m.old_window; }
std::optional<MoveKey> parse_move(const std::string& v) {
    auto from = v.find(" from ");
    if (from == std::string::npos) return std::nullopt;
    std::string to = v.substr(0, from), old = v.substr(from + 6);
    auto a = to.find('@'), b = old.find('@');
    if (a == std::string::npos || b == std::string::npos) return std::nullopt;
    return MoveKey{to.substr(0, a), to.substr(a + 1), old.substr(0, b), old.substr(b + 1)};
}
std::pair<std::string, std::string> split_window(const std::string& w) {
    if (w.empty() || w == "-") return {"", ""};
    auto dash = w.find('-');
    return {w.substr(0, dash), dash == std::string::npos ? "" : w.substr(dash + 1)};
}

const char* k_no_technician = "visit has no technician";
const char* k_moved_to = "visit moved to ";
const char* k_moved_again = "visit moved again";
const char* k_over = "visit is over (";

/// Withdrawals that can pass: the visit gets a technician again, comes back to the day, or a
/// visit whose day passed is rolled over or moved to a day to come.
bool reversible(const std::string& reason) {
    return reason == k_no_technician || reason.rfind(k_moved_to, 0) == 0 || reason == k_moved_again || reason.rfind(k_over, 0) == 0;
}

std::string withdraw_reason(Context& ctx, const std::string& kind, const std::string& variant, const Appointment& a) {
    if (a.status == "cancelled") return "visit cancelled";
    if (a.status == "completed") return "visit completed";
    // The skipped notice tells of the skip itself: it applies to its skipped visit, after its day too.
    if (kind == "skipped") return a.status == "skipped" ? "" : "visit no longer skipped";
    if (a.status == "skipped") return "visit skipped";
    if (parse_date(a.date, "appointment date") < ctx.today()) return k_over + a.date + " has passed)";
    // Announcing a visit the technician has already started says nothing the customer can use.
    if ((kind == "assigned" || kind == "reminder" || kind == "moved") && a.status == "in_progress") return "visit under way";
    if (kind == "assigned" && !a.worker_id) return k_no_technician;
    if (kind == "reminder" && !variant.empty() && variant != a.date) return k_moved_to + a.date;
    if (kind == "on_my_way" && a.status != "en_route")
        return a.status == "scheduled" ? "technician no longer on the way" : "technician already arrived";
    if (kind == "moved") {
        auto m = parse_move(variant);
        if (m && (m->new_date != a.date || m->new_window != window_key(a.window_start, a.window_end))) return k_moved_again;
    }
    return "";
}

/// The placeholders a kind of notice takes from beyond the visit row.
std::map<std::string, std::string> extra_for(Context& ctx, const std::string& kind, const std::string& variant, const Appointment& a) {
    std::map<std::string, std::string> extra;
    if (kind == "on_my_way" && !a.eta.empty())
        extra["eta"] = ", arriving around " + date::format("%H:%M", ctx.tz.to_local(parse_stored_instant(a.eta)));
    if (kind == "moved") {
        if (auto m = parse_move(variant)) {
            auto [s, e] = split_window(m->old_window);
            extra["old_date"] = notice_date_text(m->old_date);
            extra["old_window"] = notice_window_text(s, e);
        }
    }
    return extra;
}

/// Kinds whose text follows the visit; any other kind (a template pom does not know the
/// placeholders of) keeps the text it was queued with.
bool rerenders(const std::string& kind) {
    return kind == "assigned" || kind == "reminder" || kind == "on_my_way" || kind == "skipped" || kind == "moved";
}

}  // namespace

std::string notice_send_problem(Context& ctx, const Notice& n) {
    if (!n.appointment_id) return "";
    Waiting w{n.id, n.kind, n.status, n.skip_reason, "", n.recipient};
    {
        Statement q(ctx.store, "SELECT dedupe_key FROM notice WHERE id = ?");
        q.bind(1, n.id);
        if (!q.executeStep()) return "";
        w.dedupe_key = q.getColumn(0).getString();
    }
    Appointment a = get_appointment(ctx.store, *n.appointment_id);
    return withdraw_reason(ctx, n.kind, variant_of(w, a.id), a);
}

Statement waiting_notices_statement(Store& store, int64_t appointment_id) {
    return notices_statement(store, appointment_id, "'pending', 'skipped'");
}

std::vector<int64_t> follow_visit_notices(Context& ctx, int64_t appointment_id) {
    Statement waiting = waiting_notices_statement(ctx.store, appointment_id);
    return follow_visit_notices(ctx, appointment_id, waiting);
}

std::vector<int64_t> follow_visit_notices(Context& ctx, int64_t appointment_id, Statement& waiting) {
    std::vector<int64_t> changed;
    auto rows = read_waiting(waiting);
    if (rows.empty()) return changed;
    Appointment a = get_appointment(ctx.store, appointment_id);
    for (const auto& w : rows) {
        bool pending = w.status == "pending";
        if (!pending && !reversible(w.skip_reason)) continue;  // not opted in, or withdrawn for good
        std::string variant = variant_of(w, appointment_id);
        std::string why = withdraw_reason(ctx, w.kind, variant, a);
        Columns cols;
        if (!why.empty()) {
            if (!pending) continue;  // still withdrawn (its first reason stays)
            cols = {{"status", "skipped"}, {"skip_reason", why}};
        } else {
            if (rerenders(w.kind)) {
                if (auto r = render_appointment_notice(ctx, w.kind, a, extra_for(ctx, w.kind, variant, a)); r) {
                    cols.emplace_back("subject", r->subject.empty() ? Value(nullptr) : Value(r->subject));
                    cols.emplace_back("body", r->body);
                }
            }
            // An assigned notice is keyed by technician and day: re-rendered for others, it takes
            // their key, so that the first technician's own notice can be queued again later.
            if (w.kind == "assigned" && !cols.empty()) {
                std::string key = "assigned:appointment:" + std::to_string(a.id) + ":" + std::to_string(a.worker_id.value_or(0)) + "@" +
                                  a.date + ":" + w.recipient;
                Statement taken(ctx.store, "SELECT count(*) FROM notice WHERE dedupe_key = ?");
                taken.bind(1, key);
                if (key != w.dedupe_key && taken.executeStep() && taken.getColumn(0).getInt64() == 0) cols.emplace_back("dedupe_key", key);
            }
            if (!pending) {
                if (!rerenders(w.kind)) continue;
                cols.emplace_back("status", "pending");
                cols.emplace_back("skip_reason", nullptr);
                cols.emplace_back("next_attempt_at", format_instant(ctx.now()));
            }
            if (cols.empty()) continue;
        }
        if (update_record(ctx, "notice", w.id, cols, false)) changed.push_back(w.id);
    }
    return changed;
}

void notify_visit_assigned(Context& ctx, int64_t appointment_id) {
    follow_visit_notices(ctx, appointment_id);
    Appointment a = get_appointment(ctx.store, appointment_id);
    if (!a.worker_id || a.status != "scheduled") return;
    // A pending assigned notice now names the new technician: it is the one the customer gets.
    for (const auto& w : notices_of(ctx.store, appointment_id, "'pending'"))
        if (w.kind == "assigned") return;
    queue_appointment_notice(ctx, "assigned", appointment_id);
}

void notify_visit_moved(Context& ctx, int64_t appointment_id, const std::string& old_date, const std::string& old_window_start,
                        const std::string& old_window_end) {
    MoveKey move{"", "", old_date, window_key(old_window_start, old_window_end)};
    // A move whose notice is still waiting was never heard of: the customer still knows its old day.
    for (const auto& w : notices_of(ctx.store, appointment_id, "'pending'")) {
        if (w.kind != "moved") continue;
        if (auto m = parse_move(variant_of(w, appointment_id))) {
            move.old_date = m->old_date;
            move.old_window = m->old_window;
            break;
        }
    }
    follow_visit_notices(ctx, appointment_id);
    Appointment a = get_appointment(ctx.store, appointment_id);
    move.new_date = a.date;
    move.new_window = window_key(a.window_start, a.window_end);
    if (move.new_date == move.old_date && move.new_window == move.old_window) return;
    if (a.status != "scheduled" && a.status != "paused" && a.status != "en_route") return;
    {
        Statement told(ctx.store, "SELECT count(*) FROM notice WHERE appointment_id = ? AND kind IN ('assigned', 'reminder', 'moved') "
                                  "AND status IN ('sent', 'sending')");
        told.bind(1, appointment_id);
        if (!told.executeStep() || told.getColumn(0).getInt64() == 0) return;
    }
    auto [s, e] = split_window(move.old_window);
    auto r = render_appointment_notice(ctx, "moved", a, {{"old_date", notice_date_text(move.old_date)}, {"old_window", notice_window_text(s, e)}});
    if (!r) return;
    std::string key = "moved:appointment:" + std::to_string(a.id) + ":" + move_variant(move);
    queue_customer_notice(ctx, "moved", r->channel, a.customer_id, a.id, r->subject, r->body, key);
}

void release_visit_notices(Context& ctx, int64_t appointment_id, const std::string& reason) {
    for (const auto& w : notices_of(ctx.store, appointment_id, "'pending', 'sending', 'sent', 'failed', 'skipped'")) {
        if (w.status == "pending") update_record(ctx, "notice", w.id, {{"status", "skipped"}, {"skip_reason", reason}}, false);
        update_record(ctx, "notice", w.id, {{"appointment_id", nullptr}}, false);
    }
}

std::string rule_in_words(const std::string& rrule, Date start) {
    std::map<std::string, std::string> part;
    for (size_t at = 0; at < rrule.size();) {
        size_t end = rrule.find(';', at);
        if (end == std::string::npos) end = rrule.size();
        std::string p = rrule.substr(at, end - at);
        auto eq = p.find('=');
        if (eq != std::string::npos) part[p.substr(0, eq)] = p.substr(eq + 1);
        at = end + 1;
    }
    static const std::map<std::string, std::string> days = {{"MO", "Monday"},   {"TU", "Tuesday"}, {"WE", "Wednesday"},
                                                            {"TH", "Thursday"}, {"FR", "Friday"},  {"SA", "Saturday"},
                                                            {"SU", "Sunday"}};
    const std::string general = "on a regular schedule";
    for (const auto& [k, v] : part)
        if (k != "FREQ" && k != "INTERVAL" && k != "BYDAY" && k != "BYMONTHDAY" && k != "UNTIL" && k != "COUNT" && k != "WKST")
            return general;
    int interval = part.count("INTERVAL") ? std::atoi(part["INTERVAL"].c_str()) : 1;
    if (interval < 1) interval = 1;
    auto every = [&](const std::string& unit) {
        return interval == 1 ? "every " + unit : "every " + std::to_string(interval) + " " + unit + "s";
    };
    const std::string& freq = part["FREQ"];
    if (freq == "DAILY" && !part.count("BYDAY") && !part.count("BYMONTHDAY")) return every("day");
    if (freq == "WEEKLY" && !part.count("BYMONTHDAY")) {
        std::vector<std::string> names;
        std::string byday = part.count("BYDAY") ? part["BYDAY"] : "";
        if (byday.empty()) {
            static const char* codes[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
            byday = codes[date::weekday{date::sys_days{start}}.c_encoding()];
        }
        for (size_t at = 0; at < byday.size();) {
            size_t end = byday.find(',', at);
            if (end == std::string::npos) end = byday.size();
            auto it = days.find(byday.substr(at, end - at));
            if (it == days.end()) return general;
            names.push_back(it->second);
            at = end + 1;
        }
        std::string list;
        for (size_t i = 0; i < names.size(); ++i)
            list += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
        return interval == 1 ? "every " + list : every("week") + " on " + list;
    }
    if (freq == "MONTHLY" && part.count("BYMONTHDAY") && !part.count("BYDAY")) {
        int d = std::atoi(part["BYMONTHDAY"].c_str());
        if (d < 1 || d > 31 || part["BYMONTHDAY"].find(',') != std::string::npos) return general;
        return every("month") + " on day " + std::to_string(d);
    }
    return general;
}

std::vector<int64_t> notify_series_assigned(Context& ctx, int64_t series_id, Date from) {
    Series s = get_series(ctx.store, series_id);
    if (!s.worker_id) return {};
    AppointmentFilter f;
    f.series = series_id;
    f.from = from;
    f.status = "scheduled";
    f.limit = 1;
    auto first = list_appointments(ctx.store, f);
    if (first.empty()) return {};
    const Appointment& a = first.front();
    auto r = render_appointment_notice(ctx, "series", a, {{"rule", rule_in_words(s.rrule, parse_date(s.dtstart, "series start"))}});
    if (!r) return {};
    // About the whole series, not its first visit: a change to that one visit does not withdraw it.
    return queue_customer_notice(ctx, "series", r->channel, s.customer_id, std::nullopt, r->subject, r->body,
                                 "series:" + std::to_string(series_id) + ":" + std::to_string(*s.worker_id));
}

}  // namespace pom
