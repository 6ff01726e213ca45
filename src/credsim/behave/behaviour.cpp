// Per-person event draws for one tick. All of a person's draws of a tick come from one Philox
// block, each behaviour at a fixed field of it (behave_layout), so turning one input off or
// changing its rate never changes the luck of another (common random numbers).
#include "credsim/behave/behaviour.hpp"

#include <algorithm>
#include <array>
#include <cmath>

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

void TickEvents::release() { *this = TickEvents{}; }  // fused = false too

std::size_t TickEvents::memory_bytes() const {
  std::size_t b = repayment.size() * sizeof(Repayment) + spending.size() * sizeof(float) + gaming_hours.size() * sizeof(float);
  for (const auto* c : {&baby, &games, &domestic, &luxury, &on_platform, &unapproved, &embarrassing}) b += c->size() * sizeof(std::uint16_t);
  return b;
}

namespace {
std::uint16_t clamp16(std::uint32_t v) { return static_cast<std::uint16_t>(std::min<std::uint32_t>(v, 65535)); }

// A rare draw beyond inversion's range: the normal approximation, from the slot's own fallback
// block (block 1 + slot of the person's kBehaviour stream), so it too stays at a fixed position.
double fallback_normal(std::uint64_t seed, std::uint64_t replicate, Tick tick, std::size_t i, unsigned slot) {
  Rng r(seed, replicate, tick, i, Stream::kBehaviour);
  r.seek(4 * (1 + std::uint64_t{slot}));
  return r.normal();
}
}  // namespace

