// FICO-style score: bureau file kept from the lender's instalment reports and the ledger's
// finance records (with their errors, corrections and expiry), five sub-scores, monthly
// recomputation of the score and of its error-free counterfactual. docs/MODEL.md, "FICO-style".
#include "credsim/systems/fico.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "credsim/core/parallel.hpp"
#include "credsim/core/rng.hpp"
#include "credsim/measure/stats.hpp"
#include "credsim/scenario/reader.hpp"

namespace credsim {

namespace {
constexpr double kMin = 300, kMax = 850;
constexpr std::array<double, 7> kProbs{0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};
constexpr std::array<const char*, 7> kProbKeys{"p1", "p5", "p25", "p50", "p75", "p95", "p99"};
// Domains a credit bureau may hold: money matters only (no network, no politics, no shopping
// categories, no traffic): SPEC §1.12.
const std::vector<std::string> kBureauDomains{"finance", "judicial", "utilities", "tax"};


std::uint16_t sat_add(std::uint16_t a, std::uint32_t b) {
  return static_cast<std::uint16_t>(std::min<std::uint32_t>(65535u, a + b));
}
}  // namespace

FicoSpec read_fico_spec(const scenario::Reader& r, const EventCatalog& /*catalog*/) {
  FicoSpec s;
  s.recompute_every = static_cast<Tick>(r.get_int("recompute_every", s.recompute_every, 1, 520));
  {
    const scenario::Reader w = r.section("weights");
    const char* keys[] = {"payment_history", "amounts_owed", "length_of_history", "credit_mix", "new_credit"};
    double sum = 0;
    for (int k = 0; k < 5; ++k) sum += s.weights[k] = w.get_double(keys[k], s.weights[k], 0, 1e6);
    if (sum <= 0)
      throw r.error("weights", "all five weights are zero", "at least one positive weight", "e.g. payment_history = 35");
  }
  s.grade_names = r.get_string_array("grades", s.grade_names, 1, 32);
  s.grade_lower = r.get_double_array("grade_lower", s.grade_lower, -1e18, 1e18, s.grade_names.size(), s.grade_names.size());
  for (std::size_t k = 1; k < s.grade_lower.size(); ++k)
    if (s.grade_lower[k] >= s.grade_lower[k - 1])
      throw r.error("grade_lower", "band lower bounds must fall from the best band to the worst",
                    "strictly decreasing bounds, one per band", "e.g. [800, 740, 670, 580, 300]");
  if (s.grade_lower.back() > kMin)
    throw r.error("grade_lower", "the worst band must start at or below 300", "a last bound <= 300",
                  "e.g. [800, 740, 670, 580, 300]");
  for (const auto& g : s.grade_names)
    if (g.empty()) throw r.error("grades", "empty band name", "non-empty names", "rename it");
  s.domains = r.get_string_array("domains", s.domains, 1, 4);
  for (const auto& d : s.domains)
    if (std::find(kBureauDomains.begin(), kBureauDomains.end(), d) == kBureauDomains.end())
      throw r.error("domains", "domain '" + d + "' is not financial: a FICO-style score holds no network, political, "
                    "shopping or conduct data (SPEC §1.12)", "some of finance, judicial, utilities, tax",
                    "remove it (use a composite system to score other domains)");
  {
    const scenario::Reader p = r.section("payment_history");
    s.prior_good = p.get_double("prior_good", s.prior_good, 1e-9, 1e6);
    s.missed_weight = p.get_double("missed_weight", s.missed_weight, 0, 1e6);
    s.default_weight = p.get_double("default_weight", s.default_weight, 0, 1e6);
    s.other_weight = p.get_double("other_weight", s.other_weight, 0, 1e6);
    s.record_validity = static_cast<Tick>(p.get_int("record_validity", s.record_validity, 0, 100000));
    s.initial_history = p.get_bool("initial_history", s.initial_history);
  }
  {
    const scenario::Reader a = r.section("amounts_owed");
    s.limit_income_weeks = a.get_double("limit_income_weeks", s.limit_income_weeks, 1e-6, 1e6);
    s.statement_weeks = a.get_double("statement_weeks", s.statement_weeks, 0, 1e6);
    s.default_balance_weeks = a.get_double("default_balance_weeks", s.default_balance_weeks, 0, 1e6);
    s.spending_half_life = a.get_double("spending_half_life", s.spending_half_life, 0.01, 1e6);
    s.no_line_amounts_owed = a.get_double("no_line", s.no_line_amounts_owed, 0, 1);
  }
  {
    const scenario::Reader l = r.section("length_of_history");
    const auto y = l.get_double_array("credit_years", {s.credit_years.begin(), s.credit_years.end()}, 0, 100, 5, 5);
    std::copy(y.begin(), y.end(), s.credit_years.begin());
    s.full_history_years = l.get_double("full_history_years", s.full_history_years, 0.01, 100);
  }
  {
    const scenario::Reader m = r.section("credit_mix");
    s.card_income = m.get_double("card_income", s.card_income, 0, 1e12);
    s.mortgage_wealth = m.get_double("mortgage_wealth", s.mortgage_wealth, 0, 1e15);
  }
  {
    const scenario::Reader n = r.section("new_credit");
    s.inquiry_rate = n.get_double("inquiry_rate", s.inquiry_rate, 0, 10);
    s.inquiry_half_life = n.get_double("inquiry_half_life", s.inquiry_half_life, 0.01, 1e6);
    s.inquiry_weight = n.get_double("inquiry_weight", s.inquiry_weight, 0, 1e6);
  }
  return s;
}

// ---- sub-scores -------------------------------------------------------------------------------

double fico_payment_history(const FicoSpec& s, double on_time, double missed, double defaults, double other) {
  const double good = s.prior_good + on_time;
  return good / (good + s.missed_weight * missed + s.default_weight * defaults + s.other_weight * other);
}

double fico_amounts_owed(const FicoSpec& s, bool has_line, double income, double spending_avg, double defaults) {
  if (!has_line) return s.no_line_amounts_owed;
  const double limit = s.limit_income_weeks * income;
  const double balance = s.statement_weeks * spending_avg + s.default_balance_weeks * income * defaults;
  if (limit <= 0) return balance > 0 ? 0.0 : 1.0;
  return 1.0 - std::min(1.0, balance / limit);
}

double fico_length_of_history(const FicoSpec& s, bool has_account, std::uint8_t age_band, Tick tick) {
  if (!has_account) return 0.0;
  const double years = s.credit_years[std::min<std::size_t>(age_band, 4)] + tick / 52.0;
  return std::min(1.0, years / s.full_history_years);
}

double fico_credit_mix(const FicoSpec& s, bool has_line, double income, double initial_wealth) {
  return (static_cast<double>(has_line) + static_cast<double>(income >= s.card_income) +
          static_cast<double>(initial_wealth >= s.mortgage_wealth)) / 3.0;
}

double fico_new_credit(const FicoSpec& s, double inquiries) { return 1.0 / (1.0 + s.inquiry_weight * inquiries); }

double fico_score(const FicoSpec& s, const std::array<double, 5>& sub) {
  double num = 0, den = 0;
  for (int k = 0; k < 5; ++k) num += s.weights[k] * sub[k], den += s.weights[k];
  return std::clamp(std::round(kMin + (kMax - kMin) * num / den), kMin, kMax);
}

// ---- the system -------------------------------------------------------------------------------

Fico::Fico(std::string name, const FicoSpec& spec, std::size_t n)
    : name_(std::move(name)), spec_(spec), on_time_(n, 0.0f), derog_all_(3 * n, 0), derog_true_(3 * n, 0),
      spending_avg_(n, 0.0f), inquiries_(n, 0.0f), wrong_now_(n, 0), wrong_ever_(n, 0), score_(n, kMin),
      score_cf_(n, kMin), grade_(n, 0), grade_cf_(n, 0) {
  inquiry_decay_ = std::exp2(-1.0 / spec_.inquiry_half_life);
  spend_weight_ = 1.0 - std::exp2(-1.0 / spec_.spending_half_life);
}

std::uint8_t Fico::grade_of(double s) const {
  for (std::size_t k = 0; k < spec_.grade_lower.size(); ++k)
    if (s >= spec_.grade_lower[k]) return static_cast<std::uint8_t>(k);
  return static_cast<std::uint8_t>(spec_.grade_lower.size() - 1);
}

void Fico::initialise(const SimContext& ctx) {
  const EventCatalog& cat = ctx.catalog;
  category_of_type_.assign(cat.size(), kNotHeld);
  for (std::size_t k = 0; k < cat.size(); ++k) {
    const std::string_view d = domain_name(cat[static_cast<EventTypeId>(k)].domain);
    if (std::find(spec_.domains.begin(), spec_.domains.end(), d) == spec_.domains.end()) continue;
    category_of_type_[k] = k == ev::kMissedInstalment ? kMissed : k == ev::kLoanDefault ? kDefault : kOther;
  }
  const Persons& p = ctx.society.persons;
  const BehaviourSpec& b = ctx.scenario.behaviour;
  const double steady_inquiries = spec_.inquiry_rate / (1.0 - inquiry_decay_);
  parallel_for(p.size(), [&](std::size_t i) {
    // Expected weekly spending from the person's purchase rates (the smoothing's starting point).
    spending_avg_[i] = static_cast<float>(p.rate_baby[i] * b.price_baby + p.rate_games[i] * b.price_games +
                                          p.rate_domestic[i] * b.price_domestic + p.rate_luxury[i] * b.price_luxury);
    inquiries_[i] = static_cast<float>(steady_inquiries);
    if (!spec_.initial_history || !p.has_loan(i)) return;
    // The file's past within the reporting window: one instalment per repayment period, each
    // missed with the person's own probability (true records, in both columns; they do not expire).
    double years = spec_.credit_years[std::min<std::size_t>(p.age_band(i), 4)];
    if (spec_.record_validity > 0) years = std::min(years, spec_.record_validity / 52.0);
    const double due = std::floor(years * 52.0 / b.repayment_period);
    Rng rng(ctx.seed, ctx.replicate, Rng::kNoTick, i, Stream::kFico);
    const double miss = due * p.miss_prob[i];
    const std::uint32_t missed = rng.poisson(miss * (1.0 - b.default_given_miss));
    const std::uint32_t defaults = rng.poisson(miss * b.default_given_miss);
    on_time_[i] = static_cast<float>(std::max(0.0, due - missed - defaults));
    for (auto* col : {&derog_all_, &derog_true_}) {
      (*col)[3 * i + kMissed] = sat_add(0, missed);
      (*col)[3 * i + kDefault] = sat_add(0, defaults);
    }
  });
  recompute(ctx);
}

void Fico::remove(std::uint64_t k) {
  auto it = held_.find(k);
  if (it == held_.end()) return;
  const Held& h = it->second;
  std::uint16_t& a = derog_all_[3 * h.person + h.category];
  a = static_cast<std::uint16_t>(a - std::min(a, h.count));
  if (h.wrong) {
    if (wrong_now_[h.person] > 0) --wrong_now_[h.person];
  } else {
    std::uint16_t& t = derog_true_[3 * h.person + h.category];
    t = static_cast<std::uint16_t>(t - std::min(t, h.count));
  }
  held_.erase(it);
}

void Fico::record(const SimContext& ctx) {
  const Tick t = ctx.tick;
  const TickEvents& ev = ctx.events;
  // The lender's reports and the person's own spending and credit applications: per person.
  parallel_for(on_time_.size(), [&](std::size_t i) {
    if (ev.repayment[i] == Repayment::kOnTime) on_time_[i] += 1.0f;
    spending_avg_[i] = static_cast<float>(spending_avg_[i] + spend_weight_ * (ev.spending[i] - spending_avg_[i]));
    std::uint32_t inq = 0;
    if (spec_.inquiry_rate > 0) {
      Rng rng(ctx.seed, ctx.replicate, t, i, Stream::kFico);
      inq = rng.poisson(spec_.inquiry_rate);
    }
    inquiries_[i] = static_cast<float>(inquiry_decay_ * inquiries_[i] + inq);
  });
  // Derogatory records reach the bureau through the ledger (with its errors), in ledger order.
  const auto& records = ctx.ledger.records();
  const std::uint64_t first = records.size() - ctx.ledger.added().size();
  for (std::uint64_t k = first; k < records.size(); ++k) {
    const Record& r = records[k];
    if (r.type >= category_of_type_.size() || category_of_type_[r.type] == kNotHeld) continue;
    if (!ctx.sees(*this, r)) continue;  // outside the bureau's row of the sharing matrix
    const Category c = category_of_type_[r.type];
    const bool wrong = r.origin != Origin::kTrue;
    derog_all_[3 * r.person + c] = sat_add(derog_all_[3 * r.person + c], r.count);
    if (wrong) {
      wrong_now_[r.person] = sat_add(wrong_now_[r.person], 1);
      wrong_ever_[r.person] = 1;
    } else {
      derog_true_[3 * r.person + c] = sat_add(derog_true_[3 * r.person + c], r.count);
    }
    held_[k] = {r.person, r.count, c, wrong};
    ++held_total_;
    if (spec_.record_validity > 0) expiries_.emplace_back(r.tick + spec_.record_validity, k);
  }
  // Corrections on appeal take the record off the file; so does age.
  for (std::uint64_t k : ctx.ledger.corrected()) {
    if (held_.count(k)) ++corrected_;
    remove(k);
  }
  while (!expiries_.empty() && expiries_.front().first <= t) {
    if (held_.count(expiries_.front().second)) ++expired_;
    remove(expiries_.front().second);
    expiries_.pop_front();
  }
}

std::array<double, 5> Fico::subscores(const SimContext& ctx, std::size_t i, bool true_only) const {
  const Persons& p = ctx.society.persons;
  const auto& d = true_only ? derog_true_ : derog_all_;
  const bool line = p.has_loan(i) != 0;
  const double income = p.income[i], wealth0 = p.initial_wealth[i];
  const bool card = income >= spec_.card_income, mortgage = wealth0 >= spec_.mortgage_wealth;
  return {fico_payment_history(spec_, on_time_[i], d[3 * i + kMissed], d[3 * i + kDefault], d[3 * i + kOther]),
          fico_amounts_owed(spec_, line, income, spending_avg_[i], d[3 * i + kDefault]),
          fico_length_of_history(spec_, line || card || mortgage, p.age_band(i), ctx.tick),
          fico_credit_mix(spec_, line, income, wealth0), fico_new_credit(spec_, inquiries_[i])};
}

void Fico::recompute(const SimContext& ctx) {
  parallel_for(score_.size(), [&](std::size_t i) {
    const double s = fico_score(spec_, subscores(ctx, i, false));
    // Without a wrong record on file the two files are the same: skip the second computation.
    const double cf = wrong_now_[i] ? fico_score(spec_, subscores(ctx, i, true)) : s;
    score_[i] = static_cast<float>(s);
    score_cf_[i] = static_cast<float>(cf);
    grade_[i] = grade_of(s);
    grade_cf_[i] = grade_of(cf);
  });
}

void Fico::score(const SimContext& ctx) {
  if (ctx.tick % spec_.recompute_every == 0) recompute(ctx);
}

void Fico::measure(const SimContext& ctx, io::MetricsCsv& out) const {
  const Tick t = ctx.tick;
  const std::size_t n = score_.size();
  // Every column read in place (no double copies): the same bytes as the kernels over copies.
  const std::span<const float> x(score_);
  const Uf16Span w(ctx.society.persons.initial_wealth);
  out.row(t, name_, "score_mean", "", measure::mean_of(n, [&](std::size_t i) { return static_cast<double>(score_[i]); }));
  out.row(t, name_, "score_sd", "", measure::stdev_of(n, [&](std::size_t i) { return static_cast<double>(score_[i]); }));
  const measure::QuantilesGini qg = measure::quantiles_and_gini(x, kProbs);
  const auto& q = qg.quantiles;
  for (std::size_t k = 0; k < q.size(); ++k) out.row(t, name_, "score_quantile", kProbKeys[k], q[k]);
  out.row(t, name_, "score_gini", "", qg.gini);
  const double bin = ctx.scenario.measure.histogram_bin;
  const std::size_t bins = static_cast<std::size_t>(std::ceil((kMax - kMin) / bin));
  const auto h = measure::histogram(x, kMin, kMin + bins * bin, bins);
  for (std::size_t b = 0; b < bins; ++b)
    out.row(t, name_, "score_histogram", fmt::format("{}", kMin + b * bin), n ? static_cast<double>(h[b]) / n : 0.0);
  std::vector<std::uint64_t> band(spec_.grade_names.size(), 0);
  std::uint64_t wrong = 0, ever = 0, changed = 0, better = 0, worse = 0;
  for (std::size_t i = 0; i < n; ++i) {
    band[grade_[i]]++;
    wrong += wrong_now_[i] > 0;
    ever += wrong_ever_[i];
    changed += score_[i] != score_cf_[i];
    better += grade_cf_[i] < grade_[i];  // index 0 = best band
    worse += grade_cf_[i] > grade_[i];
  }
  const auto share = [n](std::uint64_t c) { return n ? static_cast<double>(c) / n : 0.0; };
  for (std::size_t g = 0; g < band.size(); ++g) out.row(t, name_, "band_share", spec_.grade_names[g], share(band[g]));
  out.row(t, name_, "score_wealth_spearman", "", measure::spearman(x, w));
  out.row(t, name_, "score_cf_mean", "", measure::mean_of(n, [&](std::size_t i) { return static_cast<double>(score_cf_[i]); }));
  // Data errors, in the FTC study's terms (SPEC §1.6), over all persons.
  out.row(t, name_, "error_share", "", share(wrong));
  out.row(t, name_, "error_share_ever", "", share(ever));
  out.row(t, name_, "score_changed_share", "", share(changed));
  out.row(t, name_, "better_tier_share", "", share(better));
  out.row(t, name_, "worse_tier_share", "", share(worse));
  out.row(t, name_, "records_on_file", "", static_cast<double>(held_.size()));
  out.row(t, name_, "records_held_total", "", static_cast<double>(held_total_));
  out.row(t, name_, "records_corrected", "", static_cast<double>(corrected_));
  out.row(t, name_, "records_expired", "", static_cast<double>(expired_));
}

SystemOutputs Fico::outputs() const {
  SystemOutputs o;
  o.score = &score_;
  o.grade = &grade_;
  o.grade_names = spec_.grade_names;
  return o;
}

std::size_t Fico::memory_bytes() const {
  return score_.size() * (5 * sizeof(float) + 7 * sizeof(std::uint16_t) + 3 * sizeof(std::uint8_t)) +
         category_of_type_.size() + held_.size() * (sizeof(std::uint64_t) + sizeof(Held) + 16) +
         held_.bucket_count() * sizeof(void*) + expiries_.size() * sizeof(std::pair<Tick, std::uint64_t>);
}

// Everything but the name and the spec (which the scenario gives again on resume).
void Fico::checkpoint(ckpt::Archive& a) {
  a(category_of_type_, inquiry_decay_, spend_weight_, on_time_, derog_all_, derog_true_, spending_avg_, inquiries_,
    wrong_now_, wrong_ever_, score_, score_cf_, grade_, grade_cf_, held_, expiries_, held_total_, corrected_, expired_);
}

}  // namespace credsim
