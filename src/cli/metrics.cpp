#include "metrics.hpp"

#include "dbctl/util/error.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <CLI/CLI.hpp>

namespace dbctl::cli {

void add_metrics_file(CLI::App& app, std::string& path) {
  app.add_option("--metrics-file", path,
                 "Write the run's metrics to this file in Prometheus text format (for node_exporter's textfile "
                 "collector: written to a temporary file, then renamed)")
      ->envname("DBCTL_METRICS_FILE");
}

void write_metrics(const std::string& path, report::RunMetrics run,
                   const std::function<std::string(const report::RunMetrics&)>& render) {
  if (path.empty()) {
    return;
  }
  run.finished_at = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (run.success) {
    run.last_success = run.finished_at;
  } else {
    std::ifstream previous(path);
    std::stringstream text;
    text << previous.rdbuf();
    run.last_success = report::last_success_in(text.str(), run.command);
  }
  std::string temporary = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << render(run);
    out.flush();
    if (!out) {
      std::remove(temporary.c_str());
      throw Error("--metrics-file " + path + ": cannot write " + temporary + ": " + std::strerror(errno));
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    int err = errno;
    std::remove(temporary.c_str());
    throw Error("--metrics-file " + path + ": cannot rename " + temporary + " to it: " + std::strerror(err));
  }
}

} // namespace dbctl::cli
