#pragma once
// Values a shell completes from the database: customers, workers and pools, each with a few words
// that say which one it is.
#include "store/store.h"

#include <string>
#include <vector>

namespace pom {

struct Candidate {
    std::string value;        ///< what is typed: a customer's ref (else id), a worker's name, a pool id
    std::string description;  ///< what it is, for shells that show descriptions
};

/// The kinds of value completed from the database.
const std::vector<std::string>& candidate_kinds();

/// Candidates of one kind (customer, worker, pool), active ones first where that applies. An
/// unknown kind throws Usage.
std::vector<Candidate> completion_candidates(Store& store, const std::string& kind);

}  // namespace pom
