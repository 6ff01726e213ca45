// Node orders and the CSR relabelling. The global BFS is sequential (one queue); everything else
// is parallel over blocks or nodes, and each output element depends only on its own inputs, so
// the bytes never depend on the thread count.
#include "credsim/graph/order.hpp"

#include <algorithm>
#include <numeric>
#include <utility>

#include "credsim/core/rng.hpp"

namespace credsim::graph {

bool is_permutation(std::span<const NodeId> ids) {
  std::vector<bool> seen(ids.size(), false);
  for (const NodeId v : ids) {
    if (v >= ids.size() || seen[v]) return false;
    seen[v] = true;
  }
  return true;
}

Permutation::Permutation(std::vector<NodeId> new_to_old)
    : new_to_old_(std::move(new_to_old)), old_to_new_(new_to_old_.size()) {
  CREDSIM_ASSERT(is_permutation(new_to_old_));
  const auto n = static_cast<std::int64_t>(new_to_old_.size());
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < n; ++i) old_to_new_[new_to_old_[i]] = static_cast<NodeId>(i);
}

Permutation Permutation::inverse() const { return Permutation(old_to_new_); }

bool Permutation::is_identity() const {
  for (NodeId i = 0; i < size(); ++i)
    if (new_to_old_[i] != i) return false;
  return true;
}

std::vector<NodeId> block_starts(std::span<const NodeId> sizes) {
  std::vector<NodeId> s(sizes.size() + 1, 0);
  for (std::size_t b = 0; b < sizes.size(); ++b) s[b + 1] = s[b] + sizes[b];
  return s;
}

std::string_view order_name(NodeOrder o) {
  switch (o) {
    case NodeOrder::kGenerated: return "generated";
    case NodeOrder::kRandom: return "random";
    case NodeOrder::kBfs: return "bfs";
    case NodeOrder::kBfsWithinBlocks: return "bfs_in_region";
    case NodeOrder::kDegreeWithinBlocks: return "degree_in_region";
  }
  return "?";
}

Permutation identity_order(NodeId n) {
  std::vector<NodeId> ids(n);
  std::iota(ids.begin(), ids.end(), NodeId{0});
  return Permutation(std::move(ids));
}

Permutation random_order(NodeId n, std::uint64_t seed) {
  const Stream stream = named_stream(Stream::kGraph, "order.random");
  std::vector<std::pair<std::uint64_t, NodeId>> keyed(n);
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) {
    Rng rng(seed, 0, Rng::kNoTick, static_cast<std::uint64_t>(i), stream);
    keyed[i] = {rng.next_u64(), static_cast<NodeId>(i)};
  }
  std::sort(keyed.begin(), keyed.end());  // pairs: ties (equal keys) broken by id
  std::vector<NodeId> ids(n);
  for (NodeId i = 0; i < n; ++i) ids[i] = keyed[i].second;
  return Permutation(std::move(ids));
}

namespace {

// The whole graph as one block when no starts are given.
std::vector<NodeId> starts_or_all(const Csr& g, std::span<const NodeId> starts) {
  if (starts.empty()) return {0, g.num_nodes()};
  CREDSIM_ASSERT(starts.front() == 0 && starts.back() == g.num_nodes());
  CREDSIM_ASSERT(std::is_sorted(starts.begin(), starts.end()));
  return {starts.begin(), starts.end()};
}

// BFS of the nodes [lo, hi), following only neighbours inside that range, writing the visiting
// order to out[lo..hi). `seen` is shared, but blocks are disjoint: no two threads touch one byte.
void bfs_block(const Csr& g, NodeId lo, NodeId hi, std::vector<std::uint8_t>& seen,
               std::vector<NodeId>& out) {
  // out[lo..hi) is itself the queue: head chases tail.
  std::size_t head = lo, tail = lo;
  for (NodeId s = lo; s < hi; ++s) {
    if (seen[s]) continue;
    seen[s] = 1;
    out[tail++] = s;
    while (head < tail) {
      const NodeId u = out[head++];
      const auto nb = g.neighbours(u);
      // Sorted lists: skip to the block's range.
      auto it = std::lower_bound(nb.begin(), nb.end(), lo);
      for (; it != nb.end() && *it < hi; ++it) {
        if (seen[*it]) continue;
        seen[*it] = 1;
        out[tail++] = *it;
      }
    }
  }
}

}  // namespace

Permutation bfs_order(const Csr& g, std::span<const NodeId> starts) {
  const auto s = starts_or_all(g, starts);
  std::vector<std::uint8_t> seen(g.num_nodes(), 0);
  std::vector<NodeId> ids(g.num_nodes());
  const auto blocks = static_cast<std::int64_t>(s.size() - 1);
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t b = 0; b < blocks; ++b) bfs_block(g, s[b], s[b + 1], seen, ids);
  return Permutation(std::move(ids));
}

Permutation degree_order(const Csr& g, std::span<const NodeId> starts) {
  const auto s = starts_or_all(g, starts);
  std::vector<NodeId> ids(g.num_nodes());
  std::iota(ids.begin(), ids.end(), NodeId{0});
  const auto blocks = static_cast<std::int64_t>(s.size() - 1);
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t b = 0; b < blocks; ++b) {
    // Stable sort of ascending ids: equal degrees keep id order.
    std::stable_sort(ids.begin() + s[b], ids.begin() + s[b + 1],
                     [&](NodeId x, NodeId y) { return g.degree(x) > g.degree(y); });
  }
  return Permutation(std::move(ids));
}

Permutation make_order(NodeOrder o, const Csr& g, std::span<const NodeId> starts, std::uint64_t seed) {
  switch (o) {
    case NodeOrder::kGenerated: return identity_order(g.num_nodes());
    case NodeOrder::kRandom: return random_order(g.num_nodes(), seed);
    case NodeOrder::kBfs: return bfs_order(g);
    case NodeOrder::kBfsWithinBlocks: return bfs_order(g, starts);
    case NodeOrder::kDegreeWithinBlocks: return degree_order(g, starts);
  }
  return identity_order(g.num_nodes());
}

Csr permute(const Csr& g, const Permutation& p) {
  CREDSIM_ASSERT(p.size() == g.num_nodes());
  const auto n = static_cast<std::int64_t>(g.num_nodes());
  // Degrees (below 2^32) in the new order, summed in place into the compact offsets.
  std::vector<std::uint32_t> degrees(static_cast<std::size_t>(n) + 1, 0);
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < n; ++i) degrees[i + 1] = static_cast<std::uint32_t>(g.degree(p.old_of(static_cast<NodeId>(i))));
  Offsets offsets = Offsets::from_counts(std::move(degrees));
  std::vector<NodeId> nb(g.num_arcs());
#pragma omp parallel for schedule(dynamic, 4096)
  for (std::int64_t i = 0; i < n; ++i) {
    const auto src = g.neighbours(p.old_of(static_cast<NodeId>(i)));
    NodeId* dst = nb.data() + offsets[i];
    for (std::size_t k = 0; k < src.size(); ++k) dst[k] = p.new_of(src[k]);
    std::sort(dst, dst + src.size());
  }
  return Csr(std::move(offsets), std::move(nb));
}

}  // namespace credsim::graph
