#include "resp.hpp"

#include "dbctl/engine/error.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace dbctl::engine::redis {

const Reply* Reply::field(std::string_view name) const {
  for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
    if (items[i].text == name) {
      return &items[i + 1];
    }
  }
  return nullptr;
}

std::string encode(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& arg : args) {
    out += "$" + std::to_string(arg.size()) + "\r\n";
    out += arg;
    out += "\r\n";
  }
  return out;
}

bool decode(std::string_view data, std::size_t& at, Reply& out) {
  std::size_t end = data.find("\r\n", at);
  if (at >= data.size() || end == std::string_view::npos) {
    return false;
  }
  char type = data[at];
  std::string line(data.substr(at + 1, end - at - 1));
  std::size_t next = end + 2;
  auto number = [&]() {
    try {
      std::size_t used = 0;
      long long value = std::stoll(line, &used);
      if (used != line.size()) {
        throw std::invalid_argument(line);
      }
      return value;
    } catch (const std::exception&) {
      throw DbError("Redis sent a malformed reply ('" + std::string(1, type) + line + "')");
    }
  };
  switch (type) {
  case '+':
  case '-':
    out.type = type == '+' ? Reply::Type::status : Reply::Type::error;
    out.text = std::move(line);
    break;
  case ':':
    out.type = Reply::Type::integer;
    out.integer = number();
    break;
  case '$': {
    long long size = number();
    if (size < 0) {
      out.type = Reply::Type::nil;
      break;
    }
    if (data.size() < next + static_cast<std::size_t>(size) + 2) {
      return false;
    }
    out.type = Reply::Type::bulk;
    out.text = std::string(data.substr(next, static_cast<std::size_t>(size)));
    next += static_cast<std::size_t>(size) + 2;
    break;
  }
  case '*': {
    long long count = number();
    if (count < 0) {
      out.type = Reply::Type::nil;
      break;
    }
    out.type = Reply::Type::array;
    out.items.clear();
    for (long long i = 0; i < count; ++i) {
      Reply item;
      if (!decode(data, next, item)) {
        return false;
      }
      out.items.push_back(std::move(item));
    }
    break;
  }
  default:
    throw DbError("Redis sent a reply of unknown type '" + std::string(1, type) + "'");
  }
  at = next;
  return true;
}

struct Connection::Tls {
  SSL_CTX* context = nullptr;
  SSL* ssl = nullptr;
  ~Tls() {
    if (ssl != nullptr) {
      SSL_free(ssl);
    }
    if (context != nullptr) {
      SSL_CTX_free(context);
    }
  }
};

