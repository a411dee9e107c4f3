// The store (lib/store/store.h) on its SQLite engine: opening and creating files, migrations, newer and foreign files,
// write transactions, busy and constraint errors.
#include "database.h"
#include "error.h"
#include "fixture.h"
#include "store/sqlite/migrations.h"
#include "store/store.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace pom;
namespace fs = std::filesystem;

namespace {

/// A fresh folder under the system temp folder, removed afterwards.
struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "pom-unit-XXXXXX").string();
        path = ::mkdtemp(tmpl.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string file(const std::string& name) const { return (path / name).string(); }
};

/// A pom database of schema `version` (its migrations run by hand, as that pom left it).
void make_at_version(SQLite::Database& db, size_t version) {
    for (size_t v = 0; v < version; ++v) {
        if (!migrations()[v].sql.empty()) db.exec(migrations()[v].sql);
        if (migrations()[v].apply) migrations()[v].apply(db);
    }
    db.exec("PRAGMA application_id = 1347374385");
    db.exec("PRAGMA user_version = " + std::to_string(version));
}

/// The plan SQLite chooses for `sql`, one line a step.
std::string query_plan(Store& store, const std::string& sql) {
    std::string out;
    pom::Statement q(store, "EXPLAIN QUERY PLAN " + sql);
    while (q.executeStep()) out += q.getColumn(3).getString() + "\n";
    return out;
}

std::string bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

Error error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    FAIL("no error");
    return Error(ErrorKind::Internal, "");
}

Store::OpenOptions create() {
    Store::OpenOptions o;
    o.create = true;
    return o;
}

int64_t scalar(Store& s, const std::string& sql) { return s.query_int(sql); }

}  // namespace

