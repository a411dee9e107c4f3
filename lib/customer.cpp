#include "customer.h"

#include "csv.h"
#include "error.h"
#include "output.h"
#include "record.h"
#include "tag.h"
#include "text_check.h"

#include <algorithm>
#include <map>
#include <cctype>
#include <set>
#include <tuple>
#include <unordered_map>

namespace pom {

namespace {

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

std::vector<std::string> split_list(const std::string& s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= s.size()) {
        auto end = s.find(';', start);
        if (end == std::string::npos) end = s.size();
        auto item = trim(s.substr(start, end - start));
        if (!item.empty()) out.push_back(item);
        start = end + 1;
    }
    return out;
}

void check_name(const std::string& name, const std::string& where) {
    if (trim(name).empty()) fail(ErrorKind::BadInput, where + ": a customer needs a name");
}

void check_ref(const std::string& ref, const std::string& where) {
    if (ref.empty() || ref.size() > 64 || trim(ref) != ref)
        fail(ErrorKind::BadInput, where + ": '" + ref + "' is not a valid ref (1-64 characters, no surrounding spaces)");
}

/// The columns of a cached statement, read the way FastQuery reads them.
struct StatementColumns {
    Statement& q;
    std::string_view view(int i) const { return q.getColumn(i).view(); }
    int64_t integer(int i) const { return q.getColumn(i).getInt64(); }
    bool null(int i) const { return q.getColumn(i).isNull(); }
};

/// One customer row of k_select, as views of the row (contacts and tags are read separately).
template <class Row>
CustomerView read_row(const Row& r) {
    CustomerView c;
    c.id = r.integer(0);
    if (!r.null(1)) c.ref = r.view(1);
    c.name = r.view(2);
    c.company = r.view(3);
    c.status = r.view(4);
    c.street = r.view(5);
    c.city = r.view(6);
    c.state = r.view(7);
    c.zip = r.view(8);
    c.notes = r.view(9);
    c.created_at = r.view(10);
    c.updated_at = r.view(11);
    if (!r.null(12)) c.preferred_day = r.view(12);
    return c;
}

/// A customer that owns its text, from a view.
Customer to_customer(const CustomerView& v) {
    Customer c;
    c.id = v.id;
    if (v.ref) c.ref = std::string(*v.ref);
    c.name = v.name;
    c.company = v.company;
    c.status = v.status;
    c.street = v.street;
    c.city = v.city;
    c.state = v.state;
    c.zip = v.zip;
    c.notes = v.notes;
    for (const auto& e : v.emails) c.emails.push_back({std::string(e.value), e.opt_in});
    for (const auto& p : v.phones) c.phones.push_back({std::string(p.value), p.opt_in});
    c.tags.assign(v.tags.begin(), v.tags.end());
    c.created_at = v.created_at;
    c.updated_at = v.updated_at;
    c.preferred_day = v.preferred_day;
    return c;
}

const char* k_select = "SELECT c.id, c.ref, c.name, c.company, c.status, c.street, c.city, c.state, c.zip, c.notes, "
                       "c.created_at, c.updated_at, c.preferred_day FROM customer c";

/// Replaces a customer's emails or phones (`fresh`: a new customer, nothing to delete).
void write_contacts(Store& store, int64_t id, const std::string& kind, const std::vector<Contact>& list, bool fresh = false) {
    if (!fresh) {
        auto& del = store.prepare("DELETE FROM customer_contact WHERE customer_id = ? AND kind = ?");
        del.bind(1, id);
        del.bind(2, kind);
        del.exec();
    }
    auto& ins = store.prepare(
        "INSERT INTO customer_contact (customer_id, kind, value, opt_in, position) VALUES (?, ?, ?, ?, ?)");
    int pos = 0;
    for (const auto& c : list) {
        ins.reset();
        ins.bind(1, id);
        ins.bind(2, kind);
        ins.bind(3, c.value);
        ins.bind(4, c.opt_in ? 1 : 0);
        ins.bind(5, pos++);
        ins.exec();
    }
}

/// Applies the contact parts of `f` to a list: replaced values keep their old opt-in.
std::vector<Contact> merged_contacts(const std::vector<Contact>& old, const std::optional<std::vector<std::string>>& values,
                                     const CustomerFields& f, bool default_opt_in) {
    std::vector<Contact> out;
    if (values) {
        std::set<std::string> seen;
        for (const auto& v : *values) {
            if (!seen.insert(v).second) continue;
            auto it = std::find_if(old.begin(), old.end(), [&](const Contact& c) { return c.value == v; });
            out.push_back({v, it != old.end() ? it->opt_in : default_opt_in});
        }
    } else {
        out = old;
    }
    for (auto& c : out) {
        if (std::find(f.opt_in.begin(), f.opt_in.end(), c.value) != f.opt_in.end()) c.opt_in = true;
        if (std::find(f.opt_out.begin(), f.opt_out.end(), c.value) != f.opt_out.end()) c.opt_in = false;
    }
    return out;
}

void validate(const CustomerFields& f) {
    if (f.name) check_name(*f.name, "--name");
    if (f.ref && !f.ref->empty()) check_ref(*f.ref, "--ref");
    if (f.status) check_customer_status(*f.status, "--status");
    if (f.preferred_day) parse_preferred_day(*f.preferred_day, "--preferred-day");
    if (f.emails)
        for (const auto& e : *f.emails) check_email(e, "--email");
    if (f.phones)
        for (const auto& p : *f.phones) check_phone(p, "--phone");
    for (const auto& t : f.tags)
        if (trim(t).empty() || trim(t) != t) fail(ErrorKind::BadInput, "--tag: '" + t + "' is not a valid tag");
}

void ensure_ref_free(Store& store, const std::string& ref, int64_t self) {
    auto& q = store.prepare("SELECT id FROM customer WHERE ref = ?");
    q.bind(1, ref);
    if (q.executeStep()) {
        int64_t other = q.getColumn(0).getInt64();
        q.reset();
        if (other != self)
            fail(ErrorKind::Conflict, "ref '" + ref + "' is already used by customer " + std::to_string(other));
    }
}

void add_tags(Context& ctx, int64_t id, const std::vector<std::string>& tags) {
    if (tags.empty()) return;
    // A look-up and a plain INSERT: INSERT ... SELECT ... WHERE NOT EXISTS on the same table makes
    // SQLite build a temporary table for every tag, the larger part of an import.
    auto& has = ctx.store.prepare("SELECT 1 FROM customer_tag WHERE customer_id = ? AND tag = ? AND removed_at IS NULL");
    auto& ins = ctx.store.prepare("INSERT INTO customer_tag (customer_id, tag, added_at, added_by) VALUES (?, ?, ?, ?)");
    std::string now = format_instant(ctx.now());
    for (const auto& t : tags) {
        has.reset();
        has.clearBindings();
        has.bind(1, id);
        has.bind(2, t);
        bool present = has.executeStep();
        has.reset();
        if (present) continue;
        ins.reset();
        ins.clearBindings();
        ins.bind(1, id);
        ins.bind(2, t);
        ins.bind(3, now);
        ins.bind(4, ctx.actor);
        ins.exec();
    }
}

/// The next ref of the configured series: one more than the highest ref of the series in use.
std::string next_customer_ref(Context& ctx) {
    const std::string& prefix = ctx.config.customers.ref_prefix;
    auto& q = ctx.store.prepare("SELECT ref FROM customer WHERE substr(ref, 1, " + std::to_string(prefix.size()) + ") = ?");
    q.bind(1, prefix);
    int64_t highest = 0;
    while (q.executeStep()) {
        std::string_view digits = q.getColumn(0).view();
        digits.remove_prefix(prefix.size());
        if (digits.empty() || digits.size() > 15 || digits.find_first_not_of("0123456789") != std::string_view::npos) continue;
        highest = std::max<int64_t>(highest, std::stoll(std::string(digits)));
    }
    q.reset();
    std::string n = std::to_string(highest + 1);
    if (n.size() < static_cast<size_t>(ctx.config.customers.ref_digits))
        n.insert(0, static_cast<size_t>(ctx.config.customers.ref_digits) - n.size(), '0');
    return prefix + n;
}

/// `--ref auto` takes the next ref of the series.
CustomerFields with_ref(Context& ctx, const CustomerFields& f) {
    CustomerFields g = f;
    if (g.ref && *g.ref == "auto") g.ref = next_customer_ref(ctx);
    return g;
}

Json snapshot(const Customer& c) {
    Json j = customer_json(c);
    j.erase("updated_at");
    return j;
}

}  // namespace

