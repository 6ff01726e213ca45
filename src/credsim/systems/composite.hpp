// Composite score in the manner of Sesame/Zhima Credit (SPEC §1.1, §1.10): five dimension
// sub-scores in [0,1], weighted into 350–950, recomputed monthly, with named bands.
// The sub-score functions are pure so that hand-computed cases can test them exactly.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>
#include <vector>

#include "credsim/behave/behaviour.hpp"
#include "credsim/core/rng.hpp"
#include "credsim/run/exchange.hpp"
#include "credsim/scenario/scenario.hpp"
#include "credsim/society/society.hpp"
#include "credsim/systems/system.hpp"

namespace credsim {

inline constexpr double kCompositeMin = 350, kCompositeMax = 950;
inline constexpr int kCompositeBands = 5;
inline constexpr std::array<std::string_view, kCompositeBands> kCompositeBandNames{
    "poor", "medium", "good", "very_good", "excellent"};
// Band b covers [kCompositeBandLower[b], next lower bound); excellent runs to 950 inclusive.
inline constexpr std::array<double, kCompositeBands> kCompositeBandLower{350, 550, 600, 650, 700};

int composite_band(double score);

// What the operator has seen of one person: exponentially decayed counts (half-life in ticks),
// stored in 16 bits (core/uf16.hpp): each tick's x ← λ·x + r is computed in float from the stored
// value and rounded once to nearest (relative error ≤ 2^-11 per tick; MODEL.md §3).
struct CompositeRecords {
  Uf16Column on_time, missed, defaults;         // instalments
  Uf16Column approved, games;                   // purchases: baby + domestic; video games
  Uf16Column purchases, on_platform;            // all seen purchases; of which on platform
  Uf16Column gaming_hours, unapproved, embarrassing;
  void resize(std::size_t n);
  static constexpr std::size_t kColumns = 10;
  template <class A>
  void fields(A& a) {
    a(on_time, missed, defaults, approved, games, purchases, on_platform, gaming_hours, unapproved, embarrassing);
  }
};

// Per-week rates recovered from decayed counts: count × (1 − λ) is the steady-state weekly rate.
struct BehaviourRates {
  double approved = 0, games = 0, platform_share = 0.5, gaming_hours = 0, unapproved = 0, embarrassing = 0;
};

struct RelationshipInputs {
  std::uint32_t friends = 0;
  double mean_friend_score = 0;      // mean of friends' current scores
  double share_below = 0;            // share of friends below rel_below_threshold
  double mean_friend_unapproved = 0; // friends' recorded unapproved posts per week, mean
};

struct Subscores {
  double credit = 0, capacity = 0, identity = 0, behaviour = 0, relationships = 0;
};

double credit_history_subscore(const CompositeSpec& s, double on_time, double missed, double defaults);
double capacity_subscore(const CompositeSpec& s, double wealth, double income);
double identity_subscore(const CompositeSpec& s, int education, bool stable_job, int age_band);
double behaviour_subscore(const CompositeSpec& s, const BehaviourRates& r);
double relationships_subscore(const CompositeSpec& s, const RelationshipInputs& r);
// 350 + 600 · Σ w_d x_d / Σ w_d, rounded to the nearest integer (scores are shown as integers).
std::uint16_t composite_score(const CompositeSpec& s, const Subscores& x);

// One composite-score system instance: its records, scores and privileges.
class Composite final : public System {
 public:
  Composite(const CompositeSpec& spec, std::size_t persons);
  const CompositeSpec& spec() const { return spec_; }

  // System interface: tick 0 = expected history, pre-score, score, privileges.
  const std::string& name() const override { return spec_.name; }
  std::string_view type() const override { return "composite"; }
  void initialise(const SimContext& ctx) override;
  void record(const SimContext& ctx) override;
  void score(const SimContext& ctx) override;
  void add_consequences(const SimContext& ctx, std::size_t first, std::span<double> delta) const override;
  void measure(const SimContext& ctx, io::MetricsCsv& out) const override;
  SystemOutputs outputs() const override;
  void checkpoint(ckpt::Archive& a) override;

