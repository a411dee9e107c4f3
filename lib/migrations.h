#pragma once
#include <string>
#include <vector>

namespace pom {

/// The schema, as numbered migrations: element i takes the database from user_version i to i+1.
/// Append only: a released migration is never edited.
const std::vector<std::string>& migrations();

}  // namespace pom