void check_email(const std::string& v, const std::string& where) {
    auto at = v.find('@');
    bool ok = at != std::string::npos && at > 0 && v.find('@', at + 1) == std::string::npos &&
              v.find('.', at) != std::string::npos && v.back() != '.' && v[at + 1] != '.' &&
              v.find_first_of(" \t\r\n,;<>\"") == std::string::npos && v.size() <= 254;
    if (!ok) fail(ErrorKind::BadInput, where + ": '" + v + "' is not an email address");
}

void check_phone(const std::string& v, const std::string& where) {
    int digits = 0;
    bool ok = !v.empty() && v.size() <= 32;
    for (size_t i = 0; i < v.size() && ok; ++i) {
        char c = v[i];
        if (c >= '0' && c <= '9') ++digits;
        else if (!(c == ' ' || c == '-' || c == '(' || c == ')' || c == '.' || (c == '+' && i == 0))) ok = false;
    }
    if (!ok || digits < 7 || digits > 15)
        fail(ErrorKind::BadInput, where + ": '" + v + "' is not a phone number (7-15 digits)");
}

namespace {

/// mon..sun in any case ("" for none or an empty value); with `full_names`, also Monday..Sunday,
/// as other systems' exports write a service day. Nothing when it is not a day.
std::optional<std::string> preferred_day_of(const std::string& value, bool full_names) {
    std::string v;
    for (char ch : value) v += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
    if (v.empty() || v == "none") return std::string();
    static const char* const days[][2] = {{"mon", "monday"},   {"tue", "tuesday"}, {"wed", "wednesday"}, {"thu", "thursday"},
                                          {"fri", "friday"},   {"sat", "saturday"}, {"sun", "sunday"}};
    for (const auto& d : days)
        if (v == d[0] || (full_names && v == d[1])) return std::string(d[0]);
    return std::nullopt;
}

const char* const k_days_hint = "is not a day (mon, tue, wed, thu, fri, sat, sun or none)";

}  // namespace

