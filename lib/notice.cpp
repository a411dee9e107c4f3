#include "notice.h"
#include "route.h"

#include "appointment.h"
#include "customer.h"
#include "error.h"
#include "record.h"


namespace pom {

namespace {

std::string fill_line(const std::string& text, const std::map<std::string, std::string>& values) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '{') {
            auto end = text.find('}', i);
            if (end != std::string::npos) {
                auto it = values.find(text.substr(i + 1, end - i - 1));
                if (it != values.end()) {
                    out += it->second;
                    i = end;
                    continue;
                }
            }
        }
        out += text[i];
    }
    return out;
}

/// Placeholders a sentence cannot do without: "Call us at ." says nothing, so a sentence holding
/// one of them while it is empty is left out.
bool holds_empty_needed(const std::string& sentence, const std::map<std::string, std::string>& values) {
    for (const char* key : {"company_phone"}) {
        auto it = values.find(key);
        if (it != values.end() && it->second.empty() && sentence.find(std::string("{") + key + "}") != std::string::npos)
            return true;
    }
    return false;
}

}  // namespace

std::string fill_template(const std::string& text, const std::map<std::string, std::string>& values) {
    std::string out;
    out.reserve(text.size());
    bool dropped = false;
    size_t start = 0;
    while (start <= text.size()) {
        size_t nl = text.find('\n', start);
        std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
        std::string kept;
        size_t s = 0;
        while (s < line.size()) {
            size_t stop = line.find(". ", s);
            size_t end = stop == std::string::npos ? line.size() : stop + 2;
            std::string sentence = line.substr(s, end - s);
            if (holds_empty_needed(sentence, values)) dropped = true;
            else kept += sentence;
            s = end;
        }
        bool line_gone = !line.empty() && kept.find_first_not_of(" \t") == std::string::npos;
        if (!line_gone) {
            while (kept != line && !kept.empty() && kept.back() == ' ') kept.pop_back();
            out += fill_line(kept, values);
        }
        if (nl == std::string::npos) break;
        if (!line_gone) out += '\n';
        start = nl + 1;
    }
    // A paragraph left out leaves its blank lines behind: keep one.
    if (dropped)
        for (size_t at; (at = out.find("\n\n\n")) != std::string::npos;) out.erase(at, 1);
    return out;
}

/// ", arriving between 09:30 and 10:30": the visit's projected arrival in its technician's route,
/// in a range `[routing] arrival_range_min` wide on quarter hours; empty when that is 0, the visit
/// has no technician or is under way, or the route cannot place it (no coordinates).
static std::string arrival_range_text(Context& ctx, const Appointment& a) {
    int range = ctx.config.routing.arrival_range_min;
    if (range <= 0 || !a.worker_id || a.status != "scheduled") return "";
    RouteRequest req;
    req.date = parse_date(a.date, "appointment date");
    req.workers = {*a.worker_id};
    req.keep_order = true;
    for (const auto& r : optimize_routes(ctx, req))
        for (const auto& s : r.stops) {
            if (s.appointment_id != a.id || s.kept == "no coordinates") continue;
            constexpr int64_t quarter = 15 * 60;
            // Centred on the arrival, on the nearest quarter hour.
            int64_t from = (s.arrival_s - range * 30 + quarter / 2) / quarter * quarter;
            if (from < 0) from = 0;
            return ", arriving between " + clock_text(from) + " and " + clock_text(from + range * 60);
        }
    return "";
}

std::optional<RenderedNotice> render_appointment_notice(Context& ctx, const std::string& kind, const Appointment& a,
                                                       const std::map<std::string, std::string>& extra) {
    auto t = ctx.config.notices.find(kind);
    if (t == ctx.config.notices.end() || !t->second.enabled) return std::nullopt;
    const NoticeTemplate& tpl = t->second;
    Customer c = get_customer(ctx.store, a.customer_id);
    // Only what a customer may see goes into the values: never office notes, gate codes or notes.
    std::map<std::string, std::string> values = {
        {"customer", c.name},
        {"first_name", greeting_name(c)},
        {"company", ctx.config.company.name},
        {"company_phone", ctx.config.company.phone},
        {"date", notice_date_text(a.date)},
        {"window", notice_window_text(a.window_start, a.window_end)},
        {"worker", a.worker_name.empty() ? "our technician" : a.worker_name.substr(0, a.worker_name.find(' '))},
        {"service_type", a.service_type},
        {"eta", ""},
        {"reason", a.status_reason},
        {"arrival", arrival_range_text(ctx, a)},
    };
    for (const auto& [k, v] : extra) values[k] = v;
    return RenderedNotice{tpl.channel, fill_template(tpl.subject, values), fill_template(tpl.body, values)};
}

