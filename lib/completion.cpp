#include "completion.h"

#include "error.h"


namespace pom {

const std::vector<std::string>& candidate_kinds() {
    static const std::vector<std::string> kinds{"customer", "worker", "pool"};
    return kinds;
}

std::vector<Candidate> completion_candidates(Store& store, const std::string& kind) {
    std::string sql;
    if (kind == "customer")
        // A customer is typed by ref (stable, no spaces) where it has one, else by id.
        sql = "SELECT coalesce(ref, CAST(id AS TEXT)), name || CASE WHEN company IS NULL THEN '' ELSE ' (' || company || ')' END "
              "FROM customer ORDER BY status = 'inactive', name COLLATE NOCASE, id";
    else if (kind == "worker")
        sql = "SELECT name, role || CASE WHEN active <> 0 THEN '' ELSE ', inactive' END FROM worker ORDER BY active DESC, name COLLATE NOCASE, id";
    else if (kind == "pool")
        sql = "SELECT CAST(p.id AS TEXT), c.name || ': ' || p.name || CASE WHEN p.street IS NULL THEN '' ELSE ', ' || p.street END "
              "FROM pool p JOIN customer c ON c.id = p.customer_id ORDER BY p.active DESC, c.name COLLATE NOCASE, p.id";
    else
        fail(ErrorKind::Usage, "completion ids: unknown kind '" + kind + "' (valid: customer, worker, pool)");
    Statement q(store, sql);
    std::vector<Candidate> out;
    while (q.executeStep()) out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString()});
    return out;
}

}  // namespace pom
