#include "support.hpp"

#include <array>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

extern char** environ;

namespace dbctl::test {

namespace {

std::vector<std::string> child_environment(const RunOptions& options) {
  std::map<std::string, std::string> vars;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string text(*entry);
    std::size_t eq = text.find('=');
    vars[text.substr(0, eq)] = eq == std::string::npos ? "" : text.substr(eq + 1);
  }
  for (const auto& [name, value] : options.env) {
    if (value) {
      vars[name] = *value;
    } else {
      vars.erase(name);
    }
  }
  std::vector<std::string> out;
  for (const auto& [name, value] : vars) {
    out.push_back(name + "=" + value);
  }
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) {
    out.push_back(s.data());
  }
  out.push_back(nullptr);
  return out;
}

// In a forked child: change to `cwd` (when set) and run args (a path, else a name on PATH).
[[noreturn]] void exec_child(std::vector<std::string>& args, std::vector<std::string>& env,
                             const std::filesystem::path& cwd) {
  if (!cwd.empty() && chdir(cwd.c_str()) != 0) {
    _exit(126);
  }
  std::vector<char*> arg_ptrs = pointers(args);
  std::vector<char*> env_ptrs = pointers(env);
  execve(arg_ptrs[0], arg_ptrs.data(), env_ptrs.data());
  execvpe(arg_ptrs[0], arg_ptrs.data(), env_ptrs.data());
  _exit(127);
}

// Feed stdin and drain stdout/stderr together so neither pipe can fill up and block.
void pump(int in_fd, const std::string& input, int out_fd, int err_fd, Result& result) {
  std::size_t written = 0;
  if (input.empty()) {
    close(in_fd);
    in_fd = -1;
  }
  std::array<pollfd, 3> fds{{{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}, {in_fd, POLLOUT, 0}}};
  int open_outputs = 2;
  while (open_outputs > 0) {
    if (poll(fds.data(), in_fd >= 0 ? 3 : 2, -1) < 0 && errno != EINTR) {
      throw std::runtime_error("poll failed");
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) {
        continue;
      }
      char buffer[65536];
      ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        (i == 0 ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_outputs;
      }
    }
    if (in_fd >= 0 && fds[2].revents != 0) {
      ssize_t n = ::write(in_fd, input.data() + written, input.size() - written);
      written += n > 0 ? static_cast<std::size_t>(n) : 0;
      if (n <= 0 || written == input.size()) {
        close(in_fd);
        in_fd = -1;
      }
    }
  }
  if (in_fd >= 0) {
    close(in_fd);
  }
}

} // namespace

Result run(const std::vector<std::string>& argv, const RunOptions& options) {
  int in[2];
  int out[2];
  int err[2];
  if (pipe(in) != 0 || pipe(out) != 0 || pipe(err) != 0) {
    throw std::runtime_error("pipe failed");
  }
  std::vector<std::string> args = argv;
  std::vector<std::string> env = child_environment(options);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) {
      close(fd);
    }
    exec_child(args, env, options.cwd);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  Result result;
  pump(in[1], options.input, out[0], err[0], result);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

