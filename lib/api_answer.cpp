#include "api_answer.h"

#include "checksum.h"
#include "error.h"
#include "text_check.h"

namespace pom {

namespace {

constexpr auto k_kept = std::chrono::days{7};
constexpr int k_sweep_batch = 100;

std::string shown(const std::string& key) { return "Idempotency-Key '" + escape_for_line(key) + "'"; }

}  // namespace

void check_idempotency_key(const std::string& key) {
    bool ok = !key.empty() && key.size() <= 200;
    for (char c : key) ok = ok && c >= ' ' && c <= '~';
    if (!ok) fail(ErrorKind::BadInput, "Idempotency-Key: a key is 1 to 200 printable ASCII characters");
}

std::optional<ApiAnswer> find_api_answer(Store& store, int64_t worker_id, const std::string& key,
                                         const std::string& fingerprint) {
    auto& q = store.prepare("SELECT fingerprint, status, body FROM api_answer WHERE worker_id = ? AND key = ?");
    q.bind(1, worker_id);
    q.bind(2, key);
    if (!q.executeStep()) {
        q.reset();
        return std::nullopt;
    }
    bool same = q.getColumn(0).view() == fingerprint;
    ApiAnswer a{q.getColumn(1).getInt(), q.getColumn(2).getString()};
    q.reset();
    if (!same) fail(ErrorKind::Conflict, shown(key) + " was used for another request");
    return a;
}

void save_api_answer(Context& ctx, int64_t worker_id, const std::string& key, const std::string& fingerprint, int status,
                     const std::string& body) {
    if (!ctx.store.in_transaction())
        fail(ErrorKind::Internal, "an API answer is saved inside the write transaction of the change it answers");
    check_idempotency_key(key);
    Instant now = ctx.now();
    // A bounded sweep with every save: the table stays about a week long without a cron job, and
    // no request pays for a backlog of more than a few pages.
    auto& sweep = ctx.store.prepare(
        "DELETE FROM api_answer WHERE id IN "
        "(SELECT id FROM api_answer WHERE created_at < ? ORDER BY created_at LIMIT " + std::to_string(k_sweep_batch) + ")");
    sweep.bind(1, format_instant(now - k_kept));
    sweep.exec();
    // Writers are serialized, so this read and the insert below see the same table: a request
    // with the same key that committed meanwhile is found here, never by a UNIQUE error.
    auto& q = ctx.store.prepare("SELECT fingerprint FROM api_answer WHERE worker_id = ? AND key = ?");
    q.bind(1, worker_id);
    q.bind(2, key);
    if (q.executeStep()) {
        bool same = q.getColumn(0).view() == fingerprint;
        q.reset();
        if (!same) fail(ErrorKind::Conflict, shown(key) + " was used for another request");
        fail(ErrorKind::Conflict, shown(key) + " was answered meanwhile, by the same request sent twice: send it again for that answer");
    }
    q.reset();
    auto& insert = ctx.store.prepare(
        "INSERT INTO api_answer (worker_id, key, fingerprint, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)");
    insert.bind(1, worker_id);
    insert.bind(2, key);
    insert.bind(3, fingerprint);
    insert.bind(4, status);
    insert.bind(5, body);
    insert.bind(6, format_instant(now));
    insert.exec();
}

std::string api_request_fingerprint(std::string_view method, std::string_view target, std::string_view body) {
    // Each part but the last after its length, so that no two requests make the same text.
    Sha256 sha;
    for (std::string_view part : {method, target}) {
        sha.update(std::to_string(part.size()) + ":");
        sha.update(part);
    }
    sha.update(body);
    return sha.hex();
}

}  // namespace pom
