#include "error.h"

namespace pom {

void fail(ErrorKind kind, const std::string& message) { throw Error(kind, message); }

int exit_code(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::NotFound:
    case ErrorKind::Conflict:
    case ErrorKind::Transition: return 1;
    case ErrorKind::Usage: return 64;
    case ErrorKind::BadInput:
    case ErrorKind::NewerDatabase: return 65;
    case ErrorKind::NoInput: return 66;
    case ErrorKind::Internal: return 70;
    case ErrorKind::Io: return 74;
    case ErrorKind::Busy: return 75;
    case ErrorKind::Permission: return 77;
    case ErrorKind::Config: return 78;
    }
    return 70;
}

const char* error_code_name(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::NotFound: return "not_found";
    case ErrorKind::Conflict: return "conflict";
    case ErrorKind::Transition: return "transition_not_allowed";
    case ErrorKind::Usage: return "usage";
    case ErrorKind::BadInput: return "bad_input";
    case ErrorKind::NewerDatabase: return "newer_database";
    case ErrorKind::NoInput: return "no_input";
    case ErrorKind::Internal: return "internal";
    case ErrorKind::Io: return "io";
    case ErrorKind::Busy: return "busy";
    case ErrorKind::Permission: return "permission";
    case ErrorKind::Config: return "config";
    }
    return "internal";
}

}  // namespace pom
