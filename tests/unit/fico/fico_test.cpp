// The FICO-style score on hand-computed cases: exact scores from known records, a false record
// and its correction on appeal, weights, bounds, and independence from posts, purchases by
// category and friends (SPEC §1.12: financial records only).
#include "credsim/systems/fico.hpp"

#include <gtest/gtest.h>

#include "calibration_check.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <map>
#include <sstream>

#include "credsim/graph/build.hpp"
#include "credsim/run/runner.hpp"
#include "test_support.hpp"

namespace credsim {
namespace {

// A tiny world the tests drive by hand: persons, an empty or given graph, a ledger fed with
// occurrences the test chooses.
struct World {
  Scenario sc;
  Society soc;
  graph::Csr g;
  Exchange ex{g};
  EventCatalog cat;
  TickEvents ev;
  std::vector<Occurrence> occ;
  Ledger ledger;
  Tick tick = 0;
  explicit World(std::size_t n) : g(graph::build_csr(static_cast<NodeId>(n), {})), ex(g) {
    Persons& p = soc.persons;
    p.region.assign(n, 0);
    p.traits.assign(n, 0);  // no loan, age band 0
    p.income.assign(n, 0.0f);
    p.initial_wealth.assign(n, 0.0f);
    p.wealth.assign(n, 0.0);
    p.miss_prob.assign(n, 0.0f);
    for (auto* c : {&p.rate_baby, &p.rate_games, &p.rate_domestic, &p.rate_luxury}) c->assign(n, 0.0f);
    soc.region_start = {0, static_cast<NodeId>(n)};
    ev.resize(n);
  }
  SimContext ctx() const {
    return SimContext{sc, soc, g, ex, cat, ev, occ, ledger, 7, 0, tick, nullptr};
  }
  // One tick: ledger from `occ` (with catalog `c`), then the system's record and score stages.
  void step(System& s, const EventCatalog& c) {
    ++tick;
    ledger.record_tick(sc.data, c, soc, occ, 7, 0, tick);
    s.record(ctx());
    s.score(ctx());
  }
};

FicoSpec hand_spec() {
  FicoSpec s;
  s.recompute_every = 1;
  s.initial_history = false;
  s.inquiry_rate = 0;  // no hard inquiries: new credit = 1
  return s;
}

// Person 0: credit line, income 1000, initial wealth 200000, age band 2, buys 1 domestic good
// (80 yuan) a week. Person 1: no account at all, income 500, wealth 10000, age band 0.
void two_persons(World& w) {
  Persons& p = w.soc.persons;
  p.traits.assign(2, 0);
  p.set_has_loan(0, 1);
  p.income.assign({1000, 500});
  p.initial_wealth.assign({200000, 10000});
  p.set_age_band(0, 2);
  p.rate_domestic.assign({1.0, 0.0});
  w.ev.spending = {80, 0};
}

TEST(FicoHand, SubscoreFormulas) {
  const FicoSpec s = hand_spec();
  EXPECT_DOUBLE_EQ(fico_payment_history(s, 0, 0, 0, 0), 1.0);
  EXPECT_DOUBLE_EQ(fico_payment_history(s, 24, 1, 0, 0), 36.0 / 48.0);        // 12+24 over +12
  EXPECT_DOUBLE_EQ(fico_payment_history(s, 0, 0, 1, 1), 12.0 / (12 + 60 + 30));
  EXPECT_DOUBLE_EQ(fico_amounts_owed(s, true, 1000, 80, 0), 1.0 - 320.0 / 8000.0);
  EXPECT_DOUBLE_EQ(fico_amounts_owed(s, true, 1000, 80, 1), 0.0);  // 320 + 8000 > 8000: capped
  EXPECT_DOUBLE_EQ(fico_amounts_owed(s, false, 1000, 80, 3), 0.5);
  EXPECT_DOUBLE_EQ(fico_length_of_history(s, true, 2, 52), 23.0 / 30.0);
  EXPECT_DOUBLE_EQ(fico_length_of_history(s, true, 4, 0), 1.0);  // 45 years, capped
  EXPECT_DOUBLE_EQ(fico_length_of_history(s, false, 4, 0), 0.0);
  EXPECT_DOUBLE_EQ(fico_credit_mix(s, true, 1000, 100000), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(fico_new_credit(s, 2), 0.5);
  EXPECT_EQ(fico_score(s, {0, 0, 0, 0, 0}), 300.0);
  EXPECT_EQ(fico_score(s, {1, 1, 1, 1, 1}), 850.0);
}

TEST(FicoHand, ExactScoresFromKnownRecords) {
  World w(2);
  two_persons(w);
  Fico f("fico", hand_spec(), 2);
  f.initialise(w.ctx());
  // Person 0: ph 1, ao 1 − 320/8000 = 0.96, lh 22/30, mix 3/3, nc 1:
  // 300 + 550·(35 + 30·0.96 + 15·22/30 + 10 + 10)/100 = 300 + 550·0.948 = 821.4 → 821.
  EXPECT_EQ(f.scores()[0], 821.0f);
  EXPECT_EQ(f.grades()[0], 0);  // exceptional (≥ 800)
  // Person 1: ph 1, ao 0.5 (no line), lh 0, mix 0, nc 1: 300 + 550·(35 + 15 + 10)/100 = 630.
  EXPECT_EQ(f.scores()[1], 630.0f);
  EXPECT_EQ(f.grades()[1], 3);  // fair (580–669)

  // Tick 1: person 0 misses an instalment (the lender reports it; detection of
  // missed_instalment is certain by default).
  w.ev.repayment = {Repayment::kMissed, Repayment::kNone};
  w.occ = {{0, ev::kMissedInstalment, 1}};
  w.step(f, w.cat);
  EXPECT_EQ(f.derogatory(0, Fico::kMissed, false), 1u);
  EXPECT_EQ(f.derogatory(0, Fico::kMissed, true), 1u);
  // ph = 12/(12 + 12) = 0.5; lh = (22 + 1/52)/30.
  const double expect0 = std::round(300 + 550 * (35 * 0.5 + 30 * 0.96 + 15 * (22 + 1.0 / 52) / 30 + 20) / 100);
  EXPECT_EQ(f.scores()[0], static_cast<float>(expect0));
  EXPECT_EQ(f.scores()[0], 725.0f);  // 300 + 550·0.773096 = 725.2 → 725: from exceptional to good
  EXPECT_EQ(f.grades()[0], 2);
  EXPECT_EQ(f.counterfactual_scores()[0], f.scores()[0]);  // a true record: no error

  // Ticks 2–25: on-time payments (one each tick here) rebuild the history: ph = 36/48 after 24.
  w.occ.clear();
  w.ev.repayment = {Repayment::kOnTime, Repayment::kNone};
  for (int k = 0; k < 24; ++k) w.step(f, w.cat);
  EXPECT_EQ(f.on_time(0), 24.0);
  const double expect25 = std::round(300 + 550 * (35 * 0.75 + 30 * 0.96 + 15 * (22 + 25.0 / 52) / 30 + 20) / 100);
  EXPECT_EQ(f.scores()[0], static_cast<float>(expect25));
  EXPECT_EQ(f.scores()[1], 630.0f);  // nothing happened to person 1
}

TEST(FicoHand, FalseRecordLowersAndCorrectionRestoresExactly) {
  World w(2), twin(2);
  two_persons(w);
  two_persons(twin);
  // Every notified wrong record is appealed and corrected one tick later.
  w.sc.data.notify_prob = 1;
  w.sc.data.appeal_prob = 1;
  w.sc.data.appeal_delay = 1;
  w.sc.data.appeal_success = 1;
  EventCatalog with_false = w.cat;
  with_false.mutable_types()[*w.cat.find("contract_breach")].false_rate = 50;  // certain
  Fico f("fico", hand_spec(), 2), clean("fico", hand_spec(), 2);
  f.initialise(w.ctx());
  clean.initialise(twin.ctx());
  const float before = f.scores()[0];

  w.step(f, with_false);  // tick 1: a false contract-breach record on each person
  twin.step(clean, twin.cat);
  EXPECT_EQ(f.wrong_on_file(0), 1u);
  EXPECT_EQ(f.derogatory(0, Fico::kOther, false), 1u);
  EXPECT_EQ(f.derogatory(0, Fico::kOther, true), 0u);
  // ph = 12/(12 + 30) for both persons.
  const double ph = 12.0 / 42.0;
  EXPECT_EQ(f.scores()[0], static_cast<float>(std::round(300 + 550 * (35 * ph + 28.8 + 15 * (22 + 1.0 / 52) / 30 + 20) / 100)));
  EXPECT_LT(f.scores()[0], before - 100);
  EXPECT_EQ(f.scores()[1], static_cast<float>(std::round(300 + 550 * (35 * ph + 15 + 10) / 100)));
  // The counterfactual (true records only) is the error-free twin's score.
  EXPECT_EQ(f.counterfactual_scores(), clean.scores());
  EXPECT_GT(f.grades()[0], f.counterfactual_grades()[0]);  // a worse band because of the error

  w.step(f, w.cat);  // tick 2: the appeals succeed, the records leave the file
  twin.step(clean, twin.cat);
  EXPECT_EQ(w.ledger.corrected().size(), 2u);
  EXPECT_EQ(f.wrong_on_file(0), 0u);
  EXPECT_EQ(f.derogatory(0, Fico::kOther, false), 0u);
  EXPECT_EQ(f.scores(), clean.scores());  // exactly restored
  EXPECT_EQ(f.scores(), f.counterfactual_scores());
  EXPECT_EQ(f.grades(), clean.grades());
}

TEST(FicoHand, WeightsAreParametersAndScaleFree) {
  World w(2);
  two_persons(w);
  FicoSpec only_ph = hand_spec(), only_ao = hand_spec(), scaled = hand_spec();
  only_ph.weights = {1, 0, 0, 0, 0};
  only_ao.weights = {0, 1, 0, 0, 0};
  scaled.weights = {0.35, 0.30, 0.15, 0.10, 0.10};
  Fico a("a", only_ph, 2), b("b", only_ao, 2), c("c", scaled, 2), d("d", hand_spec(), 2);
  for (Fico* f : {&a, &b, &c, &d}) f->initialise(w.ctx());
  EXPECT_EQ(a.scores()[0], 850.0f);  // ph = 1
  EXPECT_EQ(b.scores()[0], 828.0f);  // 300 + 550·0.96
  EXPECT_EQ(b.scores()[1], 575.0f);  // 300 + 550·0.5
  EXPECT_EQ(c.scores(), d.scores());
}

TEST(FicoProperty, BoundsAndBandsOnARandomSociety) {
  Scenario sc;
  sc.society.persons = 3000;
  World w(3000);
  w.soc = generate_society(3000, sc.society, sc.behaviour, 5, 0);
  w.ev.resize(3000);
  FicoSpec s;
  s.recompute_every = 1;
  s.inquiry_rate = 0.5;  // many inquiries: exercise the low end
  Fico f("fico", s, 3000);
  f.initialise(w.ctx());
  EventCatalog noisy = w.cat;
  for (auto& t : noisy.mutable_types())
    if (t.domain == Domain::kFinance) t.false_rate = 0.05, t.misattribution = 0.2;
  RareEventSampler sampler(noisy, w.soc.persons);
  for (int k = 0; k < 8; ++k) {
    behave(sc.behaviour, w.soc.persons, 5, 0, w.tick + 1, w.ev);
    sampler.draw(5, 0, w.tick + 1, w.ev, w.occ);
    w.step(f, noisy);
  }
  std::size_t below = 0;
  for (std::size_t i = 0; i < 3000; ++i) {
    ASSERT_GE(f.scores()[i], 300.0f);
    ASSERT_LE(f.scores()[i], 850.0f);
    ASSERT_EQ(f.scores()[i], std::round(f.scores()[i]));
    ASSERT_EQ(f.grades()[i], f.grade_of(f.scores()[i]));
    // Wrong records only ever lower the score: the counterfactual is never below it.
    ASSERT_GE(f.counterfactual_scores()[i], f.scores()[i]);
    below += f.counterfactual_scores()[i] > f.scores()[i];
  }
  EXPECT_GT(below, 0u);
  // Band cut-offs: FICO's published ranges.
  EXPECT_EQ(f.grade_of(800), 0);
  EXPECT_EQ(f.grade_of(799), 1);
  EXPECT_EQ(f.grade_of(740), 1);
  EXPECT_EQ(f.grade_of(739), 2);
  EXPECT_EQ(f.grade_of(670), 2);
  EXPECT_EQ(f.grade_of(669), 3);
  EXPECT_EQ(f.grade_of(580), 3);
  EXPECT_EQ(f.grade_of(579), 4);
  EXPECT_EQ(f.grade_of(300), 4);
}

// Posts, purchases by category and friends: change them all and the score is the same.
TEST(FicoProperty, NoNetworkNoPoliticsNoShoppingCategories) {
  Scenario sc;
  const std::size_t n = 2000;
  World a(n), b(n);
  a.soc = generate_society(static_cast<NodeId>(n), sc.society, sc.behaviour, 9, 0);
  b.soc = a.soc;
  // b: everyone befriends their neighbours by id.
  std::vector<std::pair<NodeId, NodeId>> edges;
  for (NodeId i = 0; i + 1 < n; ++i) edges.emplace_back(i, i + 1);
  b.g = graph::build_csr(static_cast<NodeId>(n), edges);
  b.ex = Exchange(b.g);
  Fico fa("fico", FicoSpec{}, n), fb("fico", FicoSpec{}, n);
  fa.initialise(a.ctx());
  fb.initialise(b.ctx());
  RareEventSampler sampler(a.cat, a.soc.persons);
  for (Tick t = 1; t <= 8; ++t) {
    behave(sc.behaviour, a.soc.persons, 9, 0, t, a.ev);
    sampler.draw(9, 0, t, a.ev, a.occ);
    b.ev = a.ev;
    b.occ = a.occ;
    for (std::size_t i = 0; i < n; ++i) {
      // Same money spent, other categories; many political and embarrassing posts; gaming.
      b.ev.games[i] = static_cast<std::uint16_t>(a.ev.games[i] + 3);
      b.ev.baby[i] = 0;
      b.ev.unapproved[i] = 7;
      b.ev.embarrassing[i] = 2;
      b.ev.gaming_hours[i] = 40;
      b.ev.on_platform[i] = 0;
    }
    a.step(fa, a.cat);
    b.step(fb, b.cat);
  }
  EXPECT_EQ(fa.scores(), fb.scores());
  EXPECT_EQ(fa.counterfactual_scores(), fb.counterfactual_scores());
}

using test::expect_target;
using test::read_rows;
using test::slurp;

TEST(FicoPreset, ShortRunWritesCalibrationRows) {
  const std::string path = std::string(CREDSIM_SOURCE_DIR) + "/scenarios/fico.toml";
  const Scenario sc = load_scenario(path, {"society.persons=5000", "run.ticks=4"});
  test::TempDir tmp("fico");
  RunOptions opt;
  opt.out_dir = tmp.path() / "r";
  opt.threads = 1;
  const RunResult r = run_scenario(sc, opt);
  const std::string csv = slurp(tmp.path() / "r" / "metrics.csv");
  auto rows = read_rows(csv);
  expect_target(r, rows, {"ftc_error_share", "fico", "error_share", "0.21"}, {0, 4});
  expect_target(r, rows, {"ftc_score_changed_share", "fico", "score_changed_share", "0.13"}, {0, 4});
  expect_target(r, rows, {"ftc_better_tier_share", "fico", "better_tier_share", "0.052"}, {0, 4});
  EXPECT_EQ(r.calibration.size(), 3u);
  EXPECT_EQ(csv.find(",fico,calibration,"), std::string::npos);  // the old per-system layout is gone
  EXPECT_NE(csv.find(",fico,band_share,exceptional,"), std::string::npos);
  EXPECT_NE(csv.find(",fico,score_wealth_spearman,"), std::string::npos);
}

}  // namespace
}  // namespace credsim
