#include "dbctl/util/process.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace dbctl::util {

namespace {

using Clock = std::chrono::steady_clock;

// The child's environment: dbctl's, less what is unset or replaced, plus what is set.
std::vector<std::string> environment_of(const ProcessSpec& spec) {
  auto replaced = [&](std::string_view entry) {
    std::string_view name = entry.substr(0, entry.find('='));
    for (const auto& [key, value] : spec.env) {
      if (name == key) {
        return true;
      }
    }
    for (const auto& key : spec.unset) {
      if (name == key) {
        return true;
      }
    }
    return false;
  };
  std::vector<std::string> out;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (!replaced(*entry)) {
      out.emplace_back(*entry);
    }
  }
  for (const auto& [key, value] : spec.env) {
    out.push_back(key + "=" + value);
  }
  return out;
}

// Hands complete lines of one stream to on_line; the rest waits for more (or the end).
struct LineBuffer {
  Stream stream;
  std::string pending;
  int fd = -1;

  void add(const char* data, std::size_t size, const ProcessSpec& spec) {
    pending.append(data, size);
    std::size_t start = 0;
    for (std::size_t end = pending.find('\n'); end != std::string::npos; end = pending.find('\n', start)) {
      std::string_view line(pending.data() + start, end - start);
      if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
      }
      spec.on_line(stream, line);
      start = end + 1;
    }
    pending.erase(0, start);
  }

  void finish(const ProcessSpec& spec) {
    if (!pending.empty()) {
      spec.on_line(stream, pending);
      pending.clear();
    }
  }
};

// Close a pipe's ends (skipping those already closed).
void close_all(std::array<int, 4>& fds) {
  for (int& fd : fds) {
    if (fd >= 0) {
      ::close(fd);
      fd = -1;
    }
  }
}

int status_code(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

} // namespace

std::optional<std::filesystem::path> find_program(const std::string& name, const std::filesystem::path& cwd) {
  auto runnable = [](const std::filesystem::path& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(path.c_str(), X_OK) == 0;
  };
  if (name.empty()) {
    return std::nullopt;
  }
  if (name.find('/') != std::string::npos) {
    std::filesystem::path path = std::filesystem::path(name).is_absolute() || cwd.empty() ? std::filesystem::path(name) : cwd / name;
    return runnable(path) ? std::optional(path) : std::nullopt;
  }
  const char* path_variable = std::getenv("PATH");
  std::string_view dirs = path_variable != nullptr ? path_variable : "/usr/local/bin:/usr/bin:/bin";
  while (true) {
    std::size_t colon = dirs.find(':');
    std::string_view dir = dirs.substr(0, colon);
    std::filesystem::path path = std::filesystem::path(dir.empty() ? "." : std::string(dir)) / name;
    if (runnable(path)) {
      return path;
    }
    if (colon == std::string_view::npos) {
      return std::nullopt;
    }
    dirs.remove_prefix(colon + 1);
  }
}

std::string missing_program(const std::string& name, const std::filesystem::path& cwd) {
  if (name.find('/') == std::string::npos) {
    return name + " is not on PATH";
  }
  return name + " is not an executable file" + (cwd.empty() ? "" : " (in " + cwd.string() + ")");
}

std::string command_line(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& word : argv) {
    out += out.empty() ? "" : " ";
    if (!word.empty() && word.find_first_of(" \t\n'\"\\$`") == std::string::npos) {
      out += word;
      continue;
    }
    out += "'";
    for (char c : word) {
      out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    out += "'";
  }
  return out;
}

