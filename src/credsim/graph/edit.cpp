// In-place edits of the CSR graph for the dynamic graph of adaptation (see csr.hpp). Sequential
// and bandwidth-bound; runs only on ticks with edits. No edge list beside the CSR: the only extra
// memory is the two short sorted lists of this tick's arcs.
#include <algorithm>

#include "credsim/core/error.hpp"
#include "credsim/graph/csr.hpp"

namespace credsim::graph {

bool Csr::has_edge(NodeId u, NodeId v) const {
  const auto nb = neighbours(u);
  return std::binary_search(nb.begin(), nb.end(), v);
}

namespace {
// Both directions of every pair, sorted by (from, to).
std::vector<Csr::Edge> arcs_of(std::span<const Csr::Edge> pairs) {
  std::vector<Csr::Edge> a;
  a.reserve(2 * pairs.size());
  for (const auto& [u, v] : pairs) {
    a.emplace_back(u, v);
    a.emplace_back(v, u);
  }
  std::sort(a.begin(), a.end());
  return a;
}
}  // namespace

void Csr::apply_edits(std::span<const Edge> removed, std::span<const Edge> added) {
  if (removed.empty() && added.empty()) return;
#ifdef CREDSIM_CHECKED
  for (std::size_t k = 0; k < removed.size(); ++k) {
    CREDSIM_ASSERT(removed[k].first < removed[k].second && has_edge(removed[k].first, removed[k].second));
    CREDSIM_ASSERT(k == 0 || removed[k - 1] < removed[k]);
  }
  for (std::size_t k = 0; k < added.size(); ++k) {
    CREDSIM_ASSERT(added[k].first < added[k].second && added[k].second < num_nodes() &&
                   !has_edge(added[k].first, added[k].second));
    CREDSIM_ASSERT(k == 0 || added[k - 1] < added[k]);
  }
#endif
  const NodeId n = num_nodes();
  const std::vector<Edge> rm = arcs_of(removed), add = arcs_of(added);

  // Pass 1, left to right: drop removed arcs. A node's new start never exceeds its old start,
  // so writing never overtakes reading. offsets_[u + 1] is read before it is rewritten.
  EdgeIdx w = 0;
  std::size_t r = 0;
  for (NodeId u = 0; u < n; ++u) {
    const EdgeIdx a = offsets_[u], b = offsets_[u + 1];
    offsets_[u] = w;
    for (EdgeIdx k = a; k < b; ++k) {
      const NodeId v = neighbours_[k];
      if (r < rm.size() && rm[r].first == u && rm[r].second == v) {
        ++r;
        continue;
      }
      neighbours_[w++] = v;
    }
  }
  offsets_[n] = w;
  CREDSIM_ASSERT(r == rm.size());

  // Pass 2, right to left: merge each node's added arcs into its (sorted) list. A node's new end
  // is its old end plus the additions of it and every node before it, so writing (from the back)
  // never overtakes reading.
  const EdgeIdx total = w + add.size();
  neighbours_.resize(total);
  std::size_t q = add.size();
  EdgeIdx out = total, old_end = w;
  for (NodeId u = n; u-- > 0;) {
    if (q == 0) break;  // nothing added at or below u: the rest is already in place
    const EdgeIdx a = offsets_[u];
    EdgeIdx rd = old_end;
    old_end = a;
    offsets_[u + 1] = out;
    while (q > 0 && add[q - 1].first == u) {
      const NodeId v = add[q - 1].second;
      while (rd > a && neighbours_[rd - 1] > v) neighbours_[--out] = neighbours_[--rd];
      neighbours_[--out] = v;
      --q;
    }
    while (rd > a) neighbours_[--out] = neighbours_[--rd];
  }
  CREDSIM_ASSERT(q == 0 && out == old_end);
  // Give memory back when many ties were cut.
  if (neighbours_.capacity() - neighbours_.size() > neighbours_.size() / 4 + 1024) neighbours_.shrink_to_fit();
  ++version_;
}

}  // namespace credsim::graph
