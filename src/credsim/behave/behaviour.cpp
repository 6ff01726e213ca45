// Per-person event draws for one tick. Each behaviour has its own random stream, so turning
// one input off or changing its rate never changes the luck of another (common random numbers).
#include "credsim/behave/behaviour.hpp"

#include <algorithm>

#include "credsim/core/parallel.hpp"
#include "credsim/core/rng.hpp"

namespace credsim {

void TickEvents::resize(std::size_t n) {
  repayment.assign(n, Repayment::kNone);
  for (auto* c : {&baby, &games, &domestic, &luxury, &on_platform, &unapproved, &embarrassing}) c->assign(n, 0);
  gaming_hours.assign(n, 0.0f);
  spending.assign(n, 0.0f);
}

void TickEvents::release_recorded() {
  for (auto* c : {&baby, &games, &domestic, &luxury, &on_platform, &embarrassing}) *c = {};
  gaming_hours = {};
}

void TickEvents::release() { *this = TickEvents{}; }

std::size_t TickEvents::memory_bytes() const {
  std::size_t b = repayment.size() * sizeof(Repayment) + spending.size() * sizeof(float) + gaming_hours.size() * sizeof(float);
  for (const auto* c : {&baby, &games, &domestic, &luxury, &on_platform, &unapproved, &embarrassing}) b += c->size() * sizeof(std::uint16_t);
  return b;
}

namespace {
std::uint16_t clamp16(std::uint32_t v) { return static_cast<std::uint16_t>(std::min<std::uint32_t>(v, 65535)); }
}  // namespace

void behave(const BehaviourSpec& spec, const Persons& p, std::uint64_t seed, std::uint64_t replicate,
            Tick tick, TickEvents& out, const AdaptView* adapt) {
  const std::size_t n = p.size();
  const AdaptView::Post post_mult = adapt_post(adapt);
  const AdaptView::Gaming gaming = adapt_gaming(adapt);
  if (!out.sized(n)) out.resize(n);
  parallel_for(n, [&](std::size_t i) {
    // Repayment of the consumer credit line: due every repayment_period ticks.
    Repayment rep = Repayment::kNone;
    if (p.has_loan[i] && instalment_due(static_cast<NodeId>(i), tick, spec.repayment_period)) {
      Rng r(seed, replicate, tick, i, Stream::kRepayment);
      rep = Repayment::kOnTime;
      if (r.bernoulli(p.miss_prob[i])) rep = r.bernoulli(spec.default_given_miss) ? Repayment::kDefault : Repayment::kMissed;
    }
    out.repayment[i] = rep;

    Rng shop(seed, replicate, tick, i, Stream::kPurchases);
    // Gaming the score (adaptation): more approved purchases near a threshold. × 1.0 otherwise.
    const auto [approved_mult, platform_add] = gaming ? gaming.both(i) : std::pair<float, float>{1.0f, 0.0f};
    const double am = approved_mult;
    const std::uint32_t baby = shop.poisson(p.rate_baby[i] * am);
    const std::uint32_t games = shop.poisson(p.rate_games[i]);
    const std::uint32_t domestic = shop.poisson(p.rate_domestic[i] * am);
    const std::uint32_t luxury = shop.poisson(p.rate_luxury[i]);
    out.baby[i] = clamp16(baby);
    out.games[i] = clamp16(games);
    out.domestic[i] = clamp16(domestic);
    out.luxury[i] = clamp16(luxury);
    // Spending and platform use follow the stored (capped) counts, so the columns agree.
    out.spending[i] = static_cast<float>(out.baby[i] * spec.price_baby + out.games[i] * spec.price_games +
                                         out.domestic[i] * spec.price_domestic + out.luxury[i] * spec.price_luxury);
    Rng plat(seed, replicate, tick, i, Stream::kPlatform);
    std::uint32_t on_platform = 0;
    const std::uint32_t total = out.baby[i] + out.games[i] + out.domestic[i] + out.luxury[i];
    const double share = gaming ? std::min(1.0, static_cast<double>(p.platform_share[i]) + platform_add)
                                : static_cast<double>(p.platform_share[i]);
    for (std::uint32_t k = 0; k < total; ++k) on_platform += plat.bernoulli(share);
    out.on_platform[i] = clamp16(on_platform);

    // Gaming hours this week: exponential around the person's mean (0 for non-gamers).
    if (p.gaming_hours[i] > 0.0f) {
      Rng g(seed, replicate, tick, i, Stream::kGaming);
      out.gaming_hours[i] = static_cast<float>(p.gaming_hours[i] * g.exponential(1.0));
    } else {
      out.gaming_hours[i] = 0.0f;
    }

    Rng posts(seed, replicate, tick, i, Stream::kPosts);
    // Chilling (adaptation): fewer posts when they are scored and detected. × 1.0 otherwise.
    const double pm = post_mult ? static_cast<double>(post_mult(i)) : 1.0;
    out.unapproved[i] = clamp16(posts.poisson(p.dissent[i] * pm));
    out.embarrassing[i] = clamp16(posts.poisson(p.embarrassing[i] * pm));
  });
}

}  // namespace credsim
