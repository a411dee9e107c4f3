// An LD_PRELOAD shim (C++ for the project's one compiler; extern "C" for the names it replaces) for the kill-safety test (tests/e2e/test_kill.py): counts the process's writes
// (write, pwrite, pwrite64, fsync, fdatasync, send: what reaches a file, the disk or the
// PostgreSQL server) and, with POM_KILL_AT=N, kills the process with SIGKILL just before the N-th.
// With POM_KILL_COUNT_FILE=F it writes the number of writes it saw to F when the process exits.
#include <dlfcn.h>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

extern "C" {

static long kill_at = -1;
static long count = 0;
static int ready = 0;

static void tick() {
    if (!ready) {
        const char* at = getenv("POM_KILL_AT");
        kill_at = at ? atol(at) : -1;
        ready = 1;
    }
    ++count;
    if (kill_at > 0 && count == kill_at) kill(getpid(), SIGKILL);
}

__attribute__((destructor)) static void report() {
    const char* file = getenv("POM_KILL_COUNT_FILE");
    if (!file) return;
    long seen = count;
    FILE* out = fopen(file, "w");
    if (out) {
        fprintf(out, "%ld\n", seen);
        fclose(out);
    }
}

#define REAL(name) static auto* real = reinterpret_cast<decltype(&::name)>(dlsym(RTLD_NEXT, #name))

ssize_t write(int fd, const void* buf, size_t n) {
    REAL(write);
    tick();
    return real(fd, buf, n);
}

ssize_t pwrite(int fd, const void* buf, size_t n, off_t off) {
    REAL(pwrite);
    tick();
    return real(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void* buf, size_t n, off64_t off) {
    REAL(pwrite64);
    tick();
    return real(fd, buf, n, off);
}

int fsync(int fd) {
    REAL(fsync);
    tick();
    return real(fd);
}

int fdatasync(int fd) {
    REAL(fdatasync);
    tick();
    return real(fd);
}

ssize_t send(int fd, const void* buf, size_t n, int flags) {
    REAL(send);
    tick();
    return real(fd, buf, n, flags);
}

}  // extern "C"
