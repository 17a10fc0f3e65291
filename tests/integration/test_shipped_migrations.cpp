// The shipped demo and example migrations are real SQL: they apply on the real servers with
// the engines' own clients (so later dbctl tests start from content known to be valid).
#include "support.hpp"

#include <algorithm>

#include <doctest/doctest.h>

using namespace dbctl::test;

namespace {

std::vector<std::filesystem::path> versioned_files(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("V", 0) == 0 || name.rfind("R__", 0) == 0) {
      files.push_back(entry.path());
    }
  }
  // Versions here are single integers; repeatables (R__) sort after V by name.
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
    std::string x = a.filename().string();
    std::string y = b.filename().string();
    if (x[0] != y[0]) {
      return x[0] > y[0];
    }
    return std::stoi(x.substr(1)) < std::stoi(y.substr(1));
  });
  return files;
}

struct MysqlLogin {
  std::string port;
  std::string password;
};

MysqlLogin mysql_login() {
  std::string url = required_env("DBCTL_TEST_MYSQL_URL");
  std::string rest = url.substr(std::string("mysql://root:").size());
  std::string password = rest.substr(0, rest.rfind('@'));
  std::string port = rest.substr(rest.rfind(':') + 1);
  return {port.substr(0, port.find('/')), password};
}

} // namespace

TEST_SUITE("shipped migrations") {
  TEST_CASE("the demo's PostgreSQL migrations apply in order on PostgreSQL 15") {
    std::string admin = required_env("DBCTL_TEST_PG_URL");
    for (const char* service : {"users", "products", "orders"}) {
      CAPTURE(service);
      std::string database = std::string("shipped_") + service;
      run({"psql", admin, "-Xqc", "DROP DATABASE IF EXISTS " + database});
      REQUIRE(run({"psql", admin, "-Xqc", "CREATE DATABASE " + database}).exit_code == 0);
      std::string url = admin.substr(0, admin.rfind('/') + 1) + database;
      REQUIRE(run({"psql", url, "-Xqc", "CREATE EXTENSION citext"}).exit_code == 0);
      for (const auto& file : versioned_files(source_dir() / "migrations" / service)) {
        CAPTURE(file);
        bool no_transaction = read(file).rfind("-- dbctl:no-transaction", 0) == 0;
        std::vector<std::string> argv{"psql", url, "-Xq", "-v", "ON_ERROR_STOP=1", "-f", file.string()};
        if (!no_transaction) {
          argv.push_back("-1");
        }
        Result result = run(argv);
        INFO(result.err);
        CHECK(result.exit_code == 0);
      }
      run({"psql", admin, "-Xqc", "DROP DATABASE IF EXISTS " + database});
    }
  }

  TEST_CASE("the MySQL example migrations - DELIMITER blocks included - apply on MariaDB") {
    MysqlLogin login = mysql_login();
    for (const char* service : {"users", "orders"}) {
      CAPTURE(service);
      std::string database = std::string("shipped_") + service;
      RunOptions options{{}, {{"MYSQL_PWD", login.password}}, {}};
      std::vector<std::string> base{"mariadb", "--no-defaults", "-h", "127.0.0.1", "-P", login.port, "-u", "root"};
      auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> argv = base;
        argv.insert(argv.end(), extra.begin(), extra.end());
        return argv;
      };
      REQUIRE(run(with({"-e", "DROP DATABASE IF EXISTS " + database + "; CREATE DATABASE " + database}),
                  options)
                  .exit_code == 0);
      for (const auto& file : versioned_files(source_dir() / "examples" / "mysql" / service)) {
        CAPTURE(file);
        RunOptions feed = options;
        feed.input = read(file);
        Result result = run(with({database}), feed);
        INFO(result.err);
        CHECK(result.exit_code == 0);
      }
      run(with({"-e", "DROP DATABASE IF EXISTS " + database}), options);
    }
  }
}
