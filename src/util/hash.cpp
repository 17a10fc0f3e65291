// SHA256_Init/Update/Final are deprecated in OpenSSL 3 but kept: copying a SHA256_CTX is the
// cheap way to restart from a precomputed HMAC pad, which EVP cannot do without allocating.
// (Defined before any OpenSSL header is read.)
#define OPENSSL_SUPPRESS_DEPRECATED
#include "dbctl/util/hash.hpp"

#include "dbctl/util/error.hpp"

#include <array>
#include <cstring>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

namespace dbctl::util {

namespace {
// OpenSSL 3 looks an algorithm up on every implicit use; fetch SHA-256 once (thousands of
// migration files are checksummed per run).
const EVP_MD* sha256() {
  static EVP_MD* const k_md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return k_md != nullptr ? k_md : EVP_sha256();
}
} // namespace

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, sha256(), nullptr) != 1) {
    throw Error("SHA-256 computation failed in OpenSSL");
  }
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += k_hex[digest[i] >> 4];
    out += k_hex[digest[i] & 0x0f];
  }
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(),
           &length) == nullptr) {
    throw Error("HMAC-SHA256 computation failed in OpenSSL");
  }
  return {reinterpret_cast<const char*>(mac.data()), length};
}

std::array<unsigned char, 32> pbkdf2_hmac_sha256(std::string_view password, std::string_view salt,
                                                 int iterations) {
  constexpr std::size_t k_block = 64;
  std::array<unsigned char, k_block> key{};
  if (password.size() > k_block) {
    SHA256(reinterpret_cast<const unsigned char*>(password.data()), password.size(), key.data());
  } else {
    std::memcpy(key.data(), password.data(), password.size());
  }
  // HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m)): hash each pad once, copy the state after.
  SHA256_CTX inner;
  SHA256_CTX outer;
  std::array<unsigned char, k_block> pad{};
  for (std::size_t i = 0; i < k_block; ++i) {
    pad[i] = key[i] ^ 0x36U;
  }
  SHA256_Init(&inner);
  SHA256_Update(&inner, pad.data(), pad.size());
  for (std::size_t i = 0; i < k_block; ++i) {
    pad[i] = key[i] ^ 0x5cU;
  }
  SHA256_Init(&outer);
  SHA256_Update(&outer, pad.data(), pad.size());
  std::array<unsigned char, 32> u{};
  auto hmac_of = [&](const unsigned char* data, std::size_t size, const unsigned char* more,
                     std::size_t more_size) {
    SHA256_CTX context = inner;
    SHA256_Update(&context, data, size);
    if (more_size != 0) {
      SHA256_Update(&context, more, more_size);
    }
    SHA256_Final(u.data(), &context);
    context = outer;
    SHA256_Update(&context, u.data(), u.size());
    SHA256_Final(u.data(), &context); // leaves only u itself in the context: no wipe needed
  };
  const unsigned char block_index[4] = {0, 0, 0, 1}; // the first (and only) output block
  hmac_of(reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), block_index, 4);
  std::array<unsigned char, 32> out = u;
  for (int i = 1; i < iterations; ++i) {
    hmac_of(u.data(), u.size(), nullptr, 0);
    for (std::size_t b = 0; b < out.size(); ++b) {
      out[b] ^= u[b];
    }
  }
  OPENSSL_cleanse(key.data(), key.size());
  OPENSSL_cleanse(pad.data(), pad.size());
  OPENSSL_cleanse(&inner, sizeof inner);
  OPENSSL_cleanse(&outer, sizeof outer);
  OPENSSL_cleanse(u.data(), u.size());
  return out;
}

std::string base64url(std::string_view bytes) {
  static constexpr char k_alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned int n = (static_cast<unsigned char>(bytes[i]) << 16U) |
                     (static_cast<unsigned char>(bytes[i + 1]) << 8U) |
                     static_cast<unsigned char>(bytes[i + 2]);
    out += k_alphabet[(n >> 18U) & 63U];
    out += k_alphabet[(n >> 12U) & 63U];
    out += k_alphabet[(n >> 6U) & 63U];
    out += k_alphabet[n & 63U];
  }
  std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned int n = static_cast<unsigned char>(bytes[i]) << 16U;
    if (rest == 2) {
      n |= static_cast<unsigned char>(bytes[i + 1]) << 8U;
    }
    out += k_alphabet[(n >> 18U) & 63U];
    out += k_alphabet[(n >> 12U) & 63U];
    if (rest == 2) {
      out += k_alphabet[(n >> 6U) & 63U];
    }
  }
  return out;
}

} // namespace dbctl::util
