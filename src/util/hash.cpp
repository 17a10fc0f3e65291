#include "dbctl/util/hash.hpp"

#include "dbctl/util/error.hpp"

#include <array>

#include <openssl/evp.h>
#include <openssl/hmac.h>

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
