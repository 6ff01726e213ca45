// The order of a fixed column, computed once and kept (stats.hpp: rank_order, spearman_counted):
// its own header so that holders of one (HarmMetrics) do not depend on the statistics kernels.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace credsim::measure {

struct RankOrder {
  std::vector<std::uint32_t> order;           // indices sorted by (value, index)
  std::vector<std::uint64_t> tie_with_prev;  // one bit per position of order: same value as the one before
  bool tie(std::size_t j) const { return (tie_with_prev[j >> 6] >> (j & 63)) & 1u; }
};

}  // namespace credsim::measure
