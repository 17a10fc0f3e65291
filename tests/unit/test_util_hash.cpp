#include "dbctl/util/hash.hpp"

#include <string>

#include <doctest/doctest.h>
#include <openssl/evp.h>

using namespace dbctl::util;

namespace {

std::string hex_of(const unsigned char* bytes, std::size_t size) {
  static const char digits[] = "0123456789abcdef";
  std::string hex;
  for (std::size_t i = 0; i < size; ++i) {
    hex += digits[bytes[i] >> 4];
    hex += digits[bytes[i] & 15];
  }
  return hex;
}

} // namespace

TEST_SUITE("util::hash") {
  TEST_CASE("SHA-256 matches the FIPS 180-2 test vectors") {
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  TEST_CASE("HMAC-SHA256 matches RFC 4231 test case 2") {
    std::string mac = hmac_sha256("Jefe", "what do ya want for nothing?");
    REQUIRE(mac.size() == 32);
    std::string hex = hex_of(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
    CHECK(hex == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  TEST_CASE("PBKDF2-HMAC-SHA256 matches RFC 7914 and OpenSSL's own implementation") {
    auto rfc = pbkdf2_hmac_sha256("passwd", "salt", 1); // RFC 7914 section 11, first 32 bytes
    CHECK(hex_of(rfc.data(), rfc.size()) == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
    std::string long_password(100, 'p'); // longer than a SHA-256 block: the key is hashed first
    for (const std::string& password : {std::string("pencil"), std::string(), long_password,
                                        std::string("caf\xc3\xa9 \x01\xff")}) {
      for (int iterations : {1, 2, 4096}) {
        std::string salt = "\x00QSXCR+Q6sek8bf92"; // binary, as SCRAM salts are
        auto ours = pbkdf2_hmac_sha256(password, salt, iterations);
        unsigned char theirs[32];
        REQUIRE(PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                                  reinterpret_cast<const unsigned char*>(salt.data()),
                                  static_cast<int>(salt.size()), iterations, EVP_sha256(), 32, theirs) == 1);
        CHECK(hex_of(ours.data(), 32) == hex_of(theirs, 32));
      }
    }
  }

  TEST_CASE("base64url uses - and _ and no padding") {
    CHECK(base64url("") == "");
    CHECK(base64url("f") == "Zg");
    CHECK(base64url("fo") == "Zm8");
    CHECK(base64url("foo") == "Zm9v");
    CHECK(base64url("foob") == "Zm9vYg");
    CHECK(base64url("\xfb\xff\xbf") == "-_-_");
  }
}
