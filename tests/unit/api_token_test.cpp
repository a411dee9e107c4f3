// API tokens (lib/api_token.h) against an in-memory store: the secret's shape, what is stored,
// and who authenticate_api_token lets in.
#include "fixture.h"

#include "api_token.h"
#include "checksum.h"
#include "error.h"

#include <catch2/catch.hpp>
#include <regex>
#include <set>

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

std::string sha256(const std::string& s) {
    Sha256 sha;
    sha.update(s);
    return sha.hex();
}

Instant at(Fixture& f, const std::string& local) { return parse_instant(local, f.tz, "at"); }

}  // namespace

TEST_CASE("a token's secret is pom_ and 43 base64url characters, shown once, stored as its SHA-256") {
    Fixture f;
    int64_t maria = f.worker("Maria Lopez");
    std::set<std::string> secrets;
    for (int i = 0; i < 20; ++i) {
        NewApiToken made = add_api_token(f.ctx, maria, std::nullopt, std::nullopt);
        CHECK(std::regex_match(made.secret, std::regex("pom_[A-Za-z0-9_-]{43}")));
        CHECK(api_token_secret_shaped(made.secret));
        secrets.insert(made.secret);
        Statement q(*f.store, "SELECT secret_hash FROM api_token WHERE id = ?");
        q.bind(1, made.token.id);
        REQUIRE(q.executeStep());
        CHECK(q.getColumn(0).getString() == sha256(made.secret));
    }
    CHECK(secrets.size() == 20);
    // 32 bytes in 43 characters: the last one carries 4 bits and two zero bits.
    for (const auto& s : secrets) CHECK(std::string("AEIMQUYcgkosw048").find(s.back()) != std::string::npos);
    // Nothing but the hash is kept: no column of any token holds a secret.
    Statement all(*f.store, "SELECT * FROM api_token");
    while (all.executeStep())
        for (int c = 0; c < all.getColumnCount(); ++c) CHECK(secrets.count(all.getColumn(c).getString()) == 0);
}

TEST_CASE("a token is made for an active worker, with its label and expiry, and audited without its secret") {
    Fixture f;
    int64_t dana = f.worker("Dana Fox");
    NewApiToken made = add_api_token(f.ctx, dana, std::string("office laptop"), at(f, "2027-01-01T00:00:00"));
    CHECK(made.token.id == 1);
    CHECK(made.token.worker_id == dana);
    CHECK(made.token.worker == "Dana Fox");
    CHECK(made.token.label == "office laptop");
    CHECK(made.token.created_at == "2026-11-23T15:00:00Z");
    CHECK(made.token.expires_at == "2027-01-01T07:00:00Z");
    CHECK(!made.token.revoked_at);
    // A blank label is no label.
    CHECK(!add_api_token(f.ctx, dana, std::string("  "), std::nullopt).token.label);

    AuditFilter tokens;
    tokens.entity = "api_token";
    auto log = list_audit(*f.store, tokens);
    REQUIRE(log.size() == 2);
    CHECK(log[0].action == "create");
    CHECK(log[0].after.dump() ==
          R"({"id":1,"worker_id":1,"label":"office laptop","created_at":"2026-11-23T15:00:00Z","expires_at":"2027-01-01T07:00:00Z","revoked_at":null})");
    std::string everything = f.store->query_text("SELECT group_concat(coalesce(after, '') || coalesce(before, ''), ' ') FROM audit_log");
    CHECK(everything.find(made.secret) == std::string::npos);
    CHECK(everything.find(sha256(made.secret)) == std::string::npos);
    CHECK(everything.find("secret") == std::string::npos);

    // An inactive worker gets none; an unknown one is not found; an expiry must be ahead.
    WorkerFields gone;
    gone.active = false;
    edit_worker(f.ctx, dana, gone);
    Error e = error_of([&] { add_api_token(f.ctx, dana, std::nullopt, std::nullopt); });
    CHECK(e.kind() == ErrorKind::Conflict);
    CHECK(std::string(e.what()) == "worker Dana Fox is inactive: an inactive worker gets no API token");
    CHECK(error_of([&] { add_api_token(f.ctx, 99, std::nullopt, std::nullopt); }).kind() == ErrorKind::NotFound);
    int64_t tom = f.worker("Tom Reed");
    CHECK(error_of([&] { add_api_token(f.ctx, tom, std::nullopt, f.ctx.now()); }).kind() == ErrorKind::BadInput);
    CHECK(f.count("SELECT count(*) FROM api_token") == 2);
}

