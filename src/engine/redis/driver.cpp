#include "driver.hpp"

#include "resp.hpp"

#include "../cancellable.hpp"

#include "dbctl/engine/error.hpp"
#include "dbctl/util/hash.hpp"
#include "dbctl/util/text.hpp"

#include <functional>
#include <map>
#include <random>
#include <thread>

#include <unistd.h>

namespace dbctl::engine::redis {

namespace {

constexpr const char* k_users = "dbctl:users";         // user -> asked "\n" stored command rules
constexpr const char* k_databases = "dbctl:databases"; // database number -> service (namespace: db)
constexpr const char* k_unlink = "dbctl:unlink";       // not a Redis command: SCAN MATCH, then UNLINK
constexpr std::chrono::seconds k_connect_timeout{10};
constexpr std::chrono::minutes k_lease{10};            // a provisioning run takes seconds

Statement statement(std::string database, std::vector<std::string> args, std::string shown) {
  Statement out;
  out.database = std::move(database);
  out.args = std::move(args);
  out.shown = std::move(shown);
  out.kind = StatementKind::other;
  return out;
}

std::string words(const Reply& reply) {
  if (reply.type != Reply::Type::array) {
    return reply.text;
  }
  std::vector<std::string> out;
  for (const auto& item : reply.items) {
    out.push_back(item.text);
  }
  return util::join(out, " ");
}

bool has(const Reply* list, std::string_view word) {
  if (list == nullptr) {
    return false;
  }
  for (const auto& item : list->items) {
    if (item.text == word) {
      return true;
    }
  }
  return false;
}

class Connected {
public:
  Connected(const topology::Server& server, const SessionOptions& options)
      : m_connection(make_cancellable(std::make_unique<Connection>(server, k_connect_timeout, options.statement_timeout),
                                      options.interrupt, [](Connection& c) { c.cancel(); })),
        m_interrupt(options.interrupt) {}

  Connection& get() { return *m_connection; }
  util::Interrupt* interrupt() const { return m_interrupt; }

private:
  Cancellable<Connection> m_connection;
  util::Interrupt* m_interrupt;
};

// A command run in database 0, where dbctl's own keys live, whichever database the session's
// statements left the connection in.
using InZero = std::function<Reply(const std::vector<std::string>&)>;

// The provisioning lock: a lease key set only when absent, deleted by its holder alone.
class Lease final : public Lock {
public:
  Lease(InZero call, std::string key, std::string token)
      : m_call(std::move(call)), m_key(std::move(key)), m_token(std::move(token)) {}
  ~Lease() override {
    try {
      Reply released = m_call({"EVAL", "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) "
                                       "else return 0 end", "1", m_key, m_token});
      if (released.type == Reply::Type::error && m_call({"GET", m_key}).text == m_token) {
        m_call({"DEL", m_key}); // an admin without scripting: not atomic, but the lease is ours
      }
    } catch (...) {
      // The lease expires on its own.
    }
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

private:
  InZero m_call;
  std::string m_key;
  std::string m_token;
};

class Admin final : public AdminSession {
public:
  Admin(const topology::Server& server, const SessionOptions& options) : m_server(server), m_connected(server, options) {
    Reply who = m_connected.get().call({"ACL", "WHOAMI"});
    m_info.user = who.type == Reply::Type::error ? (server.user.empty() ? "default" : server.user) : who.text;
    // INFO is @dangerous: an admin without it is known by its address instead of its run id.
    Reply info = m_connected.get().call({"INFO", "server"});
    std::string text = info.type == Reply::Type::error ? std::string() : info.text;
    auto value = [&](const std::string& name) {
      std::size_t at = text.find(name + ":");
      return at == std::string::npos ? std::string() : text.substr(at + name.size() + 1, text.find("\r\n", at) - at - name.size() - 1);
    };
    m_info.server_version = value("redis_version");
    m_info.product = "redis";
    m_info.create_role = true;
    m_run_id = value("run_id");
    if (m_run_id.empty()) {
      m_run_id = server.host + ":" + std::to_string(server.port);
    }
  }

  const AdminInfo& info() const override { return m_info; }
  std::string identity() override { return "redis " + m_run_id; }

  std::vector<Statement> converge(const RoleSpec& spec) override { throw not_redis("role " + spec.name); }
  std::vector<Statement> converge(const MembershipSpec& spec) override { throw not_redis("membership " + spec.role); }
  std::vector<Statement> converge(const DatabaseSpec& spec) override { throw not_redis("database " + spec.name); }
  std::vector<Statement> converge(const SchemaSpec& spec) override { throw not_redis("schema " + spec.name); }
  std::vector<Statement> converge(const GrantSpec& spec) override { throw not_redis("grant to " + spec.role); }
  std::vector<Statement> converge(const ExtensionSpec& spec) override { throw not_redis("extension " + spec.name); }
  std::map<std::string, AvailableExtension> available_extensions() override { return {}; }
  std::vector<Statement> drop_database(const std::string& name) override { throw not_redis("database " + name); }
  std::vector<Statement> drop_schema(const std::string& /*database*/, const std::string& schema) override {
    throw not_redis("schema " + schema);
  }

