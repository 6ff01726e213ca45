// The one place stages read neighbours' values. On one process a column is globally indexed,
// so the "halo" is the column itself; an MPI partition replaces refresh() with a halo exchange
// (send boundary values, receive ghosts) and the stages do not change.
#pragma once
#include <span>
#include <vector>

#include "credsim/core/uf16.hpp"
#include "credsim/graph/csr.hpp"

namespace credsim {

class Exchange {
 public:
  explicit Exchange(const graph::Csr& g) : graph_(&g) {}
  const graph::Csr& graph() const { return *graph_; }
  // Values of `column` readable by node id for every neighbour of a local node.
  template <class T>
  std::span<const T> neighbour_view(const std::vector<T>& column) const {
    return {column.data(), column.size()};
  }
  // The same for a 16-bit float column (core/uf16.hpp).
  Uf16Span neighbour_view(Uf16Span column) const { return column; }

 private:
  const graph::Csr* graph_;
};

}  // namespace credsim
