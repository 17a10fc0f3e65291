#include "dbctl/ops/rollout.hpp"

#include "dbctl/util/process.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

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
  util::ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", command};
  spec.env = {{"DBCTL_WAVE", std::to_string(wave)}, {"DBCTL_WAVES", std::to_string(waves)}};
  util::ProcessResult result = util::run_process(spec); // its output goes to dbctl's stderr
  return result.exit_code;
}

} // namespace dbctl::ops