void behave(const BehaviourSpec& spec, const Persons& p, std::uint64_t seed, std::uint64_t replicate,
            Tick tick, TickEvents& out, const AdaptView* adapt, const std::vector<FusedRecorder>* fused) {
  const std::size_t n = p.size();
  const AdaptView::Post post_mult = adapt_post(adapt);
  const AdaptView::Gaming gaming = adapt_gaming(adapt);
  auto draw = [&](std::size_t i) {
    using namespace behave_layout;
    PersonEvents e;
    // Every draw of this person and tick from one Philox block: uniform s from field s (25 bits).
    const Rng::Block blk = Rng::block(seed, replicate, tick, i, Stream::kBehaviour);
    auto u = [&](unsigned s) { return draw::uniform_mid<kBits>(draw::field<kBits>(blk, s)); };
    auto poisson = [&](unsigned s, double mean) -> std::uint32_t {
      if (mean <= kInversionMax) return draw::poisson_inv(u(s), mean);
      const double x = std::floor(mean + std::sqrt(mean) * fallback_normal(seed, replicate, tick, i, s) + 0.5);
      return x < 0.0 ? 0u : static_cast<std::uint32_t>(std::min(x, 4.0e9));
    };
    // Repayment of the consumer credit line: due every repayment_period ticks.
    if (p.has_loan(i) && instalment_due(static_cast<NodeId>(i), tick, spec.repayment_period)) {
      e.repayment = Repayment::kOnTime;
      if (u(kMiss) < p.miss_prob[i]) e.repayment = u(kDefault) < spec.default_given_miss ? Repayment::kDefault : Repayment::kMissed;
    }

    // Gaming the score (adaptation): more approved purchases near a threshold. × 1.0 otherwise.
    const auto [approved_mult, platform_add] = gaming ? gaming.both(i) : std::pair<float, float>{1.0f, 0.0f};
    const double am = approved_mult;
    e.baby = clamp16(poisson(kBaby, p.rate_baby[i] * am));
    e.games = clamp16(poisson(kGames, p.rate_games[i]));
    e.domestic = clamp16(poisson(kDomestic, p.rate_domestic[i] * am));
    e.luxury = clamp16(poisson(kLuxury, p.rate_luxury[i]));
    // Spending and platform use follow the stored (capped) counts, so the columns agree.
    e.spending = static_cast<float>(e.baby * spec.price_baby + e.games * spec.price_games + e.domestic * spec.price_domestic +
                                    e.luxury * spec.price_luxury);
    // Platform use: Binomial(total purchases, share), one inversion.
    const std::uint32_t total = e.baby + e.games + e.domestic + e.luxury;
    const double share = gaming ? std::min(1.0, static_cast<double>(p.platform_share[i]) + platform_add)
                                : static_cast<double>(p.platform_share[i]);
    std::uint32_t on_platform;
    if (static_cast<double>(total) * std::min(share, 1.0 - share) <= kInversionMax) {
      on_platform = draw::binomial_inv(u(kPlatform), total, share);
    } else {
      const double m = total * share, x = std::floor(m + std::sqrt(m * (1.0 - share)) * fallback_normal(seed, replicate, tick, i, kPlatform) + 0.5);
      on_platform = x < 0.0 ? 0u : static_cast<std::uint32_t>(std::min<double>(x, total));
    }
    e.on_platform = clamp16(on_platform);

    // Gaming hours this week: exponential around the person's mean (0 for non-gamers).
    if (p.gaming_hours[i] > 0.0f) e.gaming_hours = static_cast<float>(p.gaming_hours[i] * -std::log(u(kGamingHours)));

    // Chilling (adaptation): fewer posts when they are scored and detected. × 1.0 otherwise.
    const double pm = post_mult ? static_cast<double>(post_mult(i)) : 1.0;
    e.unapproved = clamp16(poisson(kUnapproved, p.dissent[i] * pm));
    e.embarrassing = clamp16(poisson(kEmbarrassing, p.embarrassing[i] * pm));
    return e;
  };

  if (!fused) {
    if (!out.sized(n) || out.fused) out.resize(n);
    out.fused = false;
    parallel_for(n, [&](std::size_t i) {
      const PersonEvents e = draw(i);
      out.repayment[i] = e.repayment;
      out.baby[i] = e.baby;
      out.games[i] = e.games;
      out.domestic[i] = e.domestic;
      out.luxury[i] = e.luxury;
      out.spending[i] = e.spending;
      out.on_platform[i] = e.on_platform;
      out.gaming_hours[i] = e.gaming_hours;
      out.unapproved[i] = e.unapproved;
      out.embarrassing[i] = e.embarrassing;
    });
    return;
  }
  // Fused: the columns read after the record stage (and the posts the rare-event sampler reads)
  // per person; the rest only in a block buffer handed to the recorders.
  // The columns the economy and adaptation read (repayment, spending, unapproved posts) outlive
  // the tick (only the measure stage frees them): kept at their size, so no tick but one after a
  // measured tick allocates and zero-fills them again (every element is written below).
  // Embarrassing posts were freed after the record stage (TickEvents::release_recorded). The
  // memory held at any moment is no more than before (the old columns were freed, then the four
  // allocated).
  if (!(out.fused && out.repayment.size() == n && out.unapproved.size() == n && out.spending.size() == n)) {
    out.release();
    out.repayment.resize(n);
    out.unapproved.resize(n);
    out.spending.resize(n);
  }
  out.fused = true;
  out.embarrassing.resize(n);
  const std::size_t blocks = (n + kFuseBlock - 1) / kFuseBlock;
  parallel_for(blocks, [&](std::size_t b) {
    std::array<PersonEvents, kFuseBlock> buf;
    const std::size_t lo = b * kFuseBlock, hi = std::min(n, lo + kFuseBlock);
    for (std::size_t i = lo; i < hi; ++i) {
      const PersonEvents& e = buf[i - lo] = draw(i);
      out.repayment[i] = e.repayment;
      out.spending[i] = e.spending;
      out.unapproved[i] = e.unapproved;
      out.embarrassing[i] = e.embarrassing;
    }
    for (const FusedRecorder& r : *fused) r(lo, std::span<const PersonEvents>(buf.data(), hi - lo));
  });
}

}  // namespace credsim
