// Construction and the full structural check of the CSR graph. valid() is the naive verifier
// every builder, generator and loader is tested against (GAP habit: check the fast result).
#include "credsim/graph/csr.hpp"

#include "credsim/core/error.hpp"

namespace credsim::graph {

Csr::Csr(std::vector<EdgeIdx> offsets, std::vector<NodeId> neighbours)
    : offsets_(std::span<const EdgeIdx>(offsets)), neighbours_(std::move(neighbours)) {
  std::vector<EdgeIdx>().swap(offsets);  // the 64-bit array goes now, not when the caller's expression ends
  CREDSIM_ASSERT(valid());
}

Csr::Csr(Offsets offsets, std::vector<NodeId> neighbours)
    : offsets_(std::move(offsets)), neighbours_(std::move(neighbours)) {
  CREDSIM_ASSERT(valid());
}

bool Csr::valid() const {
  if (!offsets_.layout_error().empty()) return false;
  if (offsets_[0] != 0) return false;
  if (offsets_[offsets_.size() - 1] != neighbours_.size()) return false;
  if (offsets_.size() - 1 > static_cast<std::size_t>(kNoNode)) return false;
  const NodeId n = num_nodes();
  for (NodeId u = 0; u < n; ++u) {
    if (offsets_[u + 1] < offsets_[u] || offsets_[u + 1] - offsets_[u] != degree(u)) return false;
  }
  for (NodeId u = 0; u < n; ++u) {
    const auto nb = neighbours(u);
    for (std::size_t i = 0; i < nb.size(); ++i) {
      const NodeId v = nb[i];
      if (v >= n || v == u) return false;
      if (i > 0 && nb[i - 1] >= v) return false;  // strictly ascending: sorted, no duplicates
    }
  }
  // Symmetry: each arc u->v needs v->u; binary search in v's sorted list. O(m log d).
  for (NodeId u = 0; u < n; ++u) {
    for (const NodeId v : neighbours(u)) {
      const auto back = neighbours(v);
      std::size_t lo = 0, hi = back.size();
      while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (back[mid] < u) lo = mid + 1; else hi = mid;
      }
      if (lo == back.size() || back[lo] != u) return false;
    }
  }
  return true;
}

std::string Csr::shape_error() const {
  if (auto e = offsets_.layout_error(); !e.empty()) return "offsets: " + e;
  if (offsets_.size() - 1 > static_cast<std::size_t>(kNoNode))
    return std::to_string(offsets_.size() - 1) + " nodes (at most " + std::to_string(kNoNode) + ")";
  if (offsets_[0] != 0) return "the first offset is " + std::to_string(offsets_[0]) + ", not 0";
  const std::size_t n = offsets_.size() - 1;
  for (std::size_t u = 0; u < n; ++u) {
    const EdgeIdx a = offsets_[u], b = offsets_[u + 1];
    if (b < a) return "the offsets decrease after node " + std::to_string(u) + " (" + std::to_string(a) + " > " + std::to_string(b) + ")";
    if (b - a != offsets_.gap(u)) return "node " + std::to_string(u) + " has 2^32 or more arcs";
  }
  if (offsets_[n] != neighbours_.size())
    return "the last offset is " + std::to_string(offsets_[n]) + ", not the " + std::to_string(neighbours_.size()) +
           " neighbour entries";
  for (std::size_t k = 0; k < neighbours_.size(); ++k)
    if (neighbours_[k] >= n)
      return "neighbour entry " + std::to_string(k) + " is node " + std::to_string(neighbours_[k]) + " of " + std::to_string(n);
  return {};
}

}  // namespace credsim::graph