std::string parse_preferred_day(const std::string& value, const std::string& where) {
    if (auto d = preferred_day_of(value, false)) return *d;
    fail(ErrorKind::Usage, where + ": '" + value + "' " + k_days_hint);
}

void check_customer_status(const std::string& v, const std::string& where) {
    if (v != "lead" && v != "active" && v != "inactive")
        fail(ErrorKind::BadInput, where + ": '" + v + "' is not a customer status (lead, active, inactive)");
}

Customer get_customer(Store& store, int64_t id) {
    auto& q = store.prepare(std::string(k_select) + " WHERE c.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(ErrorKind::NotFound, "no customer with id " + std::to_string(id));
    Customer c = to_customer(read_row(StatementColumns{q}));
    q.reset();
    auto& cq = store.prepare("SELECT kind, value, opt_in FROM customer_contact WHERE customer_id = ? ORDER BY kind, position");
    cq.bind(1, id);
    while (cq.executeStep()) {
        Contact k{cq.getColumn(1).getString(), cq.getColumn(2).getInt() != 0};
        (cq.getColumn(0).getString() == "email" ? c.emails : c.phones).push_back(std::move(k));
    }
    auto& tq = store.prepare("SELECT tag FROM customer_tag WHERE customer_id = ? AND removed_at IS NULL ORDER BY added_at, id");
    tq.bind(1, id);
    while (tq.executeStep()) c.tags.push_back(tq.getColumn(0).getString());
    return c;
}

int64_t count_customers(Store& store) { return store.query_int("SELECT count(*) FROM customer"); }

namespace {

/// Customers in name order, one at a time, with views of their contacts and tags.
///
/// Contacts and tags are read first, in table order (a sequential scan: no sorter, no index
/// look-ups), their text kept in one buffer; then sorted by customer and, within each customer,
/// contacts by kind and position and tags by when they were added. The customers are then read
/// in name order, one per next().
class CustomerScan {
public:
    CustomerScan(Store& store, const CustomerFilter& f);
    /// The next customer, or nullptr after the last. Its row's text is valid until the next call;
    /// its contacts and tags as long as the scan.
    const CustomerView* next();

private:
    /// The scan's queries read one snapshot, so that a write between them cannot pair a
    /// customer with contacts or tags of another moment. First member: released after the query
    /// is finalised.
    ReadTx m_snapshot;
    // Rows are small and their lists reserved up front (the largest id bounds how many there
    // are: room reserved but not written costs no memory), so that each page of them is touched
    // once.
    struct ContactRow {
        int64_t customer, position, rowid;
        uint32_t value, value_size;  ///< in m_text
        bool phone, opt_in;
    };
    struct TagRow {
        int64_t customer, rowid;
        uint32_t value, value_size, added_at, added_at_size;  ///< in m_text
    };
    std::string m_text;
    std::vector<ContactRow> m_contacts;
    std::vector<TagRow> m_tags;
    std::vector<ContactView> m_contact_views;
    std::vector<std::string_view> m_tag_views;
    std::optional<FastQuery> m_query;
    CustomerView m_current;
};

CustomerScan::CustomerScan(Store& store, const CustomerFilter& f) : m_snapshot(store) {
    std::string where = " WHERE 1";
    if (f.status) where += " AND c.status = :status";
    if (f.tag)
        where += " AND EXISTS (SELECT 1 FROM customer_tag t WHERE t.customer_id = c.id AND t.tag = :tag AND t.removed_at IS NULL)";
    if (f.search)
        where += " AND (c.name LIKE :like ESCAPE '\\' OR c.company LIKE :like ESCAPE '\\' OR c.ref LIKE :like ESCAPE '\\' "
                 "OR EXISTS (SELECT 1 FROM customer_contact k WHERE k.customer_id = c.id AND k.value LIKE :like ESCAPE '\\'))";
    auto bind = [&](FastQuery& q) {
        if (f.status) q.bind(":status", *f.status);
        if (f.tag) q.bind(":tag", *f.tag);
        if (f.search) {
            std::string like = "%";
            for (char ch : *f.search) {
                if (ch == '%' || ch == '_' || ch == '\\') like += '\\';
                like += ch;
            }
            q.bind(":like", like + "%");
        }
    };
    std::string limit = f.limit > 0 ? " LIMIT " + std::to_string(f.limit) : "";
    std::string order = " ORDER BY c.name COLLATE NOCASE, c.id" + limit;
    std::string subset = f.status || f.tag || f.search || f.limit > 0
                             ? " WHERE customer_id IN (SELECT c.id FROM customer c" + where + order + ")"
                             : "";

    auto keep = [&](std::string_view v) {
        if (m_text.size() + v.size() > UINT32_MAX) fail(ErrorKind::Internal, "customer list: contacts and tags over 4 GB");
        m_text.append(v);
        return static_cast<uint32_t>(m_text.size() - v.size());
    };
    if (subset.empty()) {
        auto most = [&](const char* table) {
            return static_cast<size_t>(store.query_int(std::string("SELECT coalesce(max(id), 0) FROM ") + table));
        };
        size_t most_contacts = most("customer_contact"), most_tags = most("customer_tag");
        m_contacts.reserve(most_contacts);
        m_tags.reserve(most_tags);
        m_text.reserve(most_contacts * 32 + most_tags * 40);
    }
    {
        FastQuery cq(store, "SELECT customer_id, kind, value, opt_in, position, id FROM customer_contact" + subset);
        bind(cq);
        while (cq.step()) {
            auto v = cq.view(2);
            m_contacts.push_back({cq.integer(0), cq.integer(4), cq.integer(5), keep(v), static_cast<uint32_t>(v.size()),
                                  cq.view(1) == "phone", cq.integer(3) != 0});
        }
    }
    {
        // NOT INDEXED: the index of current tags would send each row to a table look-up of its own.
        FastQuery tq(store, "SELECT customer_id, tag, added_at, id FROM customer_tag NOT INDEXED" +
                                (subset.empty() ? std::string(" WHERE 1") : subset) + " AND removed_at IS NULL");
        bind(tq);
        while (tq.step()) {
            auto v = tq.view(1), at = tq.view(2);
            uint32_t value = keep(v);
            m_tags.push_back({tq.integer(0), tq.integer(3), value, static_cast<uint32_t>(v.size()), keep(at), static_cast<uint32_t>(at.size())});
        }
    }
    auto view = [&](uint32_t at, uint32_t size) { return std::string_view(m_text).substr(at, size); };
    auto contact_order = [](const ContactRow& a, const ContactRow& b) {
        return std::tie(a.customer, a.phone, a.position, a.rowid) < std::tie(b.customer, b.phone, b.position, b.rowid);
    };
    auto tag_order = [&](const TagRow& a, const TagRow& b) {
        return a.customer != b.customer ? a.customer < b.customer
                                        : std::pair(view(a.added_at, a.added_at_size), a.rowid) < std::pair(view(b.added_at, b.added_at_size), b.rowid);
    };
    if (!std::is_sorted(m_contacts.begin(), m_contacts.end(), contact_order)) std::sort(m_contacts.begin(), m_contacts.end(), contact_order);
    if (!std::is_sorted(m_tags.begin(), m_tags.end(), tag_order)) std::sort(m_tags.begin(), m_tags.end(), tag_order);
    m_contact_views.reserve(m_contacts.size());
    for (const auto& r : m_contacts) m_contact_views.push_back({view(r.value, r.value_size), r.opt_in});
    m_tag_views.reserve(m_tags.size());
    for (const auto& r : m_tags) m_tag_views.push_back(view(r.value, r.value_size));

    m_query.emplace(store, std::string(k_select) + where + order);
    bind(*m_query);
}

const CustomerView* CustomerScan::next() {
    if (!m_query->step()) return nullptr;
    // The rows of one customer: [first, last) in a list sorted by customer.
    auto rows_of = [](const auto& rows, int64_t id) {
        auto first = std::lower_bound(rows.begin(), rows.end(), id, [](const auto& r, int64_t v) { return r.customer < v; });
        auto last = first;
        while (last != rows.end() && last->customer == id) ++last;
        return std::pair(static_cast<size_t>(first - rows.begin()), static_cast<size_t>(last - rows.begin()));
    };
    CustomerView& c = m_current;
    c = read_row(*m_query);
    auto [first, last] = rows_of(m_contacts, c.id);
    size_t phones = first;
    while (phones < last && !m_contacts[phones].phone) ++phones;
    c.emails = std::span(m_contact_views).subspan(first, phones - first);
    c.phones = std::span(m_contact_views).subspan(phones, last - phones);
    auto [tag_first, tag_last] = rows_of(m_tags, c.id);
    c.tags = std::span(m_tag_views).subspan(tag_first, tag_last - tag_first);
    return &c;
}

}  // namespace

void for_each_customer(Store& store, const CustomerFilter& f, const std::function<void(const CustomerView&)>& each) {
    CustomerScan scan(store, f);
    while (const CustomerView* c = scan.next()) each(*c);
}

std::vector<Customer> list_customers(Store& store, const CustomerFilter& f) {
    std::vector<Customer> out;
    for_each_customer(store, f, [&](const CustomerView& v) { out.push_back(to_customer(v)); });
    return out;
}

int64_t resolve_customer(Store& store, const std::string& key) {
    if (!key.empty() && std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; }) && key.size() < 19) {
        auto& q = store.prepare("SELECT id FROM customer WHERE id = ?");
        q.bind(1, static_cast<int64_t>(std::stoll(key)));
        if (q.executeStep()) {
            int64_t id = q.getColumn(0).getInt64();
            q.reset();
            return id;
        }
    }
    auto& r = store.prepare("SELECT id FROM customer WHERE ref = ?");
    r.bind(1, key);
    if (r.executeStep()) {
        int64_t id = r.getColumn(0).getInt64();
        r.reset();
        return id;
    }
    auto& n = store.prepare("SELECT id FROM customer WHERE name = ? COLLATE NOCASE ORDER BY id LIMIT 2");
    n.bind(1, key);
    std::vector<int64_t> ids;
    while (n.executeStep()) ids.push_back(n.getColumn(0).getInt64());
    if (ids.size() == 1) return ids[0];
    if (ids.size() > 1)
        fail(ErrorKind::Conflict, "more than one customer is named '" + key + "'; use the id or ref");
    fail(ErrorKind::NotFound, "no customer '" + key + "' (by id, ref or name)");
}

