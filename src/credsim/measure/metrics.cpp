// Metric reporters: thin layers over the verified kernels in stats.hpp.
#include "credsim/measure/metrics.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cmath>

#include "credsim/consequences/privileges.hpp"
#include "credsim/core/error.hpp"
#include "credsim/core/parallel.hpp"
#include "credsim/measure/stats.hpp"

namespace credsim {
namespace {

std::string quantile_key(double p) { return fmt::format("p{}", static_cast<int>(std::lround(p * 100))); }

// Wealth (any doubles): the quantiles and the Gini (the sum over sorted positions needs the
// order itself) from the sorted values a slice at a time (quantiles_and_gini: a slice of
// scratch, not a sorted copy); mean and sd read the column in place.
void distribution(Tick t, std::string_view sys, std::string_view what, std::span<const double> x, io::MetricsCsv& out) {
  const measure::MeanSd ms = measure::mean_and_stdev(x);
  out.row(t, sys, fmt::format("{}_mean", what), "", ms.mean);
  out.row(t, sys, fmt::format("{}_sd", what), "", ms.sd);
  const measure::QuantilesGini qg = measure::quantiles_and_gini(x, kReportedQuantiles);
  const auto& q = qg.quantiles;
  for (std::size_t k = 0; k < q.size(); ++k) out.row(t, sys, fmt::format("{}_quantile", what), quantile_key(kReportedQuantiles[k]), q[k]);
  out.row(t, sys, fmt::format("{}_gini", what), "", qg.gini);
}

// Integer scores: mean and sd stream over the column; quantiles and Gini come from the counts
// of each value (the same values as from the sorted column, without sorting or copying).
void distribution(Tick t, std::string_view sys, std::string_view what, std::size_t n, const measure::ValueCounts& c,
                  auto get, io::MetricsCsv& out) {
  const measure::MeanSd ms = measure::mean_and_stdev_of(n, get);
  out.row(t, sys, fmt::format("{}_mean", what), "", ms.mean);
  out.row(t, sys, fmt::format("{}_sd", what), "", ms.sd);
  const auto q = measure::quantiles_of_counts(c, kReportedQuantiles);
  for (std::size_t k = 0; k < q.size(); ++k) out.row(t, sys, fmt::format("{}_quantile", what), quantile_key(kReportedQuantiles[k]), q[k]);
  out.row(t, sys, fmt::format("{}_gini", what), "", measure::gini_of_counts(c));
}

}  // namespace

void measure_society(Tick t, const Society& s, const graph::Csr& g, io::MetricsCsv& out) {
  const Persons& p = s.persons;
  out.row(t, "society", "persons", "", static_cast<double>(p.size()));
  out.row(t, "society", "edges", "", static_cast<double>(g.num_edges()));
  distribution(t, "society", "wealth", p.wealth, out);
}

void measure_ledger(Tick t, const Ledger& ledger, const Society& s, io::MetricsCsv& out) {
  const std::size_t n = s.persons.size();
  std::array<std::uint64_t, 3> added{};
  for (const Record& r : ledger.added()) added[static_cast<int>(r.origin)]++;
  // One parallel pass over every record kept so far (the ledger grows with the run): integer
  // counts, and per person two flags set with an atomic or (order-free, so the same for any
  // thread count): bit 0 ever had a wrong record, bit 1 has an uncorrected one.
  const auto& records = ledger.records();
  std::vector<std::uint8_t> wrong(n, 0);
  enum : std::size_t { kTrue, kFalse, kMisattributed, kCorrected, kAppealed, kPending, kBins };
  static_assert(static_cast<std::size_t>(Origin::kMisattributed) == kMisattributed);  // bins 0-2: by origin
  const std::vector<std::uint64_t> c = parallel_counts(records.size(), kBins, [&](std::size_t k, std::uint64_t* h) {
    const Record& r = records[k];
    h[static_cast<std::size_t>(r.origin)]++;
    h[kCorrected] += r.status == RecordStatus::kCorrected;
    h[kAppealed] += r.appealed;
    h[kPending] += r.appealed && r.status == RecordStatus::kActive && r.decided > t;
    if (r.origin != Origin::kTrue)
      std::atomic_ref<std::uint8_t>(wrong[r.person]).fetch_or(r.status == RecordStatus::kActive ? 3 : 1, std::memory_order_relaxed);
  });
  const std::uint64_t corrected = c[kCorrected], appealed = c[kAppealed], pending = c[kPending];
  const char* origin[] = {"true", "false", "misattributed"};
  for (int o = 0; o < 3; ++o) {
    out.row(t, "data", "records_added", origin[o], static_cast<double>(added[o]));
    out.row(t, "data", "records_total", origin[o], static_cast<double>(c[static_cast<std::size_t>(o)]));
  }
  out.row(t, "data", "records_corrected", "", static_cast<double>(corrected));
  out.row(t, "data", "appeals_opened", "", static_cast<double>(appealed));
  out.row(t, "data", "appeals_pending", "", static_cast<double>(pending));
  std::uint64_t ever = 0, now = 0;
#pragma omp parallel for schedule(static) reduction(+ : ever, now)
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) {
    const std::uint8_t w = wrong[static_cast<std::size_t>(i)];
    ever += w != 0, now += (w & 2) != 0;
  }
  out.row(t, "data", "share_with_wrong_record_ever", "", n ? static_cast<double>(ever) / n : 0.0);
  const auto& rep = ledger.reports();
  out.row(t, "data", "reports", "true", static_cast<double>(rep.true_reports));
  out.row(t, "data", "reports", "false", static_cast<double>(rep.false_reports));
  out.row(t, "data", "reports", "empty", static_cast<double>(rep.empty_reports));
  out.row(t, "data", "report_rewards_paid", "", rep.rewards_paid);
  out.row(t, "data", "share_with_uncorrected_wrong_record", "", n ? static_cast<double>(now) / n : 0.0);
}

