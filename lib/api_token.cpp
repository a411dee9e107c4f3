#include "api_token.h"

#include "checksum.h"
#include "error.h"
#include "json.h"
#include "text_check.h"
#include "worker.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sys/random.h>

namespace pom {

namespace {

constexpr std::string_view k_prefix = "pom_";
constexpr size_t k_secret_bytes = 32;
constexpr size_t k_encoded_chars = 43;  // 32 bytes of base64 without its padding
constexpr int k_max_days = 3660;        // ten years, as far as a day offset reaches

const char* k_select =
    "SELECT t.id, t.worker_id, w.name, t.label, t.created_at, t.expires_at, t.revoked_at "
    "FROM api_token t JOIN worker w ON w.id = t.worker_id";

std::optional<std::string> optional_text(const Column& c) {
    if (c.isNull()) return std::nullopt;
    return c.getString();
}

ApiToken read_row(Statement& q) {
    ApiToken t;
    t.id = q.getColumn(0).getInt64();
    t.worker_id = q.getColumn(1).getInt64();
    t.worker = q.getColumn(2).getString();
    t.label = optional_text(q.getColumn(3));
    t.created_at = q.getColumn(4).getString();
    t.expires_at = optional_text(q.getColumn(5));
    t.revoked_at = optional_text(q.getColumn(6));
    return t;
}

Json opt(const std::optional<std::string>& s) { return s ? Json(*s) : Json(nullptr); }

/// The row as the audit log keeps it: every column but secret_hash.
Json audit_json(const ApiToken& t) {
    return object({{"id", t.id},
                   {"worker_id", t.worker_id},
                   {"label", opt(t.label)},
                   {"created_at", t.created_at},
                   {"expires_at", opt(t.expires_at)},
                   {"revoked_at", opt(t.revoked_at)}});
}

void random_bytes(unsigned char* out, size_t size) {
    size_t got = 0;
    while (got < size) {
        ssize_t n = getrandom(out + got, size - got, 0);
        if (n > 0) {
            got += static_cast<size_t>(n);
        } else if (n < 0 && errno == ENOSYS) {
            // A kernel (or a sandbox) without the system call: the device gives the same bytes.
            std::ifstream urandom("/dev/urandom", std::ios::binary);
            if (!urandom.read(reinterpret_cast<char*>(out + got), static_cast<std::streamsize>(size - got)))
                fail(ErrorKind::Io, "cannot read /dev/urandom for a token's secret");
            return;
        } else if (n < 0 && errno != EINTR) {
            fail(ErrorKind::Io, std::string("cannot get random bytes for a token's secret: ") + std::strerror(errno));
        }
    }
}

constexpr char k_base64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(const unsigned char* data, size_t size) {
    std::string out;
    out.reserve((size * 4 + 2) / 3);
    for (size_t i = 0; i < size; i += 3) {
        uint32_t n = uint32_t{data[i]} << 16;
        if (i + 1 < size) n |= uint32_t{data[i + 1]} << 8;
        if (i + 2 < size) n |= data[i + 2];
        out += k_base64url[(n >> 18) & 63];
        out += k_base64url[(n >> 12) & 63];
        if (i + 1 < size) out += k_base64url[(n >> 6) & 63];
        if (i + 2 < size) out += k_base64url[n & 63];
    }
    return out;
}

std::string new_secret(std::string_view prefix = k_prefix) {
    unsigned char bytes[k_secret_bytes];
    random_bytes(bytes, sizeof bytes);
    return std::string(prefix) + base64url(bytes, sizeof bytes);
}

constexpr std::string_view k_code_prefix = "pomc_";

bool code_shaped(std::string_view code) {
    if (code.size() != k_code_prefix.size() + k_encoded_chars || code.substr(0, k_code_prefix.size()) != k_code_prefix) return false;
    for (char c : code.substr(k_code_prefix.size())) {
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) return false;
    }
    return true;
}

std::string secret_hash(std::string_view secret) {
    Sha256 sha;
    sha.update(secret);
    return sha.hex();
}

}  // namespace

bool api_token_secret_shaped(std::string_view secret) {
    if (secret.size() != k_prefix.size() + k_encoded_chars || secret.substr(0, k_prefix.size()) != k_prefix) return false;
    for (char c : secret.substr(k_prefix.size())) {
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) return false;
    }
    return true;
}

