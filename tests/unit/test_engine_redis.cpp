// Redis: the topology's redis: placements, what expansion makes of them, RESP2 and how a live
// ACL user is compared with its spec. No server.
#include "engine/redis/driver.hpp"
#include "engine/redis/resp.hpp"
#include "helpers.hpp"

#include "dbctl/engine/error.hpp"
#include "dbctl/provision/provision.hpp"
#include "dbctl/targets/url.hpp"
#include "dbctl/util/hash.hpp"

using namespace dbctl;
using dbctl::unit::load;

namespace {

const std::string k_head = "version: 1\nname: shop\nservers:\n  pg: {engine: postgres}\n"
                           "  cache: {url: \"redis://:adminpw@10.0.0.5\"}\n";

engine::redis::Reply bulk(const std::string& text) {
  engine::redis::Reply out;
  out.type = engine::redis::Reply::Type::bulk;
  out.text = text;
  return out;
}

engine::redis::Reply array(std::vector<engine::redis::Reply> items) {
  engine::redis::Reply out;
  out.type = engine::redis::Reply::Type::array;
  out.items = std::move(items);
  return out;
}

// ACL GETUSER's reply for a user as dbctl writes it.
engine::redis::Reply getuser(const std::string& password, const std::string& keys, const std::string& commands) {
  return array({bulk("flags"), array({bulk("on"), bulk("sanitize-payload")}), bulk("passwords"),
                array({bulk(util::sha256_hex(password))}), bulk("commands"), bulk(commands), bulk("keys"), bulk(keys),
                bulk("channels"), bulk("&users:*"), bulk("selectors"), array({})});
}

} // namespace

