// Graph statistics. Components by union-find (path halving, union by index) over each edge
// once (v > u): sequential, O(m α(n)), no recursion or queue to size.
#include "credsim/graph/stats.hpp"

#include <algorithm>
#include <vector>

namespace credsim::graph {

Stats compute_stats(const Csr& g) {
  Stats s;
  const NodeId n = g.num_nodes();
  s.nodes = n;
  s.edges = g.num_edges();
  s.mean_degree = n > 0 ? 2.0 * static_cast<double>(s.edges) / n : 0.0;
  std::vector<NodeId> parent(n);
  for (NodeId u = 0; u < n; ++u) parent[u] = u;
  const auto find = [&parent](NodeId x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  for (NodeId u = 0; u < n; ++u) {
    const EdgeIdx d = g.degree(u);
    s.max_degree = std::max(s.max_degree, d);
    if (d == 0) ++s.isolated;
    for (const NodeId v : g.neighbours(u)) {
      if (v <= u) continue;
      const NodeId a = find(u), b = find(v);
      if (a != b) parent[std::max(a, b)] = std::min(a, b);
    }
  }
  std::vector<NodeId> size(n, 0);
  for (NodeId u = 0; u < n; ++u) {
    const NodeId r = find(u);
    if (size[r]++ == 0) ++s.components;
    s.largest_component = std::max(s.largest_component, size[r]);
  }
  return s;
}

}  // namespace credsim::graph
