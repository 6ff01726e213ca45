// Harm metrics (SPEC §4): exact values on a hand-built state (transitions, lock-in, spirals,
// window start, bottom grade), every metric of a small simulation against a naive recomputation
// from the simulation's state kept tick by tick, and 1 vs 2 threads giving the same bytes.
#include "credsim/measure/harm.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <numeric>
#include <queue>
#include <sstream>

#include "credsim/core/error.hpp"
#include "credsim/run/simulation.hpp"
#include "test_support.hpp"

namespace credsim {
namespace {

using Rows = std::map<std::tuple<Tick, std::string, std::string, std::string>, double>;

using test::slurp;

Rows read_rows(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  Rows rows;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string x;
    while (std::getline(ss, x, ',')) f.push_back(x);
    rows[{static_cast<Tick>(std::stoul(f[0])), f[1], f[2], f[3]}] = f[4] == "NA" ? std::nan("") : std::stod(f[4]);
  }
  return rows;
}

double get(const Rows& r, Tick t, const std::string& sys, const std::string& metric, const std::string& key = "") {
  auto it = r.find({t, sys, metric, key});
  if (it == r.end()) {
    ADD_FAILURE() << "missing row " << t << "," << sys << "," << metric << "," << key;
    return std::nan("");
  }
  return it->second;
}

// Both NaN, or equal within a relative tolerance.
void expect_close(double got, double want, const std::string& what, double tol = 1e-9) {
  if (std::isnan(want)) {
    EXPECT_TRUE(std::isnan(got)) << what << ": " << got;
    return;
  }
  EXPECT_NEAR(got, want, tol * std::max(1.0, std::fabs(want))) << what;
}

// ---------------------------------------------------------------------------------------------
// A hand-built state.

class Fixed final : public System {
 public:
  Fixed(std::string name, std::vector<std::string> grades, bool scored)
      : name_(std::move(name)), grades_(std::move(grades)), scored_(scored) {}
  const std::string& name() const override { return name_; }
  std::string_view type() const override { return "fixed"; }
  SystemOutputs outputs() const override {
    SystemOutputs o;
    if (scored_) o.score = &score;
    o.grade = &grade;
    o.grade_names = grades_;
    return o;
  }
  std::size_t memory_bytes() const override { return 0; }
  void checkpoint(ckpt::Archive& a) override { a(score, grade); }  // not used by these tests
  std::vector<float> score;
  std::vector<std::uint8_t> grade;