  std::vector<Statement> converge(const AclUserSpec& spec) override {
    std::vector<Statement> out;
    if (spec.own_database) {
      std::string number = std::to_string(*spec.own_database);
      Reply owner = select_and_call("0", {"HGET", k_databases, number});
      if (owner.type == Reply::Type::bulk && owner.text != spec.service) {
        throw DbError(m_server.name + ": database " + number + " was service '" + owner.text +
                      "''s (namespace: db); dbctl never gives a database number to another service, "
                      "since its keys may still be there (destroy --flush that service, or choose another db:)");
      }
      if (owner.type != Reply::Type::bulk) {
        out.push_back(statement("0", {"HSET", k_databases, number, spec.service},
                                "HSET " + std::string(k_databases) + " " + number + " " + spec.service));
      }
    }
    std::vector<std::string> why;
    if (inspect(spec, why) != AclState::ready) {
      std::vector<std::string> args = setuser_args(spec);
      std::vector<std::string> shown = args;
      shown[5] = "#<redacted>";
      out.push_back(statement("", std::move(args), util::join(shown, " ")));
    }
    return out;
  }

  AclState inspect(const AclUserSpec& spec, std::vector<std::string>& why) override {
    Reply live = m_connected.get().command({"ACL", "GETUSER", spec.name});
    if (live.type == Reply::Type::nil) {
      return AclState::missing;
    }
    const std::map<std::string, Recorded>& records = recorded();
    auto record = records.find(spec.name);
    why = differences(live, spec, record == records.end() ? nullptr : &record->second);
    return why.empty() ? AclState::ready : AclState::drift;
  }

  std::vector<Statement> drop_role(const std::string& name, const std::vector<std::string>& /*databases*/) override {
    if (m_connected.get().command({"ACL", "GETUSER", name}).type == Reply::Type::nil) {
      return {};
    }
    return {statement("", {"ACL", "DELUSER", name}, "ACL DELUSER " + name)};
  }

  std::vector<Statement> drop_keys(int db, const std::string& prefix) override {
    std::string number = std::to_string(db);
    if (prefix.empty()) {
      return {statement(number, {"FLUSHDB"}, "FLUSHDB"),
              statement("0", {"HDEL", k_databases, number}, "HDEL " + std::string(k_databases) + " " + number)};
    }
    return {statement(number, {k_unlink, prefix + "*"}, "UNLINK every key matching " + prefix + "* (SCAN MATCH)")};
  }

  void execute(const Statement& statement) override {
    if (!statement.args.empty() && statement.args[0] == k_unlink) {
      unlink_matching(statement.database, statement.args[1]);
      return;
    }
    select_and_call(statement.database, statement.args, true);
    bool setuser = statement.args.size() > 2 && statement.args[0] == "ACL" && statement.args[1] == "SETUSER";
    bool deluser = statement.args.size() > 2 && statement.args[0] == "ACL" && statement.args[1] == "DELUSER";
    const std::string& name = statement.args.size() > 2 ? statement.args[2] : statement.args[0];
    if (setuser) {
      // The rules as asked (the words after the channel pattern) and as the server keeps them.
      std::vector<std::string> asked(statement.args.begin() + 8, statement.args.end());
      Reply live = m_connected.get().command({"ACL", "GETUSER", name});
      const Reply* commands = live.field("commands");
      select_and_call("0", {"HSET", k_users, name, util::join(asked, " ") + "\n" + (commands ? commands->text : "")}, true);
    } else if (deluser) {
      select_and_call("0", {"HDEL", k_users, name}, true);
    }
    m_records.reset();
  }