namespace {

// The built binary and its arguments, with a developer's own settings left out of the env.
std::pair<std::vector<std::string>, RunOptions> dbctl_command(const std::vector<std::string>& args,
                                                              const RunOptions& options) {
  std::vector<std::string> argv{DBCTL_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  RunOptions adjusted = options;
  for (const char* name : {"DBCTL_FILE", "DATABASE_URL", "DBCTL_DIR", "NO_COLOR", "DBCTL_STATEMENT_TIMEOUT"}) {
    adjusted.env.emplace(name, std::nullopt);
  }
  return {argv, adjusted};
}

} // namespace

Result run_dbctl(const std::vector<std::string>& args, const RunOptions& options) {
  auto [argv, adjusted] = dbctl_command(args, options);
  return run(argv, adjusted);
}

Background::Background(const std::vector<std::string>& argv, const RunOptions& options) {
  std::vector<std::string> args = argv;
  std::vector<std::string> env = child_environment(options);
  std::string out = (m_dir.path() / "out").string();
  std::string err = (m_dir.path() / "err").string();
  m_pid = fork();
  if (m_pid == 0) {
    int null_fd = open("/dev/null", O_RDONLY);
    int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(null_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    exec_child(args, env, options.cwd);
  }
  if (m_pid < 0) {
    throw std::runtime_error("fork failed");
  }
}

Background::~Background() {
  if (!m_reaped && m_pid > 0) {
    kill(m_pid, SIGKILL);
    waitpid(m_pid, &m_status, 0);
  }
}

bool Background::running() {
  if (m_reaped) {
    return false;
  }
  if (waitpid(m_pid, &m_status, WNOHANG) == m_pid) {
    m_reaped = true;
  }
  return !m_reaped;
}

bool Background::signal(int number) { return running() && kill(m_pid, number) == 0; }

Result Background::wait(int seconds) {
  for (int i = 0; i < seconds * 20 && running(); ++i) {
    usleep(50000);
  }
  bool hung = running();
  if (hung) {
    kill(m_pid, SIGKILL);
    waitpid(m_pid, &m_status, 0);
    m_reaped = true;
  }
  Result result;
  if (WIFEXITED(m_status)) {
    result.exit_code = WEXITSTATUS(m_status);
  } else if (WIFSIGNALED(m_status)) {
    result.signal = WTERMSIG(m_status);
  }
  result.out = read(m_dir.path() / "out");
  result.err = read(m_dir.path() / "err");
  INFO(result.err);
  CHECK_MESSAGE(!hung, "the process did not end within " << seconds << " s");
  return result;
}

std::unique_ptr<Background> start_dbctl(const std::vector<std::string>& args, const RunOptions& options) {
  auto [argv, adjusted] = dbctl_command(args, options);
  return std::make_unique<Background>(argv, adjusted);
}

TempDir::TempDir() {
  const char* base = std::getenv("DBCTL_TEST_TMP");
  std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/dbctl-case.XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  m_path = buffer.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
}

std::filesystem::path TempDir::write(const std::string& relative,
                                     const std::string& contents) const {
  std::filesystem::path file = m_path / relative;
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << contents;
  return file;
}

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string required_env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr || *value == '\0') {
    FAIL("environment variable " << name
                                 << " is not set: run the tests through scripts/test, which "
                                    "starts the servers");
  }
  return value;
}

std::filesystem::path source_dir() { return DBCTL_SOURCE_DIR; }

} // namespace dbctl::test

namespace dbctl::test {

Result psql(const std::string& url, const std::string& sql) {
  return run({"psql", url, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql});
}

std::string pg_admin_url(const std::string& database) {
  std::string url = required_env("DBCTL_TEST_PG_URL");
  return url.substr(0, url.rfind('/') + 1) + database;
}

std::string unique_prefix(const std::string& tag) {
  return tag + std::to_string(getpid() % 100000) + "_";
}

} // namespace dbctl::test

namespace dbctl::test {

namespace {
std::string upper(std::string text) {
  for (char& c : text) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return text;
}
} // namespace

std::string pg_query(const std::string& sql, const std::string& database) {
  Result result = psql(pg_admin_url(database), sql);
  INFO(sql << "\n" << result.err);
  REQUIRE(result.exit_code == 0);
  std::string out = result.out;
  while (!out.empty() && out.back() == '\n') {
    out.pop_back();
  }
  return out;
}

std::vector<std::filesystem::path> shipped_topologies() {
  std::vector<std::filesystem::path> files{source_dir() / "topology.yaml"};
  for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "examples")) {
    if (entry.path().extension() == ".yaml") {
      files.push_back(entry.path());
    }
  }
  return files;
}

const std::map<std::string, std::optional<std::string>>& shipped_topology_env() {
  static const std::map<std::string, std::optional<std::string>> env{
      {"DBCTL_SECRET", "s3cret"},     {"MYSQL_ROOT_PASSWORD", "r"},   {"USERS_DB_PASSWORD", "u1"},
      {"USERS_APP_PASSWORD", "u2"},   {"PRODUCTS_DB_PASSWORD", "p1"}, {"ORDERS_DB_PASSWORD", "o1"},
      {"ORDERS_APP_PASSWORD", "o2"}, {"REPORTING_PASSWORD", "r1"}};
  return env;
}