 private:
  std::string name_;
  std::vector<std::string> grades_;
  bool scored_;
};

TEST(BottomGrade, ByLowestMeanScoreElseLastWithMembersNeverNonMembers) {
  const float nan = std::nanf("");
  // Composite-like: index 0 is the worst band, found by its lowest mean score.
  const std::vector<std::string> bands{"poor", "medium", "good"};
  std::vector<float> s{400, 560, 620, 410};
  EXPECT_EQ(bottom_grade(bands, {0, 1, 2, 0}, &s), 0);
  // Points-like: "unrated" (NaN scores) is never the bottom, even though it is last.
  const std::vector<std::string> pts{"A", "B", "D", "unrated"};
  std::vector<float> p{1010, 900, 700, nan};
  EXPECT_EQ(bottom_grade(pts, {0, 1, 2, 3}, &p), 2);
  // D empty: B is the bottom of those with members.
  EXPECT_EQ(bottom_grade(pts, {0, 1, 1, 3}, &p), 1);
  // No score: the last grade with members, skipping "none".
  const std::vector<std::string> corp{"A", "B", "C", "D", "none"};
  EXPECT_EQ(bottom_grade(corp, {0, 2, 4, 4}, nullptr), 2);
  EXPECT_EQ(bottom_grade(corp, {4, 4}, nullptr), -1);
}

struct Tiny {
  Scenario sc;
  Society soc;
  graph::Csr g;
  std::unique_ptr<Exchange> ex;
  TickEvents ev;
  Ledger ledger;
  std::vector<std::unique_ptr<System>> systems;
  std::unique_ptr<Consequences> cons;
  Fixed* fx;
  Tiny() {
    soc = generate_society(6, SocietySpec{}, BehaviourSpec{}, 1, 0);
    // A path 0-1-2-3-4-5.
    g = graph::Csr({0, 1, 3, 5, 7, 9, 10}, {1, 0, 2, 1, 3, 2, 4, 3, 5, 4});
    ex = std::make_unique<Exchange>(g);
    ev.resize(6);
    auto f = std::make_unique<Fixed>("fx", std::vector<std::string>{"A", "B", "C", "D"}, true);
    fx = f.get();
    systems.push_back(std::move(f));
    cons = std::make_unique<Consequences>(std::vector<RuleSpec>{}, sc.effects, systems, soc);
    sc.measure.window = 2;
  }
  void measure(HarmMetrics& h, Tick t, io::MetricsCsv& out) {
    const SimContext ctx{sc, soc, g, *ex, sc.events, ev, {}, ledger, 1, 0, t, &systems};
    h.measure(ctx, *cons, out);
    out.end_tick();
  }
};

TEST(Harm, TransitionsLockInAndSpiralsOnAHandBuiltState) {
  Tiny w;
  test::TempDir tmp("harm_tiny");
  HarmMetrics h;
  {
    io::MetricsCsv out(tmp.path() / "m.csv");
    auto& p = w.soc.persons;
    // Tick 0.
    w.fx->grade = {0, 0, 1, 3, 3, 3};
    w.fx->score = {800, 790, 600, 300, 310, 320};
    p.wealth = {100, 100, 100, 100, 100, 0};
    w.measure(h, 0, out);
    // Tick 1: something in between (never the window's start at tick 3).
    w.fx->grade = {3, 3, 3, 3, 3, 3};
    w.fx->score = {0, 0, 0, 0, 0, 0};
    w.measure(h, 1, out);
    // Tick 3 (tick 2 not measured): the window's start is the latest measured tick <= 1.
    w.fx->grade = {0, 1, 1, 3, 2, 3};
    w.fx->score = {800, 700, 600, 240, 500, 200};
    p.wealth = {100, 70, 100, 70, 100, 0};
    w.measure(h, 3, out);
    out.commit();
  }
  const Rows r = read_rows(tmp.path() / "m.csv");
  EXPECT_EQ(get(r, 0, "harm", "window_start"), 0);
  EXPECT_EQ(get(r, 1, "harm", "window_start"), 0);
  EXPECT_EQ(get(r, 3, "harm", "window_start"), 1);
  // At tick 0 everyone stays where they are.
  EXPECT_EQ(get(r, 0, "fx", "grade_transition", "A>A"), 1);
  EXPECT_EQ(get(r, 0, "fx", "grade_transition", "D>D"), 1);
  EXPECT_EQ(get(r, 0, "fx", "lock_in", "D"), 1);
  EXPECT_EQ(get(r, 0, "fx", "negative_spiral_share"), 0);
  // Tick 1 against tick 0: A→D 2/2, B→D 1/1, D→D 3/3; C had nobody, so no C row.
  EXPECT_EQ(get(r, 1, "fx", "grade_transition", "A>D"), 1);
  EXPECT_EQ(get(r, 1, "fx", "grade_transition", "A>A"), 0);
  EXPECT_EQ(r.count({1, "fx", "grade_transition", "C>D"}), 0u);
  // Spirals at tick 1 vs 0: scores fell ≥ 50 for persons 0..4 (person 5 from 320 too) but wealth
  // did not fall: none.
  EXPECT_EQ(get(r, 1, "fx", "negative_spiral_share"), 0);
  // Tick 3 against tick 1 (all in D, scores 0): D→A 1/6, D→B 2/6, D→C 1/6, D→D 2/6.
  EXPECT_DOUBLE_EQ(get(r, 3, "fx", "grade_transition", "D>A"), 1.0 / 6);
  EXPECT_DOUBLE_EQ(get(r, 3, "fx", "grade_transition", "D>B"), 2.0 / 6);
  EXPECT_DOUBLE_EQ(get(r, 3, "fx", "grade_transition", "D>C"), 1.0 / 6);
  EXPECT_DOUBLE_EQ(get(r, 3, "fx", "grade_transition", "D>D"), 2.0 / 6);
  EXPECT_EQ(r.count({3, "fx", "grade_transition", "A>A"}), 0u);
  EXPECT_DOUBLE_EQ(get(r, 3, "fx", "lock_in", "D"), 2.0 / 6);
  // Scores only rose from tick 1: no spiral.
  EXPECT_EQ(get(r, 3, "fx", "negative_spiral_share"), 0);
  // Drift: mean at tick 3 minus mean at tick 0.
  EXPECT_DOUBLE_EQ(get(r, 3, "fx", "score_drift"), (800 + 700 + 600 + 240 + 500 + 200) / 6.0 - (800 + 790 + 600 + 300 + 310 + 320) / 6.0);
  // Static graph: nothing cut, one component.
  EXPECT_EQ(get(r, 3, "harm", "ties_cut"), 0);
  EXPECT_EQ(get(r, 3, "harm", "giant_component_share"), 1);
  // No wrong records, no sanctions.
  EXPECT_TRUE(std::isnan(get(r, 3, "harm", "time_to_correction_mean")));
  EXPECT_TRUE(std::isnan(get(r, 3, "harm", "wrong_never_corrected_share")));
  EXPECT_EQ(get(r, 3, "harm", "wrongly_sanctioned_share"), 0);
  EXPECT_TRUE(std::isnan(get(r, 0, "harm", "unapproved_posts_per_capita")));
  EXPECT_TRUE(std::isnan(get(r, 0, "harm", "chilling_ratio")));
}

TEST(Harm, SpiralsNeedBothFallsOverTheWindow) {
  Tiny w;
  w.sc.measure.window = 1;
  test::TempDir tmp("harm_spiral");
  HarmMetrics h;
  {
    io::MetricsCsv out(tmp.path() / "m.csv");
    auto& p = w.soc.persons;
    w.fx->grade = {0, 0, 0, 0, 0, 0};
    w.fx->score = {800, 800, 800, 800, 800, std::nanf("")};
    p.wealth = {100, 100, 100, 0, 100, 100};
    w.measure(h, 0, out);
    // 0: score −50, wealth −30 % → spiral. 1: score −49 → no. 2: wealth −10 % → no.
    // 3: wealth 0 → 0 (nothing to lose) → no. 4: score −300, wealth −100 % → spiral. 5: no score.
    w.fx->score = {750, 751, 700, 700, 500, 300};
    p.wealth = {70, 50, 90, 0, 0, 0};
    w.measure(h, 1, out);
    // Tick 2: person 5's score is NaN now; the edge 4-5 drops out of the assortativity.
    w.fx->score = {750, 751, 700, 700, 500, std::nanf("")};
    w.measure(h, 2, out);
    out.commit();
  }
  const Rows r = read_rows(tmp.path() / "m.csv");
  EXPECT_DOUBLE_EQ(get(r, 1, "fx", "negative_spiral_share"), 2.0 / 5);
  {
    // Edges 0-1, 1-2, 2-3, 3-4 in both directions.
    std::vector<double> a{750, 751, 751, 700, 700, 700, 700, 500}, b{751, 750, 700, 751, 700, 700, 500, 700};
    double m = 0;
    for (double x : a) m += x;
    m /= a.size();
    double sab = 0, saa = 0;
    for (std::size_t i = 0; i < a.size(); ++i) sab += (a[i] - m) * (b[i] - m), saa += (a[i] - m) * (a[i] - m);
    expect_close(get(r, 2, "fx", "score_assortativity"), sab / saa, "assortativity without NaN ends", 1e-12);
    // The spiral at tick 2 is judged against tick 1 (window 1): no score fell.
    EXPECT_EQ(get(r, 2, "fx", "negative_spiral_share"), 0);
  }
  // Assortativity on the path with tick 1's scores 750,751,700,700,500,300: the five edges in
  // both directions; Pearson of the pairs.
  const double v[] = {750, 751, 700, 700, 500, 300};
  std::vector<std::pair<double, double>> arcs;
  for (int u = 0; u < 5; ++u) arcs.push_back({v[u], v[u + 1]}), arcs.push_back({v[u + 1], v[u]});
  double mx = 0, my = 0;
  for (auto [a, b] : arcs) mx += a, my += b;
  mx /= arcs.size(), my /= arcs.size();
  double sxy = 0, sxx = 0, syy = 0;
  for (auto [a, b] : arcs) sxy += (a - mx) * (b - my), sxx += (a - mx) * (a - mx), syy += (b - my) * (b - my);
  expect_close(get(r, 1, "fx", "score_assortativity"), sxy / std::sqrt(sxx * syy), "assortativity", 1e-12);
}

// ---------------------------------------------------------------------------------------------
// A small simulation against naive recomputations.

constexpr const char* kScenario = R"(
[run]
ticks = 10
[society]
persons = 1500
regions = 4
[graph]
model = "erdos_renyi"
mean_degree = 4
[events.traffic_ticket]
false_rate = 0.02
misattribution = 0.3
[events.fare_evasion]
false_rate = 0.02
misattribution = 0.3
[data]
notify_prob = 0.8
appeal_prob = 0.8
appeal_delay = 2
appeal_success = 0.7
[systems.sesame]
type = "composite"
[systems.rc]
type = "points"
regions = [0, 1]
grades = ["A", "B", "C", "D"]
grade_lower = [1000, 990, 970, -1e18]
[systems.court]
type = "court_list"
[consequences.court_bans]
system = "court"
when = "listed"
effects = ["travel_ban"]
[consequences.rc_low]
system = "rc"
when = "score < 1000"
effects = ["extra_paperwork"]
[consequences.sesame_good]
system = "sesame"
when = "score >= 650"
effects = ["deposit_waiver"]
[measure]
window = 3
spiral_score_drop = 5
spiral_wealth_drop = 0.01
)";

