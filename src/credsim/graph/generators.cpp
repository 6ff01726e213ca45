// Generators as edge enumerators for the two-pass builder: node u draws its own edges (to
// higher ids, or its own lattice edges) from Rng(seed, replicate, -, u, kGraph), so pass 2
// regenerates exactly what pass 1 counted and no edge list is ever held (except for
// Barabási–Albert, whose attachment is inherently sequential).
#include "credsim/graph/generators.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "credsim/core/error.hpp"
#include "credsim/core/rng.hpp"
#include "credsim/graph/build.hpp"

namespace credsim::graph {
namespace {

std::string num(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

void check_probability(double p, const char* key) {
  if (!(p >= 0.0 && p <= 1.0)) {  // also rejects NaN
    throw InputError({}, key, "probability " + num(p) + " is outside [0, 1]", "a number in [0, 1]",
                     std::string("set ") + key + " between 0 and 1");
  }
}

Rng node_rng(std::uint64_t seed, std::uint64_t replicate, NodeId u) {
  return Rng(seed, replicate, Rng::kNoTick, u, Stream::kGraph);
}

// Emits every v in [lo, hi) independently with probability p, by geometric skipping: O(hits)
// draws instead of O(hi - lo). 1 / log(1 - p) is computed once per range rather than per draw
// (Rng::geometric_skip recomputes it), which halves the logarithms on the hot path.
template <class Emit>
void bernoulli_range(Rng& rng, NodeId u, std::uint64_t lo, std::uint64_t hi, double p,
                     Emit& emit) {
  if (p <= 0.0 || lo >= hi) return;
  if (p >= 1.0) {
    for (std::uint64_t v = lo; v < hi; ++v) emit(u, static_cast<NodeId>(v));
    return;
  }
  const double inv_log_q = 1.0 / std::log1p(-p);
  const auto span = static_cast<double>(hi - lo);
  std::uint64_t next = lo;  // first candidate not yet decided
  for (;;) {
    const double skip = std::floor(std::log(rng.uniform_pos()) * inv_log_q);
    // Compared as a double first so a huge skip (tiny p) never overflows the integer.
    if (!(skip < span) || static_cast<std::uint64_t>(skip) >= hi - next) return;
    next += static_cast<std::uint64_t>(skip);
    emit(u, static_cast<NodeId>(next));
    ++next;
  }
}

}  // namespace

Csr erdos_renyi(NodeId n, double mean_degree, std::uint64_t seed, std::uint64_t replicate) {
  const double max_degree = n > 0 ? static_cast<double>(n) - 1.0 : 0.0;
  if (!(mean_degree >= 0.0 && mean_degree <= max_degree)) {
    throw InputError({}, "graph.mean_degree",
                     "mean degree " + num(mean_degree) + " is impossible with " +
                         std::to_string(n) + " persons",
                     "a number in [0, n - 1] = [0, " + num(max_degree) + "]",
                     "lower graph.mean_degree or raise the number of persons");
  }
  const double p = n > 1 ? mean_degree / max_degree : 0.0;
  return build_csr_two_pass(n, n, [=](std::uint64_t u, auto&& emit) {
    Rng rng = node_rng(seed, replicate, static_cast<NodeId>(u));
    bernoulli_range(rng, static_cast<NodeId>(u), u + 1, n, p, emit);
  });
}

Csr watts_strogatz(NodeId n, unsigned k, double beta, std::uint64_t seed,
                   std::uint64_t replicate) {
  if (k % 2 != 0 || (n > 0 && k >= n) || (n == 0 && k != 0)) {
    throw InputError({}, "graph.k",
                     "ring degree " + std::to_string(k) + " is impossible with " +
                         std::to_string(n) + " persons",
                     "an even number in [0, n - 1]",
                     "set graph.k to an even number smaller than the number of persons");
  }
  check_probability(beta, "graph.beta");
  const unsigned half = k / 2;
  return build_csr_two_pass(n, n, [=](std::uint64_t u64, auto&& emit) {
    const auto u = static_cast<NodeId>(u64);
    Rng rng = node_rng(seed, replicate, u);
    for (unsigned j = 1; j <= half; ++j) {
      NodeId v = static_cast<NodeId>((u64 + j) % n);
      if (beta > 0.0 && rng.bernoulli(beta)) v = static_cast<NodeId>(rng.below(n));
      emit(u, v);  // a self-loop or duplicate from rewiring is dropped by the builder
    }
  });
}

Csr barabasi_albert(NodeId n, unsigned m, std::uint64_t seed, std::uint64_t replicate) {
  if (m < 1 || m >= n) {
    throw InputError({}, "graph.m",
                     "attachment count " + std::to_string(m) + " is impossible with " +
                         std::to_string(n) + " persons",
                     "an integer in [1, n - 1]",
                     "set graph.m between 1 and the number of persons minus one");
  }
  const std::uint64_t clique = std::uint64_t{m} * (m + 1) / 2;
  const std::uint64_t edges = clique + (std::uint64_t{n} - m - 1) * m;
  // The flat endpoint list is both the sampling urn (a node appears once per unit of degree)
  // and the edge list: pair i is (ends[2i], ends[2i+1]).
  std::vector<NodeId> ends;
  ends.reserve(2 * edges);
  for (NodeId a = 0; a <= m; ++a) {
    for (NodeId b = a + 1; b <= m; ++b) {
      ends.push_back(a);
      ends.push_back(b);
    }
  }
  std::vector<NodeId> chosen;
  chosen.reserve(m);
  for (std::uint64_t t = std::uint64_t{m} + 1; t < n; ++t) {
    Rng rng = node_rng(seed, replicate, static_cast<NodeId>(t));
    const std::uint64_t urn = ends.size();  // only earlier edges: the new node's own excluded
    chosen.clear();
    while (chosen.size() < m) {
      // Rejection keeps targets distinct; at least m + 1 distinct nodes are in the urn.
      const NodeId v = ends[rng.below(urn)];
      bool seen = false;
      for (const NodeId c : chosen) seen |= (c == v);
      if (!seen) chosen.push_back(v);
    }
    for (const NodeId v : chosen) {
      ends.push_back(static_cast<NodeId>(t));
      ends.push_back(v);
    }
  }
  return build_csr_two_pass(n, edges, [&ends](std::uint64_t i, auto&& emit) {
    emit(ends[2 * i], ends[2 * i + 1]);
  });
}

Csr stochastic_block(std::span<const NodeId> block_sizes, double p_in, double p_out,
                     std::uint64_t seed, std::uint64_t replicate) {
  check_probability(p_in, "graph.p_in");
  check_probability(p_out, "graph.p_out");
  std::vector<std::uint64_t> start(block_sizes.size() + 1, 0);
  for (std::size_t b = 0; b < block_sizes.size(); ++b) start[b + 1] = start[b] + block_sizes[b];
  if (start.back() >= kNoNode) {
    throw InputError({}, "graph.blocks",
                     "block sizes add up to " + std::to_string(start.back()) + " persons",
                     "a total below 2^32 - 1", "use fewer or smaller blocks");
  }
  const auto n = static_cast<NodeId>(start.back());
  return build_csr_two_pass(n, n, [&](std::uint64_t u64, auto&& emit) {
    const auto u = static_cast<NodeId>(u64);
    // Blocks are contiguous id ranges, so u's block is found by binary search on the starts.
    const auto a = static_cast<std::size_t>(
        std::upper_bound(start.begin(), start.end(), u64) - start.begin() - 1);
    Rng rng = node_rng(seed, replicate, u);
    bernoulli_range(rng, u, u64 + 1, start[a + 1], p_in, emit);
    // Every later block shares p_out and the blocks are contiguous, so all of u's
    // cross-block candidates form one range: two skip loops per node, not one per block.
    bernoulli_range(rng, u, start[a + 1], n, p_out, emit);
  });
}

}  // namespace credsim::graph
