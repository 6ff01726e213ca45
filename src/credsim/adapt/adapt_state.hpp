// The adaptation model's per-person state, as plain columns. Readers do not use it directly but
// through an AdaptView (adapt_view.hpp): under the learning model the response columns below are
// stored (and the smoothed pressures); under the myopic model only responsiveness is, and every
// response is derived on read. An empty column means "not stored" (model none or myopic, or that
// mechanism off). Baseline propensities in Persons are never modified: an effective rate =
// baseline × multiplier, measurable and reversible. Every member is a plain vector or integer, so
// a checkpoint can save and restore it as is.
#pragma once
#include <cstdint>
#include <vector>

namespace credsim {

struct AdaptState {
  std::vector<float> responsiveness;   // r_i, drawn once (empty: model none)
  // Multipliers / additions read by later stages (learning model only; empty: not stored).
  std::vector<float> post_mult;        // unapproved and embarrassing post rates × (chilling)
  std::vector<float> approved_mult;    // baby-goods and domestic-brand purchase rates × (gaming)
  std::vector<float> platform_add;     // + platform share (gaming)
  std::vector<float> misconduct_mult;  // misconduct event rates × (deterrence)
  std::vector<float> pay_mult;         // court-list payment probability × (leaving lists)
  std::vector<float> appeal_hazard;    // per tick: wrongly listed and notified, no appeal yet (leaving lists)
  std::vector<float> report_mult;      // rewarded-reporting rate × (reporting)
  // The learning model's smoothed pressures, one per mechanism (empty under myopic/none).
  std::vector<float> learn_chill, learn_unfriend, learn_gaming, learn_deter, learn_lists, learn_report;
  // Dynamic graph, cumulative and this tick.
  std::uint64_t ties_cut_total = 0, ties_formed_total = 0;
  std::uint64_t ties_cut_tick = 0, ties_formed_tick = 0;

  // Checkpoints (io/checkpoint.hpp): every member, in one list for save and load.
  template <class A>
  void fields(A& a) {
    a(responsiveness, post_mult, approved_mult, platform_add, misconduct_mult, pay_mult, appeal_hazard, report_mult);
    a(learn_chill, learn_unfriend, learn_gaming, learn_deter, learn_lists, learn_report);
    a(ties_cut_total, ties_formed_total, ties_cut_tick, ties_formed_tick);
  }

  std::size_t memory_bytes() const {
    std::size_t b = 0;
    for (const auto* v : {&responsiveness, &post_mult, &approved_mult, &platform_add, &misconduct_mult, &pay_mult,
                          &appeal_hazard, &report_mult, &learn_chill, &learn_unfriend, &learn_gaming, &learn_deter,
                          &learn_lists, &learn_report})
      b += v->capacity() * sizeof(float);
    return b;
  }
};

}  // namespace credsim
