// Redis namespaces on the real Redis 7 server scripts/test starts (ACLs on, every command in
// its slow log): in every mode each service's (and tenant's) user reaches its own keys only and
// no administration; init converges and says so; the password reaches Redis only as its hash.
#include "support.hpp"

#include "dbctl/util/url.hpp"

#include <atomic>
#include <csignal>
#include <dirent.h>
#include <fstream>
#include <map>
#include <thread>

#include <doctest/doctest.h>

using namespace dbctl::test;

namespace {

const std::string k_servers = "  pg: {url: \"${DBCTL_TEST_PG_URL}\"}\n  cache: {url: \"${DBCTL_TEST_REDIS_URL}\"}\n";

struct RedisLogin {
  std::string user;
  std::string password;
  std::string port;
  std::string db = "0";
};

RedisLogin parse(const std::string& url) {
  dbctl::util::ParsedUrl parsed = dbctl::util::parse_url(url);
  REQUIRE(parsed.url);
  RedisLogin out{parsed.url->user, parsed.url->password.value_or(""),
                 std::to_string(parsed.url->port.value_or(6379)), "0"};
  if (!parsed.url->path.empty()) {
    out.db = parsed.url->path;
  }
  return out;
}

RedisLogin admin() { return parse(required_env("DBCTL_TEST_REDIS_URL")); }

// redis-cli as a login, its password in the environment (never on a command line).
Result cli(const RedisLogin& login, std::vector<std::string> args) {
  std::vector<std::string> argv{"redis-cli", "--no-raw", "-h", "127.0.0.1", "-p", login.port, "--user", login.user, "-n", login.db};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, {{}, {{"REDISCLI_AUTH", login.password}}, {}});
}

std::string admin_says(std::vector<std::string> args) {
  Result result = cli(admin(), std::move(args));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return result.out;
}

// `env` output as NAME -> URL.
std::map<std::string, std::string> env_of(const TestProject& project) {
  Result env = project.dbctl({"env"});
  INFO(env.err);
  REQUIRE(env.exit_code == 0);
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start < env.out.size()) {
    std::size_t end = env.out.find('\n', start);
    std::string line = env.out.substr(start, end - start);
    start = end == std::string::npos ? env.out.size() : end + 1;
    std::size_t eq = line.find('=');
    if (eq != std::string::npos) {
      out[line.substr(0, eq)] = line.substr(eq + 1);
    }
  }
  return out;
}

std::string upper(std::string text) {
  for (char& c : text) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return text;
}

// A user reaches its own keys and nothing else: not `other`'s, no administration.
void check_isolated(const RedisLogin& user, const std::string& own, const std::string& other) {
  Result set = cli(user, {"SET", own + "k", "v"});
  CHECK(set.out.find("OK") != std::string::npos);
  CHECK(cli(user, {"GET", own + "k"}).out.find("\"v\"") != std::string::npos);
  CHECK(cli(user, {"PUBLISH", own + "news", "hi"}).out.find("NOPERM") == std::string::npos);
  if (!other.empty()) {
    CHECK(cli(user, {"GET", other + "k"}).out.find("NOPERM") != std::string::npos);
    CHECK(cli(user, {"SET", other + "k", "x"}).out.find("NOPERM") != std::string::npos);
    CHECK(cli(user, {"PUBLISH", other + "news", "hi"}).out.find("NOPERM") != std::string::npos);
  }
  for (std::vector<std::string> refused : {std::vector<std::string>{"FLUSHALL"}, {"FLUSHDB"}, {"CONFIG", "GET", "*"},
                                           {"ACL", "LIST"}, {"KEYS", "*"}, {"MONITOR"}}) {
    Result result = cli(user, refused);
    INFO(refused.front());
    CHECK(result.out.find("NOPERM") != std::string::npos);
  }
}

std::string every_cmdline() {
  std::string out;
  if (DIR* proc = opendir("/proc")) {
    while (dirent* entry = readdir(proc)) {
      std::ifstream in(std::string("/proc/") + entry->d_name + "/cmdline");
      try {
        out += std::string(std::istreambuf_iterator<char>(in), {}) + "\n";
      } catch (const std::ios_base::failure&) {
        // The process ended while it was read (ESRCH): it has no command line left to show.
      }
    }
    closedir(proc);
  }
  return out;
}

} // namespace