std::vector<int> naive_deciles(const std::vector<double>& key) {
  const std::size_t n = key.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return key[a] < key[b]; });
  std::vector<int> d(n);
  for (std::size_t r = 0; r < n; ++r) d[order[r]] = static_cast<int>(10 * r / n);
  return d;
}

std::vector<double> avg_ranks(const std::vector<double>& x) {
  const std::size_t n = x.size();
  std::vector<double> r(n);
  for (std::size_t i = 0; i < n; ++i) {
    double less = 0, equal = 0;
    for (std::size_t j = 0; j < n; ++j) less += x[j] < x[i], equal += x[j] == x[i];
    r[i] = less + (equal + 1) / 2.0;
  }
  return r;
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = a.size();
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) ma += a[i], mb += b[i];
  ma /= n, mb /= n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    sab += (a[i] - ma) * (b[i] - mb), saa += (a[i] - ma) * (a[i] - ma), sbb += (b[i] - mb) * (b[i] - mb);
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : std::nan("");
}

struct State {
  std::vector<double> wealth;
  std::vector<std::vector<float>> score;
  std::vector<std::vector<std::uint8_t>> grade;
};

TEST(Harm, EveryMetricMatchesANaiveRecomputationFromState) {
  const Scenario sc = load_scenario_string(kScenario, "harm.toml", {});
  const auto sizes = region_sizes(sc.society.persons, sc.society.region_weights);
  Simulation sim(sc, build_graph(sc.graph, sizes, sc.run.seed, sc.run.replicate));
  test::TempDir tmp("harm_sim");
  const auto& systems = sim.systems();
  const std::size_t n = sim.society().persons.size();
  const graph::Csr& g = sim.graph();
  const Tick W = sc.measure.window;
  std::map<Tick, State> history;
  std::map<std::tuple<Tick, std::string, std::string, std::string>, double> expected;
  double mean0[3] = {0, 0, 0};
  double posts1 = 0;
  std::uint64_t wrongly_total = 0, corrected_total = 0;

  auto snapshot = [&](Tick t) {
    State s;
    s.wealth = sim.society().persons.wealth;
    for (const auto& sys : systems) {
      const SystemOutputs o = sys->outputs();
      std::vector<float> score(o.score.size());        // stored or widened: read one by one
      std::vector<std::uint8_t> grade(o.grade.size());  // stored or looked up by score
      for (std::size_t i = 0; i < score.size(); ++i) score[i] = o.score[i];
      for (std::size_t i = 0; i < grade.size(); ++i) grade[i] = o.grade[i];
      s.score.push_back(std::move(score));
      s.grade.push_back(std::move(grade));
    }
    history[t] = s;
  };
  auto expect = [&](Tick t, const std::string& sys, const std::string& m, const std::string& k, double v) {
    expected[{t, sys, m, k}] = v;
  };
  auto naive = [&](Tick t) {
    snapshot(t);
    const Persons& p = sim.society().persons;
    const State& now = history[t];
    const State& base = history[t >= W ? t - W : 0];
    for (std::size_t k = 0; k < systems.size(); ++k) {
      const SystemOutputs o = systems[k]->outputs();
      const std::string& name = systems[k]->name();
      if (o.score) {
        const auto& s = now.score[k];
        std::vector<double> x, w;
        for (std::size_t i = 0; i < n; ++i)
          if (std::isfinite(s[i])) x.push_back(s[i]), w.push_back(p.initial_wealth[i]);
        expect(t, name, "score_wealth_spearman", "", pearson(avg_ranks(x), avg_ranks(w)));
        const double m = std::accumulate(x.begin(), x.end(), 0.0) / x.size();
        if (t == 0) mean0[k] = m;
        expect(t, name, "score_drift", "", m - mean0[k]);
        std::vector<double> a, b;
        for (NodeId u = 0; u < n; ++u)
          for (NodeId v : g.neighbours(u))
            if (std::isfinite(s[u]) && std::isfinite(s[v])) a.push_back(s[u]), b.push_back(s[v]);
        expect(t, name, "score_assortativity", "", pearson(a, b));
        double both = 0, spiral = 0;
        for (std::size_t i = 0; i < n; ++i) {
          const double s0 = base.score[k][i], s1 = s[i];
          if (!std::isfinite(s0) || !std::isfinite(s1)) continue;
          both++;
          const double w0 = base.wealth[i], w1 = now.wealth[i];
          spiral += s0 - s1 >= sc.measure.spiral_score_drop && w0 > 0 && w0 - w1 >= sc.measure.spiral_wealth_drop * w0;
        }
        expect(t, name, "negative_spiral_share", "", spiral / both);
      }
      if (o.grade) {
        const std::size_t G = o.grade_names.size();
        for (std::size_t a = 0; a < G; ++a) {
          double from = 0;
          std::vector<double> to(G, 0);
          for (std::size_t i = 0; i < n; ++i)
            if (base.grade[k][i] == a) from++, to[now.grade[k][i]]++;
          if (from == 0) continue;
          for (std::size_t b = 0; b < G; ++b)
            expect(t, name, "grade_transition", o.grade_names[a] + ">" + o.grade_names[b], to[b] / from);
        }
        // The bottom grade, by hand: the worst grade with members at the window's start, worst
        // first — composite poor, medium, ... (index 0 is worst); points D, C, B, A ("unrated"
        // is no grade). Both systems grade by score ranges, so this is the lowest-mean grade.
        const std::vector<std::string> worst_first =
            name == "sesame" ? std::vector<std::string>{"poor", "medium", "good", "very_good", "excellent"}
                             : std::vector<std::string>{"D", "C", "B", "A"};
        for (const std::string& bottom_name : worst_first) {
          const auto gi = std::find(o.grade_names.begin(), o.grade_names.end(), bottom_name) - o.grade_names.begin();
          double in = 0, stay = 0;
          for (std::size_t i = 0; i < n; ++i)
            if (base.grade[k][i] == gi) in++, stay += now.grade[k][i] == gi;
          if (in == 0) continue;
          expect(t, name, "lock_in", bottom_name, stay / in);
          break;
        }
      }
    }
    // Society level.
    expect(t, "harm", "window_start", "", t >= W ? t - W : 0);
    if (t > 0) {
      TickEvents ev;
      ev.resize(n);
      behave(sc.behaviour, p, sc.run.seed, sc.run.replicate, t, ev);
      double posts = 0;
      for (auto u : ev.unapproved) posts += u;
      if (t == 1) posts1 = posts / n;
      expect(t, "harm", "unapproved_posts_per_capita", "", posts / n);
      expect(t, "harm", "chilling_ratio", "", posts / n / posts1);
    }
    std::vector<double> dissent(p.dissent.begin(), p.dissent.end());
    const auto dd = naive_deciles(dissent);
    double td = 0, tn = 0, rd = 0, rn = 0;
    for (NodeId i = 0; i < n; ++i) (dd[i] == 9 ? td : rd) += g.degree(i), (dd[i] == 9 ? tn : rn) += 1;
    expect(t, "harm", "dissent_decile_degree_ratio", "", (td / tn) / (rd / rn));
    // Largest component by BFS.
    std::vector<int> seen(n, 0);
    std::size_t largest = 0;
    for (NodeId s = 0; s < n; ++s) {
      if (seen[s]) continue;
      std::size_t size = 0;
      std::queue<NodeId> q;
      q.push(s), seen[s] = 1;
      while (!q.empty()) {
        const NodeId u = q.front();
        q.pop(), ++size;
        for (NodeId v : g.neighbours(u))
          if (!seen[v]) seen[v] = 1, q.push(v);
      }
      largest = std::max(largest, size);
    }
    expect(t, "harm", "giant_component_share", "", static_cast<double>(largest) / n);
    expect(t, "harm", "ties_cut", "", 0);
    // Data errors.
    const auto& lib = sim.consequences().library().effects();
    const auto& active = sim.consequences().active();
    std::vector<int> wrong(n, 0);
    double corrected = 0, delay = 0, old = 0, old_active = 0;
    for (const Record& r : sim.ledger().records()) {
      if (r.origin == Origin::kTrue) continue;
      if (r.status == RecordStatus::kActive) wrong[r.person] = 1;
      else corrected++, delay += double(r.decided) - double(r.tick);
      if (r.tick + W <= t) old++, old_active += r.status == RecordStatus::kActive;
    }
    auto has = [&](std::size_t i, bool sanction) {
      for (std::size_t e = 0; e < lib.size(); ++e)
        if (lib[e].sanction == sanction && (active[i] >> e & 1)) return true;
      return false;
    };
    double wrongly = 0;
    for (std::size_t i = 0; i < n; ++i) wrongly += wrong[i] && has(i, true);
    wrongly_total += static_cast<std::uint64_t>(wrongly), corrected_total += static_cast<std::uint64_t>(corrected);
    expect(t, "harm", "wrongly_sanctioned_share", "", wrongly / n);
    expect(t, "harm", "time_to_correction_mean", "", corrected ? delay / corrected : std::nan(""));
    expect(t, "harm", "wrong_never_corrected_share", "", old ? old_active / old : std::nan(""));
    const auto wd = naive_deciles(p.wealth);
    for (bool sanction : {true, false}) {
      double members[10] = {}, flagged[10] = {};
      for (std::size_t i = 0; i < n; ++i) members[wd[i]]++, flagged[wd[i]] += has(i, sanction);
      for (int d = 0; d < 10; ++d)
        expect(t, "harm", sanction ? "sanctioned_rate_by_wealth_decile" : "privileged_rate_by_wealth_decile",
               "d" + std::string(d < 9 ? "0" : "") + std::to_string(d + 1), flagged[d] / members[d]);
    }
  };

  {
    io::MetricsCsv csv(tmp.path() / "metrics.csv");
    sim.initialise(&csv);
    naive(0);
    while (!sim.done()) {
      sim.step(&csv);
      naive(sim.tick());
    }
    csv.commit();
  }
  const Rows rows = read_rows(tmp.path() / "metrics.csv");
  for (const auto& [k, v] : expected) {
    const auto& [t, sys, m, key] = k;
    expect_close(get(rows, t, sys, m, key), v, std::to_string(t) + "," + sys + "," + m + "," + key);
  }
  // Every transition row written is one the naive count expects (nothing extra).
  for (const auto& [k, v] : rows)
    if (std::get<2>(k) == "grade_transition" || std::get<2>(k) == "lock_in") {
      EXPECT_TRUE(expected.count(k)) << std::get<0>(k) << "," << std::get<1>(k) << "," << std::get<3>(k);
    }
  // The scenario exercises the data-error harms (otherwise the checks above are vacuous).
  EXPECT_GT(wrongly_total, 0u);
  EXPECT_GT(corrected_total, 0u);
  // Points persons outside regions 0 and 1 are unrated; the court list has neither score nor grade.
  EXPECT_EQ(rows.count({0, "court", "score_drift", ""}), 0u);
}