TEST_CASE("an in-memory store is migrated to the latest schema with foreign keys on") {
    auto s = Store::open_memory();
    CHECK(s->schema_version() == latest_schema_version());
    CHECK(latest_schema_version() == static_cast<int>(migrations().size()));
    CHECK(scalar(*s, "PRAGMA foreign_keys") == 1);
    CHECK(s->was_migrated());
    CHECK(s->migrated_from() == 0);
    // Tables are STRICT: a text in an integer column is refused, not stored.
    CHECK(scalar(*s, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'customer' AND sql LIKE '%STRICT%'") == 1);
    Error e = error_of([&] { s->exec("INSERT INTO worker (name, active, created_at, updated_at) VALUES ('W', 'yes', 'x', 'x')"); });
    CHECK(e.kind() == ErrorKind::BadInput);
    CHECK(scalar(*s, "SELECT count(*) FROM worker") == 0);
}

TEST_CASE("a new file is created private (0600), in WAL mode, with its folders") {
    TempDir dir;
    std::string path = dir.file("a/b/pom.db");
    auto s = Store::open(path, create());
    CHECK(s->was_migrated());
    CHECK(s->schema_version() == latest_schema_version());
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(s->query_text("PRAGMA journal_mode") == "wal");
    CHECK(scalar(*s, "PRAGMA foreign_keys") == 1);
    CHECK(scalar(*s, "PRAGMA application_id") == 0x504F4D31);
    {
        WriteTx tx(*s);
        s->exec("INSERT INTO worker (name, created_at, updated_at) VALUES ('W', 'x', 'x')");
        tx.commit();
    }
    // The WAL and shared-memory files are private too.
    for (const char* suffix : {"-wal", "-shm"}) {
        if (::stat((path + suffix).c_str(), &st) == 0) CHECK((st.st_mode & 0777) == 0600);
    }
    s.reset();
    auto again = Store::open(path, Store::OpenOptions{});
    CHECK_FALSE(again->was_migrated());
    CHECK(scalar(*again, "SELECT count(*) FROM worker") == 1);
}

TEST_CASE("a missing database says how to create one") {
    TempDir dir;
    std::string path = dir.file("none.db");
    Error e = error_of([&] { Store::open(path, Store::OpenOptions{}); });
    CHECK(e.kind() == ErrorKind::NoInput);
    CHECK(std::string(e.what()) == "no database at " + path + " (create one with: pom init --db " + path + ")");
    CHECK_FALSE(fs::exists(path));
    std::ofstream(dir.file("empty.db")).close();
    e = error_of([&] { Store::open(dir.file("empty.db"), Store::OpenOptions{}); });
    CHECK(e.kind() == ErrorKind::NoInput);
    CHECK(std::string(e.what()).find("is an empty file, not a pom database") != std::string::npos);
}

TEST_CASE("an older schema is migrated step by step in one transaction") {
    TempDir dir;
    std::string path = dir.file("old.db");
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec(migrations()[0].sql);
        db.exec("PRAGMA application_id = 1347374385");  // "POM1"
        db.exec("PRAGMA user_version = 1");
        db.exec("INSERT INTO customer (name, status, created_at, updated_at) VALUES ('Kept', 'active', 'x', 'x')");
    }
    auto s = Store::open(path, Store::OpenOptions{});
    CHECK(s->was_migrated());
    CHECK(s->migrated_from() == 1);
    CHECK(s->schema_version() == latest_schema_version());
    CHECK(s->query_text("SELECT name FROM customer") == "Kept");
    CHECK(s->query_text("PRAGMA journal_mode") == "wal");
}

TEST_CASE("migration 8: CHECK lists of three or more values become comparisons, same meaning") {
    CHECK(in_lists_as_comparisons("status TEXT NOT NULL CHECK (status IN ('a', 'b', 'c'))") ==
          "status TEXT NOT NULL CHECK ((status = 'a' OR status = 'b' OR status = 'c'))");
    CHECK(in_lists_as_comparisons("n INTEGER CHECK (n IN (0, 1, -2))") == "n INTEGER CHECK ((n = 0 OR n = 1 OR n = -2))");
    // Two values are compared already; subqueries, NOT IN and other text stay as they are.
    CHECK(in_lists_as_comparisons("CHECK (kind IN ('email', 'phone'))") == "CHECK (kind IN ('email', 'phone'))");
    CHECK(in_lists_as_comparisons("CHECK (x NOT IN ('a', 'b', 'c'))") == "CHECK (x NOT IN ('a', 'b', 'c'))");
    CHECK(in_lists_as_comparisons("CHECK (x IN (SELECT y FROM t))") == "CHECK (x IN (SELECT y FROM t))");

    // A database made by schema 7 with rows in it: after the upgrade no table keeps such a list,
    // the rows are intact and the constraints still refuse what they refused.
    TempDir dir;
    std::string path = dir.file("v7.db");
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        make_at_version(db, 7);
        db.exec("INSERT INTO customer (name, status, created_at, updated_at) VALUES ('Kept', 'lead', 'x', 'x')");
        CHECK(db.execAndGet("SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%status IN (''lead'', ''active'', ''inactive'')%'")
                  .getInt() > 0);
    }
    auto s = Store::open(path, Store::OpenOptions{});
    CHECK(s->migrated_from() == 7);
    pom::Statement q(*s, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND sql LIKE 'CREATE TABLE%'");
    int tables = 0;
    while (q.executeStep()) {
        ++tables;
        std::string sql = q.getColumn(0).getString();
        CHECK(in_lists_as_comparisons(sql) == sql);
    }
    CHECK(tables > 30);
    CHECK(s->query_text("PRAGMA integrity_check") == "ok");
    CHECK(s->query_text("SELECT name || ' ' || status FROM customer") == "Kept lead");
    CHECK(error_of([&] { s->exec("UPDATE customer SET status = 'gone'"); }).kind() == ErrorKind::BadInput);
    CHECK_NOTHROW(s->exec("UPDATE customer SET status = 'inactive'"));
    CHECK(error_of([&] {
              s->exec("INSERT INTO audit_log (at, actor, command, entity, entity_id, action) "
                      "VALUES ('x', 'x', 'x', 'x', 1, 'erase')");
          }).kind() == ErrorKind::BadInput);
    // A second connection reads the new schema.
    SQLite::Database other(path, SQLite::OPEN_READWRITE);
    CHECK(other.execAndGet("SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%status IN (''lead'', ''active'', ''inactive'')%'")
              .getInt() == 0);
    CHECK_THROWS_AS(other.exec("UPDATE customer SET status = 'gone'"), SQLite::Exception);
}

TEST_CASE("migration 9: open past visits are found through the date index, rolled ones through their own") {
    TempDir dir;
    std::string path = dir.file("v8.db");
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        make_at_version(db, 8);
        db.exec("INSERT INTO customer (id, name, status, created_at, updated_at) VALUES (1, 'Kept', 'active', 'x', 'x')");
        db.exec("INSERT INTO pool (id, customer_id, created_at, updated_at) VALUES (1, 1, 'x', 'x')");
        const char* insert = "INSERT INTO appointment (id, customer_id, pool_id, date, duration_min, service_type, status, "
                             "rolled_count, created_at, updated_at) VALUES ";
        db.exec(std::string(insert) +
                "(1, 1, 1, '2026-11-20', 30, 'maintenance', 'scheduled', 0, 'x', 'x'),"
                "(2, 1, 1, '2026-11-20', 30, 'maintenance', 'completed', 0, 'x', 'x'),"
                "(3, 1, 1, '2026-11-21', 30, 'maintenance', 'en_route', 2, 'x', 'x'),"
                "(4, 1, 1, '2026-11-30', 30, 'maintenance', 'scheduled', 0, 'x', 'x'),"
                "(5, 1, 1, '2026-11-19', 30, 'maintenance', 'skipped', 1, 'x', 'x')");
    }
    auto s = Store::open(path, Store::OpenOptions{});
    CHECK(s->migrated_from() == 8);
    CHECK(s->query_text("PRAGMA integrity_check") == "ok");
    auto ids = [&](const std::string& sql) {
        std::string out;
        pom::Statement q(*s, sql);
        while (q.executeStep()) out += (out.empty() ? "" : ",") + q.getColumn(0).getString();
        return out;
    };
    auto plan = [&](const std::string& sql) { return query_plan(*s, sql); };
    // What rollover and `appt list --rolled` ask (lib/appointment.cpp), answered from an index.
    std::string open_past = "SELECT a.id FROM appointment a WHERE a.status IN ('scheduled', 'en_route') AND a.date < '2026-11-23' "
                            "ORDER BY a.date, a.id";
    std::string rolled = "SELECT a.id FROM appointment a WHERE 1 AND a.rolled_count > 0 ORDER BY a.date, a.id";
    CHECK(ids(open_past) == "1,3");
    CHECK(ids(rolled) == "5,3");
    CHECK(plan(open_past).find("USING COVERING INDEX appointment_date (date<?)") != std::string::npos);
    CHECK(plan(rolled).find("USING INDEX appointment_rolled") != std::string::npos);
    CHECK(ids("SELECT name FROM sqlite_schema WHERE name = 'appointment_open'").empty());
    // A visit that is expanded (open, never rolled) is in no partial index.
    s->exec("INSERT INTO appointment (customer_id, pool_id, date, duration_min, service_type, created_at, updated_at) "
                 "VALUES (1, 1, '2026-12-01', 30, 'maintenance', 'x', 'x')");
    CHECK(ids(rolled) == "5,3");
}

