#include "note.h"
#include "json.h"

#include "customer.h"
#include "error.h"
#include "record.h"


namespace pom {

namespace {

const char* k_columns =
    "n.id, n.customer_id, c.name, n.ticket_id, n.appointment_id, n.callback_id, n.kind, n.text, n.source_file, n.author, "
    "n.created_at";

std::optional<int64_t> opt_int(const Column& c) {
    if (c.isNull()) return std::nullopt;
    return c.getInt64();
}

Note read_row(Statement& q) {
    Note n;
    n.id = q.getColumn(0).getInt64();
    n.customer_id = q.getColumn(1).getInt64();
    n.customer = q.getColumn(2).getString();
    n.ticket_id = opt_int(q.getColumn(3));
    n.appointment_id = opt_int(q.getColumn(4));
    n.callback_id = opt_int(q.getColumn(5));
    n.kind = q.getColumn(6).getString();
    n.text = q.getColumn(7).getString();
    n.source_file = q.getColumn(8).getString();
    n.author = q.getColumn(9).getString();
    n.created_at = q.getColumn(10).getString();
    return n;
}

Json opt(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }
Json opt(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }

void same_customer(Store& store, const char* table, const std::optional<int64_t>& id, int64_t customer, const std::string& what) {
    if (!id) return;
    Statement q(store, std::string("SELECT customer_id FROM ") + table + " WHERE id = ?");
    q.bind(1, *id);
    if (!q.executeStep()) fail(ErrorKind::NotFound, what + ": no " + table + " with id " + std::to_string(*id));
    if (q.getColumn(0).getInt64() != customer)
        fail(ErrorKind::Conflict, what + ": " + table + " " + std::to_string(*id) + " belongs to another customer");
}

}  // namespace

int64_t add_note(Context& ctx, const NoteFields& f) {
    if (f.kind != "meeting" && f.kind != "call" && f.kind != "transcript" && f.kind != "internal")
        fail(ErrorKind::BadInput, "--kind: '" + f.kind + "' is not a note kind (meeting, call, transcript, internal)");
    if (f.text.find_first_not_of(" \t\r\n") == std::string::npos)
        fail(ErrorKind::BadInput, (f.source_file.empty() ? std::string("--text") : "--file " + f.source_file) + ": the note is empty");
    get_customer(ctx.store, f.customer_id);
    same_customer(ctx.store, "ticket", f.ticket_id, f.customer_id, "--ticket");
    same_customer(ctx.store, "appointment", f.appointment_id, f.customer_id, "--appt");
    same_customer(ctx.store, "callback", f.callback_id, f.customer_id, "--callback");
    auto id_or_null = [](const std::optional<int64_t>& v) { return v ? Value(*v) : Value(nullptr); };
    return insert_record(ctx, "note",
                         {{"customer_id", f.customer_id},
                          {"ticket_id", id_or_null(f.ticket_id)},
                          {"appointment_id", id_or_null(f.appointment_id)},
                          {"callback_id", id_or_null(f.callback_id)},
                          {"kind", f.kind},
                          {"text", f.text},
                          {"source_file", f.source_file.empty() ? Value(nullptr) : Value(f.source_file)},
                          {"author", ctx.actor},
                          {"created_at", format_instant(ctx.now())}},
                         false);
}

Note get_note(Store& store, int64_t id) {
    auto& q = store.prepare(std::string("SELECT ") + k_columns + " FROM note n JOIN customer c ON c.id = n.customer_id WHERE n.id = ?");
    q.bind(1, id);
    if (!q.executeStep()) fail(ErrorKind::NotFound, "no note with id " + std::to_string(id));
    Note n = read_row(q);
    q.reset();
    return n;
}

std::vector<Note> list_notes(Store& store, const NoteFilter& f) {
    std::string sql = std::string("SELECT ") + k_columns + " FROM note n JOIN customer c ON c.id = n.customer_id WHERE 1";
    if (f.customer) sql += " AND n.customer_id = :customer";
    if (f.ticket) sql += " AND n.ticket_id = :ticket";
    if (f.appointment) sql += " AND n.appointment_id = :appt";
    if (f.callback) sql += " AND n.callback_id = :callback";
    if (f.kind) sql += " AND n.kind = :kind";
    sql += " ORDER BY n.created_at, n.id";
    if (f.limit > 0) sql += " LIMIT " + std::to_string(f.limit);
    Statement q(store, sql);
    if (f.customer) q.bind(":customer", *f.customer);
    if (f.ticket) q.bind(":ticket", *f.ticket);
    if (f.appointment) q.bind(":appt", *f.appointment);
    if (f.callback) q.bind(":callback", *f.callback);
    if (f.kind) q.bind(":kind", *f.kind);
    std::vector<Note> out;
    while (q.executeStep()) out.push_back(read_row(q));
    return out;
}

std::vector<SearchTerm> search_terms(const std::string& words) {
    std::vector<SearchTerm> out;
    size_t i = 0;
    while (i < words.size()) {
        while (i < words.size() && std::isspace(static_cast<unsigned char>(words[i]))) ++i;
        size_t start = i;
        while (i < words.size() && !std::isspace(static_cast<unsigned char>(words[i]))) ++i;
        std::string w = words.substr(start, i - start);
        if (w.empty()) continue;
        bool prefix = w.size() > 1 && w.back() == '*';
        if (prefix) w.pop_back();
        // Only words with a letter or digit can match anything: the indexes drop punctuation.
        bool has_word = false;
        for (unsigned char c : w) has_word = has_word || std::isalnum(c) || c >= 0x80;
        if (!has_word) continue;
        out.push_back({w, prefix});
    }
    return out;
}

std::vector<NoteHit> search_notes(Store& store, const std::string& words, std::optional<int64_t> customer, int64_t limit) {
    auto terms = search_terms(words);
    if (terms.empty()) fail(ErrorKind::BadInput, "WORDS: give at least one word to search for");
    std::string query;
    std::string inner = store.note_search_sql(terms, customer.has_value(), limit, query);
    std::string sql = std::string("SELECT ") + k_columns + ", h.snip FROM (" + inner +
                      ") h JOIN note n ON n.id = h.id JOIN customer c ON c.id = n.customer_id ORDER BY h.rank, n.id";
    Statement q(store, sql);
    q.bind(":q", query);
    if (customer) q.bind(":customer", *customer);
    std::vector<NoteHit> out;
    while (q.executeStep()) {
        NoteHit h;
        h.note = read_row(q);
        h.snippet = q.getColumn(11).getString();
        h.rank = static_cast<int64_t>(out.size()) + 1;
        out.push_back(std::move(h));
    }
    return out;
}

Json note_json(const Note& n) {
    return object({{"id", n.id},
            {"customer_id", n.customer_id},
            {"customer", n.customer},
            {"ticket_id", opt(n.ticket_id)},
            {"appointment_id", opt(n.appointment_id)},
            {"callback_id", opt(n.callback_id)},
            {"kind", n.kind},
            {"text", n.text},
            {"source_file", opt(n.source_file)},
            {"author", n.author},
            {"created_at", n.created_at}});
}

const std::vector<std::string>& note_fields() {
    static const std::vector<std::string> f{"id",   "customer_id", "customer",    "ticket_id", "appointment_id", "callback_id",
                                            "kind", "text",        "source_file", "author",    "created_at"};
    return f;
}

Json note_hit_json(const NoteHit& h) {
    return object({{"rank", h.rank},
            {"id", h.note.id},
            {"customer_id", h.note.customer_id},
            {"customer", h.note.customer},
            {"kind", h.note.kind},
            {"ticket_id", opt(h.note.ticket_id)},
            {"appointment_id", opt(h.note.appointment_id)},
            {"callback_id", opt(h.note.callback_id)},
            {"author", h.note.author},
            {"created_at", h.note.created_at},
            {"snippet", h.snippet}});
}

const std::vector<std::string>& note_hit_fields() {
    static const std::vector<std::string> f{"rank",        "id",     "customer_id", "customer", "kind",   "ticket_id",
                                            "appointment_id", "callback_id", "author", "created_at", "snippet"};
    return f;
}

}  // namespace pom
