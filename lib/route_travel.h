#pragma once
// Travel times between the stops of a route: great-circle distance times a road factor at an
// average speed (works offline), or a matrix a company's own routing engine exported.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pom {

struct LatLon {
    double lat = 0, lon = 0;
};

/// Parses "LAT,LON" (decimal degrees; spaces allowed around the comma). Throws BadInput naming
/// `what` when it is not two numbers or out of range.
LatLon parse_lat_lon(const std::string& text, const std::string& what);

/// The great-circle distance in kilometres (haversine on a sphere of radius 6371.0088 km).
double great_circle_km(LatLon a, LatLon b);

/// Travel time in seconds between stops by key (`pool:ID`, `worker:ID`), as a routing engine
/// exports it: a square CSV whose header row and first column are the keys.
class TravelMatrix {
public:
    /// Reads the CSV text. The corner cell is ignored; every other cell is a number of seconds,
    /// 0 or more (a decimal is rounded). A header key given twice, a row key that is not in the
    /// header (or missing from the rows), a negative, empty or non-numeric cell: BadInput naming
    /// `source`, the row and the column.
    static TravelMatrix parse(std::string_view text, const std::string& source);

    bool has(const std::string& key) const { return m_index.count(key) != 0; }
    /// Seconds from `from` to `to`; BadInput naming the matrix when either key is not in it.
    int64_t seconds(const std::string& from, const std::string& to) const;
    const std::vector<std::string>& keys() const { return m_keys; }
    const std::string& source() const { return m_source; }

private:
    std::string m_source;
    std::vector<std::string> m_keys;
    std::unordered_map<std::string, size_t> m_index;
    std::vector<int64_t> m_seconds;  ///< row-major, n x n
};

/// How travel between two places is priced, from `[routing]` or a matrix.
struct TravelModel {
    double road_factor = 1.3;
    double speed_kmh = 40;
    const TravelMatrix* matrix = nullptr;  ///< when set, times come from it (by key)

    /// Road kilometres between two places (great-circle times the road factor).
    double km(LatLon a, LatLon b) const { return great_circle_km(a, b) * road_factor; }
    /// Seconds between two places without a matrix.
    int64_t seconds(LatLon a, LatLon b) const { return seconds_of_km(km(a, b)); }
    /// Seconds to drive road kilometres.
    int64_t seconds_of_km(double road_km) const;
};

}  // namespace pom
