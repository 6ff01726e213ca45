// Statistics kernels for the measures (means, quantiles, histograms, inequality, deciles, rank
// correlation) over up to 1e8 values: O(n) or O(n log n), OpenMP-parallel, and byte-identical
// for any thread count (SPEC §6), so a run's reported measures never depend on the machine.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "credsim/core/uf16.hpp"
#include "credsim/measure/rank_order.hpp"

namespace credsim::measure {

// Common preconditions: no NaN among the values (asserted where cheap, undefined otherwise).

// Arithmetic mean, refined by a second pass over the residuals; NaN when empty.
double mean(std::span<const double> x);

// Population standard deviation (divides by n), corrected two-pass for accuracy; NaN when empty,
// 0 for one value.
double stdev(std::span<const double> x);

// mean(x) and stdev(x), the same bytes, in four passes over x instead of six (stdev's two sums
// about the mean taken in one pass, the mean computed once).
struct MeanSd {
  double mean;
  double sd;
};
MeanSd mean_and_stdev(std::span<const double> x);

// Quantiles by linear interpolation between order statistics (numpy's default "linear",
// Hyndman–Fan type 7): h = (n−1)p, q = x[⌊h⌋] + (h−⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]) on the sorted values.
// One result per entry of probs (each in [0, 1], asserted). All NaN when x is empty.
// A −0.0 among the values is read as +0.0, so the result never depends on how ties were sorted.
std::vector<double> quantiles(std::span<const double> x, std::span<const double> probs);

// Counts in `bins` fixed bins of width w = (hi−lo)/bins: bin i = [lo + i·w, lo + (i+1)·w), the
// last bin closed at hi. Values below lo count in bin 0 and values above hi in the last bin
// (scores are clamped to their range anyway, so this only absorbs rounding at the edges).
// Requires bins > 0 and lo < hi (asserted).
std::vector<std::uint64_t> histogram(std::span<const double> x, double lo, double hi,
                                     std::size_t bins);
// The same for floats (as their doubles), read in place.
std::vector<std::uint64_t> histogram(std::span<const float> x, double lo, double hi, std::size_t bins);

// Gini coefficient of non-negative values (negative input asserted):
// G = Σ_i Σ_j |x_i − x_j| / (2 n² mean), computed from the sorted values in O(n log n).
// 0 when n == 0 or the sum is 0.
double gini(std::span<const double> x);

// The same, from values already sorted ascending by sorted(): one sort serves several
// statistics of one column (the metric reporters sort each column once per measured tick).
std::vector<double> sorted(std::span<const double> x);
std::vector<double> quantiles_of_sorted(std::span<const double> sorted_x, std::span<const double> probs);
double gini_of_sorted(std::span<const double> sorted_x);

// Quantiles (as quantiles_of_sorted) and Gini (as gini_of_sorted) of sorted(x), the same bytes,
// without the sorted copy: the sorted order is produced one slice of about n / parts positions
// at a time (whole reduce blocks; the slices' bounds found by radix select), so the scratch is a
// slice and its radix buffer, 16 n / parts bytes, instead of 16 n. Each slice costs two passes
// over x. Quantiles all NaN and Gini 0 when x is empty.
struct QuantilesGini {
  std::vector<double> quantiles;
  double gini = 0;
};
QuantilesGini quantiles_and_gini(std::span<const double> x, std::span<const double> probs, std::size_t parts = 8);
// The same for floats (as their doubles), read in place.
QuantilesGini quantiles_and_gini(std::span<const float> x, std::span<const double> probs, std::size_t parts = 8);

// quantiles() of the values x[i] (as doubles) with keep(i), gathered in index order: the same
// bytes, found by radix select over x in place (the others ranked above every value).
template <class Keep>
std::vector<double> quantiles_where(std::span<const float> x, Keep keep, std::span<const double> probs);

// Decile 0..9 of each element when ranked ascending by key, ties broken by index (stable):
// decile = ⌊10·rank/n⌋ with rank 0-based.
std::vector<std::uint8_t> deciles(std::span<const double> key);
// The same for floats (ranked as their doubles), read in place: no double copy.
std::vector<std::uint8_t> deciles(std::span<const float> key);
// The same for a 16-bit column (core/uf16.hpp; ranked as its decoded values), read in place.
std::vector<std::uint8_t> deciles(Uf16Span key);

// Of all elements with flag != 0, the share lying in each decile: 10 values summing to 1, or all
// 0 when none is flagged. decile[i] must be < 10 (asserted); the spans must have equal size.
std::vector<double> share_by_decile(std::span<const std::uint8_t> decile,
                                    std::span<const std::uint8_t> flag);

// Within each decile, the share of its elements with flag != 0 (0 for an empty decile).
std::vector<double> rate_by_decile(std::span<const std::uint8_t> decile,
                                   std::span<const std::uint8_t> flag);

// Per-decile counts of up to 64 flags per element, in one pass: total[d] = the elements of
// decile d, flagged[f][d] = those among them with bit f of mask(i) set (mask(i) < 2^flags;
// decile[i] < 10, asserted). share(f) and rate(f) are share_by_decile and rate_by_decile of the
// flag column (mask(i) >> f) & 1, the same doubles, so several flag columns of one decile
// ranking cost one pass instead of two each. Integer counts: the same for any thread count.
struct DecileTally {
  std::array<std::uint64_t, 10> total{};
  std::vector<std::array<std::uint64_t, 10>> flagged;  // one per flag
  std::uint64_t flagged_total(std::size_t f) const;     // Σ_d flagged[f][d]
  std::vector<double> share(std::size_t f) const;
  std::vector<double> rate(std::size_t f) const;
};
template <class Mask>
DecileTally tally_by_decile(std::span<const std::uint8_t> decile, std::size_t flags, Mask mask);

// Spearman rank correlation: Pearson correlation of the ranks, tied values given their average
// rank. NaN when n < 2 or either side is constant (the correlation is undefined there).
// The three sums of products of centred ranks are exact (128-bit integers over doubled ranks),
// so the result is the correctly rounded sums' quotient whatever the order of summation.
double spearman(std::span<const double> a, std::span<const double> b);
// The same for floats (as their doubles), read in place.
double spearman(std::span<const float> a, std::span<const float> b);
// The same with b a 16-bit column (core/uf16.hpp; its decoded values), read in place.
double spearman(std::span<const float> a, Uf16Span b);

// ---------- integer-valued columns: counting instead of sorting ----------

// The counts of each value of an integer-valued column (composite and FICO scores, points
// balances): counts[v − lo] for lo ≤ v ≤ lo + counts.size() − 1, n values in all.
struct ValueCounts {
  std::int64_t lo = 0;
  std::vector<std::uint64_t> counts;
  std::uint64_t n = 0;
};

// Counts of the values get(i), i < n, that are not NaN (NaN values are left out) when every such
// value is an integer in a range of at most max_range values; false (and `out` unspecified)
// otherwise. Integer counts: the same for any thread count.
template <class Get>
bool count_integers(std::size_t n, Get get, ValueCounts& out, std::size_t max_range = std::size_t{1} << 20);

// Type-7 quantiles (as quantiles()), Gini (as gini(), exact: 128-bit integer sums) and the
// histogram (as histogram()) of the counted values: the same values as from the sorted column.
std::vector<double> quantiles_of_counts(const ValueCounts& c, std::span<const double> probs);
double gini_of_counts(const ValueCounts& c);
std::vector<std::uint64_t> histogram_of_counts(const ValueCounts& c, double lo, double hi, std::size_t bins);

// Mean and standard deviation of get(i) over the i < n with keep(i), with exactly the floating
// operations of mean() and stdev() on the kept values gathered in index order: the same bytes,
// without the copy.
template <class Keep, class Get>
double mean_where(std::size_t n, Keep keep, Get get);
template <class Keep, class Get>
double stdev_where(std::size_t n, Keep keep, Get get);  // as stdev() on the kept values
template <class Get>
double mean_of(std::size_t n, Get get);
template <class Get>
double stdev_of(std::size_t n, Get get);
template <class Get>
MeanSd mean_and_stdev_of(std::size_t n, Get get);  // {mean_of, stdev_of}: the same bytes

// Spearman correlation of a (over the i with keep(i)) with a fixed column b whose order is given:
// order = the indices sorted by (b, index), tie_with_prev[j] = whether b[order[j]] equals
// b[order[j−1]] (both from rank_order()). The ranks of b are taken among the kept elements;
// those of a from its counts (a must be integer-valued: count_integers over the kept ones).
// Same value as spearman() on the kept values gathered in index order.
RankOrder rank_order(std::span<const double> b);  // b has fewer than 2^32 values, no NaN
RankOrder rank_order(std::span<const float> b);
RankOrder rank_order(Uf16Span b);  // a 16-bit column, by its decoded values
// touch(i), when given, is called for the element a few places ahead in b's order, so a caller
// reading a column far larger than the caches can prefetch it (it changes no result).
struct NoTouch {
  void operator()(std::size_t) const {}
};
template <class Keep, class GetA, class Touch = NoTouch>
double spearman_counted(const RankOrder& b, const ValueCounts& a_counts, Keep keep, GetA get_a, Touch touch = {});
// The same for any float column a over its finite values (ratings): a's ranks among them from
// a radix sort of their indices (4 + 4 bytes a kept value, then 4 bytes a person of ranks).
double spearman_finite(const RankOrder& b, std::span<const float> a);

}  // namespace credsim::measure

#include "credsim/measure/stats_impl.hpp"

