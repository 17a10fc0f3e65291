// The CI recipes (examples/ci) and the Dockerfile: linted, their topology valid, and the
// image's packages the ones the binary needs.
#include "support.hpp"

#include <doctest/doctest.h>

#include <set>
#include <sstream>

using namespace dbctl::test;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The block of a ConfigMap key written as `key: |`, without its indentation.
std::string literal_block(const std::string& text, const std::string& key) {
  std::istringstream in(text.substr(text.find(key + ": |")));
  std::string line;
  std::getline(in, line);
  std::string out;
  std::size_t indent = std::string::npos;
  while (std::getline(in, line)) {
    std::size_t first = line.find_first_not_of(' ');
    if (first == std::string::npos) {
      out += "\n";
      continue;
    }
    if (indent == std::string::npos) {
      indent = first;
    }
    if (first < indent) {
      break;
    }
    out += line.substr(indent) + "\n";
  }
  return out;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

} // namespace

TEST_SUITE("integration: recipes") {
  TEST_CASE("the CI recipes pass yamllint") {
    std::filesystem::path ci = source_dir() / "examples/ci";
    int linted = 0;
    for (const auto& entry : std::filesystem::directory_iterator(ci)) {
      std::string extension = entry.path().extension().string();
      if (extension != ".yml" && extension != ".yaml") {
        continue;
      }
      Result lint = run({"yamllint", "-c", (ci / ".yamllint").string(), entry.path().string()});
      INFO(entry.path().string() << "\n" << lint.out << lint.err);
      CHECK(lint.exit_code == 0);
      ++linted;
    }
    CHECK(linted == 3);
  }

  TEST_CASE("the Kubernetes recipe's topology validates with its secrets and migrations mounted") {
    TempDir dir;
    std::string text = literal_block(read(source_dir() / "examples/ci/kubernetes.yaml"), "topology.yaml");
    REQUIRE(has(text, "password_file: /secrets/pg-admin-password"));
    text = replace_all(text, "/secrets/", (dir.path() / "secrets").string() + "/");
    text = replace_all(text, "/migrations/", (dir.path() / "migrations").string() + "/");
    std::filesystem::path topology = dir.write("topology.yaml", text);
    dir.write("secrets/pg-admin-password", "admin-pw\n");
    dir.write("migrations/users/V1__a.sql", "SELECT 1;\n");
    dir.write("migrations/orders/V1__a.sql", "SELECT 1;\n");
    Result validate = run_dbctl({"-f", topology.string(), "validate"}, {{}, {{"DBCTL_SECRET", "s"}}, {}});
    INFO(validate.err);
    CHECK(validate.exit_code == 0);
  }

  TEST_CASE("the Dockerfile builds with setup's packages and runs with the libraries dbctl links") {
    std::string dockerfile = read(source_dir() / "Dockerfile");
    std::string setup = read(source_dir() / "scripts/setup");
    // Every build dependency scripts/setup installs, but the test framework's.
    std::istringstream words(setup.substr(setup.find("packages=("), setup.find(')', setup.find("packages=(")) -
                                                                          setup.find("packages=(")));
    std::string word;
    int dev = 0;
    while (words >> word) {
      bool library = word.rfind("lib", 0) == 0 || word.rfind("nlohmann", 0) == 0;
      if (library && word.size() > 4 && word.compare(word.size() - 4, 4, "-dev") == 0) {
        CHECK_MESSAGE(has(dockerfile, " " + word), word);
        ++dev;
      }
    }
    CHECK(dev >= 8);
    if (DBCTL_SANITIZED) {
      // The image builds without sanitizers; this binary needs libasan, libubsan and the
      // shared libraries the sanitized build keeps.
      MESSAGE("the runtime libraries are checked in the normal build only");
      return;
    }
    // The runtime stage: each library the binary names (readelf NEEDED) comes from a package it
    // installs, or from libc6, which debian:12-slim has.
    std::string runtime = dockerfile.substr(dockerfile.rfind("FROM "));
    Result needed = run({"readelf", "-d", DBCTL_BINARY});
    REQUIRE(needed.exit_code == 0);
    std::istringstream lines(needed.out);
    std::string line;
    std::set<std::string> packages;
    while (std::getline(lines, line)) {
      std::size_t open = line.find("Shared library: [");
      if (open == std::string::npos) {
        continue;
      }
      std::string library = line.substr(open + 17, line.find(']', open) - open - 17);
      Result where = run({"sh", "-c", "dpkg -S \"$(readlink -f \"$(ldconfig -p | awk -v l=" + library +
                                          " '$1 == l {print $NF; exit}')\")\" | cut -d: -f1"});
      INFO(library);
      REQUIRE(where.exit_code == 0);
      std::string package = where.out.substr(0, where.out.find('\n'));
      packages.insert(package);
      if (package != "libc6") {
        CHECK_MESSAGE(has(runtime, " " + package), std::string(library + " comes from " + package));
      }
    }
    CHECK(packages.count("libpq5") == 1);
    CHECK(packages.count("libmariadb3") == 1);
  }

  TEST_CASE("the bash completion loads and completes commands and each command's options") {
    std::string path = std::filesystem::path(DBCTL_BINARY).parent_path().string() + ":/usr/bin:/bin";
    std::string script = "source '" + (source_dir() / "completions/dbctl.bash").string() +
                         "' && complete -p dbctl && "
                         "COMP_WORDS=(dbctl ne) COMP_CWORD=1 && _dbctl && echo \"1: ${COMPREPLY[*]}\" && "
                         "COMP_WORDS=(dbctl -f t.yaml new-service x --no) COMP_CWORD=5 && _dbctl && "
                         "echo \"2: ${COMPREPLY[*]}\" && "
                         "COMP_WORDS=(dbctl env --format '') COMP_CWORD=3 && _dbctl && echo \"3: ${COMPREPLY[*]}\"";
    Result completed = run({"bash", "-c", script}, {{}, {{"PATH", path}}, {}});
    INFO(completed.err);
    REQUIRE(completed.exit_code == 0);
    CHECK(has(completed.out, "complete -o default -F _dbctl dbctl\n"));
    CHECK(has(completed.out, "1: new new-service\n"));
    CHECK(has(completed.out, "2: --no-app --no-color\n"));
    CHECK(has(completed.out, "3: dotenv shell json\n"));
  }
}
