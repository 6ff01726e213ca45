// In-place edits of the CSR graph for the dynamic graph of adaptation (see csr.hpp): one memmove
// per stretch between edited positions (bandwidth-bound) and a parallel offset update (per block
// of the compact offsets, Offsets::shift); runs only
// on ticks with edits. No edge list beside the CSR: the only extra
// memory is the two short sorted lists of this tick's arcs.
#include <algorithm>
#include <cstring>

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
  NodeId* nb = neighbours_.data();

  // Pass 1: drop the removed arcs. Their positions ascend with (from, to); the stretch between
  // two of them moves left by the number removed so far: one memmove each, left to right, so a
  // stretch's destination never overtakes what is still to be read.
  if (!rm.empty()) {
    std::vector<EdgeIdx> pos(rm.size());
    for (std::size_t k = 0; k < rm.size(); ++k) {
      const auto [u, v] = rm[k];
      const auto list = neighbours(u);
      const auto it = std::lower_bound(list.begin(), list.end(), v);
      CREDSIM_ASSERT(it != list.end() && *it == v);
      pos[k] = offsets_[u] + static_cast<EdgeIdx>(it - list.begin());
    }
    const EdgeIdx end = offsets_[n];
    EdgeIdx dst = pos[0];
    for (std::size_t k = 0; k < pos.size(); ++k) {
      const EdgeIdx from = pos[k] + 1, to = k + 1 < pos.size() ? pos[k + 1] : end;
      std::memmove(nb + dst, nb + from, (to - from) * sizeof(NodeId));
      dst += to - from;
    }
    offsets_.shift(rm, /*subtract=*/true);  // u's offset less the removed arcs of nodes before u
    CREDSIM_ASSERT(offsets_[n] == dst);
  }

  // Pass 2: insert the added arcs, each before the first neighbour greater than it (after the
  // node's list when none is), so every list stays sorted. The k-th insertion (in (from, to)
  // order, positions ascending) moves the stretch after it right by k + 1: memmoves right to
  // left, so a stretch never overwrites one not yet moved.
  if (!add.empty()) {
    const EdgeIdx old_total = offsets_[n];
    std::vector<EdgeIdx> ins(add.size());
    for (std::size_t k = 0; k < add.size(); ++k) {
      const auto [u, v] = add[k];
      const auto list = neighbours(u);
      ins[k] = offsets_[u] + static_cast<EdgeIdx>(std::upper_bound(list.begin(), list.end(), v) - list.begin());
    }
    // Before anything moves: it aborts if a block of 64 nodes would span 2^32 arcs.
    offsets_.shift(add, /*subtract=*/false);  // u's offset plus the added arcs of nodes before u
    neighbours_.resize(old_total + add.size());
    nb = neighbours_.data();
    for (std::size_t k = add.size(); k-- > 0;) {
      const EdgeIdx from = ins[k], to = k + 1 < add.size() ? ins[k + 1] : old_total;
      std::memmove(nb + from + k + 1, nb + from, (to - from) * sizeof(NodeId));
      nb[ins[k] + k] = add[k].second;
    }
  } else {
    neighbours_.resize(offsets_[n]);
  }
  // Give memory back when many ties were cut.
  if (neighbours_.capacity() - neighbours_.size() > neighbours_.size() / 4 + 1024) neighbours_.shrink_to_fit();
  ++version_;
}

}  // namespace credsim::graph
