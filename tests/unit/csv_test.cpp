// RFC 4180 reading (lib/csv.h).
#include "csv.h"
#include "error.h"

#include <catch2/catch.hpp>
#include <sstream>

using namespace pom;
using Records = std::vector<std::vector<std::string>>;

namespace {

Records read_all(const std::string& text) {
    std::istringstream in(text);
    CsvReader csv(in, "in.csv");
    Records out;
    std::vector<std::string> fields;
    while (csv.next(fields)) out.push_back(fields);
    return out;
}

std::string error_of(const std::string& text) {
    try {
        read_all(text);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::BadInput);
        return e.what();
    }
    FAIL("no error for " << text);
    return "";
}

}  // namespace

TEST_CASE("plain fields, LF and CRLF line ends") {
    CHECK(read_all("a,b,c\n1,2,3\n") == Records{{"a", "b", "c"}, {"1", "2", "3"}});
    CHECK(read_all("a,b,c\r\n1,2,3\r\n") == Records{{"a", "b", "c"}, {"1", "2", "3"}});
    CHECK(read_all("a,b\r\n1,2") == Records{{"a", "b"}, {"1", "2"}});  // no final line end
    CHECK(read_all("a,,c\n,,\n") == Records{{"a", "", "c"}, {"", "", ""}});
    CHECK(read_all(" a , b \n") == Records{{" a ", " b "}});  // spaces belong to the field
    CHECK(read_all("").empty());
    CHECK(read_all("\n") == Records{{""}});  // a blank line is one empty field; callers skip it
    CHECK(read_all("a\r\n\r\nb\r\n") == Records{{"a"}, {""}, {"b"}});
    // A lone CR is not a line end.
    CHECK(error_of("a\rb,c\n") == "in.csv: row 1, column 1: holds the control character U+000D (character 2)");
}

TEST_CASE("quoted fields") {
    CHECK(read_all("\"a,b\",c\n") == Records{{"a,b", "c"}});
    CHECK(read_all("\"\",x\n") == Records{{"", "x"}});
    CHECK(read_all("\"say \"\"hi\"\"\",2\n") == Records{{"say \"hi\"", "2"}});
    CHECK(read_all("\"\"\"\"\n") == Records{{"\""}});
    CHECK(read_all("\"a\"\r\n\"b\"") == Records{{"a"}, {"b"}});
    CHECK(read_all("x,\"last\"") == Records{{"x", "last"}});
}

TEST_CASE("a newline inside quotes belongs to the field and rows count records") {
    std::istringstream in("name,notes\r\nAnn,\"gate on the left\r\nbeware of dog\"\r\nBob,\"a\nb\nc\"\nCy,none\n");
    CsvReader csv(in, "in.csv");
    std::vector<std::string> f;
    REQUIRE(csv.next(f));
    CHECK(csv.row() == 1);
    REQUIRE(csv.next(f));
    CHECK(f == std::vector<std::string>{"Ann", "gate on the left\r\nbeware of dog"});
    CHECK(csv.row() == 2);
    REQUIRE(csv.next(f));
    CHECK(f == std::vector<std::string>{"Bob", "a\nb\nc"});
    CHECK(csv.row() == 3);
    REQUIRE(csv.next(f));
    CHECK(f == std::vector<std::string>{"Cy", "none"});
    CHECK(csv.row() == 4);
    CHECK_FALSE(csv.next(f));
    CHECK(f.empty());
    CHECK_FALSE(csv.next(f));  // stays at the end
    CHECK(csv.source() == "in.csv");
}

TEST_CASE("a UTF-8 byte-order mark at the start is dropped") {
    CHECK(read_all("\xEF\xBB\xBFref,name\nC-1,Zo\xC3\xAB\n") == Records{{"ref", "name"}, {"C-1", "Zo\xC3\xAB"}});
    CHECK(read_all("\xEF\xBB\xBF\"ref\",name\n") == Records{{"ref", "name"}});
    CHECK(read_all("\xEF\xBB\xBF").empty());
    // Only at the very start: later it is text.
    CHECK(read_all("a\n\xEF\xBB\xBF" "b\n") == Records{{"a"}, {"\xEF\xBB\xBF" "b"}});
    CHECK(error_of("\xEF\xBB" "x,y\n") == "in.csv: row 1: not UTF-8 text");
}

TEST_CASE("an unterminated quote names the row where the record began") {
    CHECK(error_of("a,b\n1,\"open\n") == "in.csv: row 2: unterminated quoted field");
    CHECK(error_of("a,b\n1,2\n3,\"x\ny\nz") == "in.csv: row 3: unterminated quoted field");
    CHECK(error_of("\"") == "in.csv: row 1: unterminated quoted field");
    CHECK(error_of("a\n\"say \"\"hi\"\"\n") == "in.csv: row 2: unterminated quoted field");
}

TEST_CASE("a stray quote is an error with row and column") {
    CHECK(error_of("a,b\nx,ab\"c\n") == "in.csv: row 2, column 2: quote inside an unquoted field");
    CHECK(error_of("a,b\n\"ab\"c,d\n") == "in.csv: row 2, column 1: text after a closing quote");
    CHECK(error_of("a,b\n1,\"x\" \n") == "in.csv: row 2, column 2: text after a closing quote");
    CHECK(error_of("\"a\"\"b\"x\n") == "in.csv: row 1, column 1: text after a closing quote");
}

TEST_CASE("rows read before an error are kept by the caller") {
    std::istringstream in("a\nb\n\"c\n");
    CsvReader csv(in, "-");
    std::vector<std::string> f;
    CHECK(csv.next(f));
    CHECK(csv.next(f));
    CHECK(f == std::vector<std::string>{"b"});
    CHECK_THROWS_WITH(csv.next(f), "-: row 3: unterminated quoted field");
}

TEST_CASE("every field is checked as text, naming its row and column") {
    CHECK(read_all("a,b\n\"x\ny\",\"tab\there\"\n") == Records{{"a", "b"}, {"x\ny", "tab\there"}});
    CHECK(error_of("a,b\n1,x\xff\n") == "in.csv: row 2, column 2: is not valid UTF-8 (byte 2 is \\xFF)");
    CHECK(error_of(std::string("a,b\n1,2\nx\0y,z\n", 14)) == "in.csv: row 3, column 1: holds a NUL byte (character 2)");
    CHECK(error_of("a,b\n1,\x1b[31m\n") == "in.csv: row 2, column 2: holds the control character U+001B (character 1)");
    CHECK(error_of("a\n" + std::string(10001, 'x') + "\n") ==
          "in.csv: row 2, column 1: is 10001 characters long, over the 10000 allowed for a CSV field");
}