int64_t add_customer(Context& ctx, const CustomerFields& typed, Customer* added) {
    const CustomerFields f = with_ref(ctx, typed);
    if (!f.name) fail(ErrorKind::Usage, "--name is required");
    validate(f);
    if (f.ref && !f.ref->empty()) ensure_ref_free(ctx.store, *f.ref, 0);
    Columns cols;
    set_if(cols, "ref", f.ref);
    cols.emplace_back("name", trim(*f.name));
    set_if(cols, "company", f.company);
    cols.emplace_back("status", f.status.value_or("lead"));
    set_if(cols, "street", f.street);
    set_if(cols, "city", f.city);
    set_if(cols, "state", f.state);
    set_if(cols, "zip", f.zip);
    set_if(cols, "notes", f.notes);
    if (f.preferred_day) set_if(cols, "preferred_day", parse_preferred_day(*f.preferred_day, "--preferred-day"));
    std::string now = format_instant(ctx.now());
    cols.emplace_back("created_at", now);
    cols.emplace_back("updated_at", now);
    std::string names, marks;
    for (const auto& c : cols) {
        names += (names.empty() ? "" : ", ") + c.first;
        marks += marks.empty() ? "?" : ", ?";
    }
    auto& q = ctx.store.prepare("INSERT INTO customer (" + names + ") VALUES (" + marks + ")");
    int i = 1;
    for (const auto& c : cols) bind_value(q, i++, c.second);
    q.exec();
    int64_t id = ctx.store.last_insert_id();
    write_contacts(ctx.store, id, "email", merged_contacts({}, f.emails, f, true), true);
    write_contacts(ctx.store, id, "phone", merged_contacts({}, f.phones, f, false), true);
    add_tags(ctx, id, f.tags);
    record_status_change(ctx, id, std::nullopt, f.status.value_or("lead"));
    if (f.run_tag_rules) apply_tag_rules(ctx, "customer_created", id, "customer " + std::to_string(id));
    Customer recorded = get_customer(ctx.store, id);
    record_change(ctx, "customer", id, nullptr, customer_json(recorded));
    if (added) *added = std::move(recorded);
    return id;
}

