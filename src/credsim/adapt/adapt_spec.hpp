// Scenario description of how the society responds (SPEC §3): [adapt] model = "none" | "myopic" |
// "learning", each person's responsiveness, and one sub-table per mechanism, each off-able.
// Definitions of every key: docs/MODEL.md, "Adaptation".
#pragma once
#include <cstdint>

namespace credsim {
namespace scenario { class Reader; }

enum class AdaptModel : std::uint8_t { kNone = 0, kMyopic = 1, kLearning = 2 };

struct AdaptSpec {
  AdaptModel model = AdaptModel::kNone;
  // Responsiveness r_i: lognormal with this mean and log-sd, drawn once per person.
  double responsiveness_mean = 1.0, responsiveness_sigma = 0.5;
  double learning_rate = 0.2;  // α of the learning model's exponential smoothing
  struct Chilling {
    bool enabled = true;
    double strength = 1.0;       // k: response level = min(1, k · r_i · x_i)
    double max_reduction = 0.9;  // unapproved and embarrassing posts fall by at most this share
  } chilling;
  struct Unfriending {
    bool enabled = true;
    double drop_prob = 0.01;      // per dragging friend per tick, × min(1, r_i · x_i)
    double posts_threshold = 0.5; // × rel posts_cap: a friend's recorded posts per week that "drag"
    double new_tie_prob = 0.0;    // per person per tick, × min(1, r_i): one homophilous new tie
    double homophily_band = 50;   // score points: a new friend's score within this of one's own
  } unfriending;
  struct Gaming {
    bool enabled = true;
    double margin = 30;           // score points below a privilege threshold that count as "near"
    double purchase_boost = 1.0;  // approved purchases × (1 + boost · level)
    double platform_boost = 0.3;  // platform share + boost · level (capped at 1)
  } gaming;
  struct Deterrence {
    bool enabled = true;
    double strength = 0.5;
    double max_reduction = 0.5;   // misconduct rates fall by at most this share
  } deterrence;
  struct LeavingLists {
    bool enabled = true;
    double pay_boost = 2.0;       // court-list payment probability × (1 + boost · level)
    double appeal_rate = 0.1;     // per tick, wrongly listed and notified, no appeal yet: × level
  } leaving_lists;
  struct Reporting {
    bool enabled = true;
    double strength = 2.0;        // reporting rate × (1 + strength · level)
    double reward_ref = 100;      // yuan: the myopic pressure is min(1, reward / reward_ref)
  } reporting;
};

// Reads [adapt] (all keys optional; model "none" by default).
AdaptSpec read_adapt_spec(const scenario::Reader& r);

}  // namespace credsim
