#pragma once
// Helpers for integration tests: run the built dbctl like a user would, make temp folders.
#include <filesystem>
#include <map>
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

} // namespace dbctl::test
