#pragma once
// The HTTP server under `pom serve`, as pom sees it: requests in, responses out, no library types.
//
// The server itself is cpp-httplib, built into a module of its own (pom-http.so, beside pom or in
// ../lib/pom) that `pom serve` loads: linked into pom, libcpp-httplib and what it needs (libssl,
// brotli, zlib) cost every short command about 3 ms of loading at start. pom and the module share
// only this header's types, across calls through virtual functions, so nothing of pom needs to be
// exported to the module and the module exports one function (pom_http_server).
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pom::http {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Request {
    std::string method, path;
    std::string target;     ///< the path with its query, as sent
    std::string_view body;  ///< valid while the request is handled
    Fields params;          ///< the query's fields, in order
    Fields headers;

    /// A header's value (names compared without case); "" when absent.
    std::string header(std::string_view name) const;
};

struct Response {
    int status = 200;
    Fields headers;
    std::string body;
    std::string content_type;

    void set_header(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
    void set_content(std::string text, std::string type) {
        body = std::move(text);
        content_type = std::move(type);
    }
};

/// pom's side: called on the server's threads, several at once.
class Handler {
public:
    virtual void handle(const Request& request, Response& response) = 0;
    /// A request the server refused before handle (too large, malformed): `response` has the
    /// status; the handler gives the body.
    virtual void refused(const Request& request, Response& response) = 0;
    /// After each response is sent.
    virtual void log(const Request& request, int status) = 0;

protected:
    ~Handler() = default;
};

struct Options {
    std::string tls_cert, tls_key;  ///< both or neither (plain HTTP)
    size_t threads = 32;
    size_t max_body = 16 << 20;
    int timeout_seconds = 10;       ///< reading a request, writing a response
    int keep_alive_seconds = 5;
    size_t keep_alive_requests = 1000;
};

class Server {
public:
    virtual ~Server() = default;
    /// False when the TLS certificate and key cannot be used.
    virtual bool valid() const = 0;
    /// Binds to host:port (port 0: any free one); the port, or -1 with errno set.
    virtual int bind(const std::string& host, int port) = 0;
    /// Serves until stop(); false if it could not.
    virtual bool listen() = 0;
    /// Finishes the requests in flight and makes listen() return. Safe from another thread.
    virtual void stop() = 0;
    virtual bool running() const = 0;
};

/// Loads the module (once) and makes a server; a missing module is a Config error (exit 78).
std::unique_ptr<Server> make_server(const Options& options, Handler& handler);

}  // namespace pom::http

extern "C" {
/// The module's one entry point; the caller owns the result.
using pom_http_server_fn = pom::http::Server* (*)(const pom::http::Options*, pom::http::Handler*);
}
