#pragma once
// The answers `pom serve` gave to POSTs that carried an Idempotency-Key: a retry of the same
// request with the same key gets the first answer back instead of making a second change. They are
// kept at least seven days (later saves sweep older ones); they are not business records, so they
// are not audited.
#include "context.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pom {

struct ApiAnswer {
    int status = 0;
    std::string body;
};

/// The answer stored for (worker, key), if any. A key that was used with another fingerprint is a
/// Conflict: "Idempotency-Key 'K' was used for another request".
std::optional<ApiAnswer> find_api_answer(Store& store, int64_t worker_id, const std::string& key,
                                         const std::string& fingerprint);

/// Stores the answer inside the caller's open write transaction (Internal error without one), so
/// that it commits with the change it answers, or not at all. Also deletes up to 100 answers
/// older than seven days, oldest first, so the table stays about a week long. The key must pass
/// check_idempotency_key. A key that has an answer already (a request with the same key that
/// finished meanwhile) is a Conflict, and the caller's transaction should roll back.
void save_api_answer(Context& ctx, int64_t worker_id, const std::string& key, const std::string& fingerprint, int status,
                     const std::string& body);

/// A client's key is 1 to 200 printable ASCII characters (space to tilde: the sf-string of the
/// Idempotency-Key draft); BadInput otherwise.
void check_idempotency_key(const std::string& key);

/// A request's fingerprint for find_api_answer and save_api_answer: the SHA-256 (hex) of its
/// method, target and body, so that the same key with another request is told apart.
std::string api_request_fingerprint(std::string_view method, std::string_view target, std::string_view body);

}  // namespace pom
