// The behaviour catalog (SPEC §2.2): what each person does in one tick, drawn from their
// propensities. Writes only the TickEvents columns; reads only the society's traits.
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "credsim/adapt/adapt_view.hpp"
#include "credsim/core/types.hpp"
#include "credsim/scenario/scenario.hpp"
#include "credsim/society/society.hpp"

namespace credsim {

enum class Repayment : std::uint8_t { kNone = 0, kOnTime = 1, kMissed = 2, kDefault = 3 };

// One person's events of one tick (what behave draws for them).
struct PersonEvents {
  Repayment repayment = Repayment::kNone;
  std::uint16_t baby = 0, games = 0, domestic = 0, luxury = 0;  // purchases by category
  std::uint16_t on_platform = 0;                                // of those, paid on the operator's platform
  float gaming_hours = 0;
  std::uint16_t unapproved = 0, embarrassing = 0;               // posts
  float spending = 0;                                           // yuan spent on the purchases above
};

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
  // With the record fused into behave (below): repayment, spending and both post counts (the
  // rare-event sampler turns posts into occurrences); no purchase or gaming columns at all.
  static constexpr std::size_t kBytesFused = sizeof(Repayment) + 2 * sizeof(std::uint16_t) + sizeof(float);
  bool fused = false;  // this tick's purchase and gaming columns were never made (record fused)
  // Person i's events (all columns present: not fused).
  PersonEvents at(std::size_t i) const {
    return {repayment[i], baby[i], games[i], domestic[i], luxury[i], on_platform[i], gaming_hours[i],
            unapproved[i], embarrassing[i], spending[i]};
  }
};

// Recording fused into behave: a reader of a tick's events that needs nothing but each person's
// own events (the composite score's record) takes them block by block as behave draws them, so
// the purchase and gaming columns (14 B/person) are never made. Called once per block of
// kFuseBlock persons, from the thread drawing it: `first` is the block's first person.
using FusedRecorder = std::function<void(std::size_t first, std::span<const PersonEvents> block)>;
inline constexpr std::size_t kFuseBlock = 2048;

// Whether person i has an instalment due at `tick` (ticks start at 1): staggered by id so the
// load is even across weeks.
inline bool instalment_due(NodeId i, Tick tick, Tick period) {
  return (static_cast<std::uint64_t>(tick) + i) % period == 0;  // 64-bit: no wrap near 2^32 persons
}

// The random-number layout of behave: person i's draws at tick t all come from block 0 of
// Rng(seed, replicate, t, i, Stream::kBehaviour), read as ten kBits-bit fields (draw::field), one
// per behaviour at these fixed positions; uniform = (field + 1/2) / 2^kBits. A Poisson mean (or a
// binomial n·min(p, 1-p)) above kInversionMax uses the normal approximation from block 1 + slot.
namespace behave_layout {
inline constexpr unsigned kBits = 25;
inline constexpr unsigned kMiss = 0, kDefault = 1, kBaby = 2, kGames = 3, kDomestic = 4, kLuxury = 5, kPlatform = 6,
                          kGamingHours = 7, kUnapproved = 8, kEmbarrassing = 9;
inline constexpr unsigned kSlots = 10;
inline constexpr double kInversionMax = 30.0;
}  // namespace behave_layout

// `adapt` (may be null): the adaptation model's multipliers of posts, approved purchases and
// platform use; without it (or with a mechanism off) the draws are exactly the unadapted ones.
// `fused` (null: every column is made): recorders (none or more) that take every person's events
// as they are drawn; then `out` holds only repayment, spending and posts
// (TickEvents::kBytesFused) and `out.fused` is set. The draws and every column written are the
// same either way.
void behave(const BehaviourSpec& spec, const Persons& persons, std::uint64_t seed,
            std::uint64_t replicate, Tick tick, TickEvents& out, const AdaptView* adapt = nullptr,
            const std::vector<FusedRecorder>* fused = nullptr);

}  // namespace credsim
