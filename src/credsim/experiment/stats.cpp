// Incomplete beta, Student's t and the paired interval (see stats.hpp).
#include "credsim/experiment/stats.hpp"

#include <cmath>
#include <limits>

#include "credsim/core/error.hpp"

namespace credsim::experiment {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The continued fraction of I_x(a, b) (modified Lentz; Numerical Recipes §6.4), valid and fast
// for x < (a + 1) / (a + b + 2).
double beta_continued_fraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300, kEps = 1e-16;
  const double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1) < kEps) break;
  }
  return h;
}

}  // namespace

double regularized_incomplete_beta(double a, double b, double x) {
  CREDSIM_ASSERT(a > 0 && b > 0);
  if (!(x > 0)) return 0;
  if (!(x < 1)) return 1;
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return std::exp(log_front) * beta_continued_fraction(a, b, x) / a;
  return 1 - std::exp(log_front) * beta_continued_fraction(b, a, 1 - x) / b;
}

double student_t_cdf(double t, double df) {
  CREDSIM_ASSERT(df > 0);
  if (std::isnan(t)) return kNaN;
  if (std::isinf(t)) return t > 0 ? 1.0 : 0.0;
  // P(|T| > |t|) = I_{df/(df+t²)}(df/2, 1/2).
  const double tail = 0.5 * regularized_incomplete_beta(0.5 * df, 0.5, df / (df + t * t));
  return t >= 0 ? 1 - tail : tail;
}

double student_t_quantile(double p, double df) {
  CREDSIM_ASSERT(df > 0);
  if (!(p > 0 && p < 1)) return kNaN;
  if (p == 0.5) return 0;
  if (p < 0.5) return -student_t_quantile(1 - p, df);
  // The upper tail is the better-conditioned side: find t > 0 with I_{df/(df+t²)}(df/2, 1/2)
  // = 2(1 − p), bisecting on t until the interval cannot shrink in double precision.
  const double target = 2 * (1 - p);
  auto tail2 = [&](double t) { return regularized_incomplete_beta(0.5 * df, 0.5, df / (df + t * t)); };
  double lo = 0, hi = 1;
  while (tail2(hi) > target && hi < 1e300) {
    lo = hi;
    hi *= 2;
  }
  for (int i = 0; i < 2000; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    (tail2(mid) > target ? lo : hi) = mid;  // the two-sided tail falls as t grows
  }
  return 0.5 * (lo + hi);
}

PairedSummary paired_summary(const std::vector<double>& a, const std::vector<double>& b, double level) {
  CREDSIM_ASSERT(a.size() == b.size());
  CREDSIM_ASSERT(level > 0 && level < 1);
  PairedSummary s;
  double sa = 0, sb = 0, sd = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!std::isfinite(a[i]) || !std::isfinite(b[i])) continue;
    ++s.n;
    sa += a[i];
    sb += b[i];
    sd += b[i] - a[i];
  }
  if (s.n == 0) return {0, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN};
  const double n = static_cast<double>(s.n);
  s.mean_a = sa / n;
  s.mean_b = sb / n;
  s.diff_mean = sd / n;
  if (s.n < 2) {
    s.diff_sd = s.ci_low = s.ci_high = kNaN;
    return s;
  }
  double ss = 0;  // two passes: the sum of squared deviations from the mean
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!std::isfinite(a[i]) || !std::isfinite(b[i])) continue;
    const double dev = (b[i] - a[i]) - s.diff_mean;
    ss += dev * dev;
  }
  s.diff_sd = std::sqrt(ss / (n - 1));
  const double half = s.diff_sd == 0 ? 0.0 : student_t_quantile(0.5 * (1 + level), n - 1) * s.diff_sd / std::sqrt(n);
  s.ci_low = s.diff_mean - half;
  s.ci_high = s.diff_mean + half;
  return s;
}

}  // namespace credsim::experiment
