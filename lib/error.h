#pragma once
#include <stdexcept>
#include <string>

namespace pom {

/// What went wrong, in the terms a caller can act on. Each kind maps to one exit code
/// (see exit_code); the mapping lives only in error.cpp.
enum class ErrorKind {
    NotFound,    ///< a record that was named does not exist (exit 1)
    Conflict,    ///< the request clashes with what is stored (exit 1)
    Transition,  ///< a status change that is not allowed from the current status (exit 1)
    Usage,       ///< the command line itself is wrong (exit 64)
    BadInput,    ///< a value or an input row is invalid (exit 65)
    NewerDatabase,  ///< the database was written by a newer pom (exit 65)
    NoInput,     ///< an input file or the database is missing (exit 66)
    Internal,    ///< a bug in pom (exit 70)
    Io,          ///< reading or writing a file failed (exit 74)
    Busy,        ///< the database stayed locked past the busy timeout (exit 75)
    Permission,  ///< the operating system or the role denies it (exit 77)
    Config,      ///< the configuration is invalid (exit 78)
};

/// The one error type of pom. lib/ throws it; cmd/main.cpp catches it once.
class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), m_kind(kind) {}
    ErrorKind kind() const { return m_kind; }

private:
    ErrorKind m_kind;
};

[[noreturn]] void fail(ErrorKind kind, const std::string& message);

/// The process exit code for a kind of error (sysexits.h numbers).
int exit_code(ErrorKind kind);
/// A stable machine name for a kind ("not_found", "bad_input", ...), used in JSON errors.
const char* error_code_name(ErrorKind kind);

}  // namespace pom
