// Reading [adapt] with the checked Reader: every key optional, ranges checked, unknown keys are
// errors with a did-you-mean (Reader::finish on the root).
#include "credsim/adapt/adapt_spec.hpp"

#include "credsim/scenario/reader.hpp"

namespace credsim {

AdaptSpec read_adapt_spec(const scenario::Reader& r) {
  AdaptSpec s;
  const std::string model = r.get_choice("model", "none", {"none", "myopic", "learning"});
  s.model = model == "myopic" ? AdaptModel::kMyopic : model == "learning" ? AdaptModel::kLearning : AdaptModel::kNone;
  s.responsiveness_mean = r.get_double("responsiveness_mean", s.responsiveness_mean, 0, 100);
  s.responsiveness_sigma = r.get_double("responsiveness_sigma", s.responsiveness_sigma, 0, 5);
  s.learning_rate = r.get_double("learning_rate", s.learning_rate, 0, 1);
  if (s.model == AdaptModel::kLearning && s.learning_rate == 0)
    throw r.error("learning_rate", "the learning model with learning_rate = 0 never learns", "a rate in (0, 1]",
                  "e.g. learning_rate = 0.2, or model = \"none\"");
  {
    const scenario::Reader c = r.section("chilling");
    s.chilling.enabled = c.get_bool("enabled", s.chilling.enabled);
    s.chilling.strength = c.get_double("strength", s.chilling.strength, 0, 1e3);
    s.chilling.max_reduction = c.get_double("max_reduction", s.chilling.max_reduction, 0, 1);
  }
  {
    const scenario::Reader u = r.section("unfriending");
    s.unfriending.enabled = u.get_bool("enabled", s.unfriending.enabled);
    s.unfriending.drop_prob = u.get_double("drop_prob", s.unfriending.drop_prob, 0, 1);
    s.unfriending.posts_threshold = u.get_double("posts_threshold", s.unfriending.posts_threshold, 0, 1e6);
    s.unfriending.new_tie_prob = u.get_double("new_tie_prob", s.unfriending.new_tie_prob, 0, 1);
    s.unfriending.homophily_band = u.get_double("homophily_band", s.unfriending.homophily_band, 0, 600);
  }
  {
    const scenario::Reader g = r.section("gaming");
    s.gaming.enabled = g.get_bool("enabled", s.gaming.enabled);
    s.gaming.margin = g.get_double("margin", s.gaming.margin, 0, 600);
    s.gaming.purchase_boost = g.get_double("purchase_boost", s.gaming.purchase_boost, 0, 100);
    s.gaming.platform_boost = g.get_double("platform_boost", s.gaming.platform_boost, 0, 1);
  }
  {
    const scenario::Reader d = r.section("deterrence");
    s.deterrence.enabled = d.get_bool("enabled", s.deterrence.enabled);
    s.deterrence.strength = d.get_double("strength", s.deterrence.strength, 0, 1e3);
    s.deterrence.max_reduction = d.get_double("max_reduction", s.deterrence.max_reduction, 0, 1);
  }
  {
    const scenario::Reader l = r.section("leaving_lists");
    s.leaving_lists.enabled = l.get_bool("enabled", s.leaving_lists.enabled);
    s.leaving_lists.pay_boost = l.get_double("pay_boost", s.leaving_lists.pay_boost, 0, 1e3);
    s.leaving_lists.appeal_rate = l.get_double("appeal_rate", s.leaving_lists.appeal_rate, 0, 1);
  }
  {
    const scenario::Reader p = r.section("reporting");
    s.reporting.enabled = p.get_bool("enabled", s.reporting.enabled);
    s.reporting.strength = p.get_double("strength", s.reporting.strength, 0, 1e3);
    s.reporting.reward_ref = p.get_double("reward_ref", s.reporting.reward_ref, 1e-9, 1e12);
  }
  return s;
}

}  // namespace credsim
