// lib/notify: the outbox sender's rules (back-off, giving up, opt-in, retry) with a fake delivery,
// and run_command with real /bin/sh commands.
#include "error.h"
#include "fixture.h"
#include "notice.h"
#include "notify.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

using namespace pom;

namespace {

struct Outbox : test::Fixture {
    Outbox() {
        config.company.name = "Blue Wave Pools";
        config.company.email = "office@bluewave.example";
        config.notify.email_command = "deliver-email";
        config.notify.sms_command = "";
        config.notify.max_attempts = 3;
        config.notify.retry_after_s = 300;
        CustomerFields f;
        f.name = "Ana Ortiz";
        f.status = "active";
        f.emails = std::vector<std::string>{"ana@example.com"};
        f.phones = std::vector<std::string>{"602-555-0101"};  // not opted in to texts
        customer_id = add_customer(ctx, f);
    }
    int64_t customer_id = 0;
    std::vector<std::string> delivered;
    bool fail_delivery = false;
    std::vector<SendOutcome> send() {
        return send_notices(ctx, 0, [this](const Notice& n, const std::string& command, const std::string& message) {
            CHECK(command == "deliver-email");
            delivered.push_back(std::to_string(n.id) + ":" + message);
            return fail_delivery ? Delivery{false, "exit 75: mail server down"} : Delivery{true, ""};
        });
    }
};

}  // namespace

TEST_CASE("a contact without opt-in gets a skipped notice with the reason, never a message") {
    Outbox o;
    auto sms = queue_customer_notice(o.ctx, "on_my_way", "sms", o.customer_id, std::nullopt, "", "On the way", "k-sms");
    CHECK(sms.empty());
    auto all = list_notices(*o.store, {});
    REQUIRE(all.size() == 1);
    CHECK(all[0].status == "skipped");
    CHECK(all[0].skip_reason == "602-555-0101 has not opted in to text messages");
    o.config.notify.sms_command = "deliver-sms";
    CHECK(o.send().empty());
}

TEST_CASE("failures back off exponentially, then the notice is given up; retry queues it again") {
    Outbox o;
    auto ids = queue_customer_notice(o.ctx, "assigned", "email", o.customer_id, std::nullopt, "Your visit", "See you Tuesday.", "k1");
    REQUIRE(ids.size() == 1);
    o.fail_delivery = true;

    auto r = o.send();
    REQUIRE(r.size() == 1);
    CHECK(r[0].outcome == "retry");
    CHECK(r[0].attempts == 1);
    CHECK(r[0].next_attempt_at == "2026-11-23T15:05:00Z");  // 08:00 Phoenix + 5 minutes
    CHECK(o.send().empty());  // not due yet: nothing is tried twice in a row

    o.set_now("2026-11-23T08:05:00");
    r = o.send();
    REQUIRE(r.size() == 1);
    CHECK(r[0].next_attempt_at == "2026-11-23T15:15:00Z");  // then 10 minutes

    o.set_now("2026-11-23T08:15:00");
    r = o.send();
    REQUIRE(r.size() == 1);
    CHECK(r[0].outcome == "failed");  // the third failure of max_attempts = 3
    Notice n = get_notice(*o.store, ids[0]);
    CHECK(n.status == "failed");
    CHECK(n.attempts == 3);
    CHECK(n.last_error == "exit 75: mail server down");
    o.set_now("2026-11-24T08:00:00");
    CHECK(o.send().empty());
    CHECK(o.delivered.size() == 3);

    retry_notice(o.ctx, ids[0]);
    o.fail_delivery = false;
    r = o.send();
    REQUIRE(r.size() == 1);
    CHECK(r[0].outcome == "sent");
    n = get_notice(*o.store, ids[0]);
    CHECK(n.status == "sent");
    CHECK(n.sent_at == "2026-11-24T15:00:00Z");
    CHECK(o.send().empty());  // sent once, never again

    try {
        retry_notice(o.ctx, ids[0]);
        FAIL("retry of a sent notice");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Transition);
        CHECK(std::string(e.what()) == "notice " + std::to_string(ids[0]) + " is sent; only failed or skipped notices can be retried");
    }
    // The schema refuses too, whatever code tries.
    CHECK_THROWS(o.store->exec("UPDATE notice SET status = 'pending', sent_at = NULL"));
}

