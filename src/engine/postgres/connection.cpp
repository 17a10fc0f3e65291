#include "connection.hpp"

#include "../login.hpp"

#include "dbctl/engine/error.hpp"
#include "dbctl/util/hash.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <vector>

#include <libpq-fe.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

namespace dbctl::engine::postgres {

namespace {

std::string quote_value(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "'";
}

bool has_option(const topology::Server& server, const std::string& key) {
  return std::any_of(server.options.begin(), server.options.end(),
                     [&](const auto& option) { return option.first == key; });
}

// The first line of a libpq message, without its "ERROR:  " prefix.
std::string first_line(std::string text) {
  std::size_t end = text.find('\n');
  if (end != std::string::npos) {
    text.erase(end);
  }
  const std::string prefix = "ERROR:  ";
  return text.rfind(prefix, 0) == 0 ? text.substr(prefix.size()) : text;
}

// Turn libpq's connection failure into one line that says what to do, of the kind callers
// decide on (libpq gives no SQLSTATE for a failed login: its text is all there is).
DbError connect_failure(const topology::Server& server, const std::string& database,
                        const Login& login, const std::string& message) {
  std::string at = server.addresses();
  std::string where = server.name + ": cannot connect to " + at + " as " + login.user;
  bool refused = message.find("password authentication failed") != std::string::npos ||
                 message.find("role \"" + login.user + "\" does not exist") != std::string::npos;
  if (refused && login.user == server.user) {
    return DbError(DbFailure::login_refused,
                   server.name + ": password authentication failed for user " + login.user +
                       " at " + at + "; check servers." + server.name + ".password (or its url)");
  }
  if (refused) {
    return DbError(DbFailure::login_refused, refused_login(server, login.user, "role"));
  }
  if (message.find("no password supplied") != std::string::npos) {
    return DbError(where + ": the server wants a password and none is set; set servers." +
                   server.name + ".password");
  }
  if (message.find("Connection refused") != std::string::npos) {
    return DbError(DbFailure::unavailable, where + ": connection refused; is the server running and listening there?");
  }
  if (message.find("timeout expired") != std::string::npos) {
    return DbError(DbFailure::unavailable,
                   where + ": timed out; check the host, port and firewall (options.connect_timeout)");
  }
  if (message.find("read-only") != std::string::npos || message.find("starting up") != std::string::npos ||
      message.find("shutting down") != std::string::npos || message.find("in recovery mode") != std::string::npos ||
      message.find("accepting connections") != std::string::npos ||
      message.find("server closed the connection") != std::string::npos ||
      message.find("terminating connection") != std::string::npos) {
    return DbError(DbFailure::unavailable, where + ": " + first_line(message)); // a standby, or a failover under way
  }
  if (message.find("does not exist") != std::string::npos && message.find("database") != std::string::npos) {
    return DbError(where + ": database " + database + " does not exist");
  }
  return DbError(where + ": " + first_line(message));
}

std::vector<unsigned char> base64_decode(const std::string& text) {
  std::vector<unsigned char> out(text.size());
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) {
    return {};
  }
  // EVP_DecodeBlock counts padding bytes as data; drop them.
  std::size_t padding = static_cast<std::size_t>(std::count(text.end() - std::min<std::size_t>(2, text.size()), text.end(), '='));
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

std::string base64_encode(const unsigned char* bytes, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// SCRAM-SHA-256's StoredKey and ServerKey of a password under a salt (RFC 5802): a PBKDF2 of
// `iterations` rounds, then two HMACs and a hash.
struct ScramKeys {
  std::array<unsigned char, 32> stored{};
  std::string server; // 32 bytes
};

ScramKeys scram_keys(const std::string& password, std::string_view salt, int iterations) {
  std::array<unsigned char, 32> salted_key = util::pbkdf2_hmac_sha256(password, salt, iterations);
  std::string_view salted(reinterpret_cast<const char*>(salted_key.data()), salted_key.size());
  std::string client_key = util::hmac_sha256(salted, "Client Key");
  ScramKeys out;
  EVP_Digest(client_key.data(), client_key.size(), out.stored.data(), nullptr, EVP_sha256(), nullptr);
  out.server = util::hmac_sha256(salted, "Server Key");
  OPENSSL_cleanse(salted_key.data(), salted_key.size());
  OPENSSL_cleanse(client_key.data(), client_key.size());
  return out;
}

} // namespace

std::string conninfo(const topology::Server& server, const std::string& database,
                     const Login& login, std::size_t host) {
  bool several = host < server.hosts.size();
  std::string out = "host=" + quote_value(several ? server.hosts[host].first : server.host) +
                    " port=" + std::to_string(several ? server.hosts[host].second : server.port) +
                    " dbname=" + quote_value(database);
  if (!server.hosts.empty() && !has_option(server, "target_session_attrs")) {
    out += " target_session_attrs=read-write"; // every dbctl connection may write: the primary
  }
  if (!login.user.empty()) {
    out += " user=" + quote_value(login.user);
  }
  if (login.password) {
    out += " password=" + quote_value(login.password->reveal());
  }
  for (const auto& [key, value] : server.options) {
    out += " " + key + "=" + quote_value(value);
  }
  if (!has_option(server, "application_name")) {
    out += " application_name=" + quote_value(server.application_name);
  }
  if (!has_option(server, "connect_timeout")) {
    out += " connect_timeout=10";
  }
  return out;
}

Login admin_login(const topology::Server& server) { return {server.user, server.password}; }

namespace {

// Which of a server's hosts was the primary at the last connection (by server name), tried
// first by the next one, so that a fleet does not knock on every standby for each target.
std::mutex g_primary_mutex;
std::map<std::string, std::size_t> g_primary;

// Connect to one host of the server (its only one, or hosts[host]).
std::unique_ptr<pqxx::connection> open_host(const topology::Server& server, const std::string& database,
                                            const Login& login, std::size_t host) {
  try {
    return std::make_unique<pqxx::connection>(conninfo(server, database, login, host));
  } catch (const pqxx::broken_connection& e) {
    throw connect_failure(server, database, login, e.what());
  } catch (const pqxx::failure& e) {
    throw connect_failure(server, database, login, e.what());
  }
}

bool missing_database(const topology::Server& server, const std::string& message, const std::string& database) {
  return database != server.admin_database &&
         message.find("database " + database + " does not exist") != std::string::npos;
}

// Whether a host that said a database does not exist is the primary: libpq checks
// target_session_attrs only after the login, and a standby that has not replayed a new
// database yet (or is behind after a failover) refuses the login first. The primary's word is
// final; any other host's is not, so the admin database (postgres, or the url's) tells which
// one it is.
bool is_primary(const topology::Server& server, const Login& login, std::size_t host) {
  try {
    open_host(server, server.admin_database, login, host);
    return true;
  } catch (const DbError&) {
    return false;
  }
}

// Several hosts: each in turn (the last primary first), the first that is read-write. libpq's
// own host list stops at a host that answers and refuses (a standby that has not replayed a
// new database yet), so dbctl walks the list itself.
std::unique_ptr<pqxx::connection> open_primary(const topology::Server& server, const std::string& database,
                                               const Login& login) {
  std::size_t first = 0;
  {
    std::lock_guard<std::mutex> lock(g_primary_mutex);
    auto known = g_primary.find(server.name);
    first = known == g_primary.end() ? 0 : known->second;
  }
  // Refused or timed out: not listening (down, or a failover under way).
  auto unreachable = [](const DbError& e) {
    std::string message = e.what();
    return message.find("connection refused") != std::string::npos || message.find("timed out") != std::string::npos;
  };
  std::optional<DbError> worst; // a refusal that is not "read-only" or "not listening" says most
  bool any_standby = false;
  for (std::size_t i = 0; i < server.hosts.size(); ++i) {
    std::size_t host = (first + i) % server.hosts.size();
    try {
      auto connection = open_host(server, database, login, host);
      std::lock_guard<std::mutex> lock(g_primary_mutex);
      g_primary[server.name] = host;
      return connection;
    } catch (const DbError& e) {
      std::string message = e.what();
      bool standby = message.find("read-only") != std::string::npos ||
                     (missing_database(server, message, database) && !is_primary(server, login, host));
      any_standby = any_standby || standby;
      if (e.failure() == DbFailure::login_refused) {
        throw; // every host has the same roles: another would refuse it too
      }
      if (!standby && (!worst || !unreachable(e))) {
        worst = e;
      }
    }
  }
  if (any_standby && (!worst || unreachable(*worst))) {
    throw DbError(DbFailure::unavailable,
                  server.name + ": every host of " + server.addresses() + " that answered is read-only (a standby), "
                  "so none is the primary dbctl writes to; is a failover under way? (`dbctl wait` waits for a primary)");
  }
  throw *worst;
}

// What the server says on a connection outside the statements whose notices a session collects
// (a FATAL as a failover closes it, a WARNING on an admin statement) goes to the debug log:
// without a handler libpq prints it to stderr as it is.
class DebugNotices final : public pqxx::errorhandler {
public:
  explicit DebugNotices(pqxx::connection_base& connection) : pqxx::errorhandler(connection) {}
  bool operator()(const char message[]) noexcept override {
    try {
      std::string text(message);
      while (!text.empty() && text.back() == '\n') {
        text.pop_back();
      }
      spdlog::debug("server: {}", text);
    } catch (...) {
      // Nothing to do about a notice that cannot be logged.
    }
    return false; // not on to libpqxx's default, which prints to stderr
  }
};

} // namespace

Connection connect(const topology::Server& server, const std::string& database, const Login& login,
                   const SessionOptions& options) {
  std::unique_ptr<pqxx::connection> connection =
      server.hosts.empty() ? open_host(server, database, login, 0) : open_primary(server, database, login);
  if (options.statement_timeout.count() > 0) {
    try {
      pqxx::nontransaction tx(*connection);
      tx.exec("SET statement_timeout = '" + std::to_string(options.statement_timeout.count()) + "s'");
    } catch (const std::exception& e) {
      rethrow(e, server.name + ": setting statement_timeout: ");
    }
  }
  // The handler goes after the connection, whose close() unregisters it.
  auto notices = std::make_shared<DebugNotices>(*connection);
  // A cancel request goes on a connection of its own (libpq's PQcancel), so it may be sent
  // while another thread waits on this one.
  Connection out = make_cancellable(std::move(connection), options.interrupt, [](pqxx::connection& open) {
    try {
      open.cancel_query();
    } catch (...) {
      // Nothing was running, or the server is gone: either way nothing is left to stop.
    }
  });
  out.get_deleter().companion = std::move(notices);
  return out;
}

std::string scram_verifier(const std::string& user, const util::Secret& password) {
  const std::string& plain = password.reveal();
  if (std::all_of(plain.begin(), plain.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    // What libpq's PQencryptPasswordConn makes (a 16-byte random salt, 4,096 rounds), with dbctl's
    // PBKDF2, several times faster than OpenSSL 3's that libpq calls: a fleet's first init makes
    // thousands. An ASCII password is its own SASLprep (libpq's pg_saslprep returns it as it
    // is), so both ways give a verifier of the same password.
    constexpr int k_iterations = 4096; // libpq 15's SCRAM_DEFAULT_ITERATIONS
    std::array<unsigned char, 16> salt{};
    if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
      throw Error("OpenSSL could not make a random salt for a SCRAM verifier");
    }
    ScramKeys keys = scram_keys(plain, {reinterpret_cast<const char*>(salt.data()), salt.size()}, k_iterations);
    return "SCRAM-SHA-256$" + std::to_string(k_iterations) + ":" + base64_encode(salt.data(), salt.size()) + "$" +
           base64_encode(keys.stored.data(), keys.stored.size()) + ":" +
           base64_encode(reinterpret_cast<const unsigned char*>(keys.server.data()), keys.server.size());
  }
  // Other passwords are normalized by SASLprep (NFKC) first, as libpq does when it logs in.
  // PQencryptPasswordConn needs a PGconn only for its error text when the algorithm is
  // given; an unparsable conninfo yields one in CONNECTION_BAD without any network traffic.
  std::unique_ptr<PGconn, decltype(&PQfinish)> offline(PQconnectStart("dbctl_offline=1"),
                                                       &PQfinish);
  if (!offline) {
    throw Error("libpq could not allocate a connection object");
  }
  char* verifier = PQencryptPasswordConn(offline.get(), password.reveal().c_str(), user.c_str(),
                                         "scram-sha-256");
  if (verifier == nullptr) {
    throw Error("libpq could not compute a SCRAM verifier: " +
                first_line(PQerrorMessage(offline.get())));
  }
  std::string out(verifier);
  PQfreemem(verifier);
  return out;
}

bool verifier_matches(const std::string& stored, const util::Secret& password) {
  // SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey> (RFC 5803 as PostgreSQL stores it)
  const std::string prefix = "SCRAM-SHA-256$";
  if (stored.rfind(prefix, 0) != 0) {
    return false;
  }
  std::size_t colon = stored.find(':', prefix.size());
  std::size_t dollar = stored.find('$', prefix.size());
  std::size_t key_colon = dollar == std::string::npos ? dollar : stored.find(':', dollar);
  if (colon == std::string::npos || dollar == std::string::npos || key_colon == std::string::npos ||
      colon > dollar) {
    return false;
  }
  int iterations = std::atoi(stored.substr(prefix.size(), colon - prefix.size()).c_str());
  std::vector<unsigned char> salt = base64_decode(stored.substr(colon + 1, dollar - colon - 1));
  std::vector<unsigned char> stored_key = base64_decode(stored.substr(dollar + 1, key_colon - dollar - 1));
  std::vector<unsigned char> server_key = base64_decode(stored.substr(key_colon + 1));
  if (iterations <= 0 || salt.empty() || stored_key.size() != 32 || server_key.size() != 32) {
    return false;
  }
  ScramKeys keys =
      scram_keys(password.reveal(), {reinterpret_cast<const char*>(salt.data()), salt.size()}, iterations);
  return CRYPTO_memcmp(keys.stored.data(), stored_key.data(), 32) == 0 &&
         CRYPTO_memcmp(keys.server.data(), server_key.data(), 32) == 0;
}

DbError sql_failure(const pqxx::sql_error& failure, const std::string& context,
                    int skipped_lines) {
  static const std::regex k_line(R"(\nLINE (\d+):)");
  std::string message = failure.what();
  std::smatch match;
  int line = std::regex_search(message, match, k_line) ? std::stoi(match[1]) : 0;
  std::string state = failure.sqlstate();
  // A lost or closing connection, a server shutting down or starting up, a standby refusing a
  // write: what a failover looks like from here.
  bool lost = state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03" ||
                     state == "25006";
  return DbError(lost ? DbFailure::connection_lost : DbFailure::other,
                 context + first_line(message) + (state.empty() ? "" : " (" + state + ")"), state,
                 line > skipped_lines ? line - skipped_lines : 0);
}

void rethrow(const std::exception& failure, const std::string& context) {
  if (const auto* translated = dynamic_cast<const DbError*>(&failure)) {
    throw *translated; // said in dbctl's terms already, with its own context
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&failure)) {
    throw sql_failure(*sql, context);
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&failure) != nullptr) {
    throw DbError(DbFailure::connection_lost,
                  context + "lost the connection to the server: " + first_line(failure.what()));
  }
  if (dynamic_cast<const pqxx::in_doubt_error*>(&failure) != nullptr) {
    // The connection went while COMMIT was on its way: the history read after reconnecting says
    // whether it took.
    throw DbError(DbFailure::connection_lost,
                  context + "lost the connection while committing (the history says whether it took): " +
                      first_line(failure.what()));
  }
  throw DbError(context + first_line(failure.what()));
}

} // namespace dbctl::engine::postgres
