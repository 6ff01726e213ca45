// The general consequence table (SPEC §1.9, §1.4): rules "condition on a system's output →
// effects", evaluated for every person every tick into a bit mask of active effects, whose
// economics (EffectSpec) feed wealth and income. One listing can fan out into many sectors —
// the memorandum mechanism — simply by a rule naming many effects.
#pragma once
#include <array>
#include <bit>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <span>
#include <vector>

#include "credsim/consequences/effect_masks.hpp"
#include "credsim/consequences/effects.hpp"
#include "credsim/io/metrics_csv.hpp"
#include "credsim/scenario/scenario.hpp"
#include "credsim/society/society.hpp"
#include "credsim/systems/system.hpp"

namespace credsim {

// Parses "listed", "score >= 600", "grade in [C, D]"; nullopt with a message when malformed.
std::optional<ConditionSpec> parse_condition(std::string_view text, std::string* problem);

class Consequences {
 public:
  // Resolves system names and effect names; InputError (naming the rule) if one is unknown or
  // the system does not publish what the condition reads.
  Consequences(const std::vector<RuleSpec>& rules, const EffectLibrary& library,
               const std::vector<std::unique_ptr<System>>& systems, const Society& society);
  // Sets each person's active effects and adds their weekly values to wealth_delta (every
  // person's), or to delta for persons [first, first + delta.size()) only.
  void apply(const Society& society, std::vector<double>& wealth_delta);
  void apply_block(const Society& society, std::size_t first, std::span<double> delta);
  // Persons per block of the consequences stage (a block's wealth changes: 32 KiB).
  static constexpr std::size_t kBlock = 4096;
  const EffectMasks& active() const { return active_; }
  // Person i's income multiplier from the active effects: 1 times each effect's income factor,
  // in effect order (a function of active(), so no column holds it).
  float income_factor(std::size_t i) const {
    float f = 1.0f;
    for (std::uint64_t bits = active_[i] & income_effects_; bits; bits &= bits - 1)
      f *= income_factor_[std::countr_zero(bits)];
    return f;
  }
  const EffectLibrary& library() const { return library_; }
  std::uint64_t used_effects() const { return used_; }
  // wealth_decile: each person's current-wealth decile (computed here when null).
  void measure(Tick tick, const Society& society, io::MetricsCsv& out,
               const std::vector<std::uint8_t>* wealth_decile = nullptr) const;
  std::size_t memory_bytes() const { return active_.memory_bytes(); }
  // Explain: rule r (scenario order) holds for person i; the effects it gives.
  std::size_t rule_count() const { return rules_.size(); }
  bool rule_holds(std::size_t r, std::size_t i) const { return holds(rules_[r], i); }
  std::uint64_t rule_effects(std::size_t r) const { return rules_[r].effects; }
  // The rules and library come from the scenario; only the active effects evolve.
  template <class A>
  void fields(A& a) {
    a(active_);
    if constexpr (requires { a.corrupt(std::string()); })
      if (a.loading() && (!active_.valid() || active_.width() != EffectMasks::width_for(library_.effects().size())))
        a.corrupt("the active effects' masks do not match the effect library");
  }

 private:
  struct Compiled {
    SystemOutputs outputs;
    ConditionSpec when;
    std::vector<std::uint8_t> grade_set;  // grade index → 1 if the condition includes it
    std::uint64_t effects = 0;
  };
  bool holds(const Compiled& r, std::size_t i) const;
  EffectLibrary library_;
  std::vector<Compiled> rules_;
  EffectMasks active_;  // per person, in the narrowest width the library needs
  std::uint64_t income_effects_ = 0;           // effects whose income factor is not 1
  std::array<float, kMaxEffects> income_factor_{};  // each effect's income factor, as the product takes it
  std::uint64_t used_ = 0;  // effects named by some rule
  std::uint64_t parents_ = 0, scrutinised_ = 0, legal_ = 0, everyone_ = 0;  // effect bits by target
};

}  // namespace credsim
