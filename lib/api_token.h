#pragma once
// API tokens: how a worker signs in to `pom serve`. The secret is shown once, when the token is
// made; the store keeps only its SHA-256, which is how a request finds its token.
#include "audit.h"
#include "clock.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pom {

struct ApiToken {
    int64_t id = 0;
    int64_t worker_id = 0;
    std::string worker;  ///< the worker's name
    std::optional<std::string> label;
    std::string created_at;
    std::optional<std::string> expires_at, revoked_at;
};

/// A token just made, with its secret: the one time the secret exists outside its holder.
struct NewApiToken {
    ApiToken token;
    std::string secret;
};

/// Makes a token for an active worker (Conflict for an inactive one) and audits it without its
/// secret or hash. The secret is `pom_` and 43 characters of base64url (32 random bytes of
/// getrandom(2)). expires: nullopt = never; otherwise it must be after now (BadInput).
/// A blank label is no label.
NewApiToken add_api_token(Context& ctx, int64_t worker_id, const std::optional<std::string>& label,
                          std::optional<Instant> expires);
/// Every token, of one worker or of all, revoked and expired ones too, newest first.
std::vector<ApiToken> list_api_tokens(Store& store, std::optional<int64_t> worker_id);
/// NotFound: "no API token N".
ApiToken get_api_token(Store& store, int64_t id);
/// Revokes a token at now and audits it; a token revoked already is a Conflict.
void revoke_api_token(Context& ctx, int64_t id);

/// Who presents a secret.
struct ApiCaller {
    int64_t token_id = 0;
    int64_t worker_id = 0;
    std::string name;
    std::string role;
};
/// The caller, or nullopt when the secret is unknown, its token revoked or expired at `now` (a
/// token expires at its expires_at instant), or its worker inactive. One read of the hash's
/// index and no write; a secret of the wrong shape is refused without touching the store.
std::optional<ApiCaller> authenticate_api_token(Store& store, std::string_view secret, Instant now);

/// Whether a secret has the shape add_api_token gives: `pom_` and 43 base64url characters.
bool api_token_secret_shaped(std::string_view secret);

/// "active", "expired" (at `now`) or "revoked".
std::string api_token_status(const ApiToken& t, Instant now);

/// When a token given `--expires TEXT` at `now` expires: `90d` or `12w` is that many days or
/// weeks from now (1 day to 10 years); a date YYYY-MM-DD is the end of that day in the company's
/// zone (its following midnight), so the token works through the whole day. BadInput naming
/// `what` for anything else, or a date already over.
Instant parse_api_token_expiry(std::string_view text, Instant now, const TimeZone& tz, std::string_view what);

/// A one-time sign-in code just made (`pom worker login-link`): its secret and when it expires.
struct NewLoginCode {
    int64_t id = 0;
    std::string worker;
    std::string code;  ///< `pomc_` and 43 base64url characters; only its SHA-256 is kept
    std::string expires_at;
};
/// Makes a sign-in code for an active worker (Conflict for an inactive one) that may be
/// exchanged once, before now + lifetime, for a new API token; audited without its secret.
NewLoginCode add_login_code(Context& ctx, int64_t worker_id, std::chrono::seconds lifetime);
/// Exchanges a sign-in code for a new API token (labelled "login link", never expiring, revoked
/// like any other) and marks the code used, in the caller's transaction. Permission (HTTP 401
/// for pom serve) when the code is unknown, used already, expired, or its worker inactive: one
/// message for all, so that a guesser learns nothing.
NewApiToken redeem_login_code(Context& ctx, std::string_view code);
/// A login link's lifetime: 1m to 24h as `15m` or `2h`; BadInput naming `what` otherwise.
std::chrono::seconds parse_login_code_lifetime(std::string_view text, std::string_view what);

/// The record as pom prints it, with its status at `now` (never the secret or its hash).
Json api_token_json(const ApiToken& t, Instant now);
const std::vector<std::string>& api_token_fields();

}  // namespace pom
