// The schema model: serialization, fingerprints, differences named, DDL in dependency order;
// and the comparisons status --schema makes with it (a target against its record, a fleet).
#include "dbctl/engine/schema.hpp"
#include "dbctl/ops/schema.hpp"
#include "dbctl/util/error.hpp"
#include "fake_driver.hpp"

#include <doctest/doctest.h>

using dbctl::engine::ObjectKind;
using dbctl::engine::SchemaModel;
using dbctl::engine::SchemaObject;

namespace {

SchemaModel orders() {
  SchemaModel model;
  model.objects = {
      {ObjectKind::table, "", "orders", "", "orders", false},
      {ObjectKind::column, "orders", "id", "id bigint NOT NULL", "", true},
      {ObjectKind::column, "orders", "created_at", "created_at timestamp with time zone", "", true},
      {ObjectKind::constraint, "orders", "orders_pkey", "ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id)", "", false},
      {ObjectKind::index, "orders", "orders_created_at", "CREATE INDEX orders_created_at ON orders USING btree (created_at)", "", false},
      {ObjectKind::view, "", "recent", "CREATE VIEW recent AS\n SELECT id FROM latest", "recent", false},
      {ObjectKind::view, "", "latest", "CREATE VIEW latest AS\n SELECT id FROM orders", "latest", false},
  };
  return model;
}

dbctl::targets::Target target_of(const std::string& service, const std::string& tenant) {
  dbctl::targets::Target target;
  target.service = service;
  target.tenant = tenant;
  return target;
}

} // namespace

TEST_SUITE("engine::schema") {
  TEST_CASE("a model read back from its text is the same model with the same fingerprint") {
    SchemaModel model = orders();
    model.objects[1].definition = "id text DEFAULT 'a\tb\\nc'\nNOT NULL"; // tabs, newlines, backslashes
    SchemaModel again = dbctl::engine::parse_schema(dbctl::engine::serialize(model));
    REQUIRE(again.objects.size() == model.objects.size());
    CHECK(again.objects[1].definition == model.objects[1].definition);
    CHECK(again.objects[0].quoted == "orders");
    CHECK(again.objects[1].inside_table);
    CHECK(dbctl::engine::fingerprint(again) == dbctl::engine::fingerprint(model));
    CHECK(dbctl::engine::fingerprint(model).size() == 64);
  }

  TEST_CASE("text dbctl did not write is refused") {
    REQUIRE_THROWS_WITH(dbctl::engine::parse_schema("table\torders\n"),
                        "a recorded schema line is not one dbctl wrote: table\torders");
  }

  TEST_CASE("the differences name each object missing added or changed") {
    SchemaModel live = orders();
    live.objects.erase(live.objects.begin() + 4);                          // the index dropped
    live.objects[2].definition = "created_at timestamp without time zone"; // a column altered
    live.objects.push_back({ObjectKind::column, "orders", "note", "note text", "", true});
    auto diff = dbctl::engine::diff(orders(), live);
    CHECK(dbctl::engine::describe(diff) ==
          "index orders.orders_created_at missing, column orders.note added, column orders.created_at changed");
    CHECK(dbctl::engine::describe(diff, 1) == "index orders.orders_created_at missing and 2 more");
    CHECK(dbctl::engine::diff(orders(), orders()).empty());
  }

  TEST_CASE("columns that only moved are a change of column order") {
    SchemaModel moved = orders();
    std::swap(moved.objects[1], moved.objects[2]);
    CHECK(dbctl::engine::describe(dbctl::engine::diff(orders(), moved)) == "column order changed");
    CHECK(dbctl::engine::fingerprint(moved) != dbctl::engine::fingerprint(orders()));
  }

  TEST_CASE("DDL creates tables with their columns then constraints indexes and views after the views they name") {
    SchemaModel model = orders();
    model.preamble = "SET x = 1;\n\n";
    CHECK(dbctl::engine::render_ddl(model) ==
          "SET x = 1;\n\n"
          "CREATE TABLE orders (\n  id bigint NOT NULL,\n  created_at timestamp with time zone\n);\n\n"
          "ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id);\n\n"
          "CREATE INDEX orders_created_at ON orders USING btree (created_at);\n\n"
          "CREATE VIEW latest AS\n SELECT id FROM orders;\n\n"
          "CREATE VIEW recent AS\n SELECT id FROM latest;\n\n");
  }
}

