// Customers (lib/customer.h) against an in-memory store: add, edit, resolve, list filters, the
// audit trail, and CSV import (upsert by ref, all rows or none).
#include "audit.h"
#include "error.h"
#include "fixture.h"
#include "store/store.h"

#include <catch2/catch.hpp>
#include <sstream>

using namespace pom;
using pom::test::Fixture;

namespace {

Error error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    FAIL("no error");
    return Error(ErrorKind::Internal, "");
}

CustomerFields named(const std::string& name) {
    CustomerFields f;
    f.name = name;
    return f;
}

ImportResult import_text(Fixture& f, const std::string& csv) {
    std::istringstream in(csv);
    WriteTx tx(*f.store);  // as cmd/ runs it: one transaction, rolled back on error
    ImportResult r = import_customers(f.ctx, in, "in.csv");
    tx.commit();
    return r;
}

std::vector<std::string> names(const std::vector<Customer>& list) {
    std::vector<std::string> out;
    for (const auto& c : list) out.push_back(c.name);
    return out;
}

}  // namespace

TEST_CASE("add: the record, its contacts with their opt-ins, tags, and one audit entry") {
    Fixture f;
    CustomerFields c = named("  Desert Oasis  ");
    c.ref = "C-1001";
    c.company = "Oasis LLC";
    c.emails = std::vector<std::string>{"a@oasis.example", "b@oasis.example"};
    c.phones = std::vector<std::string>{"(602) 555-0101", "602-555-0102"};
    c.opt_in = {"602-555-0102"};
    c.opt_out = {"b@oasis.example"};
    c.tags = {"weekly", "salt", "weekly"};
    c.city = "Phoenix";
    c.notes = "";
    int64_t id = add_customer(f.ctx, c);

    Customer got = get_customer(*f.store, id);
    CHECK(got.name == "Desert Oasis");  // trimmed
    CHECK(got.ref == std::optional<std::string>("C-1001"));
    CHECK(got.status == "lead");  // the default
    CHECK(got.emails.size() == 2);
    CHECK(got.emails[0].value == "a@oasis.example");
    CHECK(got.emails[0].opt_in);  // emails are opted in unless opted out
    CHECK_FALSE(got.emails[1].opt_in);
    CHECK_FALSE(got.phones[0].opt_in);  // phones are not opted in to SMS unless asked
    CHECK(got.phones[1].opt_in);
    CHECK(got.tags == std::vector<std::string>{"weekly", "salt", "Quote"});  // a new lead joins the Quote queue (default tag rule)
    CHECK(got.created_at == "2026-11-23T15:00:00Z");

    Json j = customer_json(got);
    std::vector<std::string> keys;
    for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
    CHECK(keys == customer_fields());
    CHECK(j["email"] == "a@oasis.example");
    CHECK(j["phone"] == "(602) 555-0101");
    CHECK(j["notes"].is_null());  // empty is null
    CHECK(j["state"].is_null());

    auto log = list_audit(*f.store, AuditFilter{});
    REQUIRE(log.size() == 1);
    CHECK(log[0].entity == "customer");
    CHECK(log[0].entity_id == id);
    CHECK(log[0].action == "create");
    CHECK(log[0].actor == "tester");
    CHECK(log[0].before.is_null());
    CHECK(log[0].after == j);
}

TEST_CASE("add refuses bad values with the flag that carried them, writing nothing") {
    Fixture f;
    auto refused = [&](CustomerFields c, ErrorKind kind, const std::string& message) {
        Error e = error_of([&] { add_customer(f.ctx, c); });
        CHECK(e.kind() == kind);
        CHECK(std::string(e.what()) == message);
        CHECK(f.count("SELECT count(*) FROM customer") == 0);
    };
    refused(named("   "), ErrorKind::BadInput, "--name: a customer needs a name");
    CustomerFields c = named("A");
    c.emails = std::vector<std::string>{"not-an-email"};
    refused(c, ErrorKind::BadInput, "--email: 'not-an-email' is not an email address");
    c = named("A");
    c.phones = std::vector<std::string>{"12345"};
    refused(c, ErrorKind::BadInput, "--phone: '12345' is not a phone number (7-15 digits)");
    c = named("A");
    c.status = "gold";
    refused(c, ErrorKind::BadInput, "--status: 'gold' is not a customer status (lead, active, inactive)");
    c = named("A");
    c.ref = " R1";
    refused(c, ErrorKind::BadInput, "--ref: ' R1' is not a valid ref (1-64 characters, no surrounding spaces)");
    c = named("A");
    c.tags = {" x"};
    refused(c, ErrorKind::BadInput, "--tag: ' x' is not a valid tag");
    refused(CustomerFields{}, ErrorKind::Usage, "--name is required");

    CustomerFields first = named("First");
    first.ref = "R-1";
    int64_t id = add_customer(f.ctx, first);
    CustomerFields second = named("Second");
    second.ref = "R-1";
    Error e = error_of([&] { add_customer(f.ctx, second); });
    CHECK(e.kind() == ErrorKind::Conflict);
    CHECK(std::string(e.what()) == "ref 'R-1' is already used by customer " + std::to_string(id));
}

