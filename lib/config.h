#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace pom {

struct CompanyInfo {
    std::string name = "Pool Company";
    std::string address;
    std::string phone;
    std::string email;
};

/// The company's settings from pom.toml. Every field has a default, so no file means defaults.
struct Config {
    std::string source;              ///< the file it was read from; empty when defaults
    std::optional<std::string> db;   ///< database path (`db`), relative to the file's folder
    std::string timezone = "UTC";    ///< IANA zone in which people type and see dates
    int busy_timeout_ms = 5000;      ///< how long a command waits for a locked database
    std::string currency = "USD";
    CompanyInfo company;
    /// Which weekdays are working days (0 = Sunday … 6 = Saturday).
    std::vector<int> working_days{1, 2, 3, 4, 5};
};

/// Reads a pom.toml. A syntax error, a wrong type, an unknown key or an invalid value throws
/// ErrorKind::Config naming `FILE:LINE:COLUMN`. A missing file throws ErrorKind::NoInput.
Config load_config_file(const std::string& path);

/// The effective settings as a flat JSON object (`config show`).
nlohmann::ordered_json config_to_json(const Config& config);

}  // namespace pom