TEST_CASE("the email message is complete for sendmail -t; an opt-out after queuing skips the notice") {
    Outbox o;
    auto ids = queue_customer_notice(o.ctx, "assigned", "email", o.customer_id, std::nullopt, "Visit café\nBcc: x@evil", "Body", "k2");
    REQUIRE(ids.size() == 1);
    Notice n = get_notice(*o.store, ids[0]);
    std::string m = notice_message(o.config, n);
    CHECK(m.rfind("To: ana@example.com\nFrom: Blue Wave Pools <office@bluewave.example>\nSubject: =?UTF-8?B?", 0) == 0);
    CHECK(m.find("\nBcc:") == std::string::npos);  // a newline in the subject cannot add a header
    CHECK(m.find("\n\nBody\n") != std::string::npos);

    o.store->exec("UPDATE customer_contact SET opt_in = 0 WHERE value = 'ana@example.com'");
    auto r = o.send();
    REQUIRE(r.size() == 1);
    CHECK(r[0].outcome == "skipped");
    CHECK(get_notice(*o.store, ids[0]).skip_reason == "ana@example.com has not opted in to email notices");
    CHECK(o.delivered.empty());
}

TEST_CASE("run_command: stdin, environment, exit status and output, time limit") {
    char path[] = "/tmp/pom-notify-XXXXXX";
    int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    close(fd);
    Delivery ok = run_command(std::string("printf '%s|' \"$POM_NOTICE_RECIPIENT\" >> ") + path + "; cat >> " + path, "hello\n",
                              {{"POM_NOTICE_RECIPIENT", "ana@example.com"}}, std::chrono::seconds(10));
    CHECK(ok.ok);
    std::ifstream in(path);
    std::stringstream got;
    got << in.rdbuf();
    CHECK(got.str() == "ana@example.com|hello\n");
    std::remove(path);

    Delivery bad = run_command("echo 'gateway said no' >&2; exit 3", "x", {}, std::chrono::seconds(10));
    CHECK_FALSE(bad.ok);
    CHECK(bad.error == "exit 3: gateway said no");

    // A command that never reads a large input neither blocks pom nor kills it with SIGPIPE.
    Delivery deaf = run_command("exit 0", std::string(1 << 20, 'x'), {}, std::chrono::seconds(10));
    CHECK(deaf.ok);

    auto t0 = std::chrono::steady_clock::now();
    Delivery slow = run_command("sleep 30", "", {}, std::chrono::seconds(1));
    CHECK_FALSE(slow.ok);
    CHECK(slow.error == "timed out after 1s (notify.timeout)");
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10));
}

TEST_CASE("each notice is claimed and committed before its delivery, which runs outside any transaction") {
    Outbox o;
    auto a = queue_customer_notice(o.ctx, "assigned", "email", o.customer_id, std::nullopt, "Your visit", "Tuesday.", "k3");
    auto b = queue_customer_notice(o.ctx, "rescheduled", "email", o.customer_id, std::nullopt, "Moved", "Wednesday.", "k4");
    REQUIRE(a.size() == 1);
    REQUIRE(b.size() == 1);
    std::vector<std::string> seen;
    auto r = send_notices(o.ctx, 0, [&](const Notice& n, const std::string&, const std::string&) {
        CHECK_FALSE(o.store->in_transaction());
        seen.push_back(get_notice(*o.store, a[0]).status + "," + get_notice(*o.store, b[0]).status);
        return Delivery{n.id == a[0], n.id == a[0] ? "" : "exit 75: mail server down"};
    });
    // The second is still pending while the first goes out: only one claim at a time.
    CHECK(seen == std::vector<std::string>{"sending,pending", "sent,sending"});
    REQUIRE(r.size() == 2);
    CHECK(r[0].outcome == "sent");
    CHECK(r[1].outcome == "retry");
    CHECK(get_notice(*o.store, b[0]).status == "pending");
}

TEST_CASE("nothing is delivered inside a transaction that could still roll back") {
    Outbox o;
    queue_customer_notice(o.ctx, "assigned", "email", o.customer_id, std::nullopt, "Your visit", "Tuesday.", "k5");
    WriteTx tx(*o.store);
    try {
        o.send();
        FAIL("send_notices inside a transaction");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Internal);
        CHECK(std::string(e.what()) == "notices are delivered only outside a transaction");
    }
    CHECK(o.delivered.empty());
}

TEST_CASE("the delivery command gets a key of the notice that stays the same on every attempt") {
    Outbox o;
    auto ids = queue_customer_notice(o.ctx, "assigned", "email", o.customer_id, std::nullopt, "Your visit", "Tuesday.", "k6");
    REQUIRE(ids.size() == 1);
    Notice n = get_notice(*o.store, ids[0]);
    CHECK(notice_key(n) == "pom-notice-" + std::to_string(n.id) + "-20261123T150000Z");
    Delivery d = deliver_by_command(o.config, n, "echo \"$POM_NOTICE_KEY\"; exit 3", "x");
    CHECK(d.error == "exit 3: " + notice_key(n));
    o.fail_delivery = true;
    o.send();
    CHECK(notice_key(get_notice(*o.store, ids[0])) == notice_key(n));
}