TEST_CASE("migration 21: the customers with several active pools are counted from an index") {
    TempDir dir;
    std::string path = dir.file("v20.db");
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        make_at_version(db, 20);
        db.exec("INSERT INTO customer (id, name, status, created_at, updated_at) VALUES (1, 'One', 'active', 'x', 'x'), "
                "(2, 'Two', 'active', 'x', 'x'), (3, 'Three', 'active', 'x', 'x')");
        db.exec("INSERT INTO pool (id, customer_id, active, created_at, updated_at) VALUES (1, 1, 1, 'x', 'x'), "
                "(2, 2, 1, 'x', 'x'), (3, 2, 1, 'x', 'x'), (4, 3, 1, 'x', 'x'), (5, 3, 0, 'x', 'x')");
    }
    auto s = Store::open(path, Store::OpenOptions{});
    CHECK(s->migrated_from() == 20);
    CHECK(s->schema_version() == latest_schema_version());
    CHECK(s->query_text("PRAGMA integrity_check") == "ok");
    // What the board asks (lib/pool.cpp several_pools_statement): customer 3's second pool is inactive.
    std::string several = "SELECT customer_id FROM pool WHERE active = 1 GROUP BY customer_id HAVING count(*) > 1";
    CHECK(s->query_text(several) == "2");
    CHECK(query_plan(*s, several).find("USING COVERING INDEX pool_customer") != std::string::npos);
}