TEST_SUITE("redis") {
  TEST_CASE("db-per-service: a user per service with its own keys or its own database number") {
    TestProject project("rdb", "topology: {mode: db-per-service}\npasswords: {derive_from: \"${DBCTL_SECRET}\"}\n"
                               "services:\n"
                               "  @P@users: {migrations: none, redis: {server: cache}}\n"
                               "  @P@orders: {migrations: none, redis: {server: cache, namespace: db, db: 7}}\n"
                               "  @P@plain: {migrations: none}\n",
                        k_servers);
    const std::string users = project.prefix + "users";
    const std::string orders = project.prefix + "orders";
    Result plan = project.dbctl({"plan"});
    INFO(plan.err);
    REQUIRE(plan.exit_code == 0);
    CHECK(plan.out.find("ACL SETUSER " + users + " reset on #<redacted> ~" + users + ":* &" + users +
                        ":* +@all -@admin -@dangerous") != std::string::npos);
    Result sql = project.dbctl({"plan", "--out", (project.dir.path() / "plan").string()});
    REQUIRE(sql.exit_code == 0);
    std::string redis_part = read(project.dir.path() / "plan" / "init@cache.redis");
    CHECK(redis_part.find("# server-wide (ACL users)\nACL SETUSER " + users + " reset on #<redacted> ") != std::string::npos);
    CHECK(redis_part.find("# on database 0\nHSET dbctl:databases 7 " + orders) != std::string::npos);
    Result init = project.dbctl({"init"});
    INFO(init.err);
    REQUIRE(init.exit_code == 0);
    CHECK(init.out.find("cache: 3 changes applied") != std::string::npos); // two users, the db record
    Result again = project.dbctl({"init"});
    CHECK(again.exit_code == 0);
    CHECK(again.out.find("cache: nothing to do") != std::string::npos);

    auto env = env_of(project);
    REQUIRE(env.count(upper(users) + "_REDIS_URL") == 1);
    REQUIRE(env.count(upper(orders) + "_REDIS_URL") == 1);
    CHECK(env.count(upper(project.prefix) + "PLAIN_REDIS_URL") == 0);
    RedisLogin user = parse(env[upper(users) + "_REDIS_URL"]);
    RedisLogin order = parse(env[upper(orders) + "_REDIS_URL"]);
    CHECK(user.user == users);
    CHECK(order.db == "7");
    check_isolated(user, users + ":", orders + ":");
    check_isolated(order, "any:", ""); // its own database: every key in it
    CHECK(user.password != parse(env[upper(users) + "_DATABASE_URL"]).password); // a credential of its own

    Result status = project.dbctl({"status", "--check", "-o", "json"});
    INFO(status.err);
    CHECK(status.exit_code == 0);
    CHECK(status.out.find("\"engine\": \"redis\"") != std::string::npos);
    CHECK(status.out.find("\"state\": \"ready\"") != std::string::npos);
    CHECK(json_violations("status", status.out).empty());
    CHECK(json_violations("plan", project.dbctl({"plan", "-o", "json"}).out).empty());
    CHECK(json_violations("wait", project.dbctl({"wait", "-o", "json"}).out).empty());

    // A hand edit is drift: status names it, init rewrites it.
    admin_says({"ACL", "SETUSER", users, "+flushall", "~elsewhere:*"});
    status = project.dbctl({"status", "--check"});
    CHECK(status.exit_code == 3);
    CHECK(status.out.find("drift") != std::string::npos);
    CHECK(status.out.find("~elsewhere:*") != std::string::npos);
    CHECK(project.dbctl({"plan", "--check"}).exit_code == 3);
    REQUIRE(project.dbctl({"init"}).exit_code == 0);
    CHECK(project.dbctl({"status", "--check"}).exit_code == 0);
    check_isolated(user, users + ":", orders + ":");

    // destroy: the users go, the keys stay; with --flush the keys go too.
    Result destroy = project.dbctl({"destroy", "--yes"});
    INFO(destroy.err);
    REQUIRE(destroy.exit_code == 0);
    CHECK(admin_says({"ACL", "GETUSER", users}).find("nil") != std::string::npos);
    CHECK(admin_says({"EXISTS", users + ":k"}).find("1") != std::string::npos);
    REQUIRE(project.dbctl({"init"}).exit_code == 0);
    destroy = project.dbctl({"destroy", "--yes", "--flush"});
    INFO(destroy.err);
    REQUIRE(destroy.exit_code == 0);
    CHECK(destroy.err.find("cache: [7] FLUSHDB") != std::string::npos);
    CHECK(admin_says({"EXISTS", users + ":k"}).find("0") != std::string::npos);
    CHECK(admin_says({"HGET", "dbctl:databases", "7"}).find("nil") != std::string::npos);
  }

  TEST_CASE("multi-tenant: each tenant's user is kept to its own keys and the password reaches Redis as a hash only") {
    TestProject project("rmt", "topology: {mode: multi-tenant, tenants: [acme, globex]}\n"
                               "passwords: {derive_from: \"${DBCTL_SECRET}\"}\n"
                               "services:\n"
                               "  @P@crm: {migrations: none, redis: {server: cache}}\n"
                               "  @P@billing: {migrations: none, tenanted: false, redis: {server: cache}}\n",
                        k_servers);
    const std::string crm = project.prefix + "crm";
    // Everything Redis is told during init: MONITOR, and the process table while it runs.
    RedisLogin root = admin();
    auto monitor = std::make_unique<Background>(
        std::vector<std::string>{"redis-cli", "-h", "127.0.0.1", "-p", root.port, "--user", root.user, "MONITOR"},
        RunOptions{{}, {{"REDISCLI_AUTH", root.password}}, {}});
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    std::atomic<bool> done{false};
    std::string cmdlines;
    std::thread watcher([&] {
      while (!done) {
        cmdlines += every_cmdline();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });
    Result init = project.dbctl({"init", "-vv"});
    done = true;
    watcher.join();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    monitor->signal(SIGTERM);
    Result monitored = monitor->wait();
    INFO(init.err);
    REQUIRE(init.exit_code == 0);
    CHECK(monitored.out.find("ACL") != std::string::npos); // it did see init's commands

    auto env = env_of(project);
    RedisLogin acme = parse(env[upper(crm) + "_ACME_REDIS_URL"]);
    RedisLogin globex = parse(env[upper(crm) + "_GLOBEX_REDIS_URL"]);
    RedisLogin billing = parse(env[upper(project.prefix) + "BILLING_REDIS_URL"]);
    CHECK(acme.user == crm + "_acme");
    check_isolated(acme, crm + ":acme:", crm + ":globex:");
    check_isolated(globex, crm + ":globex:", crm + ":acme:");
    check_isolated(billing, project.prefix + "billing:", crm + ":acme:");
    // A refused login lands in the ACL log (with its user name only).
    Result wrong = cli({acme.user, "wrong-password", acme.port, "0"}, {"PING"});
    CHECK((wrong.out + wrong.err).find("WRONGPASS") != std::string::npos);

    std::string acl_log = admin_says({"ACL", "LOG"});
    std::string slowlog = admin_says({"SLOWLOG", "GET", "100000"});
    CHECK(slowlog.find("SETUSER") != std::string::npos);
    for (const auto* login : {&acme, &globex, &billing}) {
      INFO(login->user);
      REQUIRE(login->password.size() > 20);
      CHECK(acl_log.find(login->password) == std::string::npos);
      CHECK(slowlog.find(login->password) == std::string::npos);
      CHECK(monitored.out.find(login->password) == std::string::npos);
      CHECK(init.out.find(login->password) == std::string::npos);
      CHECK(init.err.find(login->password) == std::string::npos);
      CHECK(cmdlines.find(login->password) == std::string::npos);
    }
    CHECK(init.err.find(root.password) == std::string::npos);
    CHECK(project.dbctl({"init"}).out.find("cache: nothing to do") != std::string::npos);
    CHECK(project.dbctl({"destroy", "--yes", "--flush"}).exit_code == 0);
    CHECK(admin_says({"EXISTS", crm + ":acme:k"}).find("0") != std::string::npos);
    CHECK(admin_says({"EXISTS", crm + ":globex:k"}).find("0") != std::string::npos);
  }

  TEST_CASE("shared mode: services of one database get namespaces of their own on Redis") {
    TestProject project("rsh", "topology: {mode: shared}\n"
                               "services:\n"
                               "  @P@a: {migrations: none, owner: {password: a-pw-123456}, redis: {server: cache, user: {name: \"{service}_cache\", password: a-cache-pw-123456}}}\n"
                               "  @P@b: {migrations: none, owner: {password: b-pw-123456}, redis: {server: cache, db: 5, acl: \"+@read +@write +@connection +@pubsub -@dangerous\"}}\n",
                        k_servers);
    Result init = project.dbctl({"init"});
    INFO(init.err);
    REQUIRE(init.exit_code == 0);
    auto env = env_of(project);
    RedisLogin a = parse(env[upper(project.prefix) + "A_REDIS_URL"]);
    RedisLogin b = parse(env[upper(project.prefix) + "B_REDIS_URL"]);
    CHECK(a.user == project.prefix + "a_cache");
    CHECK(a.password == "a-cache-pw-123456");
    CHECK(b.password == "b-pw-123456"); // the owner's, without derive_from
    check_isolated(a, project.prefix + "a:", project.prefix + "b:");
    check_isolated(b, project.prefix + "b:", project.prefix + "a:");
    CHECK(cli(b, {"EVAL", "return 1", "0"}).out.find("NOPERM") != std::string::npos); // acl: without scripting
    CHECK(project.dbctl({"init"}).out.find("cache: nothing to do") != std::string::npos);
    // A changed acl: is rewritten, then converged.
    std::string text = read(project.file);
    text.replace(text.find("+@connection"), 12, "+@connection +@scripting");
    project.write("topology.yaml", text);
    CHECK(project.dbctl({"status", "--check", "--service", project.prefix + "b"}).exit_code == 3);
    CHECK(project.dbctl({"init"}).out.find("cache: 1 change applied") != std::string::npos);
    CHECK(cli(b, {"EVAL", "return 1", "0"}).out.find("1") != std::string::npos);
    CHECK(project.dbctl({"init"}).out.find("cache: nothing to do") != std::string::npos);
    CHECK(b.db == "5");
    // destroy ends in database 5 (b's keys): its lease is still released (it lives in 0).
    CHECK(project.dbctl({"destroy", "--yes", "--flush"}).exit_code == 0);
    CHECK(project.dbctl({"init", "--lock-timeout", "20"}).exit_code == 0);
    CHECK(project.dbctl({"destroy", "--yes", "--flush"}).exit_code == 0);
  }

  TEST_CASE("a database number once a service's is never given to another while its keys may be there") {
    TestProject first("rre1", "topology: {mode: db-per-service}\npasswords: {derive_from: \"${DBCTL_SECRET}\"}\n"
                              "services:\n  @P@old: {migrations: none, redis: {server: cache, namespace: db, db: 9}}\n",
                      k_servers);
    REQUIRE(first.dbctl({"init"}).exit_code == 0);
    TestProject second("rre2", "topology: {mode: db-per-service}\npasswords: {derive_from: \"${DBCTL_SECRET}\"}\n"
                               "services:\n  @P@new: {migrations: none, redis: {server: cache, namespace: db, db: 9}}\n",
                       k_servers);
    Result refused = second.dbctl({"init"});
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find("database 9 was service '" + first.prefix + "old'") != std::string::npos);
    CHECK(admin_says({"ACL", "GETUSER", second.prefix + "new"}).find("nil") != std::string::npos);
    REQUIRE(first.dbctl({"destroy", "--yes", "--flush"}).exit_code == 0);
    Result now = second.dbctl({"init"});
    INFO(now.err);
    CHECK(now.exit_code == 0);
    CHECK(second.dbctl({"destroy", "--yes", "--flush"}).exit_code == 0);
  }

  TEST_CASE("TLS: rediss works with the server's CA and without it the certificate is refused") {
    TestProject project("rtls", "topology: {mode: db-per-service}\npasswords: {derive_from: \"${DBCTL_SECRET}\"}\n"
                                "services:\n  @P@t: {migrations: none, redis: {server: cache}}\n",
                        "  pg: {url: \"${DBCTL_TEST_PG_URL}\"}\n"
                        "  cache: {url: \"${DBCTL_TEST_REDIS_TLS_URL}\", options: {cacert: \"${DBCTL_TEST_REDIS_CA}\"}}\n");
    Result wait = project.dbctl({"wait", "--timeout", "10"});
    INFO(wait.err);
    CHECK(wait.exit_code == 0);
    Result init = project.dbctl({"init"});
    INFO(init.err);
    CHECK(init.exit_code == 0);
    CHECK(env_of(project)[upper(project.prefix) + "T_REDIS_URL"].rfind("rediss://", 0) == 0);
    CHECK(project.dbctl({"status", "--check"}).exit_code == 0);
    CHECK(project.dbctl({"destroy", "--yes"}).exit_code == 0);
    TestProject untrusted("rtls2", "topology: {mode: db-per-service}\npasswords: {derive_from: \"${DBCTL_SECRET}\"}\n"
                                   "services:\n  @P@t: {migrations: none, redis: {server: cache}}\n",
                          "  pg: {url: \"${DBCTL_TEST_PG_URL}\"}\n  cache: {url: \"${DBCTL_TEST_REDIS_TLS_URL}\"}\n");
    Result refused = untrusted.dbctl({"init"});
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find("TLS to Redis") != std::string::npos);
    CHECK(refused.err.find("certificate") != std::string::npos);
  }

  TEST_CASE("bad Redis placements are exit 2 naming the line and nothing is contacted") {
    struct Case {
      std::string body;
      std::string message;
    };
    const std::string head = "topology: {mode: multi-tenant, tenants: [acme, globex]}\npasswords: {derive_from: x}\nservices:\n";
    for (const Case& each : std::vector<Case>{
             {"  s: {migrations: none, redis: {server: pg}}\n", "topology.yaml:9:41: services.s.redis.server names server 'pg', which is postgres; it needs an engine: redis server"},
             {"  s: {migrations: none, server: cache}\n", "services.s.server names Redis server 'cache'"},
             {"  s: {migrations: none, tenanted: false, redis: {server: cache, namespace: db}}\n", "namespace: db needs db: N"},
             {"  s: {migrations: none, redis: {server: cache, namespace: db, db: 3}}\n", "its tenants would share it"},
             {"  s: {migrations: none, redis: {server: cache, acl: \"+@all ~*\"}}\n", "services.s.redis.acl: '~*' is not a command rule"},
             {"  s: {migrations: none, redis: {server: cache, user: {name: shared}}}\n", "Redis user 'shared' on server 'cache' would serve both"},
             {"  s: {migrations: none, tenanted: false, redis: {server: cache, namespace: db, db: 4}}\n"
              "  t: {migrations: none, tenanted: false, redis: {server: cache, db: 4}}\n", "is service 's''s own (namespace: db)"},
             {"  s: {migrations: none, redis: {server: cache, nmespace: db}}\n", "did you mean 'namespace'"},
             {"  s: {migrations: none, tenanted: false, redis: {server: cache, namespace: db, db: 0}}\n", "a database other than 0"},
             {"  s: {migrations: none, redis: {}}\n", "services.s.redis.server is required"},
         }) {
      // Servers that do not exist: nothing may be contacted.
      TempDir dir;
      auto file = dir.write("topology.yaml", "version: 1\nname: bad\nservers:\n  pg: {url: \"postgres://a:b@127.0.0.1:1/postgres\"}\n"
                                             "  cache: {url: \"redis://:pw@127.0.0.1:1\"}\n" + head + each.body);
      Result result = run_dbctl({"-f", file.string(), "init"});
      INFO(each.body);
      INFO(result.err);
      CHECK(result.exit_code == 2);
      CHECK(result.err.find(each.message) != std::string::npos);
    }
  }
}
