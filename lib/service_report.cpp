#include "service_report.h"
#include "document_text.h"

#include "chemistry.h"
#include "customer.h"
#include "error.h"
#include "notice.h"
#include "output.h"
#include "pool.h"
#include "service.h"

#include <fstream>
#include <cstdio>
#include <sstream>

namespace pom {

namespace {

using Json = nlohmann::ordered_json;

using doc::html_escape;

std::string md_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '|' || c == '*' || c == '_' || c == '`' || c == '[' || c == ']' || c == '<' || c == '>' || c == '#') out += '\\';
        out += c == '\n' ? ' ' : c;
    }
    return out;
}

std::string base64(const std::string& in) {
    static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        uint32_t v = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8) | uint8_t(in[i + 2]);
        out += t[v >> 18];
        out += t[(v >> 12) & 63];
        out += t[(v >> 6) & 63];
        out += t[v & 63];
    }
    if (i + 1 == in.size()) {
        uint32_t v = uint32_t(uint8_t(in[i])) << 16;
        out += t[v >> 18];
        out += t[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == in.size()) {
        uint32_t v = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8);
        out += t[v >> 18];
        out += t[(v >> 12) & 63];
        out += t[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

std::string number(double v) {
    std::ostringstream s;
    s.imbue(std::locale::classic());
    s << v;
    return s.str();
}

const std::vector<std::pair<std::string, std::string>>& k_params = reading_parameters();

std::string visit_date(Context& ctx, const std::string& instant) {
    auto local = ctx.tz.to_local(parse_stored_instant(instant));
    return date::format("%A, %B %d, %Y", date::floor<date::days>(local));
}

}  // namespace

Json service_report_data(Context& ctx, int64_t id) {
    // Built field by field from what a customer may see: never a copy of the office record.
    Json d = service_detail(ctx, id);
    Pool pool = get_pool(ctx.store, d["pool_id"].get<int64_t>());
    Customer customer = get_customer(ctx.store, d["customer_id"].get<int64_t>());
    Targets targets = ctx.config.targets_for(pool.sanitizer, pool.surface);
    Json r = Json::object();
    r["company"] = {{"name", ctx.config.company.name},
                    {"address", ctx.config.company.address},
                    {"phone", ctx.config.company.phone},
                    {"email", ctx.config.company.email}};
    r["service_id"] = d["id"];
    r["customer"] = customer.name;
    r["pool"] = {{"name", pool.name},
                 {"address", pool.street.empty() ? Json(nullptr) : Json(pool.street + (pool.city.empty() ? "" : ", " + pool.city))},
                 {"body", pool.body},
                 {"gallons", pool.gallons ? Json(*pool.gallons) : Json(nullptr)}};
    r["service_type"] = d["service_type"];
    r["date"] = visit_date(ctx, d["started_at"].get<std::string>());
    r["started_at"] = d["started_at"];
    r["ended_at"] = d["ended_at"];
    std::string tech = d["worker"].is_string() ? d["worker"].get<std::string>() : "";
    r["technician"] = tech.empty() ? Json(nullptr) : Json(tech.substr(0, tech.find(' ')));
    Json done = Json::array();
    for (const auto& c : d["checklist"])
        if (c["done"].get<bool>()) done.push_back(c["item"]);
    r["checklist_done"] = done;
    Json readings = Json::array();
    for (const auto& rd : d["readings"]) {
        Json values = Json::array();
        for (const auto& [key, label] : k_params) {
            if (rd[key].is_null()) continue;
            Json v = {{"parameter", key}, {"label", label}, {"value", rd[key]}};
            auto it = targets.ranges.find(key);
            if (it != targets.ranges.end()) {
                v["target_min"] = it->second.min;
                v["target_max"] = it->second.max;
                double x = rd[key].get<double>();
                v["in_range"] = x >= it->second.min && x <= it->second.max;
            }
            values.push_back(v);
        }
        readings.push_back({{"taken_at", rd["taken_at"]}, {"values", values}, {"lsi", rd["lsi"]}, {"csi", rd["csi"]}});
    }
    r["readings"] = readings;
    Json chems = Json::array();
    for (const auto& dose : d["doses"]) chems.push_back({{"chemical", dose["chemical"]}, {"amount", dose["amount"]}, {"unit", dose["unit"]}});
    r["chemicals_added"] = chems;
    Json notes = Json::array();
    for (const auto& n : d["notes"])
        if (!n["private"].get<bool>()) notes.push_back(n["text"]);
    r["notes"] = notes;
    Json photos = Json::array();
    for (const auto& p : d["photos"]) photos.push_back({{"sha256", p["sha256"]}, {"media_type", p["media_type"]}, {"caption", p["caption"]}});
    r["photos"] = photos;
    return r;
}

/// "+0.42 (balanced)": two decimals and what the number means to a homeowner (TFP and Orenda bands).
static std::string index_text(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%+.2f", v == 0 ? 0.0 : v);
    const char* meaning = v > 0.3 ? "tends to scale" : v < -0.3 ? "tends to etch surfaces" : "balanced";
    return std::string(buf) + " (" + meaning + ")";
}

/// Display width of UTF-8 text: code points, not bytes ("°F" is two columns, three bytes).
static size_t columns(const std::string& t) {
    size_t n = 0;
    for (unsigned char c : t) n += (c & 0xC0) != 0x80;
    return n;
}

std::string render_service_report(Context& ctx, int64_t id, const std::string& format) {
    if (format != "text" && format != "md" && format != "html" && format != "json")
        fail(ErrorKind::Usage, "--format: '" + format + "' is not text, md, html or json");
    Json r = service_report_data(ctx, id);
    if (format == "json") return to_json_text(r, 2) + "\n";  // text an older pom stored unchecked: U+FFFD, not an exception
    auto s = [](const Json& v) { return v.is_null() ? std::string() : v.is_string() ? v.get<std::string>() : v.dump(); };
    std::ostringstream o;
    std::string title = "Service report: " + s(r["service_type"]) + " on " + s(r["date"]);
    if (format == "text" || format == "md") {
        bool md = format == "md";
        auto esc = [&](const std::string& t) { return md ? md_escape(t) : t; };
        o << (md ? "# " : "") << esc(s(r["company"]["name"])) << "\n";
        for (const char* k : {"address", "phone", "email"})
            if (!s(r["company"][k]).empty()) o << esc(s(r["company"][k])) << (md ? "  \n" : "\n");
        o << "\n" << (md ? "## " : "") << esc(title) << "\n\n";
        o << (md ? "- **Customer:** " : "Customer:   ") << esc(s(r["customer"])) << "\n";
        if (!r["pool"]["address"].is_null()) o << (md ? "- **Pool:** " : "Pool:       ") << esc(s(r["pool"]["address"])) << "\n";
        if (!r["technician"].is_null()) o << (md ? "- **Technician:** " : "Technician: ") << esc(s(r["technician"])) << "\n";
        o << "\n" << (md ? "### " : "") << "Work done\n";
        if (r["checklist_done"].empty()) o << (md ? "- " : "  ") << "(no checklist)\n";
        for (const auto& c : r["checklist_done"]) o << (md ? "- " : "  [x] ") << esc(s(c)) << "\n";
        for (const auto& rd : r["readings"]) {
            o << "\n" << (md ? "### " : "") << "Water test\n";
            if (md) o << "| Test | Result | Target |\n|---|---|---|\n";
            for (const auto& v : rd["values"]) {
                std::string target = v.contains("target_min") ? number(v["target_min"].get<double>()) + "-" + number(v["target_max"].get<double>()) : "";
                std::string flag = v.contains("in_range") && !v["in_range"].get<bool>() ? " (outside target)" : "";
                if (md) o << "| " << esc(s(v["label"])) << " | " << number(v["value"].get<double>()) << flag << " | " << target << " |\n";
                else {
                    std::string label = s(v["label"]);
                    o << "  " << label << std::string(columns(label) < 26 ? 26 - columns(label) : 1, ' ') << number(v["value"].get<double>()) << flag
                      << (target.empty() ? "" : "   (target " + target + ")") << "\n";
                }
            }
            for (const char* idx : {"lsi", "csi"})
                if (!rd[idx].is_null())
                    o << (md ? "\n**" : "  ") << (std::string(idx) == "lsi" ? "Saturation index (LSI)" : "Calcite saturation index (CSI)")
                      << (md ? ":** " : ": ") << index_text(rd[idx]["value"].get<double>()) << "\n";
        }
        if (!r["chemicals_added"].empty()) {
            o << "\n" << (md ? "### " : "") << "Chemicals added\n";
            for (const auto& c : r["chemicals_added"]) o << (md ? "- " : "  ") << esc(s(c["chemical"])) << ": " << s(c["amount"]) << " " << s(c["unit"]) << "\n";
        }
        if (!r["notes"].empty()) {
            o << "\n" << (md ? "### " : "") << "Notes from your technician\n";
            for (const auto& n : r["notes"]) o << (md ? "> " : "  ") << esc(s(n)) << "\n";
        }
        if (!r["photos"].empty()) o << "\n" << r["photos"].size() << " photo(s) taken during the visit.\n";
        o << "\nThank you for choosing " << esc(s(r["company"]["name"])) << ".\n";
        return o.str();
    }
    // HTML: one standalone file, photos embedded, printable.
    auto h = [&](const Json& v) { return html_escape(s(v)); };
    o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" << html_escape(title) << "</title>\n"
      << "<style>\nbody{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#1d2a36;max-width:760px;margin:2em auto;padding:0 1em}\n"
         "header{border-bottom:3px solid #0a7cc1;padding-bottom:.5em;margin-bottom:1em}\nh1{margin:0;color:#0a7cc1}\n"
         "table{border-collapse:collapse;width:100%}\nth,td{text-align:left;padding:.35em .5em;border-bottom:1px solid #dde5ec}\n"
         ".off{color:#b34700;font-weight:600}\nfigure{display:inline-block;margin:.5em;max-width:45%}\nimg{max-width:100%;border-radius:4px}\n"
         "@media print{body{margin:0}figure{page-break-inside:avoid}}\n</style>\n</head>\n<body>\n<header>\n<h1>"
      << h(r["company"]["name"]) << "</h1>\n<div>";
    bool first = true;
    for (const char* k : {"address", "phone", "email"})
        if (!s(r["company"][k]).empty()) {
            o << (first ? "" : " · ") << h(r["company"][k]);
            first = false;
        }
    o << "</div>\n</header>\n<h2>" << html_escape(title) << "</h2>\n<p><strong>Customer:</strong> " << h(r["customer"]);
    if (!r["pool"]["address"].is_null()) o << "<br><strong>Pool:</strong> " << h(r["pool"]["address"]);
    if (!r["technician"].is_null()) o << "<br><strong>Technician:</strong> " << h(r["technician"]);
    o << "</p>\n<h3>Work done</h3>\n<ul>\n";
    for (const auto& c : r["checklist_done"]) o << "<li>" << h(c) << "</li>\n";
    o << "</ul>\n";
    for (const auto& rd : r["readings"]) {
        o << "<h3>Water test</h3>\n<table>\n<tr><th>Test</th><th>Result</th><th>Target</th></tr>\n";
        for (const auto& v : rd["values"]) {
            bool off = v.contains("in_range") && !v["in_range"].get<bool>();
            o << "<tr><td>" << h(v["label"]) << "</td><td" << (off ? " class=\"off\"" : "") << ">" << number(v["value"].get<double>())
              << "</td><td>"
              << (v.contains("target_min") ? number(v["target_min"].get<double>()) + "–" + number(v["target_max"].get<double>()) : "")
              << "</td></tr>\n";
        }
        o << "</table>\n";
        for (const char* idx : {"lsi", "csi"})
            if (!rd[idx].is_null())
                o << "<p><strong>" << (std::string(idx) == "lsi" ? "Saturation index (LSI)" : "Calcite saturation index (CSI)")
                  << ":</strong> " << index_text(rd[idx]["value"].get<double>()) << "</p>\n";
    }
    if (!r["chemicals_added"].empty()) {
        o << "<h3>Chemicals added</h3>\n<ul>\n";
        for (const auto& c : r["chemicals_added"]) o << "<li>" << h(c["chemical"]) << ": " << h(c["amount"]) << " " << h(c["unit"]) << "</li>\n";
        o << "</ul>\n";
    }
    if (!r["notes"].empty()) {
        o << "<h3>Notes from your technician</h3>\n";
        for (const auto& n : r["notes"]) o << "<p>" << h(n) << "</p>\n";
    }
    if (!r["photos"].empty()) {
        o << "<h3>Photos</h3>\n";
        for (const auto& p : r["photos"]) {
            std::ifstream in(photo_path(ctx.store, s(p["sha256"]), s(p["media_type"])), std::ios::binary);
            std::stringstream buf;
            buf << in.rdbuf();
            o << "<figure><img alt=\"" << h(p["caption"]) << "\" src=\"data:" << h(p["media_type"]) << ";base64," << base64(buf.str())
              << "\">";
            if (!p["caption"].is_null()) o << "<figcaption>" << h(p["caption"]) << "</figcaption>";
            o << "</figure>\n";
        }
    }
    o << "<footer><p>Thank you for choosing " << h(r["company"]["name"]) << ".</p></footer>\n</body>\n</html>\n";
    return o.str();
}

void queue_service_report(Context& ctx, int64_t id) {
    Service s = get_service(ctx.store, id);
    std::string body = render_service_report(ctx, id, "text");
    std::string subject = "Your pool service report: " + visit_date(ctx, s.started_at);
    queue_customer_notice(ctx, "service_report", "email", s.customer_id, s.appointment_id, subject, body,
                          "service_report:" + std::to_string(id));
}

}  // namespace pom