NewApiToken add_api_token(Context& ctx, int64_t worker_id, const std::optional<std::string>& label,
                          std::optional<Instant> expires) {
    Worker w = get_worker(ctx.store, worker_id);
    if (!w.active) fail(ErrorKind::Conflict, "worker " + w.name + " is inactive: an inactive worker gets no API token");
    std::optional<std::string> kept;
    if (label && label->find_first_not_of(" \t") != std::string::npos) {
        check_text(*label, TextKind::Line, "--label");
        kept = *label;
    }
    Instant now = ctx.now();
    if (expires && *expires <= now)
        fail(ErrorKind::BadInput, "--expires: " + format_instant(*expires) + " is not after now (" + format_instant(now) + ")");
    std::string secret = new_secret();
    auto& q = ctx.store.prepare(
        "INSERT INTO api_token (worker_id, label, secret_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)");
    q.bind(1, worker_id);
    if (kept) q.bind(2, *kept);
    else q.bind(2);
    q.bind(3, secret_hash(secret));
    q.bind(4, format_instant(now));
    if (expires) q.bind(5, format_instant(*expires));
    else q.bind(5);
    q.exec();
    int64_t id = ctx.store.last_insert_id();
    ApiToken t = get_api_token(ctx.store, id);
    record_change(ctx, "api_token", id, nullptr, audit_json(t));
    return {std::move(t), std::move(secret)};
}

std::vector<ApiToken> list_api_tokens(Store& store, std::optional<int64_t> worker_id) {
    std::string sql = k_select;
    if (worker_id) sql += " WHERE t.worker_id = :worker";
    sql += " ORDER BY t.id DESC";
    Statement q(store, sql);
    if (worker_id) q.bind(":worker", *worker_id);
    std::vector<ApiToken> out;
    while (q.executeStep()) out.push_back(read_row(q));
    return out;
}