TEST_CASE("validators accept real-world emails and phones") {
    CHECK_NOTHROW(check_email("o'brien+pool@mail.example.co.uk", "x"));
    CHECK_NOTHROW(check_phone("+1 (602) 555-0101", "x"));
    CHECK_NOTHROW(check_phone("602.555.0101", "x"));
    CHECK_THROWS_AS(check_email("a@b", "x"), Error);
    CHECK_THROWS_AS(check_email("a@@b.com", "x"), Error);
    CHECK_THROWS_AS(check_email("a b@c.com", "x"), Error);
    CHECK_THROWS_AS(check_email("a@b.com.", "x"), Error);
    CHECK_THROWS_AS(check_phone("602-555-01x1", "x"), Error);
    CHECK_THROWS_AS(check_phone("1+602 555 0101", "x"), Error);
    CHECK_THROWS_AS(check_phone("1234567890123456", "x"), Error);
}

TEST_CASE("edit: changes are audited before/after; the same values change nothing") {
    Fixture f;
    int64_t id = f.customer("Ann");  // active, office@example.com
    CustomerFields same;
    same.name = "Ann";
    same.status = "active";
    same.emails = std::vector<std::string>{"office@example.com"};
    CHECK_FALSE(edit_customer(f.ctx, id, same));
    CHECK(f.count("SELECT count(*) FROM audit_log") == 1);
    std::string updated = get_customer(*f.store, id).updated_at;

    f.set_now("2026-11-24T09:30:00");
    CustomerFields change;
    change.city = "Mesa";
    change.phones = std::vector<std::string>{"602-555-0101"};
    change.opt_in = {"602-555-0101"};
    change.opt_out = {"office@example.com"};
    CHECK(edit_customer(f.ctx, id, change));
    Customer now = get_customer(*f.store, id);
    CHECK(now.city == "Mesa");
    CHECK(now.phones.size() == 1);
    CHECK(now.phones[0].opt_in);
    CHECK_FALSE(now.emails[0].opt_in);
    CHECK(now.updated_at == "2026-11-24T16:30:00Z");
    CHECK(now.updated_at != updated);
    auto log = list_audit(*f.store, AuditFilter{});
    REQUIRE(log.size() == 2);
    CHECK(log[1].action == "update");
    CHECK(log[1].before["city"].is_null());
    CHECK(log[1].after["city"] == "Mesa");
    CHECK(log[1].before["emails"][0]["opt_in"] == true);
    CHECK(log[1].after["emails"][0]["opt_in"] == false);

    // Replacing the list keeps the opt-in of a number that stays.
    CustomerFields phones;
    phones.phones = std::vector<std::string>{"602-555-0199", "602-555-0101"};
    CHECK(edit_customer(f.ctx, id, phones));
    now = get_customer(*f.store, id);
    CHECK_FALSE(now.phones[0].opt_in);
    CHECK(now.phones[1].opt_in);

    CustomerFields unknown;
    unknown.opt_in = {"nobody@example.com"};
    Error e = error_of([&] { edit_customer(f.ctx, id, unknown); });
    CHECK(e.kind() == ErrorKind::BadInput);
    CHECK(std::string(e.what()) == "--opt-in: customer " + std::to_string(id) + " has no email or phone 'nobody@example.com'");
    CHECK_THROWS_AS(get_customer(*f.store, 999), Error);
}

