// parallel_sort (core/parallel_sort.hpp) against std::sort: random pairs with many duplicates,
// sizes around the serial threshold and with uneven slices, 1, 2 and 3 threads.
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "credsim/core/parallel_sort.hpp"
#include "credsim/core/rng.hpp"

namespace credsim {
namespace {

TEST(ParallelSort, EqualsStdSortForAnyThreadCount) {
  const int before = omp_get_max_threads();
  for (int threads : {1, 2, 3}) {
    omp_set_num_threads(threads);
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{16383}, std::size_t{16384}, std::size_t{40961}, std::size_t{200003}}) {
      Rng rng(3, 0, n, static_cast<std::uint64_t>(threads), Stream::kGraph);
      std::vector<std::pair<std::uint32_t, std::uint32_t>> v(n);
      for (auto& [a, b] : v) a = static_cast<std::uint32_t>(rng.below(n / 4 + 1)), b = static_cast<std::uint32_t>(rng.below(50));
      auto want = v;
      std::sort(want.begin(), want.end());
      parallel_sort(v);
      ASSERT_EQ(v, want) << "n " << n << " threads " << threads;
    }
  }
  omp_set_num_threads(before);
}

}  // namespace
}  // namespace credsim
