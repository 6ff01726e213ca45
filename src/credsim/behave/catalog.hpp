// The catalog of discrete event types (SPEC §2.2): fines, arrears, breaches, charity, heroic
// acts, and the events derived from structured behaviour (missed instalments, defaults, posts).
// Every system reads records of these types; catalogs of points (Rongcheng), lists and
// comparators refer to them by name. Rates are per person per week; almost all are assumptions.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace credsim {

using EventTypeId = std::uint16_t;

// Which personal propensity scales an event's rate.
enum class EventKind : std::uint8_t {
  kDerived,     // produced by structured behaviour (repayment, posts), not drawn from a rate
  kMisconduct,  // scaled by the person's misconduct propensity
  kCivic,       // scaled by the person's civic propensity
  kNeutral,     // same base rate for everyone (× wealth elasticity)
};

// Data domains: what a system may see is decided per domain (SPEC §1.6 sharing matrix).
enum class Domain : std::uint8_t {
  kFinance, kShopping, kGaming, kSocial, kTraffic, kPublicOrder, kUtilities, kTax, kJudicial, kCivic, kMarket
};
inline constexpr int kDomains = 11;
std::string_view domain_name(Domain d);
std::optional<Domain> domain_from_name(std::string_view s);

struct EventTypeSpec {
  std::string name;
  Domain domain = Domain::kPublicOrder;
  EventKind kind = EventKind::kMisconduct;
  double rate = 0;               // per person per week (for drawn kinds)
  double wealth_elasticity = 0;  // rate × exp(e·z_wealth − e²/2): < 0 the poor do it more
  double detection = 0.5;        // probability a true event is recorded (× region factor)
  double false_rate = 0;         // false records of this type per person per week (SPEC §1.6)
  double misattribution = 0;     // share of detected events recorded against someone else
  std::string source;            // where the default comes from (SPEC section or "assumption")
};

// Built-in derived types, always present at these ids (structured behaviour emits them).
namespace ev {
inline constexpr EventTypeId kMissedInstalment = 0;
inline constexpr EventTypeId kLoanDefault = 1;
inline constexpr EventTypeId kUnapprovedPost = 2;
inline constexpr EventTypeId kEmbarrassingPost = 3;
inline constexpr EventTypeId kFirstDrawn = 4;
}  // namespace ev

class EventCatalog {
 public:
  EventCatalog();  // the default catalog (docs/MODEL.md, "Event catalog")
  const std::vector<EventTypeSpec>& types() const { return types_; }
  std::vector<EventTypeSpec>& mutable_types() { return types_; }
  std::size_t size() const { return types_.size(); }
  const EventTypeSpec& operator[](EventTypeId k) const { return types_[k]; }
  std::optional<EventTypeId> find(std::string_view name) const;
  EventTypeId add(EventTypeSpec t);  // a new type (name must be new)

 private:
  std::vector<EventTypeSpec> types_;
};

}  // namespace credsim
