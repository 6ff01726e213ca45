// Privilege thresholds and their weekly economic value (every coefficient a scenario parameter).
#include "credsim/consequences/privileges.hpp"

namespace credsim {

std::uint8_t privileges_for(const PrivilegeSpec& s, double score) {
  std::uint8_t mask = 0;
  for (int k = 0; k < kPrivileges; ++k)
    if (score >= s.thresholds[k]) mask |= static_cast<std::uint8_t>(1u << k);
  return mask;
}

double privilege_weekly_value(const PrivilegeSpec& s, std::uint8_t mask) {
  double v = 0;
  if (mask & 1u) v += s.instant_loan * s.loan_weekly_return + s.hotel_deposit_saving;
  if (mask & 2u) v += s.rental_deposit_saving;
  if (mask & 4u) v += s.singapore_fast_track_value;
  if (mask & 8u) v += s.schengen_fast_track_value;
  return v;
}

}  // namespace credsim