ApiToken get_api_token(Store& store, int64_t id) {
    auto& q = store.prepare(std::string(k_select) + " WHERE t.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(ErrorKind::NotFound, "no API token " + std::to_string(id));
    ApiToken t = read_row(q);
    q.reset();
    return t;
}

void revoke_api_token(Context& ctx, int64_t id) {
    ApiToken before = get_api_token(ctx.store, id);
    if (before.revoked_at) fail(ErrorKind::Conflict, "API token " + std::to_string(id) + " was revoked already, at " + *before.revoked_at);
    ApiToken after = before;
    after.revoked_at = format_instant(ctx.now());
    auto& q = ctx.store.prepare("UPDATE api_token SET revoked_at = ? WHERE id = ?");
    q.bind(1, *after.revoked_at);
    q.bind(2, id);
    q.exec();
    record_change(ctx, "api_token", id, audit_json(before), audit_json(after));
}

std::optional<ApiCaller> authenticate_api_token(Store& store, std::string_view secret, Instant now) {
    if (!api_token_secret_shaped(secret)) return std::nullopt;
    // Looked up by its hash: how long the index search takes could tell a guesser how much of
    // the guess's hash matches a stored one, which says nothing about any secret.
    auto& q = store.prepare(
        "SELECT t.id, t.worker_id, w.name, w.role FROM api_token t JOIN worker w ON w.id = t.worker_id "
        "WHERE t.secret_hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?) AND w.active = 1");
    q.bind(1, secret_hash(secret));
    q.bind(2, format_instant(now));
    if (!q.executeStep()) {
        q.reset();
        return std::nullopt;
    }
    ApiCaller c;
    c.token_id = q.getColumn(0).getInt64();
    c.worker_id = q.getColumn(1).getInt64();
    c.name = q.getColumn(2).getString();
    c.role = q.getColumn(3).getString();
    q.reset();
    return c;
}

NewLoginCode add_login_code(Context& ctx, int64_t worker_id, std::chrono::seconds lifetime) {
    Worker w = get_worker(ctx.store, worker_id);
    if (!w.active) fail(ErrorKind::Conflict, "worker " + w.name + " is inactive: an inactive worker gets no login link");
    Instant now = ctx.now();
    NewLoginCode made;
    made.worker = w.name;
    made.code = new_secret(k_code_prefix);
    made.expires_at = format_instant(now + lifetime);
    auto& q = ctx.store.prepare("INSERT INTO login_code (worker_id, code_hash, created_at, expires_at) VALUES (?, ?, ?, ?)");
    q.bind(1, worker_id);
    q.bind(2, secret_hash(made.code));
    q.bind(3, format_instant(now));
    q.bind(4, made.expires_at);
    q.exec();
    made.id = ctx.store.last_insert_id();
    record_change(ctx, "login_code", made.id, nullptr,
                  object({{"id", made.id}, {"worker_id", worker_id}, {"created_at", format_instant(now)},
                          {"expires_at", made.expires_at}, {"used_at", nullptr}, {"token_id", nullptr}}));
    return made;
}

NewApiToken redeem_login_code(Context& ctx, std::string_view code) {
    const char* refused = "the sign-in code is unknown, used already or expired: ask the office for a new link";
    if (!code_shaped(code)) fail(ErrorKind::Permission, refused);
    std::string now = format_instant(ctx.now());
    auto& q = ctx.store.prepare(
        "SELECT c.id, c.worker_id, c.created_at, c.expires_at FROM login_code c JOIN worker w ON w.id = c.worker_id "
        "WHERE c.code_hash = ? AND c.used_at IS NULL AND c.expires_at > ? AND w.active = 1");
    q.bind(1, secret_hash(code));
    q.bind(2, now);
    if (!q.executeStep()) {
        q.reset();
        fail(ErrorKind::Permission, refused);
    }
    int64_t id = q.getColumn(0).getInt64();
    int64_t worker_id = q.getColumn(1).getInt64();
    std::string created = q.getColumn(2).getString();
    std::string expires = q.getColumn(3).getString();
    q.reset();
    NewApiToken made = add_api_token(ctx, worker_id, std::string("login link"), std::nullopt);
    // used_at IS NULL again: of two exchanges at once, one changes the row and the other nothing.
    auto& u = ctx.store.prepare("UPDATE login_code SET used_at = ?, token_id = ? WHERE id = ? AND used_at IS NULL");
    u.bind(1, now);
    u.bind(2, made.token.id);
    u.bind(3, id);
    if (u.exec() != 1) fail(ErrorKind::Permission, refused);
    Json before = object({{"id", id}, {"worker_id", worker_id}, {"created_at", created}, {"expires_at", expires},
                          {"used_at", nullptr}, {"token_id", nullptr}});
    Json after = before;
    after["used_at"] = now;
    after["token_id"] = made.token.id;
    record_change(ctx, "login_code", id, before, after);
    return made;
}

std::chrono::seconds parse_login_code_lifetime(std::string_view text, std::string_view what) {
    int n = 0;
    if (text.size() >= 2 && (text.back() == 'm' || text.back() == 'h')) {
        auto r = std::from_chars(text.data(), text.data() + text.size() - 1, n);
        if (r.ec == std::errc{} && r.ptr == text.data() + text.size() - 1) {
            long minutes = text.back() == 'h' ? long{n} * 60 : n;
            if (minutes >= 1 && minutes <= 24 * 60) return std::chrono::seconds{minutes * 60};
        }
    }
    fail(ErrorKind::BadInput, std::string(what) + ": '" + escape_for_line(text) + "' is not a lifetime of 1 minute to 24 hours (15m, 2h)");
}

std::string api_token_status(const ApiToken& t, Instant now) {
    if (t.revoked_at) return "revoked";
    // Stored instants are RFC 3339 of one width, so text order is time order (as in authenticate).
    if (t.expires_at && *t.expires_at <= format_instant(now)) return "expired";
    return "active";
}

Instant parse_api_token_expiry(std::string_view text, Instant now, const TimeZone& tz, std::string_view what) {
    std::string field(what);
    std::string shown = "'" + escape_for_line(text) + "'";
    if (text.size() >= 2 && (text.back() == 'd' || text.back() == 'w')) {
        int n = 0;
        auto r = std::from_chars(text.data(), text.data() + text.size() - 1, n);
        if (r.ec == std::errc{} && r.ptr == text.data() + text.size() - 1 && n >= 1 &&
            n <= (text.back() == 'w' ? k_max_days / 7 : k_max_days)) {
            int days = text.back() == 'w' ? n * 7 : n;
            return now + std::chrono::seconds{int64_t{days} * 86400};
        }
        if (r.ec == std::errc{} && r.ptr == text.data() + text.size() - 1)
            fail(ErrorKind::BadInput, field + ": " + shown + " is not a lifetime of 1 day to 10 years (1d to 3660d, 1w to 522w)");
    }
    if (text.size() == 10 && text[4] == '-') {
        Date day = parse_date(text, what);
        Instant end = tz.to_instant(LocalTime{date::local_days{add_days(day, 1)}});
        if (end <= now) fail(ErrorKind::BadInput, field + ": " + shown + " is over already; a token must expire after now");
        return end;
    }
    fail(ErrorKind::BadInput, field + ": " + shown + " is not a lifetime (90d, 12w) or a last day (YYYY-MM-DD)");
}

const std::vector<std::string>& api_token_fields() {
    static const std::vector<std::string> f{"id",     "worker_id",  "worker",     "label",
                                            "status", "created_at", "expires_at", "revoked_at"};
    return f;
}

Json api_token_json(const ApiToken& t, Instant now) {
    return object({{"id", t.id},
                   {"worker_id", t.worker_id},
                   {"worker", t.worker},
                   {"label", opt(t.label)},
                   {"status", api_token_status(t, now)},
                   {"created_at", t.created_at},
                   {"expires_at", opt(t.expires_at)},
                   {"revoked_at", opt(t.revoked_at)}});
}

}  // namespace pom
