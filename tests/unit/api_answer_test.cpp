// Idempotency answers (lib/api_answer.h) against an in-memory store: stored with the change they
// answer, found again for the same request, refused for another, swept after a week.
#include "fixture.h"

#include "api_answer.h"
#include "error.h"

#include <catch2/catch.hpp>

using namespace pom;
using pom::test::Fixture;

namespace {

Error error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    FAIL("no error");
    return Error(ErrorKind::Internal, "");
}

void save(Fixture& f, int64_t worker, const std::string& key, const std::string& fingerprint, int status, const std::string& body) {
    WriteTx tx(*f.store);
    save_api_answer(f.ctx, worker, key, fingerprint, status, body);
    tx.commit();
}

/// Answers written straight into the table, `age` before now.
void old_answers(Fixture& f, int64_t worker, int count, std::chrono::seconds age, const std::string& prefix) {
    Statement q(*f.store, "INSERT INTO api_answer (worker_id, key, fingerprint, status, body, created_at) VALUES (?, ?, 'f', 200, '{}', ?)");
    for (int i = 0; i < count; ++i) {
        q.bind(1, worker);
        q.bind(2, prefix + std::to_string(i));
        q.bind(3, format_instant(f.ctx.now() - age));
        q.exec();
        q.reset();
    }
}

}  // namespace

TEST_CASE("an answer is stored with its change and found again for the same request") {
    Fixture f;
    int64_t maria = f.worker("Maria Lopez");
    int64_t tom = f.worker("Tom Reed");
    std::string post = api_request_fingerprint("POST", "/api/appointments", R"({"customer":1})");
    CHECK(post.size() == 64);

    CHECK(!find_api_answer(*f.store, maria, "order-1", post));
    save(f, maria, "order-1", post, 201, R"({"id":7})");
    auto a = find_api_answer(*f.store, maria, "order-1", post);
    REQUIRE(a);
    CHECK(a->status == 201);
    CHECK(a->body == R"({"id":7})");
    // Keys are the worker's own: the same key of another worker is another request.
    CHECK(!find_api_answer(*f.store, tom, "order-1", post));
    save(f, tom, "order-1", post, 409, R"({"error":"x"})");
    CHECK(find_api_answer(*f.store, tom, "order-1", post)->status == 409);
    CHECK(find_api_answer(*f.store, maria, "order-1", post)->status == 201);
    // Not audited.
    CHECK(f.count("SELECT count(*) FROM audit_log WHERE entity LIKE 'api%'") == 0);

    SECTION("the same key with another request is a conflict") {
        std::string other = api_request_fingerprint("POST", "/api/appointments", R"({"customer":2})");
        Error e = error_of([&] { find_api_answer(*f.store, maria, "order-1", other); });
        CHECK(e.kind() == ErrorKind::Conflict);
        CHECK(std::string(e.what()) == "Idempotency-Key 'order-1' was used for another request");
        e = error_of([&] { save(f, maria, "order-1", other, 201, "{}"); });
        CHECK(e.kind() == ErrorKind::Conflict);
        CHECK(std::string(e.what()) == "Idempotency-Key 'order-1' was used for another request");
    }
    SECTION("a second save of the same request (two sent at once) is a conflict, and writes nothing") {
        Error e = error_of([&] { save(f, maria, "order-1", post, 201, R"({"id":8})"); });
        CHECK(e.kind() == ErrorKind::Conflict);
        CHECK(std::string(e.what()).find("was answered meanwhile") != std::string::npos);
        CHECK(find_api_answer(*f.store, maria, "order-1", post)->body == R"({"id":7})");
    }
    SECTION("a rolled-back change leaves no answer") {
        {
            WriteTx tx(*f.store);
            save_api_answer(f.ctx, maria, "order-2", post, 201, "{}");
        }
        CHECK(!find_api_answer(*f.store, maria, "order-2", post));
    }
    SECTION("outside a write transaction it is a bug") {
        Error e = error_of([&] { save_api_answer(f.ctx, maria, "order-3", post, 201, "{}"); });
        CHECK(e.kind() == ErrorKind::Internal);
        CHECK(f.count("SELECT count(*) FROM api_answer") == 2);
    }
}

TEST_CASE("answers older than seven days are swept by later saves, at most 100 at a time") {
    Fixture f;
    int64_t maria = f.worker("Maria Lopez");
    old_answers(f, maria, 150, std::chrono::days{7} + std::chrono::seconds{1}, "old-");
    old_answers(f, maria, 3, std::chrono::days{7}, "week-");  // exactly a week: kept
    old_answers(f, maria, 2, std::chrono::days{1}, "new-");
    save(f, maria, "a", "f", 200, "{}");
    CHECK(f.count("SELECT count(*) FROM api_answer WHERE key LIKE 'old-%'") == 50);
    CHECK(f.count("SELECT count(*) FROM api_answer") == 50 + 3 + 2 + 1);
    save(f, maria, "b", "f", 200, "{}");
    CHECK(f.count("SELECT count(*) FROM api_answer WHERE key LIKE 'old-%'") == 0);
    CHECK(f.count("SELECT count(*) FROM api_answer") == 3 + 2 + 2);
    // A swept key is free again.
    save(f, maria, "old-1", "other", 201, "{}");
    CHECK(find_api_answer(*f.store, maria, "old-1", "other")->status == 201);
    // A week and a second later the ones of exactly a week go too.
    f.clock.set(f.ctx.now() + std::chrono::seconds{1});
    save(f, maria, "c", "f", 200, "{}");
    CHECK(f.count("SELECT count(*) FROM api_answer WHERE key LIKE 'week-%'") == 0);
}

TEST_CASE("an Idempotency-Key is 1 to 200 printable ASCII characters") {
    for (const std::string& ok : {std::string("a"), std::string(200, 'k'), std::string("550e8400-e29b-41d4-a716-446655440000"),
                                  std::string(" !\"#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~")})
        CHECK_NOTHROW(check_idempotency_key(ok));
    for (const std::string& bad : {std::string(), std::string(201, 'k'), std::string("a\tb"), std::string("a\nb"),
                                   std::string("a\x7f"), std::string("caf\xc3\xa9"), std::string("a\0b", 3)}) {
        Error e = error_of([&] { check_idempotency_key(bad); });
        CHECK(e.kind() == ErrorKind::BadInput);
        CHECK(std::string(e.what()) == "Idempotency-Key: a key is 1 to 200 printable ASCII characters");
    }
    Fixture f;
    int64_t maria = f.worker("Maria Lopez");
    CHECK(error_of([&] { save(f, maria, "a\tb", "f", 200, "{}"); }).kind() == ErrorKind::BadInput);
}

TEST_CASE("a request's fingerprint tells method, target and body apart") {
    std::string a = api_request_fingerprint("POST", "/api/x", "{}");
    CHECK(a == api_request_fingerprint("POST", "/api/x", "{}"));
    CHECK(a != api_request_fingerprint("PUT", "/api/x", "{}"));
    CHECK(a != api_request_fingerprint("POST", "/api/y", "{}"));
    CHECK(a != api_request_fingerprint("POST", "/api/x", "{ }"));
    CHECK(api_request_fingerprint("POST", "/a", "\nb") != api_request_fingerprint("POST", "/a\n", "b"));
}
