#include "helpers.hpp"

#include "dbctl/util/error.hpp"

using dbctl::targets::Target;
using dbctl::unit::load;
using dbctl::topology::Privilege;

namespace {

std::string head(const std::string& engine) {
  return "version: 1\nname: shop\nservers:\n  s: {engine: " + engine + "}\n";
}

const std::string k_two_services = "services:\n"
                                   "  users: {migrations: none}\n"
                                   "  orders: {migrations: none}\n";

std::string placement(const Target& t) {
  return t.key() + " " + t.database + "/" + t.schema.value_or("-") + " owner=" + t.owner.name +
         " app=" + (t.app ? t.app->name : "-");
}

std::vector<std::string> placements(const std::vector<Target>& targets) {
  std::vector<std::string> out;
  for (const auto& t : targets) {
    out.push_back(placement(t));
  }
  return out;
}

} // namespace

TEST_SUITE("targets::expand") {
  TEST_CASE("shared on PostgreSQL: one database named after the project - a schema per service") {
    auto loaded = load(head("postgres") + "topology: {mode: shared}\n" + k_two_services);
    REQUIRE(loaded->problems.empty());
    CHECK(placements(loaded->targets) ==
          std::vector<std::string>{"users@s shop/users owner=users app=-",
                                   "orders@s shop/orders owner=orders app=-"});
  }

  TEST_CASE("shared on PostgreSQL honours topology.database") {
    auto loaded = load(head("postgres") + "topology: {mode: shared, database: main}\n" +
                       k_two_services);
    REQUIRE(loaded->problems.empty());
    CHECK(loaded->targets.at(1).database == "main");
  }

  TEST_CASE("shared on MySQL: every service in one database - no schema") {
    auto loaded = load(head("mysql") + "topology: {mode: shared}\n" + k_two_services);
    REQUIRE(loaded->problems.empty());
    CHECK(placements(loaded->targets) ==
          std::vector<std::string>{"users@s shop/- owner=users app=-",
                                   "orders@s shop/- owner=orders app=-"});
  }

  TEST_CASE("db-per-service on PostgreSQL: a database per service - schema public") {
    auto loaded = load(head("postgres") + "topology: {mode: db-per-service}\n" + k_two_services);
    REQUIRE(loaded->problems.empty());
    CHECK(placements(loaded->targets) ==
          std::vector<std::string>{"users@s users/public owner=users app=-",
                                   "orders@s orders/public owner=orders app=-"});
  }

  TEST_CASE("db-per-service on MySQL: a database per service") {
    auto loaded = load(head("mysql") + "topology: {mode: db-per-service}\n" + k_two_services);
    REQUIRE(loaded->problems.empty());
    CHECK(placements(loaded->targets) ==
          std::vector<std::string>{"users@s users/- owner=users app=-",
                                   "orders@s orders/- owner=orders app=-"});
  }

  TEST_CASE("multi-tenant database tenancy: {service}_{tenant} databases and owners") {
    for (std::string engine : {"postgres", "mysql"}) {
      CAPTURE(engine);
      auto loaded = load(head(engine) + "topology: {mode: multi-tenant, tenants: [acme, globex]}\n" +
                         "services:\n  users: {migrations: none}\n");
      REQUIRE(loaded->problems.empty());
      std::string schema = engine == "postgres" ? "public" : "-";
      CHECK(placements(loaded->targets) ==
            std::vector<std::string>{"users[acme]@s users_acme/" + schema + " owner=users_acme app=-",
                                     "users[globex]@s users_globex/" + schema +
                                         " owner=users_globex app=-"});
    }
  }

  TEST_CASE("multi-tenant schema tenancy: the service's database - a schema per tenant") {
    auto loaded = load(head("postgres") +
                       "topology: {mode: multi-tenant, tenancy: schema, tenants: [acme, globex]}\n"
                       "services:\n  users: {migrations: none}\n");
    REQUIRE(loaded->problems.empty());
    CHECK(placements(loaded->targets) ==
          std::vector<std::string>{"users[acme]@s users/acme owner=users_acme app=-",
                                   "users[globex]@s users/globex owner=users_globex app=-"});
  }

  TEST_CASE("a service with tenanted: false expands once - as in db-per-service") {
    auto loaded = load(head("postgres") +
                       "topology: {mode: multi-tenant, tenants: [acme]}\n"
                       "naming: {database: \"{service}_{tenant}_db\"}\n"
                       "services:\n  users: {migrations: none}\n"
                       "  catalog: {migrations: none, tenanted: false}\n");
    REQUIRE(loaded->problems.empty());
    CHECK(placements(loaded->targets) ==
          std::vector<std::string>{"users[acme]@s users_acme_db/public owner=users_acme app=-",
                                   "catalog@s catalog/public owner=catalog app=-"});
  }

  TEST_CASE("an explicit owner without {tenant} owns every tenant's schema") {
    auto loaded = load(head("postgres") +
                       "topology: {mode: multi-tenant, tenancy: schema, tenants: [a, b]}\n"
                       "services:\n  users: {migrations: none, owner: {name: users_svc, password: x}}\n");
    REQUIRE(loaded->problems.empty());
    CHECK(loaded->targets.at(0).owner.name == "users_svc");
    CHECK(loaded->targets.at(1).owner.name == "users_svc");
  }

  TEST_CASE("naming.app gives every service an app role - tenant copies get their own") {
    auto single = load(head("postgres") + "topology: {mode: db-per-service}\n"
                                          "naming: {app: \"{service}_rw\"}\n" + k_two_services);
    REQUIRE(single->problems.empty());
    CHECK(single->targets.at(0).app->name == "users_rw");
    auto tenants = load(head("postgres") + "topology: {mode: multi-tenant, tenants: [acme]}\n"
                                           "services:\n  users: {migrations: none, app: true}\n");
    REQUIRE(tenants->problems.empty());
    CHECK(tenants->targets.at(0).app->name == "users_acme_app");
  }

  TEST_CASE("the {name} placeholder is the project name") {
    auto loaded = load(head("postgres") + "topology: {mode: db-per-service}\n"
                                          "naming: {database: \"{name}_{service}\"}\n" +
                       k_two_services);
    REQUIRE(loaded->problems.empty());
    CHECK(loaded->targets.at(0).database == "shop_users");
  }

  TEST_CASE("a tenant placed on a server lands there - others use the service's server") {
    auto loaded = load("version: 1\nname: shop\nservers:\n"
                       "  pg: {engine: postgres}\n  pg-eu: {engine: postgres}\n"
                       "topology: {mode: multi-tenant, tenants: [acme, \"globex pg-eu\"]}\n"
                       "services:\n  users: {server: pg, migrations: none}\n");
    REQUIRE(loaded->problems.empty());
    CHECK(loaded->targets.at(0).server->name == "pg");
    CHECK(loaded->targets.at(1).server->name == "pg-eu");
  }

  TEST_CASE("a tenant shard of another engine than the service's server is refused") {
    auto loaded = load("version: 1\nname: shop\nservers:\n"
                       "  pg: {engine: postgres}\n  my: {engine: mysql}\n"
                       "topology: {mode: multi-tenant, tenants: [\"acme my\"]}\n"
                       "services:\n  users: {server: pg, migrations: none}\n");
    CHECK(loaded->problems == std::vector<std::string>{
                                  "6:42: tenant 'acme' is placed on mysql server 'my', but "
                                  "service 'users' runs on postgres"});
  }

  TEST_CASE("passwords: explicit - derived from the secret - or none") {
    auto loaded = load(head("postgres") + "topology: {mode: db-per-service}\n"
                                          "passwords: {derive_from: k}\n"
                                          "services:\n"
                                          "  users: {migrations: none, owner: {password: pw}}\n"
                                          "  orders: {migrations: none}\n");
    REQUIRE(loaded->problems.empty());
    CHECK(loaded->targets.at(0).owner.password->reveal() == "pw");
    CHECK(loaded->targets.at(1).owner.password->reveal() ==
          dbctl::targets::derive_password(dbctl::util::Secret("k"), "orders").reveal());
    auto plain = load(head("postgres") + "topology: {mode: db-per-service}\n" + k_two_services);
    CHECK_FALSE(plain->targets.at(0).owner.password.has_value());
  }

  TEST_CASE("a derived password is stable - url-safe and differs per role") {
    auto a = dbctl::targets::derive_password(dbctl::util::Secret("secret"), "users");
    CHECK(a == dbctl::targets::derive_password(dbctl::util::Secret("secret"), "users"));
    CHECK(a != dbctl::targets::derive_password(dbctl::util::Secret("secret"), "orders"));
    CHECK(a.reveal().size() == 43);
    CHECK(a.reveal().find_first_not_of(
              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
          std::string::npos);
  }

  TEST_CASE("two targets in one database and schema are refused") {
    auto loaded = load(head("postgres") + "topology: {mode: db-per-service}\n"
                                          "services:\n  users: {migrations: none, database: main}\n"
                                          "  orders: {migrations: none, database: main}\n");
    CHECK(loaded->problems == std::vector<std::string>{
                                  "8:3: users and orders both land in database 'main' schema "
                                  "'public' on server 's'; give each its own "
                                  "(services.<name>.database or naming)"});
  }

  TEST_CASE("a template that ignores the tenant puts every tenant in one database") {
    auto loaded = load(head("postgres") +
                       "topology: {mode: multi-tenant, tenants: [a, b, c]}\n"
                       "services:\n  users: {migrations: none, database: users_db}\n");
    CHECK(loaded->problems == std::vector<std::string>{
                                  "7:3: users[a] and users[b] both land in database 'users_db' "
                                  "schema 'public' on server 's'; give each its own "
                                  "(services.<name>.database or naming)"});
  }

  TEST_CASE("names invalid after expansion are refused at the template") {
    auto loaded = load(head("postgres") + "topology: {mode: db-per-service}\n"
                                          "naming: {owner: \"{service}-owner\"}\n"
                                          "services:\n  users: {migrations: none}\n");
    CHECK(loaded->problems == std::vector<std::string>{
                                  "6:17: naming.owner gives 'users-owner' for users, which is "
                                  "not a valid name (letters, digits and _, starting with a "
                                  "letter or _, at most 63 characters)"});
  }

  TEST_CASE("a name used as owner of one service and app of another is refused") {
    auto loaded = load(head("postgres") + "topology: {mode: db-per-service}\n"
                                          "services:\n  users: {migrations: none, app: orders}\n"
                                          "  orders: {migrations: none}\n");
    CHECK(loaded->problems == std::vector<std::string>{
                                  "8:3: role 'orders' on server 's' is the app role of users "
                                  "and the owner of orders; give them different names"});
  }

  TEST_CASE("one role given two passwords is refused without showing them") {
    auto loaded = load(head("postgres") + "topology: {mode: db-per-service}\n"
                                          "services:\n"
                                          "  users: {migrations: none, owner: {name: svc, password: one}}\n"
                                          "  orders: {migrations: none, owner: {name: svc, password: two}}\n");
    CHECK(loaded->problems == std::vector<std::string>{
                                  "8:3: role 'svc' on server 's' is given two different "
                                  "passwords (by users and by orders)"});
  }

  TEST_CASE("an app role named like its owner is refused") {
    auto loaded = load(head("postgres") + "topology: {mode: db-per-service}\n"
                                          "services:\n  users: {migrations: none, app: users}\n");
    CHECK(loaded->problems == std::vector<std::string>{
                                  "7:3: users: the app role and the owner are both 'users'; the "
                                  "app role must be a separate role"});
  }

  TEST_CASE("extra roles attach to the services they name - strongest privilege winning") {
    auto loaded = load(head("postgres") + "topology: {mode: db-per-service}\n" + k_two_services +
                       "roles:\n  bi:\n    grants:\n"
                       "      - {services: \"*\", privileges: read}\n"
                       "      - {services: [orders], privileges: all}\n");
    REQUIRE(loaded->problems.empty());
    REQUIRE(loaded->targets.at(0).grants.size() == 1);
    CHECK(loaded->targets.at(0).grants[0].privilege == Privilege::read);
    REQUIRE(loaded->targets.at(1).grants.size() == 1);
    CHECK(loaded->targets.at(1).grants[0].role.name == "bi");
    CHECK(loaded->targets.at(1).grants[0].privilege == Privilege::all);
  }
}

TEST_SUITE("targets::select") {
  TEST_CASE("filters combine: service - tenant and server") {
    auto loaded = load("version: 1\nname: shop\nservers:\n"
                       "  pg: {engine: postgres}\n  pg-eu: {engine: postgres}\n"
                       "topology: {mode: multi-tenant, tenants: [acme, \"globex pg-eu\"]}\n"
                       "services:\n  users: {server: pg, migrations: none}\n"
                       "  orders: {server: pg, migrations: none}\n"
                       "  catalog: {server: pg, migrations: none, tenanted: false}\n");
    REQUIRE(loaded->problems.empty());
    REQUIRE(loaded->targets.size() == 5);
    using dbctl::targets::select;
    CHECK(placements(select(loaded->targets, {{"users"}, {}, {}}, loaded->topology)).size() == 2);
    auto acme = select(loaded->targets, {{}, {"acme"}, {}}, loaded->topology);
    CHECK(placements(acme) == std::vector<std::string>{
                                  "users[acme]@pg users_acme/public owner=users_acme app=-",
                                  "orders[acme]@pg orders_acme/public owner=orders_acme app=-"});
    auto eu = select(loaded->targets, {{}, {}, {"pg-eu"}}, loaded->topology);
    CHECK(eu.size() == 2);
    CHECK(select(loaded->targets, {{"users"}, {"globex"}, {"pg"}}, loaded->topology).empty());
  }

  TEST_CASE("unknown names are usage errors with a suggestion") {
    auto loaded = load(dbctl::unit::k_pg_head + "topology: {mode: db-per-service}\n" + k_two_services);
    REQUIRE(loaded->problems.empty());
    using dbctl::targets::select;
    CHECK_THROWS_WITH_AS(select(loaded->targets, {{"user"}, {}, {}}, loaded->topology),
                         "--service user: the topology has no service of that name (did you "
                         "mean 'users'?)",
                         dbctl::UsageError);
    CHECK_THROWS_WITH_AS(select(loaded->targets, {{}, {}, {"nope"}}, loaded->topology),
                         "--server nope: the topology has no server of that name",
                         dbctl::UsageError);
    CHECK_THROWS_WITH_AS(select(loaded->targets, {{}, {"acme"}, {}}, loaded->topology),
                         "--tenant applies to multi-tenant topologies only", dbctl::UsageError);
  }
}
