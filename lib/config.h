#pragma once
#include <nlohmann/json.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "chemistry.h"

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
    std::string skill;  ///< only a technician with this skill does it (routing); empty: anyone
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

/// How `pom notify send` delivers: a shell command per channel, the message on its stdin and
/// the recipient and subject in POM_NOTICE_* environment variables. `command` (in pom.toml
/// `[notify] command = ...`) serves every channel that has no command of its own.
struct NotifySettings {
    std::string email_command = "sendmail -t -i";
    std::string sms_command;  ///< empty: SMS notices wait in the outbox
    int max_attempts = 5;     ///< after this many failures a notice is given up (status failed)
    int retry_after_s = 300;  ///< first retry delay; doubled after each failure
    int timeout_s = 60;       ///< a command running longer is killed and counts as failed
};

/// Sales tax (`[tax]`). Rates are percentages kept as integer millionths of the amount:
/// "8.6" (percent) → 86000.
struct TaxSettings {
    std::string name = "Sales tax";
    int64_t rate_micro = 0;                     ///< the default rate
    std::map<std::string, int64_t> rates;       ///< named rates a billing plan may pick (`[tax.rates]`)
    std::string rounding = "half-up";           ///< half-up or half-even
    std::string level = "line";                 ///< line: round each line's tax; invoice: round the sum once
};

/// Invoices and exports (`[billing]`).
struct BillingSettings {
    std::string invoice_prefix = "INV-";
    std::string credit_prefix = "CN-";
    std::string quote_prefix = "Q-";           ///< quotes: Q-000001, by id (ids of quotes never go away, so no gaps)
    int number_digits = 6;
    std::string terms = "net 15";               ///< default payment terms: "net N" or "due on receipt"
    std::string date_format = "MM/DD/YYYY";     ///< dates in qbo and xero exports: MM/DD/YYYY or DD/MM/YYYY
    std::string ar_account = "Accounts Receivable";  ///< IIF
    std::string income_account = "Service Income";   ///< IIF, SPL lines
    std::string tax_account = "Sales Tax Payable";   ///< IIF, the tax SPL line
    std::string tax_item = "Sales Tax";              ///< IIF INVITEM of the tax line
    std::string write_off_account = "Bad Debt";      ///< bill write-off: the expense account balances are closed into
    std::string deposit_account = "Undeposited Funds";  ///< payment exports: where received money goes before the bank deposit
    std::string xero_payment_account = "090";   ///< Xero payment exports: the AccountCode of the bank account paid into
    std::string qbo_tax_code = "TAX";                ///< QBO ItemTaxCode of taxable lines (when tax is on)
    std::string qbo_exempt_tax_code = "NON";
    std::string xero_account_code = "200";
    std::string xero_tax_type = "Tax on Sales";
    std::string xero_exempt_tax_type = "Tax Exempt";
    std::map<std::string, std::string> items;   ///< product/service names per line kind (service types by name)
    /// Per named rate of [tax.rates]: the QBO ItemTaxCode, Xero TaxType and IIF tax item of its
    /// taxable lines. Exporting to a tool needs an entry for every named rate (the importers
    /// recompute or file tax by the code, so the default's code would charge the wrong rate).
    std::map<std::string, std::string> qbo_tax_codes, xero_tax_types, tax_items;
    /// Per line kind (service, chemical, item, monthly, extra, adjustment): the IIF income account
    /// and the Xero AccountCode; kinds not named use income_account / xero_account_code.
    std::map<std::string, std::string> income_accounts, xero_account_codes;
    bool monthly_taxable = false;               ///< flat monthly fees carry sales tax
    std::string issue_date = "today";           ///< the date invoices are issued on: today or period-end
    /// `bill remind`: days past due at which an open invoice gets a reminder, ascending, each once.
    std::vector<int> remind_days = {7, 30, 60};
    /// `appt complete` of a visit without a submitted service ticket is refused (the ticket bills
    /// the visit); false: such a visit is billed at its plan's or service type's price.
    bool complete_requires_ticket = false;
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

/// Customers (`[customers]`): the series `customer add --ref auto` takes refs from.
struct CustomerSettings {
    std::string ref_prefix = "C-";
    int ref_digits = 5;  ///< C-00042
};

/// Route planning (`[routing]`): how travel is priced without a matrix, where a technician's day
/// starts when theirs is not set, and the working day when their hours are not set.
struct RoutingSettings {
    double road_factor = 1.3;  ///< road kilometres per great-circle kilometre
    double speed_kmh = 40;     ///< average driving speed
    std::optional<std::pair<double, double>> depot;  ///< the shop, (lat, lon)
    std::string day_start = "08:00";
    std::string day_end = "17:00";
    std::string load_unit = "gal";                 ///< what a truck's capacity and a visit's load count
    std::string load_chemical = "liquid chlorine";  ///< the doses a visit's load is estimated from
    int arrival_range_min = 0;  ///< notices state an arrival range this wide ({arrival}); 0: they do not
};

/// A day the company does not work (`[schedule] closed`): a holiday, a closure.
struct ClosedDate {
    std::string date;    ///< YYYY-MM-DD
    std::string reason;  ///< may be empty
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
    /// `[schedule] closed`: holidays and closures, by date; the database adds its own
    /// (`appt closed add`). Series expansion and rollover put no visit on them.
    std::vector<ClosedDate> closed_days;
    std::vector<ServiceType> service_types = default_service_types();
    std::map<std::string, NoticeTemplate> notices = default_notices();
    NotifySettings notify;
    std::map<std::string, std::vector<ChecklistItem>> checklists = default_checklists();
    std::vector<std::string> amend_roles{"manager", "admin"};  ///< who may amend a submitted ticket
    int gps_max_distance_m = 250;    ///< farther than this from the pool is flagged
    bool allow_negative_stock = false;
    int64_t photo_max_bytes = 20 * 1024 * 1024;
    TaxSettings tax;
    BillingSettings billing;
    /// Target-range overrides from `[targets.<sanitizer>]` and `[targets.<sanitizer>.<surface>]`,
    /// keyed "chlorine" or "chlorine.vinyl"; applied over default_targets().
    std::map<std::string, std::map<std::string, Range>> targets;
    /// The products `service recommend` uses (`[chemicals.<name>]`), in the order given.
    std::vector<Chemical> chemicals = default_chemicals();
    std::map<std::string, TagDefinition> tags = default_tags();
    std::map<std::string, TagRule> tag_rules = default_tag_rules();
    SalesSettings sales;
    CustomerSettings customers;
    RoutingSettings routing;

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
    /// The target ranges for a pool: pom's defaults with this config's overrides.
    Targets targets_for(const std::string& sanitizer, const std::string& surface) const;
};

/// Days of payment terms: "net 15" → 15, "due on receipt" → 0 (any case); -1 when not terms.
int parse_terms_days(const std::string& terms);
/// A tax rate in millionths as a percentage: 86000 → "8.6".
std::string format_rate(int64_t rate_micro);
/// The events a tag rule may name.
const std::vector<std::string>& tag_rule_events();

/// Reads a pom.toml. A syntax error, a wrong type, an unknown key or an invalid value throws
/// ErrorKind::Config naming `FILE:LINE:COLUMN`. A missing file throws ErrorKind::NoInput.
Config load_config_file(const std::string& path);

/// The effective settings as a flat JSON object (`config show`).
nlohmann::ordered_json config_to_json(const Config& config);

}  // namespace pom
