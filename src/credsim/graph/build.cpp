// Edge-list build and the shared finishing step (sort, de-duplicate, compact) of two-pass builds.
#include "credsim/graph/build.hpp"

#include <string>

namespace credsim::graph {

namespace detail {

void endpoint_out_of_range(std::uint64_t a, std::uint64_t b, NodeId n) {
  const std::string what = "edge endpoint (" + std::to_string(a) + ", " + std::to_string(b) +
                           ") >= n = " + std::to_string(n);
  assertion_failed(what.c_str(), __FILE__, __LINE__);
}

Csr finish_two_pass(std::vector<EdgeIdx> offsets, std::vector<NodeId> arcs) {
  const NodeId n = static_cast<NodeId>(offsets.size() - 1);
  // kept[u + 1]: u's de-duplicated degree, at most n - 1, so 32 bits hold it. This array then
  // becomes the compact offsets' low words (Offsets::from_counts), so the peak stays the 64-bit
  // offsets, the arcs and this one n-sized array of 4 B.
  std::vector<std::uint32_t> kept(static_cast<std::size_t>(n) + 1, 0);
#pragma omp parallel for schedule(dynamic, 1024)
  for (std::int64_t ui = 0; ui < static_cast<std::int64_t>(n); ++ui) {
    const auto u = static_cast<std::size_t>(ui);
    auto first = arcs.begin() + static_cast<std::ptrdiff_t>(offsets[u]);
    auto last = arcs.begin() + static_cast<std::ptrdiff_t>(offsets[u + 1]);
    std::sort(first, last);
    kept[u + 1] = static_cast<std::uint32_t>(std::unique(first, last) - first);
  }
  EdgeIdx total = 0;
  for (NodeId u = 0; u < n; ++u) total += kept[u + 1];
  if (total != arcs.size()) {
    // Compact in place, left to right: a node's new start never exceeds its old start, so
    // the sequential move never overwrites data not yet moved. Bandwidth-bound and rare
    // enough (only when duplicates occurred) not to need a parallel version.
    EdgeIdx write = 0;
    for (NodeId u = 0; u < n; ++u) {
      const EdgeIdx read = offsets[u];
      if (write != read) {
        std::copy(arcs.begin() + static_cast<std::ptrdiff_t>(read),
                  arcs.begin() + static_cast<std::ptrdiff_t>(read + kept[u + 1]),
                  arcs.begin() + static_cast<std::ptrdiff_t>(write));
      }
      write += kept[u + 1];
    }
    std::vector<EdgeIdx>().swap(offsets);  // before the copy shrink_to_fit may make
    arcs.resize(write);
    // Give memory back only when it is worth the copy that shrink_to_fit makes.
    if (arcs.capacity() - arcs.size() > arcs.size() / 8) arcs.shrink_to_fit();
  }
  std::vector<EdgeIdx>().swap(offsets);
  return Csr(Offsets::from_counts(std::move(kept)), std::move(arcs));
}

}  // namespace detail

Csr build_csr(NodeId n, std::vector<std::pair<NodeId, NodeId>> edges) {
  // One edge per source: each edge is enumerated once, in both passes, by its index.
  return build_csr_two_pass(n, edges.size(), [&edges](std::uint64_t s, auto&& emit) {
    emit(edges[s].first, edges[s].second);
  });
}

}  // namespace credsim::graph