TEST_CASE("authenticate: the worker behind a secret, or nobody") {
    Fixture f;
    int64_t maria = f.worker("Maria Lopez");
    WorkerFields office;
    office.role = "accountant";
    int64_t ava = f.worker("Ava Stone");
    edit_worker(f.ctx, ava, office);
    Instant now = f.ctx.now();
    NewApiToken forever = add_api_token(f.ctx, ava, std::nullopt, std::nullopt);
    NewApiToken day = add_api_token(f.ctx, maria, std::nullopt, now + std::chrono::days{1});

    SECTION("a known secret") {
        auto c = authenticate_api_token(*f.store, forever.secret, now);
        REQUIRE(c);
        CHECK(c->token_id == forever.token.id);
        CHECK(c->worker_id == ava);
        CHECK(c->name == "Ava Stone");
        CHECK(c->role == "accountant");
        CHECK(authenticate_api_token(*f.store, day.secret, now)->name == "Maria Lopez");
    }
    SECTION("an unknown secret of the right shape") {
        std::string other = forever.secret;
        other[10] = other[10] == 'A' ? 'B' : 'A';
        CHECK(api_token_secret_shaped(other));
        CHECK(!authenticate_api_token(*f.store, other, now));
    }
    SECTION("expired: up to the second before expires_at, not at it") {
        Instant end = now + std::chrono::days{1};
        CHECK(authenticate_api_token(*f.store, day.secret, end - std::chrono::seconds{1}));
        CHECK(!authenticate_api_token(*f.store, day.secret, end));
        CHECK(!authenticate_api_token(*f.store, day.secret, end + std::chrono::days{400}));
        CHECK(api_token_status(get_api_token(*f.store, day.token.id), end - std::chrono::seconds{1}) == "active");
        CHECK(api_token_status(get_api_token(*f.store, day.token.id), end) == "expired");
        CHECK(authenticate_api_token(*f.store, forever.secret, end + std::chrono::days{4000}));
    }
    SECTION("revoked, at once; revoking twice is a conflict") {
        revoke_api_token(f.ctx, forever.token.id);
        CHECK(!authenticate_api_token(*f.store, forever.secret, now));
        CHECK(authenticate_api_token(*f.store, day.secret, now));
        ApiToken t = get_api_token(*f.store, forever.token.id);
        CHECK(t.revoked_at == "2026-11-23T15:00:00Z");
        CHECK(api_token_status(t, now) == "revoked");
        Error e = error_of([&] { revoke_api_token(f.ctx, forever.token.id); });
        CHECK(e.kind() == ErrorKind::Conflict);
        CHECK(std::string(e.what()) == "API token 1 was revoked already, at 2026-11-23T15:00:00Z");
        AuditFilter this_one;
        this_one.entity = "api_token";
        this_one.entity_id = forever.token.id;
        auto log = list_audit(*f.store, this_one);
        REQUIRE(log.size() == 2);
        CHECK(log[1].action == "update");
        CHECK(log[1].before["revoked_at"].is_null());
        CHECK(log[1].after["revoked_at"] == "2026-11-23T15:00:00Z");
    }
    SECTION("the worker made inactive") {
        WorkerFields gone;
        gone.active = false;
        edit_worker(f.ctx, ava, gone);
        CHECK(!authenticate_api_token(*f.store, forever.secret, now));
        CHECK(api_token_status(get_api_token(*f.store, forever.token.id), now) == "active");  // the token itself is not
    }
    SECTION("a secret of the wrong shape is refused without a look at the store") {
        f.store->exec("DROP TABLE api_token");
        std::string good = forever.secret;
        for (const std::string& bad : {std::string(), std::string("pom_"), good.substr(0, 46), good + "A", "POM_" + good.substr(4),
                                       "tok_" + good.substr(4), good.substr(0, 46) + "+", good.substr(0, 46) + "=",
                                       good.substr(0, 46) + "\n", " " + good.substr(1), good.substr(0, 20) + "\xc3\xa9" + good.substr(22)}) {
            CHECK(!api_token_secret_shaped(bad));
            CHECK(!authenticate_api_token(*f.store, bad, now));
        }
        // A well-shaped one reads the store, which has no table now.
        CHECK_THROWS_AS(authenticate_api_token(*f.store, good, now), Error);
    }
}