ProcessResult run_process(const ProcessSpec& spec) {
  ProcessResult result;
  auto fail = [&](const std::string& why) {
    result.started = false;
    result.exit_code = 127;
    result.error = why;
    return result;
  };
  if (spec.argv.empty()) {
    return fail("no program given");
  }
  // out read, out write, err read, err write
  std::array<int, 4> fds{-1, -1, -1, -1};
  bool capture = static_cast<bool>(spec.on_line);
  if (capture && (::pipe2(fds.data(), O_CLOEXEC) != 0 || ::pipe2(fds.data() + 2, O_CLOEXEC) != 0)) {
    close_all(fds);
    return fail(std::string("cannot make a pipe: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  if (capture) {
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fds[3], STDERR_FILENO);
  } else {
    posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO); // stdout is dbctl's results
  }
  if (!spec.cwd.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, spec.cwd.c_str());
  }
  // dbctl blocks SIGINT and SIGTERM in every thread (its signal watcher takes them); the child
  // starts with none blocked and default handlers, in a process group of its own.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigset_t defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

  std::vector<std::string> env = environment_of(spec);
  std::vector<char*> envp;
  for (auto& item : env) {
    envp.push_back(item.data());
  }
  envp.push_back(nullptr);
  std::vector<std::string> words = spec.argv;
  std::vector<char*> argv;
  for (auto& word : words) {
    argv.push_back(word.data());
  }
  argv.push_back(nullptr);

  pid_t pid = 0;
  int failed = posix_spawn(&pid, words.front().c_str(), &actions, &attributes, argv.data(), envp.data());
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  if (failed != 0) {
    close_all(fds);
    return fail("cannot start " + spec.argv.front() + ": " + std::strerror(failed));
  }
  // The write ends are the child's now.
  for (int index : {1, 3}) {
    if (fds[index] >= 0) {
      ::close(fds[index]);
      fds[index] = -1;
    }
  }

  auto began = Clock::now();
  std::optional<Clock::time_point> terminated; // when SIGTERM was sent
  auto stop = [&](bool& flag) {
    if (!terminated) {
      flag = true;
      terminated = Clock::now();
      ::kill(-pid, SIGTERM);
    }
  };
  std::array<LineBuffer, 2> buffers{LineBuffer{Stream::out, {}, fds[0]}, LineBuffer{Stream::err, {}, fds[2]}};
  std::optional<int> status;
  std::optional<Clock::time_point> exited;
  while (true) {
    if (spec.timeout && Clock::now() - began >= *spec.timeout) {
      stop(result.timed_out);
    }
    if (interrupted(spec.interrupt)) {
      stop(result.interrupted);
    }
    if (terminated && Clock::now() - *terminated >= std::chrono::seconds(5)) {
      ::kill(-pid, SIGKILL);
    }
    if (!status) {
      int raw = 0;
      pid_t done = ::waitpid(pid, &raw, WNOHANG);
      if (done == pid) {
        status = raw;
        exited = Clock::now();
      }
    }
    std::vector<pollfd> polls;
    for (auto& buffer : buffers) {
      if (buffer.fd >= 0) {
        polls.push_back({buffer.fd, POLLIN, 0});
      }
    }
    // Done once the child ended and its streams closed (or, when a process it left behind
    // holds them open, a second after it ended).
    if (status && (polls.empty() || Clock::now() - *exited >= std::chrono::seconds(1))) {
      break;
    }
    if (polls.empty()) {
      ::poll(nullptr, 0, 20); // the child writes to dbctl's stderr: only its end to wait for
      continue;
    }
    int ready = ::poll(polls.data(), polls.size(), 100);
    if (ready <= 0) {
      continue;
    }
    for (const auto& item : polls) {
      if ((item.revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
        continue;
      }
      LineBuffer& buffer = item.fd == buffers[0].fd ? buffers[0] : buffers[1];
      std::array<char, 8192> chunk{};
      ssize_t got = ::read(item.fd, chunk.data(), chunk.size());
      if (got > 0) {
        buffer.add(chunk.data(), static_cast<std::size_t>(got), spec);
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        buffer.finish(spec);
        ::close(buffer.fd);
        buffer.fd = -1;
      }
    }
  }
  for (auto& buffer : buffers) {
    if (buffer.fd >= 0) {
      buffer.finish(spec);
      ::close(buffer.fd);
    }
  }
  result.exit_code = status_code(*status);
  return result;
}

} // namespace dbctl::util
