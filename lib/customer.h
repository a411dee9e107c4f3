#pragma once
#include "audit.h"
#include "output.h"

#include <istream>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pom {

struct Contact {
    std::string value;   ///< an email address or a phone number
    bool opt_in = true;  ///< email: notices by email; phone: text messages (SMS)
};

struct Customer {
    int64_t id = 0;
    std::optional<std::string> ref;  ///< external reference, unique (imports, accounting)
    std::string name;
    std::string company;
    std::string status = "lead";  ///< lead | active | inactive
    std::string street, city, state, zip;
    std::string notes;
    std::vector<Contact> emails;
    std::vector<Contact> phones;
    std::vector<std::string> tags;  ///< current tags, oldest first
    std::string created_at, updated_at;
    std::string preferred_day;  ///< mon..sun: route plan keeps their series on it; empty: none
};

/// What a letter to the customer says after "Hello": the first name of "Ana Ortiz" or of
/// "Okafor, Chidi" (as old systems export names), the whole name when there is no first name to
/// find ("Okafor", "Dr. Lee", "Sunset HOA" with a company set), never stray punctuation.
std::string greeting_name(const Customer& c);

/// A contact as for_each_customer reads it: a view, valid only during the call it is passed to.
struct ContactView {
    std::string_view value;
    bool opt_in = true;
};

/// A customer as for_each_customer reads it, without copies: views into the row being read and
/// into the contacts and tags read before it; valid only during the call it is passed to.
struct CustomerView {
    int64_t id = 0;
    std::optional<std::string_view> ref;
    std::string_view name, company, status, street, city, state, zip, notes;
    std::span<const ContactView> emails, phones;
    std::span<const std::string_view> tags;
    std::string_view created_at, updated_at;
    std::string_view preferred_day;
};

/// Fields to set; an unset optional leaves the stored value alone.
struct CustomerFields {
    std::optional<std::string> ref, name, company, status, street, city, state, zip, notes;
    std::optional<std::vector<std::string>> emails;  ///< replaces the list when set
    std::optional<std::vector<std::string>> phones;  ///< replaces the list when set
    std::vector<std::string> opt_in;   ///< addresses or numbers to opt in
    std::vector<std::string> opt_out;  ///< addresses or numbers to opt out
    std::vector<std::string> tags;     ///< tags to add
    /// mon..sun, or "none" (also empty) to clear; route plan keeps the customer's series on it.
    std::optional<std::string> preferred_day;
    /// add_customer runs the customer_created tag rules (a new lead gets Quote); an import does
    /// not, since its tags column says what each customer carries.
    bool run_tag_rules = true;
};

struct CustomerFilter {
    std::optional<std::string> status;
    std::optional<std::string> search;  ///< matches name, company, ref, email or phone
    std::optional<std::string> tag;
    int64_t limit = 0;
};

/// New phones are not opted in to SMS unless named in opt_in; new emails are opted in.
/// `added`, when given, receives the new customer as recorded (its contacts, tags and status
/// after the tag rules): what a caller would read back, without reading it again.
int64_t add_customer(Context& ctx, const CustomerFields& fields, Customer* added = nullptr);
/// Returns false when nothing changed.
bool edit_customer(Context& ctx, int64_t id, const CustomerFields& fields);
Customer get_customer(Store& store, int64_t id);
std::vector<Customer> list_customers(Store& store, const CustomerFilter& filter);
/// Calls `each` for every customer list_customers would return, in the same order, as it reads
/// them: a list of thousands written out without being held.
void for_each_customer(Store& store, const CustomerFilter& filter, const std::function<void(const CustomerView&)>& each);
/// How many customers there are (room to reserve for a list).
int64_t count_customers(Store& store);
/// Finds a customer by id, ref or exact name; NotFound or Conflict (ambiguous name) otherwise.
int64_t resolve_customer(Store& store, const std::string& key);

Json customer_json(const Customer& c);
/// Writes the record customer_json builds, field by field, to a JsonWriter (lists of thousands
/// of customers as JSON text without a document per customer) or a JsonBuilder; `C` is a
/// Customer or a CustomerView.
template <class W, class C>
void write_customer(W& w, const C& c);
extern template void write_customer(JsonWriter&, const CustomerView&);
const std::vector<std::string>& customer_fields();

/// Validators shared by every entry point (flags, CSV columns).
void check_email(const std::string& value, const std::string& where);
void check_phone(const std::string& value, const std::string& where);
void check_customer_status(const std::string& value, const std::string& where);
/// A preferred service day as stored: "mon".."sun" (any case), or empty for "none" or "". Any
/// other text is Usage (exit 64) naming `where`.
std::string parse_preferred_day(const std::string& value, const std::string& where);

struct ImportOptions {
    /// "Customer ID=ref": the file's column (any case) read as one of pom's columns.
    std::vector<std::string> map;
    bool ignore_unknown = false;  ///< skip columns pom does not know instead of refusing the file
    bool row_outcomes = false;    ///< say what each row did (the --dry-run preview)
};

struct ImportResult {
    int rows = 0;
    int created = 0;
    int updated = 0;
    int unchanged = 0;
    std::vector<std::string> ignored;  ///< the file's columns skipped by ignore_unknown
    /// With row_outcomes: {row, ref, name, action: new|changed|unchanged, changes: [field…]}.
    std::vector<Json> outcomes;
};

/// Upserts customers by `ref` from CSV. One bad row fails the whole import with its row and
/// column; the caller's transaction then writes nothing. Column names and the values of status
/// and the yes/no columns are read in any case. The columns are documented in README and
/// customer.cpp.
ImportResult import_customers(Context& ctx, std::istream& in, const std::string& source, const ImportOptions& options = {});
const std::vector<std::string>& import_outcome_fields();
const std::vector<std::string>& customer_import_columns();

}  // namespace pom
