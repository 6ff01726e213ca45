// Construction and the full structural check of the CSR graph. valid() is the naive verifier
// every builder, generator and loader is tested against (GAP habit: check the fast result).
#include "credsim/graph/csr.hpp"

#include "credsim/core/error.hpp"

namespace credsim::graph {

Csr::Csr(std::vector<EdgeIdx> offsets, std::vector<NodeId> neighbours)
    : offsets_(std::move(offsets)), neighbours_(std::move(neighbours)) {
  CREDSIM_ASSERT(valid());
}

bool Csr::valid() const {
  if (offsets_.empty() || offsets_.front() != 0) return false;
  if (offsets_.back() != neighbours_.size()) return false;
  if (offsets_.size() - 1 > static_cast<std::size_t>(kNoNode)) return false;
  const NodeId n = num_nodes();
  for (NodeId u = 0; u < n; ++u) {
    if (offsets_[u + 1] < offsets_[u]) return false;
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

bool Csr::check_shape() const {
  if (offsets_.empty() || offsets_.front() != 0 || offsets_.back() != neighbours_.size()) return false;
  for (std::size_t u = 1; u < offsets_.size(); ++u)
    if (offsets_[u] < offsets_[u - 1]) return false;
  const NodeId n = num_nodes();
  for (NodeId v : neighbours_)
    if (v >= n) return false;
  return true;
}

}  // namespace credsim::graph
