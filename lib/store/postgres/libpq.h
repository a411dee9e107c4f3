#pragma once
// libpq, loaded when pom first opens a PostgreSQL database rather than linked: libpq brings 25
// shared libraries (Kerberos, LDAP, GnuTLS, SASL...) whose loading cost every pom command, SQLite
// ones included, about 3 ms of a start that is otherwise 2-3 ms. Only libpq-fe.h's declarations
// are used at build time; the functions are looked up once, here.
#include <libpq-fe.h>

namespace pom::pg {

/// The libpq functions pom calls, by their own names.
struct Libpq {
#define POM_LIBPQ_FUNCTIONS(X)                                                                               \
    X(PQclear) X(PQcmdTuples) X(PQconnectdb) X(PQerrorMessage) X(PQescapeIdentifier) X(PQescapeLiteral)      \
    X(PQexec) X(PQexecParams) X(PQexecPrepared) X(PQfinish) X(PQfname) X(PQfnumber) X(PQfreemem) X(PQftype)  \
    X(PQgetResult) X(PQgetisnull) X(PQgetlength) X(PQgetvalue) X(PQnfields) X(PQntuples) X(PQprepare)        \
    X(PQputCopyData) X(PQputCopyEnd) X(PQresultErrorField) X(PQresultStatus) X(PQsetNoticeProcessor)         \
    X(PQstatus) X(PQtransactionStatus) X(PQenterPipelineMode) X(PQexitPipelineMode) X(PQpipelineSync)        \
    X(PQsendQueryParams)
#define POM_LIBPQ_MEMBER(name) decltype(&::name) name = nullptr;
    POM_LIBPQ_FUNCTIONS(POM_LIBPQ_MEMBER)
#undef POM_LIBPQ_MEMBER
};

/// libpq's functions, loaded on the first call (thread-safe): libpq.so.5 from the system's library
/// path, or the file POM_LIBPQ names. A missing or incomplete libpq is a Config error (exit 78).
const Libpq& pq();

}  // namespace pom::pg
