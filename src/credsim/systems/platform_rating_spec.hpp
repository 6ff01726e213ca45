// Scenario description of a platform rating system (SPEC §1.12): [systems.NAME]
// type = "platform_rating". Defaults and sources: docs/MODEL.md, "Platform ratings".
#pragma once
#include <cstdint>
#include <string>

#include "credsim/core/types.hpp"

namespace credsim {
namespace scenario { class Reader; }
class EventCatalog;

struct PlatformRatingSpec {
  double provider_share = 0.05;      // persons who are providers (assumption)
  double counterparties = 10;        // Poisson mean of rated services per provider per tick (assumption)
  std::uint32_t window = 100;        // K: the rating is the mean of the last K (Lyft 100; Uber 500)
  double cutoff = 4.6;               // deactivation below this mean (Uber, about 4.6)
  std::uint32_t min_ratings = 100;   // ratings needed before deactivation (and tiering) applies
  // Latent quality on the 1–5 scale: normal(quality_mean, quality_sd), drifting per year.
  double quality_mean = 4.3, quality_sd = 0.4, quality_drift_per_year = 0;
  double rater_noise = 0.8;          // sd of a rater's perception of one service
  double rater_bias_sd = 0.3;        // sd of a rater's own lenience (a fixed trait of each person)
  // Reluctance: probability a rater whose honest rating is below 5 gives 5 anyway; grows
  // linearly from reluctance_start at tick 0 to reluctance_end at tick reluctance_ramp_ticks.
  double reluctance_start = 0, reluctance_end = 0;
  Tick reluctance_ramp_ticks = 520;
  std::uint32_t initial_ratings = 100;  // ratings on file at tick 0, drawn at tick-0 reluctance (≤ K)
  // eBay-style defect tiers: a defect is a rating <= defect_max_rating.
  std::uint32_t defect_max_rating = 2;
  double top_rated_max = 0.005;      // top rated: defect rate <= 0.5 %
  double below_standard_min = 0.02;  // below standard: defect rate > 2 %
  double income_share = 0.3;         // share of a provider's weekly income earned on the platform (assumption)
  // Published figures (SPEC §1.12) are compared with the metric rows drift_per_year and
  // drift_standards_share by the scenario's generic [targets.NAME] tables.
};

PlatformRatingSpec read_platform_rating_spec(const scenario::Reader& r, const EventCatalog& catalog);

}  // namespace credsim
