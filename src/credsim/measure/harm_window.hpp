// Which measured ticks the harm metrics' window needs a snapshot of (MODEL.md §20). Pure
// arithmetic on the run's schedule (ticks T, measure_every e, window W), shared by HarmMetrics
// (what to store and when to drop it) and the memory estimate (how many are held at once).
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "credsim/core/types.hpp"

namespace credsim::harm_window {

// The measured ticks: 0, every multiple of e, and T (Simulation::is_measure_tick).
inline bool measured(std::uint64_t t, std::uint64_t T, std::uint64_t e) { return t == 0 || t % e == 0 || t == T; }

// The next measured tick after m (m < T), or T + 1 when m ≥ T (there is none).
inline std::uint64_t next_measured(std::uint64_t m, std::uint64_t T, std::uint64_t e) {
  if (m >= T) return T + 1;
  return std::min(T, (m / e + 1) * e);
}

// b(t): the latest measured tick ≤ max(0, t − W), for a measured t ≤ T.
inline std::uint64_t base(std::uint64_t t, std::uint64_t T, std::uint64_t e, std::uint64_t W) {
  const std::uint64_t x = t >= W ? t - W : 0;
  return measured(x, T, e) ? x : x / e * e;  // x < t ≤ T here, so only 0 and multiples of e
}

// Whether some later measured tick t' ≤ T has b(t') = m, for a measured m: then m's columns
// must be kept after tick m. b(t') = m exactly for t' in [m + W, m⁺ + W − 1] (m⁺ = the next
// measured tick), and for m = 0 also for every t' in [1, W) (b is 0 there).
inline bool needed(std::uint64_t m, std::uint64_t T, std::uint64_t e, std::uint64_t W) {
  if (m >= T) return false;
  const std::uint64_t lo = m == 0 ? 1 : m + W;
  const std::uint64_t hi = std::min(T, next_measured(m, T, e) + W - 1);
  if (lo > hi) return false;
  const std::uint64_t first = (lo + e - 1) / e * e;  // the first multiple of e ≥ lo
  return first <= hi || hi == T;                     // T is measured and lies in [lo, hi] then
}

// Snapshots stored over the whole run, and the most held at once (after a measured tick's
// snapshot is taken and those no later tick needs are dropped): the memory estimate's count.
// bytes_max: the most bytes held at once when the tick-0 snapshot takes bytes0 and every other
// one bytes (tick 0's wealth is not stored: it is the initial wealth).
struct Count {
  std::uint64_t stored = 0;
  std::uint64_t held_max = 0;
  double bytes_max = 0;
};
inline Count count(std::uint64_t T, std::uint64_t e, std::uint64_t W, double bytes0 = 1, double bytes = 1) {
  Count c;
  // Held after measured tick t: the stored m with b(t⁺) ≤ m ≤ t (t⁺ the next measured tick).
  // Both ends only move forward, so a two-pointer walk over the stored ticks is O(T / e).
  std::uint64_t held = 0;     // stored ticks in [lo_tick, t]
  std::uint64_t lo_tick = 0;  // a measured tick: the oldest not yet dropped
  auto stored_at = [&](std::uint64_t m) { return needed(m, T, e, W); };
  for (std::uint64_t t = 0; t <= T; t = next_measured(t, T, e)) {
    if (stored_at(t)) ++c.stored, ++held;
    const std::uint64_t keep_from = t < T ? base(next_measured(t, T, e), T, e, W) : T + 1;
    while (lo_tick < keep_from && lo_tick <= t) {
      if (stored_at(lo_tick)) --held;
      lo_tick = next_measured(lo_tick, T, e);
    }
    c.held_max = std::max(c.held_max, held);
    const std::uint64_t held0 = lo_tick == 0 && stored_at(0) ? 1 : 0;  // tick 0 is still held
    c.bytes_max = std::max(c.bytes_max, static_cast<double>(held0) * bytes0 + static_cast<double>(held - held0) * bytes);
    if (t == T) break;
  }
  return c;
}

}  // namespace credsim::harm_window
