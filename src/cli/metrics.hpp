#pragma once
// `--metrics-file PATH` on migrate, up and status: the run's Prometheus metrics, written the way
// node_exporter's textfile collector wants (a temporary file in the same folder, then a rename).
#include "dbctl/report/metrics.hpp"

#include <functional>
#include <string>

namespace CLI {
class App;
}

namespace dbctl::cli {

/// Declare --metrics-file (env DBCTL_METRICS_FILE) on a command.
void add_metrics_file(CLI::App& app, std::string& path);

/// When `path` is given, render the run's metrics and replace the file with them; the last
/// success time is carried over from the file it replaces when this run failed.
void write_metrics(const std::string& path, report::RunMetrics run,
                   const std::function<std::string(const report::RunMetrics&)>& render);

} // namespace dbctl::cli
