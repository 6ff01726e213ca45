// The court's list of dishonest judgment defaulters (SPEC §1.3): recorded defaults and judicial
// events become judgments (debts); judgments left unperformed are listed on one of six
// circumstances after a grace period; listings end by payment, appeal (only if notified) or
// term expiry. Built from ledger records, so false and misattributed records list innocent
// people — the "harm from wrong data" mechanism. A listed business's restrictions fall on its
// legal representative. Definitions: docs/MODEL.md, "Court list".
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "credsim/core/rng.hpp"
#include "credsim/systems/court_list_spec.hpp"
#include "credsim/systems/system.hpp"

namespace credsim {

enum class JudgmentState : std::uint8_t { kOutstanding = 0, kListed = 1, kClosed = 2 };
// Why a judgment left the list (or closed): index into the exit counters.
enum class ExitCause : std::uint8_t { kPaid = 0, kAppeal = 1, kExpiry = 2, kCorrected = 3 };
inline constexpr int kExitCauses = 4;
inline constexpr std::array<const char*, kExitCauses> kExitCauseNames{"paid", "appeal", "expiry", "record_corrected"};

struct Judgment {
  NodeId debtor;              // a person, or a business row when business = 1
  std::uint8_t business;
  Origin origin;              // of the record behind it (businesses: kTrue)
  JudgmentState state;
  std::uint8_t circumstance;  // 1..6 while listed (0: never listed)
  std::uint8_t notified;      // told of the listing (drawn at listing)
  std::uint8_t appeal_pending;
  std::uint8_t closed_by;     // ExitCause, when closed
  std::uint8_t appealed;      // an appeal was ever started (adaptation: one late appeal at most)
  double debt;                // yuan
  Tick created, listed_at;
  Tick until;                 // listing ends at this tick (0: until performed)
  Tick appeal_due;
  bool wrongful() const { return origin != Origin::kTrue; }
  template <class A>
  void fields(A& a) {
    a(debtor, business, origin, state, circumstance, notified, appeal_pending, closed_by, debt, created, listed_at, until,
      appeal_due);
  }
};

class CourtList final : public System {
 public:
  CourtList(std::string name, const CourtListSpec& spec, std::size_t persons);
  const std::string& name() const override { return name_; }
  std::string_view type() const override { return "court_list"; }
  void initialise(const SimContext& ctx) override;
  void record(const SimContext& ctx) override;
  void score(const SimContext& ctx) override;
  void prepare_consequences(const SimContext& ctx) override;
  void add_consequences(const SimContext& ctx, std::size_t first, std::span<double> delta) const override;
  void measure(const SimContext& ctx, io::MetricsCsv& out) const override;
  SystemOutputs outputs() const override;
  void checkpoint(ckpt::Archive& a) override;
  std::size_t memory_bytes() const override;
  const CourtListSpec& spec() const { return spec_; }

  // Inspection (tests, explain).
  const std::vector<Judgment>& judgments() const { return judgments_; }
  const std::vector<std::uint8_t>& listed() const { return listed_; }          // own listing
  const std::vector<std::uint8_t>& restricted() const { return restricted_; }  // listed or rep of a listed business
  std::uint64_t listed_count() const { return listed_count_; }
  std::uint64_t entries_total() const { return entries_total_; }
  std::uint64_t exits_total() const;
  std::uint64_t entries_this_tick() const { return entries_tick_; }
  std::uint64_t exits_this_tick() const;
  const std::array<std::uint64_t, kExitCauses>& exits_by_cause_total() const { return exits_cause_total_; }
  const std::array<std::uint64_t, 7>& entries_by_circumstance_total() const { return entries_circ_total_; }
  std::uint64_t wrongful_listed_count() const;
  std::uint64_t flights_blocked() const { return flights_blocked_; }
  std::uint64_t trains_blocked() const { return trains_blocked_; }
  std::uint64_t appeals_started() const { return appeals_started_; }
  std::uint64_t businesses_listed() const { return businesses_listed_; }
  // Value now of one of the scalar share metrics written by measure(): listed_share,
  // flights_blocked_per_capita, trains_blocked_per_capita, performed_share, wrongful_listed_share.
  double metric_value(const std::string& metric) const;

 private:
  void list(std::size_t j, std::uint8_t circumstance, Tick t, Rng& rng);
  void delist(std::size_t j, ExitCause cause, Tick t);
  void close_unlisted(std::size_t j, ExitCause cause);
  void person_listing_changed(NodeId i, bool wrongful, int delta, std::uint8_t circumstance, ExitCause cause);
  void rep_restriction_changed(NodeId rep, int delta);
  // Per-person counts, kept only for persons who have ever been listed or represent a listed
  // business (few): listed judgments, rightful / wrongful; listed businesses represented; ever listed.
  struct Counts {
    std::uint16_t right = 0, wrong = 0, rep = 0;
    std::uint8_t ever_listed = 0;
    template <class A>
    void fields(A& a) {
      a(right, wrong, rep, ever_listed);
    }
  };
  void refresh_restricted(NodeId i, const Counts& c) { restricted_[i] = (c.right + c.wrong + c.rep) > 0; }
  Tick term_for(NodeId person, bool business, Rng& rng) const;

  std::string name_;
  CourtListSpec spec_;
  std::size_t n_;
  std::vector<std::uint8_t> judicial_type_;   // event type → 1 if a judicial type
  std::vector<std::uint8_t> listed_, restricted_;
  std::unordered_map<NodeId, Counts> counts_;  // persons with any count (an entry is never needed again once all are 0)
  std::vector<Judgment> judgments_;
  std::vector<NodeId> business_rep_;          // legal representative of each business (fixed)
  std::unordered_map<NodeId, std::vector<std::uint32_t>> of_person_;  // person → judgment ids
  std::unordered_map<std::uint64_t, std::uint32_t> of_record_;         // ledger index → judgment id
  std::vector<std::pair<NodeId, double>> payments_;                    // this tick (by debtor after prepare_consequences)
  std::unordered_map<NodeId, double> committed_;                       // this tick's payments by person
  std::uint64_t listed_count_ = 0, wrongful_listed_ = 0, businesses_listed_ = 0;
  std::uint64_t entries_tick_ = 0, entries_total_ = 0;
  std::array<std::uint64_t, 7> entries_circ_tick_{}, entries_circ_total_{};
  std::array<std::uint64_t, kExitCauses> exits_cause_tick_{}, exits_cause_total_{};
  std::uint64_t judgments_total_ = 0, judgments_wrongful_ = 0, outstanding_ = 0, business_outstanding_ = 0;
  std::uint64_t judgments_performed_ = 0;
  double paid_yuan_ = 0, paid_wrongful_yuan_ = 0;
  std::array<double, 2> duration_sum_{};          // completed listings: [rightful, wrongful]
  std::array<std::uint64_t, 2> duration_count_{};
  std::uint64_t flights_blocked_ = 0, trains_blocked_ = 0, restriction_breaches_ = 0;
  std::uint64_t appeals_started_ = 0, appeals_won_ = 0, appeals_never_notified_ = 0;
};

}  // namespace credsim
