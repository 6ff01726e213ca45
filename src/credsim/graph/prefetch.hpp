// Software prefetch for gathers over neighbour lists.
//
// A pass over persons in id order that reads a value of every friend (the composite's monthly
// relationships, score assortativity) is bound by the latency of those random reads: the
// out-of-order core overlaps only the few inside its window. Asking for the values of the friends
// of the person a few places ahead lets their misses overlap this person's work. A prefetch reads
// nothing into any result: the bytes out are the same with or without it.
// Measured (docs/PERFORMANCE.md, "Prefetching the gathers"): the composite's recomputation at
// 10^7 persons 2.0 -> 1.0 s; distances 2 and 4 alike, 8 and 16 slower.
#pragma once

#include <cstddef>

#include "credsim/graph/csr.hpp"

namespace credsim::graph {

// How many persons ahead a gather asks for its friends' values.
inline constexpr std::size_t kPrefetchAhead = 4;

// Asks for column[v] of every neighbour v of u + kPrefetchAhead (nothing past the last node).
// always_inline is needed: GCC 12 finds a function whose only effect is prefetching free of side
// effects ("const") and deletes its calls before inlining them; inlined first, the prefetches stay
// (check: objdump -d of the caller's object shows prefetcht0).
template <class T>
[[gnu::always_inline]] inline void prefetch_ahead(const Csr& g, std::size_t u, const T* column) {
  const std::size_t a = u + kPrefetchAhead;
  if (a >= g.num_nodes()) return;
  for (NodeId v : g.neighbours(static_cast<NodeId>(a))) __builtin_prefetch(column + v);
}

}  // namespace credsim::graph