TEST_SUITE("engine::redis") {
  TEST_CASE("a redis: placement expands into one namespace per target with its own user") {
    auto loaded = load(k_head + "topology: {mode: multi-tenant, tenants: [acme, globex]}\n"
                                "passwords: {derive_from: s3cret}\n"
                                "services:\n  users: {migrations: none, redis: {server: cache}}\n"
                                "  orders: {migrations: none, tenanted: false, redis: {server: cache, namespace: db, db: 3}}\n");
    REQUIRE(loaded->problems.empty());
    REQUIRE(loaded->targets.size() == 3); // the SQL targets land on pg, the only SQL server
    REQUIRE(loaded->stores.size() == 3);
    const targets::Target& acme = loaded->stores[0];
    CHECK(acme.key() == "users[acme]@cache");
    CHECK(acme.owner.name == "users_acme");
    CHECK(acme.redis->key_pattern() == "~users:acme:*");
    CHECK(acme.redis->channel_pattern() == "&users:acme:*");
    CHECK(acme.redis->commands == "+@all -@admin -@dangerous");
    // A credential of its own: derived from "redis:" and the name, not the SQL owner's.
    CHECK(acme.owner.password->reveal() == targets::derive_password(util::Secret("s3cret"), "redis:users_acme").reveal());
    CHECK(acme.owner.password->reveal() != loaded->targets[0].owner.password->reveal());
    CHECK(targets::url_variable(acme) == "USERS_ACME_REDIS_URL");
    CHECK(targets::connection_url(acme, targets::RoleKind::owner) ==
          "redis://users_acme:" + acme.owner.password->reveal() + "@10.0.0.5:6379/0");
    const targets::Target& orders = loaded->stores[2];
    CHECK(orders.redis->key_pattern() == "~*");
    CHECK(orders.database == "3");
    engine::AclUserSpec spec = provision::acl_user_spec(orders);
    CHECK(spec.own_database == std::optional<int>(3));
    CHECK(provision::acl_user_spec(acme).own_database == std::nullopt);
  }

  TEST_CASE("a redis server takes rediss and redis-cli's TLS options and no SQL keys") {
    auto loaded = load("version: 1\nname: shop\nservers:\n  pg: {engine: postgres}\n"
                       "  cache: {url: \"rediss://u:p@h:7000/2?cacert=/ca.pem\", lock: table, options: {sslmode: require}}\n"
                       "topology: {mode: db-per-service}\nservices:\n  users: {migrations: none}\n");
    CHECK(loaded->problems == std::vector<std::string>{
                                  "5:62: servers.cache.lock applies to SQL servers; dbctl runs no migrations on Redis",
                                  "5:88: unknown Redis option 'sslmode' in servers.cache.options (expected connect_timeout, "
                                  "tls, cacert, cert, key)"});
    const topology::Server& cache = loaded->topology.servers[1];
    CHECK(cache.tls);
    CHECK(cache.port == 7000);
  }

  TEST_CASE("the default user logs in with a password-only URL") {
    auto loaded = load(k_head + "topology: {mode: db-per-service}\nservices:\n  users: {migrations: none}\n");
    REQUIRE(loaded->problems.empty());
    CHECK(loaded->topology.servers[1].user == "default");
    CHECK(loaded->topology.servers[1].port == 6379);
    CHECK(loaded->targets.front().server->name == "pg"); // the only SQL server is the default
  }

  TEST_CASE("RESP2 is written and read back whole or not at all") {
    CHECK(engine::redis::encode({"SET", "k", "a b"}) == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\na b\r\n");
    std::string data = "*3\r\n$5\r\nflags\r\n:42\r\n*2\r\n+OK\r\n$-1\r\n-ERR no\r\n";
    std::size_t at = 0;
    engine::redis::Reply reply;
    const std::size_t first = data.find("-ERR"); // the array's end
    for (std::size_t cut = 0; cut < first; ++cut) {
      std::size_t partial = 0;
      CHECK_FALSE(engine::redis::decode(std::string_view(data).substr(0, cut), partial, reply));
    }
    REQUIRE(engine::redis::decode(data, at, reply));
    REQUIRE(reply.items.size() == 3);
    CHECK(reply.items[0].text == "flags");
    CHECK(reply.items[1].integer == 42);
    CHECK(reply.items[2].items[0].text == "OK");
    CHECK(reply.items[2].items[1].type == engine::redis::Reply::Type::nil);
    REQUIRE(engine::redis::decode(data, at, reply));
    CHECK(reply.type == engine::redis::Reply::Type::error);
    CHECK(reply.text == "ERR no");
    CHECK(at == data.size());
    std::size_t bad = 0;
    CHECK_THROWS_AS(engine::redis::decode("?what\r\n", bad, reply), DbError);
    CHECK_THROWS_AS(engine::redis::decode(":4x\r\n", bad, reply), DbError);
  }

  TEST_CASE("a live user is compared with its spec and with the rules dbctl recorded") {
    engine::AclUserSpec spec{"users", util::Secret("pw"), "~users:*", "&users:*", "+@all -@admin -@dangerous", "users", {}};
    engine::redis::Recorded recorded{"+@all -@admin -@dangerous", "+@all -@dangerous"};
    CHECK(engine::redis::differences(getuser("pw", "~users:*", "+@all -@dangerous"), spec, &recorded).empty());
    // Without a record the server's rewriting is a difference; so is a changed acl: or a hand edit.
    CHECK(engine::redis::differences(getuser("pw", "~users:*", "+@all -@dangerous"), spec, nullptr).size() == 1);
    engine::AclUserSpec changed = spec;
    changed.commands = "+@read";
    CHECK(engine::redis::differences(getuser("pw", "~users:*", "+@all -@dangerous"), changed, &recorded).size() == 1);
    CHECK(engine::redis::differences(getuser("pw", "~users:*", "+@all"), spec, &recorded).size() == 1);
    auto why = engine::redis::differences(getuser("other", "~users:* ~x:*", "+@all -@dangerous"), spec, &recorded);
    CHECK(why == std::vector<std::string>{"the password differs", "keys are '~users:* ~x:*', not '~users:*'"});
    // The words that make it so: its password as a hash only.
    auto args = engine::redis::setuser_args(spec);
    CHECK(args == std::vector<std::string>{"ACL", "SETUSER", "users", "reset", "on", "#" + util::sha256_hex("pw"),
                                           "~users:*", "&users:*", "+@all", "-@admin", "-@dangerous"});
  }
}
