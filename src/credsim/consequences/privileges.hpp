// Threshold privileges of the composite score (SPEC §1.9) and what they are worth each week.
// The worth feeds back into wealth, which feeds the capacity dimension: the loop by which
// "the rich get the perks" (seed 002) becomes measurable.
#pragma once
#include <array>
#include <cstdint>
#include <string_view>

#include "credsim/scenario/scenario.hpp"

namespace credsim {

inline constexpr int kPrivileges = 4;
// Bit k is held when score >= thresholds[k].
inline constexpr std::array<std::string_view, kPrivileges> kPrivilegeNames{
    "instant_loan_deposit_free_hotels",  // >= 600
    "deposit_free_rentals",              // >= 650: cars, shared bikes
    "singapore_fast_track",              // >= 700
    "schengen_fast_track"};              // >= 750

std::uint8_t privileges_for(const PrivilegeSpec& s, double score);
// Yuan gained per week by a holder of the privileges in `mask`.
double privilege_weekly_value(const PrivilegeSpec& s, std::uint8_t mask);

}  // namespace credsim
