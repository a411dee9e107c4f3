#pragma once
#include "config.h"
#include "store/store.h"
#include "clock.h"

#include <string>

namespace pom {

/// What every operation of the core needs, passed down explicitly (no singletons).
struct Context {
    Store& store;
    const Config& config;
    const Clock& clock;
    const TimeZone& tz;
    std::string actor;    ///< who is acting (`--as`, POM_USER, login name)
    std::string command;  ///< the command line, for the audit log

    Instant now() const { return clock.now(); }
    Date today() const { return tz.local_date(clock.now()); }
};

}  // namespace pom