TEST(Harm, SameBytesForOneAndTwoThreads) {
  const Scenario sc = load_scenario_string(kScenario, "harm.toml", {});
  const auto sizes = region_sizes(sc.society.persons, sc.society.region_weights);
  test::TempDir tmp("harm_threads");
  std::string out[2];
  for (int threads : {1, 2}) {
    omp_set_num_threads(threads);
    Simulation sim(sc, build_graph(sc.graph, sizes, sc.run.seed, sc.run.replicate));
    const auto path = tmp.path() / ("m" + std::to_string(threads) + ".csv");
    {
      io::MetricsCsv csv(path);
      sim.initialise(&csv);
      while (!sim.done()) sim.step(&csv);
      csv.commit();
    }
    out[threads - 1] = slurp(path);
  }
  omp_set_num_threads(omp_get_num_procs());
  EXPECT_NE(out[0].find(",harm,chilling_ratio,"), std::string::npos);
  EXPECT_EQ(out[0], out[1]);
}

TEST(Harm, MeasureKeysAreReadAndChecked) {
  const std::string base = "[systems.s]\ntype = \"composite\"\n";
  const Scenario d = load_scenario_string(base, "d.toml", {});
  EXPECT_EQ(d.measure.window, 52u);
  EXPECT_EQ(d.measure.spiral_score_drop, 50);
  EXPECT_EQ(d.measure.spiral_wealth_drop, 0.2);
  const Scenario s = load_scenario_string(base + "[measure]\nwindow = 8\nspiral_score_drop = 20\nspiral_wealth_drop = 0.5\n", "s.toml", {});
  EXPECT_EQ(s.measure.window, 8u);
  EXPECT_EQ(s.measure.spiral_score_drop, 20);
  EXPECT_EQ(s.measure.spiral_wealth_drop, 0.5);
  EXPECT_THROW(load_scenario_string(base + "[measure]\nwindow = 0\n", "b.toml", {}), InputError);
  EXPECT_THROW(load_scenario_string(base + "[measure]\nspiral_wealth_drop = 1.5\n", "b.toml", {}), InputError);
}

}  // namespace
}  // namespace credsim

