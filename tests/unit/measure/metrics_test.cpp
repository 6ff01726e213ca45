// The reported metrics against naive recomputations from the simulation's own state.
#include "credsim/measure/metrics.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <numeric>
#include <sstream>

#include "credsim/consequences/privileges.hpp"
#include "credsim/core/rng.hpp"
#include "credsim/record/ledger.hpp"
#include "credsim/run/simulation.hpp"
#include "credsim/systems/composite.hpp"
#include "test_support.hpp"

namespace credsim {
namespace {

// rows[(metric, key)] = value, for one system at the last tick written.
std::map<std::pair<std::string, std::string>, double> read_rows(const std::filesystem::path& p,
                                                                const std::string& tick, const std::string& system) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  std::map<std::pair<std::string, std::string>, double> rows;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string x;
    while (std::getline(ss, x, ',')) f.push_back(x);
    if (f.size() == 4) f.push_back("");  // cannot happen: value is never empty
    if (f[0] == tick && f[1] == system) rows[{f[2], f[3]}] = std::stod(f[4]);
  }
  return rows;
}

TEST(Metrics, MatchNaiveRecomputationFromState) {
  const Scenario sc = load_scenario_string(R"(
[run]
ticks = 6
[society]
persons = 4000
regions = 4
[graph]
model = "erdos_renyi"
mean_degree = 6
[systems.s]
type = "composite"
)", "m.toml", {});
  const auto sizes = region_sizes(sc.society.persons, sc.society.region_weights);
  Simulation sim(sc, build_graph(sc.graph, sizes, sc.run.seed, sc.run.replicate));
  test::TempDir tmp("metrics");
  {
    io::MetricsCsv csv(tmp.path() / "metrics.csv");
    sim.initialise(&csv);
    while (!sim.done()) sim.step(&csv);
    csv.commit();
  }
  auto rows = read_rows(tmp.path() / "metrics.csv", "6", "s");
  const auto& composite = dynamic_cast<const Composite&>(*sim.systems()[0]);
  const auto& score = composite.scores();
  const auto& priv = composite.privileges();
  const auto& wealth = sim.society().persons.wealth;
  const std::size_t n = score.size();

  // Mean and population sd.
  double sum = 0;
  for (auto v : score) sum += v;
  const double mean = sum / n;
  double ss = 0;
  for (auto v : score) ss += (v - mean) * (v - mean);
  EXPECT_NEAR(rows.at({"score_mean", ""}), mean, 1e-9);
  EXPECT_NEAR(rows.at({"score_sd", ""}), std::sqrt(ss / n), 1e-9);

  // Median by sorting (type 7 at p = 0.5 with n even: mean of the two middle values).
  std::vector<double> sorted(score.begin(), score.end());
  std::sort(sorted.begin(), sorted.end());
  EXPECT_DOUBLE_EQ(rows.at({"score_quantile", "p50"}), 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]));

  // Bands and histogram by plain counting.
  const double lower[] = {350, 550, 600, 650, 700, 951};
  const char* names[] = {"poor", "medium", "good", "very_good", "excellent"};
  for (int b = 0; b < 5; ++b) {
    const auto c = std::count_if(score.begin(), score.end(), [&](double v) { return v >= lower[b] && v < lower[b + 1]; });
    EXPECT_DOUBLE_EQ(rows.at({"band_share", names[b]}), static_cast<double>(c) / n) << names[b];
  }
  double hist_total = 0;
  for (int lo = 350; lo < 950; lo += 25) {
    const auto c = std::count_if(score.begin(), score.end(), [&](double v) { return v >= lo && (v < lo + 25 || (lo == 925 && v == 950)); });
    EXPECT_DOUBLE_EQ(rows.at({"score_histogram", std::to_string(lo)}), static_cast<double>(c) / n) << lo;
    hist_total += rows.at({"score_histogram", std::to_string(lo)});
  }
  EXPECT_NEAR(hist_total, 1.0, 1e-12);

  // Gini by the O(n²) definition Σ|xi − xj| / (2 n² mean).
  double diff = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) diff += std::fabs(double(score[i]) - double(score[j]));
  EXPECT_NEAR(rows.at({"score_gini", ""}), diff / (2.0 * n * n * mean), 1e-12);

  // Privileges by wealth decile: rank by wealth (ties by id), decile = floor(10·rank/n).
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return wealth[a] < wealth[b]; });
  std::vector<int> decile(n);
  for (std::size_t r = 0; r < n; ++r) decile[order[r]] = static_cast<int>(10 * r / n);
  for (int k = 0; k < 4; ++k) {
    std::array<double, 10> holders{}, members{};
    double total = 0;
    for (std::size_t i = 0; i < n; ++i) {
      members[decile[i]]++;
      if (priv[i] & (1u << k)) {
        holders[decile[i]]++;
        total++;
      }
    }
    const std::string name(kPrivilegeNames[k]);
    EXPECT_DOUBLE_EQ(rows.at({"privilege_share", name}), total / n);
    for (int d = 0; d < 10; ++d) {
      char key[96];
      std::snprintf(key, sizeof key, "%s:d%02d", name.c_str(), d + 1);
      EXPECT_DOUBLE_EQ(rows.at({"privilege_rate_by_wealth_decile", key}), holders[d] / members[d]) << key;
      EXPECT_DOUBLE_EQ(rows.at({"privilege_holders_by_wealth_decile", key}), total ? holders[d] / total : 0.0) << key;
    }
  }
  // Privileges are exactly the thresholds applied to the final score.
  for (std::size_t i = 0; i < n; ++i) {
    std::uint8_t m = 0;
    for (int k = 0; k < 4; ++k) m |= (score[i] >= 600 + 50 * k) << k;
    ASSERT_EQ(priv[i], m) << i;
  }
  // Wealth Gini on the society row, by the O(n²) definition.
  auto soc = read_rows(tmp.path() / "metrics.csv", "6", "society");
  double wsum = 0, wdiff = 0;
  for (double w : wealth) wsum += w;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) wdiff += std::fabs(wealth[i] - wealth[j]);
  EXPECT_NEAR(soc.at({"wealth_gini", ""}), wdiff / (2.0 * n * wsum), 1e-9);
  EXPECT_EQ(soc.at({"persons", ""}), 4000.0);
}

