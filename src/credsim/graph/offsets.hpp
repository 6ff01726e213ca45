// The CSR offsets in about 4 bytes per node instead of 8, exact for any number of arcs (a
// machine's share of 1.4 billion persons exceeds 2^32 arcs): the low 32 bits of every offset,
// and once per block of 64 nodes a 64-bit base, the smallest offset of the block.
//
//   offset(u)                 = base[u / 64] + uint32(low[u] - uint32(base[u / 64]))
//   offset(u + 1) - offset(u) = uint32(low[u + 1] - low[u])
//
// The first is exact whenever offset(u) - base[u / 64] < 2^32, i.e. every block of 64 nodes
// spans fewer than 2^32 arcs (checked when the offsets are made and at every shift: a block
// would need nodes with 67 million neighbours on average to break it). The second is exact for
// every difference below 2^32, so a degree (at most n - 1 < 2^32 in a valid graph) reads no base
// at all, and a node's list one base word: the base array is 1/64 of the nodes, 8 B each
// (0.125 B per node; 1.6 MB at 10^8 nodes), and the reads of neighbouring nodes share its lines.
// Nothing here depends on the order of the work, so the bytes are the same for any thread count.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "credsim/core/types.hpp"

namespace credsim::graph {

class Offsets {
 public:
  static constexpr unsigned kBlockBits = 6;
  static constexpr std::size_t kBlock = std::size_t{1} << kBlockBits;  // nodes per base word
  static constexpr EdgeIdx kSpan = EdgeIdx{1} << 32;                   // a block spans fewer arcs

  // One offset, 0: the offsets of the empty graph.
  Offsets() : low_(1, 0), base_(1, 0) {}
  // Encodes offsets[0..size) exactly, whatever they are (increasing or not; the structural checks
  // of Csr reject what is not a graph). Throws ResourceError naming the block when a block's
  // largest and smallest offset differ by 2^32 or more.
  explicit Offsets(std::span<const EdgeIdx> offsets);
  // The offsets that start at 0 and grow by counts[1], counts[2], ... (counts[u + 1] = the arcs of
  // node u; counts[0] must be 0): prefix sums in place, so the counts' array becomes the low words
  // and no second n-sized array is made. Throws ResourceError as above.
  static Offsets from_counts(std::vector<std::uint32_t> counts);

  std::size_t size() const { return low_.size(); }  // n + 1 for n nodes
  EdgeIdx operator[](std::size_t u) const {
    const EdgeIdx base = base_[u >> kBlockBits];
    return base + static_cast<std::uint32_t>(low_[u] - static_cast<std::uint32_t>(base));
  }
  // offset(u + 1) - offset(u) modulo 2^32: the degree of u, exactly, when it is below 2^32.
  std::uint32_t gap(std::size_t u) const { return low_[u + 1] - low_[u]; }
  std::vector<EdgeIdx> to_vector() const;  // all offsets, 8 B each (tests, dumps)
  std::size_t memory_bytes() const {
    return low_.size() * sizeof(std::uint32_t) + base_.size() * sizeof(EdgeIdx);
  }
  static constexpr std::size_t blocks_for(std::size_t size) { return (size + kBlock - 1) / kBlock; }

  // Adaptation's edits: moves every offset u by the number of `arcs` whose source (first) is
  // below u, up (added arcs) or down (removed arcs, `subtract`); `arcs` sorted by source. Parallel
  // over blocks, each block found by one binary search and then walked. Aborts, naming the block,
  // when an addition would make a block span 2^32 arcs or more (before anything has changed).
  void shift(std::span<const std::pair<NodeId, NodeId>> arcs, bool subtract);

  // Empty when the arrays can be decoded (at least one offset, one base word per block of 64);
  // else what is wrong. Any low word decodes to some offset, so a loaded checkpoint is checked with
  // this and then by what the decoded offsets must be (Csr::shape_error).
  std::string layout_error() const;

  // The arrays as they are (checkpoints; io/checkpoint.hpp).
  template <class A>
  void fields(A& a) {
    a(low_, base_);
  }

 private:
  std::vector<std::uint32_t> low_;  // the low 32 bits of every offset
  std::vector<EdgeIdx> base_;       // per block of 64 nodes, its smallest offset
};

}  // namespace credsim::graph
