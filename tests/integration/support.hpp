#pragma once
// Helpers for integration tests: run the built dbctl like a user would, make temp folders.
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dbctl::test {

/// What a finished process left behind.
struct Result {
  int exit_code = -1; ///< -1 when killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
};

/// Options for one run.
struct RunOptions {
  std::filesystem::path cwd;                             ///< default: the current folder
  std::map<std::string, std::optional<std::string>> env; ///< set (value) or unset (nullopt)
  std::string input;                                     ///< fed to stdin
};

/// Run a program with arguments, capturing stdout and stderr.
Result run(const std::vector<std::string>& argv, const RunOptions& options = {});

/// Run the built dbctl binary.
Result run_dbctl(const std::vector<std::string>& args, const RunOptions& options = {});

/// A fresh folder removed when the object goes away.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  /// Write a file (creating parent folders) and return its path.
  std::filesystem::path write(const std::string& relative, const std::string& contents) const;

private:
  std::filesystem::path m_path;
};

/// A process running in the background, its stdout and stderr going to files; killed (SIGKILL)
/// and reaped when the object goes, if still running.
class Background {
public:
  /// Start argv (a path or a name on PATH) with the options' cwd and env (no input).
  Background(const std::vector<std::string>& argv, const RunOptions& options = {});
  ~Background();
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  int pid() const { return m_pid; }
  /// Tell whether it is still running (not yet reaped).
  bool running();
  /// Send a signal; false when it had already ended.
  bool signal(int number);
  /// Wait for it to end, at most `seconds` (then SIGKILL, and the test fails); return what it left.
  Result wait(int seconds = 120);

private:
  TempDir m_dir;
  int m_pid = -1;
  bool m_reaped = false;
  int m_status = 0;
};

/// Start the built dbctl in the background (the same environment clean-up as run_dbctl).
std::unique_ptr<Background> start_dbctl(const std::vector<std::string>& args, const RunOptions& options = {});

/// Return the file's contents.
std::string read(const std::filesystem::path& path);

/// Return an environment variable the test script must set; fails the test when missing.
std::string required_env(const std::string& name);

/// The shipped source tree (for topology.yaml, examples/).
std::filesystem::path source_dir();

} // namespace dbctl::test

namespace dbctl::test {

/// Run SQL through psql against a URL; stdout is unaligned, tuples only.
Result psql(const std::string& url, const std::string& sql);

/// The test PostgreSQL server's admin URL with another database in its path.
std::string pg_admin_url(const std::string& database = "postgres");

/// A name prefix unique to this test process and case, so parallel cases never collide.
std::string unique_prefix(const std::string& tag);

/// Run SQL as the test server's admin in a database; the test fails unless it succeeds.
/// Returns stdout without its trailing newlines.
std::string pg_query(const std::string& sql, const std::string& database = "postgres");

/// Run SQL on the test MariaDB server as `user` (the admin, root, when empty) in `database`.
Result mysql(const std::string& sql, const std::string& database = "", const std::string& user = "",
             const std::string& password = "");

/// Run SQL as the MariaDB admin; the test fails unless it succeeds. Returns stdout (no
/// column names, tab-separated) without trailing newlines.
std::string mysql_query(const std::string& sql, const std::string& database = "");

/// The shipped topologies: topology.yaml and examples/*.yaml.
std::vector<std::filesystem::path> shipped_topologies();

/// Check a JSON document against one definition of docs/schemas/output.schema.json (by
/// scripts/check-json); return the violations, "" when none.
std::string json_violations(const std::string& definition, const std::string& document);

/// The variables the shipped topologies read (none of their servers is contacted with them).
const std::map<std::string, std::optional<std::string>>& shipped_topology_env();

/// A topology in a temp folder whose servers.pg is the test PostgreSQL server; "@P@" in the
/// text becomes a prefix unique to the test case, so cases running in parallel never collide.
struct TestProject {
  TempDir dir;
  std::string prefix;
  std::filesystem::path file;

  TestProject(const std::string& tag, const std::string& body,
              const std::string& server = "  pg: {url: \"${DBCTL_TEST_PG_URL}\"}\n");
  /// Run dbctl on this topology (DBCTL_SECRET set per project).
  Result dbctl(std::vector<std::string> args,
               std::map<std::string, std::optional<std::string>> env = {}) const;
  /// Start dbctl on this topology in the background.
  std::unique_ptr<Background> start(std::vector<std::string> args,
                                    std::map<std::string, std::optional<std::string>> env = {}) const;
  /// The URL `env` prints for a service (and tenant), e.g. "users" or "crm_acme": as the app
  /// role where one exists, or as `role` when given.
  std::string url(const std::string& service, const std::string& role = "",
                  std::map<std::string, std::optional<std::string>> vars = {}) const;
  /// Write a file in the project's folder (e.g. a migration) and return its path.
  std::filesystem::path write(const std::string& relative, const std::string& text) const;
};

} // namespace dbctl::test
