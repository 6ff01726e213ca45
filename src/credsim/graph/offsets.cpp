// Encoding, decoding and shifting of the compact CSR offsets (offsets.hpp).
#include "credsim/graph/offsets.hpp"

#include <algorithm>
#include <string>

#include "credsim/core/error.hpp"

namespace credsim::graph {

namespace {

std::string span_message(std::size_t block, EdgeIdx span) {
  return "the graph's nodes " + std::to_string(block * Offsets::kBlock) + " to " +
         std::to_string(block * Offsets::kBlock + Offsets::kBlock - 1) + " hold " + std::to_string(span) +
         " arcs between them; the compact CSR offsets need every block of " + std::to_string(Offsets::kBlock) +
         " consecutive nodes to span fewer than 2^32 (4294967296) arcs. Fix: spread the nodes of "
         "highest degree over the ids (graph.order = \"random\"), or lower graph.mean_degree";
}

}  // namespace

Offsets::Offsets(std::span<const EdgeIdx> offsets) : low_(offsets.size()), base_(blocks_for(offsets.size())) {
  for (std::size_t b = 0; b < base_.size(); ++b) {
    const std::size_t first = b * kBlock, end = std::min(first + kBlock, offsets.size());
    const auto [lo, hi] = std::minmax_element(offsets.begin() + static_cast<std::ptrdiff_t>(first),
                                              offsets.begin() + static_cast<std::ptrdiff_t>(end));
    if (*hi - *lo >= kSpan) throw ResourceError(span_message(b, *hi - *lo));
    base_[b] = *lo;
    for (std::size_t u = first; u < end; ++u) low_[u] = static_cast<std::uint32_t>(offsets[u]);
  }
}

Offsets Offsets::from_counts(std::vector<std::uint32_t> counts) {
  CREDSIM_ASSERT(!counts.empty() && counts[0] == 0);
  Offsets o;
  o.base_.assign(blocks_for(counts.size()), 0);
  EdgeIdx sum = 0;
  for (std::size_t u = 0; u < counts.size(); ++u) {
    sum += counts[u];
    if ((u & (kBlock - 1)) == 0) {
      o.base_[u >> kBlockBits] = sum;
    } else if (sum - o.base_[u >> kBlockBits] >= kSpan) {
      throw ResourceError(span_message(u >> kBlockBits, sum - o.base_[u >> kBlockBits]));
    }
    counts[u] = static_cast<std::uint32_t>(sum);
  }
  o.low_ = std::move(counts);
  return o;
}

std::vector<EdgeIdx> Offsets::to_vector() const {
  std::vector<EdgeIdx> v(size());
  for (std::size_t u = 0; u < v.size(); ++u) v[u] = (*this)[u];
  return v;
}

void Offsets::shift(std::span<const std::pair<NodeId, NodeId>> arcs, bool subtract) {
  const auto blocks = static_cast<std::int64_t>(base_.size());
  const std::size_t size = low_.size();
  // Arcs whose source is below u, from the position `from` on (at most the answer).
  auto below = [&](std::size_t from, std::size_t u) {
    while (from < arcs.size() && arcs[from].first < u) ++from;
    return from;
  };
  auto block_start = [&](std::size_t first) {
    return static_cast<std::size_t>(
        std::lower_bound(arcs.begin(), arcs.end(), first, [](const auto& e, std::size_t x) { return e.first < x; }) -
        arcs.begin());
  };
  // An addition grows a block's span by the arcs of its nodes but the last: check them all first.
  auto new_span = [&](std::int64_t b) -> EdgeIdx {
    const std::size_t first = static_cast<std::size_t>(b) << kBlockBits;
    const std::size_t last = std::min(first + kBlock, size) - 1;
    const std::size_t d0 = block_start(first);
    return (*this)[last] - base_[b] + (below(d0, last) - d0);
  };
  if (!subtract) {
    std::int64_t bad = blocks;  // the first block that would be too wide: the same for any thread count
#pragma omp parallel for schedule(static) reduction(min : bad)
    for (std::int64_t b = 0; b < blocks; ++b)
      if (new_span(b) >= kSpan) bad = std::min(bad, b);
    if (bad < blocks)
      assertion_failed(span_message(static_cast<std::size_t>(bad), new_span(bad)).c_str(), __FILE__, __LINE__);
  }
#pragma omp parallel for schedule(static)
  for (std::int64_t b = 0; b < blocks; ++b) {
    const std::size_t first = static_cast<std::size_t>(b) << kBlockBits;
    const std::size_t end = std::min(first + kBlock, size);
    const std::size_t d0 = block_start(first);
    std::size_t d = d0;
    for (std::size_t u = first; u < end; ++u) {
      d = below(d, u);
      const auto d32 = static_cast<std::uint32_t>(d);  // modulo 2^32, as the low words
      low_[u] = subtract ? low_[u] - d32 : low_[u] + d32;
    }
    base_[b] = subtract ? base_[b] - d0 : base_[b] + d0;
  }
}

std::string Offsets::layout_error() const {
  if (low_.empty()) return "no offsets (a graph of n nodes has n + 1)";
  if (base_.size() != blocks_for(low_.size()))
    return std::to_string(base_.size()) + " block bases for " + std::to_string(low_.size()) + " offsets (expected " +
           std::to_string(blocks_for(low_.size())) + ")";
  return {};
}

}  // namespace credsim::graph
