// The adaptation model's responses as the other stages read them (behave, the rare-event sampler,
// the ledger's rewarded reporting, the court list, metrics and snapshots): one multiplier or
// addition per person and mechanism.
//
// Learning model: the columns of AdaptState that the adapt stage wrote (the smoothed pressures are
// genuinely per person). Myopic model: nothing per person is stored but responsiveness; each
// response is derived when read from responsiveness and inputs that do not change between the adapt
// stage that would have stored it and every reader (docs/MODEL.md, "Adaptation"; SPEC §3):
//   post_mult        r_i and the person's social-data consent bit (fixed for the run)
//   approved_mult,   r_i and the composites' current scores: scores change only in the score
//   platform_add     stage, before adapt; behave reads them in the next tick, before score
//   misconduct_mult  r_i and the person's region (fixed)
//   pay_mult,        r_i alone (the myopic pressure is 1)
//   appeal_hazard
//   report_mult      r_i alone (the pressure is the reward on offer)
// Both paths evaluate the same rule functions below on the same inputs, so a derived value is the
// stored one bit for bit (tests/unit/adapt compare them every tick).
//
// Readers take one accessor per stage (AdaptView::post() etc.); it is false when the mechanism is
// off and then gives person i's value with one loop-invariant branch (stored or derived).
#pragma once
#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "credsim/adapt/adapt_spec.hpp"
#include "credsim/adapt/adapt_state.hpp"
#include "credsim/society/society.hpp"

