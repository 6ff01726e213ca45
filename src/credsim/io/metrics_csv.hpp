// metrics.csv in tidy form — one row per (tick, system, metric, key) — so pandas/R read it
// with no reshaping: pd.read_csv(...).pivot_table(...). Values are printed as the shortest
// decimal that round-trips the double, which makes the file byte-reproducible.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <limits>
#include <vector>

#include "credsim/core/types.hpp"
#include "credsim/io/output_file.hpp"

namespace credsim::io {

class MetricsCsv {
 public:
  explicit MetricsCsv(const std::filesystem::path& path);
  // What a checkpoint keeps of the writer, between ticks (the tick's buffer is then empty).
  struct Watched {
    std::string system, metric, key;
    double value = std::numeric_limits<double>::quiet_NaN();
    Tick tick = 0;
    bool written = false;
    template <class A>
    void fields(A& a) {
      a(system, metric, key, value, tick, written);
    }
  };
  struct State {
    std::uint64_t bytes = 0, rows = 0;
    std::vector<Watched> watched;
    template <class A>
    void fields(A& a) {
      a(bytes, rows, watched);
    }
  };
  State state() const;
  // Resuming: continues NAME.partial cut back to state.bytes (OutputFile's resuming constructor).
  MetricsCsv(const std::filesystem::path& path, const State& state);
  // Remember the value of one (system, metric, key) row each time it is written (calibration
  // targets compare against it). Returns a handle for last_value().
  std::size_t watch(std::string system, std::string metric, std::string key);
  // The value most recently written for a watched row, and the tick it was written at
  // (NaN and no tick until it has been written).
  double last_value(std::size_t handle) const { return watched_[handle].value; }
  bool seen(std::size_t handle, Tick tick) const { return watched_[handle].written && watched_[handle].tick == tick; }
  void row(Tick tick, std::string_view system, std::string_view metric, std::string_view key, double value);
  void end_tick();  // flush what this tick wrote (to the OS: a killed run keeps it)
  void sync() { file_.sync(); }  // and to the disk (before a checkpoint records its length)
  void commit() { file_.commit(); }
  std::size_t rows() const { return rows_; }

 private:
  std::vector<Watched> watched_;
  OutputFile file_;
  std::string buffer_;
  std::size_t rows_ = 0;
};

}  // namespace credsim::io
