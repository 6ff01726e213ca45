// Deterministic parallel loops and reductions. Floating-point sums are taken over fixed blocks
// whose boundaries depend only on n, then combined in block order, so the result is the same
// bytes for any thread count (the determinism rule of SPEC §6).
#pragma once
#include <omp.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace credsim {

inline constexpr std::size_t kReduceBlock = 1 << 14;

// fn(i) for i in [0, n), statically scheduled (first touch matches later use).
template <class Fn>
void parallel_for(std::size_t n, Fn&& fn) {
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) fn(static_cast<std::size_t>(i));
}

// Integer counts in `bins` counters over i in [0, n): add(i, h) increments the counters of h
// that element i counts in. One private array per thread, summed at the end (integers: the
// same counts for any thread count).
template <class Add>
std::vector<std::uint64_t> parallel_counts(std::size_t n, std::size_t bins, Add&& add) {
  const int nt = omp_get_max_threads();
  std::vector<std::vector<std::uint64_t>> local(static_cast<std::size_t>(nt));
#pragma omp parallel num_threads(nt)
  {
    std::vector<std::uint64_t>& h = local[static_cast<std::size_t>(omp_get_thread_num())];
    h.assign(bins, 0);
#pragma omp for schedule(static)
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) add(static_cast<std::size_t>(i), h.data());
  }
  std::vector<std::uint64_t> out(bins, 0);
  for (const auto& h : local)
    for (std::size_t k = 0; k < h.size(); ++k) out[k] += h[k];
  return out;
}

// Sum over i of fn(i), with a fixed blocking: identical result for any number of threads.
template <class T, class Fn>
T deterministic_sum(std::size_t n, Fn&& fn) {
  const std::size_t nb = (n + kReduceBlock - 1) / kReduceBlock;
  std::vector<T> partial(nb, T{});
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t b = 0; b < static_cast<std::int64_t>(nb); ++b) {
    const std::size_t lo = static_cast<std::size_t>(b) * kReduceBlock;
    const std::size_t hi = std::min(n, lo + kReduceBlock);
    T s{};
    for (std::size_t i = lo; i < hi; ++i) s += fn(i);
    partial[static_cast<std::size_t>(b)] = s;
  }
  T total{};
  for (const T& p : partial) total += p;
  return total;
}

// Two sums over i < n with deterministic_sum's fixed blocks in one pass: fn(i, a, b) adds
// element i's terms to its block's two accumulators (value-initialised), and the block sums are
// added in block order. Each total is the same sequence of additions, so the same bytes, as a
// deterministic_sum of its own terms.
template <class A, class B, class Fn>
std::pair<A, B> deterministic_sum2(std::size_t n, Fn&& fn) {
  const std::size_t nb = (n + kReduceBlock - 1) / kReduceBlock;
  std::vector<A> pa(nb, A{});
  std::vector<B> pb(nb, B{});
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t bi = 0; bi < static_cast<std::int64_t>(nb); ++bi) {
    const auto b = static_cast<std::size_t>(bi);
    const std::size_t lo = b * kReduceBlock, hi = std::min(n, lo + kReduceBlock);
    A a{};
    B c{};
    for (std::size_t i = lo; i < hi; ++i) fn(i, a, c);
    pa[b] = a, pb[b] = c;
  }
  A ta{};
  B tb{};
  for (std::size_t b = 0; b < nb; ++b) ta += pa[b], tb += pb[b];
  return {ta, tb};
}

}  // namespace credsim
