// In-place edits of the CSR graph for the dynamic graph of adaptation (see csr.hpp), in one pass
// over the neighbour array: every kept arc moves once, straight to its final place, by the
// number of arcs inserted before it less the number removed before it. Between two edited
// positions that shift is constant (a "piece", moved by one memmove). Pieces that move left are
// moved in ascending order and pieces that move right in descending order: the place a kept arc
// moves to held, before the edit, a removed arc or a kept arc that moves the same way and is
// already moved (final places keep the order), so nothing is overwritten before it is read, and
// the two directions never touch each other's arcs. In parallel the array is cut into one range
// per thread; a range's first left-moving pieces may land in the range before it, its last
// right-moving ones in the range after it, so those few arcs (about the number of edits) are
// copied first and the neighbouring range reads them from the copy. Then the inserted arcs are
// written into the gaps left for them. The result is the same bytes for any number of ranges.
// The offsets are updated per block of the compact offsets (Offsets::shift). No edge list beside
// the CSR: the extra memory is the sorted lists of this tick's arcs and their positions.
#include <algorithm>
#include <cstring>

#include <omp.h>

#include "credsim/core/error.hpp"
#include "credsim/core/parallel.hpp"
#include "credsim/core/parallel_sort.hpp"
#include "credsim/graph/csr.hpp"

