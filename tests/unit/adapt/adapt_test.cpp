// Adaptation (SPEC §3, docs/MODEL.md "Adaptation"): hand-computed response rules, naive
// recomputation of every mechanism's pressure, the dynamic graph's CSR edits against a naive edge
// set, unfriending decisions against a naive rule, ties_cut against a naive count, each mechanism
// off → no effect, chilling only when posts are scored and detected, and determinism for 1 vs 2
// threads with adaptation on.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <cstring>
#include <set>

#include "credsim/adapt/adaptation.hpp"
#include "credsim/core/error.hpp"
#include "credsim/core/rng.hpp"
#include "credsim/graph/build.hpp"
#include "credsim/graph/generators.hpp"
#include "credsim/run/simulation.hpp"
#include "credsim/systems/composite.hpp"
#include "preset_run.hpp"
#include "test_support.hpp"

namespace credsim {
namespace {

using Edge = graph::Csr::Edge;

// ---- the pure rules ------------------------------------------------------------------------

TEST(AdaptRules, ResponseLevelIsClampedProduct) {
  EXPECT_DOUBLE_EQ(response_level(1.0, 1.0, 0.6), 0.6);
  EXPECT_DOUBLE_EQ(response_level(0.5, 1.2, 0.5), 0.3);
  EXPECT_DOUBLE_EQ(response_level(2.0, 1.0, 0.75), 1.0);  // clamped at 1
  EXPECT_DOUBLE_EQ(response_level(1.0, 0.0, 0.9), 0.0);
  EXPECT_DOUBLE_EQ(response_level(1.0, 1.0, -0.5), 0.0);  // clamped at 0
}

TEST(AdaptRules, SmoothingIsExponential) {
  EXPECT_DOUBLE_EQ(smooth(0.0, 1.0, 0.2), 0.2);
  EXPECT_DOUBLE_EQ(smooth(0.2, 1.0, 0.2), 0.36);
  EXPECT_DOUBLE_EQ(smooth(0.5, 0.0, 0.5), 0.25);
  EXPECT_DOUBLE_EQ(smooth(0.3, 0.3, 0.9), 0.3);
}

TEST(AdaptRules, ResponsivenessIsKeyedByPersonWithTheStatedMean) {
  AdaptSpec s;
  s.responsiveness_mean = 1.5;
  s.responsiveness_sigma = 0.5;
  double sum = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) sum += draw_responsiveness(s, 7, 0, static_cast<NodeId>(i));
  EXPECT_NEAR(sum / n, 1.5, 0.01);
  EXPECT_EQ(draw_responsiveness(s, 7, 0, 12345), draw_responsiveness(s, 7, 0, 12345));
  EXPECT_NE(draw_responsiveness(s, 7, 0, 12345), draw_responsiveness(s, 8, 0, 12345));
  s.responsiveness_sigma = 0;  // no spread: everyone has the mean
  EXPECT_FLOAT_EQ(draw_responsiveness(s, 7, 0, 99), 1.5f);
}

// ---- the dynamic graph: CSR edits vs a naive edge set ---------------------------------------

std::set<Edge> edge_set(const graph::Csr& g) {
  std::set<Edge> s;
  for (NodeId u = 0; u < g.num_nodes(); ++u)
    for (NodeId v : g.neighbours(u))
      if (u < v) s.emplace(u, v);
  return s;
}

// One round of edits against the naive edge set: removals picked from the current edges, nodes
// emptied, additions of absent edges (an edge both removed and added is only added). edits()
// gives them as apply_edits takes them (sorted) and applies them to the naive set.
class EditRound {
 public:
  explicit EditRound(std::set<Edge>& naive) : naive_(naive), current_(naive.begin(), naive.end()) {}
  std::size_t current_edges() const { return current_.size(); }
  void remove_at(std::size_t k) { rm_.insert(current_[k]); }
  void empty_node(const graph::Csr& g, NodeId x) {
    for (NodeId v : g.neighbours(x)) rm_.insert({std::min(x, v), std::max(x, v)});
  }
  void add(NodeId u, NodeId v) {
    if (u == v) return;
    const Edge e{std::min(u, v), std::max(u, v)};
    if (!naive_.count(e)) add_.insert(e);
  }
  std::pair<std::vector<Edge>, std::vector<Edge>> edits() {
    for (const Edge& e : add_) rm_.erase(e);
    std::vector<Edge> rv(rm_.begin(), rm_.end()), av(add_.begin(), add_.end());
    for (const Edge& e : rv) naive_.erase(e);
    for (const Edge& e : av) naive_.insert(e);
    return {std::move(rv), std::move(av)};
  }

