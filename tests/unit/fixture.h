#pragma once
// Shared helpers for the unit tests: a company on an in-memory store with a clock the test sets,
// handed to lib/ through a Context the way cmd/ does.
#include "clock.h"
#include "config.h"
#include "context.h"
#include "customer.h"
#include "pool.h"
#include "store/store.h"
#include "worker.h"

#include <memory>
#include <string>
#include <vector>

namespace pom::test {

inline Date ymd(int y, unsigned m, unsigned d) { return Date{date::year{y}, date::month{m}, date::day{d}}; }

inline std::vector<std::string> formatted(const std::vector<Date>& dates) {
    std::vector<std::string> out;
    for (Date d : dates) out.push_back(format_date(d));
    return out;
}

/// A clock that stays where the test puts it.
class SetClock final : public Clock {
public:
    explicit SetClock(Instant at) : m_at(at) {}
    Instant now() const override { return m_at; }
    void set(Instant at) { m_at = at; }

private:
    Instant m_at;
};

/// One company: an in-memory store, a config (time zone, working days) and "now" as a local
/// date-time in that zone (POM_NOW of the end-to-end tests by default).
class Fixture {
public:
    explicit Fixture(const std::string& local_now = "2026-11-23T08:00:00", const std::string& zone = "America/Phoenix")
        : store(Store::open_memory()), config(make_config(zone)), tz(zone),
          clock(parse_instant(local_now, tz, "now")), ctx{*store, config, clock, tz, "tester", "unit test"} {}

    /// Moves "now" (a local date-time in the company's zone).
    void set_now(const std::string& local_now) { clock.set(parse_instant(local_now, tz, "now")); }

    int64_t customer(const std::string& name) {
        CustomerFields f;
        f.name = name;
        f.status = "active";
        f.emails = std::vector<std::string>{"office@example.com"};
        return add_customer(ctx, f);
    }

    int64_t pool(int64_t customer_id) { return add_pool(ctx, customer_id, PoolFields{}); }

    int64_t worker(const std::string& name) {
        WorkerFields f;
        f.name = name;
        return add_worker(ctx, f);
    }

    /// A scalar from the store, for checks that no public function answers.
    int64_t count(const std::string& sql) { return store->query_int(sql); }

    std::unique_ptr<Store> store;
    Config config;
    TimeZone tz;
    SetClock clock;
    Context ctx;

private:
    static Config make_config(const std::string& zone) {
        Config c;
        c.timezone = zone;
        return c;
    }
};

}  // namespace pom::test