namespace credsim {

// The response rules (MODEL.md "Adaptation"): level = min(1, max(0, k · r · x)).
inline double response_level(double strength, double responsiveness, double pressure) {
  return std::clamp(strength * responsiveness * pressure, 0.0, 1.0);
}

namespace adapt_rule {
inline float post_mult(const AdaptSpec& a, double r, double x) {
  return static_cast<float>(1.0 - a.chilling.max_reduction * response_level(a.chilling.strength, r, x));
}
inline float approved_mult(const AdaptSpec& a, double level) { return static_cast<float>(1.0 + a.gaming.purchase_boost * level); }
inline float platform_add(const AdaptSpec& a, double level) { return static_cast<float>(a.gaming.platform_boost * level); }
inline float misconduct_mult(const AdaptSpec& a, double r, double x) {
  return static_cast<float>(1.0 - a.deterrence.max_reduction * response_level(a.deterrence.strength, r, x));
}
inline float pay_mult(const AdaptSpec& a, double level) { return static_cast<float>(1.0 + a.leaving_lists.pay_boost * level); }
inline float appeal_hazard(const AdaptSpec& a, double level) { return static_cast<float>(a.leaving_lists.appeal_rate * level); }
inline float report_mult(const AdaptSpec& a, double r, double x) {
  return static_cast<float>(1.0 + a.reporting.strength * response_level(1.0, r, x));
}
// Gaming's pressure: 1 when some gamed composite's score is within `margin` below one of its
// privilege thresholds.
using Thresholds = decltype(PrivilegeSpec::thresholds);
inline bool near_threshold(const Thresholds& thresholds, double margin, double score) {
  bool near = false;
  for (double t : thresholds)
    if (score < t && score >= t - margin) near = true;
  return near;
}
struct GamedScores {
  const std::vector<std::uint16_t>* score;
  const Thresholds* thresholds;  // the composite's privilege thresholds
};
inline double near_threshold(const std::vector<GamedScores>& gamed, double margin, std::size_t i) {
  double near = 0;
  for (const GamedScores& g : gamed)
    if (near_threshold(*g.thresholds, margin, (*g.score)[i])) near = 1;
  return near;
}
// The same pressure as a table: one bit per possible (uint16) score, per gamed composite.
struct GamedTable {
  const std::vector<std::uint16_t>* score;
  std::vector<std::uint64_t> near;  // 1024 words: bit v = near_threshold(thresholds, margin, v)
  GamedTable(const std::vector<std::uint16_t>* s, const Thresholds& thresholds, double margin) : score(s), near(1024, 0) {
    for (std::uint32_t v = 0; v < 65536; ++v)
      if (near_threshold(thresholds, margin, static_cast<double>(v))) near[v >> 6] |= std::uint64_t{1} << (v & 63);
  }
  bool operator()(std::size_t i) const {
    const std::uint16_t v = (*score)[i];
    return (near[v >> 6] >> (v & 63)) & 1u;
  }
};
}  // namespace adapt_rule

// Which responses a run has (the same under both models; none under model "none").
enum AdaptResponse : std::uint8_t {
  kRespChilling = 1,       // post_mult
  kRespGaming = 2,         // approved_mult, platform_add
  kRespDeterrence = 4,     // misconduct_mult
  kRespLeavingLists = 8,   // pay_mult, appeal_hazard
  kRespReporting = 16,     // report_mult
};

class AdaptView {
 public:
  // Chilling: unapproved and embarrassing post rates × post_mult(i).
  struct Post {
    const float* stored = nullptr;
    const AdaptSpec* spec = nullptr;  // derived: non-null
    const float* r = nullptr;
    const std::uint16_t* traits = nullptr;  // packed (trait_bits)
    double x_open = 0, x_closed = 0;  // pressure with / without the social-data consent bit
    explicit operator bool() const { return stored || spec; }
    float operator()(std::size_t i) const {
      return stored ? stored[i] : adapt_rule::post_mult(*spec, r[i], (trait_bits::get(traits[i], trait_bits::kConsent, trait_bits::kConsentWidth) & kConsentSocial) ? x_open : x_closed);
    }
  };
  // Gaming: approved purchase rates × approved_mult(i), platform share + platform_add(i).
  struct Gaming {
    const float* approved = nullptr;
    const float* platform = nullptr;
    const AdaptSpec* spec = nullptr;
    const float* r = nullptr;
    const adapt_rule::GamedTable* gamed = nullptr;
    std::size_t gamed_count = 0;
    explicit operator bool() const { return approved || spec; }
    double level(std::size_t i) const {
      bool near = false;
      for (std::size_t c = 0; c < gamed_count; ++c) near |= gamed[c](i);
      return response_level(1.0, r[i], near ? 1.0 : 0.0);
    }
    float approved_mult(std::size_t i) const { return approved ? approved[i] : adapt_rule::approved_mult(*spec, level(i)); }
    float platform_add(std::size_t i) const { return platform ? platform[i] : adapt_rule::platform_add(*spec, level(i)); }
    // Both at once (behave): one evaluation of the pressure.
    std::pair<float, float> both(std::size_t i) const {
      if (approved) return {approved[i], platform[i]};
      const double l = level(i);
      return {adapt_rule::approved_mult(*spec, l), adapt_rule::platform_add(*spec, l)};
    }
  };
  // Deterrence: misconduct event rates × misconduct_mult(i).
  struct Misconduct {
    const float* stored = nullptr;
    const AdaptSpec* spec = nullptr;
    const float* r = nullptr;
    const std::uint16_t* region = nullptr;
    const double* rule = nullptr;  // per region (the last entry for regions beyond it)
    std::size_t rules = 0;
    explicit operator bool() const { return stored || spec; }
    float operator()(std::size_t i) const {
      if (stored) return stored[i];
      const double x = rules == 0 ? 0.0 : rule[std::min<std::size_t>(region[i], rules - 1)];
      return adapt_rule::misconduct_mult(*spec, r[i], x);
    }
  };
  // Leaving lists: court-list payment probability × pay_mult(i); appeal hazard appeal_hazard(i).
  struct Lists {
    const float* pay = nullptr;
    const float* appeal = nullptr;
    const AdaptSpec* spec = nullptr;
    const float* r = nullptr;
    explicit operator bool() const { return pay || spec; }
    float pay_mult(std::size_t i) const { return pay ? pay[i] : adapt_rule::pay_mult(*spec, response_level(1.0, r[i], 1.0)); }
    float appeal_hazard(std::size_t i) const {
      return appeal ? appeal[i] : adapt_rule::appeal_hazard(*spec, response_level(1.0, r[i], 1.0));
    }
  };
  // Reporting: the rewarded-reporting rate × report_mult(i).
  struct Report {
    const float* stored = nullptr;
    const AdaptSpec* spec = nullptr;
    const float* r = nullptr;
    double x = 0;  // min(1, reward / reward_ref)
    explicit operator bool() const { return stored || spec; }
    float operator()(std::size_t i) const { return stored ? stored[i] : adapt_rule::report_mult(*spec, r[i], x); }
  };

  AdaptView() = default;
  // Built by Adaptation::view: the pointers refer to members of the run (the adaptation state, the
  // persons' columns, the composites' score columns), which outlive the view.
  AdaptView(const AdaptSpec* spec, const AdaptState* state, std::uint8_t responses, bool derived, const Persons* persons,
            const std::vector<double>* deter_rule, double post_x_open, double post_x_closed, double report_x,
            std::vector<adapt_rule::GamedTable> gamed)
      : spec_(spec), state_(state), responses_(responses), derived_(derived), persons_(persons),
        deter_rule_(deter_rule), post_x_open_(post_x_open), post_x_closed_(post_x_closed), report_x_(report_x),
        gamed_(std::move(gamed)) {}

