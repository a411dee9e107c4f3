// pom serve: the company's HTTP JSON API (cmd/api.h), each worker with their own token. The HTTP
// server is cmd/http_server.h's (cpp-httplib, in a module loaded by this command only).
#include "api.h"
#include "api_answer.h"
#include "api_token.h"
#include "cli.h"
#include "error.h"
#include "http_server.h"
#include "service.h"
#include "text_check.h"
#include "web_files.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pthread.h>
#include <thread>
#include <unistd.h>

namespace pom::cli {

namespace {

constexpr size_t k_max_json_body = 1 << 20;   // 1 MiB: a day's batch of a technician is a few KiB
constexpr size_t k_max_body = 16 << 20;       // 16 MiB: a phone's photo
constexpr const char* k_prefix = "/api/v1";

struct ServeOptions {
    std::string listen = "127.0.0.1:8080";
    int threads = 32;
    std::string tls_cert, tls_key;
    bool insecure_http = false;
};

int http_status(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::Usage: return 400;
        case ErrorKind::BadInput: return 422;
        case ErrorKind::NotFound: return 404;
        case ErrorKind::Conflict:
        case ErrorKind::Transition: return 409;
        case ErrorKind::Permission: return 403;
        case ErrorKind::Busy:
        case ErrorKind::Io:
        case ErrorKind::NewerDatabase:
        case ErrorKind::NoInput: return 503;
        case ErrorKind::Internal:
        case ErrorKind::Config: return 500;
    }
    return 500;
}

std::string error_body(const std::string& code, const std::string& message) {
    Json e = {{"error", {{"code", code}, {"message", escape_for_line(message)}}}};
    return e.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

/// What the last request of this thread was, for its log line.
thread_local std::string t_worker = "-";
thread_local std::chrono::steady_clock::time_point t_start{};

std::string utc_now_text() {
    auto now = std::chrono::system_clock::now();
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

void write_line(const std::string& line) {
    // One write: lines of concurrent requests never interleave.
    ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
    (void)n;
}

/// A file that is removed when it goes out of scope (a photo or a batch on its way in).
class TempFile {
public:
    TempFile(std::string_view body, const std::string& suffix) {
        const char* dir = std::getenv("TMPDIR");
        std::string pattern = std::string(dir && *dir ? dir : "/tmp") + "/pom-serve-XXXXXX" + suffix;
        std::vector<char> name(pattern.begin(), pattern.end());
        name.push_back('\0');
        int fd = ::mkstemps(name.data(), static_cast<int>(suffix.size()));
        if (fd < 0) fail(ErrorKind::Io, "cannot make a temporary file in " + std::string(dir && *dir ? dir : "/tmp"));
        m_path = name.data();
        size_t done = 0;
        while (done < body.size()) {
            ssize_t n = ::write(fd, body.data() + done, body.size() - done);
            if (n <= 0) {
                ::close(fd);
                ::unlink(m_path.c_str());
                fail(ErrorKind::Io, "cannot write a temporary file");
            }
            done += static_cast<size_t>(n);
        }
        ::close(fd);
    }
    ~TempFile() { ::unlink(m_path.c_str()); }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
};

std::string photo_suffix(const std::string& content_type) {
    std::string type = content_type.substr(0, content_type.find(';'));
    if (type == "image/jpeg") return ".jpg";
    if (type == "image/png") return ".png";
    if (type == "image/gif") return ".gif";
    if (type == "image/webp") return ".webp";
    return "";
}

/// Requests that may write (POST) take turns in arrival order; reads go on meanwhile. The database
/// serializes writers anyway (SQLite's one writer, pom's advisory lock on PostgreSQL), but SQLite's
/// busy handler waits by sleeping with backoff: 64 threads polling for the lock gave a p99 of a
/// second and requests that ran out the busy timeout. Queued here, each writer finds the database
/// free. The turn starts before the request's command is parsed, not at its transaction: on two
/// cores, writers that parse while another one writes only slow it down (bench/serve: p99 x3). It
/// ends when the change is committed (Session::after_commit): the answer's reads, a dozen for a
/// service ticket, and its rendering run outside the lane; with an Idempotency-Key the answer is
/// stored in the change's transaction, and the turn spans the whole request.
class WriteTurns {
public:
    void lock() {
        std::unique_lock<std::mutex> hold(m_mutex);
        if (!m_busy && m_waiting.empty()) {
            m_busy = true;
            return;
        }
        std::condition_variable mine;  // one per waiter: a turn wakes the next writer only
        m_waiting.push_back(&mine);
        mine.wait(hold, [&] { return !m_busy && m_waiting.front() == &mine; });
        m_waiting.pop_front();
        m_busy = true;
    }
    void unlock() {
        std::lock_guard<std::mutex> hold(m_mutex);
        m_busy = false;
        if (!m_waiting.empty()) m_waiting.front()->notify_one();
    }

private:
    std::mutex m_mutex;
    std::deque<std::condition_variable*> m_waiting;
    bool m_busy = false;
};

struct Answer {
    int status = 200;
    std::string body;
};

class Api final : public http::Handler {
public:
    explicit Api(Env env) : m_env(std::move(env)) {}
    Api(const Api&) = delete;
    Api& operator=(const Api&) = delete;

    void handle(const http::Request& req, http::Response& res) override {
        t_start = std::chrono::steady_clock::now();
        t_worker = "-";
        res.set_header("X-Content-Type-Options", "nosniff");
        res.set_header("Referrer-Policy", "no-referrer");
        if (serve_page(req, res)) return;
        // An answer of the API is data, never a page: nothing in it may run or be framed.
        res.set_header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        Answer a;
        try {
            a = answer(req, res);
        } catch (const Error& e) {
            a = {http_status(e.kind()), error_body(error_code_name(e.kind()), e.what())};
            if (e.kind() == ErrorKind::Io) thread_session().reset();
        } catch (const std::exception& e) {
            a = {500, error_body("internal", std::string("internal error: ") + e.what())};
        }
        if (a.status == 503) res.set_header("Retry-After", "1");
        if (a.status == 401) res.set_header("WWW-Authenticate", "Bearer realm=\"pom\"");
        res.status = a.status;
        res.set_content(std::move(a.body), "application/json");
    }

    /// What the server refused itself (a body over the limit, a malformed request) is answered
    /// as the API's own errors are.
    void refused(const http::Request& req, http::Response& res) override {
        std::string code = res.status == 413 ? "too_large" : res.status == 404 ? "not_found" : res.status == 405 ? "method_not_allowed" : "usage";
        std::string message = res.status == 413   ? "the request body is over " + std::to_string(k_max_body >> 20) + " MiB"
                              : res.status == 404 ? "no such path: " + req.path
                                                  : "a malformed request (HTTP " + std::to_string(res.status) + ")";
        res.set_content(error_body(code, message), "application/json");
    }

    void log(const http::Request& req, int status) override {
        long ms = 0;
        if (t_start != std::chrono::steady_clock::time_point{})
            ms = static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t_start).count());
        write_line(utc_now_text() + " " + t_worker + " " + req.method + " " + req.path + " " + std::to_string(status) + " " +
                   std::to_string(ms) + "ms\n");
        t_start = {};
        t_worker = "-";
    }

private:
    Env m_env;
    WriteTurns m_writes;

    /// One Session (one database connection) per server thread.
    static std::unique_ptr<Session>& thread_session() {
        thread_local std::unique_ptr<Session> s;
        return s;
    }
    Session& session() {
        auto& s = thread_session();
        if (!s) {
            s = std::make_unique<Session>(m_env);
            s->keep_trees = true;
        }
        s->batch.reset();  // a batch that failed half-way leaves nothing behind for the next request
        return *s;
    }

    std::unique_ptr<Clock> clock(Session& s) {
        if (m_env.pom_now) return std::make_unique<FixedClock>(parse_instant(*m_env.pom_now, s.tz(Globals{}), "POM_NOW"));
        return std::make_unique<SystemClock>();
    }

    /// The browser pages (web/): the technician's at /, the office's board at /board. No inline
    /// script or style anywhere, so the policy can forbid both; no-cache makes the browser ask
    /// again each time (a new pom's pages show at once), and the service worker decides what is
    /// kept for offline use.
    static bool serve_page(const http::Request& req, http::Response& res) {
        if (req.method != "GET" && req.method != "HEAD") return false;
        std::string path = req.path == "/" ? "/index.html" : req.path == "/board" ? "/board.html" : req.path;
        if (path == "/index.html" && req.path != "/") return false;
        for (const auto& f : web_files()) {
            if (f.path != path) continue;
            res.set_header("Content-Security-Policy",
                           "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; base-uri 'none'; "
                           "frame-ancestors 'none'; form-action 'none'");
            res.set_header("Cache-Control", "no-cache");
            res.set_header("Cross-Origin-Opener-Policy", "same-origin");
            res.status = 200;
            res.set_content(std::string(f.body), std::string(f.content_type));
            return true;
        }
        return false;
    }

    /// POST /api/v1/login {"code": "pomc_..."}: a login link's one-time code for a new API token
    /// of its worker (the record of `pom worker token add`, with its secret). The only route
    /// without a token: the code is the credential, and it works once.
    Answer login(const http::Request& req) {
        if (req.method != "POST") return {405, error_body("method_not_allowed", req.method + " " + req.path + ": only POST")};
        if (req.body.size() > 4096) return {413, error_body("too_large", "the request body is over 4 KiB")};
        Json body;
        try {
            body = Json::parse(req.body);
        } catch (const Json::parse_error&) {
            return {400, error_body("usage", "the request body is not JSON: {\"code\": \"pomc_...\"}")};
        }
        if (!body.is_object() || body.size() != 1 || !body.contains("code") || !body["code"].is_string())
            return {400, error_body("usage", "the request body is {\"code\": \"pomc_...\"}, the code of a login link")};
        Session& s = session();
        Store& store = s.store(Globals{});
        auto now_clock = clock(s);
        std::lock_guard<WriteTurns> turn(m_writes);
        WriteTx tx(store);
        Context ctx{store, s.config(Globals{}), *now_clock, s.tz(Globals{}), "pom serve", "pom serve POST " + req.path};
        try {
            NewApiToken made = redeem_login_code(ctx, body["code"].get<std::string>());
            tx.commit();
            Json record = api_token_json(made.token, now_clock->now());
            record["token"] = made.secret;
            t_worker = made.token.worker;
            return {200, record.dump(2) + "\n"};
        } catch (const Error& e) {
            tx.rollback();
            if (e.kind() == ErrorKind::Permission) return {401, error_body("unauthorized", e.what())};
            throw;
        }
    }

    Answer answer(const http::Request& req, http::Response& res) {
        if (req.path == std::string(k_prefix) + "/login") return login(req);
        if (req.path == "/openapi.json" || req.path == std::string(k_prefix) + "/openapi.json") {
            if (req.method != "GET") {
                res.set_header("Allow", "GET");
                return {405, error_body("method_not_allowed", req.method + " " + req.path + ": only GET")};
            }
            static const std::string doc = api::openapi().dump(2) + "\n";
            return {200, doc};
        }
        std::string prefix = std::string(k_prefix) + "/";
        if (req.path.rfind(prefix, 0) != 0) return {404, error_body("not_found", "no such path: " + req.path)};
        std::string path = req.path.substr(std::string(k_prefix).size());
        std::vector<std::string> values;
        std::string allowed;
        const api::Route* route = api::match(req.method, path, values, allowed);
        if (!route) {
            if (allowed.empty()) return {404, error_body("not_found", "no such path: " + req.path)};
            res.set_header("Allow", allowed);
            return {405, error_body("method_not_allowed", req.method + " " + req.path + ": allowed " + allowed)};
        }

        std::string auth = req.header("Authorization");
        const std::string bearer = "Bearer ";
        if (auth.rfind(bearer, 0) != 0) return {401, error_body("unauthorized", "an Authorization: Bearer token is required")};
        Session& s = session();
        Store& store = s.store(Globals{});
        auto now_clock = clock(s);
        auto caller = authenticate_api_token(store, std::string_view(auth).substr(bearer.size()), now_clock->now());
        if (!caller) return {401, error_body("unauthorized", "the token is unknown, revoked or expired")};
        t_worker = caller->name;

        // The request's fields: the query, or the JSON body.
        Json fields = Json::object();
        bool from_query = route->input != api::Input::json;
        for (const auto& [k, v] : req.params) {
            if (!from_query) return {400, error_body("usage", "query parameter '" + k + "': this route takes its fields in a JSON body")};
            if (fields.contains(k)) {
                if (!fields[k].is_array()) fields[k] = Json::array({fields[k]});
                fields[k].push_back(v);
            } else {
                fields[k] = v;
            }
        }
        if (route->input == api::Input::json && !req.body.empty()) {
            if (req.body.size() > k_max_json_body) return {413, error_body("too_large", "the request body is over 1 MiB")};
            if (std::string problem = text_problem(req.body, TextKind::Note); !problem.empty())
                return {400, error_body("usage", "the request body: " + problem)};
            try {
                fields = Json::parse(req.body);
            } catch (const Json::parse_error& e) {
                return {400, error_body("usage", "the request body is not JSON: " + std::string(e.what()))};
            }
            if (!fields.is_object()) return {400, error_body("usage", "the request body must be a JSON object")};
        } else if ((route->input == api::Input::none || route->input == api::Input::query) && !req.body.empty()) {
            return {400, error_body("usage", req.method + " " + req.path + " takes no request body")};
        }
        if (role_is_technician(*caller)) {
            if (!route->self_option.empty() && !fields.contains(route->self_option)) fields[route->self_option] = caller->name;
            if (route->from_today && !fields.contains("date") && !fields.contains("from")) fields["from"] = "today";
        }

        std::vector<std::string> extra;
        std::unique_ptr<TempFile> file;
        if (route->path == "/me") extra.push_back(std::to_string(caller->worker_id));
        if (route->input == api::Input::photo) {
            std::string suffix = photo_suffix(req.header("Content-Type"));
            if (suffix.empty())
                return {415, error_body("unsupported_media_type", "a photo is sent as image/jpeg, image/png, image/gif or image/webp")};
            if (req.body.empty()) return {400, error_body("usage", "the request body is the photo, and it is empty")};
            file = std::make_unique<TempFile>(req.body, suffix);
        } else if (route->input == api::Input::batch) {
            if (req.body.size() > k_max_json_body) return {413, error_body("too_large", "the request body is over 1 MiB")};
            file = std::make_unique<TempFile>(req.body, ".jsonl");
        }
        std::vector<std::string> args = {"--as=" + caller->name, "-o", "json"};
        auto command = api::command_line(*route, values, fields, from_query, extra);
        if (file) {
            // The file goes after the positionals the path filled.
            if (command.empty() || std::find(command.begin(), command.end(), "--") == command.end()) command.push_back("--");
            command.push_back(file->path());
        }
        args.insert(args.end(), command.begin(), command.end());

        std::unique_lock<WriteTurns> turn(m_writes, std::defer_lock);
        if (req.method == "POST") turn.lock();
        std::string key = req.header("Idempotency-Key");
        std::optional<WriteTx> tx;
        std::string fingerprint;
        if (req.method == "POST" && !key.empty()) {
            check_idempotency_key(key);
            fingerprint = api_request_fingerprint(req.method, req.target, req.header("Content-Type") + "\n" + std::string(req.body));
            tx.emplace(store);
            if (auto stored = find_api_answer(store, caller->worker_id, key, fingerprint)) {
                tx->rollback();
                res.set_header("Idempotent-Replayed", "true");
                return {stored->status, stored->body};
            }
        }
        s.locked_actor = caller->name;
        // Without a stored answer to commit with the change, the next writer goes as soon as this
        // one's change is committed: the reads of its answer run beside it (Output::answer).
        if (!tx && turn.owns_lock()) s.after_commit = [&turn] { turn.unlock(); };
        Captured c = run_captured(args, s);
        s.after_commit = nullptr;
        // A lost connection (the database server restarted) is not kept: the next request on this
        // thread connects again.
        bool lost = c.failure && c.failure->kind == ErrorKind::Io;
        Answer a = render(*route, c);
        if (route->input == api::Input::photo && a.status == 200) a.body = stored_photos(store, a.body);
        if (tx) {
            if (a.status == 200) {
                Context ctx{store, s.config(Globals{}), *now_clock, s.tz(Globals{}), caller->name, "pom serve " + req.method + " " + req.path};
                save_api_answer(ctx, caller->worker_id, key, fingerprint, a.status, a.body);
                tx->commit();
            } else {
                tx->rollback();
            }
        }
        if (lost) {
            tx.reset();
            thread_session().reset();
        }
        return a;
    }

    static bool role_is_technician(const ApiCaller& c) { return c.role == "technician"; }

    /// The photos' answer names the file each is stored as, not the temporary file the request
    /// body was written to (gone when the request ends).
    static std::string stored_photos(Store& store, const std::string& body) {
        Json rows = Json::parse(body);
        for (auto& r : rows) r["file"] = photo_path(store, r["sha256"].get<std::string>(), r["media_type"].get<std::string>());
        return rows.dump(2) + "\n";
    }

    static Answer render(const api::Route& route, Captured& c) {
        if (!valid_utf8(c.out)) c.out = replace_invalid_utf8(c.out);
        if (c.failure) {
            Answer a{http_status(c.failure->kind), error_body(error_code_name(c.failure->kind), c.failure->message)};
            if (route.input == api::Input::batch && !c.out.empty()) {
                Json body = Json::parse(a.body);
                body["lines"] = jsonl_array(c.out);
                a.body = body.dump(2) + "\n";
            }
            return a;
        }
        if (route.input == api::Input::batch) return {200, jsonl_array(c.out).dump(2) + "\n"};
        if (route.one) {
            Json all = Json::parse(c.out);
            if (!all.is_array() || all.size() != 1) return {500, error_body("internal", "expected one record")};
            return {200, all[0].dump(2) + "\n"};
        }
        return {200, std::move(c.out)};
    }

    /// The results of `pom batch`: one array with -o json (as the server asks), JSON Lines otherwise.
    static Json jsonl_array(const std::string& text) {
        if (size_t first = text.find_first_not_of(" \n"); first != std::string::npos && text[first] == '[')
            return Json::parse(text);
        Json out = Json::array();
        size_t start = 0;
        while (start < text.size()) {
            size_t nl = text.find('\n', start);
            std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
            if (!line.empty()) out.push_back(Json::parse(line));
            if (nl == std::string::npos) break;
            start = nl + 1;
        }
        return out;
    }
};

bool is_loopback(const std::string& host) {
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::pair<std::string, int> parse_listen(const std::string& listen) {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size())
        fail(ErrorKind::Usage, "--listen: '" + listen + "' is not HOST:PORT (127.0.0.1:8080)");
    std::string host = listen.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    std::string port_text = listen.substr(colon + 1);
    check_number_text(port_text, NumberKind::Count, "--listen port");
    int port = std::stoi(port_text);
    if (port > 65535) fail(ErrorKind::BadInput, "--listen: port " + port_text + " is over 65535");
    return {host, port};
}

int serve(Cli& cli, const ServeOptions& o) {
    auto [host, port] = parse_listen(o.listen);
    bool tls = !o.tls_cert.empty() || !o.tls_key.empty();
    if (tls && (o.tls_cert.empty() || o.tls_key.empty())) fail(ErrorKind::Usage, "TLS needs both --tls-cert and --tls-key");
    if (!tls && !o.insecure_http && !is_loopback(host))
        fail(ErrorKind::Usage, "listening on " + host + " without TLS: give --tls-cert and --tls-key, or --insecure-http "
                               "behind a reverse proxy on this host");
    if (o.threads < 1 || o.threads > 1024) fail(ErrorKind::BadInput, "--threads: between 1 and 1024");

    // The database is opened (and checked) now, not at the first request.
    Env env = cli.session.env();
    env.pom_db = cli.session.db_path(cli.g);
    if (!cli.g.config.empty()) env.pom_config = cli.g.config;
    cli.session.store(cli.g);
    api::routes();
    // glibc's zone is set once, here, before any thread reads the environment.
    cli.session.tz(cli.g).offset_at(SystemClock().now());

    if (tls)
        for (const auto& f : {o.tls_cert, o.tls_key})
            if (::access(f.c_str(), R_OK) != 0) fail(ErrorKind::NoInput, "cannot read " + f);
    Api api(env);
    http::Options options;
    options.tls_cert = o.tls_cert;
    options.tls_key = o.tls_key;
    options.threads = static_cast<size_t>(o.threads);
    options.max_body = k_max_body;
    std::unique_ptr<http::Server> svr = http::make_server(options, api);
    if (!svr->valid()) fail(ErrorKind::Config, "cannot use --tls-cert " + o.tls_cert + " with --tls-key " + o.tls_key);
    int threads = o.threads;

    // SIGTERM and SIGINT are taken by one thread, which stops the server: requests in flight are
    // finished, then listen returns.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    int bound = svr->bind(host, port);
    if (bound < 0) fail(ErrorKind::Io, "cannot listen on " + o.listen + ": " + std::strerror(errno));
    std::string url = std::string(tls ? "https" : "http") + "://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                      std::to_string(bound);
    write_line("pom serve: listening on " + url + " (" + Store::display(env.pom_db.value_or("")) + ", " +
               std::to_string(threads) + " threads)\n");

    std::atomic<bool> stopping{false}, returned{false};
    http::Server* raw = svr.get();
    std::thread stopper([&stop_signals, &stopping, &returned, raw] {
        int sig = 0;
        sigwait(&stop_signals, &sig);
        if ((sig == SIGTERM || sig == SIGINT) && !returned) {
            stopping = true;
            // httplib's stop() does nothing until listen has begun: a signal that came just after
            // the "listening" line would be lost and the server run on.
            while (!returned && !raw->running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            raw->stop();
        }
    });
    bool ok = svr->listen();
    returned = true;
    if (!stopping) pthread_kill(stopper.native_handle(), SIGTERM);
    stopper.join();
    write_line("pom serve: stopped\n");
    if (!ok && !stopping) fail(ErrorKind::Io, "the server stopped: " + std::string(std::strerror(errno)));
    return 0;
}

}  // namespace

void register_serve(CLI::App& app, Cli& cli) {
    auto o = std::make_shared<ServeOptions>();
    auto* sub = app.add_subcommand("serve", "Serve the HTTP JSON API: each worker with their own token (pom worker token)");
    sub->add_option("--listen", o->listen, "Address and port: 127.0.0.1:8080 (port 0: any free one)")->capture_default_str();
    sub->add_option("--threads", o->threads, "Requests served at once, each with its own database connection")->capture_default_str();
    sub->add_option("--tls-cert", o->tls_cert, "TLS certificate chain (PEM)");
    sub->add_option("--tls-key", o->tls_key, "TLS private key (PEM)");
    sub->add_flag("--insecure-http", o->insecure_http, "Plain HTTP on an address other than loopback (behind a reverse proxy)");
    sub->callback([&cli, o] {
        cli.plain([&] {
            cli.refuse_in_batch("serve", "it runs until it is stopped");
            serve(cli, *o);
            return Output{};
        });
    });
}

}  // namespace pom::cli
