#include "checksum.h"

#include "error.h"

#include <openssl/evp.h>

namespace pom {

Sha256::Sha256() : m_ctx(EVP_MD_CTX_new()) {
    if (!m_ctx || EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(m_ctx), EVP_sha256(), nullptr) != 1)
        fail(ErrorKind::Internal, "SHA-256 is not available");
}

Sha256::~Sha256() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(m_ctx)); }

void Sha256::update(const void* data, size_t size) {
    if (size > 0) EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(m_ctx), data, size);
}

std::string Sha256::hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(m_ctx), md, &n);
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < n; ++i) {
        out += digits[md[i] >> 4];
        out += digits[md[i] & 0xF];
    }
    return out;
}

HashingBuf::int_type HashingBuf::overflow(int_type c) {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    char ch = traits_type::to_char_type(c);
    m_sha.update(&ch, 1);
    ++m_bytes;
    m_target.put(ch);
    return m_target ? c : traits_type::eof();
}

std::streamsize HashingBuf::xsputn(const char* s, std::streamsize n) {
    m_sha.update(s, static_cast<size_t>(n));
    m_bytes += static_cast<uint64_t>(n);
    m_target.write(s, n);
    return m_target ? n : 0;
}

}  // namespace pom