namespace {

std::string option(const topology::Server& server, const std::string& key) {
  for (const auto& [name, value] : server.options) {
    if (name == key) {
      return value;
    }
  }
  return {};
}

std::string tls_error() {
  unsigned long code = ERR_get_error();
  if (code == 0) {
    return "unknown TLS error";
  }
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

// Connect to one address within the deadline (a non-blocking connect polled for).
int connect_to(const addrinfo& address, int timeout_ms, std::string& error) {
  int fd = ::socket(address.ai_family, address.ai_socktype | SOCK_CLOEXEC, address.ai_protocol);
  if (fd < 0) {
    error = std::strerror(errno);
    return -1;
  }
  int flags = fcntl(fd, F_GETFL, 0);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  int rc = ::connect(fd, address.ai_addr, address.ai_addrlen);
  if (rc != 0 && errno == EINPROGRESS) {
    pollfd wait{fd, POLLOUT, 0};
    rc = ::poll(&wait, 1, timeout_ms);
    if (rc == 0) {
      error = "timed out after " + std::to_string(timeout_ms / 1000) + " s";
      ::close(fd);
      return -1;
    }
    int result = 0;
    socklen_t size = sizeof result;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &result, &size);
    rc = result == 0 ? 0 : -1;
    errno = result;
  }
  if (rc != 0) {
    error = std::strerror(errno);
    ::close(fd);
    return -1;
  }
  fcntl(fd, F_SETFL, flags);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

} // namespace

Connection::Connection(const topology::Server& server, std::chrono::seconds timeout, std::chrono::seconds read_timeout)
    : m_host(server.host), m_port(server.port) {
  if (std::string given = option(server, "connect_timeout"); !given.empty()) {
    timeout = std::chrono::seconds(std::atoi(given.c_str()));
  }
  int timeout_ms = static_cast<int>(std::max<long long>(1, timeout.count()) * 1000);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = ::getaddrinfo(m_host.c_str(), std::to_string(m_port).c_str(), &hints, &found);
  if (rc != 0) {
    throw DbError("cannot resolve Redis host " + m_host + ": " + gai_strerror(rc));
  }
  std::string error;
  for (addrinfo* each = found; each != nullptr && m_socket.fd < 0; each = each->ai_next) {
    m_socket.fd = connect_to(*each, timeout_ms, error);
  }
  ::freeaddrinfo(found);
  if (m_socket.fd < 0) {
    throw DbError("cannot connect to Redis at " + describe() + ": " + error);
  }
  if (read_timeout.count() > 0) {
    timeval limit{static_cast<time_t>(read_timeout.count()), 0};
    setsockopt(m_socket.fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  }
  if (server.tls) {
    m_tls = std::make_unique<Tls>();
    m_tls->context = SSL_CTX_new(TLS_client_method());
    std::string ca = option(server, "cacert");
    std::string cert = option(server, "cert");
    std::string key = option(server, "key");
    bool loaded = ca.empty() ? SSL_CTX_set_default_verify_paths(m_tls->context) == 1
                             : SSL_CTX_load_verify_locations(m_tls->context, ca.c_str(), nullptr) == 1;
    if (!loaded) {
      throw DbError("Redis at " + describe() + ": cannot load the CA " + (ca.empty() ? "store" : ca) + ": " + tls_error());
    }
    if (!cert.empty() && (SSL_CTX_use_certificate_chain_file(m_tls->context, cert.c_str()) != 1 ||
                          SSL_CTX_use_PrivateKey_file(m_tls->context, (key.empty() ? cert : key).c_str(),
                                                      SSL_FILETYPE_PEM) != 1)) {
      throw DbError("Redis at " + describe() + ": cannot load the client certificate " + cert + ": " + tls_error());
    }
    SSL_CTX_set_verify(m_tls->context, SSL_VERIFY_PEER, nullptr);
    m_tls->ssl = SSL_new(m_tls->context);
    SSL_set_fd(m_tls->ssl, m_socket.fd);
    SSL_set_tlsext_host_name(m_tls->ssl, m_host.c_str());
    SSL_set1_host(m_tls->ssl, m_host.c_str());
    if (SSL_connect(m_tls->ssl) != 1) {
      std::string why = tls_error();
      long verify = SSL_get_verify_result(m_tls->ssl);
      if (verify != X509_V_OK) {
        why = X509_verify_cert_error_string(verify);
      }
      throw DbError("TLS to Redis at " + describe() + " failed: " + why);
    }
  }
  if (server.password && !server.password->empty()) {
    Reply auth = call({"AUTH", server.user.empty() ? "default" : server.user, server.password->reveal()});
    if (auth.type == Reply::Type::error) {
      throw DbError(DbFailure::login_refused, "Redis at " + describe() + " refused user " +
                                                  (server.user.empty() ? "default" : server.user) + ": " + auth.text);
    }
  }
}

Connection::Socket::~Socket() {
  if (fd >= 0) {
    ::close(fd);
  }
}

Connection::~Connection() = default;

std::string Connection::describe() const { return m_host + ":" + std::to_string(m_port); }

void Connection::cancel() noexcept {
  if (m_socket.fd >= 0) {
    ::shutdown(m_socket.fd, SHUT_RDWR);
  }
}

void Connection::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    long n = m_tls ? SSL_write(m_tls->ssl, bytes.data() + sent, static_cast<int>(bytes.size() - sent))
                   : ::send(m_socket.fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      if (!m_tls && n < 0 && errno == EINTR) {
        continue;
      }
      throw DbError("lost the connection to Redis at " + describe() + " while sending: " +
                    (m_tls ? tls_error() : std::string(std::strerror(errno))));
    }
    sent += static_cast<std::size_t>(n);
  }
}

Reply Connection::receive() {
  for (;;) {
    Reply reply;
    std::size_t at = m_at;
    if (decode(m_buffer, at, reply)) {
      m_at = at;
      if (m_at == m_buffer.size()) {
        m_buffer.clear();
        m_at = 0;
      }
      return reply;
    }
    char chunk[16384];
    long n = m_tls ? SSL_read(m_tls->ssl, chunk, sizeof chunk) : ::recv(m_socket.fd, chunk, sizeof chunk, 0);
    if (n <= 0) {
      if (!m_tls && n < 0 && errno == EINTR) {
        continue;
      }
      bool timed_out = !m_tls && n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
      throw DbError("lost the connection to Redis at " + describe() +
                    (timed_out ? ": no reply within the statement timeout" : n == 0 ? ": closed" : ": " + std::string(std::strerror(errno))));
    }
    m_buffer.append(chunk, static_cast<std::size_t>(n));
  }
}

Reply Connection::call(const std::vector<std::string>& args) {
  send(encode(args));
  return receive();
}

Reply Connection::command(const std::vector<std::string>& args) {
  Reply reply = call(args);
  if (reply.type == Reply::Type::error) {
    throw DbError("Redis at " + describe() + ": " + args.front() + (args.size() > 1 ? " " + args[1] : "") +
                  ": " + reply.text);
  }
  return reply;
}

} // namespace dbctl::engine::redis
