// Discrete events of the catalog, drawn so that cost follows the number of events, not
// persons × event types: for each type and each fixed block of persons, candidates are found by
// geometric skipping at the block's largest personal rate and thinned to each person's own rate
// (exact: person i has an event with probability 1 − exp(−rate_i) per week, at most one per type).
#pragma once
#include <cstdint>
#include <vector>

#include "credsim/adapt/adapt_view.hpp"
#include "credsim/behave/behaviour.hpp"
#include "credsim/behave/catalog.hpp"
#include "credsim/society/society.hpp"

namespace credsim {

struct Occurrence {
  NodeId person;
  EventTypeId type;
  std::uint16_t count;  // > 1 only for derived events (several posts in one week)
  friend bool operator==(const Occurrence&, const Occurrence&) = default;
};

inline constexpr std::size_t kRareBlock = 4096;

class RareEventSampler {
 public:
  RareEventSampler(const EventCatalog& catalog, const Persons& p);
  // Person i's weekly rate of drawn type k.
  double rate(EventTypeId k, std::size_t i) const;
  // This tick's occurrences: drawn types, then the events derived from structured behaviour;
  // sorted by (person, type).
  // `misconduct_mult` (deterrence, off by default; every value in [0, 1]) scales misconduct
  // rates: the block bounds stay valid bounds, so thinning stays exact.
  void draw(std::uint64_t seed, std::uint64_t replicate, Tick tick, const TickEvents& ev,
            std::vector<Occurrence>& out, const AdaptView::Misconduct& misconduct_mult = {}) const;

 private:
  const EventCatalog* catalog_;
  const Persons* p_;
  std::vector<EventTypeId> drawn_;           // types with a rate
  std::vector<std::vector<float>> block_max_;  // [drawn type][block]: largest personal rate
};

}  // namespace credsim