TEST_CASE("migration 11: a worker may be an accountant; the tables of pom serve") {
    // A database made by schema 10 with workers in it.
    TempDir dir;
    std::string path = dir.file("v10.db");
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        make_at_version(db, 10);
        db.exec("INSERT INTO worker (id, name, role, active, created_at, updated_at) VALUES "
                "(1, 'Maria Lopez', 'technician', 1, 'x', 'x'), (2, 'Dana Fox', 'office', 1, 'x', 'x'), "
                "(3, 'Tom Reed', 'admin', 0, 'x', 'x')");
        CHECK_THROWS_AS(db.exec("UPDATE worker SET role = 'accountant' WHERE id = 2"), SQLite::Exception);
    }
    auto s = Store::open(path, Store::OpenOptions{});
    CHECK(s->migrated_from() == 10);
    CHECK(s->schema_version() == latest_schema_version());
    CHECK(s->query_text("PRAGMA integrity_check") == "ok");
    CHECK(s->query_text("PRAGMA foreign_key_check") == "");
    pom::Statement q(*s, "SELECT id || ' ' || name || ' ' || role || ' ' || active FROM worker ORDER BY id");
    std::vector<std::string> rows;
    while (q.executeStep()) rows.push_back(q.getColumn(0).getString());
    CHECK(rows == std::vector<std::string>{"1 Maria Lopez technician 1", "2 Dana Fox office 1", "3 Tom Reed admin 0"});
    // The CHECK takes the fifth role and still refuses what is no role, with SQLite's message.
    CHECK_NOTHROW(s->exec("UPDATE worker SET role = 'accountant' WHERE id = 2"));
    CHECK(s->query_text("SELECT role FROM worker WHERE id = 2") == "accountant");
    Error e = error_of([&] { s->exec("UPDATE worker SET role = 'auditor' WHERE id = 1"); });
    CHECK(e.kind() == ErrorKind::BadInput);
    CHECK(std::string(e.what()).find("(role = 'technician' OR role = 'office' OR role = 'manager' OR role = 'accountant' OR "
                                     "role = 'admin')") != std::string::npos);
    // The new tables, which refer to workers.
    CHECK_NOTHROW(s->exec("INSERT INTO api_token (worker_id, secret_hash, created_at) VALUES (1, '" + std::string(64, 'a') +
                          "', 'x')"));
    CHECK(error_of([&] {
              s->exec("INSERT INTO api_token (worker_id, secret_hash, created_at) VALUES (9, '" + std::string(64, 'b') + "', 'x')");
          }).kind() == ErrorKind::NotFound);
    CHECK_NOTHROW(s->exec("INSERT INTO api_answer (worker_id, key, fingerprint, status, body, created_at) "
                          "VALUES (1, 'k', 'f', 201, '{}', 'x')"));
    CHECK(error_of([&] {
              s->exec("INSERT INTO api_answer (worker_id, key, fingerprint, status, body, created_at) "
                      "VALUES (1, 'k', 'g', 200, '{}', 'x')");
          }).kind() == ErrorKind::Conflict);
    // A second connection reads the new schema.
    SQLite::Database other(path, SQLite::OPEN_READWRITE);
    CHECK_NOTHROW(other.exec("UPDATE worker SET role = 'accountant' WHERE id = 1"));
    CHECK_THROWS_AS(other.exec("UPDATE worker SET role = 'auditor' WHERE id = 1"), SQLite::Exception);
}

