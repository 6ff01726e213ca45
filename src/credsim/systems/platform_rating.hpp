// Platform ratings (SPEC §1.12): providers (drivers, sellers) are rated 1–5 by the persons they
// serve; the rating is the mean of the last K ratings; providers below a cut-off are deactivated
// and lose their platform income; eBay-style defect tiers. Raters' reluctance to give less than 5
// grows over time, which inflates ratings; a counterfactual rating from the same draws at the
// tick-0 reluctance splits the inflation into quality and raters' standards.
// Definitions: docs/MODEL.md, "Platform ratings".
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "credsim/core/rng.hpp"
#include "credsim/systems/platform_rating_spec.hpp"
#include "credsim/systems/system.hpp"

namespace credsim {

// The last K ratings of every provider: one byte per rating (the rating in the low nibble, its
// counterfactual at tick-0 reluctance in the high nibble), so K bytes per provider, with running
// sums so a mean costs O(1).
class RatingRings {
 public:
  RatingRings() = default;
  RatingRings(std::size_t providers, std::uint32_t window, std::uint32_t defect_max_rating);
  void push(std::size_t p, std::uint8_t rating, std::uint8_t counterfactual);
  std::uint32_t filled(std::size_t p) const { return filled_[p]; }  // min(count, K)
  std::uint32_t count(std::size_t p) const { return count_[p]; }    // ratings ever received
  double mean(std::size_t p) const;       // NaN when empty
  double mean_cf(std::size_t p) const;
  double defect_rate(std::size_t p) const;  // 0 when empty
  std::uint32_t window() const { return k_; }
  std::size_t memory_bytes() const { return data_.size() + count_.size() * 6 * sizeof(std::uint32_t); }
  template <class A>
  void fields(A& a) {
    a(k_, defect_max_, data_, head_, filled_, count_, sum_, sum_cf_, defects_);
  }

 private:
  std::uint32_t k_ = 1, defect_max_ = 2;
  std::vector<std::uint8_t> data_;
  std::vector<std::uint32_t> head_, filled_, count_, sum_, sum_cf_, defects_;
};

enum PlatformTier : std::uint8_t { kTopRated = 0, kAboveStandard = 1, kBelowStandard = 2, kNotProvider = 3 };

// Reluctance at tick t: linear from reluctance_start (tick 0) to reluctance_end (ramp end), then flat.
double platform_reluctance(const PlatformRatingSpec& s, Tick t);
// Tier from the ratings in the window (providers with fewer than min_ratings are above standard).
std::uint8_t platform_tier(const PlatformRatingSpec& s, std::uint32_t filled, double defect_rate);
// Deactivation rule: at least min_ratings ratings received and the mean strictly below the cut-off.
bool platform_deactivates(const PlatformRatingSpec& s, std::uint32_t count, double mean);

// Expected rating of a provider of latent quality q at reluctance r, over raters' noise and
// lenience: honest ~ round(N(q, noise² + bias_sd²)) clamped to 1..5; E = Σ_k P(k)·(k<5 ? (1−r)k + 5r : 5).
double platform_expected_rating(const PlatformRatingSpec& s, double quality, double reluctance);

struct RatingDraw {
  std::uint8_t rating, counterfactual;
};
// One rating: honest = clamp(round(quality + bias + noise·N(0,1)), 1, 5); a rater whose honest
// rating is below 5 gives 5 with probability `reluctance` (the same uniform decides the
// counterfactual at `reluctance0`). Always three draws (rater index is drawn by the caller).
RatingDraw platform_rate(double quality, double bias, double rater_noise, double reluctance, double reluctance0,
                         Rng& rng);

class PlatformRating final : public System {
 public:
  PlatformRating(std::string name, const PlatformRatingSpec& spec, std::size_t persons);
  const std::string& name() const override { return name_; }
  std::string_view type() const override { return "platform_rating"; }
  void initialise(const SimContext& ctx) override;
  void record(const SimContext& ctx) override;
  void score(const SimContext& ctx) override;
  void prepare_consequences(const SimContext& ctx) override;
  void add_consequences(const SimContext& ctx, std::size_t first, std::span<double> delta) const override;
  void measure(const SimContext& ctx, io::MetricsCsv& out) const override;
  SystemOutputs outputs() const override;
  void checkpoint(ckpt::Archive& a) override;
  std::size_t memory_bytes() const override;

  const std::vector<NodeId>& providers() const { return providers_; }
  const std::vector<float>& quality() const { return quality_; }
  const std::vector<std::uint8_t>& active() const { return active_; }
  const RatingRings& rings() const { return rings_; }
  const std::vector<float>& scores() const { return score_; }
  const std::vector<std::uint8_t>& grades() const { return grade_; }
  const std::vector<std::uint8_t>& deactivated() const { return listed_; }
  // Mean of the ratings given this tick (tick 0: the initial ratings), and its counterfactual.
  double given_mean() const { return tick_n_ ? static_cast<double>(tick_sum_) / tick_n_ : NAN; }
  double given_mean_cf() const { return tick_n_ ? static_cast<double>(tick_sum_cf_) / tick_n_ : NAN; }
  double given_mean_tick0() const { return given0_; }

 private:
  void publish(bool allow_deactivation, Tick tick);
  void rate(const SimContext& ctx, std::size_t p, std::uint32_t m, double reluctance, Tick tick, Rng& rng);
  Stream stream_;
  std::string name_;
  PlatformRatingSpec spec_;
  std::vector<NodeId> providers_;
  std::vector<float> quality_;            // latent quality at tick 0, per provider
  std::vector<std::uint8_t> active_;      // per provider
  std::vector<std::uint8_t> by_noise_;    // per provider: deactivated though expected rating >= cut-off
  std::vector<float> bias_;               // per person: rater lenience (empty when sd = 0)
  RatingRings rings_;
  std::vector<std::uint32_t> p_sum_, p_sum_cf_, p_n_;  // this tick's ratings, per provider
  std::vector<float> score_;              // per person; NaN for non-providers and unrated providers
  std::vector<std::uint8_t> grade_, listed_;
  std::uint64_t tick_sum_ = 0, tick_sum_cf_ = 0, tick_n_ = 0;
  double given0_ = NAN, displayed0_ = NAN, income_lost_ = 0;
};

}  // namespace credsim
