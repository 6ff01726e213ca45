// The data layer: detection, false records, misattribution, notification and appeals.
#include "credsim/record/ledger.hpp"

#include <gtest/gtest.h>

#include <omp.h>

#include <algorithm>
#include <cmath>

#include "credsim/core/rng.hpp"

namespace credsim {
namespace {

struct World {
  Society soc;
  EventCatalog cat;
  DataSpec data;
  explicit World(NodeId n, std::vector<double> regions = {1, 1})
      : soc([&] {
          SocietySpec s;
          s.region_weights = regions;
          return generate_society(n, s, BehaviourSpec{}, 2, 0);
        }()) {}
};

std::vector<Occurrence> one_each(NodeId n, EventTypeId type) {
  std::vector<Occurrence> occ;
  for (NodeId i = 0; i < n; ++i) occ.push_back({i, type, 1});
  return occ;
}

TEST(Ledger, CertainDetectionRecordsEveryEventTruthfully) {
  World w(1000);
  const EventTypeId k = *w.cat.find("traffic_ticket");
  w.cat.mutable_types()[k].detection = 1.0;
  Ledger l;
  const auto occ = one_each(1000, k);
  l.record_tick(w.data, w.cat, w.soc, occ, 1, 0, 1);
  ASSERT_EQ(l.records().size(), 1000u);
  for (NodeId i = 0; i < 1000; ++i) {
    const Record& r = l.records()[i];
    EXPECT_EQ(r.person, i);
    EXPECT_EQ(r.actor, i);
    EXPECT_EQ(r.origin, Origin::kTrue);
    EXPECT_EQ(r.tick, 1u);
  }
  EXPECT_EQ(l.added().size(), 1000u);
}

TEST(Ledger, ParallelIntakeEqualsANaiveSerialWalk) {
  // The intake is parallel over chunks of 8,192 occurrences (cut at persons) and the appeals over
  // chunks of records: every record, in order, and every opened appeal equal a naive serial walk
  // of the documented draws (one kLedger stream per person, one kAppeals stream per record), for
  // 1 and 3 threads; one person's 20,000 occurrences span several chunks.
  World w(60000);
  const EventTypeId a = *w.cat.find("traffic_ticket"), b = *w.cat.find("jaywalking");
  for (EventTypeId k : {a, b}) {
    w.cat.mutable_types()[k].detection = 0.4;
    w.cat.mutable_types()[k].misattribution = 0.3;
  }
  for (auto& t : w.cat.mutable_types()) t.false_rate = 0;  // no false records among the expected
  w.data.notify_prob = 0.7;
  w.data.appeal_prob = 0.5;
  std::vector<Occurrence> occ;
  Rng pick(7, 0, 0, 0, Stream::kGraph);
  for (NodeId i = 0; i < 60000; ++i) {
    const std::uint64_t m = i == 5 ? 20000 : pick.below(3);
    for (std::uint64_t e = 0; e < m; ++e)
      occ.push_back({i, e % 2 ? b : a, static_cast<std::uint16_t>(1 + pick.below(3))});
  }
  std::vector<Record> want;
  for (std::size_t x = 0; x < occ.size();) {
    const NodeId i = occ[x].person;
    Rng rng(3, 0, 1, i, Stream::kLedger);
    for (; x < occ.size() && occ[x].person == i; ++x) {
      std::uint16_t seen = 0;
      for (int c = 0; c < occ[x].count; ++c) seen += rng.uniform() < 0.4;
      if (seen == 0) continue;
      Record r{i, i, occ[x].type, seen, Origin::kTrue, RecordStatus::kActive, 0, 0, 1, 0};
      if (rng.uniform() < 0.3) {
        const std::uint16_t g = w.soc.persons.region[i];
        const NodeId lo = w.soc.region_start[g], hi = w.soc.region_start[g + 1];
        const NodeId j = lo + static_cast<NodeId>(rng.below(hi - lo - 1));
        r.person = j >= i ? j + 1 : j;
        r.origin = Origin::kMisattributed;
      }
      r.notified = rng.uniform() < 0.7;
      want.push_back(r);
    }
  }
  std::size_t appeals = 0;
  for (std::size_t k = 0; k < want.size(); ++k)
    if (want[k].origin != Origin::kTrue && want[k].notified && Rng(3, 0, 1, k, Stream::kAppeals).uniform() < 0.5) {
      want[k].appealed = 1, want[k].decided = 1 + w.data.appeal_delay;
      ++appeals;
    }
  ASSERT_GT(want.size(), 10000u);
  ASSERT_GT(appeals, 100u);
  const int before = omp_get_max_threads();
  for (int threads : {1, 3}) {
    omp_set_num_threads(threads);
    Ledger l;
    l.record_tick(w.data, w.cat, w.soc, occ, 3, 0, 1);
    ASSERT_EQ(l.records().size(), want.size()) << threads;
    for (std::size_t k = 0; k < want.size(); ++k) {
      const Record &g = l.records()[k], &e = want[k];
      ASSERT_TRUE(g.person == e.person && g.actor == e.actor && g.type == e.type && g.count == e.count &&
                  g.origin == e.origin && g.notified == e.notified && g.appealed == e.appealed && g.decided == e.decided)
          << "record " << k << " threads " << threads;
    }
    // The appeals are decided appeal_delay ticks later: one correction draw per opened appeal.
    std::size_t decided = 0;
    for (Tick t = 2; t <= 1 + w.data.appeal_delay; ++t) {
      l.record_tick(w.data, w.cat, w.soc, {}, 3, 0, t);
      decided += l.corrected().size();
    }
    std::size_t corrected = 0;
    for (std::size_t k = 0; k < want.size(); ++k)
      corrected += want[k].appealed && Rng(3, 0, 1 + w.data.appeal_delay, k, Stream::kAppeals).uniform() < w.data.appeal_success;
    EXPECT_EQ(decided, corrected) << threads;
  }
  omp_set_num_threads(before);
}

TEST(Ledger, DetectionProbabilityAndRegionFactor) {
  World w(100000);
  const EventTypeId k = *w.cat.find("jaywalking");
  w.cat.mutable_types()[k].detection = 0.3;
  w.data.region_detection = {1.0, 2.0};  // region 1 watched twice as closely (cameras)
  Ledger l;
  l.record_tick(w.data, w.cat, w.soc, one_each(100000, k), 1, 0, 1);
  double r0 = 0, r1 = 0;
  for (const Record& r : l.records()) (w.soc.persons.region[r.person] == 0 ? r0 : r1) += 1;
  EXPECT_NEAR(r0 / 50000, 0.3, 0.01);
  EXPECT_NEAR(r1 / 50000, 0.6, 0.01);
}

TEST(Ledger, FalseRecordsAtTheirRateAgainstNobodyWhoActed) {
  World w(200000);
  const EventTypeId k = *w.cat.find("unpaid_fine");
  w.cat.mutable_types()[k].false_rate = 0.001;
  Ledger l;
  for (Tick t = 1; t <= 5; ++t) l.record_tick(w.data, w.cat, w.soc, {}, 1, 0, t);
  const double expected = 5 * 200000 * -std::expm1(-0.001);
  EXPECT_NEAR(static_cast<double>(l.records().size()), expected, 5 * std::sqrt(expected));
  for (const Record& r : l.records()) {
    EXPECT_EQ(r.origin, Origin::kFalse);
    EXPECT_EQ(r.actor, kNoNode);
    EXPECT_EQ(r.type, k);
  }
}

TEST(Ledger, MisattributionGoesToSomeoneElseInTheSameRegion) {
  World w(2000);
  const EventTypeId k = *w.cat.find("traffic_ticket");
  w.cat.mutable_types()[k].detection = 1;
  w.cat.mutable_types()[k].misattribution = 1;
  Ledger l;
  l.record_tick(w.data, w.cat, w.soc, one_each(2000, k), 1, 0, 1);
  ASSERT_EQ(l.records().size(), 2000u);
  for (const Record& r : l.records()) {
    EXPECT_EQ(r.origin, Origin::kMisattributed);
    EXPECT_NE(r.person, r.actor);
    EXPECT_EQ(w.soc.persons.region[r.person], w.soc.persons.region[r.actor]);
  }
}

TEST(Ledger, WrongRecordsOfNotifiedPersonsAreCorrectedAfterTheAppealDelay) {
  World w(50000);
  const EventTypeId k = *w.cat.find("unpaid_fine");
  w.cat.mutable_types()[k].false_rate = 0.002;
  w.data.notify_prob = 1;
  w.data.appeal_prob = 1;
  w.data.appeal_success = 1;
  w.data.appeal_delay = 3;
  Ledger l;
  l.record_tick(w.data, w.cat, w.soc, {}, 1, 0, 1);
  const std::size_t made = l.records().size();
  ASSERT_GT(made, 0u);
  for (Tick t = 2; t <= 3; ++t) {
    w.cat.mutable_types()[k].false_rate = 0;  // no new ones
    l.record_tick(w.data, w.cat, w.soc, {}, 1, 0, t);
    EXPECT_TRUE(l.corrected().empty()) << "tick " << t;
  }
  l.record_tick(w.data, w.cat, w.soc, {}, 1, 0, 4);  // 1 + delay 3
  EXPECT_EQ(l.corrected().size(), made);
  for (const Record& r : l.records()) EXPECT_EQ(r.status, RecordStatus::kCorrected);
}

TEST(Ledger, WithoutNotificationNobodyAppealsAndTrueRecordsAreNeverAppealed) {
  World w(50000);
  const EventTypeId k = *w.cat.find("unpaid_fine");
  w.cat.mutable_types()[k].false_rate = 0.002;
  w.cat.mutable_types()[k].detection = 1;
  w.data.notify_prob = 0;  // seed 004: Liu Hu learnt of his listing at the ticket counter
  w.data.appeal_prob = 1;
  w.data.appeal_success = 1;
  w.data.appeal_delay = 1;
  Ledger l;
  l.record_tick(w.data, w.cat, w.soc, one_each(100, k), 1, 0, 1);
  w.data.notify_prob = 1;
  l.record_tick(w.data, w.cat, w.soc, one_each(100, k), 1, 0, 2);
  l.record_tick(w.data, w.cat, w.soc, {}, 1, 0, 3);
  for (const Record& r : l.records()) {
    if (r.origin == Origin::kTrue || !r.notified) {
      EXPECT_EQ(r.appealed, 0);
      EXPECT_EQ(r.status, RecordStatus::kActive);
    } else if (r.tick == 2) {
      EXPECT_EQ(r.status, RecordStatus::kCorrected);
    }
  }
}

TEST(Ledger, ParallelReportsEqualANaiveSerialWalk) {
  // Reports are drawn block by block in parallel and merged in order; a block whose true report
  // took an event an earlier block took is drawn again. Two hubs are every other person's only
  // friend and have 12 undetected misconduct events each (and a civic one, which a report never
  // takes), so reporters in several blocks report the same events: the records (in order), the
  // rewards and the counts must equal a naive serial walk of the documented draws (one kReports
  // stream per block of 4,096 persons), for 1 and 3 threads.
  constexpr NodeId n = 40000;
  World w(n);
  const EventTypeId jay = *w.cat.find("jaywalking"), vol = *w.cat.find("volunteering");
  for (auto& t : w.cat.mutable_types()) t.detection = 0, t.false_rate = 0;  // reports only
  w.data.reporting.rate = 0.002;
  w.data.reporting.reward = 7;
  w.data.reporting.false_share = 0.4;
  w.data.notify_prob = 0.5;
  // Hubs 0 and 1; person i >= 2 is a friend of hub i % 2 only.
  std::vector<EdgeIdx> off{0};
  std::vector<NodeId> nb;
  for (NodeId h = 0; h < 2; ++h) {
    for (NodeId i = 2 + h; i < n; i += 2) nb.push_back(i);
    off.push_back(nb.size());
  }
  for (NodeId i = 2; i < n; ++i) nb.push_back(i % 2), off.push_back(nb.size());
  const graph::Csr g(off, nb);
  std::vector<Occurrence> occ;
  for (NodeId h = 0; h < 2; ++h) {
    occ.push_back({h, vol, 1});
    for (int e = 0; e < 12; ++e) occ.push_back({h, jay, 1});
  }
  for (NodeId i = 2; i < n; i += 997) occ.push_back({i, jay, 1});  // a few leaves' own events

  // The naive walk.
  std::vector<Record> want;
  std::vector<NodeId> paid;
  std::uint64_t trues = 0, falses = 0, empties = 0;
  std::vector<std::uint8_t> taken(occ.size(), 0);
  const double q = -std::expm1(-w.data.reporting.rate);
  std::size_t blocks_with_true = 0;
  for (std::size_t b = 0; b * kRareBlock < n; ++b) {
    Rng rng(5, 0, 3, b, Stream::kReports);
    const std::size_t hi = std::min<std::size_t>(n, (b + 1) * kRareBlock);
    bool any_true = false;
    for (std::size_t i = b * kRareBlock;;) {
      const std::uint64_t skip = rng.geometric_skip(q);
      if (skip >= hi - i) break;
      i += skip;
      const auto friends = g.neighbours(static_cast<NodeId>(i));
      const NodeId j = friends[rng.below(friends.size())];
      std::size_t found = occ.size();
      for (std::size_t k = 0; k < occ.size(); ++k)
        if (occ[k].person == j && occ[k].type == jay && !taken[k]) { found = k; break; }
      Record r{j, j, jay, 1, Origin::kTrue, RecordStatus::kActive, 0, 0, 3, 0};
      r.channel = Channel::kReported;
      bool made = true;
      if (found < occ.size()) {
        taken[found] = 1, ++trues, any_true = true;
      } else if (rng.uniform() < 0.4) {
        r.actor = kNoNode, r.origin = Origin::kFalse, ++falses;
      } else {
        made = false, ++empties;
      }
      if (made) {
        r.notified = rng.uniform() < 0.5;
        want.push_back(r);
        paid.push_back(static_cast<NodeId>(i));
      }
      if (++i >= hi) break;
    }
    blocks_with_true += any_true;
  }
  // The case this test is for: events taken in several blocks, and all of the hubs' taken.
  ASSERT_GE(blocks_with_true, 3u);
  ASSERT_GE(trues, 24u);
  ASSERT_GT(falses, 10u);

  const int before = omp_get_max_threads();
  for (int threads : {1, 3}) {
    omp_set_num_threads(threads);
    Ledger l;
    l.record_tick(w.data, w.cat, w.soc, occ, 5, 0, 3, &g);
    ASSERT_EQ(l.records().size(), want.size()) << threads;
    for (std::size_t k = 0; k < want.size(); ++k) {
      const Record &got = l.records()[k], &e = want[k];
      ASSERT_TRUE(got.person == e.person && got.actor == e.actor && got.type == e.type && got.origin == e.origin &&
                  got.notified == e.notified && got.channel == Channel::kReported && got.tick == 3)
          << "record " << k << " threads " << threads;
    }
    ASSERT_EQ(l.rewards().size(), paid.size()) << threads;
    for (std::size_t k = 0; k < paid.size(); ++k) {
      EXPECT_EQ(l.rewards()[k].first, paid[k]) << k;
      EXPECT_EQ(l.rewards()[k].second, 7.0);
    }
    EXPECT_EQ(l.reports().true_reports, trues) << threads;
    EXPECT_EQ(l.reports().false_reports, falses) << threads;
    EXPECT_EQ(l.reports().empty_reports, empties) << threads;
    EXPECT_EQ(l.reports().rewards_paid, 7.0 * static_cast<double>(paid.size())) << threads;
  }
  omp_set_num_threads(before);
}

}  // namespace
}  // namespace credsim

