#include "dbctl/util/process.hpp"

#include "temp_dir.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <cstdlib>
#include <fstream>

using namespace dbctl::util;

namespace {

struct Captured {
  std::vector<std::string> out;
  std::vector<std::string> err;
};

ProcessResult sh(const std::string& script, Captured& captured, ProcessSpec spec = {}) {
  spec.argv = {"/bin/sh", "-c", script};
  spec.on_line = [&](Stream stream, std::string_view line) {
    (stream == Stream::out ? captured.out : captured.err).emplace_back(line);
  };
  return run_process(spec);
}

} // namespace

TEST_SUITE("util::process") {
  TEST_CASE("each stream's lines arrive apart and the exit status is the child's") {
    Captured captured;
    ProcessResult result = sh("echo one; echo two >&2; printf 'three\\r\\nfour'; exit 3", captured);
    CHECK(result.started);
    CHECK(result.exit_code == 3);
    CHECK(captured.out == std::vector<std::string>{"one", "three", "four"});
    CHECK(captured.err == std::vector<std::string>{"two"});
  }

  TEST_CASE("the child gets the variables set and not those unset - in its own folder") {
    dbctl::unit::TempDir dir;
    ::setenv("DBCTL_TEST_PROCESS_GONE", "x", 1);
    ::setenv("DBCTL_TEST_PROCESS_KEPT", "kept", 1);
    ProcessSpec spec;
    spec.cwd = dir.path();
    spec.env = {{"DBCTL_TEST_PROCESS_SET", "a b=c"}};
    spec.unset = {"DBCTL_TEST_PROCESS_GONE"};
    Captured captured;
    sh("echo \"$DBCTL_TEST_PROCESS_SET|${DBCTL_TEST_PROCESS_GONE-unset}|$DBCTL_TEST_PROCESS_KEPT\"; pwd", captured, spec);
    REQUIRE(captured.out.size() == 2);
    CHECK(captured.out[0] == "a b=c|unset|kept");
    CHECK(std::filesystem::equivalent(captured.out[1], dir.path()));
  }

  TEST_CASE("a time limit ends the child and what it started") {
    Captured captured;
    ProcessSpec spec;
    spec.timeout = std::chrono::milliseconds(300);
    auto began = std::chrono::steady_clock::now();
    ProcessResult result = sh("sleep 30 & sleep 30; echo never", captured, spec);
    CHECK(result.timed_out);
    CHECK(result.exit_code == 128 + SIGTERM);
    CHECK(captured.out.empty());
    CHECK(std::chrono::steady_clock::now() - began < std::chrono::seconds(10));
  }

  TEST_CASE("an interruption ends the child") {
    Interrupt interrupt;
    interrupt.request(SIGINT);
    ProcessSpec spec;
    spec.interrupt = &interrupt;
    Captured captured;
    ProcessResult result = sh("sleep 30", captured, spec);
    CHECK(result.interrupted);
    CHECK(result.exit_code != 0);
  }

  TEST_CASE("a program that cannot start says why") {
    ProcessSpec spec;
    spec.argv = {"/nonexistent/dbctl-no-such-program"};
    ProcessResult result = run_process(spec);
    CHECK_FALSE(result.started);
    CHECK(result.exit_code == 127);
    CHECK(result.error.find("/nonexistent/dbctl-no-such-program") != std::string::npos);
  }

  TEST_CASE("programs are found on PATH or relative to the folder") {
    dbctl::unit::TempDir dir;
    CHECK(find_program("sh", {}).has_value());
    CHECK_FALSE(find_program("dbctl-no-such-program", {}).has_value());
    std::filesystem::path script = dir.path() / "run.sh";
    std::ofstream(script) << "#!/bin/sh\n";
    CHECK_FALSE(find_program("./run.sh", dir.path()).has_value()); // not executable yet
    std::filesystem::permissions(script, std::filesystem::perms::owner_exec, std::filesystem::perm_options::add);
    CHECK(find_program("./run.sh", dir.path()) == dir.path() / "./run.sh");
    CHECK_FALSE(find_program("", {}).has_value());
  }

  TEST_CASE("command lines quote what a shell would split") {
    CHECK(command_line({"alembic", "upgrade", "head"}) == "alembic upgrade head");
    CHECK(command_line({"sh", "-c", "echo it's"}) == "sh -c 'echo it'\\''s'");
    CHECK(command_line({""}) == "''");
  }
}