 private:
  std::set<Edge>& naive_;
  std::vector<Edge> current_;
  std::set<Edge> rm_, add_;
};

TEST(DynamicGraph, RandomEditsMatchANaiveEdgeSet) {
  graph::Csr g = graph::erdos_renyi(300, 6, 11, 0);
  std::set<Edge> naive = edge_set(g);
  const NodeId n = g.num_nodes();
  for (int round = 0; round < 300; ++round) {
    Rng rng(5, 0, static_cast<std::uint64_t>(round), 0, Stream::kGraph);
    EditRound edit(naive);
    const int removals = static_cast<int>(rng.below(12)), additions = static_cast<int>(rng.below(12));
    for (int k = 0; k < removals && edit.current_edges() > 0; ++k) edit.remove_at(rng.below(edit.current_edges()));
    for (int k = 0; k < additions; ++k) {
      NodeId u = static_cast<NodeId>(rng.below(n)), v = static_cast<NodeId>(rng.below(n));
      edit.add(u, v);
    }
    // Occasionally empty a node entirely, and fill node 0 and the last node (boundary cases).
    if (round % 50 == 7) edit.empty_node(g, 17);
    if (round % 60 == 3) edit.add(0, n - 1);
    const auto [rv, av] = edit.edits();
    const auto version = g.version();
    g.apply_edits(rv, av);
    ASSERT_TRUE(g.valid()) << "round " << round;
    ASSERT_EQ(g.num_nodes(), n);
    ASSERT_EQ(g.num_edges(), naive.size());
    ASSERT_TRUE(edge_set(g) == naive) << "round " << round;
    if (!rv.empty() || !av.empty()) {
      ASSERT_EQ(g.version(), version + 1);
    }
  }
  // Every offset consistent with the degrees.
  for (NodeId u = 0; u < n; ++u) EXPECT_EQ(g.offset(u + 1) - g.offset(u), g.degree(u));
}

TEST(DynamicGraph, LargeEditsMatchANaiveEdgeSet) {
  // Thousands of arcs per edit, a hub that gains hundreds of ties at once (many equal insertion
  // positions), nodes emptied entirely; 1 and 2 threads (Offsets::shift is parallel).
  const int before = omp_get_max_threads();
  for (int threads : {1, 2}) {
    omp_set_num_threads(threads);
    graph::Csr g = graph::erdos_renyi(10000, 16, 21, 0);
    std::set<Edge> naive = edge_set(g);
    const NodeId n = g.num_nodes();
    for (int round = 0; round < 8; ++round) {
      Rng rng(9, 0, static_cast<std::uint64_t>(round), 0, Stream::kGraph);
      EditRound edit(naive);
      const std::uint64_t removals = rng.below(4000), additions = rng.below(4000);
      for (std::uint64_t k = 0; k < removals && edit.current_edges() > 0; ++k) edit.remove_at(rng.below(edit.current_edges()));
      for (std::uint64_t k = 0; k < additions; ++k) {
        // Half of the additions touch hub 5000 (or 0 on odd rounds): clustered insertions.
        NodeId u = k % 2 ? static_cast<NodeId>(round % 2 ? 0 : 5000) : static_cast<NodeId>(rng.below(n));
        NodeId v = static_cast<NodeId>(rng.below(n));
        edit.add(u, v);
      }
      for (NodeId x : {NodeId{7}, NodeId{9999}}) edit.empty_node(g, x);
      const auto [rv, av] = edit.edits();
      g.apply_edits(rv, av);
      ASSERT_TRUE(g.valid()) << "round " << round;
      ASSERT_EQ(g.num_edges(), naive.size());
      ASSERT_TRUE(edge_set(g) == naive) << "round " << round << " threads " << threads;
    }
  }
  omp_set_num_threads(before);
}

TEST(DynamicGraph, ParallelRangesGiveTheSameBytesAsOneRange) {
  // apply_edits cut into 2..8 ranges (each moving its own pieces, reading its neighbours' reach
  // from copies) against one range and against the naive edge set: small edits (the parallel
  // path), edits piled at the array's start or on one hub (large shifts: the parallel path
  // where the ranges are long enough, else the serial fallback), nodes emptied, growth and
  // shrinking; 1 and 3 threads.
  const int before = omp_get_max_threads();
  for (int threads : {1, 3}) {
    omp_set_num_threads(threads);
    graph::Csr g = graph::erdos_renyi(12000, 16, 31, 0);
    std::set<Edge> naive = edge_set(g);
    const NodeId n = g.num_nodes();
    for (int round = 0; round < 8; ++round) {
      Rng rng(13, 0, static_cast<std::uint64_t>(round), 0, Stream::kGraph);
      EditRound edit(naive);
      const std::uint64_t removals = round % 4 == 0 ? 12000 : rng.below(600), additions = round % 4 == 1 ? 12000 : rng.below(600);
      for (std::uint64_t k = 0; k < removals && edit.current_edges() > 0; ++k) {
        // Round 4: removals only among the first nodes (every piece moves left far).
        edit.remove_at(round == 4 ? rng.below(edit.current_edges() / 50) : rng.below(edit.current_edges()));
      }
      for (std::uint64_t k = 0; k < additions; ++k) {
        NodeId u = round % 3 == 2 && k % 2 ? NodeId{6000} : static_cast<NodeId>(rng.below(round == 5 ? 300 : n));
        NodeId v = static_cast<NodeId>(rng.below(n));
        edit.add(u, v);
      }
      if (round % 5 == 3)
        for (NodeId x : {NodeId{0}, NodeId{4095}, NodeId{n - 1}}) edit.empty_node(g, x);
      const auto [rv, av] = edit.edits();
      graph::Csr one = g;
      one.apply_edits(rv, av, 1);
      for (unsigned ranges : {2u, 3u, 5u, 8u, 0u}) {
        graph::Csr many = g;
        many.apply_edits(rv, av, ranges);
        ASSERT_EQ(many.neighbour_array(), one.neighbour_array()) << "round " << round << " ranges " << ranges;
        ASSERT_EQ(many.offsets().to_vector(), one.offsets().to_vector()) << "round " << round << " ranges " << ranges;
      }
      g = one;
      ASSERT_TRUE(g.valid()) << "round " << round;
      ASSERT_TRUE(edge_set(g) == naive) << "round " << round << " threads " << threads;
    }
  }
  omp_set_num_threads(before);
}

TEST(DynamicGraph, HandComputedEdit) {
  // Path 0-1-2-3 plus 0-2: remove 0-2 and 1-2, add 0-3 and 1-3.
  graph::Csr g = graph::build_csr(4, {{0, 1}, {1, 2}, {2, 3}, {0, 2}});
  const std::vector<Edge> rm{{0, 2}, {1, 2}}, add{{0, 3}, {1, 3}};
  g.apply_edits(rm, add);
  ASSERT_TRUE(g.valid());
  EXPECT_EQ(g.offsets().to_vector(), (std::vector<EdgeIdx>{0, 2, 4, 5, 8}));
  EXPECT_EQ(g.neighbour_array(), (std::vector<NodeId>{1, 3, 0, 3, 3, 0, 1, 2}));
  g.apply_edits({}, {});  // nothing: no new version
  EXPECT_EQ(g.version(), 1u);
}

// ---- a small world for the mechanisms -------------------------------------------------------

// A composite scoring posts, with friends' scores counted and public; a court list; rewarded
// reporting; responsiveness 1 for everyone (sigma 0) so levels are hand-computable.
std::string world(const std::string& model, const std::string& extra = "") {
  return "[run]\nseed = 3\nticks = 12\n[society]\npersons = 2000\nregions = 2\n[graph]\nmean_degree = 8\n"
         "[data]\nregion_detection = [1.0, 2.0]\n"
         "[data.reporting]\nrate = 0.02\nreward = 50\n"
         "[systems.sesame]\ntype = \"composite\"\nvisibility = \"public\"\ndata_exchange = true\n"
         "[systems.sesame.detection]\nposts = 0.6\n"
         "[systems.sesame.relationships]\nfriends_mean = 1.0\nfriends_posts = 1.0\n"
         "[systems.court]\ntype = \"court_list\"\n"
         "[adapt]\nmodel = \"" + model + "\"\nresponsiveness_sigma = 0\n" + extra;
}

// The index of a response in AdaptView::kNames.
int response(const std::string& name) {
  for (int k = 0; k < 7; ++k)
    if (name == AdaptView::kNames[k]) return k;
  ADD_FAILURE() << name;
  return 0;
}

struct World {
  Scenario sc;
  std::unique_ptr<Simulation> sim;
  // `stored`: the myopic model's stored path (Simulation::store_adapt_responses).
  explicit World(Scenario scenario, bool stored = false) : sc(std::move(scenario)) {
    const auto sizes = region_sizes(sc.society.persons, sc.society.region_weights);
    sim = std::make_unique<Simulation>(sc, build_graph(sc.graph, sizes, sc.run.seed, sc.run.replicate));
    if (stored) sim->store_adapt_responses();
    sim->initialise(nullptr);
  }
  explicit World(const std::string& text, const std::vector<std::string>& overrides = {})
      : World(load_scenario_string(text, "w.toml", overrides)) {}
  const AdaptState& st() const { return sim->adaptation().state(); }
  // A response as every stage reads it (stored or derived), materialised.
  std::vector<float> col(const std::string& name) const { return sim->adapt_view()->column(response(name)); }
  const Composite& sesame() const { return dynamic_cast<const Composite&>(*sim->systems().at(0)); }
};

TEST(AdaptMyopic, HandComputedResponsesAfterTickZero) {
  World w(world("myopic"));
  struct {
    std::vector<float> post_mult, approved_mult, platform_add, misconduct_mult, pay_mult, appeal_hazard, report_mult;
  } s{w.col("post_mult"), w.col("approved_mult"), w.col("platform_add"), w.col("misconduct_mult"),
      w.col("pay_mult"),  w.col("appeal_hazard"), w.col("report_mult")};
  const std::size_t n = w.sim->society().persons.size();
  ASSERT_EQ(s.post_mult.size(), n);
  // Chilling: detect_posts 0.6, social domain open (data exchange), r = 1: 1 − 0.9 · 0.6.
  for (std::size_t i = 0; i < n; ++i) ASSERT_FLOAT_EQ(s.post_mult[i], static_cast<float>(1.0 - 0.9 * 0.6));
  // Leaving lists: pressure 1 → pay × (1 + 2 · 1), appeal hazard 0.1 · 1.
  for (std::size_t i = 0; i < n; ++i) ASSERT_FLOAT_EQ(s.pay_mult[i], 3.0f);
  for (std::size_t i = 0; i < n; ++i) ASSERT_FLOAT_EQ(s.appeal_hazard[i], 0.1f);
  // Reporting: min(1, 50 / 100) = 0.5 → 1 + 2 · 0.5.
  for (std::size_t i = 0; i < n; ++i) ASSERT_FLOAT_EQ(s.report_mult[i], 2.0f);
  // Deterrence: the rate-weighted detection of misconduct in the person's region, recomputed
  // naively from the catalog; mult = 1 − 0.5 · min(1, 0.5 · x).
  const Persons& p = w.sim->society().persons;
  for (int region = 0; region < 2; ++region) {
    double num = 0, den = 0;
    for (const EventTypeSpec& t : w.sc.events.types())
      if (t.kind == EventKind::kMisconduct) num += t.rate * std::min(1.0, t.detection * (region ? 2.0 : 1.0)), den += t.rate;
    const float expect = static_cast<float>(1.0 - 0.5 * std::min(1.0, 0.5 * num / den));
    for (std::size_t i = 0; i < n; ++i) {
      if (p.region[i] == region) {
        ASSERT_FLOAT_EQ(s.misconduct_mult[i], expect);
      }
    }
  }
  // Gaming: near (within 30 points below 600/650/700/750) → 1 + 1 · 1 approved, + 0.3 platform.
  const auto& score = w.sesame().scores();
  std::size_t near_count = 0;
  for (std::size_t i = 0; i < n; ++i) {
    bool near = false;
    for (double t : {600.0, 650.0, 700.0, 750.0}) near |= score[i] < t && score[i] >= t - 30;
    near_count += near;
    ASSERT_FLOAT_EQ(s.approved_mult[i], near ? 2.0f : 1.0f) << i;
    ASSERT_FLOAT_EQ(s.platform_add[i], near ? 0.3f : 0.0f) << i;
  }
  EXPECT_GT(near_count, 0u);
  EXPECT_LT(near_count, n);
}

TEST(AdaptMyopic, ChillingNeedsScoringAndDetection) {
  World consent_only(world("myopic"), {"systems.sesame.data_exchange=false"});
  const Persons& p = consent_only.sim->society().persons;
  for (std::size_t i = 0; i < p.size(); ++i)
    ASSERT_FLOAT_EQ(consent_only.col("post_mult")[i], (p.consent(i) & kConsentSocial) ? 0.46f : 1.0f);
  for (const char* off : {"systems.sesame.behaviour.use_posts=false", "systems.sesame.detection.posts=0",
                          "systems.sesame.weights.behaviour=0", "systems.sesame.behaviour.beta_unapproved=0"}) {
    World w(world("myopic"), {off});
    const std::vector<float> post = w.col("post_mult");
    ASSERT_EQ(post.size(), p.size());
    for (float m : post) ASSERT_EQ(m, 1.0f) << off;
  }
}

TEST(AdaptLearning, ChillingLearnsFromOwnDetectedPosts) {
  World w(world("learning"));
  // Before any experience: no response.
  for (float m : w.st().post_mult) ASSERT_EQ(m, 1.0f);
  w.sim->step(nullptr);
  const AdaptState& s = w.st();
  const auto& seen = w.sesame().posts_seen();
  // The tick's posts are not kept by the simulation; recompute them: with multiplier 1 they are
  // the unadapted draws of behave().
  TickEvents ev;
  behave(w.sc.behaviour, w.sim->society().persons, w.sc.run.seed, w.sc.run.replicate, 1, ev);
  std::size_t posted = 0;
  for (std::size_t i = 0; i < ev.unapproved.size(); ++i) {
    const double e = ev.unapproved[i] ? 0.2 * std::min(1.0, double(seen[i]) / ev.unapproved[i]) : 0.0;
    posted += ev.unapproved[i] > 0;
    ASSERT_FLOAT_EQ(s.learn_chill[i], static_cast<float>(e)) << i;
    ASSERT_FLOAT_EQ(s.post_mult[i], static_cast<float>(1.0 - 0.9 * std::min(1.0, e))) << i;
  }
  EXPECT_GT(posted, 10u);
}

// ---- the myopic model derives its responses: the same bits as storing them ---------------------

// Bitwise equality (-0 and +0 differ, as in a snapshot's bytes).
template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

TEST(AdaptMyopic, StoresOnlyResponsiveness) {
  World w(world("myopic"));
  const AdaptState& s = w.st();
  const std::size_t n = w.sim->society().persons.size();
  EXPECT_EQ(s.responsiveness.size(), n);
  for (const auto* c : {&s.post_mult, &s.approved_mult, &s.platform_add, &s.misconduct_mult, &s.pay_mult, &s.appeal_hazard,
                        &s.report_mult, &s.learn_chill, &s.learn_unfriend, &s.learn_gaming, &s.learn_deter, &s.learn_lists,
                        &s.learn_report})
    EXPECT_TRUE(c->empty());
  EXPECT_EQ(w.sim->adaptation().memory_bytes(), n * sizeof(float));
  EXPECT_TRUE(w.sim->adapt_view()->derived());
  for (int k = 0; k < 7; ++k) EXPECT_EQ(w.col(AdaptView::kNames[k]).size(), n) << k;  // all in use, derived
  // The learning model stores its responses.
  World l(world("learning"));
  EXPECT_FALSE(l.sim->adapt_view()->derived());
  EXPECT_EQ(l.st().post_mult.size(), n);
  EXPECT_EQ(l.sim->adaptation().memory_bytes(), n * sizeof(float) * (1 + 7 + 6));
}

// The stored path (the adapt stage writes every response, computing the myopic pressures its own
// way, as before the responses were derived) and the derived path (AdaptView on read): the same
// bits of every response after tick 0 and every tick, and so the same run (what behave, the
// sampler, the ledger and the court list read decides purchases, posts, misconduct, reports,
// payments and appeals; any difference shows in wealth, the ledger or the scores).
void expect_paths_agree(const Scenario& sc, int ticks) {
  World derived(sc), stored(sc, /*stored=*/true);
  const std::size_t n = derived.sim->society().persons.size();
  ASSERT_TRUE(derived.sim->adapt_view()->derived());
  ASSERT_FALSE(stored.sim->adapt_view()->derived());
  ASSERT_EQ(stored.st().post_mult.size(), n);  // really stored
  ASSERT_TRUE(derived.st().post_mult.empty());
  const Composite& cd = derived.sesame();
  const Composite& cs = stored.sesame();
  std::size_t near = 0;
  for (int t = 0; t <= ticks; ++t) {
    if (t > 0) derived.sim->step(nullptr), stored.sim->step(nullptr);
    for (int k = 0; k < 7; ++k) {
      ASSERT_TRUE(derived.sim->adapt_view()->in_use(k)) << k;
      const std::vector<float> d = derived.col(AdaptView::kNames[k]), s = stored.col(AdaptView::kNames[k]);
      ASSERT_EQ(d.size(), n);
      ASSERT_TRUE(same_bits(d, s)) << AdaptView::kNames[k] << " at tick " << t;
    }
    for (float a : stored.st().approved_mult) near += a != 1.0f;
    ASSERT_TRUE(same_bits(derived.sim->society().persons.wealth, stored.sim->society().persons.wealth)) << t;
    ASSERT_TRUE(cd.scores() == cs.scores()) << t;
    ASSERT_EQ(derived.sim->ledger().records().size(), stored.sim->ledger().records().size()) << t;
    ASSERT_TRUE(derived.sim->graph().neighbour_array() == stored.sim->graph().neighbour_array()) << t;
  }
  EXPECT_GT(near, 0u);  // gaming acted (its pressure follows the scores, which change every tick)
  EXPECT_GT(derived.sim->ledger().records().size(), 0u);
}

TEST(AdaptMyopic, DerivedResponsesAreTheStoredOnesEveryTick) {
  // The small world (a court list, rewarded reporting, two regions of detection, unfriending),
  // with consent deciding what the composite sees, and responsiveness spread out.
  expect_paths_agree(load_scenario_string(world("myopic"), "w.toml",
                                          {"systems.sesame.data_exchange=false", "adapt.responsiveness_sigma=0.8",
                                           "adapt.gaming.margin=60"}),
                     8);
}

TEST(AdaptMyopic, DerivedResponsesAreTheStoredOnesInTheIntegratedPreset) {
  expect_paths_agree(load_scenario(std::string(CREDSIM_SOURCE_DIR) + "/scenarios/integrated_2020.toml",
                                   {"society.persons=3000", "run.ticks=6"}),
                     6);
}

// ---- unfriending: decisions vs a naive rule ----------------------------------------------------

TEST(AdaptUnfriending, MyopicCertainDropRemovesExactlyTheDraggingTies) {
  World w(world("myopic", "[adapt.unfriending]\ndrop_prob = 1.0\n"));
  const graph::Csr& g = w.sim->graph();
  Exchange ex(g);
  TickEvents ev;
  ev.resize(g.num_nodes());
  SimContext ctx{w.sc, w.sim->society(), g, ex, w.sc.events, ev, {}, w.sim->ledger(), w.sc.run.seed, w.sc.run.replicate,
                 1, &w.sim->systems()};
  ctx.adapt = &w.st();
  ctx.adapt_view = w.sim->adapt_view();
  const Adaptation::Edits e = w.sim->adaptation().decide_edits(ctx);
  // Naive: friend j drags if score < 600 (friends_mean) or recorded posts ≥ 0.5 · 0.2 per week.
  const Composite& c = w.sesame();
  auto drag = [&](NodeId j) {
    return c.scores()[j] < 600 || c.records().unapproved[j] * (1.0 - c.decay()) >= 0.5 * 0.2;
  };
  std::set<Edge> expect;
  for (NodeId u = 0; u < g.num_nodes(); ++u)
    for (NodeId v : g.neighbours(u))
      if (drag(u) || drag(v)) expect.emplace(std::min(u, v), std::max(u, v));
  EXPECT_FALSE(expect.empty());
  EXPECT_LT(expect.size(), g.num_edges());
  EXPECT_TRUE(std::set<Edge>(e.removed.begin(), e.removed.end()) == expect);
  EXPECT_TRUE(std::is_sorted(e.removed.begin(), e.removed.end()));
  EXPECT_TRUE(e.added.empty());
}

// ---- unfriending and new ties: the skipping walk ------------------------------------------------

// decide_edits of World w at tick t (the graph, scores and responses as they stand).
Adaptation::Edits edits_at(World& w, Tick t) {
  const graph::Csr& g = w.sim->graph();
  Exchange ex(g);
  TickEvents ev;
  ev.resize(g.num_nodes());
  SimContext ctx{w.sc, w.sim->society(), g, ex, w.sc.events, ev, {}, w.sim->ledger(), w.sc.run.seed, w.sc.run.replicate,
                 t, &w.sim->systems()};
  ctx.adapt = &w.st();
  ctx.adapt_view = w.sim->adapt_view();
  return w.sim->adaptation().decide_edits(ctx);
}

// Several blocks of 4096 persons; responsiveness spread out (so pd_i and pn_i vary: thinning).
World walk_world(const std::string& extra, double sigma = 0.8) {
  return World(world("myopic", "[adapt.unfriending]\n" + extra), {"society.persons=10000",
                                                                  "adapt.responsiveness_sigma=" + std::to_string(sigma)});
}

// z of an observed count against the sum of independent Bernoulli(q) (mean Σq, variance Σq(1−q)).
struct ZCount {
  double mean = 0, var = 0;
  void add(double q) { mean += q, var += q * (1 - q); }
  double z(double observed) const { return (observed - mean) / std::sqrt(var); }
};

TEST(AdaptUnfriending, EveryFriendDraggingCutsBinomiallyAtPd) {
  // posts_threshold 0: every friend drags (friends' posts count). Responsiveness 1 for everyone,
  // so pd = 0.3 on every slot; an edge survives only if neither end cuts it: the cut edges over
  // T ticks are Binomial(T · E, 1 − 0.7²).
  World w = walk_world("drop_prob = 0.3\nposts_threshold = 0\n", 0.0);
  const graph::Csr& g = w.sim->graph();
  ASSERT_GT(g.num_nodes(), 2 * 4096u);
  const double pd = 0.3, q = 1 - (1 - pd) * (1 - pd);
  ZCount z;
  std::uint64_t cut = 0;
  for (Tick t = 1; t <= 10; ++t) {
    const Adaptation::Edits e = edits_at(w, t);
    for (const Edge& x : e.removed) ASSERT_TRUE(x.first < x.second && g.has_edge(x.first, x.second));
    cut += e.removed.size();
    for (EdgeIdx k = 0; k < g.num_edges(); ++k) z.add(q);
  }
  EXPECT_LT(std::abs(z.z(static_cast<double>(cut))), 3.5) << cut << " vs " << z.mean;
}

TEST(AdaptUnfriending, ThinnedCutsAndTriesMatchEachPersonsProbability) {
  // Responsiveness spread out: pd_i = 0.3 · min(1, r_i), pn_i = 0.25 · min(1, r_i). Cut edges are
  // Bernoulli(1 − (1 − pd_u)(1 − pd_v)), tries Bernoulli(pn_i): checked separately for edges
  // between two low-responsiveness persons and the others (thinning per person, not per block),
  // and for the tries of low and high persons.
  World w = walk_world("drop_prob = 0.3\nposts_threshold = 0\nnew_tie_prob = 0.25\n");
  const graph::Csr& g = w.sim->graph();
  const auto& r = w.st().responsiveness;
  auto level = [&](NodeId i) { return std::min(1.0, static_cast<double>(r[i])); };
  const NodeId n = g.num_nodes();
  ZCount low, rest, tries;
  double cut_low = 0, cut_rest = 0, tried = 0;
  constexpr int kTicks = 10;
  for (Tick t = 1; t <= kTicks; ++t) {
    const Adaptation::Edits e = edits_at(w, t);
    for (const Edge& x : e.removed) (level(x.first) < 0.7 && level(x.second) < 0.7 ? cut_low : cut_rest) += 1;
    tried += static_cast<double>(e.tries);
  }
  for (NodeId u = 0; u < n; ++u) {
    for (int t = 0; t < kTicks; ++t) tries.add(0.25 * level(u));
    for (NodeId v : g.neighbours(u)) {
      if (v < u) continue;
      const double q = 1 - (1 - 0.3 * level(u)) * (1 - 0.3 * level(v));
      for (int t = 0; t < kTicks; ++t) (level(u) < 0.7 && level(v) < 0.7 ? low : rest).add(q);
    }
  }
  ASSERT_GT(low.mean, 1000.0);  // both groups are large
  ASSERT_GT(rest.mean, 1000.0);
  EXPECT_LT(std::abs(low.z(cut_low)), 3.5) << cut_low << " vs " << low.mean;
  EXPECT_LT(std::abs(rest.z(cut_rest)), 3.5) << cut_rest << " vs " << rest.mean;
  EXPECT_LT(std::abs(tries.z(tried)), 3.5) << tried << " vs " << tries.mean;
}

TEST(AdaptUnfriending, SameEditsForOneAndTwoThreads) {
  World w = walk_world("drop_prob = 0.3\nnew_tie_prob = 0.25\n");
  const int before = omp_get_max_threads();
  for (Tick t = 1; t <= 3; ++t) {
    omp_set_num_threads(1);
    const Adaptation::Edits one = edits_at(w, t);
    omp_set_num_threads(2);
    const Adaptation::Edits two = edits_at(w, t);
    EXPECT_FALSE(one.removed.empty());
    EXPECT_FALSE(one.added.empty());
    EXPECT_TRUE(one.removed == two.removed) << t;
    EXPECT_TRUE(one.added == two.added) << t;
    EXPECT_EQ(one.tries, two.tries) << t;
  }
  omp_set_num_threads(before);
}

TEST(AdaptUnfriending, EditsEqualANaiveSkippingWalk) {
  // The walk re-implemented naively: every block's slots listed explicitly, the skips and
  // thinning drawn from the documented streams (docs/MODEL.md, "Unfriending and the dynamic graph").
  World w = walk_world("drop_prob = 0.3\nnew_tie_prob = 0.25\nhomophily_band = 60\n");
  const graph::Csr& g = w.sim->graph();
  const Composite& c = w.sesame();
  const auto& r = w.st().responsiveness;
  const Society& soc = w.sim->society();
  auto drag = [&](NodeId j) {
    return c.scores()[j] < 600 || c.records().unapproved[j] * (1.0 - c.decay()) >= 0.5 * 0.2;
  };
  const NodeId n = g.num_nodes();
  for (Tick t = 1; t <= 2; ++t) {
    std::set<Edge> removed, added;
    std::uint64_t tries = 0;
    for (NodeId lo = 0; lo < n; lo += 4096) {
      const NodeId hi = std::min<NodeId>(n, lo + 4096);
      const std::uint64_t b = lo / 4096;
      std::vector<std::pair<NodeId, NodeId>> slots;
      double pd_max = 0, pn_max = 0;
      for (NodeId i = lo; i < hi; ++i) {
        for (NodeId j : g.neighbours(i)) slots.emplace_back(i, j);
        pd_max = std::max(pd_max, 0.3 * std::min(1.0, double(r[i])));
        pn_max = std::max(pn_max, 0.25 * std::min(1.0, double(r[i])));
      }
      Rng cut(w.sc.run.seed, w.sc.run.replicate, t, b, Stream::kAdaptUnfriend);
      for (std::uint64_t k = cut.geometric_skip(pd_max); k < slots.size(); k += 1 + cut.geometric_skip(pd_max)) {
        const auto [i, j] = slots[k];
        const double u = cut.uniform();  // drawn at every landing
        if (drag(j) && u * pd_max < 0.3 * std::min(1.0, double(r[i]))) removed.emplace(std::min(i, j), std::max(i, j));
      }
      Rng tie(w.sc.run.seed, w.sc.run.replicate, t, b, Stream::kAdaptNewTies);
      for (std::uint64_t k = tie.geometric_skip(pn_max); k < hi - lo; k += 1 + tie.geometric_skip(pn_max)) {
        const NodeId i = lo + static_cast<NodeId>(k);
        if (!(tie.uniform() * pn_max < 0.25 * std::min(1.0, double(r[i])))) continue;
        ++tries;
        NodeId cand = kNoNode;
        const auto f = g.neighbours(i);
        if (!f.empty()) {
          const auto ff = g.neighbours(f[tie.below(f.size())]);
          if (!ff.empty()) cand = ff[tie.below(ff.size())];
        } else {
          const NodeId a = soc.region_start[soc.persons.region[i]], z = soc.region_start[soc.persons.region[i] + 1];
          cand = a + static_cast<NodeId>(tie.below(z - a));
        }
        if (cand == kNoNode || cand == i || g.has_edge(i, cand) || drag(cand)) continue;
        if (std::abs(double(c.scores()[cand]) - double(c.scores()[i])) <= 60) added.emplace(std::min(i, cand), std::max(i, cand));
      }
    }
    const Adaptation::Edits e = edits_at(w, t);
    EXPECT_GT(removed.size(), 100u);
    EXPECT_GT(added.size(), 10u);
    EXPECT_TRUE(std::vector<Edge>(removed.begin(), removed.end()) == e.removed) << t;
    EXPECT_TRUE(std::vector<Edge>(added.begin(), added.end()) == e.added) << t;
    EXPECT_EQ(tries, e.tries) << t;
  }
}

TEST(AdaptUnfriending, NeedsVisibleCountedScores) {
  for (const char* off : {"systems.sesame.visibility=private", "systems.sesame.weights.relationships=0",
                          "adapt.unfriending.enabled=false"}) {
    World w(world("myopic", "[adapt.unfriending]\ndrop_prob = 1.0\nnew_tie_prob = 0.5\n"), {off});
    const auto before = w.sim->graph().neighbour_array();
    for (int t = 0; t < 3; ++t) w.sim->step(nullptr);
    EXPECT_TRUE(w.sim->graph().neighbour_array() == before) << off;
    EXPECT_EQ(w.st().ties_cut_total, 0u) << off;
  }
}

TEST(AdaptUnfriending, TiesCutEqualsANaiveCountAndNewTiesAreHomophilous) {
  World w(world("learning", "[adapt.unfriending]\ndrop_prob = 0.3\nnew_tie_prob = 0.05\nhomophily_band = 40\n"));
  std::uint64_t cut = 0, formed = 0;
  for (int t = 0; t < 8; ++t) {
    const std::set<Edge> before = edge_set(w.sim->graph());
    w.sim->step(nullptr);
    const std::set<Edge> after = edge_set(w.sim->graph());
    ASSERT_TRUE(w.sim->graph().valid());
    for (const Edge& e : before) cut += !after.count(e);
    for (const Edge& e : after) {
      if (before.count(e)) continue;
      ++formed;
      // New ties are between persons with visible scores within the band (scores as of the
      // decision: the adapt stage runs after scoring and before the next recomputation).
      const auto& s = w.sesame().scores();
      EXPECT_LE(std::abs(double(s[e.first]) - double(s[e.second])), 40.0);
    }
  }
  EXPECT_GT(cut, 0u);
  EXPECT_GT(formed, 0u);
  EXPECT_EQ(w.st().ties_cut_total, cut);
  EXPECT_EQ(w.st().ties_formed_total, formed);
}

// ---- each mechanism off → no effect ----------------------------------------------------------

TEST(AdaptSwitches, EachMechanismOffLeavesItsBehaviourUnchanged) {
  // Against model "none": with chilling off, posts are the same draws every tick (the other
  // mechanisms do not touch the posts stream); with gaming off, purchases; with deterrence off,
  // misconduct occurrences; with reporting off, the reporting column is absent.
  World none(world("none"));
  World on(world("myopic", "[adapt.chilling]\nenabled = false\n[adapt.gaming]\nenabled = false\n"
                           "[adapt.deterrence]\nenabled = false\n[adapt.reporting]\nenabled = false\n"
                           "[adapt.leaving_lists]\nenabled = false\n[adapt.unfriending]\nenabled = false\n"));
  EXPECT_EQ(on.sim->adapt_view()->responses(), 0);
  for (int k = 0; k < 7; ++k) EXPECT_TRUE(on.sim->adapt_view()->column(k).empty()) << k;
  for (int t = 1; t <= 6; ++t) {
    none.sim->step(nullptr);
    on.sim->step(nullptr);
  }
  // Everything equal: ledger, scores, graph.
  EXPECT_EQ(none.sim->ledger().records().size(), on.sim->ledger().records().size());
  EXPECT_TRUE(none.sesame().scores() == on.sesame().scores());
  EXPECT_TRUE(none.sim->graph().neighbour_array() == on.sim->graph().neighbour_array());
  EXPECT_TRUE(none.sim->society().persons.wealth == on.sim->society().persons.wealth);
  // Only chilling off: the posts are still the unadapted ones (the ledger's post records equal).
  World chill_off(world("myopic", "[adapt.chilling]\nenabled = false\n"));
  World none2(world("none"));
  for (int t = 1; t <= 3; ++t) chill_off.sim->step(nullptr), none2.sim->step(nullptr);
  auto posts = [](const Ledger& l) {
    std::uint64_t c = 0;
    for (const Record& r : l.records()) c += r.type == ev::kUnapprovedPost ? r.count : 0;
    return c;
  };
  EXPECT_EQ(posts(chill_off.sim->ledger()), posts(none2.sim->ledger()));
  // And with chilling on, fewer.
  World chill_on(world("myopic"));
  for (int t = 1; t <= 3; ++t) chill_on.sim->step(nullptr);
  EXPECT_LT(static_cast<double>(posts(chill_on.sim->ledger())), 0.7 * static_cast<double>(posts(none2.sim->ledger())));
}

// ---- whole runs: chilling metric, determinism -------------------------------------------------

double last_value(const std::string& csv, const std::string& prefix_after_tick) {
  double v = std::nan("");
  std::size_t pos = 0;
  while ((pos = csv.find("," + prefix_after_tick + ",", pos)) != std::string::npos) {
    const std::size_t end = csv.find('\n', pos);
    const std::size_t comma = csv.rfind(',', end);
    const std::string text = csv.substr(comma + 1, end - comma - 1);
    v = text == "NA" ? std::nan("") : std::stod(text);
    pos = end;
  }
  return v;
}

TEST(AdaptRuns, ChillingFallsOnlyWhenPostsAreScoredAndDetectedAndPeopleAdapt) {
  test::TempDir tmp("chill");
  // 40,000 persons: a week's posts per capita has a relative sd of ≈ 1 / sqrt(Σ dissent) ≈ 0.016
  // there (≈ 0.07 at 4,000, where ±0.1 around 1 was a matter of the draws' luck).
  const std::vector<std::string> base{"society.persons=40000", "run.ticks=12", "run.measure_every=4"};
  auto ratio = [&](std::vector<std::string> extra, const char* dir) {
    std::vector<std::string> o = base;
    o.insert(o.end(), extra.begin(), extra.end());
    return last_value(test::run_preset_metrics("sesame", o, tmp.path() / dir, 2), "harm,chilling_ratio,");
  };
  const double none = ratio({"adapt.model=none"}, "none");
  const double myopic = ratio({"adapt.model=myopic"}, "myopic");
  const double unscored = ratio({"adapt.model=myopic", "systems.sesame.behaviour.use_posts=false"}, "unscored");
  const double undetected = ratio({"adapt.model=myopic", "systems.sesame.detection.posts=0"}, "undetected");
  EXPECT_NEAR(none, 1.0, 0.1);
  EXPECT_LT(myopic, 0.8);
  EXPECT_NEAR(unscored, 1.0, 0.1);
  EXPECT_NEAR(undetected, 1.0, 0.1);
}

TEST(AdaptRuns, IntegratedWithAdaptationIsDeterministicAcrossThreadCounts) {
  test::TempDir tmp("adapt-threads");
  const std::vector<std::string> o{"society.persons=3000", "run.ticks=10", "run.measure_every=2",
                                   "adapt.model=learning", "adapt.unfriending.drop_prob=0.2",
                                   "adapt.unfriending.new_tie_prob=0.05", "systems.sesame.visibility=public"};
  const int before = omp_get_max_threads();
  const std::string one = test::run_preset_metrics("integrated_2020", o, tmp.path() / "1", 1);
  const std::string two = test::run_preset_metrics("integrated_2020", o, tmp.path() / "2", 2);
  omp_set_num_threads(before);
  EXPECT_TRUE(one == two) << "metrics.csv differs between 1 and 2 threads";
  EXPECT_GT(last_value(one, "adapt,ties_cut_total,"), 0.0);
  EXPECT_GT(last_value(one, "adapt,ties_formed_total,"), 0.0);
  EXPECT_EQ(last_value(one, "harm,ties_cut,"), last_value(one, "adapt,ties_cut_total,"));
}

TEST(AdaptRuns, RelationshipsDimensionDrivesIsolationOfDissenters) {
  // The later experiment's contrast: relationships dimension on vs off, public visibility.
  test::TempDir tmp("isolation");
  const std::vector<std::string> base{"society.persons=2000", "society.businesses=200", "run.ticks=12", "run.measure_every=6",
                                      "adapt.model=myopic", "systems.sesame.visibility=public"};
  auto run = [&](const char* w, const char* dir) {
    std::vector<std::string> o = base;
    o.push_back(std::string("systems.sesame.weights.relationships=") + w);
    return test::run_preset_metrics("integrated_2020", o, tmp.path() / dir, 2);
  };
  const std::string on = run("5", "on"), off = run("0", "off");
  EXPECT_GT(last_value(on, "harm,ties_cut,"), 0.0);
  EXPECT_EQ(last_value(off, "harm,ties_cut,"), 0.0);
  EXPECT_LT(last_value(on, "harm,dissent_decile_degree_ratio,"), last_value(off, "harm,dissent_decile_degree_ratio,"));
}

// ---- the [adapt] section is checked --------------------------------------------------------------

TEST(AdaptScenario, BadInputIsAnInputError) {
  const std::string sys = "[systems.s]\ntype = \"composite\"\n";
  auto err = [&](const std::string& text) -> std::string {
    try {
      load_scenario_string(sys + text, "t.toml", {});
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_CONTAINS(err("[adapt]\nmodel = \"myopc\"\n"), "adapt.model");
  EXPECT_CONTAINS(err("[adapt]\nmodel = \"myopc\"\n"), "myopic");
  EXPECT_CONTAINS(err("[adapt.chilling]\nstrenght = 1\n"), "did you mean 'strength'");
  EXPECT_CONTAINS(err("[adapt.unfriending]\ndrop_prob = 1.5\n"), "adapt.unfriending.drop_prob");
  EXPECT_CONTAINS(err("[adapt]\nmodel = \"learning\"\nlearning_rate = 0\n"), "never learns");
  EXPECT_CONTAINS(err("[adapt.gaming]\nenabled = 3\n"), "adapt.gaming.enabled");
  EXPECT_CONTAINS(err("[adapt.deterence]\nstrength = 1\n"), "deterrence");
  const Scenario ok = load_scenario_string(sys, "t.toml", {});
  EXPECT_EQ(ok.adapt.model, AdaptModel::kNone);
}

}  // namespace
}  // namespace credsim