TEST_CASE("a database from a newer pom is refused and left untouched") {
    TempDir dir;
    std::string path = dir.file("new.db");
    Store::open(path, create()).reset();
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.exec("PRAGMA user_version = " + std::to_string(latest_schema_version() + 1));
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    std::string before = bytes(path);
    Error e = error_of([&] { Store::open(path, Store::OpenOptions{}); });
    CHECK(e.kind() == ErrorKind::NewerDatabase);
    CHECK(exit_code(e.kind()) == 65);
    CHECK(std::string(e.what()) == "database " + path + " has schema version " + std::to_string(latest_schema_version() + 1) +
                                       ", made by a newer pom (this pom knows up to " +
                                       std::to_string(latest_schema_version()) + "); upgrade pom");
    CHECK(bytes(path) == before);
}

TEST_CASE("files that are not pom databases are refused") {
    TempDir dir;
    {
        SQLite::Database other(dir.file("other.db"), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        other.exec("CREATE TABLE notes (x)");
    }
    Error e = error_of([&] { Store::open(dir.file("other.db"), Store::OpenOptions{}); });
    CHECK(e.kind() == ErrorKind::BadInput);
    CHECK(std::string(e.what()) == dir.file("other.db") + " is not a pom database");
    CHECK(bytes(dir.file("other.db")).size() > 0);

    std::ofstream(dir.file("text.db")) << "hello, this is not SQLite at all, just some text to fill a page\n";
    e = error_of([&] { Store::open(dir.file("text.db"), Store::OpenOptions{}); });
    CHECK(e.kind() == ErrorKind::BadInput);
    CHECK(std::string(e.what()) == dir.file("text.db") + " is not a pom database");

    fs::create_directory(dir.file("folder.db"));
    e = error_of([&] { Store::open(dir.file("folder.db"), Store::OpenOptions{}); });
    CHECK(e.kind() == ErrorKind::Io);
}

TEST_CASE("a file pom may not read or write is a permission error (exit 77)") {
    if (::geteuid() == 0) {
        WARN("running as root: file permissions do not apply (the end-to-end test runs pom as another user)");
        return;
    }
    TempDir dir;
    std::string path = dir.file("locked.db");
    Store::open(path, create()).reset();
    ::chmod(path.c_str(), 0000);
    Error e = error_of([&] { Store::open(path, Store::OpenOptions{}); });
    CHECK(e.kind() == ErrorKind::Permission);
    CHECK(exit_code(e.kind()) == 77);
    CHECK(std::string(e.what()) == "cannot open database " + path + ": permission denied");
}

TEST_CASE("WriteTx: commit keeps, rollback and an exception undo everything") {
    auto s = Store::open_memory();
    auto workers = [&] { return scalar(*s, "SELECT count(*) FROM worker"); };
    auto add = [&](const std::string& name) {
        s->exec("INSERT INTO worker (name, created_at, updated_at) VALUES ('" + name + "', 'x', 'x')");
    };
    {
        WriteTx tx(*s);
        CHECK(s->in_transaction());
        add("A");
        tx.commit();
    }
    CHECK_FALSE(s->in_transaction());
    CHECK(workers() == 1);
    {
        WriteTx tx(*s);
        add("B");
        tx.rollback();
    }
    CHECK(workers() == 1);
    try {
        WriteTx tx(*s);
        add("C");
        add("C");  // UNIQUE: throws in the middle of the transaction
        tx.commit();
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Conflict);
    }
    CHECK_FALSE(s->in_transaction());
    CHECK(workers() == 1);
}

