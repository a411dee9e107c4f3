#include "config.h"

#include "error.h"
#include "clock.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

namespace pom {

namespace {

std::string where(const std::string& path, const toml::source_region& src) {
    return path + ":" + std::to_string(src.begin.line) + ":" + std::to_string(src.begin.column);
}

[[noreturn]] void config_error(const std::string& path, const toml::node& node, const std::string& msg) {
    fail(ErrorKind::Config, where(path, node.source()) + ": " + msg);
}

std::string get_string(const std::string& path, const toml::node& node, const std::string& key) {
    if (auto v = node.value<std::string>()) return *v;
    config_error(path, node, key + " must be a string");
}

int64_t get_int(const std::string& path, const toml::node& node, const std::string& key, int64_t lo, int64_t hi) {
    auto v = node.value_exact<int64_t>();
    if (!v) config_error(path, node, key + " must be an integer");
    if (*v < lo || *v > hi)
        config_error(path, node, key + " must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    return *v;
}

int weekday_number(const std::string& name) {
    static const char* names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    for (int i = 0; i < 7; ++i)
        if (name.size() >= 3 && name.compare(0, 3, names[i]) == 0) return i;
    return -1;
}

void read_company(const std::string& path, const toml::table& t, CompanyInfo& c) {
    for (auto&& [k, v] : t) {
        std::string key(k.str());
        if (key == "name") c.name = get_string(path, v, "company.name");
        else if (key == "address") c.address = get_string(path, v, "company.address");
        else if (key == "phone") c.phone = get_string(path, v, "company.phone");
        else if (key == "email") c.email = get_string(path, v, "company.email");
        else config_error(path, v, "unknown key 'company." + key + "'");
    }
}

}  // namespace

Config load_config_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(ErrorKind::NoInput, "config file " + path + " cannot be read");
    std::stringstream buf;
    buf << in.rdbuf();
    Config cfg;
    cfg.source = path;
    toml::table doc;
    try {
        doc = toml::parse(buf.str(), path);
    } catch (const toml::parse_error& e) {
        fail(ErrorKind::Config, where(path, e.source()) + ": " + std::string(e.description()));
    }
    for (auto&& [k, v] : doc) {
        std::string key(k.str());
        if (key == "db") {
            std::string db = get_string(path, v, "db");
            std::filesystem::path p(db);
            if (p.is_relative()) p = std::filesystem::path(path).parent_path() / p;
            cfg.db = p.string();
        } else if (key == "timezone") {
            cfg.timezone = get_string(path, v, "timezone");
            if (!time_zone_exists(cfg.timezone))
                config_error(path, v, "unknown time zone '" + cfg.timezone + "' (an IANA name such as America/Phoenix)");
        } else if (key == "busy_timeout_ms") {
            cfg.busy_timeout_ms = static_cast<int>(get_int(path, v, "busy_timeout_ms", 0, 600000));
        } else if (key == "currency") {
            cfg.currency = get_string(path, v, "currency");
            if (cfg.currency.size() != 3) config_error(path, v, "currency must be a 3-letter ISO 4217 code");
        } else if (key == "working_days") {
            auto* arr = v.as_array();
            if (!arr) config_error(path, v, "working_days must be an array of weekday names");
            cfg.working_days.clear();
            for (auto&& d : *arr) {
                int n = weekday_number(get_string(path, d, "working_days"));
                if (n < 0) config_error(path, d, "working_days: not a weekday name (mon, tue, …)");
                cfg.working_days.push_back(n);
            }
            if (cfg.working_days.empty()) config_error(path, v, "working_days must name at least one day");
        } else if (key == "company") {
            auto* t = v.as_table();
            if (!t) config_error(path, v, "company must be a table");
            read_company(path, *t, cfg.company);
        } else {
            config_error(path, v, "unknown key '" + key + "'");
        }
    }
    return cfg;
}

nlohmann::ordered_json config_to_json(const Config& c) {
    static const char* names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    nlohmann::ordered_json days = nlohmann::ordered_json::array();
    for (int d : c.working_days) days.push_back(names[d]);
    return {
        {"source", c.source.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(c.source)},
        {"db", c.db ? nlohmann::ordered_json(*c.db) : nlohmann::ordered_json(nullptr)},
        {"timezone", c.timezone},
        {"busy_timeout_ms", c.busy_timeout_ms},
        {"currency", c.currency},
        {"working_days", days},
        {"company.name", c.company.name},
        {"company.address", c.company.address},
        {"company.phone", c.company.phone},
        {"company.email", c.company.email},
    };
}

}  // namespace pom