  std::unique_ptr<Lock> lock(const std::string& key, std::chrono::seconds timeout) override {
    std::string name = "dbctl:lock:" + key;
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    std::string token = "dbctl pid " + std::to_string(getpid()) + " on " + host + " #" + std::to_string(std::random_device{}());
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      util::throw_if_interrupted(m_connected.interrupt());
      Reply taken = select_and_call("0", {"SET", name, token, "NX", "PX",
                                          std::to_string(std::chrono::milliseconds(k_lease).count())}, true);
      if (taken.type == Reply::Type::status) {
        // Released through this session (which outlives it), in database 0.
        return std::make_unique<Lease>([this](const std::vector<std::string>& args) { return select_and_call("0", args); },
                                       name, token);
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        Reply holder = m_connected.get().call({"GET", name});
        throw DbError(m_server.name + ": timed out after " + std::to_string(timeout.count()) +
                      " s waiting for the " + key + " lock (key " + name + "), held by " +
                      (holder.type == Reply::Type::bulk ? holder.text : "another run"));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

private:
  Error not_redis(const std::string& what) const {
    return Error(m_server.name + " is a Redis server: it has no SQL " + what);
  }

  // Run a command in database `database` (empty: wherever the connection is).
  Reply select_and_call(const std::string& database, const std::vector<std::string>& args, bool throw_on_error = false) {
    if (!database.empty() && database != m_database) {
      m_connected.get().command({"SELECT", database});
      m_database = database;
    }
    return throw_on_error ? m_connected.get().command(args) : m_connected.get().call(args);
  }

  void unlink_matching(const std::string& database, const std::string& pattern) {
    std::string cursor = "0";
    do {
      util::throw_if_interrupted(m_connected.interrupt());
      Reply page = select_and_call(database, {"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"}, true);
      if (page.items.size() != 2) {
        throw DbError(m_server.name + ": SCAN sent an unexpected reply");
      }
      cursor = page.items[0].text;
      std::vector<std::string> unlink{"UNLINK"};
      for (const auto& key : page.items[1].items) {
        unlink.push_back(key.text);
      }
      if (unlink.size() > 1) {
        m_connected.get().command(unlink);
      }
    } while (cursor != "0");
  }

  const std::map<std::string, Recorded>& recorded() {
    if (!m_records) {
      m_records.emplace();
      Reply all = select_and_call("0", {"HGETALL", k_users}, true);
      for (std::size_t i = 0; i + 1 < all.items.size(); i += 2) {
        const std::string& value = all.items[i + 1].text;
        std::size_t split = value.find('\n');
        (*m_records)[all.items[i].text] = {value.substr(0, split),
                                           split == std::string::npos ? "" : value.substr(split + 1)};
      }
    }
    return *m_records;
  }

  const topology::Server& m_server;
  Connected m_connected;
  AdminInfo m_info;
  std::string m_run_id;
  std::string m_database = "0";
  std::optional<std::map<std::string, Recorded>> m_records;
};

class RedisDriver final : public Driver {
public:
  explicit RedisDriver(const SessionOptions& options) : m_options(options) {}

  std::unique_ptr<AdminSession> admin(const topology::Server& server) override {
    return std::make_unique<Admin>(server, m_options);
  }

  void ping(const topology::Server& server) override {
    Connection connection(server, k_connect_timeout, std::chrono::seconds(10));
    connection.command({"PING"});
  }

  std::unique_ptr<TargetSession> target(const targets::Target& target, Keep* /*keep*/) override {
    throw Error(target.key() + ": a Redis namespace has no migrations");
  }

private:
  SessionOptions m_options;
};

} // namespace

std::vector<std::string> setuser_args(const AclUserSpec& spec) {
  std::vector<std::string> args{"ACL", "SETUSER", spec.name, "reset", "on",
                                "#" + util::sha256_hex(spec.password.reveal()), spec.keys, spec.channels};
  for (auto& word : util::split_words(spec.commands)) {
    args.push_back(std::move(word));
  }
  return args;
}

std::vector<std::string> differences(const Reply& live, const AclUserSpec& spec, const Recorded* recorded) {
  std::vector<std::string> out;
  const Reply* flags = live.field("flags");
  if (!has(flags, "on")) {
    out.push_back("the user is off");
  }
  if (has(flags, "nopass")) {
    out.push_back("the user takes any password (nopass)");
  }
  const Reply* passwords = live.field("passwords");
  std::string hash = util::sha256_hex(spec.password.reveal());
  if (passwords == nullptr || passwords->items.size() != 1 || passwords->items[0].text != hash) {
    out.push_back(passwords != nullptr && passwords->items.size() > 1 ? "the user has other passwords"
                                                                      : "the password differs");
  }
  auto compare = [&](const char* field, const std::string& expected) {
    const Reply* value = live.field(field);
    std::string text = value == nullptr ? "" : words(*value);
    if (text != expected) {
      out.push_back(std::string(field) + " are '" + text + "', not '" + expected + "'");
    }
  };
  compare("keys", spec.keys);
  compare("channels", spec.channels);
  const Reply* selectors = live.field("selectors");
  if (selectors != nullptr && !selectors->items.empty()) {
    out.push_back("the user has selectors");
  }
  const Reply* commands = live.field("commands");
  std::string now = commands == nullptr ? "" : commands->text;
  bool same = recorded != nullptr ? recorded->asked == spec.commands && recorded->stored == now : now == spec.commands;
  if (!same) {
    out.push_back("commands are '" + now + "', not '" + spec.commands + "'");
  }
  return out;
}

std::unique_ptr<engine::Driver> make_driver(const SessionOptions& options) {
  return std::make_unique<RedisDriver>(options);
}

} // namespace dbctl::engine::redis
