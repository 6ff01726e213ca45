// The memory estimate (run/memory_budget.cpp) against what the simulation holds, part by part
// (manifest.json: estimated_peak_parts, model_bytes_parts). Column layouts are exact, so those
// parts must match to the byte per person; the parts that depend on what happens (agency
// parties, the ledger) within the tolerance docs/PERFORMANCE.md reports. A column added to a
// component without its constant in the estimate fails here.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "credsim/behave/behaviour.hpp"
#include "credsim/core/error.hpp"
#include "credsim/run/memory_budget.hpp"
#include "credsim/run/runner.hpp"
#include "credsim/run/simulation.hpp"
#include "credsim/scenario/scenario.hpp"
#include "test_support.hpp"

namespace credsim {
namespace {

namespace fs = std::filesystem;

// The estimate part whose description starts with `prefix` (bytes), or -1.
double estimated(const nlohmann::json& parts, const std::string& prefix) {
  for (const auto& [what, bytes] : parts.items())
    if (what.rfind(prefix, 0) == 0) return bytes.get<double>();
  return -1;
}

TEST(MemoryEstimate, EachPartMatchesTheSimulationsOwnAccount) {
  test::TempDir tmp("estimate");
  const Scenario sc = load_scenario((fs::path(CREDSIM_SOURCE_DIR) / "scenarios" / "integrated_2020.toml").string(),
                                    {"society.persons=40000", "graph.mean_degree=20", "run.ticks=8"});
  RunOptions opt;
  opt.out_dir = tmp.path() / "r";
  run_scenario(sc, opt);
  const auto m = nlohmann::json::parse(test::slurp(opt.out_dir / "manifest.json"));
  const auto& est = m.at("estimated_peak_parts");
  const auto& got = m.at("model_bytes_parts");
  const double n = m.at("persons").get<double>();
  auto per_person = [&](double bytes) { return bytes / n; };
  // Exact layouts.
  EXPECT_DOUBLE_EQ(per_person(estimated(est, "persons")), per_person(got.at("persons").get<double>()));
  EXPECT_DOUBLE_EQ(per_person(estimated(est, "system sesame")), per_person(got.at("system.sesame").get<double>()));
  EXPECT_DOUBLE_EQ(per_person(estimated(est, "adaptation")), per_person(got.at("adaptation").get<double>()));
  // The graph at the start; adaptation cuts ties (about 1 % a tick here), so at the end it is
  // smaller by what was cut.
  const double graph = per_person(got.at("graph").get<double>());
  EXPECT_LE(graph, per_person(estimated(est, "graph")));
  EXPECT_GT(graph, 0.9 * per_person(estimated(est, "graph")));
  // Scratch: the event columns while recording are the largest here (the purchase and gaming
  // columns are never made: recording is fused into behave); what is left of them for the
  // economy, with its wealth changes summed block by block (a 32 KiB buffer per thread, never a
  // column), and the measure stage's temporaries with the wealth decile are smaller and never
  // held with them; the effects are held throughout.
  EXPECT_EQ(TickEvents::kBytesFused, 9u);
  EXPECT_NEAR(per_person(estimated(est, "the largest scratch of a tick")),
              std::max(per_person(got.at("tick_events").get<double>()),
                       TickEvents::kBytesAfterRecord + per_person(got.at("economy").get<double>())),
              1.0);
  EXPECT_DOUBLE_EQ(per_person(estimated(est, "the largest scratch of a tick")), 9.0);
  EXPECT_DOUBLE_EQ(per_person(estimated(est, "effects")), per_person(got.at("consequences").get<double>()));
  EXPECT_LE(got.at("economy").get<double>(), 64.0 * 4096 * sizeof(double));  // a block per thread, not a column
  EXPECT_NEAR(per_person(estimated(est, "system court")), per_person(got.at("system.court").get<double>()), 1.0);
  EXPECT_NEAR(per_person(estimated(est, "system city")), per_person(got.at("system.city").get<double>()), 3.0);
  // What happens: the agency lists' parties after 8 ticks. The account counts the capacity of
  // the growing party arrays (up to twice what is used, depending on where growth stopped: 31.0
  // B/person here), the estimate what is used (27.0), listing terms for the listed only.
  const double agencies = per_person(got.at("system.agencies").get<double>());
  EXPECT_NEAR(per_person(estimated(est, "system agencies")), agencies, 0.3 * agencies);
}

// Adaptation under both models, to the byte per person: the myopic model holds responsiveness
// only (its responses are derived when read), the learning model also its seven response columns
// and six estimates (the integrated preset has every mechanism).
TEST(MemoryEstimate, AdaptationMatchesUnderBothModels) {
  for (const auto& [model, bytes] : {std::pair<std::string, double>{"myopic", 4}, {"learning", 56}}) {
    const Scenario sc = load_scenario((fs::path(CREDSIM_SOURCE_DIR) / "scenarios" / "integrated_2020.toml").string(),
                                      {"society.persons=3000", "adapt.model=" + model});
    const auto sizes = region_sizes(sc.society.persons, sc.society.region_weights);
    Simulation sim(sc, build_graph(sc.graph, sizes, sc.run.seed, sc.run.replicate));
    const double n = static_cast<double>(sim.society().persons.size());
    double held = -1;
    for (const auto& [what, b] : sim.memory_parts())
      if (what == "adaptation") held = static_cast<double>(b);
    const MemoryEstimate est = estimate_memory(sc, n, static_cast<double>(sim.graph().num_edges()));
    double estimated = -1;
    for (const auto& [what, b] : est.parts)
      if (what.rfind("adaptation", 0) == 0) estimated = b;
    EXPECT_DOUBLE_EQ(held / n, bytes) << model;
    EXPECT_DOUBLE_EQ(estimated / n, bytes) << model;
  }
}

// The graph's part to the byte at the start (compact offsets: 4 B per node and one more, 8 B per
// block of 64 of those; 4 B per arc end), at sizes that fill the last block or start a new one.
TEST(MemoryEstimate, GraphMatchesToTheByte) {
  for (const std::string persons : {"4095", "4096", "3001"}) {
    const Scenario sc = load_scenario((fs::path(CREDSIM_SOURCE_DIR) / "scenarios" / "integrated_2020.toml").string(),
                                      {"society.persons=" + persons});
    const auto sizes = region_sizes(sc.society.persons, sc.society.region_weights);
    Simulation sim(sc, build_graph(sc.graph, sizes, sc.run.seed, sc.run.replicate));
    const double n = static_cast<double>(sim.society().persons.size());
    const double m = static_cast<double>(sim.graph().num_edges());
    double held = -1;
    for (const auto& [what, b] : sim.memory_parts())
      if (what == "graph") held = static_cast<double>(b);
    const MemoryEstimate est = estimate_memory(sc, n, m);
    double estimated = -1;
    for (const auto& [what, b] : est.parts)
      if (what.rfind("graph", 0) == 0) estimated = b;
    EXPECT_EQ(held, estimated) << persons;
    EXPECT_EQ(held, (n + 1) * 4 + std::ceil((n + 1) / 64) * 8 + 8 * m) << persons;
  }
}

// The harm window's part: the most the simulation's snapshots (and the wealth order) take at
// once over a run, stepped tick by tick (at the end they are dropped, so the manifest's account
// cannot show it). Widths the data decide (a narrower score, a derived grade) make the account
// smaller than the estimate's, never larger.
TEST(MemoryEstimate, HarmWindowBoundsTheHeldSnapshots) {
  const Scenario sc = load_scenario((fs::path(CREDSIM_SOURCE_DIR) / "scenarios" / "integrated_2020.toml").string(),
                                    {"society.persons=20000", "society.businesses=1000", "run.ticks=12", "measure.window=8"});
  const auto sizes = region_sizes(sc.society.persons, sc.society.region_weights);
  Simulation sim(sc, build_graph(sc.graph, sizes, sc.run.seed, sc.run.replicate));
  const double n = static_cast<double>(sim.society().persons.size());
  auto window = [&] {
    for (const auto& [name, bytes] : sim.memory_parts())
      if (name == "harm_window") return static_cast<double>(bytes);
    return -1.0;
  };
  test::TempDir tmp("estimate_harm");
  io::MetricsCsv csv(tmp.path() / "m.csv");
  sim.initialise(&csv);
  double most = window();
  while (!sim.done()) sim.step(&csv), most = std::max(most, window());
  csv.commit();
  double est = -1;
  for (const auto& [what, bytes] : estimate_memory(sc, n, 0).parts)
    if (what.rfind("harm metrics' window", 0) == 0) est = bytes;
  // Held at most: ticks 0 and 4 after tick 4 (window 8, measured every 4: tick 8 is needed by
  // no later tick of 12), each with 2 bytes of the composite's score, 2 of the balance and 4
  // bits of grade (city), 2 and 4 bits of grades (agencies, firms), tick 4's with 8 of wealth.
  EXPECT_DOUBLE_EQ(est / n, (2 + 2.5 + 0.25 + 0.5) + (8 + 2 + 2.5 + 0.25 + 0.5) + 4 + 1.0 / 8);
  EXPECT_LE(most, est);
  EXPECT_GE(most, 0.85 * est);
}

TEST(MemoryBudget, WhatTheProcessAlreadyHoldsCountsAsAvailable) {
  // The second check of a run comes after the graph is built: the estimate counts the graph, and
  // so must the limit (the available memory has already dropped by it).
  const std::uint64_t available = available_memory_bytes();
  if (available == 0) GTEST_SKIP() << "no MemAvailable in /proc/meminfo";
  constexpr std::uint64_t kGiB = std::uint64_t{1} << 30;
  MemoryEstimate est;
  est.parts = {{"graph", static_cast<double>(available + kGiB)}};
  est.bytes = static_cast<double>(available + kGiB);
  EXPECT_THROW(check_memory(est, 0, 0), ResourceError);
  EXPECT_NO_THROW(check_memory(est, 0, 2 * kGiB));
  // An explicit --memory-limit is the whole budget: what is held does not raise it.
  EXPECT_THROW(check_memory(est, available, 2 * kGiB), ResourceError);
  try {
    check_memory(est, 0, 0);
  } catch (const ResourceError& e) {
    EXPECT_NE(std::string(e.what()).find("are available"), std::string::npos) << e.what();
  }
  try {
    check_memory(est, kGiB, 0);
  } catch (const ResourceError& e) {
    EXPECT_NE(std::string(e.what()).find("is the limit (--memory-limit)"), std::string::npos) << e.what();
  }
  EXPECT_GT(resident_bytes(), 0u);
}

// A FICO-style bureau holds its derogatory records for record_validity ticks: the estimate
// counts them from the ledger rate of its domains' records (without them it was 40 B/person
// against about 70 held after the preset's 52 ticks).
TEST(MemoryEstimate, FicoCountsItsRecordsOnFile) {
  test::TempDir tmp("estimate_fico");
  const Scenario sc = load_scenario((fs::path(CREDSIM_SOURCE_DIR) / "scenarios" / "fico.toml").string(),
                                    {"society.persons=20000"});
  RunOptions opt;
  opt.out_dir = tmp.path() / "r";
  run_scenario(sc, opt);
  const auto m = nlohmann::json::parse(test::slurp(opt.out_dir / "manifest.json"));
  const double n = m.at("persons").get<double>();
  const double got = m.at("model_bytes_parts").at("system.fico").get<double>() / n;
  const double est = estimated(m.at("estimated_peak_parts"), "system fico") / n;
  EXPECT_GT(got, 55.0);  // the records on file are a third of the bureau's bytes here
  EXPECT_NEAR(est, got, 0.1 * got);
}

}  // namespace
}  // namespace credsim
