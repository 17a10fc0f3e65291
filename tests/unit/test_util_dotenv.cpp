#include "helpers.hpp"

#include "dbctl/util/dotenv.hpp"

using dbctl::util::parse_dotenv;

namespace {

std::vector<std::string> errors_of(const dbctl::util::Dotenv& parsed) {
  std::vector<std::string> out;
  for (const auto& d : parsed.diagnostics.errors()) {
    out.push_back(dbctl::util::to_string(d));
  }
  return out;
}

} // namespace

TEST_SUITE("util::dotenv") {
  TEST_CASE("dotenv lines: bare - quoted - export - comments - CRLF - multi-line double quotes") {
    auto parsed = parse_dotenv("# a comment\n"
                               "\n"
                               "PGHOST=db.internal   # trailing comment\n"
                               "export DBCTL_SECRET = s3cr#t\n"
                               "SINGLE='it''s $HOME \\n'\n"
                               "DOUBLE=\"a \\\"b\\\" \\\\ \\$x\\nnext\"\r\n"
                               "MULTI=\"line 1\nline 2\"\n"
                               "EMPTY=\n"
                               "URL=postgres://u:p@h/db?sslmode=require\n",
                               ".env");
    CHECK(errors_of(parsed) == std::vector<std::string>{".env:5:12: SINGLE: unexpected text after the closing quote"});
    CHECK(parsed.variables == std::vector<std::pair<std::string, std::string>>{
                                  {"PGHOST", "db.internal"},
                                  {"DBCTL_SECRET", "s3cr#t"},
                                  {"DOUBLE", "a \"b\" \\ $x\nnext"},
                                  {"MULTI", "line 1\nline 2"},
                                  {"EMPTY", ""},
                                  {"URL", "postgres://u:p@h/db?sslmode=require"}});
  }

  TEST_CASE("dotenv problems name the file - line and column - never the value") {
    auto parsed = parse_dotenv("OK=1\nno equals here\n1BAD=x\nA-B=y\nQ=\"never closed secret\n", "vars.env");
    CHECK(errors_of(parsed) == std::vector<std::string>{
                                   "vars.env:2:1: expected KEY=VALUE (a variable assignment)",
                                   "vars.env:3:1: '1BAD' is not a variable name (letters, digits and _)",
                                   "vars.env:4:1: 'A-B' is not a variable name (letters, digits and _)",
                                   "vars.env:5:3: Q: the quoted value is never closed"});
    CHECK(parsed.variables.size() == 1);
  }
}