namespace credsim {
namespace {

// The integrated preset's snapshots at their packed widths (MODEL.md §20): the tick-0 snapshot
// reads wealth from the initial wealth and stores the composite's score in 2 bytes with its
// bands derived from it; every tick's snapshot after that stores wealth (8 bytes) too.
TEST(Harm, IntegratedPresetSnapshotsArePacked) {
  const Scenario sc = load_scenario(std::string(CREDSIM_SOURCE_DIR) + "/scenarios/integrated_2020.toml",
                                    {"society.persons=20000", "society.businesses=1000", "run.ticks=12", "measure.window=8"});
  const auto sizes = region_sizes(sc.society.persons, sc.society.region_weights);
  Simulation sim(sc, build_graph(sc.graph, sizes, sc.run.seed, sc.run.replicate));
  const double n = static_cast<double>(sim.society().persons.size());
  auto window = [&] {
    for (const auto& [name, bytes] : sim.memory_parts())
      if (name == "harm_window") return static_cast<double>(bytes) - n * 4 - std::ceil(n / 64) * 8;  // less the wealth order
    return -1.0;
  };
  test::TempDir tmp("harm_packed");
  io::MetricsCsv csv(tmp.path() / "m.csv");
  sim.initialise(&csv);
  const double at0 = window();  // the tick-0 snapshot alone
  while (sim.tick() < 4) sim.step(&csv);
  const double at4 = window() - at0;  // tick 4's (ticks 0 and 4 held: window 8, measured every 4)
  std::printf("integrated snapshot bytes a person: tick 0 %.3f, tick 4 %.3f\n", at0 / n, at4 / n);
  // Tick 0: no wealth; sesame 2 bytes (its grade derived), city's balance 1-2 bytes, grades of
  // city, agencies and firms at most a byte each.
  EXPECT_GT(at0, 0);
  EXPECT_LE(at0 / n, 2 + 2 + 3 + 0.01);
  EXPECT_GE(at4 / n, 8 + 2);
  EXPECT_LE(at4 / n, 8 + 2 + 2 + 3 + 0.01);
  csv.commit();
}

}  // namespace
}  // namespace credsim