bool edit_customer(Context& ctx, int64_t id, const CustomerFields& typed) {
    const CustomerFields f = with_ref(ctx, typed);
    validate(f);
    Customer old = get_customer(ctx.store, id);
    if (f.ref && !f.ref->empty()) ensure_ref_free(ctx.store, *f.ref, id);
    Columns cols;
    set_if(cols, "ref", f.ref);
    if (f.name) cols.emplace_back("name", trim(*f.name));
    set_if(cols, "company", f.company);
    set_if(cols, "status", f.status);
    set_if(cols, "street", f.street);
    set_if(cols, "city", f.city);
    set_if(cols, "state", f.state);
    set_if(cols, "zip", f.zip);
    set_if(cols, "notes", f.notes);
    if (f.preferred_day) set_if(cols, "preferred_day", parse_preferred_day(*f.preferred_day, "--preferred-day"));
    auto emails = merged_contacts(old.emails, f.emails, f, true);
    auto phones = merged_contacts(old.phones, f.phones, f, false);
    auto same = [](const std::vector<Contact>& a, const std::vector<Contact>& b) {
        return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](const Contact& x, const Contact& y) {
                   return x.value == y.value && x.opt_in == y.opt_in;
               });
    };
    for (const auto& v : f.opt_in)
        if (std::none_of(emails.begin(), emails.end(), [&](const Contact& c) { return c.value == v; }) &&
            std::none_of(phones.begin(), phones.end(), [&](const Contact& c) { return c.value == v; }))
            fail(ErrorKind::BadInput, "--opt-in: customer " + std::to_string(id) + " has no email or phone '" + v + "'");
    for (const auto& v : f.opt_out)
        if (std::none_of(emails.begin(), emails.end(), [&](const Contact& c) { return c.value == v; }) &&
            std::none_of(phones.begin(), phones.end(), [&](const Contact& c) { return c.value == v; }))
            fail(ErrorKind::BadInput, "--opt-out: customer " + std::to_string(id) + " has no email or phone '" + v + "'");
    Json before = customer_json(old);
    bool row_changed = false;
    {
        // Compare column by column so that an edit to the same values writes nothing.
        Json raw = row_json(ctx.store, "customer", id);
        Columns changed;
        for (const auto& c : cols) {
            const Json& o = raw[c.first];
            bool eq = std::holds_alternative<std::nullptr_t>(c.second)
                          ? o.is_null()
                          : (o.is_string() && std::get<std::string>(c.second) == o.get<std::string>());
            if (!eq) changed.push_back(c);
        }
        if (!changed.empty()) {
            changed.emplace_back("updated_at", format_instant(ctx.now()));
            std::string set;
            for (const auto& c : changed) set += (set.empty() ? "" : ", ") + c.first + " = ?";
            Statement q(ctx.store, "UPDATE customer SET " + set + " WHERE id = ?");
            int i = 1;
            for (const auto& c : changed) bind_value(q, i++, c.second);
            q.bind(i, id);
            q.exec();
            row_changed = true;
        }
    }
    bool contacts_changed = !same(emails, old.emails) || !same(phones, old.phones);
    if (contacts_changed) {
        write_contacts(ctx.store, id, "email", emails);
        write_contacts(ctx.store, id, "phone", phones);
        if (!row_changed) {
            auto& q = ctx.store.prepare("UPDATE customer SET updated_at = ? WHERE id = ?");
            q.bind(1, format_instant(ctx.now()));
            q.bind(2, id);
            q.exec();
        }
    }
    add_tags(ctx, id, f.tags);
    Customer now = get_customer(ctx.store, id);
    if (snapshot(now) == snapshot(old)) return false;
    record_status_change(ctx, id, old.status, now.status);
    record_change(ctx, "customer", id, before, customer_json(now));
    return true;
}

