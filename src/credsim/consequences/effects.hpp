// The effect library (SPEC §1.9): every privilege and sanction a rule can impose, with its
// economic feedback — yuan per week gained or lost, and a factor on income (job bans) — and
// whom it can touch (a profession ban only matters to someone in a scrutinised profession).
// Every number is an assumption a scenario can change in [effects.NAME].
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace credsim {

enum class AppliesTo : std::uint8_t { kEveryone, kParents, kScrutinised, kLegalRepresentatives };

// Who can see a system's scores and lists (SPEC §1.8): private (the person and the system),
// friends (shared with friends), public (published, as on Credit China's lists).
enum class Visibility : std::uint8_t { kPrivate = 0, kFriends = 1, kPublic = 2 };
std::string_view visibility_name(Visibility v);
std::optional<Visibility> visibility_from_name(std::string_view s);
std::string_view applies_to_name(AppliesTo a);
std::optional<AppliesTo> applies_to_from_name(std::string_view s);

struct EffectSpec {
  std::string name;
  bool sanction = false;       // false: a privilege or reward
  double weekly_value = 0;     // yuan per week added to wealth (negative: a cost)
  double income_factor = 1.0;  // income multiplied by this while the effect lasts
  AppliesTo applies_to = AppliesTo::kEveryone;
  std::string description, source;
  // The effect works only if the rule's system is at least this visible (a dating profile
  // cannot show a private score; public shaming needs a public list).
  Visibility requires_visibility = Visibility::kPrivate;
};

inline constexpr std::size_t kMaxEffects = 64;  // effects are bits of a per-person mask

class EffectLibrary {
 public:
  EffectLibrary();  // the defaults of docs/MODEL.md, "Effect library"
  const std::vector<EffectSpec>& effects() const { return effects_; }
  std::vector<EffectSpec>& mutable_effects() { return effects_; }
  std::optional<std::size_t> find(std::string_view name) const;
  std::size_t add(EffectSpec e);

 private:
  std::vector<EffectSpec> effects_;
};

}  // namespace credsim
