#pragma once
// The notice outbox: what `pom notify` lists and what its cron sender delivers. Notices are queued
// by lib/notice.h (status changes of visits); this file reads them and sends them.
#include "audit.h"

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pom {

/// One customer notice in the outbox.
struct Notice {
    int64_t id = 0;
    std::string kind, channel, recipient;
    std::optional<int64_t> customer_id;
    std::string customer_name;
    std::optional<int64_t> appointment_id;
    std::string subject, body;
    std::string status;  ///< pending, sending, sent, failed (given up), skipped (not opted in)
    int attempts = 0;
    std::string next_attempt_at, last_error, skip_reason, created_at, claimed_at, claimed_by, sent_at;
};

struct NoticeFilter {
    std::optional<std::string> status;
    std::optional<int64_t> customer, appointment;
    int64_t limit = 0;
};

/// Oldest first.
std::vector<Notice> list_notices(Store& store, const NoticeFilter& filter);
Notice get_notice(Store& store, int64_t id);

/// The text a delivery command reads on stdin: for email a complete message (To, From, Subject,
/// MIME headers, blank line, body) as `sendmail -t` expects; for SMS the body alone.
std::string notice_message(const Config& config, const Notice& n);

/// What one run of a delivery command came to.
struct Delivery {
    bool ok = false;
    std::string error;  ///< why not: exit status and the first line the command wrote
};

/// Runs `command` with /bin/sh -c, `input` on its stdin and `env` added to the environment; its
/// output is kept for the error. Killed (with its process group) after `timeout`.
Delivery run_command(const std::string& command, const std::string& input, const std::map<std::string, std::string>& env,
                     std::chrono::seconds timeout);

/// A key that names one notice for good, the same on every attempt to deliver it
/// ("pom-notice-42-20261123T150000Z": its id and when it was queued): what a delivery command
/// passes on (a Message-ID, an SMS gateway's idempotency key) so that a second attempt of a
/// delivery that did go out can be dropped.
std::string notice_key(const Notice& notice);

/// Delivers one notice with a command; replaceable in tests.
using Deliver = std::function<Delivery(const Notice& notice, const std::string& command, const std::string& message)>;
/// The real one: run_command with POM_NOTICE_ID, _KEY, _KIND, _CHANNEL, _RECIPIENT and _SUBJECT set.
Delivery deliver_by_command(const Config& config, const Notice& notice, const std::string& command, const std::string& message);

struct SendOutcome {
    int64_t id = 0;
    std::string channel, recipient, kind;
    std::string outcome;  ///< sent, retry (failed, will try again), failed (given up), skipped, abandoned
    int attempts = 0;
    std::string next_attempt_at, detail;
};

/// The cron sender. Takes due notices one at a time: claims the next one in a short write
/// transaction (status sending, with who claimed it), so overlapping senders never take the same
/// notice; once the claim is committed, runs its delivery outside any transaction; then records
/// the result (in the transaction that claims the next): sent, or failed with exponential back-off
/// (notify.retry_after doubled per attempt) until notify.max_attempts, when it is given up. A
/// recipient no longer opted in is skipped with the reason. A notice left 'sending' by a sender
/// that died is never resent automatically (it may have gone out): it is marked failed, for
/// `retry_notice` by a person. So a notice goes out at most once unless its command reports a
/// failure (then it is tried again) or a person retries it. Channels without a command are left
/// waiting. At most `limit`. Refused (Internal) inside an open transaction.
std::vector<SendOutcome> send_notices(Context& ctx, int64_t limit, const Deliver& deliver);

/// The due notices send_notices would take now, without claiming them (for --dry-run).
std::vector<Notice> due_notices(Context& ctx, int64_t limit);

/// Puts a failed (given up) or skipped notice back in the queue, due now, with its attempts reset.
/// Anything else is a Transition error naming its status.
void retry_notice(Context& ctx, int64_t id);

Json notice_json(const Notice& n);
const std::vector<std::string>& notice_fields();

}  // namespace pom