std::string notice_date_text(const std::string& day) {
    Date d = parse_date(day, "appointment date");
    return date::format("%A, %B ", date::sys_days{d}) + std::to_string(static_cast<unsigned>(d.day()));
}

std::string notice_window_text(const std::string& start, const std::string& end) {
    return start.empty() ? "" : " between " + start + " and " + end;
}

std::vector<int64_t> queue_appointment_notice(Context& ctx, const std::string& kind, int64_t appointment_id,
                                              const std::map<std::string, std::string>& extra) {
    Appointment a = get_appointment(ctx.store, appointment_id);
    auto r = render_appointment_notice(ctx, kind, a, extra);
    if (!r) return {};
    // A reminder is once per visit and day: a visit moved to another day is reminded again.
    std::string variant = kind == "assigned"   ? (a.worker_id ? std::to_string(*a.worker_id) : "-") + "@" + a.date
                          : kind == "reminder" ? a.date
                                               : a.status_at;
    return queue_customer_notice(ctx, kind, r->channel, a.customer_id, a.id, r->subject, r->body,
                                 kind + ":appointment:" + std::to_string(a.id) + ":" + variant);
}

std::vector<Json> queue_reminders(Context& ctx, Date day) {
    std::vector<Json> out;
    AppointmentFilter f;
    f.from = f.to = day;
    f.status = "scheduled";
    for (const auto& a : list_appointments(ctx.store, f)) {
        auto ids = queue_appointment_notice(ctx, "reminder", a.id);
        if (ids.empty()) continue;
        out.push_back({{"appointment_id", a.id}, {"customer", a.customer_name}, {"date", a.date}, {"notices", ids}});
    }
    return out;
}

std::vector<int64_t> queue_customer_notice(Context& ctx, const std::string& kind, const std::string& channel, int64_t customer_id,
                                           std::optional<int64_t> appointment_id, const std::string& subject,
                                           const std::string& body, const std::string& key) {
    std::vector<int64_t> ids;
    Customer c = get_customer(ctx.store, customer_id);
    const auto& contacts = channel == "email" ? c.emails : c.phones;
    std::string now = format_instant(ctx.now());
    for (const auto& contact : contacts) {
        // A contact without opt-in gets no message, but the outbox says so (status skipped with
        // the reason), so the office can see why a customer heard nothing.
        std::string skip = contact.opt_in ? ""
                           : contact.value + (channel == "email" ? " has not opted in to email notices"
                                                                 : " has not opted in to text messages");
        auto& q = ctx.store.prepare(
            "INSERT INTO notice (kind, channel, recipient, customer_id, appointment_id, subject, body, next_attempt_at, "
            "dedupe_key, created_at, status, skip_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (dedupe_key) DO NOTHING");
        q.bind(1, kind);
        q.bind(2, channel);
        q.bind(3, contact.value);
        q.bind(4, c.id);
        if (appointment_id) q.bind(5, *appointment_id);
        else q.bind(5);
        if (subject.empty()) q.bind(6);
        else q.bind(6, subject);
        q.bind(7, body);
        q.bind(8, now);
        q.bind(9, key + ":" + contact.value);
        q.bind(10, now);
        q.bind(11, skip.empty() ? "pending" : "skipped");
        if (skip.empty()) q.bind(12);
        else q.bind(12, skip);
        if (q.exec() == 1) {
            int64_t id = ctx.store.last_insert_id();
            record_change(ctx, "notice", id, nullptr, row_json(ctx.store, "notice", id));
            if (skip.empty()) ids.push_back(id);
        }
    }
    return ids;
}

std::optional<int64_t> queue_notice_to(Context& ctx, const std::string& kind, const std::string& channel, int64_t customer_id,
                                       const std::string& recipient, const std::string& subject, const std::string& body,
                                       const std::string& key) {
    std::string now = format_instant(ctx.now());
    auto& q = ctx.store.prepare(
        "INSERT INTO notice (kind, channel, recipient, customer_id, subject, body, next_attempt_at, dedupe_key, created_at, status) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending') ON CONFLICT (dedupe_key) DO NOTHING");
    q.bind(1, kind);
    q.bind(2, channel);
    q.bind(3, recipient);
    q.bind(4, customer_id);
    q.bind(5, subject);
    q.bind(6, body);
    q.bind(7, now);
    q.bind(8, key + ":" + recipient);
    q.bind(9, now);
    if (q.exec() != 1) return std::nullopt;
    int64_t id = ctx.store.last_insert_id();
    record_change(ctx, "notice", id, nullptr, row_json(ctx.store, "notice", id));
    return id;
}

}  // namespace pom
