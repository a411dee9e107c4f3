#include "store/postgres/dialect.h"

#include <cctype>
#include <string_view>

namespace pom::pg {

namespace {

enum class Kind { Space, Word, Param, Quoted, Open, Close, Comma, Other };

struct Token {
    Kind kind;
    std::string text;
    std::string wrap_before = {}, wrap_after = {};  ///< text put around it (lower(…))
};

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80); }

std::vector<Token> tokenize(const std::string& s) {
    std::vector<Token> out;
    size_t i = 0, n = s.size();
    while (i < n) {
        char c = s[i];
        size_t start = i;
        if (std::isspace(static_cast<unsigned char>(c))) {
            while (i < n && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
            out.push_back({Kind::Space, s.substr(start, i - start)});
        } else if (c == '-' && i + 1 < n && s[i + 1] == '-') {
            while (i < n && s[i] != '\n') ++i;
            out.push_back({Kind::Space, s.substr(start, i - start)});
        } else if (c == '\'' || c == '"') {
            ++i;
            while (i < n) {
                if (s[i] == c) {
                    if (i + 1 < n && s[i + 1] == c) {
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                ++i;
            }
            out.push_back({Kind::Quoted, s.substr(start, i - start)});
        } else if (c == '?') {
            ++i;
            while (i < n && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
            out.push_back({Kind::Param, s.substr(start, i - start)});
        } else if (c == ':' && i + 1 < n && s[i + 1] == ':') {
            i += 2;
            out.push_back({Kind::Other, "::"});
        } else if (c == ':' && i + 1 < n && (std::isalpha(static_cast<unsigned char>(s[i + 1])) || s[i + 1] == '_')) {
            ++i;
            while (i < n && word_char(s[i])) ++i;
            out.push_back({Kind::Param, s.substr(start, i - start)});
        } else if (word_char(c)) {
            while (i < n && (word_char(s[i]) || s[i] == '.')) ++i;
            out.push_back({Kind::Word, s.substr(start, i - start)});
        } else if (c == '(') {
            ++i;
            out.push_back({Kind::Open, "("});
        } else if (c == ')') {
            ++i;
            out.push_back({Kind::Close, ")"});
        } else if (c == ',') {
            ++i;
            out.push_back({Kind::Comma, ","});
        } else {
            ++i;
            out.push_back({Kind::Other, std::string(1, c)});
        }
    }
    return out;
}

bool is(const Token& t, std::string_view word) {
    if (t.kind != Kind::Word || t.text.size() != word.size()) return false;
    for (size_t i = 0; i < word.size(); ++i)
        if (std::toupper(static_cast<unsigned char>(t.text[i])) != word[i]) return false;
    return true;
}

/// The index of the next token that is not space, or tokens.size().
size_t next(const std::vector<Token>& t, size_t i) {
    ++i;
    while (i < t.size() && t[i].kind == Kind::Space) ++i;
    return i;
}

/// The index of the previous token that is not space, or npos.
size_t prev(const std::vector<Token>& t, size_t i) {
    while (i > 0) {
        --i;
        if (t[i].kind != Kind::Space) return i;
    }
    return std::string::npos;
}

/// Adds NULLS FIRST / NULLS LAST to each term of every ORDER BY, as SQLite sorts NULLs.
void order_nulls(std::vector<Token>& t) {
    for (size_t i = 0; i < t.size(); ++i) {
        if (!is(t[i], "ORDER")) continue;
        size_t by = next(t, i);
        if (by >= t.size() || !is(t[by], "BY")) continue;
        int depth = 0;
        size_t j = by + 1;
        size_t last = std::string::npos;  // the last token of the current term
        auto finish_term = [&](size_t at) {
            if (last == std::string::npos) return;
            bool desc = is(t[last], "DESC");
            // A term that already says NULLS ... keeps it.
            size_t p = last;
            bool has_nulls = is(t[p], "FIRST") || is(t[p], "LAST");
            if (!has_nulls) t[last].text += desc ? " NULLS LAST" : " NULLS FIRST";
            (void)at;
            last = std::string::npos;
        };
        for (; j < t.size(); ++j) {
            const Token& k = t[j];
            if (k.kind == Kind::Open) {
                ++depth;
            } else if (k.kind == Kind::Close) {
                if (depth == 0) break;
                --depth;
            } else if (depth == 0 && k.kind == Kind::Comma) {
                finish_term(j);
                continue;
            } else if (depth == 0 && (is(k, "LIMIT") || is(k, "OFFSET") || is(k, "UNION") || is(k, "FOR") ||
                                      (k.kind == Kind::Other && k.text == ";"))) {
                break;
            }
            if (k.kind != Kind::Space) last = j;
        }
        finish_term(j);
        i = j == t.size() ? j : j - 1;
    }
}

/// Where an INSERT's id would go: after the token that opens its column list, and after the
/// token that starts its one row of values (VALUES' parenthesis or SELECT). npos when the INSERT
/// has no column list, names `id` itself (explicit_id), or may insert more than one row.
struct IdPlaces {
    size_t columns = std::string::npos, values = std::string::npos;
};

IdPlaces one_row_insert(const std::vector<Token>& t, size_t insert, Translated& out) {
    IdPlaces none;
    // An upsert's RETURNING may give an older row's id: its ids are not the trigger's to learn from.
    for (const auto& k : t)
        if (is(k, "UPDATE")) return none;
    size_t into = next(t, insert);
    if (into >= t.size() || !is(t[into], "INTO")) return none;
    size_t table = next(t, into);
    if (table >= t.size() || t[table].kind != Kind::Word || t[table].text.find('.') != std::string::npos) return none;
    for (char c : t[table].text) out.table += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    size_t open = next(t, table);
    if (open >= t.size() || t[open].kind != Kind::Open) return none;
    size_t close = open + 1;
    for (; close < t.size() && t[close].kind != Kind::Close; ++close)
        if (t[close].kind == Kind::Word && (is(t[close], "ID"))) out.explicit_id = true;
    if (close >= t.size() || out.explicit_id) return none;
    size_t body = next(t, close);
    if (body >= t.size()) return none;
    if (is(t[body], "VALUES")) {
        size_t row = next(t, body);
        if (row >= t.size() || t[row].kind != Kind::Open) return none;
        int depth = 0;
        size_t end = row;
        for (; end < t.size(); ++end) {
            if (t[end].kind == Kind::Open) ++depth;
            else if (t[end].kind == Kind::Close && --depth == 0) break;
        }
        size_t after = end < t.size() ? next(t, end) : t.size();
        if (after < t.size() && t[after].kind == Kind::Comma) return none;  // several rows
        return {open, row};
    }
    if (is(t[body], "SELECT")) {
        // One row only when the SELECT reads no table (INSERT ... SELECT ?, ? WHERE NOT EXISTS (…)).
        int depth = 0;
        for (size_t i = body + 1; i < t.size(); ++i) {
            if (t[i].kind == Kind::Open) ++depth;
            else if (t[i].kind == Kind::Close) --depth;
            else if (depth == 0 && (is(t[i], "FROM") || is(t[i], "UNION") || is(t[i], "DISTINCT") || is(t[i], "ALL"))) return none;
        }
        return {open, body};
    }
    return none;
}

}  // namespace

Translated translate(const std::string& sql) {
    std::vector<Token> t = tokenize(sql);
    Translated out;

    for (size_t i = 0; i < t.size(); ++i) {
        if (t[i].kind != Kind::Word) continue;
        if (is(t[i], "COLLATE")) {
            size_t nc = next(t, i);
            if (nc >= t.size() || !is(t[nc], "NOCASE")) continue;
            size_t p = prev(t, i);
            if (p == std::string::npos) continue;
            // `x = ? COLLATE NOCASE`: the collation applies to the comparison, so to both sides.
            size_t op = prev(t, p);
            if (op != std::string::npos && t[op].kind == Kind::Other && t[op].text == "=") {
                size_t lhs = prev(t, op);
                if (lhs != std::string::npos && t[lhs].kind == Kind::Word) {
                    t[lhs].wrap_before = "lower(";
                    t[lhs].wrap_after = ")";
                }
            }
            // A parameter's text has the database's collation: fold it as "C" does, ASCII only.
            t[p].wrap_before = "lower(";
            t[p].wrap_after = t[p].kind == Kind::Param ? " COLLATE \"C\")" : ")";
            for (size_t k = p + 1; k <= nc; ++k) t[k].text.clear();
        } else if (is(t[i], "WHERE")) {
            // `WHERE 1` (the start of a list of AND-ed filters): a boolean here.
            size_t a = next(t, i);
            if (a < t.size() && t[a].text == "1") t[a].text = "TRUE";
        } else if (is(t[i], "LIKE")) {
            t[i].text = "ILIKE";
        } else if (is(t[i], "IS")) {
            size_t a = next(t, i);
            if (a < t.size() && t[a].kind == Kind::Param) {
                t[i].text = "IS NOT DISTINCT FROM";
            } else if (a < t.size() && is(t[a], "NOT")) {
                size_t b = next(t, a);
                if (b < t.size() && t[b].kind == Kind::Param) {
                    t[i].text = "IS DISTINCT FROM";
                    t[a].text.clear();
                }
            }
        } else if (is(t[i], "NOT")) {
            size_t a = next(t, i);
            if (a < t.size() && is(t[a], "INDEXED")) {
                t[i].text.clear();
                t[a].text.clear();
            }
        } else if (is(t[i], "AS")) {
            size_t a = next(t, i);
            size_t c = a < t.size() ? next(t, a) : a;
            if (a < t.size() && c < t.size() && t[c].kind == Kind::Close) {
                if (is(t[a], "REAL")) t[a].text = "double precision";
                else if (is(t[a], "INTEGER")) t[a].text = "bigint";
            }
        }
    }
    order_nulls(t);

    // Parameters last: `?` counts up from the highest number seen so far, as SQLite's do.
    int highest = 0;
    for (auto& k : t) {
        if (k.kind != Kind::Param) continue;
        int number = 0;
        if (k.text[0] == '?') {
            number = k.text.size() > 1 ? std::stoi(k.text.substr(1)) : highest + 1;
            if (static_cast<int>(out.names.size()) < number) out.names.resize(static_cast<size_t>(number));
        } else {
            for (size_t n = 0; n < out.names.size(); ++n)
                if (out.names[n] == k.text) number = static_cast<int>(n) + 1;
            if (number == 0) {
                out.names.push_back(k.text);
                number = static_cast<int>(out.names.size());
            }
        }
        if (number > highest) highest = number;
        k.text = "$" + std::to_string(number);
    }
    out.parameters = static_cast<int>(out.names.size());
    size_t first = t.empty() || t[0].kind != Kind::Space ? 0 : next(t, 0);
    if (first < t.size() && t[first].kind == Kind::Word) {
        for (char c : t[first].text) out.verb += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    out.may_delete = !out.verb.empty() && out.verb != "SELECT" && out.verb != "INSERT" && out.verb != "UPDATE" && out.verb != "WITH";
    for (const auto& k : t) out.may_delete = out.may_delete || is(k, "DELETE") || is(k, "TRUNCATE");
    IdPlaces places;
    if (out.verb == "INSERT") {
        bool returning = false;
        for (const auto& k : t) returning = returning || is(k, "RETURNING");
        while (!t.empty() && (t.back().kind == Kind::Space || (t.back().kind == Kind::Other && t.back().text == ";")))
            t.pop_back();
        places = one_row_insert(t, first, out);
        if (!returning) {
            t.push_back({Kind::Other, out.explicit_id ? " RETURNING id" : " RETURNING current_setting('pom.last_id', true)"});
            out.returns_last_id = true;
        } else {
            out.returns_own_rows = true;
        }
    }
    for (const auto& k : t) out.sql += k.wrap_before + k.text + k.wrap_after;
    if (places.columns != std::string::npos) {
        std::string id_parameter = "$" + std::to_string(out.parameters + 1);
        std::string next_id = "(SELECT coalesce(max(id), 0) + 1 FROM " + out.table + ")";
        // All but the RETURNING added above; an INSERT's own RETURNING stays.
        size_t kept = out.returns_own_rows ? t.size() : t.size() - 1;
        for (size_t i = 0; i < kept; ++i) {
            const Token& k = t[i];
            out.sql_with_id += k.wrap_before + k.text + k.wrap_after;
            out.sql_numbered += k.wrap_before + k.text + k.wrap_after;
            if (i == places.columns) {
                out.sql_with_id += "id, ";
                out.sql_numbered += "id, ";
            }
            if (i == places.values) {
                out.sql_with_id += " " + id_parameter + ", ";
                out.sql_numbered += " " + next_id + ", ";
            }
        }
        if (!out.returns_own_rows) {
            out.sql_with_id += " RETURNING id";
            out.sql_numbered += " RETURNING id";
        }
    }
    return out;
}

}  // namespace pom::pg