  bool derived() const { return derived_; }  // myopic: nothing stored but responsiveness
  std::uint8_t responses() const { return responses_; }
  std::size_t size() const { return state_ ? state_->responsiveness.size() : 0; }

  // One accessor per stage (the columns' addresses as they are now).
  Post post() const {
    Post a;
    if (!(responses_ & kRespChilling)) return a;
    if (!derived_) return a.stored = state_->post_mult.data(), a;
    a.spec = spec_, a.r = state_->responsiveness.data(), a.traits = persons_->traits.data();
    a.x_open = post_x_open_, a.x_closed = post_x_closed_;
    return a;
  }
  Gaming gaming() const {
    Gaming a;
    if (!(responses_ & kRespGaming)) return a;
    if (!derived_) return a.approved = state_->approved_mult.data(), a.platform = state_->platform_add.data(), a;
    a.spec = spec_, a.r = state_->responsiveness.data(), a.gamed = gamed_.data(), a.gamed_count = gamed_.size();
    return a;
  }
  Misconduct misconduct() const {
    Misconduct a;
    if (!(responses_ & kRespDeterrence)) return a;
    if (!derived_) return a.stored = state_->misconduct_mult.data(), a;
    a.spec = spec_, a.r = state_->responsiveness.data(), a.region = persons_->region.data();
    a.rule = deter_rule_->data(), a.rules = deter_rule_->size();
    return a;
  }
  Lists lists() const {
    Lists a;
    if (!(responses_ & kRespLeavingLists)) return a;
    if (!derived_) return a.pay = state_->pay_mult.data(), a.appeal = state_->appeal_hazard.data(), a;
    a.spec = spec_, a.r = state_->responsiveness.data();
    return a;
  }
  Report report() const {
    Report a;
    if (!(responses_ & kRespReporting)) return a;
    if (!derived_) return a.stored = state_->report_mult.data(), a;
    a.spec = spec_, a.r = state_->responsiveness.data(), a.x = report_x_;
    return a;
  }

  // The seven responses by name, in the order of metrics.csv and snapshots, each materialised as a
  // column (empty when the mechanism is off).
  static constexpr const char* kNames[7] = {"post_mult",    "approved_mult", "platform_add", "misconduct_mult",
                                            "pay_mult",     "appeal_hazard", "report_mult"};
  bool in_use(int k) const;
  // Calls fn(get) with get(i) = person i's value of response k (index into kNames; in use).
  template <class Fn>
  void with(int k, Fn&& fn) const {
    switch (k) {
      case 0: { const Post a = post(); fn([a](std::size_t i) { return a(i); }); break; }
      case 1: { const Gaming a = gaming(); fn([a](std::size_t i) { return a.approved_mult(i); }); break; }
      case 2: { const Gaming a = gaming(); fn([a](std::size_t i) { return a.platform_add(i); }); break; }
      case 3: { const Misconduct a = misconduct(); fn([a](std::size_t i) { return a(i); }); break; }
      case 4: { const Lists a = lists(); fn([a](std::size_t i) { return a.pay_mult(i); }); break; }
      case 5: { const Lists a = lists(); fn([a](std::size_t i) { return a.appeal_hazard(i); }); break; }
      default: { const Report a = report(); fn([a](std::size_t i) { return a(i); }); break; }
    }
  }
  // Response k materialised as a column (empty when not in use): snapshots and tests.
  std::vector<float> column(int k) const;

 private:
  const AdaptSpec* spec_ = nullptr;
  const AdaptState* state_ = nullptr;
  std::uint8_t responses_ = 0;
  bool derived_ = false;
  const Persons* persons_ = nullptr;
  const std::vector<double>* deter_rule_ = nullptr;
  double post_x_open_ = 0, post_x_closed_ = 0, report_x_ = 0;
  std::vector<adapt_rule::GamedTable> gamed_;
};

// The accessors of a view that may be null (model "none"): off.
inline AdaptView::Post adapt_post(const AdaptView* v) { return v ? v->post() : AdaptView::Post{}; }
inline AdaptView::Gaming adapt_gaming(const AdaptView* v) { return v ? v->gaming() : AdaptView::Gaming{}; }
inline AdaptView::Misconduct adapt_misconduct(const AdaptView* v) { return v ? v->misconduct() : AdaptView::Misconduct{}; }
inline AdaptView::Lists adapt_lists(const AdaptView* v) { return v ? v->lists() : AdaptView::Lists{}; }
inline AdaptView::Report adapt_report(const AdaptView* v) { return v ? v->report() : AdaptView::Report{}; }

}  // namespace credsim
