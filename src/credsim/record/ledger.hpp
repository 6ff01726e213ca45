// What the record-keepers know (SPEC §1.6): every detected event, every false record and every
// misattribution, with its origin kept (the model knows the truth; systems see only records).
// Wrong records can be corrected only by appeal — after a delay, with a success probability —
// and only by a person who was notified of them.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "credsim/adapt/adapt_view.hpp"
#include "credsim/behave/catalog.hpp"
#include "credsim/behave/rare_events.hpp"
#include "credsim/core/types.hpp"
#include "credsim/graph/csr.hpp"
#include "credsim/scenario/scenario.hpp"
#include "credsim/society/society.hpp"

namespace credsim {

enum class Origin : std::uint8_t { kTrue = 0, kFalse = 1, kMisattributed = 2 };
// How a record came about: the collector's own detection, or a rewarded report (SPEC §1.7).
enum class Channel : std::uint8_t { kDetected = 0, kReported = 1 };
enum class RecordStatus : std::uint8_t { kActive = 0, kCorrected = 1 };

struct Record {
  NodeId person;          // whom the record is against
  NodeId actor;           // who did it (kNoNode for a false record)
  EventTypeId type;
  std::uint16_t count;
  Origin origin;
  RecordStatus status;
  std::uint8_t notified;  // the person was told (can appeal)
  std::uint8_t appealed;
  Tick tick;              // when recorded
  Tick decided;           // when an appeal is (or was) decided; 0 = none
  Channel channel = Channel::kDetected;
  template <class A>
  void fields(A& a) {
    a(person, actor, type, count, origin, status, notified, appealed, tick, decided, channel);
  }
};

class Ledger {
 public:
  const std::vector<Record>& records() const { return records_; }
  // Records added in the current tick, and indices of records corrected in it.
  std::span<const Record> added() const { return {records_.data() + added_begin_, records_.size() - added_begin_}; }
  std::span<const std::uint64_t> corrected() const { return corrected_; }
  // What the records hold (a reservation beyond them is address space, not memory in use).
  std::size_t memory_bytes() const { return records_.size() * sizeof(Record); }
  // Room for this many records without moving them (Simulation reserves the run's expected
  // count: no doubling copy, whose old and new arrays would coexist at the peak).
  void reserve(std::size_t records) { records_.reserve(records); }

  // The record stage: detection of this tick's occurrences, misattribution, false records,
  // notification and appeal decisions. Deterministic for any thread count.
  // `graph` is needed only for rewarded reporting (reporters report their friends).
  // `report_mult` (adaptation, off by default; values >= 0) scales each person's reporting rate.
  void record_tick(const DataSpec& spec, const EventCatalog& catalog, const Society& society,
                   std::span<const Occurrence> occurrences, std::uint64_t seed, std::uint64_t replicate, Tick tick,
                   const graph::Csr* graph = nullptr, const AdaptView::Report& report_mult = {});
  // Rewards earned by reporters this tick (reporter, yuan), in order.
  std::span<const std::pair<NodeId, double>> rewards() const { return rewards_; }
  struct ReportCounts {
    std::uint64_t true_reports = 0, false_reports = 0, empty_reports = 0;
    double rewards_paid = 0;
    template <class A>
    void fields(A& a) {
      a(true_reports, false_reports, empty_reports, rewards_paid);
    }
  };
  const ReportCounts& reports() const { return reports_; }  // cumulative
  template <class A>
  void fields(A& a) {
    a(records_, added_begin_, corrected_, pending_, rewards_, reports_);
  }

 private:
  // Whether wrong record `index` is appealed (its own stream); marks it appealed when it is.
  static bool decide_appeal(Record& r, const DataSpec& spec, std::uint64_t seed, std::uint64_t replicate, std::uint64_t index);
  std::vector<Record> records_;
  std::size_t added_begin_ = 0;
  std::vector<std::uint64_t> corrected_;
  std::vector<std::uint64_t> pending_;  // indices of records with an open appeal, in order opened
  std::vector<std::pair<NodeId, double>> rewards_;
  ReportCounts reports_;
};

}  // namespace credsim
