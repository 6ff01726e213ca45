// Node orders (relabellings) of a graph, for locality of the neighbour gather: a permutation
// with both directions, the orders compared in bench/kernels.cpp, and permute() to relabel a
// CSR. Every order is a pure function of (graph, blocks, seed): the same for any thread count.
// Reversible by construction: a column computed in the new order maps back with to_old_order(),
// so outputs can keep the original ids.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "credsim/core/error.hpp"
#include "credsim/core/types.hpp"
#include "credsim/graph/csr.hpp"

namespace credsim::graph {

// True when `ids` holds each of 0..ids.size()-1 exactly once. O(n).
bool is_permutation(std::span<const NodeId> ids);

// A bijection of node ids: new_to_old[new] = old and old_to_new[old] = new.
class Permutation {
 public:
  Permutation() = default;
  // Takes new_to_old and builds the inverse; a bijection is asserted in checked builds.
  explicit Permutation(std::vector<NodeId> new_to_old);
  NodeId size() const { return static_cast<NodeId>(new_to_old_.size()); }
  NodeId old_of(NodeId new_id) const { return new_to_old_[new_id]; }
  NodeId new_of(NodeId old_id) const { return old_to_new_[old_id]; }
  const std::vector<NodeId>& new_to_old() const { return new_to_old_; }
  const std::vector<NodeId>& old_to_new() const { return old_to_new_; }
  Permutation inverse() const;
  bool is_identity() const;

 private:
  std::vector<NodeId> new_to_old_;
  std::vector<NodeId> old_to_new_;
};

// Block starts (0, s0, s0+s1, ..., n) of contiguous blocks (regions) of the given sizes.
std::vector<NodeId> block_starts(std::span<const NodeId> sizes);

// The orders. "Within blocks" orders keep every block (e.g. a region of the stochastic-block
// generator) on the same id range [starts[b], starts[b+1]), so region boundaries are unchanged.
enum class NodeOrder {
  kGenerated,        // the identity: the order the generator made (region by region for SBM)
  kRandom,           // a seeded shuffle: the no-locality reference
  kBfs,              // breadth-first over the whole graph
  kBfsWithinBlocks,  // breadth-first inside each block, ignoring ties that leave the block
  kDegreeWithinBlocks,  // inside each block, by descending degree (hot scores packed together)
};
std::string_view order_name(NodeOrder o);

Permutation identity_order(NodeId n);
// Sorted by a Philox key per node (named_stream(kGraph, "order.random"), tick kNoTick,
// entity = node), ties by id.
Permutation random_order(NodeId n, std::uint64_t seed);
// Breadth-first: start at the lowest unvisited id, visit neighbours in ascending id order (the
// CSR's order), new ids in visiting order. With block starts, one BFS per block that follows
// only ties inside the block; blocks are laid out in block order and done in parallel.
Permutation bfs_order(const Csr& g, std::span<const NodeId> starts = {});
// Inside each block (the whole graph when starts is empty): by descending degree, ties by id.
Permutation degree_order(const Csr& g, std::span<const NodeId> starts = {});
// Dispatch by NodeOrder (seed is used by kRandom only; blocks by the *WithinBlocks orders).
Permutation make_order(NodeOrder o, const Csr& g, std::span<const NodeId> starts, std::uint64_t seed);

// The relabelled graph: u -> p.new_of(u) for every endpoint, neighbour lists sorted ascending.
// Same edges under the map. Holds one new CSR beside the old one and nothing else; parallel
// over nodes, same bytes for any thread count. The result's version() starts at 0.
Csr permute(const Csr& g, const Permutation& p);

// Columns between the orders: by_new[new] = by_old[old_of(new)], and back.
template <class T>
std::vector<T> to_new_order(std::span<const T> by_old, const Permutation& p) {
  CREDSIM_ASSERT(by_old.size() == p.size());
  std::vector<T> out(by_old.size());
  const auto n = static_cast<std::int64_t>(out.size());
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < n; ++i) out[i] = by_old[p.old_of(static_cast<NodeId>(i))];
  return out;
}
template <class T>
std::vector<T> to_old_order(std::span<const T> by_new, const Permutation& p) {
  CREDSIM_ASSERT(by_new.size() == p.size());
  std::vector<T> out(by_new.size());
  const auto n = static_cast<std::int64_t>(out.size());
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < n; ++i) out[i] = by_new[p.new_of(static_cast<NodeId>(i))];
  return out;
}

}  // namespace credsim::graph
