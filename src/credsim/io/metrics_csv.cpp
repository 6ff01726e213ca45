// Tidy CSV rows, buffered per tick and flushed at the end of each measured tick.
#include "credsim/io/metrics_csv.hpp"

#include <fmt/format.h>

#include <cmath>

#include "credsim/core/error.hpp"

namespace credsim::io {

MetricsCsv::MetricsCsv(const std::filesystem::path& path) : file_(path) {
  file_.write("tick,system,metric,key,value\n");
}

MetricsCsv::MetricsCsv(const std::filesystem::path& path, const State& state)
    : watched_(state.watched), file_(path, state.bytes), rows_(state.rows) {}

MetricsCsv::State MetricsCsv::state() const {
  CREDSIM_ASSERT(buffer_.empty());  // checkpoints are taken between ticks
  return State{file_.bytes(), rows_, watched_};
}

std::size_t MetricsCsv::watch(std::string system, std::string metric, std::string key) {
  watched_.push_back({std::move(system), std::move(metric), std::move(key)});
  return watched_.size() - 1;
}

void MetricsCsv::row(Tick tick, std::string_view system, std::string_view metric, std::string_view key,
                     double value) {
  for (Watched& w : watched_)  // a handful of targets: a linear scan is cheapest
    if (w.metric == metric && w.system == system && w.key == key) w.value = value, w.tick = tick, w.written = true;
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
