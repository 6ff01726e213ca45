// The social graph as compressed sparse rows: undirected, each edge stored in both endpoints'
// lists, neighbours of a node sorted ascending, no self-loops, no duplicates.
// Offsets are 64-bit indices (not pointers) so the arrays can be saved, sent and memory-mapped.
#pragma once
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "credsim/core/types.hpp"

namespace credsim::graph {

class Csr {
 public:
  Csr() : offsets_(1, 0) {}
  // Takes ownership of already-valid arrays; validity is asserted in checked builds.
  Csr(std::vector<EdgeIdx> offsets, std::vector<NodeId> neighbours);

  NodeId num_nodes() const { return static_cast<NodeId>(offsets_.size() - 1); }
  EdgeIdx num_arcs() const { return neighbours_.size(); }            // = 2 × undirected edges
  EdgeIdx num_edges() const { return neighbours_.size() / 2; }       // undirected edges
  EdgeIdx degree(NodeId u) const { return offsets_[u + 1] - offsets_[u]; }
  std::span<const NodeId> neighbours(NodeId u) const {
    return {neighbours_.data() + offsets_[u], static_cast<std::size_t>(degree(u))};
  }
  const std::vector<EdgeIdx>& offsets() const { return offsets_; }
  const std::vector<NodeId>& neighbour_array() const { return neighbours_; }
  std::size_t memory_bytes() const {
    return offsets_.size() * sizeof(EdgeIdx) + neighbours_.size() * sizeof(NodeId);
  }
  // Full structural check (sorted, symmetric, no loops/duplicates, ids in range). O(m log d).
  bool valid() const;
  // The arrays as they are (checkpoints; io/checkpoint.hpp). After loading, check_shape().
  template <class A>
  void fields(A& a) {
    a(offsets_, neighbours_, version_);
  }
  // Offsets start at 0, never decrease and end at the neighbour count; every id < num_nodes().
  // O(n + m): cheap enough to run on every loaded graph.
  bool check_shape() const;

  // The dynamic graph (adaptation): removes and adds undirected edges in place, keeping every
  // invariant above. Each list holds pairs (u, v) with u < v, sorted and without duplicates;
  // every removed pair is an edge and no added pair is (asserted in checked builds). Removals
  // are compacted left to right, additions merged right to left, so no second copy of the
  // arrays is made: O(n + m + k log k) for k edits, and the same bytes for any thread count.
  using Edge = std::pair<NodeId, NodeId>;
  void apply_edits(std::span<const Edge> removed, std::span<const Edge> added);
  bool has_edge(NodeId u, NodeId v) const;
  // Bumped by every apply_edits that changed something (caches keyed on the graph use it).
  std::uint64_t version() const { return version_; }

 private:
  std::vector<EdgeIdx> offsets_;
  std::vector<NodeId> neighbours_;
  std::uint64_t version_ = 0;
};

}  // namespace credsim::graph
