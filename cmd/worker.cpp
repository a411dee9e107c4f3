// pom worker add|list|show|edit|login-link, and pom worker token add|list|revoke
#include "api_token.h"
#include "cli.h"
#include "text_check.h"
#include "qr.h"
#include "worker.h"

#include <cstdio>
#include <fstream>

namespace pom::cli {

namespace {

const std::vector<std::string> k_table = {"id", "name", "role", "phone", "email", "active"};
const std::vector<std::string> k_token_table = {"id", "worker", "label", "status", "created_at", "expires_at"};

void add_field_options(CLI::App* sub, WorkerFields& f, bool creating) {
    auto* name = add_opt(sub, "--name", f.name, "Name (unique)");
    if (creating) name->required();
    add_opt(sub, "--phone", f.phone, "Phone number");
    add_opt(sub, "--email", f.email, "Email address");
    add_opt(sub, "--role", f.role, "technician, office, manager, accountant or admin")->check(CLI::IsMember(worker_roles()));
    add_opt(sub, "--start", f.start, "Where their day starts, LAT,LON (home or the shop; default: [routing] depot)");
    add_opt(sub, "--end", f.end, "Where their day ends, LAT,LON (default: where it starts)");
    add_opt(sub, "--hours", f.hours, "Working hours, local HH:MM-HH:MM (default: [routing] day_start-day_end)");
    add_opt(sub, "--skills", f.skills, "What they can do beyond routine service, comma-separated (\"repair,green pool\"); \"\" for none");
    add_opt(sub, "--capacity", f.capacity, "What their truck carries, in [routing] load_unit (\"40\"); none for no limit");
}

struct TokenAddOptions {
    std::string worker;
    std::optional<std::string> label, expires;
};

void setup_token_add(CLI::App* tokens, Cli& cli) {
    auto o = cli.bound<TokenAddOptions>();
    auto* sub = tokens->add_subcommand("add", "Make an API token for pom serve; prints it with its secret, once");
    sub->add_option("WORKER", o->worker, "Id or name of the worker it signs in")->required();
    add_opt(sub, "--label", o->label, "What it is for (\"office laptop\")");
    add_opt(sub, "--expires", o->expires,
            "90d or 12w from now, or a last day YYYY-MM-DD (through its end, in the company's zone); default never");
    sub->callback([&cli, o] {
        cli.write([&](Context& ctx) {
            int64_t worker = resolve_worker(ctx.store, o->worker);
            std::optional<Instant> expires;
            if (o->expires) expires = parse_api_token_expiry(*o->expires, ctx.now(), ctx.tz, "--expires");
            NewApiToken made = add_api_token(ctx, worker, o->label, expires);
            Json record = api_token_json(made.token, ctx.now());
            record["token"] = made.secret;
            auto fields = api_token_fields();
            fields.push_back("token");
            Output out = detail(std::move(record), std::move(fields));
            out.note = "this token is shown once; only its hash is kept";
            return out;
        });
    });
}

void setup_token_list(CLI::App* tokens, Cli& cli) {
    auto worker = cli.bound<std::optional<std::string>>();
    auto* sub = tokens->add_subcommand("list", "List API tokens, newest first: active, expired and revoked");
    add_opt(sub, "WORKER", *worker, "Only this worker's tokens (id or name)");
    sub->callback([&cli, worker] {
        cli.read([&](Context& ctx) {
            std::optional<int64_t> id;
            if (*worker) id = resolve_worker(ctx.store, **worker);
            std::vector<Json> rows;
            for (const auto& t : list_api_tokens(ctx.store, id)) rows.push_back(api_token_json(t, ctx.now()));
            return records(std::move(rows), api_token_fields(), k_token_table);
        });
    });
}

void setup_token_revoke(CLI::App* tokens, Cli& cli) {
    auto id = cli.bound<std::string>();
    auto* sub = tokens->add_subcommand("revoke", "Revoke an API token at once; prints the record");
    sub->add_option("ID", *id, "The token's id")->required();
    sub->callback([&cli, id] {
        cli.write([&](Context& ctx) {
            int64_t token = parse_id(*id, "ID");
            revoke_api_token(ctx, token);
            return detail(api_token_json(get_api_token(ctx.store, token), ctx.now()), api_token_fields());
        });
    });
}

struct LoginLinkOptions {
    std::string worker;
    std::string expires = "15m";
    std::string url = "http://127.0.0.1:8080";
    bool qr = false;
    std::optional<std::string> qr_svg;
};

/// Writes `text` to `path` whole or not at all (a temporary file renamed over it).
void write_whole_file(const std::string& path, const std::string& text, const std::string& what) {
    std::string tmp = path + ".tmp-pom";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        if (!f) fail(ErrorKind::Io, what + ": cannot write " + path);
        f << text;
        f.flush();
        if (!f) {
            std::remove(tmp.c_str());
            fail(ErrorKind::Io, what + ": writing " + path + " failed");
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        fail(ErrorKind::Io, what + ": cannot write " + path);
    }
}

/// The link's code is in the fragment (#code=), which the browser never sends to a server: it
/// stays out of access logs and proxies; the page reads it and exchanges it at POST /api/v1/login.
void setup_login_link(CLI::App* cmd, Cli& cli) {
    auto o = cli.bound<LoginLinkOptions>();
    auto* sub = cmd->add_subcommand("login-link", "A one-time sign-in link for the technician's phone (pom serve); prints it once");
    sub->add_option("WORKER", o->worker, "Id or name of the worker it signs in")->required();
    sub->add_option("--expires", o->expires, "How long the link works: 1m to 24h (15m, 2h)")->capture_default_str();
    sub->add_option("--url", o->url, "Where pom serve is reached from the phone")->capture_default_str();
    sub->add_flag("--qr", o->qr, "Also print the link as a QR code to scan from the screen (table output)");
    add_opt(sub, "--qr-svg", o->qr_svg, "Also write the link as a QR code to this SVG file, to print");
    sub->callback([&cli, o] {
        cli.write([&](Context& ctx) {
            if (o->url.rfind("http://", 0) != 0 && o->url.rfind("https://", 0) != 0)
                fail(ErrorKind::BadInput, "--url: '" + escape_for_line(o->url) + "' is not an http:// or https:// address");
            check_text(o->url, TextKind::Line, "--url");
            auto lifetime = parse_login_code_lifetime(o->expires, "--expires");
            int64_t worker = resolve_worker(ctx.store, o->worker);
            NewLoginCode made = add_login_code(ctx, worker, lifetime);
            std::string base = o->url;
            while (!base.empty() && base.back() == '/') base.pop_back();
            Json record = {{"id", made.id}, {"worker", made.worker}, {"expires_at", made.expires_at},
                           {"code", made.code}, {"url", base + "/#code=" + made.code}};
            std::string url = record["url"].get<std::string>();
            std::string until = date::format("%F %R", ctx.tz.to_local(parse_stored_instant(made.expires_at)));
            if (o->qr || o->qr_svg) {
                QrCode qr = qr_encode(url);
                // Written before the transaction commits: a file that cannot be written leaves no code.
                if (o->qr_svg)
                    write_whole_file(*o->qr_svg, qr_svg(qr, "pom sign-in for " + made.worker + ", once, until " + until), "--qr-svg");
                if (o->qr && cli.g.output == "table" && cli.g.fields.empty() && !cli.session.batch) {
                    Output out;
                    out.text = "Sign-in link for " + made.worker + " (works once, until " + until + "):\n" + url + "\n\n" + qr_text(qr);
                    out.note = "only the link's hash is kept";
                    return out;
                }
            }
            Output out = detail(std::move(record), {"id", "worker", "expires_at", "code", "url"});
            out.note = "this link works once, until " + made.expires_at + "; only its hash is kept";
            return out;
        });
    });
}

}  // namespace

void register_worker(CLI::App& app, Cli& cli) {
    auto* cmd = app.add_subcommand("worker", "Workers: technicians and office staff");
    cmd->require_subcommand(1);
    {
        auto f = cli.bound<WorkerFields>();
        auto* sub = cmd->add_subcommand("add", "Add a worker; prints the new record");
        add_field_options(sub, *f, true);
        sub->callback([&cli, f] {
            cli.write([&](Context& ctx) { return detail(worker_json(get_worker(ctx.store, add_worker(ctx, *f))), worker_fields()); });
        });
    }
    {
        auto all = cli.bound<bool>(false);
        auto role = cli.bound<std::optional<std::string>>();
        auto* sub = cmd->add_subcommand("list", "List workers by name");
        sub->add_flag("--all", *all, "Include inactive workers");
        add_opt(sub, "--role", *role, "Only this role")->check(CLI::IsMember(worker_roles()));
        sub->callback([&cli, all, role] {
            cli.read([&](Context& ctx) {
                std::vector<Json> rows;
                for (const auto& w : list_workers(ctx.store, *all, *role)) rows.push_back(worker_json(w));
                return records(std::move(rows), worker_fields(), k_table);
            });
        });
    }
    {
        auto key = cli.bound<std::string>();
        auto* sub = cmd->add_subcommand("show", "Show one worker");
        sub->add_option("WORKER", *key, "Id or name")->required();
        sub->callback([&cli, key] {
            cli.read([&](Context& ctx) { return detail(worker_json(get_worker(ctx.store, resolve_worker(ctx.store, *key))), worker_fields()); });
        });
    }
    {
        auto key = cli.bound<std::string>();
        auto f = cli.bound<WorkerFields>();
        auto* sub = cmd->add_subcommand("edit", "Change a worker; prints the record");
        sub->add_option("WORKER", *key, "Id or name")->required();
        add_field_options(sub, *f, false);
        add_bool(sub, "--active,!--inactive", f->active, "Still working (or not)");
        sub->callback([&cli, key, f] {
            cli.write([&](Context& ctx) {
                int64_t id = resolve_worker(ctx.store, *key);
                bool changed = edit_worker(ctx, id, *f);
                Output o = detail(worker_json(get_worker(ctx.store, id)), worker_fields());
                if (!changed) o.note = "nothing changed";
                return o;
            });
        });
    }
    {
        auto* tokens = cmd->add_subcommand("token", "API tokens for pom serve: add, list, revoke");
        tokens->require_subcommand(1);
        setup_token_add(tokens, cli);
        setup_token_list(tokens, cli);
        setup_token_revoke(tokens, cli);
    }
    setup_login_link(cmd, cli);
}

}  // namespace pom::cli
