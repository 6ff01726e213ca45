// Tidy CSV rows, buffered per tick and flushed at the end of each measured tick.
#include "credsim/io/metrics_csv.hpp"

#include <fmt/format.h>

#include <cmath>

namespace credsim::io {

MetricsCsv::MetricsCsv(const std::filesystem::path& path) : file_(path) {
  file_.write("tick,system,metric,key,value\n");
}

void MetricsCsv::row(Tick tick, std::string_view system, std::string_view metric, std::string_view key,
                     double value) {
  // Names are identifiers chosen by credsim or validated scenario names: no quoting needed.
  if (std::isnan(value))
    fmt::format_to(std::back_inserter(buffer_), "{},{},{},{},NA\n", tick, system, metric, key);
  else
    fmt::format_to(std::back_inserter(buffer_), "{},{},{},{},{}\n", tick, system, metric, key, value);
  ++rows_;
}

void MetricsCsv::end_tick() {
  file_.write(buffer_);
  buffer_.clear();
  file_.flush();
}

}  // namespace credsim::io