const std::vector<std::string>& customer_fields() {
    static const std::vector<std::string> f{"id",     "ref",    "name",   "company", "status", "email", "phone",
                                            "emails", "phones", "street", "city",    "state",  "zip",   "notes",
                                            "tags",   "created_at", "updated_at", "preferred_day"};
    return f;
}

template <class W, class C>
void write_customer(W& w, const C& c) {
    auto text_or_null = [&](std::string_view key, std::string_view v) __attribute__((always_inline)) { text_or_null_field(w, key, v); };
    w.begin_object();
    w.key("id").value(c.id);
    w.key("ref");
    if (c.ref) w.value(*c.ref);
    else w.value(nullptr);
    w.key("name").value(c.name);
    text_or_null("company", c.company);
    w.key("status").value(c.status);
    text_or_null("email", c.emails.empty() ? std::string_view() : std::string_view(c.emails.front().value));
    text_or_null("phone", c.phones.empty() ? std::string_view() : std::string_view(c.phones.front().value));
    w.key("emails").begin_array();
    for (const auto& e : c.emails) w.begin_object().key("address").value(e.value).key("opt_in").value(e.opt_in).end_object();
    w.end_array();
    w.key("phones").begin_array();
    for (const auto& p : c.phones) w.begin_object().key("number").value(p.value).key("sms_opt_in").value(p.opt_in).end_object();
    w.end_array();
    text_or_null("street", c.street);
    text_or_null("city", c.city);
    text_or_null("state", c.state);
    text_or_null("zip", c.zip);
    text_or_null("notes", c.notes);
    w.key("tags").begin_array();
    for (const auto& t : c.tags) w.value(t);
    w.end_array();
    w.key("created_at").value(c.created_at);
    w.key("updated_at").value(c.updated_at);
    text_or_null("preferred_day", c.preferred_day);
    w.end_object();
}
template void write_customer(JsonWriter&, const CustomerView&);

Json customer_json(const Customer& c) {
    JsonBuilder b;
    write_customer(b, c);
    return b.take();
}

