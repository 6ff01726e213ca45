// Graph statistics. Components by a parallel lock-free union-find that skips the arcs of the
// giant component (Afforest); the partition, and so every count, does not depend on threads.
#include "credsim/graph/stats.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include <omp.h>

#include "credsim/core/parallel.hpp"
#include "credsim/graph/prefetch.hpp"

namespace credsim::graph {

namespace {

// Lock-free union-find on a plain array through std::atomic_ref: a root is only ever linked
// below a smaller root (compare-and-swap on the root's own entry), and path halving only points
// an entry at one of its ancestors, so any interleaving leaves the same partition.
struct Forest {
  std::unique_ptr<NodeId[]> parent;  // not zeroed first: one parallel pass writes every entry
  explicit Forest(NodeId n) : parent(new NodeId[n]) {
    parallel_for(n, [&](std::size_t u) { parent[u] = static_cast<NodeId>(u); });
  }
  NodeId load(NodeId x) { return std::atomic_ref<NodeId>(parent[x]).load(std::memory_order_relaxed); }
  NodeId find(NodeId x) {
    for (;;) {
      const NodeId p = load(x);
      if (p == x) return x;
      const NodeId gp = load(p);
      if (gp != p) {
        NodeId expected = p;  // halve: x → grandparent (fails harmlessly if x moved meanwhile)
        std::atomic_ref<NodeId>(parent[x]).compare_exchange_weak(expected, gp, std::memory_order_relaxed);
      }
      x = gp;
    }
  }
  void link(NodeId u, NodeId v) {
    for (;;) {
      NodeId a = find(u), b = find(v);
      if (a == b) return;
      if (a < b) std::swap(a, b);  // a: the larger root, linked below b
      NodeId expected = a;
      if (std::atomic_ref<NodeId>(parent[a]).compare_exchange_strong(expected, b, std::memory_order_relaxed)) return;
    }
  }
};

}  // namespace

Stats compute_stats(const Csr& g) {
  Stats s;
  const NodeId n = g.num_nodes();
  s.nodes = n;
  s.edges = g.num_edges();
  s.mean_degree = n > 0 ? 2.0 * static_cast<double>(s.edges) / n : 0.0;
  if (n == 0) return s;
  // Components after Afforest (Sutton, Ben-Nun, Barak 2018; as in GAPBS's cc): link every node
  // to its first two neighbours, find the component most of a fixed sample of nodes is in (the
  // giant one, when there is one), then link the remaining arcs of nodes outside it only. Arcs of
  // nodes inside it can only join it to components already reached from their other end, so
  // the partition is exactly that of all arcs; typically most arcs are never looked at.
  Forest f(n);
  constexpr EdgeIdx kRounds = 2;
  for (EdgeIdx r = 0; r < kRounds; ++r)
    parallel_for(n, [&](std::size_t u) {
      // The random first hop of a node a few places ahead asked for now (graph/prefetch.hpp:
      // a prefetch changes no result).
      if (u + kPrefetchAhead < n) {
        const auto ahead = g.neighbours(static_cast<NodeId>(u + kPrefetchAhead));
        if (ahead.size() > r) __builtin_prefetch(&f.parent[ahead[r]]);
      }
      const auto nb = g.neighbours(static_cast<NodeId>(u));
      if (nb.size() > r) f.link(static_cast<NodeId>(u), nb[r]);
    });
  parallel_for(n, [&](std::size_t u) {
    if (u + kPrefetchAhead < n) __builtin_prefetch(&f.parent[f.load(static_cast<NodeId>(u + kPrefetchAhead))]);
    f.find(static_cast<NodeId>(u));
  });
  // The most frequent root among 1024 nodes at a fixed stride (ties: the smaller root).
  std::vector<NodeId> sample;
  const NodeId step = std::max<NodeId>(1, n / 1024);
  for (NodeId u = 0; u < n; u += step) sample.push_back(f.find(u));
  std::sort(sample.begin(), sample.end());
  NodeId giant = sample[0];
  std::size_t best = 0;
  for (std::size_t k = 0; k < sample.size();) {
    std::size_t e = k;
    while (e < sample.size() && sample[e] == sample[k]) ++e;
    if (e - k > best) best = e - k, giant = sample[k];
    k = e;
  }
  parallel_for(n, [&](std::size_t u) {
    if (f.find(static_cast<NodeId>(u)) == giant) return;
    const auto nb = g.neighbours(static_cast<NodeId>(u));
    for (std::size_t k = kRounds; k < nb.size(); ++k) f.link(static_cast<NodeId>(u), nb[k]);
  });
  // Every node's root, now final: a root is only ever linked below a smaller one, so each
  // component's root is its smallest id and is its own parent. One pass counts the roots (the
  // components), the giant's members, isolated nodes and the largest degree, and keeps the
  // roots of the nodes outside the giant, whose component sizes come from sorting them.
  // Integer counts and a maximum: the same for any thread count.
  const int nt = std::max(1, omp_get_max_threads());
  std::vector<std::vector<NodeId>> outside(static_cast<std::size_t>(nt));
  std::uint64_t roots = 0, in_giant = 0, isolated = 0;
  EdgeIdx max_degree = 0;
#pragma omp parallel num_threads(nt) reduction(+ : roots, in_giant, isolated) reduction(max : max_degree)
  {
    std::vector<NodeId>& mine = outside[static_cast<std::size_t>(omp_get_thread_num())];
#pragma omp for schedule(static)
    for (std::int64_t ui = 0; ui < static_cast<std::int64_t>(n); ++ui) {
      const NodeId u = static_cast<NodeId>(ui);
      const NodeId r = f.find(u);
      roots += r == u;
      if (r == giant) ++in_giant;
      else mine.push_back(r);
      const EdgeIdx d = g.degree(u);
      isolated += d == 0;
      max_degree = std::max(max_degree, d);
    }
  }
  s.components = static_cast<NodeId>(roots);
  s.isolated = static_cast<NodeId>(isolated);
  s.max_degree = max_degree;
  s.largest_component = static_cast<NodeId>(in_giant);
  std::vector<NodeId> rest;
  for (auto& v : outside) rest.insert(rest.end(), v.begin(), v.end()), v = {};
  if (rest.size() <= n / 8) {  // the usual case: a few nodes outside a giant component
    std::sort(rest.begin(), rest.end());
    for (std::size_t k = 0; k < rest.size();) {
      std::size_t e = k;
      while (e < rest.size() && rest[e] == rest[k]) ++e;
      s.largest_component = std::max(s.largest_component, static_cast<NodeId>(e - k));
      k = e;
    }
  } else {  // no giant component (a sparse or fragmented graph): count per root
    std::vector<NodeId> size(n, 0);
    for (const NodeId r : rest) s.largest_component = std::max(s.largest_component, ++size[r]);
  }
  return s;
}

}  // namespace credsim::graph