  // Before tick 0: the operator's records as the expected steady state of each person's own
  // propensities (a history as long as the records' memory), so tick 0 is not an empty-file
  // artefact. With initial_history = "empty" the records start at zero instead.
  void initialise_history(const Persons& p, const BehaviourSpec& b);
  // record stage: what reaches the operator this tick (detection, consent, data exchange).
  void record(const Persons& p, const TickEvents& ev, std::uint64_t seed, std::uint64_t replicate, Tick tick);
  // The same for the persons first … first + block.size() − 1 (recording fused into behave).
  void record_block(const Persons& p, std::size_t first, std::span<const PersonEvents> block, std::uint64_t seed,
                    std::uint64_t replicate, Tick tick);
  // The record stage fused into behave (behaviour.hpp, FusedRecorder): the Simulation hands this
  // to behave, which calls it per block of persons as it draws them; record(ctx) then has
  // nothing left to do for that tick. Valid for this tick's context only.
  FusedRecorder fused_recorder(const SimContext& ctx) override;
  // score stage: recompute every recompute_every ticks (and at tick 0); neighbours via the exchange.
  // The very first call first scores everyone with the relationships dimension at its
  // no-friends value, so that friends' scores at tick 0 are real scores, not a placeholder.
  bool is_recompute_tick(Tick tick) const { return tick == 0 || tick % spec_.recompute_every == 0; }
  void score(const Persons& p, const Exchange& ex);

  BehaviourRates rates_of(std::size_t i) const;
  RelationshipInputs relationship_inputs_of(std::size_t i, const Exchange& ex) const;
  Subscores subscores_of(const Persons& p, std::size_t i, const Exchange& ex, bool with_network = true) const;

  const std::vector<std::uint16_t>& scores() const { return score_; }
  // Threshold privileges (bit k = kPrivilegeNames[k]) of the current score, derived when read
  // through a table over every score (privileges_for; the same bytes as storing them).
  PublishedBytes privileges() const { return PublishedBytes::looked_up(&score_, &privilege_table_); }
  const CompositeRecords& records() const { return rec_; }
  // Unapproved posts of this tick that reached the operator (capped at 255): what a person learns
  // about detection from their own posts (adaptation, learning model).
  // This tick's detected unapproved posts per person (capped at 255); only under the learning
  // adaptation model (empty otherwise).
  const std::vector<std::uint8_t>& posts_seen() const { return posts_seen_; }
  double decay() const { return decay_; }
  std::size_t memory_bytes() const override;

 private:
  CompositeSpec spec_;
  double decay_;  // λ = 0.5^(1/half_life)
  // Each system has its own detection stream so two systems do not share detection luck.
  Stream detect_stream_;
  CompositeRecords rec_;
  std::vector<std::uint16_t> score_;
  // Per score value 0 … kCompositeMax: its band (kCompositeBandNames) and its privilege mask.
  // The published score, band and privileges are read through them from score_ (published.hpp).
  std::vector<std::uint8_t> band_table_, privilege_table_;
  std::vector<std::uint8_t> posts_seen_;
  bool scored_ = false;
  // The lowest person whose record went past the 16-bit format's largest value (only with absurd
  // scenario rates), or none: reported as an input error by the next score stage.
  std::atomic<std::uint64_t> overflow_person_{kNoOverflow};
  static constexpr std::uint64_t kNoOverflow = ~std::uint64_t{0};
  void note_overflow(std::size_t i);
  void throw_if_overflowed() const;
  void prepare_record(const SimContext& ctx);
  void record_one(const Persons& p, std::size_t i, const PersonEvents& ev, std::uint64_t seed, std::uint64_t replicate,
                  Tick tick);
  // Person i's additions r of this tick to the ten records, in CompositeRecords::fields order
  // (detection draws, consent, data exchange; writes posts_seen_[i] when it exists).
  void additions(const Persons& p, std::size_t i, const PersonEvents& ev, std::uint64_t seed, std::uint64_t replicate,
                 Tick tick, float (&r)[CompositeRecords::kColumns]);
  // A data domain reaches the operator for person i when it is in the operator's row of the
  // sharing matrix and the person consented, or a data-exchange agreement opens it (seed 004).
  bool domain_open(const Persons& p, std::size_t i, ConsentBit c, Domain d) const {
    return sees(d) && (spec_.data_exchange || (p.consent(i) & c));
  }
};

}  // namespace credsim
