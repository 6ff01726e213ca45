// A parallel sort for totally ordered values without distinguishable equal elements (integers,
// pairs of integers): slices sorted concurrently, then merged pairwise in rounds. The result is
// the sorted sequence, so the same bytes as std::sort for any thread count.
#pragma once
#include <algorithm>
#include <cstddef>
#include <vector>

#include <omp.h>

namespace credsim {

template <class T>
void parallel_sort(std::vector<T>& v) {
  const std::size_t n = v.size();
  const std::size_t parts = n < (std::size_t{1} << 14) ? 1 : std::min<std::size_t>(n >> 13, 2 * static_cast<std::size_t>(std::max(1, omp_get_max_threads())));
  if (parts <= 1) {
    std::sort(v.begin(), v.end());
    return;
  }
  std::vector<std::size_t> b(parts + 1);
  for (std::size_t k = 0; k <= parts; ++k) b[k] = n / parts * k + std::min(k, n % parts);
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t k = 0; k < static_cast<std::int64_t>(parts); ++k)
    std::sort(v.begin() + static_cast<std::ptrdiff_t>(b[k]), v.begin() + static_cast<std::ptrdiff_t>(b[k + 1]));
  std::vector<T> tmp(n);
  T* src = v.data();
  T* dst = tmp.data();
  for (std::size_t width = 1; width < parts; width *= 2) {
    const std::size_t merges = (parts + 2 * width - 1) / (2 * width);
#pragma omp parallel for schedule(dynamic, 1)
    for (std::int64_t m = 0; m < static_cast<std::int64_t>(merges); ++m) {
      const std::size_t k = static_cast<std::size_t>(m) * 2 * width;
      const std::size_t lo = b[k], mid = b[std::min(parts, k + width)], hi = b[std::min(parts, k + 2 * width)];
      std::merge(src + lo, src + mid, src + mid, src + hi, dst + lo);
    }
    std::swap(src, dst);
  }
  if (src != v.data()) v.swap(tmp);
}

}  // namespace credsim
