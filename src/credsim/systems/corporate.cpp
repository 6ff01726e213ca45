// Corporate credit: the code register, per-business compliance draws, the political record, the
// A/B/C/D rating and joint punishment both ways. Definitions: docs/MODEL.md, "Corporate credit".
#include "credsim/systems/corporate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "credsim/core/error.hpp"
#include "credsim/measure/stats.hpp"
#include "credsim/scenario/reader.hpp"
#include "credsim/systems/uscc.hpp"

namespace credsim {
namespace {
const std::vector<std::string> kRatingNames{"A", "B", "C", "D"};
// Entity ids within Stream::kCorporate: business j's own draws use j; these offsets keep the
// political demands, representative replacements and the code key on counters of their own.
constexpr std::uint64_t kPoliticalEntity = std::uint64_t{1} << 40;
constexpr std::uint64_t kReplaceEntity = std::uint64_t{2} << 40;
constexpr std::uint64_t kKeyEntity = std::uint64_t{3} << 40;

template <std::size_t K>
std::array<double, K> to_array(const std::vector<double>& v) {
  std::array<double, K> a{};
  std::copy_n(v.begin(), K, a.begin());
  return a;
}
}  // namespace

CorporateSpec read_corporate_spec(const scenario::Reader& r, const EventCatalog& /*catalog*/) {
  CorporateSpec s;
  // Defaults: rates per business per week by sector (manufacturing, food, retail, construction,
  // transport, services, technology, agriculture) — all assumptions, see docs/MODEL.md.
  s.violations[0] = {{0.003, 0.003, 0.003, 0.003, 0.003, 0.003, 0.003, 0.003}, 0.6, 12, false};
  s.violations[1] = {{0.004, 0.003, 0.003, 0.002, 0.001, 0.001, 0.002, 0.002}, 0.4, 12, false};
  s.violations[2] = {{0, 0.008, 0.003, 0, 0, 0.002, 0, 0.003}, 0.5, 20, false};
  s.violations[3] = {{0.004, 0.002, 0.0005, 0.004, 0.002, 0.0005, 0.001, 0.003}, 0.3, 12, false};
  s.violations[4] = {{0.003, 0.002, 0.002, 0.006, 0.002, 0.002, 0.001, 0.002}, 0.5, 20, false};
  s.political_demand_rates = {0.0002, 0.0002, 0.0002, 0.0002, 0.005, 0.0002, 0.001, 0.0002};

  const auto names = r.get_string_array("sector_names", {s.sector_names.begin(), s.sector_names.end()}, kCorporateSectors,
                                        kCorporateSectors);
  std::copy(names.begin(), names.end(), s.sector_names.begin());
  s.propensity_sigma = r.get_double("propensity_sigma", s.propensity_sigma, 0, 5);
  s.individual_business_share = r.get_double("individual_business_share", s.individual_business_share, 0, 1);
  s.register_error_rate = r.get_double("register_error_rate", s.register_error_rate, 0, 1);
  s.rating_window = static_cast<Tick>(r.get_int("rating_window", s.rating_window, 1, 100000));
  s.rate_every = static_cast<Tick>(r.get_int("rate_every", s.rate_every, 1, 100000));
  s.base = r.get_double("base", s.base, -1e9, 1e9);
  const auto cut = r.get_double_array("cutoffs", {s.cutoffs.begin(), s.cutoffs.end()}, -1e9, 1e9, 3, 3);
  if (!(cut[0] > cut[1] && cut[1] > cut[2]))
    throw r.error("cutoffs", "rating cut-offs must fall from A to C", "three strictly decreasing lower bounds (A, B, C)",
                  "e.g. cutoffs = [90, 70, 40]");
  s.cutoffs = to_array<3>(cut);
  s.serious_ticks = static_cast<Tick>(r.get_int("serious_ticks", s.serious_ticks, 1, 100000));
  s.sanction_grades = r.get_string_array("sanction_grades", s.sanction_grades, 0, 4);
  for (const std::string& g : s.sanction_grades)
    if (std::find(kRatingNames.begin(), kRatingNames.end(), g) == kRatingNames.end())
      throw r.error("sanction_grades", "'" + g + "' is not a rating", "ratings among A, B, C, D", "e.g. sanction_grades = [\"D\"]");
  s.person_list_system = r.get_string("person_list_system", "");
  s.replace_listed_representative =
      r.get_choice("listed_representative", "replace", {"replace", "downgrade"}) == "replace";

  const scenario::Reader vs = r.section("violations");
  for (std::size_t v = 0; v < kCorporateViolations; ++v) {
    const scenario::Reader x = vs.section(kCorporateViolationNames[v]);
    CorporateViolationSpec& c = s.violations[v];
    c.rates = to_array<kCorporateSectors>(
        x.get_double_array("rates", {c.rates.begin(), c.rates.end()}, 0, 1000, kCorporateSectors, kCorporateSectors));
    c.detection = x.get_double("detection", c.detection, 0, 1);
    c.deduction = x.get_double("deduction", c.deduction, -1e9, 1e9);
    c.serious = x.get_bool("serious", c.serious);
  }
  const scenario::Reader p = r.section("political");
  s.political_record = p.get_string("record", s.political_record);
  s.political_demand_rates = to_array<kCorporateSectors>(p.get_double_array(
      "demand_rates", {s.political_demand_rates.begin(), s.political_demand_rates.end()}, 0, 1, kCorporateSectors,
      kCorporateSectors));
  s.political_refusal_prob = p.get_double("refusal_prob", s.political_refusal_prob, 0, 1);
  s.political_serious = p.get_bool("serious", s.political_serious);
  s.political_deduction = p.get_double("deduction", s.political_deduction, -1e9, 1e9);
  return s;
}

Corporate::Corporate(std::string name, const CorporateSpec& spec, std::size_t n)
    : name_(std::move(name)), spec_(spec), sanction_set_(5, 0), person_listed_(n, 0), person_grade_(n, kNone) {
  for (const std::string& g : spec_.sanction_grades)
    for (std::size_t k = 0; k < kRatingNames.size(); ++k)
      if (kRatingNames[k] == g) sanction_set_[k] = 1;
}

std::uint8_t Corporate::rating_of(double points, bool serious) const {
  if (serious) return kD;
  for (std::uint8_t k = 0; k < 3; ++k)
    if (points >= spec_.cutoffs[k]) return k;
  return kD;
}

void Corporate::initialise(const SimContext& ctx) {
  const Businesses& biz = ctx.society.businesses;
  const std::size_t nb = biz.size_rows();
  if (nb == 0)
    throw InputError(SourcePos{ctx.scenario.source, 0, 0}, "systems." + name_, "corporate credit has no businesses to rate",
                     "society.businesses > 0", "set society.businesses, e.g. businesses = 10000");
  if (!spec_.person_list_system.empty()) {
    const System* s = ctx.find_system(spec_.person_list_system);
    if (!s || s == this || !s->outputs().listed)
      throw InputError(SourcePos{ctx.scenario.source, 0, 0}, "systems." + name_ + ".person_list_system",
                       "'" + spec_.person_list_system + "' is not another system that keeps a list of persons",
                       "the name of a [systems.NAME] table with a list (e.g. a court list or agency lists)",
                       "correct it, or remove person_list_system");
  }
  const std::uint64_t seed = ctx.seed, rep = ctx.replicate;
  const std::uint64_t key = Rng(seed, rep, Rng::kNoTick, kKeyEntity, Stream::kCorporate).next_u64();
  code_.resize(nb);
  code_valid_.assign(nb, 0);
  org_ok_.assign(nb, 0);
  corrupted_flag_.assign(nb, 0);
  propensity_.resize(nb);
  sector_.assign(biz.sector.begin(), biz.sector.end());
  region_.assign(biz.region.begin(), biz.region.end());
  rep_.assign(biz.legal_representative.begin(), biz.legal_representative.end());
  records_.assign(nb, {});
  points_.assign(nb, static_cast<float>(spec_.base));
  base_rating_.assign(nb, kA);
  rating_.assign(nb, kA);
  downgraded_.assign(nb, 0);
  political_ever_.assign(nb, 0);
  const double sg = spec_.propensity_sigma;
  for (std::size_t j = 0; j < nb; ++j) {
    // Draw order (part of the model): propensity, entity type, register error, then the error itself.
    Rng rng(seed, rep, Rng::kNoTick, j, Stream::kCorporate);
    propensity_[j] = static_cast<float>(std::exp(sg * rng.normal() - 0.5 * sg * sg));
    const char entity = rng.bernoulli(spec_.individual_business_share) ? uscc::kEntityIndividualBusiness : uscc::kEntityEnterprise;
    code_[j] = uscc::generate_unique(uscc::kAuthorityMarketRegulation, entity, uscc::division_code_for_region(region_[j]), j, key);
    if (rng.bernoulli(spec_.register_error_rate)) {
      code_[j] = uscc::corrupt(code_[j], rng);
      corrupted_flag_[j] = 1;
      ++corrupted_;
    }
    const uscc::Validation v = uscc::validate(code_[j]);
    code_valid_[j] = v.valid();
    org_ok_[j] = v.org_check_ok;
    invalid_codes_ += !v.valid();
    org_fail_ += !v.org_check_ok;
  }
  const Persons& p = ctx.society.persons;
  region_start_ = ctx.society.region_start;
  rep_pool_.assign(region_start_.size() > 0 ? region_start_.size() - 1 : 0, {});
  for (NodeId i = 0; i < p.size(); ++i)
    if (p.legal_rep(i)) rep_pool_[p.region[i]].push_back(i);
  apply_person_list(ctx);
  rate_all(ctx.tick);
  publish();
}

void Corporate::record(const SimContext& ctx) {
  const Tick t = ctx.tick;
  for (std::size_t j = 0; j < records_.size(); ++j) {
    Rng rng(ctx.seed, ctx.replicate, t, j, Stream::kCorporate);
    for (std::uint8_t v = 0; v < kCorporateViolations; ++v) {
      const CorporateViolationSpec& c = spec_.violations[v];
      const std::uint32_t k = rng.poisson(c.rates[sector_[j]] * propensity_[j]);
      for (std::uint32_t e = 0; e < k; ++e)
        if (rng.bernoulli(c.detection)) {
          records_[j].push_back({t, v});
          ++records_total_[v];
        }
    }
    Rng pol(ctx.seed, ctx.replicate, t, j | kPoliticalEntity, Stream::kCorporate);
    if (pol.bernoulli(spec_.political_demand_rates[sector_[j]])) {
      ++demands_;
      if (pol.bernoulli(spec_.political_refusal_prob)) {  // refused: a "serious dishonesty" record
        ++refusals_;
        ++records_total_[kPolitical];
        records_[j].push_back({t, kPolitical});
        political_ever_[j] = 1;
      }
    }
  }
}

void Corporate::rate_all(Tick t) {
  const Tick keep = std::max(spec_.rating_window, spec_.serious_ticks);
  for (std::size_t j = 0; j < records_.size(); ++j) {
    auto& v = records_[j];
    v.erase(std::remove_if(v.begin(), v.end(), [&](const BizRecord& r) { return r.tick + keep <= t; }), v.end());
    double pts = spec_.base;
    bool serious = false;
    for (const BizRecord& r : v) {
      if (r.tick > t) continue;
      const bool is_serious = r.type == kPolitical ? spec_.political_serious : spec_.violations[r.type].serious;
      if (is_serious) {
        serious |= r.tick + spec_.serious_ticks > t;
      } else if (r.tick + spec_.rating_window > t) {
        pts -= r.type == kPolitical ? spec_.political_deduction : spec_.violations[r.type].deduction;
      }
    }
    points_[j] = static_cast<float>(pts);
    base_rating_[j] = rating_of(pts, serious);
  }
}

void Corporate::apply_person_list(const SimContext& ctx) {
  downgraded_now_ = 0;
  if (spec_.person_list_system.empty()) return;
  const System* s = ctx.find_system(spec_.person_list_system);
  if (!s) return;  // checked in initialise
  const std::vector<std::uint8_t>& listed = *s->outputs().listed;
  for (std::size_t j = 0; j < rep_.size(); ++j) {
    downgraded_[j] = 0;
    if (!listed[rep_[j]]) continue;
    if (spec_.replace_listed_representative) {
      // A new representative, drawn deterministically: first from the region's persons who already
      // represent a business (the pool effects for legal representatives reach), then from anyone
      // in the region; never a listed person.
      Rng rng(ctx.seed, ctx.replicate, ctx.tick, j | kReplaceEntity, Stream::kCorporate);
      NodeId pick = kNoNode;
      const auto& pool = rep_pool_[region_[j]];
      for (int k = 0; k < 16 && pick == kNoNode && !pool.empty(); ++k) {
        const NodeId c = pool[rng.below(pool.size())];
        if (c != rep_[j] && !listed[c]) pick = c;
      }
      const NodeId lo = region_start_[region_[j]], hi = region_start_[region_[j] + 1];
      for (int k = 0; k < 16 && pick == kNoNode && hi > lo; ++k) {
        const NodeId c = lo + static_cast<NodeId>(rng.below(hi - lo));
        if (c != rep_[j] && !listed[c]) pick = c;
      }
      if (pick != kNoNode) {
        rep_[j] = pick;
        ++replacements_;
        continue;
      }
      ++replacement_failed_;
    }
    downgraded_[j] = 1;  // policy "downgrade", or no eligible replacement found
    ++downgraded_now_;
  }
}

void Corporate::publish() {
  for (std::size_t j = 0; j < rating_.size(); ++j) rating_[j] = downgraded_[j] ? std::uint8_t{kD} : base_rating_[j];
  std::fill(person_listed_.begin(), person_listed_.end(), 0);
  std::fill(person_grade_.begin(), person_grade_.end(), kNone);
  for (std::size_t j = 0; j < rating_.size(); ++j) {
    const NodeId r = rep_[j];
    const std::uint8_t g = rating_[j];
    person_grade_[r] = person_grade_[r] == kNone ? g : std::max(person_grade_[r], g);  // worst rating represented
    if (sanction_set_[g]) person_listed_[r] = 1;
  }
}

void Corporate::score(const SimContext& ctx) {
  apply_person_list(ctx);
  if (ctx.tick % spec_.rate_every == 0) rate_all(ctx.tick);
  publish();
}

void Corporate::measure(const SimContext& ctx, io::MetricsCsv& out) const {
  const Tick t = ctx.tick;
  const std::size_t nb = rating_.size();
  const double db = nb ? static_cast<double>(nb) : 1.0;
  std::array<std::uint64_t, 4> count{};
  std::uint64_t political_now = 0, political_ever = 0;
  for (std::size_t j = 0; j < nb; ++j) {
    count[rating_[j]]++;
    political_ever += political_ever_[j];
    for (const BizRecord& r : records_[j])
      if (r.type == kPolitical && r.tick + spec_.serious_ticks > t) {
        ++political_now;
        break;
      }
  }
  out.row(t, name_, "businesses", "", static_cast<double>(nb));
  for (std::size_t g = 0; g < 4; ++g) out.row(t, name_, "rating_share", kRatingNames[g], count[g] / db);
  out.row(t, name_, "codes_failing_validation", "", static_cast<double>(invalid_codes_));
  out.row(t, name_, "codes_failing_validation_share", "", invalid_codes_ / db);
  out.row(t, name_, "codes_failing_org_check", "", static_cast<double>(org_fail_));
  out.row(t, name_, "codes_corrupted", "", static_cast<double>(corrupted_));
  for (std::size_t v = 0; v < kCorporateViolations; ++v)
    out.row(t, name_, "records_total", kCorporateViolationNames[v], static_cast<double>(records_total_[v]));
  out.row(t, name_, "records_total", spec_.political_record, static_cast<double>(records_total_[kPolitical]));
  out.row(t, name_, "political_demands_total", "", static_cast<double>(demands_));
  out.row(t, name_, "political_refusals_total", "", static_cast<double>(refusals_));
  out.row(t, name_, "businesses_with_political_record", "ever", static_cast<double>(political_ever));
  out.row(t, name_, "businesses_with_political_record", "current", static_cast<double>(political_now));
  std::uint64_t sanctioned = 0, reps = 0;
  for (std::size_t i = 0; i < person_listed_.size(); ++i) {
    sanctioned += person_listed_[i];
    reps += person_grade_[i] != kNone;
  }
  out.row(t, name_, "legal_reps_sanctioned", "", static_cast<double>(sanctioned));
  out.row(t, name_, "legal_reps_sanctioned_share", "", reps ? static_cast<double>(sanctioned) / reps : 0.0);
  out.row(t, name_, "replacements_forced_total", "", static_cast<double>(replacements_));
  out.row(t, name_, "replacements_failed_total", "", static_cast<double>(replacement_failed_));
  out.row(t, name_, "downgraded_for_listed_representative", "", static_cast<double>(downgraded_now_));
  std::vector<std::uint8_t> own;  // only if no shared ranking (a system measured on its own)
  const auto& decile = ctx.wealth_decile ? *ctx.wealth_decile : (own = measure::deciles(ctx.society.persons.wealth));
  const auto share = measure::share_by_decile(decile, person_listed_);
  for (int d = 0; d < 10; ++d)
    out.row(t, name_, "sanctioned_reps_by_wealth_decile", fmt::format("d{:02}", d + 1), share[d]);
}

SystemOutputs Corporate::outputs() const {
  SystemOutputs o;
  o.grade = &person_grade_;
  o.grade_names = {"A", "B", "C", "D", "none"};
  o.listed = &person_listed_;
  return o;
}

std::size_t Corporate::memory_bytes() const {
  std::size_t b = person_listed_.size() * 2;
  for (const auto& v : records_) b += sizeof(v) + v.capacity() * sizeof(BizRecord);
  b += code_.size() * (sizeof(std::string) + 24 + sizeof(float) * 2 + sizeof(NodeId) + 10);
  return b;
}

// Everything but the name and the spec (which the scenario gives again on resume).
void Corporate::checkpoint(ckpt::Archive& a) {
  a(sanction_set_, code_, code_valid_, org_ok_, corrupted_flag_, propensity_, sector_, region_, rep_, records_, points_,
    base_rating_, rating_, downgraded_, political_ever_, person_listed_, person_grade_, rep_pool_, region_start_,
    records_total_, invalid_codes_, org_fail_, corrupted_, demands_, refusals_, replacements_, replacement_failed_,
    downgraded_now_);
}

}  // namespace credsim
