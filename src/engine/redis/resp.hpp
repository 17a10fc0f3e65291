#pragma once
// A Redis connection speaking RESP2 over TCP, or TLS through OpenSSL. Debian 12's hiredis
// (0.14) has no TLS, and the few commands dbctl sends need nothing more than this.
#include "dbctl/topology/model.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dbctl::engine::redis {

/// One reply, as RESP2 gives it.
struct Reply {
  enum class Type { status, error, integer, bulk, nil, array };
  Type type = Type::nil;
  std::string text;       ///< status, error and bulk
  long long integer = 0;  ///< integer
  std::vector<Reply> items; ///< array

  /// Return the field `name` of a reply that is a flat array of name/value pairs, or nullptr.
  const Reply* field(std::string_view name) const;
};

/// Return the bytes of one command in RESP2 (an array of bulk strings).
std::string encode(const std::vector<std::string>& args);

/// Read one reply from `data` starting at `at`; return false when the data ends before it does
/// (read more and call again). Throws DbError for bytes that are not RESP2.
bool decode(std::string_view data, std::size_t& at, Reply& out);

/// A connection, logged in as the server's admin (or as `user`/`password` when given).
class Connection {
public:
  /// Connect within `timeout`, then AUTH. Throws DbError (login_refused for a refused AUTH).
  Connection(const topology::Server& server, std::chrono::seconds timeout, std::chrono::seconds read_timeout);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Send one command and return its reply; an error reply is returned, not thrown. Throws
  /// DbError when the connection fails.
  Reply call(const std::vector<std::string>& args);
  /// The same, throwing DbError with the server's message for an error reply.
  Reply command(const std::vector<std::string>& args);
  /// Make a blocked call return (from another thread): the socket is shut down.
  void cancel() noexcept;

private:
  void send(const std::string& bytes);
  Reply receive();
  std::string describe() const;

  struct Tls;
  /// The socket, closed by its destructor (also when the constructor throws).
  struct Socket {
    int fd = -1;
    Socket() = default;
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    ~Socket();
  };
  Socket m_socket; // declared before m_tls: TLS ends before the socket closes
  std::unique_ptr<Tls> m_tls;
  std::string m_host;
  int m_port = 0;
  std::string m_buffer;
  std::size_t m_at = 0;
};

} // namespace dbctl::engine::redis
