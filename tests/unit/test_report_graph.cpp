// The topology as a picture: what is drawn, what is collapsed, how states and roles show.
#include "helpers.hpp"

#include "dbctl/report/graph.hpp"

using dbctl::unit::k_pg_head;
using dbctl::unit::load;

namespace {

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++n;
  }
  return n;
}

std::string tenants(int n) {
  std::string out = "[";
  for (int i = 1; i <= n; ++i) {
    out += (i > 1 ? ", t" : "t") + std::to_string(i);
  }
  return out + "]";
}

} // namespace

TEST_SUITE("report::graph") {
  TEST_CASE("each target in its database box with its owner - app and extra roles") {
    auto loaded = load(k_pg_head + "topology: {mode: db-per-service}\nnaming: {app: \"{service}_app\"}\n"
                                   "services:\n  users: {migrations: none}\n  orders: {migrations: none}\n"
                                   "roles:\n  reporting: {grants: [{services: \"*\", privileges: read}]}\n");
    REQUIRE(loaded->problems.empty());
    dbctl::report::GraphInput input;
    input.targets = &loaded->targets;
    std::string dot = dbctl::report::graph_dot(input);
    CHECK(dot.find("label=\"pg (postgres 127.0.0.1:5432)\"") != std::string::npos);
    CHECK(dot.find("label=\"database users\"") != std::string::npos);
    CHECK(count(dot, "[label=\"owns\"]") == 2);
    CHECK(count(dot, "[label=\"DML\"]") == 2);
    CHECK(count(dot, "[label=\"read\"]") == 2);
    CHECK(count(dot, "reporting\\nextra role") == 1); // one node for both edges
    CHECK(dbctl::report::graph_dot(input) == dot);     // deterministic
  }

  TEST_CASE("a service's tenants beyond max_tenants are one node - coloured by the worst state") {
    auto loaded = load(k_pg_head + "topology: {mode: multi-tenant, tenants: " + tenants(10) + "}\n"
                                   "services:\n  orders: {migrations: none}\n");
    REQUIRE(loaded->problems.empty());
    dbctl::report::GraphInput input;
    input.targets = &loaded->targets;
    input.states.assign(10, "up-to-date");
    input.states[6] = "failed";
    input.states[2] = "pending";
    std::string mermaid = dbctl::report::graph_mermaid(input);
    CHECK(mermaid.find("[\"10 databases, one per tenant\"]") != std::string::npos);
    CHECK(mermaid.find("orders x 10 tenants<br/>e.g. orders_t1<br/>failed") != std::string::npos);
    CHECK(count(mermaid, "owner (one per tenant)") == 1);
    CHECK(count(mermaid, "-->|\"owns\"|") == 1);
    CHECK(mermaid.find("fill:#f4a3a3") != std::string::npos);
    input.max_tenants = 10; // now each tenant is drawn
    std::string each = dbctl::report::graph_mermaid(input);
    CHECK(count(each, "-->|\"owns\"|") == 10);
    CHECK(each.find("orders[t7]<br/>failed") != std::string::npos);
  }

  TEST_CASE("schema tenants collapse into the shared database - labels are escaped") {
    auto loaded = load(k_pg_head + "topology: {mode: multi-tenant, tenancy: schema, tenants: " + tenants(9) + "}\n"
                                   "services:\n  crm: {migrations: none}\n");
    REQUIRE(loaded->problems.empty());
    dbctl::report::GraphInput input;
    input.targets = &loaded->targets;
    std::string dot = dbctl::report::graph_dot(input);
    CHECK(dot.find("label=\"database crm\"") != std::string::npos);
    CHECK(dot.find("crm x 9 tenants\\na schema each") != std::string::npos);
    input.max_tenants = 9;
    CHECK(dbctl::report::graph_dot(input).find("crm[t9]\\nschema t9") != std::string::npos);
  }
}