TEST_CASE("resolve by id, ref or exact name (any case); ambiguous and unknown are refused") {
    Fixture f;
    CustomerFields a = named("Desert Oasis");
    a.ref = "C-1001";
    int64_t oasis = add_customer(f.ctx, a);
    int64_t ann1 = f.customer("Ann Smith");
    f.customer("Ann Smith");
    CustomerFields numeric = named("Numbered");
    numeric.ref = "12345";
    int64_t numbered = add_customer(f.ctx, numeric);

    CHECK(resolve_customer(*f.store, std::to_string(oasis)) == oasis);
    CHECK(resolve_customer(*f.store, "C-1001") == oasis);
    CHECK(resolve_customer(*f.store, "desert OASIS") == oasis);
    CHECK(resolve_customer(*f.store, "12345") == numbered);  // no customer 12345: the ref
    Error e = error_of([&] { resolve_customer(*f.store, "Ann Smith"); });
    CHECK(e.kind() == ErrorKind::Conflict);
    CHECK(std::string(e.what()) == "more than one customer is named 'Ann Smith'; use the id or ref");
    CHECK(resolve_customer(*f.store, std::to_string(ann1)) == ann1);
    e = error_of([&] { resolve_customer(*f.store, "Nobody"); });
    CHECK(e.kind() == ErrorKind::NotFound);
    CHECK(std::string(e.what()) == "no customer 'Nobody' (by id, ref or name)");
}

TEST_CASE("list: by name regardless of case, filters, limit, each with its own contacts and tags") {
    Fixture f;
    auto add = [&](const std::string& name, const std::string& status, const std::string& email, std::vector<std::string> tags) {
        CustomerFields c = named(name);
        c.status = status;
        c.emails = std::vector<std::string>{email};
        c.tags = std::move(tags);
        return add_customer(f.ctx, c);
    };
    add("bob", "active", "bob@x.example", {"weekly"});
    add("Alice", "lead", "alice@x.example", {});
    add("Carol 100%", "inactive", "carol@y.example", {"weekly", "salt"});
    add("Dave_", "active", "dave@y.example", {"salt"});

    CHECK(names(list_customers(*f.store, {})) == std::vector<std::string>{"Alice", "bob", "Carol 100%", "Dave_"});
    CustomerFilter active;
    active.status = "active";
    CHECK(names(list_customers(*f.store, active)) == std::vector<std::string>{"bob", "Dave_"});
    CustomerFilter tag;
    tag.tag = "weekly";
    auto weekly = list_customers(*f.store, tag);
    CHECK(names(weekly) == std::vector<std::string>{"bob", "Carol 100%"});
    CHECK(weekly[1].tags == std::vector<std::string>{"weekly", "salt"});  // all its tags, not just the one asked
    CustomerFilter search;
    search.search = "y.example";  // in an email
    CHECK(names(list_customers(*f.store, search)) == std::vector<std::string>{"Carol 100%", "Dave_"});
    search.search = "%";  // a wildcard character is taken literally
    CHECK(names(list_customers(*f.store, search)) == std::vector<std::string>{"Carol 100%"});
    search.search = "_";
    CHECK(names(list_customers(*f.store, search)) == std::vector<std::string>{"Dave_"});
    CustomerFilter limit;
    limit.limit = 2;
    auto two = list_customers(*f.store, limit);
    CHECK(names(two) == std::vector<std::string>{"Alice", "bob"});
    CHECK(two[1].emails.size() == 1);
    CHECK(two[1].emails[0].value == "bob@x.example");
    CHECK(two[1].tags == std::vector<std::string>{"weekly"});

    // The list gives each customer exactly what get_customer gives.
    for (const auto& c : list_customers(*f.store, {})) CHECK(customer_json(c) == customer_json(get_customer(*f.store, c.id)));
    CustomerFilter none;
    none.status = "lead";
    none.tag = "salt";
    CHECK(list_customers(*f.store, none).empty());

    // -o json|jsonl text written from the views as they are read is what the documents render to,
    // for every filter.
    for (const CustomerFilter& filter : {CustomerFilter{}, active, tag, search, limit, none}) {
        for (Format format : {Format::json, Format::jsonl}) {
            JsonRecords text(format, 0);
            int seen = 0;
            for_each_customer(*f.store, filter, [&](const CustomerView& c) {
                text.add([&](JsonWriter& w) { write_customer(w, c); });
                ++seen;
            });
            Rows rows;
            rows.fields = customer_fields();
            for (const auto& c : list_customers(*f.store, filter)) rows.records.push_back(customer_json(c));
            CHECK(seen == static_cast<int>(rows.records.size()));
            CHECK(text.take() == render(rows, format));
        }
    }

    // Inside a write transaction (a batch): the list reads it in the same snapshot as the rest,
    // and leaves the transaction open and usable.
    auto listed = [&] {
        std::string text;
        for_each_customer(*f.store, {}, [&](const CustomerView& c) { text += std::string(c.name) + ";"; });
        return text;
    };
    WriteTx tx(*f.store);
    add_customer(f.ctx, named("Eve"));
    CHECK(listed() == "Alice;bob;Carol 100%;Dave_;Eve;");
    CHECK(f.store->in_transaction());
    tx.rollback();
    CHECK(listed() == "Alice;bob;Carol 100%;Dave_;");
    CHECK_FALSE(f.store->in_transaction());
}

