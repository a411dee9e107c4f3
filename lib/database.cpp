#include "database.h"

#include "error.h"

#include <filesystem>

namespace pom {

std::string DatabaseProblem::summary() const {
    std::string s = check + ": ";
    if (!table.empty()) s += table + (row ? " row " + std::to_string(*row) : "") + (column.empty() ? "" : " column " + column) + " ";
    return s + detail;
}

std::vector<DatabaseProblem> check_database(Store& store) { return store.check(); }

void backup_database(Store& store, const std::string& dest) {
    // A copy is a file outside the database: it is made of what is committed, never of a
    // transaction that could still roll back (and VACUUM cannot run inside one).
    if (store.in_transaction()) fail(ErrorKind::Internal, "a backup is made only outside a transaction");
    std::error_code ec;
    if (std::filesystem::exists(dest, ec)) fail(ErrorKind::Conflict, dest + " already exists; choose a new file");
    auto parent = std::filesystem::path(dest).parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec))
        fail(ErrorKind::NoInput, "folder " + parent.string() + " does not exist");
    store.backup(dest);
    std::filesystem::permissions(dest, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace, ec);
}

DatabaseStats database_stats(Store& store) { return store.stats(); }

}  // namespace pom
