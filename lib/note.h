#pragma once
// Notes: meeting notes, call notes, transcripts and internal notes about a customer (and a ticket,
// visit or callback), kept as written and searchable with SQLite FTS5.
#include "audit.h"

#include <optional>
#include <string>
#include <vector>

namespace pom {

struct Note {
    int64_t id = 0;
    int64_t customer_id = 0;
    std::string customer;
    std::optional<int64_t> ticket_id, appointment_id, callback_id;
    std::string kind;  ///< meeting, call, transcript, internal
    std::string text;
    std::string source_file;  ///< the file the text was read from, when it was
    std::string author;
    std::string created_at;
};

struct NoteFields {
    int64_t customer_id = 0;
    std::optional<int64_t> ticket_id, appointment_id, callback_id;
    std::string kind;
    std::string text;
    std::string source_file;
};

/// Adds a note; a linked ticket, visit or callback must be the same customer's.
int64_t add_note(Context& ctx, const NoteFields& fields);
Note get_note(Store& store, int64_t id);

struct NoteFilter {
    std::optional<int64_t> customer, ticket, appointment, callback;
    std::optional<std::string> kind;
    int64_t limit = 0;
};
/// Oldest first.
std::vector<Note> list_notes(Store& store, const NoteFilter& filter);

struct NoteHit {
    Note note;
    int64_t rank = 0;     ///< 1 for the best match
    std::string snippet;  ///< the matching words in [brackets]
};
/// Full-text search: every word must match (a trailing * matches a prefix), best first by BM25.
std::vector<NoteHit> search_notes(Store& store, const std::string& words, std::optional<int64_t> customer, int64_t limit);
/// The words as typed, as search terms: words without a letter or digit are dropped.
std::vector<SearchTerm> search_terms(const std::string& words);

Json note_json(const Note& n);
const std::vector<std::string>& note_fields();
Json note_hit_json(const NoteHit& h);
const std::vector<std::string>& note_hit_fields();

}  // namespace pom
