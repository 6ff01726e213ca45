// The behaviour catalog (SPEC §2.2): what each person does in one tick, drawn from their
// propensities. Writes only the TickEvents columns; reads only the society's traits.
#pragma once
#include <cstdint>
#include <vector>

#include "credsim/adapt/adapt_view.hpp"
#include "credsim/core/types.hpp"
#include "credsim/scenario/scenario.hpp"
#include "credsim/society/society.hpp"

namespace credsim {

enum class Repayment : std::uint8_t { kNone = 0, kOnTime = 1, kMissed = 2, kDefault = 3 };

// One tick's events, one column per event type.
struct TickEvents {
  std::vector<Repayment> repayment;
  std::vector<std::uint16_t> baby, games, domestic, luxury;  // purchases by category
  std::vector<std::uint16_t> on_platform;                    // of those, paid on the operator's platform
  std::vector<float> gaming_hours;
  std::vector<std::uint16_t> unapproved, embarrassing;       // posts
  std::vector<float> spending;                               // yuan spent on the purchases above

  void resize(std::size_t n);
  bool sized(std::size_t n) const { return repayment.size() == n && baby.size() == n; }
  // Frees the columns only the record stage reads (purchases, gaming, embarrassing posts),
  // keeping what the economy and adaptation read after it (repayment, spending, unapproved posts).
  void release_recorded();
  // Frees every column (the simulation does so while it measures: nothing reads a tick's events
  // then). behave sizes them again.
  void release();
  std::size_t memory_bytes() const;
  static constexpr std::size_t kBytesPerPerson = sizeof(Repayment) + 7 * sizeof(std::uint16_t) + 2 * sizeof(float);
  static constexpr std::size_t kBytesAfterRecord = sizeof(Repayment) + sizeof(std::uint16_t) + sizeof(float);
};

// Whether person i has an instalment due at `tick` (ticks start at 1): staggered by id so the
// load is even across weeks.
inline bool instalment_due(NodeId i, Tick tick, Tick period) {
  return (static_cast<std::uint64_t>(tick) + i) % period == 0;  // 64-bit: no wrap near 2^32 persons
}

// `adapt` (may be null): the adaptation model's multipliers of posts, approved purchases and
// platform use; without it (or with a mechanism off) the draws are exactly the unadapted ones.
void behave(const BehaviourSpec& spec, const Persons& persons, std::uint64_t seed,
            std::uint64_t replicate, Tick tick, TickEvents& out, const AdaptView* adapt = nullptr);

}  // namespace credsim
