#include "config.h"
#include "store/store.h"
#include "store/postgres/pg_store.h"

#include "error.h"
#include "clock.h"
#include "money.h"
#include "route_travel.h"
#include "text_check.h"
#include "chemistry.h"
#include "worker.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <set>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

namespace pom {

namespace {

// A number as people write it in pom.toml: "1.3", "40", "33.4484".
std::string format_plain(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

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

void read_service_types(const std::string& path, const toml::table& t, Config& cfg) {
    // The built-in types stay: a type named here changes one of them or adds one, and
    // `enabled = false` switches one off. (Naming one type used to drop the other six silently.)
    cfg.service_types = Config::default_service_types();
    for (auto&& [k, v] : t) {
        std::string name(k.str());
        auto* st = v.as_table();
        if (!st) config_error(path, v, "service_types." + name + " must be a table");
        auto known = std::find_if(cfg.service_types.begin(), cfg.service_types.end(),
                                  [&](const ServiceType& x) { return x.name == name; });
        ServiceType type = known != cfg.service_types.end() ? *known : ServiceType{name, 30, name, 0, false, ""};
        bool enabled = true;
        for (auto&& [kk, vv] : *st) {
            std::string key(kk.str());
            if (key == "duration") type.duration_min = static_cast<int>(get_int(path, vv, "duration", 1, 1440));
            else if (key == "price") {
                try {
                    type.price_cents = parse_money(get_string(path, vv, "price"), "price");
                } catch (const Error& e) {
                    config_error(path, vv, std::string(e.what()) + " (write prices as strings: \"45.00\")");
                }
            } else if (key == "taxable") {
                auto b = vv.value_exact<bool>();
                if (!b) config_error(path, vv, "taxable must be true or false");
                type.taxable = *b;
            } else if (key == "enabled") {
                auto b = vv.value_exact<bool>();
                if (!b) config_error(path, vv, "enabled must be true or false");
                enabled = *b;
            }
            else if (key == "checklist") type.checklist = get_string(path, vv, "checklist");
            else if (key == "skill") {
                try {
                    auto skills = parse_skills(get_string(path, vv, "skill"), "service_types." + name + ".skill");
                    if (skills.size() > 1) config_error(path, vv, "service_types." + name + ".skill names one skill");
                    type.skill = skills.empty() ? "" : skills[0];
                } catch (const Error& e) {
                    config_error(path, vv, e.what());
                }
            } else config_error(path, vv, "unknown key 'service_types." + name + "." + key + "'");
        }
        if (known != cfg.service_types.end()) {
            if (enabled) *known = type;
            else cfg.service_types.erase(known);
        } else if (enabled) {
            cfg.service_types.push_back(type);
        }
    }
    if (cfg.service_types.empty()) config_error(path, t, "service_types: every type is switched off; keep at least one");
}

void read_notices(const std::string& path, const toml::table& t, Config& cfg) {
    for (auto&& [k, v] : t) {
        std::string name(k.str());
        auto* nt = v.as_table();
        if (!nt) config_error(path, v, "notices." + name + " must be a table");
        NoticeTemplate tpl = cfg.notices.count(name) ? cfg.notices[name] : NoticeTemplate{};
        for (auto&& [kk, vv] : *nt) {
            std::string key(kk.str());
            if (key == "channel") {
                tpl.channel = get_string(path, vv, "channel");
                if (tpl.channel != "email" && tpl.channel != "sms") config_error(path, vv, "channel must be email or sms");
            } else if (key == "subject") tpl.subject = get_string(path, vv, "subject");
            else if (key == "body") tpl.body = get_string(path, vv, "body");
            else if (key == "enabled") {
                auto b = vv.value_exact<bool>();
                if (!b) config_error(path, vv, "enabled must be true or false");
                tpl.enabled = *b;
            } else config_error(path, vv, "unknown key 'notices." + name + "." + key + "'");
        }
        if (tpl.body.empty()) config_error(path, v, "notices." + name + " needs a body");
        cfg.notices[name] = tpl;
    }
}

void read_checklists(const std::string& path, const toml::table& t, Config& cfg) {
    for (auto&& [k, v] : t) {
        std::string name(k.str());
        auto* arr = v.as_array();
        if (!arr) config_error(path, v, "checklists." + name + " must be an array of items");
        std::vector<ChecklistItem> items;
        for (auto&& e : *arr) {
            if (auto s = e.value<std::string>()) {
                items.push_back({*s, true, false});
                continue;
            }
            auto* it = e.as_table();
            if (!it) config_error(path, e, "a checklist item is a string or { item = \"...\", required = true, photo = false }");
            ChecklistItem ci;
            for (auto&& [kk, vv] : *it) {
                std::string key(kk.str());
                if (key == "item") ci.item = get_string(path, vv, "item");
                else if (key == "required" || key == "photo") {
                    auto b = vv.value_exact<bool>();
                    if (!b) config_error(path, vv, key + " must be true or false");
                    (key == "required" ? ci.required : ci.photo) = *b;
                } else config_error(path, vv, "unknown key '" + key + "' in checklists." + name);
            }
            if (ci.item.empty()) config_error(path, e, "a checklist item needs item = \"...\"");
            items.push_back(ci);
        }
        cfg.checklists[name] = items;
    }
}

void read_service(const std::string& path, const toml::table& t, Config& cfg) {
    for (auto&& [k, v] : t) {
        std::string key(k.str());
        if (key == "amend_roles") {
            auto* arr = v.as_array();
            if (!arr) config_error(path, v, "service.amend_roles must be an array of roles");
            cfg.amend_roles.clear();
            for (auto&& r : *arr) cfg.amend_roles.push_back(get_string(path, r, "service.amend_roles"));
        } else if (key == "gps_max_distance_m") {
            cfg.gps_max_distance_m = static_cast<int>(get_int(path, v, "service.gps_max_distance_m", 1, 100000));
        } else if (key == "allow_negative_stock") {
            auto b = v.value_exact<bool>();
            if (!b) config_error(path, v, "service.allow_negative_stock must be true or false");
            cfg.allow_negative_stock = *b;
        } else if (key == "photo_max_bytes") {
            cfg.photo_max_bytes = get_int(path, v, "service.photo_max_bytes", 1, int64_t{1} << 31);
        } else {
            config_error(path, v, "unknown key 'service." + key + "'");
        }
    }
}

double get_number(const std::string& path, const toml::node& node, const std::string& key) {
    if (auto v = node.value<double>()) return *v;
    config_error(path, node, key + " must be a number");
}

bool is_range_parameter(const std::string& p) {
    for (const auto& [name, label] : reading_parameters())
        if (name == p) return true;
    return false;
}

const std::set<std::string> k_sanitizers = {"chlorine", "salt", "bromine", "biguanide", "mineral", "other"};
const std::set<std::string> k_surfaces = {"plaster", "pebble", "quartz", "vinyl", "fiberglass", "tile", "other"};

/// [targets.chlorine] fc = [2, 4] and [targets.chlorine.vinyl] ch = [150, 250].
void read_targets(const std::string& path, const toml::table& t, Config& cfg) {
    for (auto&& [k, v] : t) {
        std::string sanitizer(k.str());
        if (!k_sanitizers.count(sanitizer))
            config_error(path, v, "targets." + sanitizer + ": not a sanitizer (chlorine, salt, bromine, biguanide, mineral, other)");
        auto* st = v.as_table();
        if (!st) config_error(path, v, "targets." + sanitizer + " must be a table");
        for (auto&& [pk, pv] : *st) {
            std::string name(pk.str());
            std::string key = "targets." + sanitizer + "." + name;
            if (auto* surface = pv.as_table()) {
                if (!k_surfaces.count(name))
                    config_error(path, pv, key + ": not a surface (plaster, pebble, quartz, vinyl, fiberglass, tile, other)");
                for (auto&& [qk, qv] : *surface) {
                    std::string param(qk.str());
                    if (!is_range_parameter(param)) config_error(path, qv, "unknown parameter '" + key + "." + param + "'");
                    auto* arr = qv.as_array();
                    if (!arr || arr->size() != 2) config_error(path, qv, key + "." + param + " must be [min, max]");
                    Range range{get_number(path, *arr->get(0), key + "." + param), get_number(path, *arr->get(1), key + "." + param)};
                    if (range.min > range.max) config_error(path, qv, key + "." + param + ": min is above max");
                    cfg.targets[sanitizer + "." + name][param] = range;
                }
                continue;
            }
            if (!is_range_parameter(name)) config_error(path, pv, "unknown parameter '" + key + "'");
            auto* arr = pv.as_array();
            if (!arr || arr->size() != 2) config_error(path, pv, key + " must be [min, max]");
            Range range{get_number(path, *arr->get(0), key), get_number(path, *arr->get(1), key)};
            if (range.min > range.max) config_error(path, pv, key + ": min is above max");
            cfg.targets[sanitizer][name] = range;
        }
    }
}

/// [chemicals."Liquid chlorine 10%"] kind = "liquid_chlorine", strength = 10, unit = "gal".
/// Naming any chemical replaces the built-in list.
void read_chemicals(const std::string& path, const toml::table& t, Config& cfg) {
    cfg.chemicals.clear();
    for (auto&& [k, v] : t) {
        std::string name(k.str());
        std::string key = "chemicals." + name;
        auto* ct = v.as_table();
        if (!ct) config_error(path, v, key + " must be a table");
        Chemical c;
        c.name = name;
        bool has_kind = false;
        for (auto&& [fk, fv] : *ct) {
            std::string field(fk.str());
            if (field == "kind") {
                c.kind = get_string(path, fv, key + ".kind");
                const auto& kinds = chemical_kinds();
                if (std::find(kinds.begin(), kinds.end(), c.kind) == kinds.end()) {
                    std::string list;
                    for (const auto& kind : kinds) list += (list.empty() ? "" : ", ") + kind;
                    config_error(path, fv, key + ".kind: unknown kind '" + c.kind + "' (" + list + ")");
                }
                has_kind = true;
            } else if (field == "strength") {
                c.strength = get_number(path, fv, key + ".strength");
                if (!(c.strength > 0 && c.strength <= 100)) config_error(path, fv, key + ".strength must be a percent above 0, at most 100");
            } else if (field == "unit") {
                c.unit = get_string(path, fv, key + ".unit");
                if (!known_unit(c.unit)) config_error(path, fv, key + ".unit: unknown unit '" + c.unit + "'");
            } else {
                config_error(path, fv, "unknown key '" + key + "." + field + "'");
            }
        }
        if (!has_kind) config_error(path, v, key + " needs a kind");
        bool liquid = c.kind == "liquid_chlorine" || c.kind == "muriatic_acid";
        if (c.unit.empty()) c.unit = liquid ? "floz" : "lb";
        try {
            convert(1, c.unit, liquid ? "ml" : "g");
        } catch (const Error&) {
            config_error(path, v, key + ".unit: " + c.unit + " does not measure a " + (liquid ? "liquid (use gal, qt, floz, l, ml)" : "solid (use lb, oz, kg, g)"));
        }
        cfg.chemicals.push_back(c);
    }
}

/// A delivery command: run with /bin/sh -c, so one line, and not blank.
std::string get_command(const std::string& path, const toml::node& v, const std::string& key) {
    std::string c = get_string(path, v, key);
    if (c.find_first_not_of(" \t") == std::string::npos) config_error(path, v, key + " must not be empty");
    for (char ch : c)
        if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t')
            config_error(path, v, key + " must be one line (a shell command such as \"sendmail -t -i\")");
    return c;
}

void read_notify(const std::string& path, const toml::table& t, NotifySettings& n) {
    std::optional<std::string> common;
    bool email = false, sms = false;
    for (auto&& [k, v] : t) {
        std::string key(k.str());
        if (key == "command") common = get_command(path, v, "notify.command");
        else if (key == "email_command") n.email_command = get_command(path, v, "notify.email_command"), email = true;
        else if (key == "sms_command") n.sms_command = get_command(path, v, "notify.sms_command"), sms = true;
        else if (key == "max_attempts") n.max_attempts = static_cast<int>(get_int(path, v, "notify.max_attempts", 1, 100));
        else if (key == "retry_after" || key == "timeout") {
            int64_t s = 0;
            try {
                s = parse_duration(get_string(path, v, "notify." + key), "notify." + key).count();
            } catch (const Error& e) {
                config_error(path, v, e.what());
            }
            if (key == "retry_after" && (s < 60 || s > 86400)) config_error(path, v, "notify.retry_after must be 1m to 1d");
            if (key == "timeout" && (s < 60 || s > 3600)) config_error(path, v, "notify.timeout must be 1m to 60m");
            (key == "timeout" ? n.timeout_s : n.retry_after_s) = static_cast<int>(s);
        } else config_error(path, v, "unknown key 'notify." + key + "'");
    }
    // The channel's own command wins over the common one, whatever the order in the file.
    if (common && !email) n.email_command = *common;
    if (common && !sms) n.sms_command = *common;
}

/// A percentage with at most 4 decimals, 0 to 100 ("8.6", "8.6%"), as millionths of the amount.
int64_t get_rate(const std::string& path, const toml::node& node, const std::string& key) {
    std::string text = get_string(path, node, key);
    std::string_view d = text;
    if (!d.empty() && d.back() == '%') d.remove_suffix(1);
    int64_t whole = 0, frac = 0;
    int places = 0;
    bool dot = false, ok = !d.empty() && d.front() != '.' && d.back() != '.';
    for (char c : d) {
        if (c == '.' && !dot) dot = true;
        else if (c < '0' || c > '9' || (dot && ++places > 4) || (!dot && whole > 1000)) ok = false;
        else if (dot) frac = frac * 10 + (c - '0');
        else whole = whole * 10 + (c - '0');
        if (!ok) break;
    }
    if (!ok) config_error(path, node, key + ": '" + text + "' is not a percentage with at most 4 decimals (\"8.6\")");
    for (int i = places; i < 4; ++i) frac *= 10;
    int64_t v = whole * 10000 + frac;
    if (v > 1000000) config_error(path, node, key + " must be between 0 and 100 (percent)");
    return v;
}

void read_tax(const std::string& path, const toml::table& t, TaxSettings& tax) {
    for (auto&& [k, v] : t) {
        std::string key(k.str());
        if (key == "name") {
            tax.name = get_string(path, v, "tax.name");
            if (tax.name.empty()) config_error(path, v, "tax.name must not be empty");
        } else if (key == "rate") {
            tax.rate_micro = get_rate(path, v, "tax.rate");
        } else if (key == "rounding") {
            tax.rounding = get_string(path, v, "tax.rounding");
            if (tax.rounding != "half-up" && tax.rounding != "half-even")
                config_error(path, v, "tax.rounding must be half-up or half-even");
        } else if (key == "level") {
            tax.level = get_string(path, v, "tax.level");
            if (tax.level != "line" && tax.level != "invoice") config_error(path, v, "tax.level must be line or invoice");
        } else if (key == "rates") {
            auto* rt = v.as_table();
            if (!rt) config_error(path, v, "tax.rates must be a table of name = \"percent\"");
            for (auto&& [rk, rv] : *rt) tax.rates[std::string(rk.str())] = get_rate(path, rv, "tax.rates." + std::string(rk.str()));
        } else {
            config_error(path, v, "unknown key 'tax." + key + "'");
        }
    }
}

void read_billing(const std::string& path, const toml::table& t, BillingSettings& b) {
    auto text = [&](const toml::node& v, const std::string& key, std::string& target) {
        target = get_string(path, v, "billing." + key);
        if (target.empty() || target.find_first_of("\t\r\n") != std::string::npos)
            config_error(path, v, "billing." + key + " must be one line of text, not empty");
    };
    for (auto&& [k, v] : t) {
        std::string key(k.str());
        if (key == "invoice_prefix" || key == "credit_prefix" || key == "quote_prefix") {
            std::string& target = key == "invoice_prefix" ? b.invoice_prefix : key == "credit_prefix" ? b.credit_prefix : b.quote_prefix;
            target = get_string(path, v, "billing." + key);
            if (target.size() > 16 || target.find_first_of(" \t\r\n,;\"'") != std::string::npos)
                config_error(path, v, "billing." + key + " must be at most 16 characters without spaces or quotes");
        } else if (key == "number_digits") {
            b.number_digits = static_cast<int>(get_int(path, v, "billing.number_digits", 1, 12));
        } else if (key == "terms") {
            b.terms = get_string(path, v, "billing.terms");
            if (parse_terms_days(b.terms) < 0)
                config_error(path, v, "billing.terms: '" + b.terms + "' is not payment terms (\"net 15\", \"due on receipt\")");
        } else if (key == "issue_date") {
            b.issue_date = get_string(path, v, "billing.issue_date");
            if (b.issue_date != "today" && b.issue_date != "period-end")
                config_error(path, v, "billing.issue_date must be today or period-end");
        } else if (key == "date_format") {
            b.date_format = get_string(path, v, "billing.date_format");
            if (b.date_format != "MM/DD/YYYY" && b.date_format != "DD/MM/YYYY")
                config_error(path, v, "billing.date_format must be MM/DD/YYYY or DD/MM/YYYY");
        } else if (key == "ar_account") text(v, key, b.ar_account);
        else if (key == "income_account") text(v, key, b.income_account);
        else if (key == "tax_account") text(v, key, b.tax_account);
        else if (key == "tax_item") text(v, key, b.tax_item);
        else if (key == "write_off_account") text(v, key, b.write_off_account);
        else if (key == "deposit_account") text(v, key, b.deposit_account);
        else if (key == "xero_payment_account") text(v, key, b.xero_payment_account);
        else if (key == "qbo_tax_code") text(v, key, b.qbo_tax_code);
        else if (key == "qbo_exempt_tax_code") text(v, key, b.qbo_exempt_tax_code);
        else if (key == "xero_account_code") text(v, key, b.xero_account_code);
        else if (key == "xero_tax_type") text(v, key, b.xero_tax_type);
        else if (key == "xero_exempt_tax_type") text(v, key, b.xero_exempt_tax_type);
        else if (key == "monthly_taxable") {
            auto bv = v.value_exact<bool>();
            if (!bv) config_error(path, v, "billing.monthly_taxable must be true or false");
            b.monthly_taxable = *bv;
        } else if (key == "remind_days") {
            auto* arr = v.as_array();
            if (!arr) config_error(path, v, "billing.remind_days must be an array of days past due, such as [7, 30, 60]");
            b.remind_days.clear();
            for (auto&& e : *arr) {
                int d = static_cast<int>(get_int(path, e, "billing.remind_days", 1, 3650));
                if (!b.remind_days.empty() && d <= b.remind_days.back())
                    config_error(path, e, "billing.remind_days must go up, each day once: " + std::to_string(d) + " after " +
                                              std::to_string(b.remind_days.back()));
                b.remind_days.push_back(d);
            }
        } else if (key == "complete_requires_ticket") {
            auto bv = v.value_exact<bool>();
            if (!bv) config_error(path, v, "billing.complete_requires_ticket must be true or false");
            b.complete_requires_ticket = *bv;
        } else if (key == "items") {
            auto* it = v.as_table();
            if (!it) config_error(path, v, "billing.items must be a table of kind = \"product/service name\"");
            for (auto&& [ik, iv] : *it) {
                std::string name;
                text(iv, "items." + std::string(ik.str()), name);
                b.items[std::string(ik.str())] = name;
            }
        } else if (key == "qbo_tax_codes" || key == "xero_tax_types" || key == "tax_items" || key == "income_accounts" ||
                   key == "xero_account_codes") {
            bool by_kind = key == "income_accounts" || key == "xero_account_codes";
            auto& target = key == "qbo_tax_codes"    ? b.qbo_tax_codes
                           : key == "xero_tax_types" ? b.xero_tax_types
                           : key == "tax_items"      ? b.tax_items
                           : key == "income_accounts" ? b.income_accounts
                                                      : b.xero_account_codes;
            auto* it = v.as_table();
            if (!it)
                config_error(path, v, "billing." + key + " must be a table of " +
                                          (by_kind ? "line kind" : "tax rate name from [tax.rates]") + " = \"text\"");
            static const std::vector<std::string> kinds = {"service", "chemical", "item", "monthly", "extra", "adjustment"};
            for (auto&& [ik, iv] : *it) {
                std::string name(ik.str());
                if (by_kind && std::find(kinds.begin(), kinds.end(), name) == kinds.end())
                    config_error(path, iv, "billing." + key + "." + name +
                                               ": not a line kind (service, chemical, item, monthly, extra, adjustment)");
                std::string value;
                text(iv, key + "." + name, value);
                target[name] = value;
            }
        } else {
            config_error(path, v, "unknown key 'billing." + key + "'");
        }
    }
}

std::vector<std::string> get_strings(const std::string& path, const toml::node& node, const std::string& key) {
    auto* arr = node.as_array();
    if (!arr) config_error(path, node, key + " must be an array of strings");
    std::vector<std::string> out;
    for (auto&& e : *arr) {
        std::string s = get_string(path, e, key);
        if (s.empty() || s.find_first_not_of(" \t") != 0 || s.back() == ' ' || s.back() == '\t')
            config_error(path, e, key + ": '" + s + "' is not a valid name (empty or surrounded by spaces)");
        out.push_back(s);
    }
    return out;
}

bool is_status(const std::string& s) { return s == "lead" || s == "active" || s == "inactive"; }

void read_tags(const std::string& path, const toml::table& t, Config& cfg) {
    for (auto&& [k, v] : t) {
        std::string name(k.str());
        auto* tt = v.as_table();
        if (!tt) config_error(path, v, "tags.\"" + name + "\" must be a table");
        if (name.empty() || name.front() == ' ' || name.back() == ' ') config_error(path, v, "tags: '" + name + "' is not a valid tag");
        TagDefinition d = cfg.tags.count(name) ? cfg.tags[name] : TagDefinition{};
        for (auto&& [kk, vv] : *tt) {
            std::string key(kk.str());
            if (key == "description") d.description = get_string(path, vv, "description");
            else if (key == "colour" || key == "color") {
                d.colour = get_string(path, vv, key);
                bool ok = d.colour.size() == 7 && d.colour[0] == '#' &&
                          d.colour.find_first_not_of("0123456789abcdefABCDEF", 1) == std::string::npos;
                if (!ok) config_error(path, vv, key + " must be a colour as #rrggbb");
            } else config_error(path, vv, "unknown key '" + key + "' in tags.\"" + name + "\" (description, colour)");
        }
        cfg.tags[name] = d;
    }
}

void read_tag_rules(const std::string& path, const toml::table& t, Config& cfg) {
    for (auto&& [k, v] : t) {
        std::string name(k.str());
        auto* rt = v.as_table();
        if (!rt) config_error(path, v, "tag_rules." + name + " must be a table");
        bool known = cfg.tag_rules.count(name) > 0;
        TagRule r = known ? cfg.tag_rules[name] : TagRule{};
        r.name = name;
        for (auto&& [kk, vv] : *rt) {
            std::string key(kk.str());
            std::string full = "tag_rules." + name + "." + key;
            if (key == "on") {
                r.on = get_string(path, vv, full);
                const auto& events = tag_rule_events();
                if (std::find(events.begin(), events.end(), r.on) == events.end()) {
                    std::string list;
                    for (const auto& e : events) list += (list.empty() ? "" : ", ") + e;
                    config_error(path, vv, full + ": unknown event '" + r.on + "' (" + list + ")");
                }
            } else if (key == "if_status") {
                r.if_status = get_strings(path, vv, full);
                for (const auto& s : r.if_status)
                    if (!is_status(s)) config_error(path, vv, full + ": '" + s + "' is not a customer status (lead, active, inactive)");
            } else if (key == "if_tags") r.if_tags = get_strings(path, vv, full);
            else if (key == "add") r.add = get_strings(path, vv, full);
            else if (key == "remove") r.remove = get_strings(path, vv, full);
            else if (key == "set_status") {
                r.set_status = get_string(path, vv, full);
                if (!is_status(r.set_status)) config_error(path, vv, full + ": '" + r.set_status + "' is not a customer status (lead, active, inactive)");
            } else if (key == "enabled") {
                auto b = vv.value_exact<bool>();
                if (!b) config_error(path, vv, full + " must be true or false");
                r.enabled = *b;
            } else {
                config_error(path, vv, "unknown key '" + full + "' (on, if_status, if_tags, add, remove, set_status, enabled)");
            }
        }
        if (r.on.empty()) config_error(path, v, "tag_rules." + name + " needs on = \"EVENT\"");
        if (r.add.empty() && r.remove.empty() && r.set_status.empty())
            config_error(path, v, "tag_rules." + name + " does nothing: give add, remove or set_status");
        for (const auto& a : r.add)
            if (std::find(r.remove.begin(), r.remove.end(), a) != r.remove.end())
                config_error(path, v, "tag_rules." + name + " both adds and removes '" + a + "'");
        cfg.tag_rules[name] = r;
    }
}

double get_number(const std::string& path, const toml::node& node, const std::string& key, double lo, double hi) {
    auto v = node.value<double>();
    if (!v) config_error(path, node, key + " must be a number");
    if (!(*v >= lo && *v <= hi)) config_error(path, node, key + " must be between " + format_plain(lo) + " and " + format_plain(hi));
    return *v;
}

std::string get_clock_time(const std::string& path, const toml::node& node, const std::string& key) {
    std::string t = get_string(path, node, key);
    bool ok = t.size() == 5 && t[2] == ':' && std::isdigit(static_cast<unsigned char>(t[0])) &&
              std::isdigit(static_cast<unsigned char>(t[1])) && std::isdigit(static_cast<unsigned char>(t[3])) &&
              std::isdigit(static_cast<unsigned char>(t[4])) && t.substr(0, 2) <= "23" && t.substr(3, 2) <= "59";
    if (!ok) config_error(path, node, key + " must be a local time HH:MM (\"08:00\")");
    return t;
}

// `closed = ["2026-12-25", 2026-12-26, { date = "2027-01-01", reason = "New Year" }]`: a date as
// text or as a TOML date, or a table with its reason.
void read_schedule(const std::string& path, const toml::table& t, Config& cfg) {
    for (auto&& [k, v] : t) {
        std::string key(k.str());
        if (key != "closed") config_error(path, v, "unknown key 'schedule." + key + "' (closed)");
        auto* arr = v.as_array();
        if (!arr) config_error(path, v, "schedule.closed must be an array of dates (\"2026-12-25\")");
        cfg.closed_days.clear();
        for (auto&& d : *arr) {
            ClosedDate c;
            const toml::node* date_node = &d;
            if (auto* tbl = d.as_table()) {
                for (auto&& [tk, tv] : *tbl) {
                    std::string tkey(tk.str());
                    if (tkey == "reason") c.reason = get_string(path, tv, "schedule.closed reason");
                    else if (tkey != "date") config_error(path, tv, "unknown key '" + tkey + "' in schedule.closed (date, reason)");
                }
                date_node = tbl->get("date");
                if (!date_node) config_error(path, d, "schedule.closed: a table needs its date");
            }
            if (auto* td = date_node->as_date()) {
                const toml::date& x = td->get();
                char buf[16];
                std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", int{x.year}, int{x.month}, int{x.day});
                c.date = buf;
            } else {
                c.date = get_string(path, *date_node, "schedule.closed");
            }
            try {
                c.date = format_date(parse_date(c.date, "schedule.closed"));
            } catch (const Error& e) {
                config_error(path, *date_node, e.what());
            }
            for (const auto& seen : cfg.closed_days)
                if (seen.date == c.date) config_error(path, *date_node, "schedule.closed: " + c.date + " is named twice");
            cfg.closed_days.push_back(c);
        }
    }
}

void read_routing(const std::string& path, const toml::table& t, RoutingSettings& r) {
    for (auto&& [k, v] : t) {
        std::string key(k.str());
        if (key == "road_factor") r.road_factor = get_number(path, v, "routing.road_factor", 1, 5);
        else if (key == "speed_kmh") r.speed_kmh = get_number(path, v, "routing.speed_kmh", 1, 200);
        else if (key == "day_start") r.day_start = get_clock_time(path, v, "routing.day_start");
        else if (key == "day_end") r.day_end = get_clock_time(path, v, "routing.day_end");
        else if (key == "arrival_range_min") r.arrival_range_min = static_cast<int>(get_int(path, v, "routing.arrival_range_min", 0, 480));
        else if (key == "load_chemical") {
            r.load_chemical = get_string(path, v, "routing.load_chemical");
            if (r.load_chemical.find_first_not_of(" \t") == std::string::npos) config_error(path, v, "routing.load_chemical must not be empty");
        } else if (key == "load_unit") {
            r.load_unit = get_string(path, v, "routing.load_unit");
            if (!known_unit(r.load_unit)) config_error(path, v, "routing.load_unit: '" + r.load_unit + "' is not a unit pom converts (gal, qt, floz, l, ml, lb, oz, kg, g)");
        } else if (key == "depot") {
            std::string text = get_string(path, v, "routing.depot");
            try {
                LatLon at = parse_lat_lon(text, "routing.depot");
                r.depot = std::make_pair(at.lat, at.lon);
            } catch (const Error& e) {
                config_error(path, v, e.what());
            }
        } else config_error(path, v, "unknown key 'routing." + key + "' (road_factor, speed_kmh, depot, day_start, day_end, load_unit, load_chemical, arrival_range_min)");
    }
    if (!(r.day_start < r.day_end)) config_error(path, t, "routing.day_end must be after routing.day_start");
}

void read_sales(const std::string& path, const toml::table& t, SalesSettings& s) {
    for (auto&& [k, v] : t) {
        std::string key(k.str());
        if (key == "quote_valid_days") s.quote_valid_days = static_cast<int>(get_int(path, v, "sales.quote_valid_days", 1, 365));
        else if (key == "followup_limit") {
            s.followup_limit = get_string(path, v, "sales.followup_limit");
            try {
                if (parse_duration(s.followup_limit, "sales.followup_limit").count() <= 0)
                    config_error(path, v, "sales.followup_limit must be more than zero");
            } catch (const Error& e) {
                if (e.kind() == ErrorKind::Config) throw;
                config_error(path, v, e.what());
            }
        } else config_error(path, v, "unknown key 'sales." + key + "' (quote_valid_days, followup_limit)");
    }
}

void read_customers(const std::string& path, const toml::table& t, CustomerSettings& s) {
    for (auto&& [k, v] : t) {
        std::string key(k.str());
        if (key == "ref_prefix") {
            s.ref_prefix = get_string(path, v, "customers.ref_prefix");
            if (s.ref_prefix.size() > 32 || s.ref_prefix.find_first_of(" \t\r\n") != std::string::npos)
                config_error(path, v, "customers.ref_prefix must be at most 32 characters without spaces");
        } else if (key == "ref_digits") s.ref_digits = static_cast<int>(get_int(path, v, "customers.ref_digits", 1, 12));
        else config_error(path, v, "unknown key 'customers." + key + "' (ref_prefix, ref_digits)");
    }
}

}  // namespace

int parse_terms_days(const std::string& terms) {
    std::string t;
    for (char c : terms) t += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (t == "due on receipt") return 0;
    if (t.rfind("net ", 0) == 0 && t.size() > 4 && t.size() <= 7) {
        int n = 0;
        for (size_t i = 4; i < t.size(); ++i) {
            if (t[i] < '0' || t[i] > '9') return -1;
            n = n * 10 + (t[i] - '0');
        }
        return n <= 365 ? n : -1;
    }
    return -1;
}

const std::vector<std::string>& tag_rule_events() {
    static const std::vector<std::string> e{"customer_created",   "quote_sent",          "quote_accepted",
                                            "quote_declined", "appointment_created", "followup_stale"};
    return e;
}

std::map<std::string, TagDefinition> Config::default_tags() {
    return {
        {"Quote", {"Need to send a quote", "#1f77b4"}},
        {"Sales Followup", {"Quote has been sent: solicit an answer, yes or no", "#ff7f0e"}},
        {"Schedule", {"Quote signed: the customer needs to be scheduled by creating an appointment", "#2ca02c"}},
    };
}

std::map<std::string, TagRule> Config::default_tag_rules() {
    std::map<std::string, TagRule> r;
    r["lead-needs-quote"] = {"lead-needs-quote", "customer_created", {"lead"}, {}, {"Quote"}, {}, "", true};
    r["quote-sent-followup"] = {"quote-sent-followup", "quote_sent", {}, {}, {"Sales Followup"}, {"Quote"}, "", true};
    r["quote-accepted-schedule"] = {"quote-accepted-schedule", "quote_accepted", {}, {}, {"Schedule"}, {"Sales Followup", "Quote"}, "", true};
    r["quote-declined-inactive"] = {"quote-declined-inactive", "quote_declined", {"lead"}, {}, {}, {"Sales Followup", "Quote"}, "inactive", true};
    r["scheduled-active"] = {"scheduled-active", "appointment_created", {}, {"Schedule"}, {}, {"Schedule"}, "active", true};
    r["followup-stale-inactive"] = {"followup-stale-inactive", "followup_stale", {"lead"}, {}, {}, {"Sales Followup"}, "inactive", true};
    return r;
}

std::vector<ServiceType> Config::default_service_types() {
    return {{"maintenance", 30, "maintenance", 4500, false, ""}, {"repair", 60, "repair", 9500, false, ""},
            {"opening", 120, "opening", 17500, false, ""},       {"closing", 90, "closing", 15000, false, ""},
            {"green-to-clean", 180, "green-to-clean", 35000, false, ""}, {"inspection", 45, "inspection", 7500, false, ""}};
}

std::map<std::string, std::vector<ChecklistItem>> Config::default_checklists() {
    return {
        {"maintenance",
         {{"Skim surface", true, false}, {"Empty skimmer and pump baskets", true, false}, {"Brush walls and steps", true, false},
          {"Vacuum", false, false}, {"Check filter pressure", true, false}, {"Test and balance water", true, false}}},
        {"repair", {{"Diagnose the problem", true, false}, {"Repair or replace the part", true, true}, {"Test the equipment", true, false}}},
        {"opening", {{"Remove and clean cover", true, false}, {"Start up equipment", true, false}, {"Test and balance water", true, false}}},
        {"closing", {{"Lower water level", true, false}, {"Blow out lines", true, false}, {"Install cover", true, true}}},
        {"green-to-clean", {{"Before photo", true, true}, {"Shock", true, false}, {"Clean filter", true, false}, {"After photo", true, true}}},
        {"inspection", {{"Inspect equipment", true, false}, {"Inspect surface", true, false}}},
    };
}

std::map<std::string, NoticeTemplate> Config::default_notices() {
    return {
        {"assigned",
         {"email", "Your pool service on {date}",
          "Hello {first_name},\n\nYour {service_type} visit from {company} is scheduled for {date}{window}{arrival}. "
          "Your technician will be {worker}.\n\nQuestions? Call us at {company_phone}.\n\n{company}\n",
          true}},
        {"reminder",
         {"email", "Reminder: your pool service on {date}",
          "Hello {first_name},\n\nA reminder from {company}: your {service_type} visit is on {date}{window}{arrival}. "
          "Please leave the gate unlocked and pets inside.\n\nQuestions? Call us at {company_phone}.\n\n{company}\n",
          true}},
        {"on_my_way", {"sms", "", "{company}: {worker} is on the way to your pool{eta}. Reply STOP to opt out.", true}},
        {"moved",
         {"email", "Your pool service has moved to {date}",
          "Hello {first_name},\n\nYour {service_type} visit from {company} has moved from {old_date}{old_window} to {date}{window}{arrival}. "
          "Your technician will be {worker}.\n\nQuestions? Call us at {company_phone}.\n\n{company}\n",
          true}},
        {"series",
         {"email", "Your regular pool service from {date}",
          "Hello {first_name},\n\nYour {service_type} visits from {company} are booked {rule}, starting {date}{window}. "
          "Your technician will be {worker}.\n\nQuestions? Call us at {company_phone}.\n\n{company}\n",
          true}},
        {"day_change",
         {"email", "Your pool service from {date}: {weekday}",
          "Hello {first_name},\n\nTo keep our routes tight, {company} is changing your regular {service_type} visits: from {date}, "
          "they are every {weekday}{window}, and your technician will be {worker}.\n\nQuestions? Call us at {company_phone}.\n\n{company}\n",
          true}},
        {"skipped",
         {"email", "We could not service your pool on {date}",
          "Hello {first_name},\n\nWe could not complete your {service_type} visit on {date}: {reason}.\n"
          "We will be back on your next scheduled day. Questions? Call us at {company_phone}.\n\n{company}\n",
          true}},
        {"quote",
         {"email", "Your quote from {company}",
          "Hello {first_name},\n\nThank you for asking {company} for a quote. Here it is:\n\n{quote}\n"
          "To accept it, reply to this email. You can also call us at {company_phone}.\n\n{company}\n",
          true}},
    };
}

const ServiceType& Config::service_type(const std::string& name) const {
    for (const auto& t : service_types)
        if (t.name == name) return t;
    std::string known;
    for (const auto& t : service_types) known += (known.empty() ? "" : ", ") + t.name;
    fail(ErrorKind::BadInput, "--type: unknown service type '" + name + "' (configured: " + known + ")");
}

bool Config::is_working_day(int weekday) const {
    for (int d : working_days)
        if (d == weekday) return true;
    return false;
}

Targets Config::targets_for(const std::string& sanitizer, const std::string& surface) const {
    std::string s = sanitizer.empty() ? "chlorine" : sanitizer;
    Targets t = default_targets(s, surface.empty() ? "plaster" : surface);
    for (const std::string& key : {s, s + "." + (surface.empty() ? "plaster" : surface)}) {
        auto it = targets.find(key);
        if (it == targets.end()) continue;
        for (const auto& [param, r] : it->second) t.ranges[param] = r;
    }
    return t;
}

namespace {

/// Every key and string of the file is text from outside: checked once, here, before any is read
/// (lib/text_check.h), so that what reaches a template or the database is clean.
void check_strings(const std::string& path, const toml::node& node) {
    if (auto* t = node.as_table()) {
        for (auto&& [k, v] : *t) {
            if (std::string problem = text_problem(k.str(), TextKind::Config); !problem.empty())
                fail(ErrorKind::Config, where(path, k.source()) + ": a key " + problem);
            check_strings(path, v);
        }
    } else if (auto* a = node.as_array()) {
        for (auto&& e : *a) check_strings(path, e);
    } else if (auto* s = node.as_string()) {
        if (std::string problem = text_problem(s->get(), TextKind::Config); !problem.empty())
            config_error(path, node, "a string " + problem);
    }
}

/// The length of the UTF-8 sequence at `i` and its code point; 0 when the bytes are not valid
/// UTF-8 (toml++ refuses those itself, before it looks at them).
std::size_t utf8_at(std::string_view t, std::size_t i, char32_t& cp) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(t[k]); };
    const unsigned char c = b(i);
    const std::size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    if (n == 0 || i + n > t.size()) return 0;
    cp = n == 2 ? c & 0x1Fu : n == 3 ? c & 0x0Fu : c & 0x07u;
    for (std::size_t k = 1; k < n; ++k) {
        if ((b(i + k) & 0xC0u) != 0x80u) return 0;
        cp = (cp << 6) | (b(i + k) & 0x3Fu);
    }
    return n;
}

bool ascii_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// toml++ 3.3.0 (Debian's) reaches __builtin_unreachable -- undefined behaviour, a crash or worse
/// in a release build -- when it asks whether some non-ASCII characters are whitespace
/// (marzer/tomlplusplus#190, fixed upstream after 3.3.0; found by tests/fuzz/config_fuzz). It asks
/// only where TOML allows no non-ASCII character at all (between keys, values and brackets), right
/// after a backslash in a multi-line basic string, and at the first character of a line continued
/// by a backslash. So before toml++ sees the text: a non-ASCII character outside quoted strings and
/// comments is refused here with its place, as toml++ would refuse it; after a backslash it is an
/// unknown escape, refused the same way; and one that starts a continued line is written as its
/// \UXXXXXXXX escape, which means the same to TOML. A quote that does not start a string where
/// TOML can have one (it follows a bare value: `x = +abc"...`) is refused too: toml++ reads on
/// through it as part of the bare value, and would ask about the characters of what this reader
/// takes for a string. Everything else passes through unchanged.
std::string guard_toml_text(const std::string& path, const std::string& text) {
    enum class In { Code, Comment, Basic, Literal, MlBasic, MlLiteral } in = In::Code;
    std::string out;
    out.reserve(text.size());
    std::size_t line = 1, column = 1;
    bool escape = false, continued = false;
    char prev = '\n';  // the byte before this one (a quote in code must follow one of "\n\r\t =[,{.")
    const auto refuse = [&](const std::string& what) {
        fail(ErrorKind::Config, path + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + what);
    };
    const auto starts = [&](std::size_t i, std::string_view s) { return text.compare(i, s.size(), s) == 0; };
    // A closing delimiter may carry one or two quotes of the content before it: take them all.
    const auto closing = [&](std::size_t i, char q) {
        std::size_t n = 3;
        while (n < 5 && i + n < text.size() && text[i + n] == q) ++n;
        return n;
    };
    for (std::size_t i = 0; i < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        std::size_t take = 1;  // bytes of the source handled this step
        if (c >= 0x80) {
            char32_t cp = 0;
            const std::size_t n = utf8_at(text, i, cp);
            // Not UTF-8: toml++ stops there, refusing it; what came before is guarded already.
            if (n == 0) return out + text.substr(i);
            take = n;
            if (in == In::Code) refuse("a non-ASCII character outside a quoted string or a comment");
            if (in == In::MlBasic && escape) refuse("unknown escape sequence: '\\' before a non-ASCII character");
            if (in == In::MlBasic && continued) {
                char buf[16];
                std::snprintf(buf, sizeof buf, "\\U%08X", static_cast<unsigned>(cp));
                out += buf;
                continued = false;
                i += n;
                ++column;
                continue;
            }
            escape = false;
        } else {
            switch (in) {
            case In::Code:
                if ((c == '"' || c == '\'') && std::string_view("\n\r\t =[,{.").find(prev) == std::string_view::npos)
                    refuse("a quote in the middle of a bare word: a string starts after '=', '[', ',', '{', '.' or a space");
                if (c == '#') in = In::Comment;
                else if (starts(i, "\"\"\"")) in = In::MlBasic, take = 3;
                else if (starts(i, "'''")) in = In::MlLiteral, take = 3;
                else if (c == '"') in = In::Basic;
                else if (c == '\'') in = In::Literal;
                break;
            case In::Comment:
                if (c == '\n') in = In::Code;
                break;
            case In::Basic:
                if (escape) escape = false;
                else if (c == '\\') escape = true;
                else if (c == '"' || c == '\n') in = In::Code;
                break;
            case In::Literal:
                if (c == '\'' || c == '\n') in = In::Code;
                break;
            case In::MlBasic:
                if (escape) {
                    escape = false;
                    continued = ascii_space(c);
                } else if (continued && ascii_space(c)) {
                    // still skipping the continued line's whitespace
                } else {
                    continued = false;
                    if (c == '\\') escape = true;
                    else if (starts(i, "\"\"\"")) take = closing(i, '"'), in = In::Code;
                }
                break;
            case In::MlLiteral:
                if (starts(i, "'''")) take = closing(i, '\''), in = In::Code;
                break;
            }
        }
        out.append(text, i, take);
        prev = text[i + take - 1];
        for (std::size_t k = i; k < i + take; ++k) {
            if (text[k] == '\n') line += 1, column = 1;
            else if ((static_cast<unsigned char>(text[k]) & 0xC0u) != 0x80u) ++column;
        }
        i += take;
    }
    return out;
}

}  // namespace

