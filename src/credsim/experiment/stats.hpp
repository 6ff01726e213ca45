// Statistics of paired experiments (docs/MODEL.md §23): the regularized incomplete beta
// function, Student's t distribution and its quantile (computed here, exactly to double
// precision, no tables), and the paired difference of two arms with its t interval.
#pragma once
#include <cstddef>
#include <vector>

namespace credsim::experiment {

// I_x(a, b) for a, b > 0 and 0 <= x <= 1 (Lentz's continued fraction; relative error ~1e-15).
double regularized_incomplete_beta(double a, double b, double x);

// P(T <= t) for Student's t with df > 0 degrees of freedom (df may be fractional).
double student_t_cdf(double t, double df);

// The t with P(T <= t) = p, 0 < p < 1: the cdf inverted by bisection to the last bit.
double student_t_quantile(double p, double df);

// Replicate r of arm A and of arm B are a pair (same seed and replicate: common random numbers).
// Only pairs where both values are finite are used; n counts them. diff = B − A per pair;
// diff_sd is the sample standard deviation (divisor n − 1); the interval is
// diff_mean ± t_{(1+level)/2, n−1} · diff_sd / √n. With n < 2 the sd and the interval are NaN
// (and with n = 0 the means too); with diff_sd = 0 the interval has zero width.
struct PairedSummary {
  std::size_t n = 0;
  double mean_a = 0, mean_b = 0, diff_mean = 0, diff_sd = 0, ci_low = 0, ci_high = 0;
};
PairedSummary paired_summary(const std::vector<double>& a, const std::vector<double>& b, double level = 0.95);

}  // namespace credsim::experiment
