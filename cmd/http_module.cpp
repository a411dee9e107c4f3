// pom-http.so: cpp-httplib behind cmd/http_server.h (Debian's libcpp-httplib-dev, built with
// OpenSSL): a thread pool, TLS, keep-alive, body limits and timeouts — what pom serve needs and no
// more. Boost.Beast would bring an async framework pom has no other use for. Loaded by `pom serve`
// only; see http_server.h for why it is a module.
#include "http_server.h"

#include <httplib.h>

namespace pom::http {

namespace {

Request request_of(const httplib::Request& req) {
    Request r;
    r.method = req.method;
    r.path = req.path;
    r.target = req.target;
    r.body = req.body;
    r.params.assign(req.params.begin(), req.params.end());
    r.headers.assign(req.headers.begin(), req.headers.end());
    return r;
}

void give(Response& from, httplib::Response& to) {
    to.status = from.status;
    for (auto& [name, value] : from.headers) to.set_header(name, value);
    if (!from.content_type.empty() || !from.body.empty()) to.set_content(std::move(from.body), from.content_type);
}

class HttplibServer final : public Server {
public:
    HttplibServer(const Options& o, Handler& handler) : m_handler(handler) {
        if (!o.tls_cert.empty())
            m_server = std::make_unique<httplib::SSLServer>(o.tls_cert.c_str(), o.tls_key.c_str());
        else
            m_server = std::make_unique<httplib::Server>();
        size_t threads = o.threads;
        m_server->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
        m_server->set_payload_max_length(o.max_body);
        m_server->set_read_timeout(o.timeout_seconds, 0);
        m_server->set_write_timeout(o.timeout_seconds, 0);
        m_server->set_keep_alive_max_count(o.keep_alive_requests);
        m_server->set_keep_alive_timeout(o.keep_alive_seconds);
        m_server->set_tcp_nodelay(true);
        auto handle = [this](const httplib::Request& req, httplib::Response& res) {
            Request r = request_of(req);
            Response out;
            m_handler.handle(r, out);
            give(out, res);
        };
        m_server->Get(".*", handle);
        m_server->Post(".*", handle);
        m_server->Put(".*", handle);
        m_server->Delete(".*", handle);
        m_server->Patch(".*", handle);
        m_server->Options(".*", handle);
        m_server->set_error_handler(
            httplib::Server::HandlerWithResponse([this](const httplib::Request& req, httplib::Response& res) {
                if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
                Request r = request_of(req);
                Response out;
                out.status = res.status;
                m_handler.refused(r, out);
                give(out, res);
                return httplib::Server::HandlerResponse::Handled;
            }));
        m_server->set_logger([this](const httplib::Request& req, const httplib::Response& res) {
            Request r;
            r.method = req.method;
            r.path = req.path;
            m_handler.log(r, res.status);
        });
    }

    bool valid() const override { return m_server->is_valid(); }
    int bind(const std::string& host, int port) override {
        if (port == 0) return m_server->bind_to_any_port(host);
        return m_server->bind_to_port(host, port) ? port : -1;
    }
    bool listen() override { return m_server->listen_after_bind(); }
    void stop() override { m_server->stop(); }
    bool running() const override { return m_server->is_running(); }

private:
    Handler& m_handler;
    std::unique_ptr<httplib::Server> m_server;
};

}  // namespace

}  // namespace pom::http

extern "C" __attribute__((visibility("default"))) pom::http::Server* pom_http_server(const pom::http::Options* options,
                                                                                    pom::http::Handler* handler) {
    return new pom::http::HttplibServer(*options, *handler);
}