std::string json_violations(const std::string& definition, const std::string& document) {
  TempDir dir;
  std::filesystem::path file = dir.write("doc.json", document);
  Result checked = run({"python3", (source_dir() / "scripts/check-json").string(),
                        (source_dir() / "docs/schemas/output.schema.json").string(), definition,
                        file.string()});
  REQUIRE_MESSAGE(checked.exit_code != 2, checked.err);
  return checked.exit_code == 0 ? "" : checked.err + "(exit " + std::to_string(checked.exit_code) + ")";
}

TestProject::TestProject(const std::string& tag, const std::string& body, const std::string& server)
    : prefix(unique_prefix(tag)) {
  std::string text = "version: 1\nname: " + prefix + "shop\nservers:\n" + server + body;
  for (std::size_t at; (at = text.find("@P@")) != std::string::npos;) {
    text.replace(at, 3, prefix);
  }
  file = dir.write("topology.yaml", text);
}

Result TestProject::dbctl(std::vector<std::string> args,
                          std::map<std::string, std::optional<std::string>> env) const {
  args.insert(args.begin(), {"-f", file.string()});
  env.emplace("DBCTL_SECRET", "test-secret-" + prefix);
  return run_dbctl(args, {{}, env, {}});
}

std::unique_ptr<Background> TestProject::start(std::vector<std::string> args,
                                               std::map<std::string, std::optional<std::string>> env) const {
  args.insert(args.begin(), {"-f", file.string()});
  env.emplace("DBCTL_SECRET", "test-secret-" + prefix);
  return start_dbctl(args, {{}, env, {}});
}

std::string TestProject::url(const std::string& service, const std::string& role,
                             std::map<std::string, std::optional<std::string>> vars) const {
  std::vector<std::string> args{"env"};
  if (!role.empty()) {
    args.insert(args.end(), {"--role", role});
  }
  Result env = dbctl(args, std::move(vars));
  INFO(env.err);
  REQUIRE(env.exit_code == 0);
  std::string needle = upper(prefix + service) + "_DATABASE_URL=";
  std::size_t at = env.out.find(needle);
  REQUIRE(at != std::string::npos);
  std::string rest = env.out.substr(at + needle.size());
  return rest.substr(0, rest.find('\n'));
}

std::filesystem::path TestProject::write(const std::string& relative, const std::string& text) const {
  std::string resolved = relative;
  for (std::size_t at; (at = resolved.find("@P@")) != std::string::npos;) {
    resolved.replace(at, 3, prefix);
  }
  return dir.write(resolved, text);
}

} // namespace dbctl::test

namespace dbctl::test {

Result mysql(const std::string& sql, const std::string& database, const std::string& user,
             const std::string& password) {
  // mysql://root:PASSWORD@127.0.0.1:PORT/
  std::string url = required_env("DBCTL_TEST_MYSQL_URL");
  std::string rest = url.substr(std::string("mysql://root:").size());
  std::string admin_password = rest.substr(0, rest.rfind('@'));
  std::string port = rest.substr(rest.rfind(':') + 1);
  port = port.substr(0, port.find('/'));
  std::vector<std::string> argv{"mariadb", "--no-defaults", "-h", "127.0.0.1", "-P", port, "-u",
                                user.empty() ? "root" : user, "-N", "-B", "-e", sql};
  if (!database.empty()) {
    argv.push_back(database);
  }
  return run(argv, {{}, {{"MYSQL_PWD", user.empty() ? admin_password : password}}, {}});
}

std::string mysql_query(const std::string& sql, const std::string& database) {
  Result result = mysql(sql, database);
  INFO(sql << "\n" << result.err);
  REQUIRE(result.exit_code == 0);
  std::string out = result.out;
  while (!out.empty() && out.back() == '\n') {
    out.pop_back();
  }
  return out;
}

} // namespace dbctl::test
