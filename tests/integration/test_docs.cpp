// The command reference (docs/commands) against the binary: every command has its page, and
// every option `--help` shows is described on it, so the docs cannot fall behind the code.
#include "support.hpp"

#include <doctest/doctest.h>

#include <regex>
#include <set>
#include <sstream>

using namespace dbctl::test;

namespace {

// The long options of a --help text's Options: section (not --help itself).
std::set<std::string> long_options(const std::string& help) {
  std::string options = help.substr(help.find("Options:"));
  options = options.substr(0, options.find("\nSubcommands:"));
  options = options.substr(0, options.find("\nExit codes:"));
  std::set<std::string> out;
  std::istringstream in(options);
  std::regex flag(R"(^  (?:-\w,)?(--[a-z][a-z-]*))");
  for (std::string line; std::getline(in, line);) {
    std::smatch match;
    if (std::regex_search(line, match, flag) && match[1] != "--help") {
      out.insert(match[1]);
    }
  }
  return out;
}

// The commands `dbctl --help` lists.
std::vector<std::string> commands(const std::string& help) {
  std::vector<std::string> out;
  std::istringstream in(help.substr(help.find("Subcommands:")));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line) && line.rfind("  ", 0) == 0) {
    out.push_back(line.substr(2, line.find(' ', 2) - 2));
  }
  return out;
}

} // namespace

TEST_SUITE("integration: docs") {
  TEST_CASE("every command has a page that describes each of its options") {
    Result help = run_dbctl({"--help"});
    REQUIRE(help.exit_code == 0);
    std::vector<std::string> names = commands(help.out);
    CHECK(names.size() >= 13);
    std::string index = read(source_dir() / "docs/commands/README.md");
    for (const auto& name : names) {
      CAPTURE(name);
      std::filesystem::path page = source_dir() / "docs/commands" / (name + ".md");
      REQUIRE(std::filesystem::exists(page));
      CHECK(index.find("(" + name + ".md)") != std::string::npos);
      std::string text = read(page);
      CHECK(text.rfind("# dbctl " + name + "\n", 0) == 0);
      Result own = run_dbctl({name, "--help"});
      REQUIRE(own.exit_code == 0);
      for (const auto& option : long_options(own.out)) {
        CAPTURE(option);
        CHECK(text.find(option) != std::string::npos);
      }
    }
  }

  TEST_CASE("the global options page describes every global option and its variable") {
    Result help = run_dbctl({"--help"});
    std::string text = read(source_dir() / "docs/commands/global-options.md");
    std::set<std::string> options = long_options(help.out);
    CHECK(options.size() >= 14);
    for (const auto& option : options) {
      CAPTURE(option);
      if (option != "--version") {
        CHECK(text.find(option) != std::string::npos);
      }
    }
    std::regex variable(R"(Env:(\w+))");
    for (std::sregex_iterator it(help.out.begin(), help.out.end(), variable), end; it != end; ++it) {
      CAPTURE((*it)[1].str());
      CHECK(text.find((*it)[1].str()) != std::string::npos);
    }
  }

  TEST_CASE("each -o json definition a page names exists in the schema") {
    std::string schema = read(source_dir() / "docs/schemas/output.schema.json");
    for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "docs/commands")) {
      std::string text = read(entry.path());
      std::regex named(R"(the `(\w+)` definition)");
      for (std::sregex_iterator it(text.begin(), text.end(), named), end; it != end; ++it) {
        CAPTURE(entry.path().filename().string());
        CHECK(schema.find("\"" + (*it)[1].str() + "\": {") != std::string::npos);
      }
    }
  }
}
