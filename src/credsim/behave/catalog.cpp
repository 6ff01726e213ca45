// The default event catalog. Names follow the Rongcheng standard's entries (SPEC §1.2) where
// one exists, so the default points catalog can refer to them; rates and detection
// probabilities are assumptions (documented in docs/MODEL.md).
#include "credsim/behave/catalog.hpp"

#include <array>

#include "credsim/core/error.hpp"

namespace credsim {
namespace {
constexpr std::array<std::string_view, kDomains> kDomainNames{
    "finance", "shopping", "gaming", "social", "traffic", "public_order", "utilities", "tax", "judicial", "civic", "market"};

EventTypeSpec t(std::string name, Domain d, EventKind k, double rate, double detection, double elasticity,
                std::string source) {
  EventTypeSpec s;
  s.name = std::move(name);
  s.domain = d;
  s.kind = k;
  s.rate = rate;
  s.detection = detection;
  s.wealth_elasticity = elasticity;
  s.source = std::move(source);
  return s;
}
}  // namespace

std::string_view domain_name(Domain d) { return kDomainNames[static_cast<int>(d)]; }

std::optional<Domain> domain_from_name(std::string_view s) {
  for (int d = 0; d < kDomains; ++d)
    if (kDomainNames[d] == s) return static_cast<Domain>(d);
  return std::nullopt;
}

EventCatalog::EventCatalog() {
  using D = Domain;
  using K = EventKind;
  const std::string a = "assumption";
  const std::string r = "SPEC §1.2 (Rongcheng catalog entry); rate assumption";
  // Derived from structured behaviour (rates are not used; detection applies to the ledger).
  types_.push_back(t("missed_instalment", D::kFinance, K::kDerived, 0, 1.0, 0, "SPEC §1.2 bank arrears, §2.2"));
  types_.push_back(t("loan_default", D::kFinance, K::kDerived, 0, 1.0, 0, "SPEC §2.2 default → court judgment"));
  types_.push_back(t("unapproved_post", D::kSocial, K::kDerived, 0, 0.6, 0, "SPEC §1.1 (seeds 000–003)"));
  types_.push_back(t("embarrassing_post", D::kSocial, K::kDerived, 0, 0.6, 0, "SPEC §1.1 (seed 001)"));
  // Drawn misconduct (SPEC §1.2 catalog, §2.2 behaviour catalog).
  types_.push_back(t("contract_breach", D::kFinance, K::kMisconduct, 0.0005, 0.5, -0.3, r));
  types_.push_back(t("sued_found_in_breach", D::kJudicial, K::kMisconduct, 0.0002, 1.0, -0.3, r));
  types_.push_back(t("private_lending_breach", D::kFinance, K::kMisconduct, 0.0002, 0.3, -0.3, r));
  types_.push_back(t("illegal_fundraising", D::kFinance, K::kMisconduct, 0.00002, 0.5, 0.3, r));
  types_.push_back(t("guarantee_breach", D::kFinance, K::kMisconduct, 0.0001, 0.5, 0, r));
  types_.push_back(t("debt_suit_liability", D::kJudicial, K::kMisconduct, 0.0002, 1.0, -0.5, r));
  types_.push_back(t("fraud", D::kFinance, K::kMisconduct, 0.00005, 0.3, 0, r));
  types_.push_back(t("counterfeit_goods", D::kMarket, K::kMisconduct, 0.00002, 0.3, 0, r));
  types_.push_back(t("late_utility_fee", D::kUtilities, K::kMisconduct, 0.01, 0.9, -0.5, r));
  types_.push_back(t("court_utility_arrears", D::kJudicial, K::kMisconduct, 0.0002, 1.0, -0.5, r));
  types_.push_back(t("heating_tampering", D::kUtilities, K::kMisconduct, 0.0001, 0.3, -0.3, r));
  types_.push_back(t("utility_theft", D::kUtilities, K::kMisconduct, 0.0001, 0.3, -0.5, r));
  types_.push_back(t("destroying_public_equipment", D::kPublicOrder, K::kMisconduct, 0.00005, 0.4, 0, r));
  types_.push_back(t("traffic_ticket", D::kTraffic, K::kMisconduct, 0.005, 0.7, 0, "SPEC §1.2 (secondary), §2.2; rate assumption"));
  types_.push_back(t("drunk_driving", D::kTraffic, K::kMisconduct, 0.0002, 0.5, 0, "SPEC §1.2 (secondary); rate assumption"));
  types_.push_back(t("jaywalking", D::kPublicOrder, K::kMisconduct, 0.01, 0.2, 0, "SPEC §2.2; rate assumption"));
  types_.push_back(t("loud_music_train", D::kPublicOrder, K::kMisconduct, 0.002, 0.3, 0, "SPEC §2.2; rate assumption"));
  types_.push_back(t("fare_evasion", D::kPublicOrder, K::kMisconduct, 0.002, 0.4, -0.3, "SPEC §2.2; rate assumption"));
  types_.push_back(t("unpaid_fine", D::kTraffic, K::kMisconduct, 0.001, 0.9, -0.5, "SPEC §2.2; rate assumption"));
  types_.push_back(t("tax_evasion", D::kTax, K::kMisconduct, 0.0005, 0.2, 0.5, "SPEC §2.2; rate assumption"));
  // Drawn civic acts.
  types_.push_back(t("charity", D::kCivic, K::kCivic, 0.02, 0.5, 0.5, "SPEC §1.2 (assumption), §2.2"));
  types_.push_back(t("volunteering", D::kCivic, K::kCivic, 0.01, 0.5, 0, "SPEC §1.2 (assumption), §2.2"));
  types_.push_back(t("blood_donation", D::kCivic, K::kCivic, 0.002, 0.9, 0, "SPEC §2.2; rate assumption"));
  types_.push_back(t("heroic_act", D::kCivic, K::kCivic, 0.00002, 0.8, 0, "SPEC §1.2 (secondary), §2.2"));
}

std::optional<EventTypeId> EventCatalog::find(std::string_view name) const {
  for (std::size_t k = 0; k < types_.size(); ++k)
    if (types_[k].name == name) return static_cast<EventTypeId>(k);
  return std::nullopt;
}

EventTypeId EventCatalog::add(EventTypeSpec t) {
  CREDSIM_ASSERT(!find(t.name));
  types_.push_back(std::move(t));
  return static_cast<EventTypeId>(types_.size() - 1);
}

}  // namespace credsim
