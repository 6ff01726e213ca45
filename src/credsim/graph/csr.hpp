// The social graph as compressed sparse rows: undirected, each edge stored in both endpoints'
// lists, neighbours of a node sorted ascending, no self-loops, no duplicates.
// Offsets are 64-bit indices (not pointers) so the arrays can be saved, sent and memory-mapped.
#pragma once
#include <span>
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

 private:
  std::vector<EdgeIdx> offsets_;
  std::vector<NodeId> neighbours_;
};

}  // namespace credsim::graph
