#include "notify.h"
#include "json.h"

#include "error.h"
#include "notice_follow.h"
#include "record.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace pom {

namespace {

const char* k_select =
    "SELECT n.id, n.kind, n.channel, n.recipient, n.customer_id, c.name, n.appointment_id, n.subject, n.body, n.status, "
    "n.attempts, n.next_attempt_at, n.last_error, n.skip_reason, n.created_at, n.claimed_at, n.claimed_by, n.sent_at "
    "FROM notice n LEFT JOIN customer c ON c.id = n.customer_id";

std::string text(const Column& c) { return c.isNull() ? std::string() : c.getString(); }
std::optional<int64_t> opt_int(const Column& c) {
    if (c.isNull()) return std::nullopt;
    return c.getInt64();
}

Notice read_row(Statement& q) {
    Notice n;
    n.id = q.getColumn(0).getInt64();
    n.kind = text(q.getColumn(1));
    n.channel = text(q.getColumn(2));
    n.recipient = text(q.getColumn(3));
    n.customer_id = opt_int(q.getColumn(4));
    n.customer_name = text(q.getColumn(5));
    n.appointment_id = opt_int(q.getColumn(6));
    n.subject = text(q.getColumn(7));
    n.body = text(q.getColumn(8));
    n.status = text(q.getColumn(9));
    n.attempts = q.getColumn(10).getInt();
    n.next_attempt_at = text(q.getColumn(11));
    n.last_error = text(q.getColumn(12));
    n.skip_reason = text(q.getColumn(13));
    n.created_at = text(q.getColumn(14));
    n.claimed_at = text(q.getColumn(15));
    n.claimed_by = text(q.getColumn(16));
    n.sent_at = text(q.getColumn(17));
    return n;
}

Json opt(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }
Json opt(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }

/// A header value on one line: a CR or LF in a name or subject must not start a new header.
std::string header_value(std::string s) {
    for (auto& c : s)
        if (c == '\r' || c == '\n') c = ' ';
    return s;
}

/// RFC 2047 encoded-word for a header with non-ASCII text (names, "Café" in a subject).
std::string encode_header(const std::string& s) {
    if (std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) return s;
    static const char* b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out = "=?UTF-8?B?";
    size_t i = 0;
    for (; i + 2 < s.size(); i += 3) {
        uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(s[i])) << 16 |
                     static_cast<uint32_t>(static_cast<unsigned char>(s[i + 1])) << 8 | static_cast<unsigned char>(s[i + 2]);
        out += {b64[v >> 18 & 63], b64[v >> 12 & 63], b64[v >> 6 & 63], b64[v & 63]};
    }
    if (i < s.size()) {
        uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(s[i])) << 16;
        if (i + 1 < s.size()) v |= static_cast<uint32_t>(static_cast<unsigned char>(s[i + 1])) << 8;
        out += {b64[v >> 18 & 63], b64[v >> 12 & 63], i + 1 < s.size() ? b64[v >> 6 & 63] : '=', '='};
    }
    return out + "?=";
}

const std::string& command_for(const Config& config, const std::string& channel) {
    return channel == "email" ? config.notify.email_command : config.notify.sms_command;
}

/// Why the recipient may not be sent to now, or empty when it may.
std::string opt_in_problem(Store& store, const Notice& n) {
    if (!n.customer_id) return "";
    auto& q = store.prepare("SELECT opt_in FROM customer_contact WHERE customer_id = ? AND kind = ? AND value = ?");
    q.bind(1, *n.customer_id);
    q.bind(2, n.channel == "email" ? "email" : "phone");
    q.bind(3, n.recipient);
    std::string problem;
    if (!q.executeStep()) problem = n.recipient + " is no longer a contact of the customer";
    else if (q.getColumn(0).getInt() == 0)
        problem = n.recipient + (n.channel == "email" ? " has not opted in to email notices" : " has not opted in to text messages");
    q.reset();
    return problem;
}

std::string who_am_i() {
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "localhost");
    return "pid " + std::to_string(getpid()) + "@" + host;
}

}  // namespace

