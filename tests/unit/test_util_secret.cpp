#include "dbctl/util/secret.hpp"
#include "dbctl/util/text.hpp"

#include <doctest/doctest.h>

using dbctl::util::is_utf8;
using dbctl::util::mask_secrets;

TEST_SUITE("util::secret") {
  TEST_CASE("every occurrence of a secret is masked - the longest first") {
    CHECK(mask_secrets("pw=hunter2 again hunter2", {"hunter2"}) == "pw=*** again ***");
    CHECK(mask_secrets("abcdef and abc", {"abcdef", "abc"}) == "*** and ***");
    CHECK(mask_secrets("hunter2hunter2", {"hunter2"}) == "******");
  }

  TEST_CASE("a secret under four characters is masked only where it stands alone") {
    CHECK(mask_secrets("1 problem found in V2__loop.sql", {"p"}) == "1 problem found in V2__loop.sql");
    CHECK(mask_secrets("postgres://u:p@host password=p p", {"p"}) == "postgres://u:***@host password=*** ***");
    CHECK(mask_secrets("x$1 and a$1b", {"$1"}) == "x*** and a$1b"); // "1b" runs on past it
  }
}

TEST_SUITE("util::text") {
  TEST_CASE("is_utf8 accepts well-formed UTF-8 only") {
    CHECK(is_utf8("plain ascii"));
    CHECK(is_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
    CHECK_FALSE(is_utf8("caf\xe9"));            // Latin-1
    CHECK_FALSE(is_utf8("\xc0\xaf"));          // overlong '/'
    CHECK_FALSE(is_utf8("\xed\xa0\x80"));      // a surrogate
    CHECK_FALSE(is_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
    CHECK_FALSE(is_utf8("\xe2\x82"));          // cut short
  }
}
