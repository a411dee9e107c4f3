#include "database.h"

#include "error.h"
#include "service.h"

#include <filesystem>
#include <unistd.h>

namespace pom {

std::string DatabaseProblem::summary() const {
    std::string s = check + ": ";
    if (!table.empty()) s += table + (row ? " row " + std::to_string(*row) : "") + (column.empty() ? "" : " column " + column) + " ";
    return s + detail;
}

std::vector<DatabaseProblem> check_database(Store& store) { return store.check(); }

void backup_database(Store& store, const std::string& dest, bool replace) {
    namespace fs = std::filesystem;
    // A copy is a file outside the database: it is made of what is committed, never of a
    // transaction that could still roll back (and VACUUM cannot run inside one).
    if (store.in_transaction()) fail(ErrorKind::Internal, "a backup is made only outside a transaction");
    std::error_code ec;
    if (fs::is_directory(dest, ec)) fail(ErrorKind::Conflict, dest + " is a folder; name the backup file");
    if (fs::exists(dest, ec) && !replace)
        fail(ErrorKind::Conflict, dest + " already exists; choose a new file, or give --replace");
    auto parent = fs::path(dest).parent_path();
    if (!parent.empty() && !fs::is_directory(parent, ec))
        fail(ErrorKind::NoInput, "folder " + parent.string() + " does not exist");
    // Made beside it under another name, then renamed into place: a backup killed half-way never
    // leaves a broken file under the name a restore would look for, nor replaces a good one.
    std::string tmp = dest + ".pom-partial-" + std::to_string(::getpid());
    fs::remove(tmp, ec);
    try {
        store.backup(tmp);
        fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
        fs::rename(tmp, dest);
    } catch (const fs::filesystem_error& e) {
        fs::remove(tmp, ec);
        fail(ErrorKind::Io, "cannot write " + dest + ": " + e.code().message());
    } catch (...) {
        fs::remove(tmp, ec);
        throw;
    }
}

DatabaseStats database_stats(Store& store) { return store.stats(); }

namespace {

/// Copies the photo files the target's photo rows refer to from the source's photos folder into
/// the target's, each under a temporary name first so that a photo file is always whole.
void copy_photo_files(Store& source, Store& target, CompanyCopy& out) {
    namespace fs = std::filesystem;
    std::vector<std::pair<std::string, std::string>> photos;
    {
        Statement q(target, "SELECT DISTINCT sha256, media_type FROM photo ORDER BY sha256");
        while (q.executeStep()) photos.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getString());
    }
    out.photos = static_cast<int64_t>(photos.size());
    out.photo_dir = photo_dir(target);
    out.source_photo_dir = photo_dir(source);
    std::error_code ec;
    for (const auto& [sha, media_type] : photos) {
        std::string dest = photo_path(target, sha, media_type);
        if (fs::exists(dest, ec)) continue;
        std::string from = photo_path(source, sha, media_type);
        if (!fs::is_regular_file(from, ec)) {
            ++out.photos_missing;
            continue;
        }
        fs::create_directories(fs::path(dest).parent_path(), ec);
        if (ec) fail(ErrorKind::Io, "cannot create " + fs::path(dest).parent_path().string() + ": " + ec.message());
        std::string tmp = dest + ".tmp" + std::to_string(::getpid());
        fs::copy_file(from, tmp, fs::copy_options::overwrite_existing, ec);
        if (!ec) fs::rename(tmp, dest, ec);
        if (ec) fail(ErrorKind::Io, "cannot copy photo " + from + " to " + dest + ": " + ec.message());
        ++out.photos_copied;
    }
}

}  // namespace

CompanyCopy copy_company(Store& source, const std::string& to, bool dry_run) {
    CompanyCopy out;
    out.from = source.path();
    if (dry_run) {
        out.to = display_location(to);
        out.tables = survey_rows(source);
        return out;
    }
    Store::OpenOptions options;
    options.create = true;
    auto target = Store::open(to, options);
    out.to = target->path();
    std::error_code ec;
    if (out.to == out.from || std::filesystem::equivalent(out.to, out.from, ec))
        fail(ErrorKind::Conflict, "the source and the target are the same database (" + out.to + ")");
    WriteTx tx(*target);
    out.tables = copy_rows(source, *target);
    for (const auto& t : out.tables)
        if (!t.same()) return out;  // rolled back by tx
    copy_photo_files(source, *target, out);
    tx.commit();
    out.written = true;
    return out;
}

}  // namespace pom
