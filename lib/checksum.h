#pragma once
#include <cstdint>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

namespace pom {

/// SHA-256 (OpenSSL's libcrypto), fed in pieces.
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    void update(const void* data, size_t size);
    void update(std::string_view s) { update(s.data(), s.size()); }
    /// The digest as 64 lowercase hex digits; the object is spent afterwards.
    std::string hex();

private:
    void* m_ctx;  ///< EVP_MD_CTX
};

/// An output stream buffer that forwards every byte to another stream and keeps a running
/// SHA-256 and byte count of what went through (export files, with their checksums).
class HashingBuf final : public std::streambuf {
public:
    explicit HashingBuf(std::ostream& target) : m_target(target) {}
    Sha256& sha() { return m_sha; }
    uint64_t bytes() const { return m_bytes; }

protected:
    int_type overflow(int_type c) override;
    std::streamsize xsputn(const char* s, std::streamsize n) override;

private:
    std::ostream& m_target;
    Sha256 m_sha;
    uint64_t m_bytes = 0;
};

}  // namespace pom
