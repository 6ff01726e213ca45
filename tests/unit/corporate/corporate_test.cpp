// Corporate credit: exact ratings from known compliance histories, the code register (valid codes,
// corrupted codes counted), joint punishment both ways (a D rating flags the representative; a
// listed person is replaced or the business downgraded), the reader, and the preset.
#include "credsim/systems/corporate.hpp"

#include <gtest/gtest.h>

#include "preset_run.hpp"
#include <omp.h>

#include <fstream>
#include <set>
#include <sstream>

#include "credsim/core/error.hpp"
#include "credsim/run/runner.hpp"
#include "credsim/scenario/reader.hpp"
#include "credsim/scenario/scenario.hpp"
#include "credsim/systems/uscc.hpp"
#include "test_support.hpp"

namespace credsim {
namespace {

// A stand-in for another system's person list (e.g. the court list).
class FakeList final : public System {
 public:
  FakeList(std::string name, std::size_t n) : name_(std::move(name)), listed(n, 0) {}
  const std::string& name() const override { return name_; }
  std::string_view type() const override { return "fake"; }
  SystemOutputs outputs() const override {
    SystemOutputs o;
    o.listed = &listed;
    return o;
  }
  std::size_t memory_bytes() const override { return 0; }
  void checkpoint(ckpt::Archive& a) override { a(listed); }  // not used by these tests
  std::string name_;
  std::vector<std::uint8_t> listed;
};

struct World {
  Scenario sc;
  Society soc;
  graph::Csr g;
  Exchange ex;
  TickEvents ev;
  Ledger ledger;
  std::vector<Occurrence> occ;
  std::vector<std::unique_ptr<System>> systems;
  Tick tick = 0;
  World(NodeId n, std::uint32_t businesses)
      : soc([&] {
          SocietySpec s;
          s.region_weights = {1, 1};
          s.businesses = businesses;
          return generate_society(n, s, BehaviourSpec{}, 3, 0);
        }()),
        g(std::vector<EdgeIdx>(n + 1, 0), {}),
        ex(g) {
    ev.resize(n);
  }
  SimContext ctx() const { return SimContext{sc, soc, g, ex, sc.events, ev, occ, ledger, 3, 0, tick, &systems}; }
  void step() {
    ++tick;
    for (auto& s : systems) s->record(ctx());
    for (auto& s : systems) s->score(ctx());
  }
};

CorporateSpec defaults() {
  return read_corporate_spec(scenario::Reader(scenario::Document::parse_string("", "t.toml")), EventCatalog{});
}

// No drawn behaviour: only the records a test adds.
CorporateSpec quiet() {
  CorporateSpec s = defaults();
  for (auto& v : s.violations) v.rates.fill(0);
  s.political_demand_rates.fill(0);
  s.rate_every = 1;
  s.register_error_rate = 0;
  return s;
}

TEST(Corporate, RatingCutOffs) {
  Corporate c("firms", defaults(), 1);
  // 100 points; A ≥ 90, B ≥ 70, C ≥ 40, D below; a serious record forces D.
  const std::pair<double, int> cases[] = {{100, 0}, {90, 0}, {89.9, 1}, {70, 1}, {69, 2}, {40, 2}, {39.5, 3}, {-20, 3}};
  for (auto [p, g] : cases) EXPECT_EQ(c.rating_of(p, false), g) << p;
  EXPECT_EQ(c.rating_of(100, true), Corporate::kD);
}

TEST(Corporate, KnownComplianceHistoryGivesExactRating) {
  World w(200, 6);
  CorporateSpec s = quiet();
  s.rating_window = 4;
  w.systems.push_back(std::make_unique<Corporate>("firms", s, 200));
  auto& c = static_cast<Corporate&>(*w.systems[0]);
  c.initialise(w.ctx());
  for (std::uint32_t b = 0; b < 6; ++b) EXPECT_EQ(c.rating(b), Corporate::kA);
  // Deductions: tax 12, quality 12, food 20, environment 12, wages 20.
  c.add_record(0, 1, 0);                                          // 88 → B
  c.add_record(1, 1, 0), c.add_record(1, 1, 0), c.add_record(1, 1, 2);  // 100 − 44 = 56 → C
  for (int k = 0; k < 3; ++k) c.add_record(2, 1, 4);              // 40 → C (boundary)
  for (int k = 0; k < 3; ++k) c.add_record(3, 1, 4);
  c.add_record(3, 1, 1);                                          // 28 → D
  c.add_record(4, 1, Corporate::kPolitical);                      // serious dishonesty → D
  w.step();                                                       // tick 1
  EXPECT_EQ(c.points(0), 88.0f);
  EXPECT_EQ(c.rating(0), Corporate::kB);
  EXPECT_EQ(c.points(1), 56.0f);
  EXPECT_EQ(c.rating(1), Corporate::kC);
  EXPECT_EQ(c.points(2), 40.0f);
  EXPECT_EQ(c.rating(2), Corporate::kC);
  EXPECT_EQ(c.points(3), 28.0f);
  EXPECT_EQ(c.rating(3), Corporate::kD);
  EXPECT_EQ(c.rating(4), Corporate::kD);
  EXPECT_EQ(c.rating(5), Corporate::kA);
  for (int k = 0; k < 3; ++k) w.step();  // tick 4: still in (0, 4]
  EXPECT_EQ(c.rating(0), Corporate::kB);
  w.step();  // tick 5: the tick-1 records left the 4-tick window; the political one lasts 104
  EXPECT_EQ(c.rating(0), Corporate::kA);
  EXPECT_EQ(c.rating(3), Corporate::kA);
  EXPECT_EQ(c.rating(4), Corporate::kD);
}

TEST(Corporate, RatingOnlyOnRatingTicks) {
  World w(50, 2);
  CorporateSpec s = quiet();
  s.rate_every = 4;
  w.systems.push_back(std::make_unique<Corporate>("firms", s, 50));
  auto& c = static_cast<Corporate&>(*w.systems[0]);
  c.initialise(w.ctx());
  c.add_record(0, 1, 2);
  w.step(), w.step(), w.step();
  EXPECT_EQ(c.rating(0), Corporate::kA);  // ticks 1–3: last rated at tick 0
  w.step();
  EXPECT_EQ(c.rating(0), Corporate::kB);  // tick 4: rated, 80 points
}

TEST(Corporate, GeneratedCodesAreValidAndDistinct) {
  World w(1000, 500);
  w.systems.push_back(std::make_unique<Corporate>("firms", quiet(), 1000));
  auto& c = static_cast<Corporate&>(*w.systems[0]);
  c.initialise(w.ctx());
  std::set<std::string> seen;
  for (std::uint32_t b = 0; b < 500; ++b) {
    const std::string& code = c.register_code(b);
    ASSERT_EQ(code.size(), 18u);
    const auto v = uscc::validate(code);
    EXPECT_TRUE(v.valid() && v.org_check_ok) << code << ": " << v.problem;
    EXPECT_EQ(code[0], '9');
    EXPECT_EQ(code.substr(2, 6), uscc::division_code_for_region(w.soc.businesses.region[b]));
    seen.insert(code);
  }
  EXPECT_EQ(seen.size(), 500u);
  EXPECT_EQ(c.invalid_codes(), 0u);
}

TEST(Corporate, CorruptedCodesAreCountedAsFailingValidation) {
  World w(1000, 4000);
  CorporateSpec s = quiet();
  s.register_error_rate = 0.1;
  w.systems.push_back(std::make_unique<Corporate>("firms", s, 1000));
  auto& c = static_cast<Corporate&>(*w.systems[0]);
  c.initialise(w.ctx());
  // Single substitutions and adjacent transpositions are always caught by the check character.
  EXPECT_EQ(c.invalid_codes(), c.corrupted_codes());
  EXPECT_GT(c.corrupted_codes(), 320u);  // 400 expected, sd 19
  EXPECT_LT(c.corrupted_codes(), 480u);
  std::uint64_t invalid = 0;
  for (std::uint32_t b = 0; b < 4000; ++b) invalid += !c.code_valid(b);
  EXPECT_EQ(invalid, c.invalid_codes());
}

TEST(Corporate, DRatedBusinessFlagsItsRepresentative) {
  World w(300, 10);
  w.systems.push_back(std::make_unique<Corporate>("firms", quiet(), 300));
  auto& c = static_cast<Corporate&>(*w.systems[0]);
  c.initialise(w.ctx());
  for (std::uint8_t f : c.person_listed()) ASSERT_EQ(f, 0);
  c.add_record(3, 1, Corporate::kPolitical);
  w.step();
  const NodeId rep = c.representative(3);
  EXPECT_EQ(c.person_listed()[rep], 1);
  EXPECT_EQ(c.outputs().grade_names[c.person_grade()[rep]], "D");
  std::size_t flagged = 0;
  for (std::uint8_t f : c.person_listed()) flagged += f;
  EXPECT_EQ(flagged, 1u);
  // A person who represents no business has grade "none".
  for (NodeId i = 0; i < 300; ++i)
    if (!w.soc.persons.legal_rep(i)) {
      EXPECT_EQ(c.outputs().grade_names[c.person_grade()[i]], "none");
      break;
    }
}

TEST(Corporate, ListedPersonIsReplacedAsRepresentative) {
  World w(2000, 200);
  w.systems.push_back(std::make_unique<FakeList>("court", 2000));
  CorporateSpec s = quiet();
  s.person_list_system = "court";
  w.systems.push_back(std::make_unique<Corporate>("firms", s, 2000));
  auto& court = static_cast<FakeList&>(*w.systems[0]);
  auto& c = static_cast<Corporate&>(*w.systems[1]);
  c.initialise(w.ctx());
  const NodeId old = c.representative(7);
  court.listed[old] = 1;
  std::uint64_t represented = 0;
  for (std::uint32_t b = 0; b < 200; ++b) represented += c.representative(b) == old;
  w.step();
  const NodeId now = c.representative(7);
  EXPECT_NE(now, old);
  EXPECT_EQ(court.listed[now], 0);
  EXPECT_EQ(w.soc.persons.region[now], w.soc.businesses.region[7]);
  EXPECT_EQ(w.soc.persons.legal_rep(now), 1);  // drawn from the region's representatives
  EXPECT_EQ(c.replacements(), represented);
  EXPECT_EQ(c.rating(7), Corporate::kA);
  // Deterministic: the same world picks the same person.
  World w2(2000, 200);
  w2.systems.push_back(std::make_unique<FakeList>("court", 2000));
  w2.systems.push_back(std::make_unique<Corporate>("firms", s, 2000));
  w2.systems[1]->initialise(w2.ctx());
  static_cast<FakeList&>(*w2.systems[0]).listed[old] = 1;
  w2.step();
  EXPECT_EQ(static_cast<Corporate&>(*w2.systems[1]).representative(7), now);
}

TEST(Corporate, DowngradePolicyRatesTheBusinessD) {
  World w(500, 50);
  w.systems.push_back(std::make_unique<FakeList>("court", 500));
  CorporateSpec s = quiet();
  s.person_list_system = "court";
  s.replace_listed_representative = false;
  w.systems.push_back(std::make_unique<Corporate>("firms", s, 500));
  auto& court = static_cast<FakeList&>(*w.systems[0]);
  auto& c = static_cast<Corporate&>(*w.systems[1]);
  c.initialise(w.ctx());
  const NodeId rep = c.representative(2);
  court.listed[rep] = 1;
  w.step();
  EXPECT_EQ(c.representative(2), rep);
  EXPECT_EQ(c.rating(2), Corporate::kD);
  EXPECT_EQ(c.person_listed()[rep], 1);
  EXPECT_GE(c.downgraded(), 1u);
  court.listed[rep] = 0;
  w.step();
  EXPECT_EQ(c.rating(2), Corporate::kA);
}

TEST(Corporate, UnknownPersonListSystemIsAnInputError) {
  World w(100, 5);
  CorporateSpec s = quiet();
  s.person_list_system = "court";
  w.systems.push_back(std::make_unique<Corporate>("firms", s, 100));
  EXPECT_THROW(w.systems[0]->initialise(w.ctx()), InputError);
}

TEST(Corporate, ReaderChecksCutOffsAndGrades) {
  const Scenario sc = load_scenario_string(R"(
[society]
persons = 100
businesses = 10
[graph]
mean_degree = 4
[systems.firms]
type = "corporate"
cutoffs = [80, 60, 30]
listed_representative = "downgrade"
[systems.firms.violations.food_safety]
rates = [0, 0.01, 0, 0, 0, 0, 0, 0]
serious = true
[systems.firms.political]
refusal_prob = 0.5
)", "x.toml", {});
  const auto& s = sc.systems[0].as<CorporateSpec>();
  EXPECT_EQ(s.cutoffs[0], 80);
  EXPECT_FALSE(s.replace_listed_representative);
  EXPECT_TRUE(s.violations[2].serious);
  EXPECT_EQ(s.violations[2].rates[1], 0.01);
  EXPECT_EQ(s.political_refusal_prob, 0.5);
  EXPECT_THROW(load_scenario_string("[society]\npersons = 100\n[graph]\nmean_degree = 4\n[systems.f]\ntype = \"corporate\"\n"
                                    "cutoffs = [40, 70, 90]\n",
                                    "x.toml", {}),
               InputError);
}

using test::slurp;

std::string run_preset(const std::filesystem::path& dir, int threads) {
  return test::run_preset_metrics("corporate", {"society.persons=5000", "society.businesses=500", "run.ticks=8"}, dir, threads);
}

TEST(Corporate, PresetRunsAndIsTheSameForOneAndTwoThreads) {
  test::TempDir tmp("corporate");
  const int before = omp_get_max_threads();
  const std::string one = run_preset(tmp.path() / "t1", 1);
  const std::string two = run_preset(tmp.path() / "t2", 2);
  omp_set_num_threads(before);
  ASSERT_GT(one.size(), 1000u);
  EXPECT_TRUE(one == two) << "metrics.csv differs between 1 and 2 threads";
  EXPECT_NE(one.find("firms,rating_share,A"), std::string::npos);
  EXPECT_NE(one.find("codes_failing_validation"), std::string::npos);
}

}  // namespace
}  // namespace credsim