TEST(Metrics, LedgerRowsMatchANaiveCountForAnyThreadCount) {
  // The "data" rows are counted in one parallel pass over every record kept (integer counts and
  // per-person flags set by an atomic or): equal to a naive serial count, for 1 and 3 threads.
  // Several ticks of detection with misattribution, false records and appeals, so there are
  // wrong records corrected, pending and never appealed.
  SocietySpec ss;
  ss.region_weights = {1, 1};
  const Society soc = generate_society(30000, ss, BehaviourSpec{}, 4, 0);
  EventCatalog cat;
  const EventTypeId k = *cat.find("traffic_ticket");
  cat.mutable_types()[k].detection = 0.7;
  cat.mutable_types()[k].misattribution = 0.2;
  DataSpec data;
  data.notify_prob = 0.6;
  data.appeal_prob = 0.5;
  data.appeal_delay = 2;
  Ledger l;
  Rng pick(9, 0, 0, 0, Stream::kGraph);
  for (Tick t = 1; t <= 6; ++t) {
    std::vector<Occurrence> occ;
    for (NodeId i = 0; i < 30000; ++i)
      if (pick.uniform() < 0.2) occ.push_back({i, k, 1});
    l.record_tick(data, cat, soc, occ, 4, 0, t);
  }
  const Tick t = 6;
  std::array<double, 3> total{}, added{};
  double corrected = 0, appealed = 0, pending = 0;
  std::vector<int> ever(30000, 0), now(30000, 0);
  for (const Record& r : l.records()) {
    total[static_cast<int>(r.origin)]++;
    corrected += r.status == RecordStatus::kCorrected;
    appealed += r.appealed;
    pending += r.appealed && r.status == RecordStatus::kActive && r.decided > t;
    if (r.origin != Origin::kTrue) ever[r.person] = 1, now[r.person] |= r.status == RecordStatus::kActive;
  }
  for (const Record& r : l.added()) added[static_cast<int>(r.origin)]++;
  ASSERT_GT(corrected, 100);
  ASSERT_GT(pending, 100);
  ASSERT_GT(total[2], 1000);
  const double n = 30000;
  const double share_ever = std::accumulate(ever.begin(), ever.end(), 0) / n;
  const double share_now = std::accumulate(now.begin(), now.end(), 0) / n;
  ASSERT_LT(share_now, share_ever);  // some persons' wrong records are all corrected
  const int before = omp_get_max_threads();
  for (int threads : {1, 3}) {
    omp_set_num_threads(threads);
    test::TempDir tmp("ledger-rows");
    {
      io::MetricsCsv csv(tmp.path() / "metrics.csv");
      measure_ledger(t, l, soc, csv);
      csv.end_tick();
      csv.commit();
    }
    const auto rows = read_rows(tmp.path() / "metrics.csv", "6", "data");
    const char* origin[] = {"true", "false", "misattributed"};
    for (int o = 0; o < 3; ++o) {
      EXPECT_EQ(rows.at({"records_total", origin[o]}), total[o]) << origin[o];
      EXPECT_EQ(rows.at({"records_added", origin[o]}), added[o]) << origin[o];
    }
    EXPECT_EQ(rows.at({"records_corrected", ""}), corrected) << threads;
    EXPECT_EQ(rows.at({"appeals_opened", ""}), appealed) << threads;
    EXPECT_EQ(rows.at({"appeals_pending", ""}), pending) << threads;
    EXPECT_EQ(rows.at({"share_with_wrong_record_ever", ""}), share_ever) << threads;
    EXPECT_EQ(rows.at({"share_with_uncorrected_wrong_record", ""}), share_now) << threads;
  }
  omp_set_num_threads(before);
}

}  // namespace
}  // namespace credsim
