// The checked, immutable description of one simulation (FLAME GPU 2's habit: the description
// is built and validated before anything runs; execution objects only read it).
// Every field's meaning, unit and source is in docs/MODEL.md; defaults live in scenario.cpp.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <variant>

#include "credsim/adapt/adapt_spec.hpp"
#include "credsim/behave/catalog.hpp"
#include "credsim/consequences/effects.hpp"
#include "credsim/core/types.hpp"
#include "credsim/systems/points_spec.hpp"
#include "credsim/systems/court_list_spec.hpp"
#include "credsim/systems/agency_lists_spec.hpp"
#include "credsim/systems/corporate_spec.hpp"
#include "credsim/systems/fico_spec.hpp"
#include "credsim/systems/platform_rating_spec.hpp"

namespace credsim {

struct RunSpec {
  std::string name;               // used for the output folder name
  std::uint64_t seed = 1;
  std::uint64_t replicate = 0;
  Tick ticks = 52;                // simulated weeks
  Tick measure_every = 1;         // metrics at tick 0 and every k-th tick (and the last)
};

inline constexpr int kEducationLevels = 4;  // primary, secondary, tertiary, postgraduate
inline constexpr int kAgeBands = 5;         // 18-29, 30-39, 40-49, 50-64, 65+

struct SocietySpec {
  NodeId persons = 100000;
  std::vector<double> region_weights = std::vector<double>(8, 1.0);  // relative sizes; regions are contiguous id blocks
  std::uint32_t businesses = 0;             // business table (legal representative = a person)
  // Money in yuan (CNY). Wealth lognormal; weekly income lognormal, correlated with wealth.
  double wealth_median = 60000, wealth_sigma = 1.2;
  double income_median = 1000, income_sigma = 0.6, wealth_income_corr = 0.6;
  double savings_rate = 0.15;               // share of income saved each week
  double wealth_weekly_return = 0.0007;     // ~3.7 %/year on existing wealth
  std::array<double, kEducationLevels> education_shares{0.25, 0.45, 0.25, 0.05};
  std::array<double, kAgeBands> age_shares{0.22, 0.22, 0.2, 0.24, 0.12};
  double stable_job_share = 0.6;
  // Teachers, accountants, journalists, vets, tour guides, doctors, officials, CEOs,
  // statisticians: professions barred to listed persons (SPEC §1.9, seeds 001, 002).
  double scrutinised_share = 0.08;
  double parent_share = 0.45;
  // Consent to the private operator, per data domain (SPEC §1.1, seed 004).
  double consent_shopping = 0.9, consent_gaming = 0.6, consent_social = 0.5;
};

enum class GraphModel { kErdosRenyi, kWattsStrogatz, kBarabasiAlbert, kStochasticBlock, kEdgeList };

struct GraphSpec {
  GraphModel model = GraphModel::kStochasticBlock;
  double mean_degree = 10;
  double rewire = 0.1;           // Watts–Strogatz beta
  double within_region = 0.8;    // SBM: expected share of a person's ties inside their region
  std::string path;              // edge_list: file (persons = its node count)
};

// What people do, per tick (SPEC §2.2). Rates are per week; heterogeneity is lognormal.
struct BehaviourSpec {
  double loan_share = 0.7;              // persons with a consumer credit line
  Tick repayment_period = 4;            // one instalment due every 4 weeks
  double miss_prob = 0.05;              // mean probability an instalment is missed
  double miss_wealth_elasticity = 0.5;  // poorer persons miss more: × exp(-e·z_wealth)
  double default_given_miss = 0.1;      // a missed instalment becomes a default
  double late_fee = 50;                 // yuan per missed instalment
  double heterogeneity = 0.5;           // sigma of the lognormal spread of personal rates
  // Purchases per week by category, and their prices in yuan.
  double rate_baby_parent = 0.6, rate_baby_other = 0.02, rate_games = 0.15;
  double rate_domestic = 1.0, rate_luxury = 0.03;
  double luxury_wealth_elasticity = 0.5;  // luxury rate × exp(e·z_wealth − e²/2)
  double price_baby = 120, price_games = 150, price_domestic = 80, price_luxury = 3000;
  double platform_share = 0.6;          // median share of purchases paid through the operator (logit-normal)
  double gamer_share = 0.35, gaming_hours = 6;   // share who game; their mean hours per week
  double unapproved_post_rate = 0.05;   // unapproved political opinions per week (mean)
  double embarrassing_post_rate = 0.01; // embarrassing-but-true news per week (mean)
  double dissent_sigma = 1.2;           // spread of dissent propensity (lognormal sigma)
  double misconduct_sigma = 0.8;        // spread of the misconduct multiplier (lognormal, mean 1)
  double civic_sigma = 0.8;             // spread of the civic multiplier (lognormal, mean 1)
  double civic_misconduct_corr = -0.3;  // correlation of the two log-multipliers
};

// Threshold privileges of the composite score and their economics (SPEC §1.9).
struct PrivilegeSpec {
  std::array<double, 4> thresholds{600, 650, 700, 750};
  double instant_loan = 5600;             // yuan (~US$800)
  double loan_weekly_return = 0.002;      // what the loan earns its holder per week
  double hotel_deposit_saving = 4;        // yuan per week saved by deposit-free hotels
  double rental_deposit_saving = 6;       // yuan per week, deposit-free car and bike rental
  double singapore_fast_track_value = 5;  // yuan per week: time and fees saved
  double schengen_fast_track_value = 10;  // yuan per week
};

// Sesame-style composite score (SPEC §1.1, §1.10).
struct CompositeSpec {
  std::string name = "sesame";
  Tick recompute_every = 4;  // monthly
  // Dimension weights: credit history, fulfilment capacity, identity, behaviour, relationships.
  std::array<double, 5> weights{35, 25, 15, 20, 5};
  double record_half_life = 26;  // ticks: older records weigh less
  bool expected_history = true;  // records start at each person's expected steady state
  // Credit history: (prior_good + on_time) / (prior_good + prior_bad + on_time + w_m·missed + w_d·defaults)
  double prior_good = 1, prior_bad = 3, missed_weight = 4, default_weight = 20;
  // Capacity: half W/(W+wealth_ref), half Y/(Y+income_ref).
  double wealth_ref = 100000, income_ref = 1500;
  // Identity: education, stable job, age factor; weights sum to 1.
  double identity_education = 0.5, identity_job = 0.3, identity_age = 0.2;
  std::array<double, kAgeBands> age_factor{0.5, 0.8, 1.0, 1.0, 0.7};
  // Behaviour: logistic of a linear index of recent per-week rates (switchable inputs).
  bool use_purchases = true, use_platform = true, use_gaming = true, use_posts = true;
  double behaviour_bias = -2.0;
  double beta_approved = 0.8;      // per approved purchase (baby goods, domestic brands) per week
  double beta_games = 4.0;         // per video-game purchase per week
  double beta_platform = 2.0;      // × (platform share − 0.5)
  double beta_gaming = 0.15;       // per hour of gaming per week
  double beta_unapproved = 8.0;    // per detected unapproved post per week
  double beta_embarrassing = 8.0;  // per detected embarrassing post per week
  // Detection: probability an event reaches the operator (SPEC §1.6).
  double detect_offplatform_purchase = 0.3, detect_gaming = 0.8, detect_posts = 0.6;
  // Government data exchange opens domains without consent (seed 004).
  bool data_exchange = false;
  // Relationships (SPEC §1.10): weights of three inputs, 0 = off.
  double rel_friends_mean = 1.0, rel_friends_below = 0.0, rel_friends_posts = 0.0;
  double rel_below_threshold = 600;
  double rel_posts_cap = 0.2;  // friends' mean unapproved posts per week at which the input hits 0
  double rel_no_friends = 0.5; // sub-score of a person without friends
  PrivilegeSpec privileges;
};

// The shared data layer (SPEC §1.6): detection by region, notification and appeals.
// Per-event-type detection, false-record and misattribution rates live in the event catalog.
// Rewarded reporting (SPEC §1.7, seed 000): people report friends' misconduct for a reward.
struct ReportingSpec {
  double rate = 0;          // reports per person per week (0: no reporting)
  double reward = 0;        // yuan per report that produces a record
  double false_share = 0.1; // a report about a friend with nothing to report is false with this probability
  std::string false_type = "jaywalking";  // the event type a false report alleges
};

struct DataSpec {
  std::vector<double> region_detection;  // detection multiplier per region (empty: 1 everywhere)
  double notify_prob = 0.5;              // a person is told of a record about them
  double appeal_prob = 0.5;              // a notified, wrongly recorded person appeals
  Tick appeal_delay = 8;                 // ticks until an appeal is decided
  double appeal_success = 0.6;           // an appeal of a wrong record succeeds
  ReportingSpec reporting;
};

// A consequence rule (SPEC §1.9, §1.4 memoranda): when a system's output meets a condition,
// the person gets the effects. Conditions: "listed", "red_listed", "score >= 600" (>=, >, <=,
// <, ==), "grade == C", "grade in [C, D]".
struct ConditionSpec {
  enum class Kind : std::uint8_t { kScore, kGrade, kListed, kRedListed };
  enum class Op : std::uint8_t { kGe, kGt, kLe, kLt, kEq };
  Kind kind = Kind::kListed;
  Op op = Op::kGe;
  double value = 0;
  std::vector<std::string> grades;
};

struct RuleSpec {
  std::string name;
  std::string system;
  std::string when_text;
  ConditionSpec when;
  std::vector<std::string> effects;
  std::string where;  // "FILE: key 'consequences.NAME'" for errors found when systems are built
};

// A calibration target (SPEC §5): a published figure to set beside one metric of the run.
struct TargetSpec {
  std::string name;
  std::string system, metric, key;  // the metrics.csv row compared
  double value = 0;                 // the published figure (already scaled to the model)
  std::string source;               // where the figure comes from
};

struct MeasureSpec {
  double histogram_bin = 25;  // score points per bin
  // Harm metrics (SPEC §4): the window W of transitions, lock-in, spirals and never-corrected
  // records, in ticks; a negative spiral is a score fall of at least spiral_score_drop points
  // together with a wealth fall of at least spiral_wealth_drop (a share of the wealth at t − W).
  Tick window = 52;
  double spiral_score_drop = 50;
  double spiral_wealth_drop = 0.2;
};

// The explicit list of built-in system types: [systems.NAME] type = "..." (one file each).
using SystemSpec = std::variant<CompositeSpec, PointsSpec, CourtListSpec, AgencyListsSpec, CorporateSpec, FicoSpec, PlatformRatingSpec>;
inline constexpr const char* kSystemTypes[] = {"composite", "points", "court_list", "agency_lists", "corporate", "fico", "platform_rating"};

struct SystemDecl {
  std::string name;
  std::string type;
  SystemSpec spec;
  Visibility visibility = Visibility::kPrivate;  // [systems.NAME] visibility (SPEC §1.8)
  std::uint32_t sees = (1u << kDomains) - 1;     // [systems.NAME] sees: its sharing-matrix row
  template <class T>
  const T& as() const { return std::get<T>(spec); }
};

struct Scenario {
  std::string source;        // the scenario file
  std::string resolved_json; // every key with its value after defaults and overrides
  std::string text;          // the scenario file's text as read, and the overrides applied to
  std::vector<std::string> overrides;  // it: a checkpoint rebuilds the scenario from these
  RunSpec run;
  SocietySpec society;
  GraphSpec graph;
  BehaviourSpec behaviour;
  EventCatalog events;       // default catalog with [events.NAME] changes and additions
  DataSpec data;
  std::vector<SystemDecl> systems;  // in file order
  EffectLibrary effects;     // default effects with [effects.NAME] changes and additions
  std::vector<RuleSpec> rules;      // [consequences.NAME]
  std::vector<TargetSpec> targets;  // [targets.NAME]
  AdaptSpec adapt;                  // [adapt]: how people respond (SPEC §3)
  MeasureSpec measure;
};

}  // namespace credsim

namespace credsim {
// Reads, overrides ("key.path=value", in order) and checks a scenario. Every problem is an
// InputError naming file, line, column, key and what was expected. Nothing is run.
Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides);
Scenario load_scenario_string(std::string_view text, const std::string& source_name,
                              const std::vector<std::string>& overrides);
}  // namespace credsim
