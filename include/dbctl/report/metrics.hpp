#pragma once
// Prometheus text-format metrics of a run (`--metrics-file`), for node_exporter's textfile
// collector: per-run gauges and per-target ones, named and labelled by Prometheus conventions.
#include "dbctl/ops/fanout.hpp"
#include "dbctl/report/status.hpp"
#include "dbctl/targets/target.hpp"

#include <optional>
#include <string>
#include <vector>

namespace dbctl::report {

/// The run a metrics file describes.
struct RunMetrics {
  std::string command;      ///< migrate, up, status
  std::string project;      ///< the topology's name
  double duration_seconds = 0;
  double finished_at = 0;   ///< Unix time
  bool success = false;
  /// When a run of this command last succeeded (this one's time when it did; else what the
  /// previous file said), so an alert can fire on "no success for a day".
  std::optional<double> last_success;
};

/// Return the metrics of a migrate or up run: the run's gauges, targets by result, and per
/// target its migrations applied, duration, lock wait and whether it failed.
std::string migrate_metrics(const RunMetrics& run, const std::vector<targets::Target>& selected,
                            const std::vector<std::optional<ops::Outcome>>& outcomes);

/// Return the metrics of a status run: targets by state, and per target its pending count and
/// its state (one series per state, 1 for the target's).
std::string status_metrics(const RunMetrics& run, const std::vector<StatusRow>& rows);

/// Return the value of dbctl_last_success_timestamp_seconds for `command` in a metrics file's
/// text, if it has one.
std::optional<double> last_success_in(const std::string& text, const std::string& command);

} // namespace dbctl::report