TEST_CASE("ReadTx: its queries see one snapshot while another connection writes; inside a WriteTx it leaves it open") {
    TempDir dir;
    std::string path = dir.file("pom.db");
    auto reader = Store::open(path, create());
    auto writer = Store::open(path, create());
    auto workers = [&] { return scalar(*reader, "SELECT count(*) FROM worker"); };
    auto add = [&](Store& s, const std::string& name) {
        s.exec("INSERT INTO worker (name, created_at, updated_at) VALUES ('" + name + "', 'x', 'x')");
    };
    {
        ReadTx snapshot(*reader);
        CHECK(reader->in_transaction());
        CHECK(workers() == 0);
        add(*writer, "A");  // committed by the other connection in the middle of the read
        CHECK(workers() == 0);
    }
    CHECK_FALSE(reader->in_transaction());
    CHECK(workers() == 1);
    {
        WriteTx tx(*reader);
        add(*reader, "B");
        {
            ReadTx snapshot(*reader);
            CHECK(workers() == 2);
        }
        CHECK(reader->in_transaction());
        tx.rollback();
    }
    CHECK(workers() == 1);
}

TEST_CASE("WriteTx inside another is a savepoint: its rollback keeps the outer work") {
    auto s = Store::open_memory();
    auto add = [&](const std::string& name) {
        s->exec("INSERT INTO worker (name, created_at, updated_at) VALUES ('" + name + "', 'x', 'x')");
    };
    {
        WriteTx outer(*s);
        add("Outer");
        {
            WriteTx inner(*s);
            add("Inner");
            inner.rollback();
        }
        {
            WriteTx kept(*s);
            add("Kept");
            kept.commit();
        }
        CHECK(s->in_transaction());
        outer.commit();
    }
    pom::Statement q(*s, "SELECT name FROM worker ORDER BY id");
    std::vector<std::string> names;
    while (q.executeStep()) names.push_back(q.getColumn(0).getString());
    CHECK(names == std::vector<std::string>{"Outer", "Kept"});
    {
        WriteTx outer(*s);
        add("Gone");
        {
            WriteTx inner(*s);
            add("Gone too");
            inner.commit();
        }
    }  // the outer one is never committed: both are gone
    CHECK(scalar(*s, "SELECT count(*) FROM worker") == 2);
}

TEST_CASE("a writer waits for the busy timeout, then fails as Busy (exit 75); readers go on") {
    TempDir dir;
    std::string path = dir.file("busy.db");
    auto holder = Store::open(path, create());
    Store::OpenOptions quick;
    quick.busy_timeout_ms = 150;
    auto other = Store::open(path, quick);
    WriteTx held(*holder);
    holder->exec("INSERT INTO worker (name, created_at, updated_at) VALUES ('Held', 'x', 'x')");

    auto start = std::chrono::steady_clock::now();
    Error e = error_of([&] { WriteTx tx(*other); });
    auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    CHECK(e.kind() == ErrorKind::Busy);
    CHECK(exit_code(e.kind()) == 75);
    CHECK(std::string(e.what()) == "the database is busy (locked by another pom); try again later");
    CHECK(waited >= 140);
    CHECK(waited < 3000);
    CHECK_FALSE(other->in_transaction());
    // WAL: a reader sees the last committed state while the writer holds its lock.
    CHECK(scalar(*other, "SELECT count(*) FROM worker") == 0);
    held.commit();
    {
        WriteTx tx(*other);  // free again
        tx.commit();
    }
    CHECK(scalar(*other, "SELECT count(*) FROM worker") == 1);
}