const std::vector<std::string>& customer_import_columns() {
    static const std::vector<std::string> cols{"ref",    "name",  "company", "status", "email", "phone", "email_opt_in",
                                               "sms_opt_in", "street", "city", "state", "zip", "notes", "tags",
                                               "preferred_day"};
    return cols;
}

const std::vector<std::string>& import_outcome_fields() {
    static const std::vector<std::string> f{"row", "ref", "name", "action", "changes"};
    return f;
}

ImportResult import_customers(Context& ctx, std::istream& in, const std::string& source, const ImportOptions& options) {
    const auto& known = customer_import_columns();
    auto lower = [](std::string s) {
        for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return s;
    };
    auto valid_columns = [&] {
        std::string valid;
        for (const auto& k : known) valid += (valid.empty() ? "" : ", ") + k;
        return valid;
    };
    // --map "Customer ID=ref,Full Name=name": the file's name (any case) → pom's column.
    std::map<std::string, std::string> mapped;  // lower-case file column → pom column
    for (const auto& spec : options.map) {
        std::vector<std::string> pairs;
        for (size_t at = 0;;) {
            size_t comma = spec.find(',', at);
            std::string one = trim(spec.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
            if (!one.empty()) pairs.push_back(one);
            if (comma == std::string::npos) break;
            at = comma + 1;
        }
        for (const auto& pair : pairs) {
            auto eq = pair.find('=');
            std::string from = eq == std::string::npos ? "" : trim(pair.substr(0, eq));
            std::string to = eq == std::string::npos ? "" : lower(trim(pair.substr(eq + 1)));
            if (from.empty() || to.empty()) fail(ErrorKind::Usage, "--map: '" + pair + "' is not FILE COLUMN=POM COLUMN");
            if (std::find(known.begin(), known.end(), to) == known.end())
                fail(ErrorKind::Usage, "--map: '" + to + "' is not a customer column (valid: " + valid_columns() + ")");
            if (!mapped.emplace(lower(from), to).second) fail(ErrorKind::Usage, "--map: '" + from + "' is mapped twice");
        }
    }
    CsvReader csv(in, source);
    std::vector<std::string> header;
    if (!csv.next(header)) fail(ErrorKind::BadInput, source + ": empty file (a header row is required)");
    ImportResult result;
    std::map<std::string, size_t> col;
    std::set<std::string> used_maps;
    for (size_t i = 0; i < header.size(); ++i) {
        std::string h = trim(header[i]);
        std::string name;
        if (auto m = mapped.find(lower(h)); m != mapped.end()) {
            name = m->second;
            used_maps.insert(m->first);
        } else if (std::find(known.begin(), known.end(), lower(h)) != known.end()) {
            name = lower(h);
        } else if (options.ignore_unknown) {
            result.ignored.push_back(h);
            continue;
        } else {
            fail(ErrorKind::BadInput, source + ": row 1: unknown column '" + h + "' (valid: " + valid_columns() +
                                          "; --map FILE COLUMN=POM COLUMN reads it as one, --ignore-unknown skips it)");
        }
        if (!col.emplace(name, i).second) fail(ErrorKind::BadInput, source + ": row 1: column '" + name + "' appears twice");
    }
    for (const auto& [from, to] : mapped)
        if (!used_maps.count(from)) fail(ErrorKind::Usage, "--map: " + source + " has no column '" + from + "'");
    for (const char* required : {"ref", "name"})
        if (!col.count(required)) fail(ErrorKind::BadInput, source + ": row 1: the header has no '" + std::string(required) + "' column");

    std::map<std::string, int> refs_seen;
    std::vector<std::string> row;
    while (csv.next(row)) {
        if (row.size() == 1 && trim(row[0]).empty()) continue;  // a blank line
        std::string at = source + ": row " + std::to_string(csv.row());
        if (row.size() != header.size())
            fail(ErrorKind::BadInput, at + ": has " + std::to_string(row.size()) + " fields, the header has " +
                                          std::to_string(header.size()));
        ++result.rows;
        auto where = [&](const char* name) { return at + ", column " + name; };
        auto cell = [&](const char* name) -> std::optional<std::string> {
            auto it = col.find(name);
            if (it == col.end()) return std::nullopt;
            std::string v = trim(row[it->second]);
            std::string_view n = name;
            check_text(v, n == "notes" ? TextKind::Note : n == "name" || n == "company" ? TextKind::Name : TextKind::Line, where(name));
            return v;
        };
        CustomerFields f;
        f.run_tag_rules = false;
        f.ref = cell("ref");
        if (f.ref->empty()) fail(ErrorKind::BadInput, where("ref") + ": empty (every row needs a ref)");
        check_ref(*f.ref, where("ref"));
        if (*f.ref == "auto") fail(ErrorKind::BadInput, where("ref") + ": 'auto' is kept for customer add --ref auto");
        auto [it, fresh] = refs_seen.emplace(*f.ref, csv.row());
        if (!fresh)
            fail(ErrorKind::BadInput, where("ref") + ": '" + *f.ref + "' is also on row " + std::to_string(it->second));
        f.name = cell("name");
        check_name(*f.name, where("name"));
        f.company = cell("company");
        f.status = cell("status");
        if (f.status) {
            if (f.status->empty()) f.status.reset();
            else {
                f.status = lower(*f.status);  // "Active", as other systems write it
                check_customer_status(*f.status, where("status"));
            }
        }
        f.street = cell("street");
        f.city = cell("city");
        f.state = cell("state");
        f.zip = cell("zip");
        f.notes = cell("notes");
        if (auto e = cell("email")) {
            f.emails = split_list(*e);
            for (const auto& v : *f.emails) check_email(v, where("email"));
        }
        if (auto p = cell("phone")) {
            f.phones = split_list(*p);
            for (const auto& v : *f.phones) check_phone(v, where("phone"));
        }
        auto yes_no = [&](const char* name) -> std::optional<bool> {
            auto v = cell(name);
            if (!v || v->empty()) return std::nullopt;
            std::string s = *v;
            std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
            if (s == "yes" || s == "y" || s == "true" || s == "1") return true;
            if (s == "no" || s == "n" || s == "false" || s == "0") return false;
            fail(ErrorKind::BadInput, where(name) + ": '" + *v + "' is not yes or no");
        };
        if (auto o = yes_no("email_opt_in"); o && f.emails)
            for (const auto& v : *f.emails) (*o ? f.opt_in : f.opt_out).push_back(v);
        if (auto o = yes_no("sms_opt_in"); o && f.phones)
            for (const auto& v : *f.phones) (*o ? f.opt_in : f.opt_out).push_back(v);
        if (auto t = cell("tags")) f.tags = split_list(*t);
        // An empty cell keeps a customer's preferred day; "none" clears it.
        if (auto d = cell("preferred_day"); d && !d->empty()) {
            auto day = preferred_day_of(*d, true);
            if (!day) fail(ErrorKind::BadInput, where("preferred_day") + ": '" + *d + "' " + k_days_hint);
            f.preferred_day = day->empty() ? "none" : *day;
        }

        auto& q = ctx.store.prepare("SELECT id FROM customer WHERE ref = ?");
        q.bind(1, *f.ref);
        std::optional<int64_t> existing;
        if (q.executeStep()) existing = q.getColumn(0).getInt64();
        q.reset();
        std::string action;
        Json changes = Json::array();
        if (!existing) {
            add_customer(ctx, f);
            ++result.created;
            action = "new";
        } else {
            Json before = options.row_outcomes ? snapshot(get_customer(ctx.store, *existing)) : Json();
            if (edit_customer(ctx, *existing, f)) {
                ++result.updated;
                action = "changed";
                if (options.row_outcomes) {
                    Json after = snapshot(get_customer(ctx.store, *existing));
                    for (const auto& [k, v] : after.items())
                        if (!before.contains(k) || before[k] != v) changes.push_back(k);
                }
            } else {
                ++result.unchanged;
                action = "unchanged";
            }
        }
        if (options.row_outcomes)
            result.outcomes.push_back(
                {{"row", csv.row()}, {"ref", *f.ref}, {"name", trim(*f.name)}, {"action", action}, {"changes", changes}});
    }
    return result;
}

std::string greeting_name(const Customer& c) {
    auto trim = [](std::string_view v) {
        size_t b = v.find_first_not_of(" \t,");
        if (b == std::string_view::npos) return std::string();
        size_t e = v.find_last_not_of(" \t,");
        return std::string(v.substr(b, e - b + 1));
    };
    std::string name = trim(c.name);
    // A business: "Sunset Villas HOA" is greeted as itself.
    if (!c.company.empty() && trim(c.company) == name) return name;
    std::string_view given = name;
    if (size_t comma = name.find(','); comma != std::string::npos) {
        std::string after = trim(std::string_view(name).substr(comma + 1));
        if (after.empty()) return trim(std::string_view(name).substr(0, comma));  // "Okafor," is Okafor
        return after.substr(0, after.find(' '));                                  // "Okafor, Chidi N." is Chidi
    }
    size_t space = given.find(' ');
    if (space == std::string_view::npos) return name;
    std::string first(given.substr(0, space));
    // "Dr. Lee", "Mr Smith": a title is not a first name; say the whole name.
    static const char* const k_titles[] = {"mr", "mrs", "ms", "miss", "dr", "prof", "mx", "sr", "sra"};
    std::string bare = first;
    if (!bare.empty() && bare.back() == '.') bare.pop_back();
    for (auto& ch : bare) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    for (const char* t : k_titles)
        if (bare == t) return name;
    return first;
}

}  // namespace pom
