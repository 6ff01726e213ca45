// Summary statistics of a graph, for run manifests, reports and loader checks.
#pragma once
#include "credsim/core/types.hpp"
#include "credsim/graph/csr.hpp"

namespace credsim::graph {

struct Stats {
  NodeId nodes = 0;
  EdgeIdx edges = 0;              // undirected
  NodeId isolated = 0;            // degree 0
  NodeId components = 0;          // connected components; an isolated node is one
  NodeId largest_component = 0;   // nodes in the largest
  EdgeIdx max_degree = 0;
  double mean_degree = 0.0;       // 2 · edges / nodes (0 for an empty graph)
};

Stats compute_stats(const Csr& g);

}  // namespace credsim::graph
