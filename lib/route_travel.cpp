#include "route_travel.h"

#include "csv.h"
#include "error.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace pom {

namespace {

bool parse_number(const std::string& text, double& out) {
    if (text.empty()) return false;
    size_t b = text.find_first_not_of(" \t");
    size_t e = text.find_last_not_of(" \t");
    if (b == std::string::npos) return false;
    std::string t = text.substr(b, e - b + 1);
    // strtod would take "inf", "nan", hex floats and the locale's decimal comma: none is a
    // number of seconds or degrees.
    for (char c : t)
        if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) return false;
    errno = 0;
    char* end = nullptr;
    double v = std::strtod(t.c_str(), &end);
    if (end != t.c_str() + t.size() || errno == ERANGE || !std::isfinite(v)) return false;
    out = v;
    return true;
}

std::string cell_text(const std::string& s) { return s.size() > 40 ? "'" + s.substr(0, 40) + "…'" : "'" + s + "'"; }

}  // namespace

LatLon parse_lat_lon(const std::string& text, const std::string& what) {
    auto comma = text.find(',');
    double lat = 0, lon = 0;
    if (comma == std::string::npos || !parse_number(text.substr(0, comma), lat) || !parse_number(text.substr(comma + 1), lon))
        fail(ErrorKind::BadInput, what + ": '" + text + "' is not LAT,LON in decimal degrees (\"33.45,-112.07\")");
    if (lat < -90 || lat > 90) fail(ErrorKind::BadInput, what + ": latitude must be between -90 and 90");
    if (lon < -180 || lon > 180) fail(ErrorKind::BadInput, what + ": longitude must be between -180 and 180");
    return {lat, lon};
}

double great_circle_km(LatLon a, LatLon b) {
    constexpr double k_radius_km = 6371.0088;
    constexpr double k_rad = 3.14159265358979323846 / 180.0;
    double dlat = (b.lat - a.lat) * k_rad, dlon = (b.lon - a.lon) * k_rad;
    double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
               std::cos(a.lat * k_rad) * std::cos(b.lat * k_rad) * std::sin(dlon / 2) * std::sin(dlon / 2);
    return 2 * k_radius_km * std::asin(std::min(1.0, std::sqrt(h)));
}

int64_t TravelModel::seconds_of_km(double road_km) const {
    return static_cast<int64_t>(std::llround(road_km / speed_kmh * 3600.0));
}

TravelMatrix TravelMatrix::parse(std::string_view text, const std::string& source) {
    TravelMatrix m;
    m.m_source = source;
    std::istringstream in{std::string(text)};
    CsvReader csv(in, source);
    std::vector<std::string> fields;
    if (!csv.next(fields)) fail(ErrorKind::BadInput, source + ": empty; the first row is the keys of the stops");
    for (size_t c = 1; c < fields.size(); ++c) {
        const std::string& key = fields[c];
        if (key.empty()) fail(ErrorKind::BadInput, source + ": row 1, column " + std::to_string(c + 1) + ": an empty key");
        if (!m.m_index.emplace(key, c - 1).second)
            fail(ErrorKind::BadInput, source + ": row 1, column " + std::to_string(c + 1) + ": key " + cell_text(key) + " is given twice");
        m.m_keys.push_back(key);
    }
    const size_t n = m.m_keys.size();
    if (n == 0) fail(ErrorKind::BadInput, source + ": row 1 names no stops");
    m.m_seconds.assign(n * n, -1);
    std::vector<bool> seen(n, false);
    while (csv.next(fields)) {
        int row = csv.row();
        if (fields.size() == 1 && fields[0].empty()) continue;  // a blank line
        auto it = m.m_index.find(fields[0]);
        if (it == m.m_index.end())
            fail(ErrorKind::BadInput, source + ": row " + std::to_string(row) + ", column 1: key " + cell_text(fields[0]) +
                                          " is not in the header row");
        size_t r = it->second;
        if (seen[r]) fail(ErrorKind::BadInput, source + ": row " + std::to_string(row) + ", column 1: key " + cell_text(fields[0]) + " is given twice");
        seen[r] = true;
        if (fields.size() != n + 1)
            fail(ErrorKind::BadInput, source + ": row " + std::to_string(row) + " (" + fields[0] + "): " +
                                          std::to_string(fields.size() - 1) + " cells where the header has " + std::to_string(n));
        for (size_t c = 0; c < n; ++c) {
            double v = 0;
            std::string where = source + ": row " + std::to_string(row) + " (" + fields[0] + "), column " + std::to_string(c + 2) +
                                " (" + m.m_keys[c] + "): ";
            if (!parse_number(fields[c + 1], v)) fail(ErrorKind::BadInput, where + cell_text(fields[c + 1]) + " is not a number of seconds");
            if (v < 0) fail(ErrorKind::BadInput, where + cell_text(fields[c + 1]) + " is negative");
            if (v > 1e9) fail(ErrorKind::BadInput, where + cell_text(fields[c + 1]) + " is more than 10^9 seconds");
            m.m_seconds[r * n + c] = static_cast<int64_t>(std::llround(v));
        }
    }
    for (size_t r = 0; r < n; ++r)
        if (!seen[r]) fail(ErrorKind::BadInput, source + ": key '" + m.m_keys[r] + "' of the header row has no row of its own");
    return m;
}

int64_t TravelMatrix::seconds(const std::string& from, const std::string& to) const {
    auto a = m_index.find(from);
    if (a == m_index.end()) fail(ErrorKind::BadInput, m_source + ": no row or column for " + from);
    auto b = m_index.find(to);
    if (b == m_index.end()) fail(ErrorKind::BadInput, m_source + ": no row or column for " + to);
    return m_seconds[a->second * m_keys.size() + b->second];
}

}  // namespace pom