namespace credsim {
namespace {

TEST(Ledger, RewardedReportsFindUndetectedMisconductOrAreFalse) {
  World w(4);
  const EventTypeId k = *w.cat.find("jaywalking");
  w.cat.mutable_types()[k].detection = 0;  // nobody is caught by cameras
  w.data.reporting.rate = 50;              // everybody reports every week (1 − e^−50 ≈ 1)
  w.data.reporting.reward = 25;
  w.data.reporting.false_share = 1;
  // 0 — 1 and 2 — 3: each person's only friend is the other of the pair.
  const graph::Csr g(std::vector<EdgeIdx>{0, 1, 2, 3, 4}, std::vector<NodeId>{1, 0, 3, 2});
  Ledger l;
  const std::vector<Occurrence> occ{{1, k, 1}};  // person 1 jaywalked
  l.record_tick(w.data, w.cat, w.soc, occ, 1, 0, 1, &g);
  ASSERT_EQ(l.records().size(), 4u);
  int truthful = 0, falsely = 0;
  for (const Record& r : l.records()) {
    EXPECT_EQ(r.channel, Channel::kReported);
    EXPECT_EQ(r.type, k);
    if (r.origin == Origin::kTrue) {
      ++truthful;
      EXPECT_EQ(r.person, 1u);  // reported by person 0
    } else {
      ++falsely;
      EXPECT_EQ(r.actor, kNoNode);
    }
  }
  EXPECT_EQ(truthful, 1);
  EXPECT_EQ(falsely, 3);  // 0, 2 and 3 had nothing to report and false_share = 1
  EXPECT_EQ(l.rewards().size(), 4u);
  EXPECT_EQ(l.reports().true_reports, 1u);
  EXPECT_EQ(l.reports().false_reports, 3u);
  EXPECT_DOUBLE_EQ(l.reports().rewards_paid, 100.0);
  // With no false reports, only the true one is made.
  w.data.reporting.false_share = 0;
  Ledger l2;
  l2.record_tick(w.data, w.cat, w.soc, occ, 1, 0, 1, &g);
  ASSERT_EQ(l2.records().size(), 1u);
  EXPECT_EQ(l2.reports().empty_reports, 3u);
}

}  // namespace
}  // namespace credsim
