// Default effects: the privileges and sanctions the seeds describe (SPEC §1.3, §1.4, §1.9).
#include "credsim/consequences/effects.hpp"

#include <array>

#include "credsim/core/error.hpp"

namespace credsim {
namespace {
constexpr std::array<std::string_view, 4> kAppliesNames{"everyone", "parents", "scrutinised", "legal_representatives"};

EffectSpec e(std::string name, bool sanction, double weekly, double income, AppliesTo who, std::string desc,
             std::string source) {
  return EffectSpec{std::move(name), sanction, weekly, income, who, std::move(desc), std::move(source), Visibility::kPrivate};
}
}  // namespace

std::string_view applies_to_name(AppliesTo a) { return kAppliesNames[static_cast<int>(a)]; }

namespace {
constexpr std::array<std::string_view, 3> kVisibilityNames{"private", "friends", "public"};
}
std::string_view visibility_name(Visibility v) { return kVisibilityNames[static_cast<int>(v)]; }
std::optional<Visibility> visibility_from_name(std::string_view s) {
  for (std::size_t k = 0; k < kVisibilityNames.size(); ++k)
    if (kVisibilityNames[k] == s) return static_cast<Visibility>(k);
  return std::nullopt;
}
std::optional<AppliesTo> applies_to_from_name(std::string_view s) {
  for (std::size_t k = 0; k < kAppliesNames.size(); ++k)
    if (kAppliesNames[k] == s) return static_cast<AppliesTo>(k);
  return std::nullopt;
}

EffectLibrary::EffectLibrary() {
  using A = AppliesTo;
  const std::string p19 = "SPEC §1.9 (seeds 001–003); value assumption";
  // Privileges and rewards.
  effects_.push_back(e("deposit_waiver", false, 4, 1, A::kEveryone, "no deposits for hotels, rentals, bikes", p19));
  effects_.push_back(e("instant_loan", false, 11.2, 1, A::kEveryone, "small loan without collateral (5600 yuan × 0.2 %/week)", p19));
  effects_.push_back(e("travel_fast_track", false, 5, 1, A::kEveryone, "travel permit / visa fast track", p19));
  effects_.push_back(e("dating_visibility", false, 0, 1, A::kEveryone, "prominent dating profile (social, not money)", p19));
  effects_.back().requires_visibility = Visibility::kFriends;
  effects_.push_back(e("discounts", false, 10, 1, A::kEveryone, "discounts on utilities, transport, services", "SPEC §1.4, §1.9; value assumption"));
  effects_.push_back(e("simplified_procedures", false, 3, 1, A::kEveryone, "simplified administrative procedures", "SPEC §1.9; value assumption"));
  effects_.push_back(e("vip_reservations", false, 2, 1, A::kEveryone, "VIP reservations", "SPEC §1.9 (seed 002); value assumption"));
  effects_.push_back(e("faster_approvals", false, 5, 1, A::kLegalRepresentatives, "red list: faster approvals", "SPEC §1.4; value assumption"));
  effects_.push_back(e("fewer_inspections", false, 5, 1, A::kLegalRepresentatives, "red list: fewer inspections", "SPEC §1.4; value assumption"));
  // Sanctions.
  const std::string s13 = "SPEC §1.3 (consumption restrictions); value assumption";
  effects_.push_back(e("travel_ban", true, -15, 1, A::kEveryone, "no flights, soft sleepers, G-trains, first class", s13));
  effects_.push_back(e("luxury_ban", true, 0, 1, A::kEveryone, "no star hotels, nightclubs, golf, holidays (welfare, not money)", s13));
  effects_.push_back(e("property_ban", true, -10, 1, A::kEveryone, "cannot buy or build property", s13));
  effects_.push_back(e("office_rental_ban", true, -5, 1, A::kLegalRepresentatives, "cannot rent high-end offices", s13));
  effects_.push_back(e("vehicle_ban", true, -10, 1, A::kEveryone, "cannot buy non-essential vehicles", s13));
  effects_.push_back(e("private_school_ban", true, -30, 1, A::kParents, "children barred from high-fee private schools", s13));
  effects_.push_back(e("insurance_ban", true, 0, 1, A::kEveryone, "no high-premium insurance", s13));
  effects_.push_back(e("executive_ban", true, 0, 0.8, A::kLegalRepresentatives, "barred from executive posts", "SPEC §1.3; factor assumption"));
  effects_.push_back(e("loan_refusal", true, -20, 1, A::kEveryone, "loan and card applications refused", "SPEC §1.3, §1.9; value assumption"));
  effects_.push_back(e("profession_ban", true, 0, 0.6, A::kScrutinised, "barred from teacher, accountant, journalist, doctor, official, ... posts", "SPEC §1.9 (seeds 001, 002); factor assumption"));
  effects_.push_back(e("slow_internet", true, -3, 1, A::kEveryone, "slower internet", "SPEC §1.9 (seed 001); value assumption"));
  effects_.push_back(e("extra_fees", true, -20, 1, A::kEveryone, "extra fees", "SPEC §1.9; value assumption"));
  effects_.push_back(e("extra_paperwork", true, -5, 1, A::kEveryone, "extra paperwork and inspections", "SPEC §1.9; value assumption"));
  effects_.push_back(e("public_shaming", true, 0, 0.97, A::kEveryone,
                       "named on public blacklists and shaming screens: lost custom and work",
                       "SPEC §1.8 (Credit China lists, seed 001); factor assumption"));
  effects_.back().requires_visibility = Visibility::kPublic;
}

std::optional<std::size_t> EffectLibrary::find(std::string_view name) const {
  for (std::size_t k = 0; k < effects_.size(); ++k)
    if (effects_[k].name == name) return k;
  return std::nullopt;
}

std::size_t EffectLibrary::add(EffectSpec x) {
  CREDSIM_ASSERT(!find(x.name) && effects_.size() < kMaxEffects);
  effects_.push_back(std::move(x));
  return effects_.size() - 1;
}

}  // namespace credsim
