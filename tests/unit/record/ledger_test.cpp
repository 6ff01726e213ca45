// The data layer: detection, false records, misattribution, notification and appeals.
#include "credsim/record/ledger.hpp"

#include <gtest/gtest.h>

#include <cmath>

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
