// pom.toml (load_config_file): any file is read as settings or refused with a pom::Error naming
// FILE:LINE:COLUMN. The reader takes a path, so each input is written to a file first.
#include "config.h"
#include "error.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {

// The one file this process writes each input to, removed when the fuzzer exits.
struct InputFile {
    std::string path = "/tmp/pom-config-fuzz-" + std::to_string(getpid()) + ".toml";
    ~InputFile() { std::remove(path.c_str()); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const InputFile file;
    const std::string& path = file.path;
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    try {
        pom::load_config_file(path);
    } catch (const pom::Error&) {
    }
    return 0;
}
