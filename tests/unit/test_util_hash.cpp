#include "dbctl/util/hash.hpp"

#include <doctest/doctest.h>

using namespace dbctl::util;

TEST_SUITE("util::hash") {
  TEST_CASE("SHA-256 matches the FIPS 180-2 test vectors") {
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  TEST_CASE("HMAC-SHA256 matches RFC 4231 test case 2") {
    std::string mac = hmac_sha256("Jefe", "what do ya want for nothing?");
    REQUIRE(mac.size() == 32);
    std::string hex;
    for (unsigned char c : mac) {
      static const char digits[] = "0123456789abcdef";
      hex += digits[c >> 4];
      hex += digits[c & 15];
    }
    CHECK(hex == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
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
