// pom.toml (lib/config.h): values, defaults, and bad files named by file, line and column.
#include "config.h"
#include "error.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace pom;
namespace fs = std::filesystem;

namespace {

struct TomlFile {
    std::string path;
    explicit TomlFile(const std::string& text) {
        std::string tmpl = (fs::temp_directory_path() / "pom-config-XXXXXX").string();
        int fd = ::mkstemp(tmpl.data());
        ::close(fd);
        path = tmpl;
        std::ofstream(path) << text;
    }
    ~TomlFile() { std::remove(path.c_str()); }
};

/// The Config error for a file with `text`, with the file's path replaced by "FILE".
std::string config_error(const std::string& text) {
    TomlFile f(text);
    try {
        load_config_file(f.path);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Config);
        CHECK(exit_code(e.kind()) == 78);
        std::string m = e.what();
        auto at = m.find(f.path);
        if (at != std::string::npos) m.replace(at, f.path.size(), "FILE");
        return m;
    }
    FAIL("no error for " << text);
    return "";
}

}  // namespace

TEST_CASE("no file means defaults") {
    Config c;
    CHECK(c.timezone == "UTC");
    CHECK(c.busy_timeout_ms == 5000);
    CHECK(c.currency == "USD");
    CHECK(c.working_days == std::vector<int>{1, 2, 3, 4, 5});
    CHECK(c.source.empty());
    CHECK_FALSE(c.db);
}

TEST_CASE("values from a file") {
    TomlFile f("timezone = \"America/Phoenix\"\nbusy_timeout_ms = 250\nworking_days = [\"mon\", \"sat\"]\n"
               "[company]\nname = \"Blue Wave\"\n");
    Config c = load_config_file(f.path);
    CHECK(c.timezone == "America/Phoenix");
    CHECK(c.busy_timeout_ms == 250);
    CHECK(c.working_days == std::vector<int>{1, 6});
    CHECK(c.company.name == "Blue Wave");
    CHECK(c.source == f.path);
    CHECK(c.is_working_day(6));
    CHECK_FALSE(c.is_working_day(0));
}

TEST_CASE("the example config is valid") {
    const char* src = std::getenv("POM_SOURCE_DIR");
    fs::path example = fs::path(src ? src : POM_TEST_SOURCE_DIR) / "examples" / "pom.toml";
    REQUIRE(fs::exists(example));
    CHECK(load_config_file(example.string()).timezone == "America/Phoenix");
}

TEST_CASE("a bad file is refused naming file:line:column") {
    CHECK(config_error("timezone = \"America/Phoenix\"\nbusy_timeout_ms = = 5\n").rfind("FILE:2:", 0) == 0);
    CHECK(config_error("timezone = \"America/Phoenix\n").rfind("FILE:1:", 0) == 0);
    CHECK(config_error("[company]\nname = \"A\"\n[company]\nname = \"B\"\n").rfind("FILE:3:", 0) == 0);
    CHECK(config_error("timezone = \"America/Phoenix\"\ncolour = \"blue\"\n") == "FILE:2:10: unknown key 'colour'");
    CHECK(config_error("[company]\nname = \"A\"\nfax = \"x\"\n") == "FILE:3:7: unknown key 'company.fax'");
    CHECK(config_error("timezone = \"Mars/Olympus_Mons\"\n") == "FILE:1:12: unknown time zone 'Mars/Olympus_Mons' (an IANA name such as America/Phoenix)");
    CHECK(config_error("busy_timeout_ms = \"fast\"\n").rfind("FILE:1:19: busy_timeout_ms must be an integer", 0) == 0);
    CHECK(config_error("busy_timeout_ms = -1\n").find("busy_timeout_ms must be between 0 and 600000") != std::string::npos);
    CHECK(config_error("currency = \"dollars\"\n").find("currency must be a 3-letter ISO 4217 code") != std::string::npos);
    CHECK(config_error("working_days = [\"mon\", \"funday\"]\n").find("working_days: not a weekday name") != std::string::npos);
    CHECK(config_error("company = \"Blue Wave\"\n").find("company must be a table") != std::string::npos);
}

TEST_CASE("a missing file is no input") {
    try {
        load_config_file("/nonexistent/pom.toml");
        FAIL("accepted a missing file");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::NoInput);
        CHECK(std::string(e.what()).find("/nonexistent/pom.toml") != std::string::npos);
    }
}

TEST_CASE("db: a path is relative to the config file, a PostgreSQL URI is used as written") {
    TomlFile relative("db = \"pom.db\"\n");
    CHECK(load_config_file(relative.path).db == (fs::path(relative.path).parent_path() / "pom.db").string());
    TomlFile uri("db = \"postgresql:///pool?host=/run/postgresql&schema=pom\"\n");
    CHECK(load_config_file(uri.path).db == "postgresql:///pool?host=/run/postgresql&schema=pom");
    TomlFile short_uri("db = \"postgres://office@db.example/pool\"\n");
    CHECK(load_config_file(short_uri.path).db == "postgres://office@db.example/pool");
}

TEST_CASE("service types: a type named in the config changes or adds one, the built-in ones stay") {
    TomlFile f("[service_types.salt-cell-clean]\nduration = 45\nprice = \"65.00\"\n"
               "[service_types.maintenance]\nprice = \"49.00\"\n"
               "[service_types.closing]\nenabled = false\n");
    Config c = load_config_file(f.path);
    std::vector<std::string> names;
    for (const auto& t : c.service_types) names.push_back(t.name);
    CHECK(names == std::vector<std::string>{"maintenance", "repair", "opening", "green-to-clean", "inspection", "salt-cell-clean"});
    CHECK(c.service_type("maintenance").price_cents == 4900);
    CHECK(c.service_type("maintenance").duration_min == 30);
    CHECK(c.service_type("salt-cell-clean").duration_min == 45);
    CHECK_THROWS_WITH(c.service_type("closing"), Catch::Contains("unknown service type 'closing'"));
    CHECK(config_error("[service_types.repair]\nenabled = \"no\"\n").find("enabled must be true or false") != std::string::npos);
    std::string all_off;
    for (const auto& t : Config::default_service_types()) all_off += "[service_types." + t.name + "]\nenabled = false\n";
    CHECK(config_error(all_off).find("every type is switched off") != std::string::npos);
}
