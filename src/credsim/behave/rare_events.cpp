// Rare-event sampling by per-block skipping and thinning (see rare_events.hpp).
#include "credsim/behave/rare_events.hpp"

#include <algorithm>
#include <cmath>

#include "credsim/core/parallel.hpp"
#include "credsim/core/rng.hpp"

namespace credsim {

namespace {
// Person's weekly rate of type t from their propensities (the one formula both paths use).
double rate_of(const EventTypeSpec& t, float misconduct, float civic, float wealth_z) {
  double m = 1.0;
  if (t.kind == EventKind::kMisconduct) m = misconduct;
  else if (t.kind == EventKind::kCivic) m = civic;
  const double e = t.wealth_elasticity;
  if (e != 0.0) m *= std::exp(e * wealth_z - 0.5 * e * e);
  return t.rate * m;
}
}  // namespace

RareEventSampler::RareEventSampler(const EventCatalog& catalog, const Persons& p) : catalog_(&catalog), p_(&p) {
  for (std::size_t k = 0; k < catalog.size(); ++k)
    if (catalog[static_cast<EventTypeId>(k)].kind != EventKind::kDerived && catalog[static_cast<EventTypeId>(k)].rate > 0)
      drawn_.push_back(static_cast<EventTypeId>(k));
  const std::size_t blocks = (p.size() + kRareBlock - 1) / kRareBlock;
  block_max_.assign(drawn_.size(), std::vector<float>(blocks, 0.0f));
  if (drawn_.empty()) return;
  // Block by block: each person's propensities read once (Persons::event_traits) for every type.
  parallel_for(blocks, [&](std::size_t b) {
    const std::size_t lo = b * kRareBlock, hi = std::min(p.size(), lo + kRareBlock);
    std::vector<double> m(drawn_.size(), 0.0);
    for (std::size_t i = lo; i < hi; ++i) {
      const EventTraits e = p.event_traits(i);
      for (std::size_t d = 0; d < drawn_.size(); ++d)
        m[d] = std::max(m[d], rate_of(catalog[drawn_[d]], e.misconduct, e.civic, e.wealth_z));
    }
    for (std::size_t d = 0; d < drawn_.size(); ++d)
      block_max_[d][b] = static_cast<float>(m[d] * (1.0 + 1e-6));  // a bound, robust to float rounding
  });
}

double RareEventSampler::rate(EventTypeId k, std::size_t i) const {
  const EventTraits e = p_->event_traits(i);
  return rate_of((*catalog_)[k], e.misconduct, e.civic, e.wealth_z);
}

void RareEventSampler::draw(std::uint64_t seed, std::uint64_t replicate, Tick tick, const TickEvents& ev,
                            std::vector<Occurrence>& out, const AdaptView::Misconduct& misconduct_mult) const {
  out.clear();
  const std::size_t n = p_->size();
  const std::size_t blocks = (n + kRareBlock - 1) / kRareBlock;
  // One list per block, filled in parallel, concatenated in block order: deterministic.
  std::vector<std::vector<Occurrence>> per_block(blocks);
  parallel_for(blocks, [&](std::size_t b) {
    auto& local = per_block[b];
    const std::size_t lo = b * kRareBlock, hi = std::min(n, lo + kRareBlock);
    for (std::size_t d = 0; d < drawn_.size(); ++d) {
      const EventTypeId k = drawn_[d];
      const bool deter = static_cast<bool>(misconduct_mult) && (*catalog_)[k].kind == EventKind::kMisconduct;
      const double rmax = block_max_[d][b];
      if (rmax <= 0) continue;
      const double qmax = -std::expm1(-rmax);  // P(at least one event) at the bound
      // log1p(-qmax) once per block and type (Rng::geometric_skip would recompute it per skip).
      const double log_q = qmax < 1.0 ? std::log1p(-qmax) : 0.0;
      Rng rng(seed, replicate, tick, (static_cast<std::uint64_t>(k) << 40) | b, Stream::kRareEvents);
      for (std::size_t i = lo;;) {
        const std::uint64_t skip = qmax < 1.0 ? rng.geometric_skip_log(log_q) : 0;
        if (skip >= hi - i) break;
        i += skip;
        const double qi = -std::expm1(-(deter ? rate(k, i) * misconduct_mult(i) : rate(k, i)));
        if (rng.uniform() * qmax < qi) local.push_back({static_cast<NodeId>(i), k, 1});
        ++i;
        if (i >= hi) break;
      }
    }
    // Events derived from structured behaviour.
    for (std::size_t i = lo; i < hi; ++i) {
      if (ev.repayment[i] == Repayment::kMissed) local.push_back({static_cast<NodeId>(i), ev::kMissedInstalment, 1});
      if (ev.repayment[i] == Repayment::kDefault) local.push_back({static_cast<NodeId>(i), ev::kLoanDefault, 1});
      if (ev.unapproved[i]) local.push_back({static_cast<NodeId>(i), ev::kUnapprovedPost, ev.unapproved[i]});
      if (ev.embarrassing[i]) local.push_back({static_cast<NodeId>(i), ev::kEmbarrassingPost, ev.embarrassing[i]});
    }
    std::sort(local.begin(), local.end(), [](const Occurrence& a, const Occurrence& c) {
      return a.person != c.person ? a.person < c.person : a.type < c.type;
    });
  });
  std::size_t total = 0;
  for (const auto& v : per_block) total += v.size();
  out.reserve(total);
  for (const auto& v : per_block) out.insert(out.end(), v.begin(), v.end());
}

}  // namespace credsim