Config load_config_file(const std::string& path) {
    // A folder opens as a stream that reads nothing: it would pass for an empty file (defaults).
    std::error_code ec;
    if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec))
        fail(ErrorKind::NoInput, "config file " + path + " cannot be read: it is not a regular file");
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(ErrorKind::NoInput, "config file " + path + " cannot be read");
    std::stringstream buf;
    buf << in.rdbuf();
    Config cfg;
    cfg.source = path;
    toml::table doc;
    try {
        doc = toml::parse(guard_toml_text(path, buf.str()), path);
    } catch (const toml::parse_error& e) {
        fail(ErrorKind::Config, where(path, e.source()) + ": " + std::string(e.description()));
    }
    check_strings(path, doc);
    for (auto&& [k, v] : doc) {
        std::string key(k.str());
        if (key == "db") {
            std::string db = get_string(path, v, "db");
            if (pg::is_uri(db)) {
                cfg.db = db;  // a PostgreSQL URI is used as written, never as a path beside the file
            } else {
                std::filesystem::path p(db);
                if (p.is_relative()) p = std::filesystem::path(path).parent_path() / p;
                cfg.db = p.string();
            }
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
        } else if (key == "days_out") {
            cfg.days_out = static_cast<int>(get_int(path, v, "days_out", 0, 365));
        } else if (key == "expand_horizon") {
            cfg.expand_horizon = get_string(path, v, "expand_horizon");
            try {
                parse_duration(cfg.expand_horizon, "expand_horizon");
            } catch (const Error& e) {
                config_error(path, v, e.what());
            }
        } else if (key == "service_types") {
            auto* t = v.as_table();
            if (!t) config_error(path, v, "service_types must be a table");
            read_service_types(path, *t, cfg);
        } else if (key == "notices") {
            auto* t = v.as_table();
            if (!t) config_error(path, v, "notices must be a table");
            read_notices(path, *t, cfg);
        } else if (key == "checklists") {
            auto* t = v.as_table();
            if (!t) config_error(path, v, "checklists must be a table");
            read_checklists(path, *t, cfg);
        } else if (key == "service") {
            auto* t = v.as_table();
            if (!t) config_error(path, v, "service must be a table");
            read_service(path, *t, cfg);
        } else if (key == "notify") {
            auto* t = v.as_table();
            if (!t) config_error(path, v, "notify must be a table");
            read_notify(path, *t, cfg.notify);
        } else if (key == "tax") {
            auto* t = v.as_table();
            if (!t) config_error(path, v, "tax must be a table");
            read_tax(path, *t, cfg.tax);
        } else if (key == "billing") {
            auto* t = v.as_table();
            if (!t) config_error(path, v, "billing must be a table");
            read_billing(path, *t, cfg.billing);
        } else if (key == "targets") {
            auto* t = v.as_table();
            if (!t) config_error(path, v, "targets must be a table");
            read_targets(path, *t, cfg);
        } else if (key == "chemicals") {
            auto* t = v.as_table();
            if (!t) config_error(path, v, "chemicals must be a table");
            read_chemicals(path, *t, cfg);
        } else if (key == "tags") {
            auto* t = v.as_table();
            if (!t) config_error(path, v, "tags must be a table");
            read_tags(path, *t, cfg);
        } else if (key == "tag_rules") {
            auto* t = v.as_table();
            if (!t) config_error(path, v, "tag_rules must be a table");
            read_tag_rules(path, *t, cfg);
        } else if (key == "sales") {
            auto* t = v.as_table();
            if (!t) config_error(path, v, "sales must be a table");
            read_sales(path, *t, cfg.sales);
        } else if (key == "customers") {
            auto* t = v.as_table();
            if (!t) config_error(path, v, "customers must be a table");
            read_customers(path, *t, cfg.customers);
        } else if (key == "schedule") {
            auto* t = v.as_table();
            if (!t) config_error(path, v, "schedule must be a table");
            read_schedule(path, *t, cfg);
        } else if (key == "routing") {
            auto* t = v.as_table();
            if (!t) config_error(path, v, "routing must be a table");
            read_routing(path, *t, cfg.routing);
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

std::string format_rate(int64_t rate_micro) {
    std::string r = std::to_string(rate_micro / 10000);
    if (int64_t rest = rate_micro % 10000; rest != 0) {
        std::string f = std::to_string(rest);
        f = std::string(4 - f.size(), '0') + f;
        while (f.back() == '0') f.pop_back();
        r += "." + f;
    }
    return r;
}

nlohmann::ordered_json config_to_json(const Config& c) {
    static const char* names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    nlohmann::ordered_json days = nlohmann::ordered_json::array();
    for (int d : c.working_days) days.push_back(names[d]);
    nlohmann::ordered_json service_types = nlohmann::ordered_json::array();
    for (const auto& t : c.service_types)
        service_types.push_back({{"name", t.name}, {"duration_min", t.duration_min}, {"checklist", t.checklist},
                                 {"price", format_money(t.price_cents)}, {"taxable", t.taxable},
                                 {"skill", t.skill.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(t.skill)}});
    nlohmann::ordered_json targets = nlohmann::ordered_json::object();
    for (const auto& [key, ranges] : c.targets)
        for (const auto& [param, r] : ranges) targets[key][param] = {r.min, r.max};
    nlohmann::ordered_json chemicals = nlohmann::ordered_json::array();
    for (const auto& ch : c.chemicals)
        chemicals.push_back({{"name", ch.name}, {"kind", ch.kind}, {"strength", ch.strength}, {"unit", ch.unit}});
    nlohmann::ordered_json notices = nlohmann::ordered_json::object();
    for (const auto& [name, t] : c.notices)
        notices[name] = {{"channel", t.channel}, {"subject", t.subject}, {"body", t.body}, {"enabled", t.enabled}};
    nlohmann::ordered_json tax_rates = nlohmann::ordered_json::object();
    for (const auto& [name, r] : c.tax.rates) tax_rates[name] = format_rate(r);
    nlohmann::ordered_json items = nlohmann::ordered_json::object();
    for (const auto& [kind, name] : c.billing.items) items[kind] = name;
    nlohmann::ordered_json tags = nlohmann::ordered_json::object();
    for (const auto& [name, t] : c.tags)
        tags[name] = {{"description", t.description}, {"colour", t.colour.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(t.colour)}};
    nlohmann::ordered_json closed = nlohmann::ordered_json::array();
    for (const auto& d : c.closed_days)
        closed.push_back({{"date", d.date}, {"reason", d.reason.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(d.reason)}});
    nlohmann::ordered_json rules = nlohmann::ordered_json::array();
    for (const auto& [name, r] : c.tag_rules)
        rules.push_back({{"name", name}, {"on", r.on}, {"if_status", r.if_status}, {"if_tags", r.if_tags}, {"add", r.add},
                         {"remove", r.remove}, {"set_status", r.set_status.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.set_status)},
                         {"enabled", r.enabled}});
    return {
        {"source", c.source.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(c.source)},
        {"db", c.db ? nlohmann::ordered_json(Store::display(*c.db)) : nlohmann::ordered_json(nullptr)},
        {"timezone", c.timezone},
        {"busy_timeout_ms", c.busy_timeout_ms},
        {"currency", c.currency},
        {"working_days", days},
        {"days_out", c.days_out},
        {"expand_horizon", c.expand_horizon},
        {"company.name", c.company.name},
        {"company.address", c.company.address},
        {"company.phone", c.company.phone},
        {"company.email", c.company.email},
        {"service_types", service_types},
        {"notify.email_command", c.notify.email_command},
        {"notify.sms_command", c.notify.sms_command},
        {"notify.max_attempts", c.notify.max_attempts},
        {"notify.retry_after_s", c.notify.retry_after_s},
        {"notify.timeout_s", c.notify.timeout_s},
        {"notices", notices},
        {"service.amend_roles", c.amend_roles},
        {"service.gps_max_distance_m", c.gps_max_distance_m},
        {"service.allow_negative_stock", c.allow_negative_stock},
        {"service.photo_max_bytes", c.photo_max_bytes},
        {"tax.name", c.tax.name},
        {"tax.rate", format_rate(c.tax.rate_micro)},
        {"tax.rates", tax_rates},
        {"tax.rounding", c.tax.rounding},
        {"tax.level", c.tax.level},
        {"billing.invoice_prefix", c.billing.invoice_prefix},
        {"billing.credit_prefix", c.billing.credit_prefix},
        {"billing.number_digits", c.billing.number_digits},
        {"billing.terms", c.billing.terms},
        {"billing.date_format", c.billing.date_format},
        {"billing.ar_account", c.billing.ar_account},
        {"billing.income_account", c.billing.income_account},
        {"billing.tax_account", c.billing.tax_account},
        {"billing.tax_item", c.billing.tax_item},
        {"billing.write_off_account", c.billing.write_off_account},
        {"billing.deposit_account", c.billing.deposit_account},
        {"billing.xero_payment_account", c.billing.xero_payment_account},
        {"billing.qbo_tax_code", c.billing.qbo_tax_code},
        {"billing.qbo_exempt_tax_code", c.billing.qbo_exempt_tax_code},
        {"billing.xero_account_code", c.billing.xero_account_code},
        {"billing.xero_tax_type", c.billing.xero_tax_type},
        {"billing.xero_exempt_tax_type", c.billing.xero_exempt_tax_type},
        {"billing.items", items},
        {"billing.qbo_tax_codes", nlohmann::ordered_json(c.billing.qbo_tax_codes)},
        {"billing.xero_tax_types", nlohmann::ordered_json(c.billing.xero_tax_types)},
        {"billing.tax_items", nlohmann::ordered_json(c.billing.tax_items)},
        {"billing.income_accounts", nlohmann::ordered_json(c.billing.income_accounts)},
        {"billing.xero_account_codes", nlohmann::ordered_json(c.billing.xero_account_codes)},
        {"billing.monthly_taxable", c.billing.monthly_taxable},
        {"billing.issue_date", c.billing.issue_date},
        {"billing.remind_days", nlohmann::ordered_json(c.billing.remind_days)},
        {"billing.complete_requires_ticket", c.billing.complete_requires_ticket},
        {"billing.quote_prefix", c.billing.quote_prefix},
        {"targets", targets},
        {"chemicals", chemicals},
        {"tags", tags},
        {"tag_rules", rules},
        {"sales.quote_valid_days", c.sales.quote_valid_days},
        {"sales.followup_limit", c.sales.followup_limit},
        {"customers.ref_prefix", c.customers.ref_prefix},
        {"customers.ref_digits", c.customers.ref_digits},
        {"routing.road_factor", c.routing.road_factor},
        {"routing.speed_kmh", c.routing.speed_kmh},
        {"routing.depot", c.routing.depot ? nlohmann::ordered_json(format_plain(c.routing.depot->first) + "," +
                                                                   format_plain(c.routing.depot->second))
                                          : nlohmann::ordered_json(nullptr)},
        {"routing.day_start", c.routing.day_start},
        {"routing.day_end", c.routing.day_end},
        {"routing.load_unit", c.routing.load_unit},
        {"routing.load_chemical", c.routing.load_chemical},
        {"routing.arrival_range_min", c.routing.arrival_range_min},
        {"schedule.closed", closed},
    };
}

}  // namespace pom
