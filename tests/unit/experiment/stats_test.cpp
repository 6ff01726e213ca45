// Student's t quantile and the paired interval (experiment/stats.hpp), against table values
// (computed independently with mpmath at 30 digits; the 3-decimal ones are any printed t table),
// closed forms, and a hand-computed example.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "credsim/experiment/stats.hpp"

using namespace credsim::experiment;

TEST(TQuantile, MatchesTableValues) {
  struct Row {
    double p, df, t;
  };
  const Row rows[] = {{0.975, 1, 12.706204736174693},  {0.975, 2, 4.3026527297494618}, {0.975, 4, 2.7764451051977935},
                      {0.975, 9, 2.262157162798205},   {0.975, 10, 2.2281388519862742}, {0.975, 30, 2.0422724563012379},
                      {0.995, 5, 4.0321429835552272},  {0.95, 3, 2.3533634348018229},   {0.9, 20, 1.3253407069850465},
                      {0.975, 2.5, 3.5746548420036818}, {0.999, 3, 10.214531852407383}};
  for (const Row& r : rows) {
    EXPECT_NEAR(student_t_quantile(r.p, r.df), r.t, 1e-12 * r.t) << "p=" << r.p << " df=" << r.df;
    EXPECT_NEAR(student_t_quantile(1 - r.p, r.df), -r.t, 1e-11 * r.t) << "lower tail, df=" << r.df;
  }
  // A printed table (3 decimals): df = 19 (R = 20 replicates), 0.975.
  EXPECT_NEAR(student_t_quantile(0.975, 19), 2.093, 5e-4);
  EXPECT_EQ(student_t_quantile(0.5, 7), 0.0);
  EXPECT_TRUE(std::isnan(student_t_quantile(0.0, 3)));
  EXPECT_TRUE(std::isnan(student_t_quantile(1.0, 3)));
}

TEST(TQuantile, ClosedFormsAndNormalLimit) {
  const double pi = 3.14159265358979323846;
  for (double p : {0.6, 0.9, 0.975, 0.995, 0.9999}) {
    EXPECT_NEAR(student_t_quantile(p, 1), std::tan(pi * (p - 0.5)), 1e-12 * std::tan(pi * (p - 0.5)));  // Cauchy
    const double t2 = (2 * p - 1) / std::sqrt(2 * p * (1 - p));                                            // df = 2
    EXPECT_NEAR(student_t_quantile(p, 2), t2, 1e-12 * t2);
    const double a = 4 * p * (1 - p), q = std::cos(std::acos(std::sqrt(a)) / 3) / std::sqrt(a);  // df = 4
    EXPECT_NEAR(student_t_quantile(p, 4), 2 * std::sqrt(q - 1), 1e-11 * 2 * std::sqrt(q - 1));
  }
  EXPECT_NEAR(student_t_quantile(0.975, 1e8), 1.959963984540054, 1e-7);  // the normal quantile
}

TEST(IncompleteBeta, ClosedFormsAndCdfInverse) {
  for (double x : {0.01, 0.2, 0.5, 0.77, 0.99}) {
    EXPECT_NEAR(regularized_incomplete_beta(2.5, 1, x), std::pow(x, 2.5), 1e-14);
    EXPECT_NEAR(regularized_incomplete_beta(1, 3.5, x), 1 - std::pow(1 - x, 3.5), 1e-14);
    EXPECT_NEAR(regularized_incomplete_beta(3, 4, x) + regularized_incomplete_beta(4, 3, 1 - x), 1.0, 1e-14);
  }
  EXPECT_NEAR(regularized_incomplete_beta(7.5, 7.5, 0.5), 0.5, 4e-15);
  EXPECT_EQ(regularized_incomplete_beta(2, 3, 0), 0.0);
  EXPECT_EQ(regularized_incomplete_beta(2, 3, 1), 1.0);
  for (double df : {1.0, 3.0, 9.0, 50.0})
    for (double p : {0.01, 0.3, 0.8, 0.975}) EXPECT_NEAR(student_t_cdf(student_t_quantile(p, df), df), p, 1e-14);
}

TEST(PairedSummary, HandComputedExample) {
  // a = 1, 2, 3; b = 2, 4, 7: d = 1, 2, 4, mean 7/3, squared deviations 16/9 + 1/9 + 25/9 = 14/3,
  // sd² = 7/3, half-width = t(0.975, 2) · √(7/3) / √3 = 4.3026527297494618 · √(7/9).
  const PairedSummary s = paired_summary({1, 2, 3}, {2, 4, 7});
  EXPECT_EQ(s.n, 3u);
  EXPECT_DOUBLE_EQ(s.mean_a, 2.0);
  EXPECT_DOUBLE_EQ(s.mean_b, 13.0 / 3);
  EXPECT_DOUBLE_EQ(s.diff_mean, 7.0 / 3);
  EXPECT_DOUBLE_EQ(s.diff_sd, std::sqrt(7.0 / 3));
  const double half = 4.3026527297494618 * std::sqrt(7.0 / 9);
  EXPECT_NEAR(s.ci_low, 7.0 / 3 - half, 1e-13);
  EXPECT_NEAR(s.ci_high, 7.0 / 3 + half, 1e-13);
  // A 90 % interval is narrower: t(0.95, 2) = 2.9199855803537256.
  const PairedSummary s90 = paired_summary({1, 2, 3}, {2, 4, 7}, 0.90);
  EXPECT_NEAR(s90.ci_high - s90.diff_mean, 2.9199855803537256 * std::sqrt(7.0 / 9), 1e-12);
}

TEST(PairedSummary, SkipsNonFinitePairsAndNeedsTwo) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const PairedSummary s = paired_summary({1, nan, 2, 3}, {2, 5, nan, 5});  // pairs (1,2), (3,5)
  EXPECT_EQ(s.n, 2u);
  EXPECT_DOUBLE_EQ(s.mean_a, 2.0);
  EXPECT_DOUBLE_EQ(s.diff_mean, 1.5);
  EXPECT_DOUBLE_EQ(s.diff_sd, std::sqrt(0.5));
  EXPECT_NEAR(s.ci_high - s.diff_mean, 12.706204736174693 * std::sqrt(0.5) / std::sqrt(2.0), 1e-11);
  const PairedSummary one = paired_summary({1, nan}, {4, 1});
  EXPECT_EQ(one.n, 1u);
  EXPECT_DOUBLE_EQ(one.diff_mean, 3.0);
  EXPECT_TRUE(std::isnan(one.diff_sd) && std::isnan(one.ci_low) && std::isnan(one.ci_high));
  const PairedSummary none = paired_summary({nan}, {nan});
  EXPECT_EQ(none.n, 0u);
  EXPECT_TRUE(std::isnan(none.mean_a) && std::isnan(none.diff_mean));
  // Equal differences: zero spread, zero-width interval.
  const PairedSummary same = paired_summary({1, 2, 3}, {3, 4, 5});
  EXPECT_EQ(same.diff_sd, 0.0);
  EXPECT_EQ(same.ci_low, 2.0);
  EXPECT_EQ(same.ci_high, 2.0);
}