TEST_CASE("SQLite errors become pom's kinds") {
    test::Fixture f;
    Store& s = *f.store;
    auto kind = [&](const std::string& sql) { return error_of([&] { s.exec(sql); }).kind(); };
    f.worker("Maria");
    CHECK(kind("INSERT INTO worker (name, created_at, updated_at) VALUES ('Maria', 'x', 'x')") == ErrorKind::Conflict);
    CHECK(kind("INSERT INTO worker (name, role, created_at, updated_at) VALUES ('X', 'boss', 'x', 'x')") == ErrorKind::BadInput);
    CHECK(kind("INSERT INTO worker (name) VALUES ('Y')") == ErrorKind::BadInput);  // NOT NULL
    CHECK(kind("INSERT INTO pool (customer_id, created_at, updated_at) VALUES (999, 'x', 'x')") == ErrorKind::NotFound);
    CHECK(kind("SELECT * FROM no_such_table") == ErrorKind::Internal);
}

TEST_CASE("prepare() reuses one statement per SQL text, reset and unbound") {
    auto s = Store::open_memory();
    auto& a = s->prepare("SELECT ?1 + 1");
    a.bind(1, 41);
    REQUIRE(a.executeStep());
    CHECK(a.getColumn(0).getInt() == 42);
    auto& b = s->prepare("SELECT ?1 + 1");
    CHECK(&a == &b);
    REQUIRE(b.executeStep());  // stepped again from the start, bindings cleared
    CHECK(b.getColumn(0).isNull());
}

TEST_CASE("db check finds text an older pom stored unchecked, and a backup is never made inside a transaction") {
    auto s = Store::open_memory();
    s->exec("INSERT INTO worker (name, created_at, updated_at) VALUES (CAST(X'4D6172FF' AS TEXT), 'x', 'x')");
    s->exec("INSERT INTO worker (name, created_at, updated_at) VALUES ('Tom', 'x', 'x')");
    s->exec("UPDATE worker SET name = CAST(X'546F006D' AS TEXT) WHERE name = 'Tom'");
    auto problems = check_database(*s);
    REQUIRE(problems.size() == 2);
    CHECK(problems[0].summary() == "text: worker row 1 column name is not valid UTF-8 (byte 4 is \\xFF)");
    CHECK(problems[1].summary() == "text: worker row 2 column name holds a NUL byte (byte 3)");
    CHECK(problems[1].row == 2);
    CHECK(problems[1].column == "name");

    WriteTx tx(*s);
    try {
        backup_database(*s, "/nonexistent/never.db");
        FAIL("a backup inside a transaction");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Internal);
        CHECK(std::string(e.what()) == "a backup is made only outside a transaction");
    }
}

TEST_CASE("insert_rows writes every row as it was given and returns the ids one INSERT a row gives") {
    auto s = Store::open_memory();
    WriteTx tx(*s);
    s->exec("INSERT INTO audit_log (at, actor, command, entity, entity_id, action) "
            "VALUES ('2026-11-23T08:00:00Z', 'a', 'c', 'x', 1, 'create')");
    NewRows rows("audit_log", {"at", "actor", "command", "entity", "entity_id", "action", "before", "after"});
    CHECK(s->insert_rows(rows).empty());
    // Values the row before had, values it had not, NULLs between texts, and text an array
    // literal would have to quote.
    for (int i = 0; i < 2; ++i) {
        rows.value("2026-11-23T08:00:01Z").value("a").value("c").value("x").value(int64_t{2}).value("update");
        rows.value("{\"a\":1}").value("{\"a\":2}");
    }
    rows.value("2026-11-23T08:00:02Z").value("NULL").value("say \"hi\", {x} \\ ok").value("").value(int64_t{-3});
    rows.value("delete").value("{}").null();
    rows.value("2026-11-23T08:00:03Z").value("b").value("c").value("ü").value(int64_t{4}).value("create");
    rows.text_or_null("").value("[]");
    CHECK(rows.size() == 4);
    CHECK(s->insert_rows(rows) == std::vector<int64_t>{2, 3, 4, 5});
    CHECK(s->last_insert_id() == 5);
    Statement q(*s, "SELECT id, at, actor, command, entity, entity_id, action, coalesce(before, 'null'), "
                    "coalesce(after, 'null') FROM audit_log WHERE id > 1 ORDER BY id");
    std::vector<std::string> got;
    while (q.executeStep()) {
        std::string line;
        for (int c = 0; c < 9; ++c) line += (c ? "|" : "") + q.getColumn(c).getString();
        got.push_back(line);
    }
    CHECK(got == std::vector<std::string>{"2|2026-11-23T08:00:01Z|a|c|x|2|update|{\"a\":1}|{\"a\":2}",
                                          "3|2026-11-23T08:00:01Z|a|c|x|2|update|{\"a\":1}|{\"a\":2}",
                                          "4|2026-11-23T08:00:02Z|NULL|say \"hi\", {x} \\ ok||-3|delete|{}|null",
                                          "5|2026-11-23T08:00:03Z|b|c|ü|4|create|null|[]"});
    // A row that breaks a constraint fails the call, as its own INSERT would.
    NewRows bad("audit_log", {"at", "actor", "command", "entity", "entity_id", "action"});
    bad.value("2026-11-23T08:00:04Z").value("a").value("c").value("x").value(int64_t{1}).value("rename");
    CHECK(error_of([&] { s->insert_rows(bad); }).kind() == ErrorKind::BadInput);
}

