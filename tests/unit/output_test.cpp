// Rendering records in every -o format, and --fields (lib/output.h).
#include "error.h"
#include "output.h"

#include <catch2/catch.hpp>

using namespace pom;

namespace {

Rows sample() {
    Rows r;
    r.fields = {"id", "name", "city", "tags", "active", "balance"};
    r.table_fields = {"id", "name", "city"};
    r.records.push_back({{"id", 1}, {"name", "Ann"}, {"city", "Mesa"}, {"tags", {"weekly", "salt"}}, {"active", true}, {"balance", "12.50"}});
    r.records.push_back({{"id", 12}, {"name", "Bob, Jr."}, {"city", nullptr}, {"tags", Json::array()}, {"active", false}, {"balance", "0.00"}});
    return r;
}

std::string usage_error(Rows rows, const std::vector<std::string>& wanted) {
    try {
        select_fields(rows, wanted);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Usage);
        return e.what();
    }
    FAIL("select_fields accepted an unknown field");
    return "";
}

}  // namespace

TEST_CASE("formats by name") {
    CHECK(parse_format("table") == Format::table);
    CHECK(parse_format("json") == Format::json);
    CHECK(parse_format("jsonl") == Format::jsonl);
    CHECK(parse_format("csv") == Format::csv);
    CHECK(parse_format("id") == Format::id);
    try {
        parse_format("yaml");
        FAIL("yaml accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Usage);
        CHECK(std::string(e.what()) == "-o: unknown format 'yaml' (valid: table, json, jsonl, csv, id)");
    }
}

TEST_CASE("json is one array, indented, and always an array") {
    CHECK(render(sample(), Format::json) ==
          "[\n"
          "  {\n    \"id\": 1,\n    \"name\": \"Ann\",\n    \"city\": \"Mesa\",\n    \"tags\": [\n      \"weekly\",\n      \"salt\"\n    ],\n"
          "    \"active\": true,\n    \"balance\": \"12.50\"\n  },\n"
          "  {\n    \"id\": 12,\n    \"name\": \"Bob, Jr.\",\n    \"city\": null,\n    \"tags\": [],\n"
          "    \"active\": false,\n    \"balance\": \"0.00\"\n  }\n"
          "]\n");
    Rows none;
    none.fields = {"id"};
    CHECK(render(none, Format::json) == "[]\n");
    Rows one = sample();
    one.records.resize(1);
    one.detail = true;
    CHECK(render(one, Format::json).rfind("[\n  {", 0) == 0);  // one record is still an array
}

TEST_CASE("jsonl is one compact object per line; UTF-8 is written as it is") {
    CHECK(render(sample(), Format::jsonl) ==
          "{\"id\":1,\"name\":\"Ann\",\"city\":\"Mesa\",\"tags\":[\"weekly\",\"salt\"],\"active\":true,\"balance\":\"12.50\"}\n"
          "{\"id\":12,\"name\":\"Bob, Jr.\",\"city\":null,\"tags\":[],\"active\":false,\"balance\":\"0.00\"}\n");
    Rows r;
    r.fields = {"name"};
    r.records.push_back({{"name", "Müller \"Pools\"\n"}});
    CHECK(render(r, Format::jsonl) == "{\"name\":\"Müller \\\"Pools\\\"\\n\"}\n");
    r.records.clear();
    CHECK(render(r, Format::jsonl).empty());
}

TEST_CASE("invalid UTF-8 in a value does not break the JSON") {
    Rows r;
    r.fields = {"name"};
    r.records.push_back({{"name", std::string("bad \xff byte")}});
    CHECK(render(r, Format::jsonl) == "{\"name\":\"bad \xEF\xBF\xBD byte\"}\n");  // U+FFFD
}

TEST_CASE("csv: header, CRLF, RFC 4180 quoting, every field in order") {
    CHECK(render(sample(), Format::csv) ==
          "id,name,city,tags,active,balance\r\n"
          "1,Ann,Mesa,weekly; salt,true,12.50\r\n"
          "12,\"Bob, Jr.\",,,false,0.00\r\n");
    CHECK(csv_field("plain") == "plain");
    CHECK(csv_field("a,b") == "\"a,b\"");
    CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(csv_field("two\nlines") == "\"two\nlines\"");
    CHECK(csv_field("cr\r") == "\"cr\r\"");
    CHECK(csv_field(" padded") == "\" padded\"");
    CHECK(csv_field("padded ") == "\"padded \"");
    CHECK(csv_field("") == "");
    Rows none;
    none.fields = {"id", "name"};
    CHECK(render(none, Format::csv) == "id,name\r\n");  // an empty list still has its header
}

TEST_CASE("cell text: strings, numbers in C locale, null, lists and objects") {
    CHECK(cell_text(Json(nullptr)).empty());
    CHECK(cell_text(Json("x")) == "x");
    CHECK(cell_text(Json(1234567)) == "1234567");
    CHECK(cell_text(Json(-5)) == "-5");
    CHECK(cell_text(Json(0.5)) == "0.5");
    CHECK(cell_text(Json(true)) == "true");
    CHECK(cell_text(Json::array({"a", 2, nullptr})) == "a; 2; ");
    CHECK(cell_text(Json::array({Json{{"k", 1}}})) == "[{\"k\":1}]");
    CHECK(cell_text(Json{{"address", "a@b.co"}, {"opt_in", true}}) == "{\"address\":\"a@b.co\",\"opt_in\":true}");
}

TEST_CASE("id prints the id field, one per line") {
    CHECK(render(sample(), Format::id) == "1\n12\n");
    Rows r = sample();
    r.id_field = "name";
    CHECK(render(r, Format::id) == "Ann\nBob, Jr.\n");
}

TEST_CASE("table: the default columns, aligned by characters, no trailing spaces") {
    CHECK(render(sample(), Format::table) ==
          "ID  NAME      CITY\n"
          "1   Ann       Mesa\n"
          "12  Bob, Jr.\n");
    Rows r;
    r.fields = {"name", "created_at"};
    r.records.push_back({{"name", "Zoë"}, {"created_at", "x"}});
    r.records.push_back({{"name", "Al"}, {"created_at", "y"}});
    CHECK(render(r, Format::table) ==
          "NAME  CREATED AT\n"
          "Zoë   x\n"
          "Al    y\n");
    r.records.push_back({{"name", "two\nlines\tand tab"}, {"created_at", "z"}});
    CHECK(render(r, Format::table).find("two lines and tab  z\n") != std::string::npos);
    r.records.clear();
    CHECK(render(r, Format::table).empty());  // an empty list prints nothing, not a lone header
}

TEST_CASE("table of one record: field by field, a list of records as its own table") {
    Rows r;
    r.detail = true;
    r.fields = {"id", "name", "tags", "pools"};
    r.records.push_back({{"id", 7},
                         {"name", "Ann"},
                         {"tags", {"a", "b"}},
                         {"pools", {{{"id", 1}, {"body", "pool"}}, {{"id", 22}, {"body", "spa"}}}}});
    CHECK(render(r, Format::table) ==
          "id     7\n"  // labels padded to the longest field name, "pools" included
          "name   Ann\n"
          "tags   a; b\n"
          "\n"
          "pools:\n"
          "ID  BODY\n"
          "1   pool\n"
          "22  spa\n");
    r.records[0]["pools"] = Json::array();
    r.records[0]["tags"] = Json::array();
    CHECK(render(r, Format::table) ==
          "id     7\n"
          "name   Ann\n"
          "tags\n"
          "pools\n");
}

TEST_CASE("--fields picks and orders fields in every format") {
    Rows r = sample();
    select_fields(r, {"name", "id"});
    CHECK(r.fields == std::vector<std::string>{"name", "id"});
    CHECK(render(r, Format::jsonl) == "{\"name\":\"Ann\",\"id\":1}\n{\"name\":\"Bob, Jr.\",\"id\":12}\n");
    CHECK(render(r, Format::csv) == "name,id\r\nAnn,1\r\n\"Bob, Jr.\",12\r\n");
    CHECK(render(r, Format::table) == "NAME      ID\nAnn       1\nBob, Jr.  12\n");  // replaces the default columns

    Rows t = sample();
    select_fields(t, {"tags"});  // a field outside the default table columns
    CHECK(render(t, Format::table) == "TAGS\nweekly; salt\n\n");  // Bob has no tags: an empty row
}

TEST_CASE("--fields: an unknown field is a usage error listing the valid ones, nothing is changed") {
    Rows r = sample();
    CHECK(usage_error(r, {"name", "colour"}) ==
          "--fields: unknown field 'colour' (valid: id, name, city, tags, active, balance)");
    CHECK(usage_error(r, {"ID"}) == "--fields: unknown field 'ID' (valid: id, name, city, tags, active, balance)");
    Rows untouched = sample();
    try {
        select_fields(untouched, {"id", "nope"});
    } catch (const Error&) {
    }
    CHECK(untouched.records == sample().records);
    CHECK(untouched.fields == sample().fields);
}

TEST_CASE("--fields: a field a record lacks is null") {
    Rows r;
    r.fields = {"id", "note"};
    r.records.push_back({{"id", 1}});
    select_fields(r, {"note", "id"});
    CHECK(render(r, Format::jsonl) == "{\"note\":null,\"id\":1}\n");
}

TEST_CASE("the fast JSON writer gives nlohmann's bytes for every kind of value") {
    Json v = Json::object();
    v["int"] = -42;
    v["big"] = 18446744073709551615ULL;
    v["float"] = 0.1;
    v["whole_float"] = 2.0;
    v["text"] = "plain";
    v["escapes"] = "q\"b\\n\nt\tc\x01 del\x7f";
    v["utf8"] = "Zoë – 日本";
    v["bad"] = std::string("a\xff\xfe z\xc3");
    v["empty_object"] = Json::object();
    v["empty_array"] = Json::array();
    v["nested"] = {{"list", {1, "two", nullptr, true, false, {{"k", Json::array({Json::object()})}}}}};
    v["ke\"y\n"] = "odd key";
    for (int indent : {-1, 0, 2, 4})
        CHECK(to_json_text(v, indent) == v.dump(indent, ' ', false, Json::error_handler_t::replace));
    Rows r;
    r.fields = {"x"};
    r.records = {v, Json::object(), v};
    CHECK(render(r, Format::json) == Json(r.records).dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
    std::string lines;
    for (const auto& rec : r.records) lines += rec.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
    CHECK(render(r, Format::jsonl) == lines);
}

namespace {
/// A record with every shape the writers handle, written through the JsonWriter interface.
template <class W>
void write_sample(W& w, int n) {
    w.begin_object();
    w.key("id").value(int64_t{n});
    w.key("negative").value(int64_t{-9000000000});
    w.key("none").value(nullptr);
    w.key("yes").value(true);
    w.key("text").value(std::string("q\"b\\n\nt\tc\x01 Zoë – 日本 \xff"));
    w.key("long").value(std::string(300, 'x'));
    w.key("empty_list").begin_array().end_array();
    w.key("empty_object").begin_object().end_object();
    w.key("list").begin_array();
    for (int i = 0; i < n; ++i) w.begin_object().key("at").value(int64_t{i}).key("tags").begin_array().value(std::string("a")).end_array().end_object();
    w.end_array();
    w.key("nested").begin_array().begin_array().value(false).end_array().begin_object().end_object().end_array();
    w.key(std::string(200, 'k').c_str()).value(std::string(""));
    w.end_object();
}
}  // namespace

TEST_CASE("JsonWriter writes the bytes the same record built as a document renders to") {
    std::vector<int> items{0, 1, 3};
    Rows rows;
    rows.fields = {"id"};
    for (int n : items) {
        JsonBuilder b;
        write_sample(b, n);
        rows.records.push_back(b.take());
    }
    CHECK(rows.records[2]["list"][2]["at"] == 2);
    CHECK(rows.records[1]["nested"] == Json::parse("[[false],{}]"));
    auto write = [](JsonWriter& w, int n) { write_sample(w, n); };
    CHECK(render_json(items, Format::json, write) == render(rows, Format::json));
    CHECK(render_json(items, Format::jsonl, write) == render(rows, Format::jsonl));
    CHECK(render_json(std::vector<int>{}, Format::json, write) == "[]\n");
    CHECK(render_json(std::vector<int>{}, Format::jsonl, write).empty());
    JsonBuilder b;
    write_sample(b, 2);
    Json two = b.take();
    for (int indent : {-1, 0, 2, 4}) {
        std::string text;
        JsonWriter w(text, indent);
        write_sample(w, 2);
        w.finish();
        CHECK(text == to_json_text(two, indent));
    }
}

TEST_CASE("JsonWriter escapes every byte at every place in a string as nlohmann does") {
    // Plain strings are copied as they are and the rest left to nlohmann: each byte value at
    // each of 17 places must be told apart, and the text come out as dump() writes it.
    int checked = 0;
    for (int byte = 0; byte < 256; ++byte) {
        for (size_t at = 0; at < 17; ++at) {
            std::string s(17, 'a');
            s[at] = static_cast<char>(byte);
            std::string text;
            JsonWriter(text, -1).value(s);
            std::string want = Json(s).dump(-1, ' ', false, Json::error_handler_t::replace);
            if (text != want) FAIL("byte " << byte << " at " << at << ": " << text << " != " << want);
            ++checked;
        }
    }
    CHECK(checked == 256 * 17);
}

TEST_CASE("JsonWriter writes long keys and values and deep indentation as nlohmann does") {
    // Each piece is written into room made for it ahead of the text, which grows in steps: sizes
    // around and across the steps, and indentation of hundreds of spaces.
    for (size_t size : {size_t{300}, size_t{317}, size_t{318}, size_t{319}, size_t{320}, size_t{1000}, size_t{300000}}) {
        Json record = Json::object();
        record[std::string(size, 'k')] = std::string(size, 'v');
        record["n"] = Json::array({std::string(size, 'w'), int64_t{-1}, nullptr});
        for (int indent : {-1, 2, 200}) {
            std::string text;
            JsonWriter(text, indent).value(record);
            CHECK(text == record.dump(indent, ' ', false, Json::error_handler_t::replace));
        }
    }
}