TEST_CASE("import: creates, then the same file changes nothing, then a changed row updates") {
    Fixture f;
    const std::string csv =
        "ref,name,company,status,email,phone,email_opt_in,sms_opt_in,street,city,state,zip,notes,tags\n"
        "C-1,Desert Oasis,Oasis LLC,active,a@o.example;b@o.example,602-555-0101,yes,yes,1 Palm Way,Phoenix,AZ,85018,gate,weekly;salt\n"
        "\n"
        "C-2,\"Smith, Ann\",,lead,,,,,,,,,,\n";
    ImportResult r = import_text(f, csv);
    CHECK(r.rows == 2);
    CHECK(r.created == 2);
    Customer oasis = get_customer(*f.store, resolve_customer(*f.store, "C-1"));
    CHECK(oasis.emails.size() == 2);
    CHECK(oasis.phones[0].opt_in);
    CHECK(oasis.tags == std::vector<std::string>{"weekly", "salt"});
    CHECK(get_customer(*f.store, resolve_customer(*f.store, "C-2")).name == "Smith, Ann");
    int64_t audit = f.count("SELECT count(*) FROM audit_log");
    CHECK(audit == 2);

    r = import_text(f, csv);
    CHECK(r.unchanged == 2);
    CHECK(r.created + r.updated == 0);
    CHECK(f.count("SELECT count(*) FROM audit_log") == audit);

    std::string changed = csv;
    changed.replace(changed.find("Phoenix"), 7, "Tempe");
    r = import_text(f, changed);
    CHECK(r.updated == 1);
    CHECK(r.unchanged == 1);
    CHECK(get_customer(*f.store, resolve_customer(*f.store, "C-1")).city == "Tempe");

    // Columns in any order; only ref and name are needed.
    r = import_text(f, "name,ref\nNew One,C-3\n");
    CHECK(r.created == 1);
}

TEST_CASE("import: one bad row fails the whole import naming its row and column") {
    Fixture f;
    auto refused = [&](const std::string& csv, const std::string& message) {
        Error e = error_of([&] { import_text(f, csv); });
        CHECK(e.kind() == ErrorKind::BadInput);
        CHECK(std::string(e.what()) == message);
        CHECK(f.count("SELECT count(*) FROM customer") == 0);
        CHECK(f.count("SELECT count(*) FROM audit_log") == 0);
    };
    refused("ref,name,email\nC-1,A,a@x.example\nC-2,B,nope\n", "in.csv: row 3, column email: 'nope' is not an email address");
    refused("ref,name\nC-1,A\nC-1,B\n", "in.csv: row 3, column ref: 'C-1' is also on row 2");
    refused("ref,name\n,A\n", "in.csv: row 2, column ref: empty (every row needs a ref)");
    refused("ref,name\nC-1,\n", "in.csv: row 2, column name: a customer needs a name");
    refused("ref,name,status\nC-1,A,gold\n", "in.csv: row 2, column status: 'gold' is not a customer status (lead, active, inactive)");
    refused("ref,name,sms_opt_in,phone\nC-1,A,maybe,602-555-0101\n", "in.csv: row 2, column sms_opt_in: 'maybe' is not yes or no");
    refused("ref,name\nC-1,A,extra\n", "in.csv: row 2: has 3 fields, the header has 2");
    refused("ref,name,fax\n", "in.csv: row 1: unknown column 'fax' (valid: ref, name, company, status, email, phone, "
                              "email_opt_in, sms_opt_in, street, city, state, zip, notes, tags, preferred_day; --map FILE COLUMN=POM COLUMN "
                              "reads it as one, --ignore-unknown skips it)");
    refused("ref,name,ref\n", "in.csv: row 1: column 'ref' appears twice");
    refused("name\nA\n", "in.csv: row 1: the header has no 'ref' column");
    refused("", "in.csv: empty file (a header row is required)");
}
