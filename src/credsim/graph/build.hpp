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

// A short first-in first-out queue of pending work, for pipelining random memory accesses: what
// is pushed now is handled kDepth pushes later, after the prefetches issued at its push had time
// to bring its cache lines in. Each thread holds its own.
template <class T, std::size_t kDepth>
struct Pipeline {
  static_assert((kDepth & (kDepth - 1)) == 0, "a power of two");
  T item[kDepth];
  std::size_t pushed = 0, popped = 0;
  bool full() const { return pushed - popped == kDepth; }
  bool empty() const { return pushed == popped; }
  void push(const T& x) { item[pushed++ % kDepth] = x; }
  T pop() { return item[popped++ % kDepth]; }
  // Queues x, handing the oldest item to fn first when the queue is full.
  template <class Fn>
  void push_through(const T& x, Fn&& fn) {
    if (full()) fn(pop());
    push(x);
  }
  // Hands every queued item to fn, oldest first.
  template <class Fn>
  void drain(Fn&& fn) {
    while (!empty()) fn(pop());
  }
};
inline constexpr std::size_t kScatterDepth = 16;
}  // namespace detail

// Two-pass build without an edge list. `enumerate(source, emit)` must call `emit(a, b)` for
// the edges owned by `source` (0 <= source < num_sources), the same edges in both calls for
// the same source: typically a node's edges to higher ids, drawn from the node's own Rng, so
// regeneration is free of shared state. Pass 1 counts degrees (atomic increments), a prefix
// sum gives offsets, pass 2 regenerates and scatters (atomic cursors), then each list is
// sorted and de-duplicated. Scatter order depends on the threads but sorting removes it: the
// result is the same bytes for any thread count. Self-loops are dropped; an edge emitted by
// both endpoints (or twice) is kept once.
//
// The counters and the arc slots are random accesses to arrays far larger than the caches, and
// an atomic increment is a locked instruction: a miss under it is not overlapped with the next
// ones. So each emitted edge waits in a short per-thread queue (detail::Pipeline) while its
// counters are prefetched; pass 2 likewise queues each arc's write after prefetching
// its slot. The counts, and so the bytes, are the same: only the order of increments changes.
template <class Enumerate>
Csr build_csr_two_pass(NodeId n, std::uint64_t num_sources, Enumerate&& enumerate) {
  using Arc = std::pair<NodeId, NodeId>;
  using Slot = std::pair<EdgeIdx, NodeId>;
  // offsets[u + 1] first counts u's arcs; after the prefix sum offsets[u] is u's start.
  std::vector<EdgeIdx> offsets(static_cast<std::size_t>(n) + 1, 0);
  const auto ns = static_cast<std::int64_t>(num_sources);
  auto count = [&offsets](const Arc& e) {
    std::atomic_ref<EdgeIdx>(offsets[e.first + 1]).fetch_add(1, std::memory_order_relaxed);
    std::atomic_ref<EdgeIdx>(offsets[e.second + 1]).fetch_add(1, std::memory_order_relaxed);
  };
#pragma omp parallel
  {
    detail::Pipeline<Arc, detail::kScatterDepth> queue;
#pragma omp for schedule(dynamic, 256) nowait
    for (std::int64_t s = 0; s < ns; ++s) {
      enumerate(static_cast<std::uint64_t>(s), [&](NodeId a, NodeId b) {
        if (a >= n || b >= n) detail::endpoint_out_of_range(a, b, n);
        if (a == b) return;
        __builtin_prefetch(&offsets[a + 1], 1);
        __builtin_prefetch(&offsets[b + 1], 1);
        queue.push_through({a, b}, count);
      });
    }
    queue.drain(count);
  }
  for (std::size_t u = 1; u < offsets.size(); ++u) offsets[u] += offsets[u - 1];

  // Pass 2 uses offsets[u] itself as u's cursor (no extra n-sized array): afterwards
  // offsets[u] has advanced to the old offsets[u + 1], so a shift by one restores the starts.
  std::vector<NodeId> arcs(offsets.back());
#pragma omp parallel
  {
    detail::Pipeline<Arc, detail::kScatterDepth> queue;   // edges whose cursors are prefetched
    detail::Pipeline<Slot, 2 * detail::kScatterDepth> writes;  // arcs whose slots are prefetched
    auto write = [&](const Slot& w) { arcs[w.first] = w.second; };
    auto place = [&](const Arc& e) {
      const EdgeIdx ca = std::atomic_ref<EdgeIdx>(offsets[e.first]).fetch_add(1, std::memory_order_relaxed);
      const EdgeIdx cb = std::atomic_ref<EdgeIdx>(offsets[e.second]).fetch_add(1, std::memory_order_relaxed);
      __builtin_prefetch(&arcs[ca], 1);
      __builtin_prefetch(&arcs[cb], 1);
      writes.push_through({ca, e.second}, write);
      writes.push_through({cb, e.first}, write);
    };
#pragma omp for schedule(dynamic, 256) nowait
    for (std::int64_t s = 0; s < ns; ++s) {
      enumerate(static_cast<std::uint64_t>(s), [&](NodeId a, NodeId b) {
        if (a == b) return;
        __builtin_prefetch(&offsets[a], 1);
        __builtin_prefetch(&offsets[b], 1);
        queue.push_through({a, b}, place);
      });
    }
    queue.drain(place);
    writes.drain(write);
  }
  for (std::size_t u = offsets.size() - 1; u > 0; --u) offsets[u] = offsets[u - 1];
  offsets[0] = 0;
  return detail::finish_two_pass(std::move(offsets), std::move(arcs));
}

}  // namespace credsim::graph
