// Synthetic social graphs (SPEC §2): Erdős–Rényi, Watts–Strogatz, Barabási–Albert and the
// stochastic block model. Draws are keyed by node id (Rng entity = node, Stream::kGraph), so a
// graph depends only on (parameters, seed, replicate), never on the thread count.
#pragma once
#include <cstdint>
#include <span>

#include "credsim/core/types.hpp"
#include "credsim/graph/csr.hpp"

namespace credsim::graph {

// G(n, p) with p = mean_degree / (n - 1). Key "graph.mean_degree", expected in [0, n - 1].
Csr erdos_renyi(NodeId n, double mean_degree, std::uint64_t seed, std::uint64_t replicate);

// Ring lattice where node u links to u±1..u±k/2, then each lattice edge (u, u+j) has its far
// endpoint replaced, with probability beta, by a uniform random node; rewirings that make a
// self-loop or a duplicate are dropped, so the mean degree is slightly below k when beta > 0.
// Keys "graph.k" (even, < n) and "graph.beta" (in [0, 1]).
Csr watts_strogatz(NodeId n, unsigned k, double beta, std::uint64_t seed,
                   std::uint64_t replicate);

// Preferential attachment: a clique on nodes 0..m, then each new node links to m distinct
// earlier nodes drawn proportionally to degree (repeated-endpoints list). Exactly
// m(m+1)/2 + (n - m - 1)·m edges. Sequential. Key "graph.m", expected in [1, n - 1].
Csr barabasi_albert(NodeId n, unsigned m, std::uint64_t seed, std::uint64_t replicate);

// Blocks are contiguous id ranges of the given sizes (block 0 first). Pairs within a block are
// linked with probability p_in, across blocks with p_out. Keys "graph.blocks", "graph.p_in",
// "graph.p_out".
Csr stochastic_block(std::span<const NodeId> block_sizes, double p_in, double p_out,
                     std::uint64_t seed, std::uint64_t replicate);

}  // namespace credsim::graph
