// The social graph as compressed sparse rows: undirected, each edge stored in both endpoints'
// lists, neighbours of a node sorted ascending, no self-loops, no duplicates.
// Neighbours are 32-bit ids (4 B per arc end). Offsets are indices, not pointers, so the arrays
// can be saved, sent and memory-mapped, and are kept compact (graph/offsets.hpp): the low 32 bits
// of every offset plus a 64-bit base per block of 64 nodes, 4.125 B per node instead of 8, exact
// for any number of arcs. degree(u) reads two adjacent low words, neighbours(u) one base word more.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "credsim/core/types.hpp"
#include "credsim/graph/offsets.hpp"

namespace credsim::graph {

class Csr {
 public:
  Csr() = default;  // no nodes
  // Takes ownership of already-valid arrays; validity is asserted in checked builds. The 64-bit
  // offsets (n + 1 of them) are compacted and their array freed before this returns. Throws
  // ResourceError when 64 consecutive nodes span 2^32 arcs or more (offsets.hpp).
  Csr(std::vector<EdgeIdx> offsets, std::vector<NodeId> neighbours);
  Csr(Offsets offsets, std::vector<NodeId> neighbours);

  NodeId num_nodes() const { return static_cast<NodeId>(offsets_.size() - 1); }
  EdgeIdx num_arcs() const { return neighbours_.size(); }            // = 2 × undirected edges
  EdgeIdx num_edges() const { return neighbours_.size() / 2; }       // undirected edges
  EdgeIdx degree(NodeId u) const { return offsets_.gap(u); }
  // Where u's list starts in neighbour_array(); offset(num_nodes()) = num_arcs().
  EdgeIdx offset(NodeId u) const { return offsets_[u]; }
  std::span<const NodeId> neighbours(NodeId u) const {
    return {neighbours_.data() + offsets_[u], static_cast<std::size_t>(offsets_.gap(u))};
  }
  const Offsets& offsets() const { return offsets_; }
  const std::vector<NodeId>& neighbour_array() const { return neighbours_; }
  std::size_t memory_bytes() const { return offsets_.memory_bytes() + neighbours_.size() * sizeof(NodeId); }
  // Full structural check (sorted, symmetric, no loops/duplicates, ids in range). O(m log d).
  bool valid() const;
  // The arrays as they are (checkpoints; io/checkpoint.hpp). After loading, check_shape().
  template <class A>
  void fields(A& a) {
    a(offsets_, neighbours_, version_);
  }
  // Offsets start at 0, never decrease (each step below 2^32, so degree() is the difference) and
  // end at the neighbour count; every id < num_nodes(); the offsets' arrays fit each other.
  // O(n + m): cheap enough to run on every loaded graph. shape_error() says what is wrong (empty
  // when nothing is).
  bool check_shape() const { return shape_error().empty(); }
  std::string shape_error() const;

  // The dynamic graph (adaptation): removes and adds undirected edges in place, keeping every
  // invariant above. Each list holds pairs (u, v) with u < v, sorted and without duplicates;
  // every removed pair is an edge and no added pair is (asserted in checked builds). Every kept
  // arc moves once, straight to its place, in parallel over `ranges` ranges of the array (0: one
  // per thread; edit.cpp), so no second copy of the arrays is made: O(n + m + k log k) for k
  // edits, and the same bytes for any thread count and any number of ranges.
  using Edge = std::pair<NodeId, NodeId>;
  void apply_edits(std::span<const Edge> removed, std::span<const Edge> added, unsigned ranges = 0);
  bool has_edge(NodeId u, NodeId v) const;
  // Bumped by every apply_edits that changed something (caches keyed on the graph use it).
  std::uint64_t version() const { return version_; }

 private:
  Offsets offsets_;
  std::vector<NodeId> neighbours_;
  std::uint64_t version_ = 0;
};

}  // namespace credsim::graph