TEST_CASE("held-back audit rows: written before a commit, a savepoint or a read of the table; dropped by a rollback") {
    auto store = Store::open_memory();
    auto entry = [](const std::string& entity) {
        NewRows rows("audit_log", {"at", "actor", "command", "entity", "entity_id", "action", "before", "after"});
        rows.value("2026-11-23T15:00:00Z").value("ann").value("pom test").value(entity).value(int64_t{1}).value("create").null().value("{}");
        return rows;
    };
    auto entities = [&] {
        std::vector<std::string> out;
        Statement q(*store, "SELECT entity FROM audit_log ORDER BY id");
        while (q.executeStep()) out.push_back(q.getColumn(0).getString());
        return out;
    };
    {
        WriteTx tx(*store);
        store->defer_rows(entry("a"));
        store->defer_rows(entry("b"));
        CHECK(store->has_deferred());
        // A statement naming the table sees what was held back, in order.
        CHECK(entities() == std::vector<std::string>{"a", "b"});
        CHECK_FALSE(store->has_deferred());
        store->defer_rows(entry("c"));
        {
            WriteTx inner(*store);  // a savepoint: what came before it is the outer transaction's
            CHECK_FALSE(store->has_deferred());
            store->defer_rows(entry("dropped"));
            inner.rollback();
        }
        CHECK_FALSE(store->has_deferred());
        store->defer_rows(entry("d"));
        tx.commit();
    }
    CHECK(entities() == std::vector<std::string>{"a", "b", "c", "d"});
    CHECK(scalar(*store, "SELECT max(id) - min(id) FROM audit_log") == 3);
    {
        WriteTx tx(*store);
        store->defer_rows(entry("never"));
        tx.rollback();
    }
    {
        WriteTx tx(*store);
        store->defer_rows(entry("never either"));
    }  // not committed: rolled back
    CHECK_FALSE(store->has_deferred());
    CHECK(entities() == std::vector<std::string>{"a", "b", "c", "d"});
    CHECK(error_of([&] { store->defer_rows(NewRows("customer", {"name"})); }).kind() == ErrorKind::Internal);
}

TEST_CASE("id_lists: ids as SQL lists of at most so many each") {
    CHECK(id_lists({}).empty());
    CHECK(id_lists({7}) == std::vector<std::string>{"7"});
    CHECK(id_lists({1, 2, 3, 4, 5}, 2) == std::vector<std::string>{"1, 2", "3, 4", "5"});
    std::vector<int64_t> many(1001);
    for (size_t i = 0; i < many.size(); ++i) many[i] = static_cast<int64_t>(i) + 1;
    auto lists = id_lists(many);
    REQUIRE(lists.size() == 3);
    CHECK(lists[0].rfind("1, 2, ", 0) == 0);
    CHECK(lists[1].rfind("501, ", 0) == 0);
    CHECK(lists[2] == "1001");
}