void measure_composite(Tick t, const Composite& c, const Society& s, const MeasureSpec& m, io::MetricsCsv& out,
                       const std::vector<std::uint8_t>* wealth_decile) {
  const std::string_view sys = c.spec().name;
  const auto& score = c.scores();
  const std::size_t n = score.size();
  auto get = [&](std::size_t i) { return static_cast<double>(score[i]); };
  measure::ValueCounts counts;
  const bool counted = measure::count_integers(n, get, counts, std::size_t{1} << 16);  // uint16: always
  CREDSIM_ASSERT(counted);
  (void)counted;
  distribution(t, sys, "score", n, counts, get, out);

  const std::size_t bins = static_cast<std::size_t>(std::ceil((kCompositeMax - kCompositeMin) / m.histogram_bin));
  const double hi = kCompositeMin + bins * m.histogram_bin;
  const auto h = measure::histogram_of_counts(counts, kCompositeMin, hi, bins);
  for (std::size_t b = 0; b < bins; ++b)
    out.row(t, sys, "score_histogram", fmt::format("{}", kCompositeMin + b * m.histogram_bin),
            n ? static_cast<double>(h[b]) / n : 0.0);

  std::array<std::uint64_t, kCompositeBands> band{};
  for (std::size_t k = 0; k < counts.counts.size(); ++k)
    if (counts.counts[k]) band[composite_band(static_cast<std::uint16_t>(counts.lo + static_cast<std::int64_t>(k)))] += counts.counts[k];
  for (int b = 0; b < kCompositeBands; ++b)
    out.row(t, sys, "band_share", kCompositeBandNames[b], n ? static_cast<double>(band[b]) / n : 0.0);

  // Who holds the privileges, by wealth decile (decile 1 = poorest tenth, by current wealth).
  std::vector<std::uint8_t> own;
  const auto& decile = wealth_decile ? *wealth_decile : (own = measure::deciles(s.persons.wealth));
  // Every privilege's holders per decile in one pass (the mask is derived from the score when read).
  const PublishedBytes priv = c.privileges();
  const measure::DecileTally tally = measure::tally_by_decile(
      decile, kPrivileges, [&](std::size_t i) { return priv[i] & ((1u << kPrivileges) - 1); });
  for (int k = 0; k < kPrivileges; ++k) {
    const std::uint64_t holders = tally.flagged_total(static_cast<std::size_t>(k));
    const std::string_view name = kPrivilegeNames[k];
    out.row(t, sys, "privilege_share", name, n ? static_cast<double>(holders) / n : 0.0);
    const auto share = tally.share(static_cast<std::size_t>(k));
    const auto rate = tally.rate(static_cast<std::size_t>(k));
    for (int d = 0; d < 10; ++d) {
      out.row(t, sys, "privilege_holders_by_wealth_decile", fmt::format("{}:d{:02}", name, d + 1), share[d]);
      out.row(t, sys, "privilege_rate_by_wealth_decile", fmt::format("{}:d{:02}", name, d + 1), rate[d]);
    }
  }
}

}  // namespace credsim
