// metrics.csv in tidy form — one row per (tick, system, metric, key) — so pandas/R read it
// with no reshaping: pd.read_csv(...).pivot_table(...). Values are printed as the shortest
// decimal that round-trips the double, which makes the file byte-reproducible.
#pragma once
#include <filesystem>
#include <string>
#include <string_view>

#include "credsim/core/types.hpp"
#include "credsim/io/output_file.hpp"

namespace credsim::io {

class MetricsCsv {
 public:
  explicit MetricsCsv(const std::filesystem::path& path);
  void row(Tick tick, std::string_view system, std::string_view metric, std::string_view key, double value);
  void end_tick();  // flush what this tick wrote
  void commit() { file_.commit(); }
  std::size_t rows() const { return rows_; }

 private:
  OutputFile file_;
  std::string buffer_;
  std::size_t rows_ = 0;
};

}  // namespace credsim::io
