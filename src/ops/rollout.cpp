#include "dbctl/ops/rollout.hpp"

#include <algorithm>
#include <cmath>
#include <cerrno>
#include <cstdlib>
#include <map>

#include <csignal>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace dbctl::ops {

namespace {

std::optional<WaveSize> parse_one(const std::string& word) {
  if (word.empty()) {
    return std::nullopt;
  }
  bool percent = word.back() == '%';
  std::string number = percent ? word.substr(0, word.size() - 1) : word;
  if (number.empty() || number.find_first_not_of("0123456789.") != std::string::npos ||
      (!percent && number.find('.') != std::string::npos)) {
    return std::nullopt;
  }
  char* end = nullptr;
  double value = std::strtod(number.c_str(), &end);
  if (end == nullptr || *end != '\0' || value <= 0 || (percent && value > 100)) {
    return std::nullopt;
  }
  return WaveSize{value, percent};
}

std::size_t reach(const WaveSize& size, std::size_t total) {
  if (!size.percent) {
    return std::min(total, static_cast<std::size_t>(size.value));
  }
  return std::min(total, static_cast<std::size_t>(std::ceil(static_cast<double>(total) * size.value / 100.0 - 1e-9)));
}

} // namespace

std::optional<std::vector<WaveSize>> parse_waves(std::string_view text, std::string& error) {
  std::vector<WaveSize> out;
  std::string word;
  std::string rest(text);
  rest += ',';
  for (char c : rest) {
    if (c != ',') {
      word += c;
      continue;
    }
    std::optional<WaveSize> size = parse_one(word);
    if (!size) {
      error = "'" + word + "' is not a wave size: a number of targets (5) or a percentage (10%)";
      return std::nullopt;
    }
    if (!out.empty() && out.back().percent == size->percent && size->value <= out.back().value) {
      error = "'" + word + "' does not reach further than the wave before it";
      return std::nullopt;
    }
    out.push_back(*size);
    word.clear();
  }
  return out;
}

std::vector<std::vector<std::size_t>> plan_waves(const std::vector<targets::Target>& targets,
                                                 const std::vector<WaveSize>& sizes) {
  // Canaries first, in their order; then each server's targets in their order, servers in
  // order of first appearance, taken in turn.
  std::vector<std::size_t> order;
  std::vector<const topology::Server*> servers;
  std::map<const topology::Server*, std::vector<std::size_t>> by_server;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (targets[i].canary) {
      order.push_back(i);
      continue;
    }
    auto& list = by_server[targets[i].server];
    if (list.empty()) {
      servers.push_back(targets[i].server);
    }
    list.push_back(i);
  }
  for (std::size_t round = 0; order.size() < targets.size(); ++round) {
    for (const auto* server : servers) {
      const auto& list = by_server[server];
      if (round < list.size()) {
        order.push_back(list[round]);
      }
    }
  }
  std::vector<std::vector<std::size_t>> waves;
  std::size_t from = 0;
  for (const auto& size : sizes) {
    std::size_t to = reach(size, order.size());
    if (to > from) {
      waves.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(from), order.begin() + static_cast<std::ptrdiff_t>(to));
      from = to;
    }
  }
  if (from < order.size()) {
    waves.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(from), order.end());
  }
  return waves;
}

int run_wave_check(const std::string& command, std::size_t wave, std::size_t waves) {
  std::vector<std::string> env{"DBCTL_WAVE=" + std::to_string(wave), "DBCTL_WAVES=" + std::to_string(waves)};
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string_view item(*entry);
    if (item.rfind("DBCTL_WAVE=", 0) != 0 && item.rfind("DBCTL_WAVES=", 0) != 0) {
      env.emplace_back(item);
    }
  }
  std::vector<char*> envp;
  for (auto& item : env) {
    envp.push_back(item.data());
  }
  envp.push_back(nullptr);
  std::string shell = "/bin/sh";
  std::string flag = "-c";
  std::string text = command;
  std::vector<char*> argv{shell.data(), flag.data(), text.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
  // dbctl blocks SIGINT and SIGTERM in every thread (its signal watcher takes them); the check
  // starts with none blocked and default handlers, so Ctrl-C and kill stop it as they would
  // any command.
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
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  int failed = posix_spawn(&pid, shell.c_str(), &actions, &attributes, argv.data(), envp.data());
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  if (failed != 0) {
    return 127;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      return 127;
    }
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

} // namespace dbctl::ops