namespace credsim::graph {

bool Csr::has_edge(NodeId u, NodeId v) const {
  const auto nb = neighbours(u);
  return std::binary_search(nb.begin(), nb.end(), v);
}

namespace {
// Both directions of every pair, sorted by (from, to): the pairs (u < v) are sorted already, so
// only the reversed ones are sorted and the two merged.
std::vector<Csr::Edge> arcs_of(std::span<const Csr::Edge> pairs) {
  std::vector<Csr::Edge> rev(pairs.size());
  for (std::size_t k = 0; k < pairs.size(); ++k) rev[k] = {pairs[k].second, pairs[k].first};
  parallel_sort(rev);
  std::vector<Csr::Edge> a(2 * pairs.size());
  std::merge(pairs.begin(), pairs.end(), rev.begin(), rev.end(), a.begin());
  return a;
}

// A stretch of kept arcs [src, src + len) of the old array that moves by `delta`.
struct Piece {
  EdgeIdx src, len;
  std::int64_t delta;
};
}  // namespace

void Csr::apply_edits(std::span<const Edge> removed, std::span<const Edge> added, unsigned ranges) {
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
  const EdgeIdx old_total = offsets_[n];
  const EdgeIdx new_total = old_total - rm.size() + add.size();

  // Old positions: of each removed arc (ascending with (from, to)), and where each added arc goes
  // (before the first neighbour greater than it, after the list when none is; nondecreasing).
  std::vector<EdgeIdx> pos(rm.size()), ins(add.size());
  parallel_for(rm.size(), [&](std::size_t k) {
    const auto [u, v] = rm[k];
    const auto list = neighbours(u);
    const auto it = std::lower_bound(list.begin(), list.end(), v);
    CREDSIM_ASSERT(it != list.end() && *it == v);
    pos[k] = offsets_[u] + static_cast<EdgeIdx>(it - list.begin());
  });
  parallel_for(add.size(), [&](std::size_t k) {
    const auto [u, v] = add[k];
    const auto list = neighbours(u);
    ins[k] = offsets_[u] + static_cast<EdgeIdx>(std::upper_bound(list.begin(), list.end(), v) - list.begin());
  });
  // Before anything moves: the addition aborts if a block of 64 nodes would span 2^32 arcs.
  if (!rm.empty()) offsets_.shift(rm, /*subtract=*/true);  // u's offset less the removed arcs before u
  if (!add.empty()) offsets_.shift(add, /*subtract=*/false);  // ... plus the added arcs before u
  CREDSIM_ASSERT(offsets_[n] == new_total);

  // The ranges of the old array, one per thread (fewer for small arrays).
  unsigned nr = ranges ? ranges : static_cast<unsigned>(std::max(1, omp_get_max_threads()));
  nr = static_cast<unsigned>(std::clamp<EdgeIdx>(old_total / 4096, 1, nr));
  std::vector<EdgeIdx> bound(nr + 1);
  for (unsigned c = 0; c <= nr; ++c) bound[c] = old_total / nr * c + std::min<EdgeIdx>(c, old_total % nr);

  // The pieces in array order, cut at the ranges' bounds (first[c]: range c's first piece), and
  // the final place of every inserted arc: its old position less the removed arcs before it plus
  // the inserted arcs before it (insertions at a position come before the arc there).
  std::vector<Piece> pieces;
  pieces.reserve(rm.size() + add.size() + nr + 1);
  std::vector<std::size_t> first(nr + 1, 0);
  std::vector<EdgeIdx> put(add.size());
  {
    std::size_t i = 0, j = 0;
    unsigned c = 0;
    std::int64_t delta = 0;
    for (EdgeIdx x = 0;;) {
      const EdgeIdx e = std::min({i < pos.size() ? pos[i] : old_total, j < ins.size() ? ins[j] : old_total, old_total});
      // Kept arcs [x, e), cut at the bounds.
      while (x < e) {
        while (bound[c + 1] <= x) first[++c] = pieces.size();
        const EdgeIdx to = std::min(e, bound[c + 1]);
        if (delta != 0) pieces.push_back({x, to - x, delta});
        x = to;
      }
      if (j < ins.size() && ins[j] == e) {
        put[j] = e - i + j;
        ++delta, ++j;
      } else if (i < pos.size() && pos[i] == e) {
        --delta, ++i, x = e + 1;
      } else {
        break;
      }
    }
    while (c < nr) first[++c] = pieces.size();
  }

  // Where the ranges reach into their neighbours: range c's lowest destination of a left move and
  // highest (end) of a right move. A range reaching beyond its neighbour (tiny graphs, very many
  // edits) makes the whole move serial.
  std::vector<EdgeIdx> low(nr), high(nr);
  bool parallel = nr > 1;
  for (unsigned c = 0; c < nr; ++c) {
    low[c] = bound[c], high[c] = bound[c + 1];
    for (std::size_t k = first[c]; k < first[c + 1]; ++k)
      if (pieces[k].delta < 0) { low[c] = static_cast<EdgeIdx>(static_cast<std::int64_t>(pieces[k].src) + pieces[k].delta); break; }
    for (std::size_t k = first[c + 1]; k-- > first[c];)
      if (pieces[k].delta > 0) {
        high[c] = std::max(high[c], pieces[k].src + pieces[k].len + static_cast<EdgeIdx>(pieces[k].delta));
        break;
      }
    if (c > 0 && low[c] < bound[c - 1]) parallel = false;
    if (c + 1 < nr && high[c] > bound[c + 2]) parallel = false;
  }
  if (new_total > old_total) neighbours_.resize(new_total);
  NodeId* const nb = neighbours_.data();
  // The copies: range c's left window [low[c + 1], bound[c + 1]) and right window
  // [bound[c], min(high[c - 1], old_total)), as they were before anything moved.
  std::vector<std::vector<NodeId>> left_copy(nr), right_copy(nr);
  if (parallel)
    for (unsigned c = 0; c < nr; ++c) {
      if (c + 1 < nr && low[c + 1] < bound[c + 1]) left_copy[c].assign(nb + low[c + 1], nb + bound[c + 1]);
      if (c > 0 && high[c - 1] > bound[c]) right_copy[c].assign(nb + bound[c], nb + std::min(high[c - 1], old_total));
    }
  auto move_range = [&](unsigned c, std::size_t p0, std::size_t p1) {
    const EdgeIdx w0 = left_copy[c].empty() ? old_total : low[c + 1];  // read [w0, ...) from the copy
    const EdgeIdx w1 = right_copy[c].empty() ? 0 : bound[c] + right_copy[c].size();  // [..., w1) likewise
    for (std::size_t k = p0; k < p1; ++k) {  // left moves, ascending
      const Piece& q = pieces[k];
      if (q.delta > 0) continue;
      NodeId* const dst = nb + static_cast<std::int64_t>(q.src) + q.delta;
      const EdgeIdx split = std::clamp(w0, q.src, q.src + q.len);
      std::memmove(dst, nb + q.src, (split - q.src) * sizeof(NodeId));
      if (split < q.src + q.len)
        std::memcpy(dst + (split - q.src), left_copy[c].data() + (split - w0), (q.src + q.len - split) * sizeof(NodeId));
    }
    for (std::size_t k = p1; k-- > p0;) {  // right moves, descending
      const Piece& q = pieces[k];
      if (q.delta < 0) continue;
      NodeId* const dst = nb + q.src + static_cast<EdgeIdx>(q.delta);
      const EdgeIdx split = std::clamp(w1, q.src, q.src + q.len);
      std::memmove(dst + (split - q.src), nb + split, (q.src + q.len - split) * sizeof(NodeId));
      if (split > q.src) std::memcpy(dst, right_copy[c].data() + (q.src - bound[c]), (split - q.src) * sizeof(NodeId));
    }
  };
  if (parallel) {
#pragma omp parallel for schedule(static, 1) num_threads(nr)
    for (int c = 0; c < static_cast<int>(nr); ++c) move_range(static_cast<unsigned>(c), first[c], first[c + 1]);
  } else {
    left_copy.assign(nr, {}), right_copy.assign(nr, {});
    move_range(0, 0, pieces.size());  // one range: no copies (bound[0] = 0)
  }
  for (std::size_t j = 0; j < add.size(); ++j) nb[put[j]] = add[j].second;
  if (new_total < old_total) neighbours_.resize(new_total);
  // Give memory back when many ties were cut.
  if (neighbours_.capacity() - neighbours_.size() > neighbours_.size() / 4 + 1024) neighbours_.shrink_to_fit();
  ++version_;
}

}  // namespace credsim::graph
