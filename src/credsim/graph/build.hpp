// Building a valid Csr: from an edge list (cleaned), or in two passes from a deterministic
// edge enumerator so generators never hold an edge list (the memory budget at 100 M persons).
#pragma once
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <utility>
#include <vector>

#include "credsim/core/error.hpp"
#include "credsim/core/types.hpp"
#include "credsim/graph/csr.hpp"

namespace credsim::graph {

// Symmetrises, drops self-loops and duplicate pairs (in either direction), sorts neighbours.
// Every id must be < n (a programmer error otherwise: aborts, even in release builds, rather
// than writing out of bounds).
Csr build_csr(NodeId n, std::vector<std::pair<NodeId, NodeId>> edges);

namespace detail {
// Sorts and de-duplicates each node's slice of `arcs` (given by `offsets`), then compacts the
// array and rewrites `offsets`. Shared by every two-pass build.
Csr finish_two_pass(std::vector<EdgeIdx> offsets, std::vector<NodeId> arcs);
[[noreturn]] void endpoint_out_of_range(std::uint64_t a, std::uint64_t b, NodeId n);
}  // namespace detail

// Two-pass build without an edge list. `enumerate(source, emit)` must call `emit(a, b)` for
// the edges owned by `source` (0 <= source < num_sources), the same edges in both calls for
// the same source: typically a node's edges to higher ids, drawn from the node's own Rng, so
// regeneration is free of shared state. Pass 1 counts degrees (atomic increments), a prefix
// sum gives offsets, pass 2 regenerates and scatters (atomic cursors), then each list is
// sorted and de-duplicated. Scatter order depends on the threads but sorting removes it: the
// result is the same bytes for any thread count. Self-loops are dropped; an edge emitted by
// both endpoints (or twice) is kept once.
template <class Enumerate>
Csr build_csr_two_pass(NodeId n, std::uint64_t num_sources, Enumerate&& enumerate) {
  // offsets[u + 1] first counts u's arcs; after the prefix sum offsets[u] is u's start.
  std::vector<EdgeIdx> offsets(static_cast<std::size_t>(n) + 1, 0);
  const auto ns = static_cast<std::int64_t>(num_sources);
#pragma omp parallel for schedule(dynamic, 256)
  for (std::int64_t s = 0; s < ns; ++s) {
    enumerate(static_cast<std::uint64_t>(s), [&](NodeId a, NodeId b) {
      if (a >= n || b >= n) detail::endpoint_out_of_range(a, b, n);
      if (a == b) return;
      std::atomic_ref<EdgeIdx>(offsets[a + 1]).fetch_add(1, std::memory_order_relaxed);
      std::atomic_ref<EdgeIdx>(offsets[b + 1]).fetch_add(1, std::memory_order_relaxed);
    });
  }
  for (std::size_t u = 1; u < offsets.size(); ++u) offsets[u] += offsets[u - 1];

  // Pass 2 uses offsets[u] itself as u's cursor (no extra n-sized array): afterwards
  // offsets[u] has advanced to the old offsets[u + 1], so a shift by one restores the starts.
  std::vector<NodeId> arcs(offsets.back());
#pragma omp parallel for schedule(dynamic, 256)
  for (std::int64_t s = 0; s < ns; ++s) {
    enumerate(static_cast<std::uint64_t>(s), [&](NodeId a, NodeId b) {
      if (a == b) return;
      arcs[std::atomic_ref<EdgeIdx>(offsets[a]).fetch_add(1, std::memory_order_relaxed)] = b;
      arcs[std::atomic_ref<EdgeIdx>(offsets[b]).fetch_add(1, std::memory_order_relaxed)] = a;
    });
  }
  for (std::size_t u = offsets.size() - 1; u > 0; --u) offsets[u] = offsets[u - 1];
  offsets[0] = 0;
  return detail::finish_two_pass(std::move(offsets), std::move(arcs));
}

}  // namespace credsim::graph