TEST_SUITE("ops::schema") {
  TEST_CASE("a schema that differs from the record of its version is drift naming the objects") {
    SchemaModel live = orders();
    live.objects.erase(live.objects.begin() + 4);
    dbctl::engine::SchemaRecord record{"orders", "3", dbctl::engine::fingerprint(orders()), orders(), ""};
    auto check = dbctl::ops::check_record(target_of("orders", "acme"), std::string("3"), live, dbctl::engine::fingerprint(live), record);
    CHECK(check.drift);
    REQUIRE(check.issues.size() == 1);
    CHECK(check.issues[0] == "schema differs from the one recorded after orders 3: index orders.orders_created_at missing");

    auto same = dbctl::ops::check_record(target_of("orders", "acme"), std::string("3"), orders(), dbctl::engine::fingerprint(orders()), record);
    CHECK_FALSE(same.drift);
    CHECK(same.issues.empty());
  }

  TEST_CASE("no record or a record of another version is said but is not drift") {
    SchemaModel live = orders();
    live.objects.pop_back();
    auto none = dbctl::ops::check_record(target_of("orders", "acme"), std::string("3"), live, dbctl::engine::fingerprint(live), std::nullopt);
    CHECK_FALSE(none.drift);
    REQUIRE(none.issues.size() == 1);
    CHECK(none.issues[0].rfind("no schema recorded yet", 0) == 0);

    dbctl::engine::SchemaRecord old{"orders", "2", dbctl::engine::fingerprint(orders()), orders(), ""};
    auto stale = dbctl::ops::check_record(target_of("orders", "acme"), std::string("3"), live, dbctl::engine::fingerprint(live), old);
    CHECK_FALSE(stale.drift);
    REQUIRE(stale.issues.size() == 1);
    CHECK(stale.issues[0].rfind("schema recorded at orders 2, not at the current version", 0) == 0);

    // Another service sharing the schema recorded last: its record describes the whole schema.
    dbctl::engine::SchemaRecord shared{"users", "7", dbctl::engine::fingerprint(orders()), orders(), ""};
    CHECK(dbctl::ops::check_record(target_of("orders", "acme"), std::string("3"), live, dbctl::engine::fingerprint(live), shared).drift);
  }

  TEST_CASE("the fleet names the targets that differ from the most common schema of their service and version") {
    SchemaModel usual = orders();
    SchemaModel dropped = orders();
    dropped.objects.erase(dropped.objects.begin() + 4);
    dbctl::ops::SchemaModels models;
    models.keep(dbctl::engine::fingerprint(usual), usual);
    models.keep(dbctl::engine::fingerprint(dropped), dropped);
    std::vector<dbctl::targets::Target> targets{target_of("orders", "a"), target_of("orders", "b"),
                                                target_of("orders", "c"), target_of("orders", "d"),
                                                target_of("users", "a")};
    std::vector<dbctl::ops::FleetMember> members;
    std::vector<dbctl::ops::SchemaCheck> checks(targets.size());
    std::vector<dbctl::ops::SchemaCheck*> pointers;
    for (std::size_t i = 0; i < targets.size(); ++i) {
      bool odd = i == 2 || i == 4; // users has one target: nothing to compare it with
      members.push_back({&targets[i], std::string("3"), dbctl::engine::fingerprint(odd ? dropped : usual)});
      pointers.push_back(&checks[i]);
    }
    dbctl::ops::compare_fleet(members, models, pointers);
    CHECK_FALSE(checks[0].drift);
    CHECK_FALSE(checks[4].drift);
    REQUIRE(checks[2].drift);
    CHECK(checks[2].issues ==
          std::vector<std::string>{"differs from 3 others of orders at 3: index orders.orders_created_at missing"});
  }

  TEST_CASE("a fleet split evenly has no odd one out") {
    SchemaModel other = orders();
    other.objects.pop_back();
    dbctl::ops::SchemaModels models;
    models.keep(dbctl::engine::fingerprint(orders()), orders());
    models.keep(dbctl::engine::fingerprint(other), other);
    std::vector<dbctl::targets::Target> targets{target_of("orders", "a"), target_of("orders", "b"),
                                                target_of("orders", "c"), target_of("orders", "d")};
    std::vector<dbctl::ops::FleetMember> members;
    std::vector<dbctl::ops::SchemaCheck> checks(targets.size());
    std::vector<dbctl::ops::SchemaCheck*> pointers;
    for (std::size_t i = 0; i < targets.size(); ++i) {
      members.push_back({&targets[i], std::string("3"), dbctl::engine::fingerprint(i % 2 == 0 ? orders() : other)});
      pointers.push_back(&checks[i]);
    }
    dbctl::ops::compare_fleet(members, models, pointers);
    for (const auto& check : checks) {
      CHECK_FALSE(check.drift);
    }
  }

  TEST_CASE("a live token equal to the record's stands for the recorded schema - no definition is read") {
    auto target = std::make_shared<dbctl::unit::FakeTarget>();
    target->schema = orders();
    target->token = "pg1:aaaa";
    target->records.push_back({"orders", "3", dbctl::engine::fingerprint(orders()), orders(), "pg1:aaaa"});
    dbctl::ops::SchemaModels models;
    dbctl::unit::FakeTargetSession first(true, target);
    auto check = dbctl::ops::check_schema(first, target_of("orders", "a"), std::string("3"), target->token, models);
    CHECK_FALSE(check.drift);
    CHECK(check.sha256 == dbctl::engine::fingerprint(orders()));
    // The first target of a fingerprint reads the record's model for the fleet; the next does not.
    CHECK(first.calls == std::vector<std::string>{"read_schema_record_header", "read_schema_record"});
    REQUIRE(models.has(check.sha256));
    CHECK(dbctl::engine::fingerprint(models.at(check.sha256)) == check.sha256);
    dbctl::unit::FakeTargetSession second(true, target);
    dbctl::ops::check_schema(second, target_of("orders", "b"), std::string("3"), target->token, models);
    CHECK(second.calls == std::vector<std::string>{"read_schema_record_header"});
    // Without the fingerprint's model kept, the record's header alone proves nothing yet.
    dbctl::ops::SchemaModels none;
    CHECK_FALSE(dbctl::ops::trusted_check(target_of("orders", "c"), std::string("3"), target->token,
                                          target->records.back(), none));
    CHECK(dbctl::ops::trusted_check(target_of("orders", "c"), std::string("3"), target->token,
                                    target->records.back(), models));
  }

  TEST_CASE("a token that moved or none at all reads the live schema and names what differs") {
    auto target = std::make_shared<dbctl::unit::FakeTarget>();
    target->schema = orders();
    target->schema.objects.erase(target->schema.objects.begin() + 4);
    target->token = "pg1:bbbb";
    target->records.push_back({"orders", "3", dbctl::engine::fingerprint(orders()), orders(), "pg1:aaaa"});
    dbctl::ops::SchemaModels models;
    dbctl::unit::FakeTargetSession moved(true, target);
    auto check = dbctl::ops::check_schema(moved, target_of("orders", "a"), std::string("3"), target->token, models);
    CHECK(check.drift);
    CHECK(check.issues ==
          std::vector<std::string>{"schema differs from the one recorded after orders 3: index orders.orders_created_at missing"});
    CHECK(moved.calls == std::vector<std::string>{"read_schema_record_header", "read_schema", "read_schema_record"});
    CHECK(models.has(check.sha256));

    // An engine without tokens (MySQL): the record's model is read when the fingerprints differ.
    target->token.clear();
    target->records.back().token.clear();
    dbctl::unit::FakeTargetSession none(false, target);
    CHECK(dbctl::ops::check_schema(none, target_of("orders", "a"), std::string("3"), "", models).drift);
    CHECK(none.calls == std::vector<std::string>{"read_schema_record_header", "read_schema", "read_schema_record"});
  }
}