std::vector<Notice> list_notices(Store& store, const NoticeFilter& f) {
    std::string sql = std::string(k_select) + " WHERE 1";
    if (f.status) sql += " AND n.status = :status";
    if (f.customer) sql += " AND n.customer_id = :customer";
    if (f.appointment) sql += " AND n.appointment_id = :appointment";
    sql += " ORDER BY n.id";
    if (f.limit > 0) sql += " LIMIT " + std::to_string(f.limit);
    Statement q(store, sql);
    if (f.status) q.bind(":status", *f.status);
    if (f.customer) q.bind(":customer", *f.customer);
    if (f.appointment) q.bind(":appointment", *f.appointment);
    std::vector<Notice> out;
    while (q.executeStep()) out.push_back(read_row(q));
    return out;
}

Notice get_notice(Store& store, int64_t id) {
    auto& q = store.prepare(std::string(k_select) + " WHERE n.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(ErrorKind::NotFound, "no notice with id " + std::to_string(id));
    Notice n = read_row(q);
    q.reset();
    return n;
}

std::string notice_message(const Config& config, const Notice& n) {
    if (n.channel != "email") return n.body;
    std::string m = "To: " + header_value(n.recipient) + "\n";
    if (!config.company.email.empty())
        m += "From: " + encode_header(header_value(config.company.name)) + " <" + header_value(config.company.email) + ">\n";
    m += "Subject: " + encode_header(header_value(n.subject)) + "\n";
    // An invoice goes out as the page `bill show --format html` prints; everything else is text.
    bool html = n.body.rfind("<!DOCTYPE html>", 0) == 0;
    m += std::string("MIME-Version: 1.0\nContent-Type: ") + (html ? "text/html" : "text/plain") +
         "; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n";
    m += n.body;
    if (m.back() != '\n') m += '\n';
    return m;
}

Delivery run_command(const std::string& command, const std::string& input, const std::map<std::string, std::string>& env,
                     std::chrono::seconds timeout) {
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0) return {false, std::string("cannot make a pipe: ") + std::strerror(errno)};
    if (pipe2(out, O_CLOEXEC) != 0) {
        close(in[0]);
        close(in[1]);
        return {false, std::string("cannot make a pipe: ") + std::strerror(errno)};
    }
    pid_t pid = fork();
    if (pid < 0) {
        for (int fd : {in[0], in[1], out[0], out[1]}) close(fd);
        return {false, std::string("cannot start the command: ") + std::strerror(errno)};
    }
    if (pid == 0) {
        // The child: its own process group, so a timeout kills whatever the shell started too.
        setpgid(0, 0);
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(out[1], 2);
        for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
        execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    fcntl(in[1], F_SETFL, O_NONBLOCK);
    // A command that exits without reading its input must not kill pom with SIGPIPE.
    struct sigaction ignore{}, previous{};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, &previous);
    std::string output;
    size_t written = 0;
    int to_child = in[1];
    if (input.empty()) {
        close(to_child);
        to_child = -1;
    }
    auto deadline = std::chrono::steady_clock::now() + timeout;
    bool timed_out = false, open = true;
    while (open) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        pollfd fds[2] = {{out[0], POLLIN, 0}, {to_child, POLLOUT, 0}};
        int r = poll(fds, to_child >= 0 ? 2 : 1, static_cast<int>(std::min<long long>(left, 1000)));
        if (r < 0 && errno != EINTR) break;
        if (r <= 0) continue;
        if (to_child >= 0 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t n = write(to_child, input.data() + written, input.size() - written);
            if (n > 0) written += static_cast<size_t>(n);
            if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) {
                close(to_child);
                to_child = -1;
            }
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            char buf[4096];
            ssize_t n = read(out[0], buf, sizeof buf);
            if (n > 0 && output.size() < 4096) output.append(buf, static_cast<size_t>(n));
            if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) open = false;
        }
    }
    if (to_child >= 0) close(to_child);
    close(out[0]);
    if (timed_out) kill(-pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    sigaction(SIGPIPE, &previous, nullptr);
    if (timed_out) return {false, "timed out after " + std::to_string(timeout.count()) + "s (notify.timeout)"};
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {true, ""};
    std::string why = WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                        : "killed by signal " + std::to_string(WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    auto first = output.find_first_not_of(" \t\r\n");
    if (first != std::string::npos) {
        std::string line = output.substr(first, output.find('\n', first) - first);
        if (line.size() > 200) line = line.substr(0, 200) + "…";
        why += ": " + line;
    }
    return {false, why};
}

Delivery deliver_by_command(const Config& config, const Notice& n, const std::string& command, const std::string& message) {
    std::map<std::string, std::string> env = {{"POM_NOTICE_ID", std::to_string(n.id)},
                                              {"POM_NOTICE_KEY", notice_key(n)},
                                              {"POM_NOTICE_KIND", n.kind},
                                              {"POM_NOTICE_CHANNEL", n.channel},
                                              {"POM_NOTICE_RECIPIENT", n.recipient},
                                              {"POM_NOTICE_SUBJECT", n.subject}};
    return run_command(command, message, env, std::chrono::seconds(config.notify.timeout_s));
}

std::vector<Notice> due_notices(Context& ctx, int64_t limit) {
    std::vector<std::string> channels;
    for (const char* c : {"email", "sms"})
        if (!command_for(ctx.config, c).empty()) channels.push_back(c);
    std::vector<Notice> out;
    if (channels.empty()) return out;
    std::string sql = std::string(k_select) + " WHERE n.status = 'pending' AND n.next_attempt_at <= :now AND n.channel IN (";
    for (size_t i = 0; i < channels.size(); ++i) sql += (i ? ", '" : "'") + channels[i] + "'";
    sql += ") ORDER BY n.next_attempt_at, n.id";
    if (limit > 0) sql += " LIMIT " + std::to_string(limit);
    Statement q(ctx.store, sql);
    q.bind(":now", format_instant(ctx.now()));
    while (q.executeStep()) out.push_back(read_row(q));
    return out;
}

std::string notice_key(const Notice& n) {
    std::string key = "pom-notice-" + std::to_string(n.id) + "-";
    for (char c : n.created_at)
        if (c != '-' && c != ':') key += c;
    return key;
}

std::vector<SendOutcome> send_notices(Context& ctx, int64_t limit, const Deliver& deliver) {
    // A delivery cannot be taken back: it must never run inside a transaction that could still
    // roll back the claim that records it (a batch refuses notify send for this reason).
    if (ctx.store.in_transaction()) fail(ErrorKind::Internal, "notices are delivered only outside a transaction");
    std::vector<SendOutcome> out;
    const std::string me = who_am_i();
    // A claim older than this belongs to a sender that died: its command may have run, so the
    // notice is not sent again without a person deciding to. One notice is claimed at a time, just
    // before its delivery, so a live sender's claim is never older than one delivery.
    const auto stale = std::chrono::seconds(std::max(600, 2 * ctx.config.notify.timeout_s + 60));
    int64_t taken = 0;
    std::optional<Notice> current;  // claimed and delivered, its outcome not yet recorded
    Delivery d;
    for (bool first = true;; first = false) {
        // The outcome of one delivery and the claim of the next share a transaction.
        WriteTx tx(ctx.store);
        if (first) {
            std::vector<Notice> abandoned;
            {
                Statement q(ctx.store, std::string(k_select) + " WHERE n.status = 'sending' AND n.claimed_at < ? ORDER BY n.id");
                q.bind(1, format_instant(ctx.now() - stale));
                while (q.executeStep()) abandoned.push_back(read_row(q));
            }
            for (const auto& n : abandoned) {
                std::string why = "the sender (" + n.claimed_by + ") stopped while sending at " + n.claimed_at +
                                  "; it may have gone out, so it is not sent again unless retried: pom notify retry " + std::to_string(n.id);
                update_record(ctx, "notice", n.id, {{"status", "failed"}, {"last_error", why}}, false);
                out.push_back({n.id, n.channel, n.recipient, n.kind, "abandoned", n.attempts, "", why});
            }
        }
        if (current) {
            const Notice& n = *current;
            int attempts = n.attempts + 1;
            Instant at = ctx.now();
            SendOutcome o{n.id, n.channel, n.recipient, n.kind, "", attempts, "", d.error};
            if (d.ok) {
                update_record(ctx, "notice", n.id,
                              {{"status", "sent"}, {"attempts", int64_t{attempts}}, {"sent_at", format_instant(at)}, {"last_error", nullptr}},
                              false);
                o.outcome = "sent";
            } else if (attempts >= ctx.config.notify.max_attempts) {
                update_record(ctx, "notice", n.id, {{"status", "failed"}, {"attempts", int64_t{attempts}}, {"last_error", d.error}}, false);
                o.outcome = "failed";
            } else {
                // Exponential back-off: retry_after, then twice that, four times, … at most a day.
                int64_t wait = std::min<int64_t>(int64_t{ctx.config.notify.retry_after_s} << std::min(attempts - 1, 20), 86400);
                o.next_attempt_at = format_instant(at + std::chrono::seconds(wait));
                update_record(ctx, "notice", n.id,
                              {{"status", "pending"}, {"attempts", int64_t{attempts}}, {"next_attempt_at", o.next_attempt_at},
                               {"last_error", d.error}, {"claimed_at", nullptr}, {"claimed_by", nullptr}},
                              false);
                o.outcome = "retry";
            }
            out.push_back(std::move(o));
            current.reset();
        }
        // The next due notice, re-read inside this transaction: another sender may have taken it.
        while (!current && (limit <= 0 || taken < limit)) {
            auto due = due_notices(ctx, 1);
            if (due.empty()) break;
            Notice& n = due.front();
            ++taken;
            if (std::string problem = opt_in_problem(ctx.store, n); !problem.empty()) {
                update_record(ctx, "notice", n.id, {{"status", "skipped"}, {"skip_reason", problem}}, false);
                out.push_back({n.id, n.channel, n.recipient, n.kind, "skipped", n.attempts, "", problem});
                continue;
            }
            // Checked again here, in the claim's transaction: a visit changed by a command that did
            // not follow its notices, or whose day passed while its notice waited, is not sent for.
            if (std::string over = notice_send_problem(ctx, n); !over.empty()) {
                update_record(ctx, "notice", n.id, {{"status", "skipped"}, {"skip_reason", over}}, false);
                out.push_back({n.id, n.channel, n.recipient, n.kind, "skipped", n.attempts, "", over});
                continue;
            }
            update_record(ctx, "notice", n.id, {{"status", "sending"}, {"claimed_at", format_instant(ctx.now())}, {"claimed_by", me}},
                          false);
            current = std::move(n);
        }
        tx.commit();
        if (!current) break;
        // Delivered only once the claim is committed, outside any transaction.
        try {
            d = deliver(*current, command_for(ctx.config, current->channel), notice_message(ctx.config, *current));
        } catch (const std::exception& e) {
            d = {false, e.what()};
        }
    }
    return out;
}

void retry_notice(Context& ctx, int64_t id) {
    Notice n = get_notice(ctx.store, id);
    if (n.status != "failed" && n.status != "skipped")
        fail(ErrorKind::Transition, "notice " + std::to_string(id) + " is " + n.status + "; only failed or skipped notices can be retried");
    update_record(ctx, "notice", id,
                  {{"status", "pending"}, {"attempts", int64_t{0}}, {"next_attempt_at", format_instant(ctx.now())},
                   {"skip_reason", nullptr}, {"claimed_at", nullptr}, {"claimed_by", nullptr}},
                  false);
}

const std::vector<std::string>& notice_fields() {
    static const std::vector<std::string> f{"id",         "kind",        "channel",     "recipient",  "customer_id", "customer",
                                            "appointment_id", "subject", "body",        "status",     "attempts",    "next_attempt_at",
                                            "last_error", "skip_reason", "created_at",  "claimed_at", "claimed_by",  "sent_at"};
    return f;
}

Json notice_json(const Notice& n) {
    return object({
        {"id", n.id},
        {"kind", n.kind},
        {"channel", n.channel},
        {"recipient", n.recipient},
        {"customer_id", opt(n.customer_id)},
        {"customer", opt(n.customer_name)},
        {"appointment_id", opt(n.appointment_id)},
        {"subject", opt(n.subject)},
        {"body", n.body},
        {"status", n.status},
        {"attempts", n.attempts},
        {"next_attempt_at", n.next_attempt_at},
        {"last_error", opt(n.last_error)},
        {"skip_reason", opt(n.skip_reason)},
        {"created_at", n.created_at},
        {"claimed_at", opt(n.claimed_at)},
        {"claimed_by", opt(n.claimed_by)},
        {"sent_at", opt(n.sent_at)},
    });
}

}  // namespace pom
