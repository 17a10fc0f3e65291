// `dbctl graph`: every shipped topology draws (Graphviz renders the dot; the Mermaid text is
// well formed), README's picture is the shipped topology's, and --status colours live states.
#include "support.hpp"

#include <doctest/doctest.h>

#include <set>
#include <sstream>

using namespace dbctl::test;

namespace {

using Env = std::map<std::string, std::optional<std::string>>;

// The variables the shipped topologies read, PGHOST and friends unset so hosts are the defaults.
Env shipped_env() {
  Env env = shipped_topology_env();
  for (const char* name : {"PGHOST", "PGPORT", "MYSQL_HOST", "MYSQL_PORT", "DATABASE_SERVER_URL"}) {
    env[name] = std::nullopt;
  }
  return env;
}

std::vector<std::filesystem::path> every_topology() {
  std::vector<std::filesystem::path> files = shipped_topologies();
  for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "examples/alembic")) {
    if (entry.path().extension() == ".yaml") {
      files.push_back(entry.path());
    }
  }
  return files;
}

// Mermaid's flowchart grammar as dbctl writes it: a header, subgraph/end pairs, nodes declared
// with a quoted label before any edge names them, edges `a -->|"label"| b`, styles of declared
// nodes. Returns the problems found.
std::vector<std::string> mermaid_problems(const std::string& text) {
  std::vector<std::string> problems;
  std::istringstream lines(text);
  std::string line;
  std::getline(lines, line);
  if (line != "flowchart LR") {
    problems.push_back("first line: " + line);
  }
  std::set<std::string> declared;
  int depth = 0;
  auto quoted = [&](const std::string& label) {
    return label.size() >= 2 && label.front() == '"' && label.back() == '"' &&
           label.substr(1, label.size() - 2).find('"') == std::string::npos;
  };
  while (std::getline(lines, line)) {
    std::string item = line.substr(line.find_first_not_of(' '));
    std::string id = item.substr(0, item.find_first_of("[( "));
    if (item.rfind("subgraph ", 0) == 0) {
      ++depth;
      std::string rest = item.substr(9);
      std::size_t open = rest.find('[');
      if (open == std::string::npos || rest.back() != ']' || !quoted(rest.substr(open + 1, rest.size() - open - 2))) {
        problems.push_back("subgraph: " + line);
      }
      declared.insert(rest.substr(0, open));
    } else if (item == "end") {
      if (--depth < 0) {
        problems.push_back("end without subgraph");
      }
    } else if (item.find(" -->|") != std::string::npos) {
      std::string from = item.substr(0, item.find(' '));
      std::size_t bar = item.find('|');
      std::size_t close = item.find('|', bar + 1);
      std::string to = item.substr(close + 2);
      if (declared.count(from) == 0 || declared.count(to) == 0 || !quoted(item.substr(bar + 1, close - bar - 1))) {
        problems.push_back("edge: " + line);
      }
    } else if (item.rfind("style ", 0) == 0) {
      std::string node = item.substr(6, item.find(' ', 6) - 6);
      if (declared.count(node) == 0) {
        problems.push_back("style of an undeclared node: " + line);
      }
    } else {
      std::string shape = item.substr(id.size());
      bool box = shape.size() > 2 && shape.front() == '[' && shape.back() == ']' && quoted(shape.substr(1, shape.size() - 2));
      bool stadium = shape.size() > 4 && shape.rfind("([", 0) == 0 && shape.substr(shape.size() - 2) == "])" &&
                     quoted(shape.substr(2, shape.size() - 4));
      if (!box && !stadium) {
        problems.push_back("node: " + line);
      }
      declared.insert(id);
    }
  }
  if (depth != 0) {
    problems.push_back("unclosed subgraph");
  }
  return problems;
}

} // namespace

TEST_SUITE("graph") {
  TEST_CASE("every shipped topology draws - dot renders as SVG and the Mermaid text is well formed") {
    for (const auto& file : every_topology()) {
      CAPTURE(file);
      Result svg = run_dbctl({"-f", file.string(), "graph", "--format", "svg"}, {{}, shipped_env(), {}});
      INFO(svg.err);
      CHECK(svg.exit_code == 0);
      CHECK(svg.out.rfind("<?xml", 0) == 0);
      CHECK(svg.out.find("</svg>") != std::string::npos);
      Result mermaid = run_dbctl({"-f", file.string(), "graph", "--format", "mermaid", "--max-tenants", "2"},
                                 {{}, shipped_env(), {}});
      CHECK(mermaid.exit_code == 0);
      CHECK(mermaid_problems(mermaid.out) == std::vector<std::string>{});
    }
  }

  TEST_CASE("README's picture is the shipped topology's - regenerate it with cmake --build build --target topology-svg") {
    Result svg = run_dbctl({"-f", (source_dir() / "topology.yaml").string(), "graph", "--format", "svg"},
                           {{}, shipped_env(), {}});
    REQUIRE(svg.exit_code == 0);
    CHECK(svg.out == read(source_dir() / "docs/topology.svg"));
  }

  TEST_CASE("graph --status colours each target by its live state - offline it touches no server") {
    TestProject project("grs", "topology: {mode: multi-tenant, tenants: [a, b, c]}\nservices:\n  @P@svc: {}\n");
    project.write("migrations/@P@svc/V1__t.sql", "CREATE TABLE t (id int);\n");
    Result offline = project.dbctl({"graph"}, {{"DBCTL_TEST_PG_URL", "postgres://nobody@127.0.0.1:1/x"}});
    CHECK(offline.exit_code == 0);
    CHECK(offline.out.find(project.prefix + "svc[b]") != std::string::npos);
    REQUIRE(project.dbctl({"up", "--tenant", "a", "--tenant", "b"}).exit_code == 0);
    Result live = project.dbctl({"graph", "--status", "--format", "mermaid"});
    INFO(live.err);
    CHECK(live.exit_code == 0);
    CHECK(live.out.find(project.prefix + "svc[a]<br/>up-to-date") != std::string::npos);
    CHECK(live.out.find(project.prefix + "svc[c]<br/>missing") != std::string::npos);
    CHECK(live.out.find("fill:#b7e4b0") != std::string::npos);
    Result collapsed = project.dbctl({"graph", "--status", "--max-tenants", "2"});
    CHECK(collapsed.out.find(project.prefix + "svc x 3 tenants") != std::string::npos);
    CHECK(collapsed.out.find("\\nmissing") != std::string::npos); // the worst of the three
    CHECK(project.dbctl({"destroy", "--yes"}).exit_code == 0);
  }
}