TEST_CASE("tokens are listed newest first, of one worker or all; an unknown id is not found") {
    Fixture f;
    int64_t maria = f.worker("Maria Lopez");
    int64_t tom = f.worker("Tom Reed");
    add_api_token(f.ctx, maria, std::string("phone"), std::nullopt);
    add_api_token(f.ctx, tom, std::nullopt, std::nullopt);
    add_api_token(f.ctx, maria, std::string("tablet"), std::nullopt);
    revoke_api_token(f.ctx, 1);
    auto ids = [](const std::vector<ApiToken>& ts) {
        std::vector<int64_t> out;
        for (const auto& t : ts) out.push_back(t.id);
        return out;
    };
    CHECK(ids(list_api_tokens(*f.store, std::nullopt)) == std::vector<int64_t>{3, 2, 1});
    CHECK(ids(list_api_tokens(*f.store, maria)) == std::vector<int64_t>{3, 1});
    CHECK(ids(list_api_tokens(*f.store, 99)).empty());
    Error e = error_of([&] { get_api_token(*f.store, 99); });
    CHECK(e.kind() == ErrorKind::NotFound);
    CHECK(std::string(e.what()) == "no API token 99");
    CHECK(error_of([&] { revoke_api_token(f.ctx, 99); }).kind() == ErrorKind::NotFound);

    Json j = api_token_json(get_api_token(*f.store, 1), f.ctx.now());
    CHECK(j.dump() == R"({"id":1,"worker_id":1,"worker":"Maria Lopez","label":"phone","status":"revoked",)"
                      R"("created_at":"2026-11-23T15:00:00Z","expires_at":null,"revoked_at":"2026-11-23T15:00:00Z"})");
    std::vector<std::string> keys;
    for (const auto& [k, v] : j.items()) keys.push_back(k);
    CHECK(keys == api_token_fields());
}

TEST_CASE("--expires: days or weeks from now, or through the end of a local day") {
    Fixture f;  // 2026-11-23 08:00 in Phoenix (UTC-7), 15:00Z
    Instant now = f.ctx.now();
    auto expiry = [&](const std::string& text) { return format_instant(parse_api_token_expiry(text, now, f.tz, "--expires")); };
    CHECK(expiry("90d") == "2027-02-21T15:00:00Z");
    CHECK(expiry("1d") == "2026-11-24T15:00:00Z");
    CHECK(expiry("12w") == "2027-02-15T15:00:00Z");
    CHECK(expiry("3660d") == "2036-11-30T15:00:00Z");
    CHECK(expiry("2026-11-30") == "2026-12-01T07:00:00Z");  // the midnight that ends the 30th in Phoenix
    CHECK(expiry("2026-11-23") == "2026-11-24T07:00:00Z");  // today: through its end
    for (const char* bad : {"0d", "0w", "3661d", "523w", "-5d", "+5d", "5", "d", "5h", "5 d", "five", "2026-11-22",
                                   "2026-02-30", "2026-13-01", "tomorrow", "", "99999999999d"}) {
        Error e = error_of([&] { parse_api_token_expiry(bad, now, f.tz, "--expires"); });
        CHECK(e.kind() == ErrorKind::BadInput);
        CHECK(std::string(e.what()).rfind("--expires: ", 0) == 0);
    }
}
