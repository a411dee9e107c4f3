#pragma once
#include <nlohmann/json.hpp>
#include <map>
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

/// A kind of visit: maintenance, repair, opening, …
struct ServiceType {
    std::string name;
    int duration_min = 30;  ///< default length of a visit
    std::string checklist;  ///< the checklist a visit of this type uses
    int64_t price_cents = 0;  ///< default price per visit (a customer's billing plan may override it)
    bool taxable = false;
};

struct ChecklistItem {
    std::string item;
    bool required = true;
    bool photo = false;  ///< a photo must be attached before submit
};

/// A customer notice template. Placeholders in braces: {customer}, {first_name}, {company},
/// {company_phone}, {date}, {window}, {worker}, {eta}, {reason}, {service_type}.
struct NoticeTemplate {
    std::string channel = "email";  ///< email or sms
    std::string subject;
    std::string body;
    bool enabled = true;
};

/// How `pom notify send` delivers: a command per channel, the message on its stdin.
struct NotifySettings {
    std::string email_command = "sendmail -t -i";
    std::string sms_command;
    int max_attempts = 5;
    int retry_after_s = 300;  ///< first retry delay; doubled after each failure
};

/// A tag's optional definition (`[tags."Sales Followup"]`): tags are free-form, a definition only
/// documents one and gives it a colour.
struct TagDefinition {
    std::string description;
    std::string colour;  ///< "#rrggbb", or empty
};

/// A tag automation rule (`[tag_rules.NAME]`): when `on` happens to a customer who has every tag
/// of `if_tags` and one of the statuses of `if_status` (any when empty), remove `remove`, add
/// `add` and set `set_status`. Rules of one event run in name order.
struct TagRule {
    std::string name;
    std::string on;  ///< customer_created, quote_sent, quote_accepted, quote_declined, appointment_created, followup_stale
    std::vector<std::string> if_status;
    std::vector<std::string> if_tags;
    std::vector<std::string> add;
    std::vector<std::string> remove;
    std::string set_status;  ///< lead, active, inactive or empty (leave it)
    bool enabled = true;
};

/// The sales pipeline (`[sales]`).
struct SalesSettings {
    int quote_valid_days = 30;          ///< default validity of a quote, counted from when it is sent
    std::string followup_limit = "21d";  ///< `tag sweep`: how long a lead may wait in Sales Followup
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
    int days_out = 3;             ///< default days-out until the office sets one with `appt days-out`
    std::string expand_horizon = "8w";  ///< how far `appt add --repeat` materialises at once
    std::vector<ServiceType> service_types = default_service_types();
    std::map<std::string, NoticeTemplate> notices = default_notices();
    NotifySettings notify;
    std::map<std::string, std::vector<ChecklistItem>> checklists = default_checklists();
    std::vector<std::string> amend_roles{"manager", "admin"};  ///< who may amend a submitted ticket
    int gps_max_distance_m = 250;    ///< farther than this from the pool is flagged
    bool allow_negative_stock = false;
    int64_t photo_max_bytes = 20 * 1024 * 1024;
    std::map<std::string, TagDefinition> tags = default_tags();
    std::map<std::string, TagRule> tag_rules = default_tag_rules();
    SalesSettings sales;

    static std::vector<ServiceType> default_service_types();
    static std::map<std::string, std::vector<ChecklistItem>> default_checklists();
    static std::map<std::string, NoticeTemplate> default_notices();
    static std::map<std::string, TagDefinition> default_tags();
    /// The company's documented sales process: a new lead gets Quote; a quote sent replaces Quote
    /// with Sales Followup; a quote accepted replaces Sales Followup with Schedule; an appointment
    /// for a customer tagged Schedule removes it and makes the customer active.
    static std::map<std::string, TagRule> default_tag_rules();
    /// The service type of that name; throws BadInput listing the known ones.
    const ServiceType& service_type(const std::string& name) const;
    bool is_working_day(int weekday) const;
};

/// The events a tag rule may name.
const std::vector<std::string>& tag_rule_events();

/// Reads a pom.toml. A syntax error, a wrong type, an unknown key or an invalid value throws
/// ErrorKind::Config naming `FILE:LINE:COLUMN`. A missing file throws ErrorKind::NoInput.
Config load_config_file(const std::string& path);

/// The effective settings as a flat JSON object (`config show`).
nlohmann::ordered_json config_to_json(const Config& config);

}  // namespace pom
