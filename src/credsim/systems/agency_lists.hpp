// Agency lists (SPEC §1.4): each agency (tax, transport, market regulation, ...) keeps a black
// list ("N records of these types within W ticks → listed for T ticks"), a warning list (one
// record in its field → warning for T_w ticks) and optionally a red list ("no negative record for
// W ticks and at least M civic records"); the "big data" rule black-lists a party on warning lists
// in three fields. The system publishes listed (any black list), red, and a grade per person;
// memoranda of understanding are consequence rules on these outputs ([consequences.NAME]).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "credsim/systems/agency_lists_spec.hpp"
#include "credsim/systems/system.hpp"

namespace credsim {

class AgencyLists final : public System {
 public:
  // Grade indices published per person (0 = best).
  enum Grade : std::uint8_t { kRed = 0, kClear = 1, kWarning = 2, kBlack = 3 };

  AgencyLists(std::string name, const AgencyListsSpec& spec, std::size_t persons);
  const std::string& name() const override { return name_; }
  std::string_view type() const override { return "agency_lists"; }
  void initialise(const SimContext& ctx) override;
  void record(const SimContext& ctx) override;
  void score(const SimContext& ctx) override;
  void measure(const SimContext& ctx, io::MetricsCsv& out) const override;
  SystemOutputs outputs() const override;
  void checkpoint(ckpt::Archive& a) override;
  std::size_t memory_bytes() const override;
  const AgencyListsSpec& spec() const { return spec_; }

  std::size_t agencies() const { return spec_.agencies.size(); }
  // Slot a < agencies(): agency a's black list; slot agencies(): the three-fields ("big data") list.
  bool black_in(NodeId i, std::size_t slot, Tick t) const {
    return party_of_[i] != kNoParty && until(party_of_[i], slot) > t;
  }
  bool warned_in(NodeId i, std::size_t agency, Tick t) const {
    return party_of_[i] != kNoParty && warn_until_[party_of_[i] * spec_.agencies.size() + agency] > t;
  }
  bool wrongful_in(NodeId i, std::size_t slot) const {
    if (party_of_[i] == kNoParty || terms_of_[party_of_[i]] == kNoTerms) return false;
    return wrongful_[std::size_t{terms_of_[party_of_[i]]} * slots_ + slot] != 0;
  }
  // Persons with a party entry now (some kept record, listing or warning): memory is per party.
  std::size_t parties() const { return party_person_.size() - free_.size(); }
  // Parties holding listing terms now (listed, or listed until this tick).
  std::size_t listing_blocks() const { return (slots_ ? black_until_.size() / slots_ : 0) - terms_free_.size(); }
  const std::vector<std::uint8_t>& listed() const { return listed_; }
  const std::vector<std::uint8_t>& red() const { return red_; }
  const std::vector<std::uint8_t>& grade() const { return grade_; }
  std::uint64_t entries(std::size_t slot) const { return entries_[slot]; }
  std::uint64_t wrongful_entries() const { return wrongful_entries_; }
  std::uint64_t delisted_on_appeal() const { return delisted_on_appeal_; }

 private:
  struct Hit {  // 16 bytes: the ledger index, then the rest packed
    std::uint64_t ledger;   // index of the record in the ledger (for corrections)
    Tick tick;
    std::uint16_t count;
    std::uint8_t agency;
    std::uint8_t kind;      // bit 0: counts for the agency's red list (else a watched, negative record); bits 1-2: Origin
    static Hit make(Tick t, std::uint16_t count, std::uint8_t agency, bool positive, Origin origin, std::uint64_t ledger) {
      return {ledger, t, count, agency, static_cast<std::uint8_t>(positive | static_cast<std::uint8_t>(origin) << 1)};
    }
    bool positive() const { return kind & 1; }
    Origin origin() const { return static_cast<Origin>(kind >> 1); }
    template <class A>
    void fields(A& a) {
      a(ledger, tick, count, agency, kind);
    }
  };
  static_assert(sizeof(Hit) == 16);
  // Watched records of `agency` with tick in (t − window, t]; true_only: only true records.
  std::uint32_t count_negative(NodeId i, std::size_t agency, Tick t, Tick window, bool true_only) const;
  // Fields (agencies keeping warning lists) with a watched record in (t − warning_ticks, t].
  std::uint32_t warned_fields(NodeId i, Tick t, bool true_only) const;
  void on_negative(NodeId i, std::size_t agency, Tick t);
  void check_big_data(NodeId i, Tick t);
  void on_correction(std::uint64_t ledger_index, const Record& r, Tick t);

  std::string name_;
  AgencyListsSpec spec_;
  std::size_t slots_;
  std::vector<std::vector<std::uint8_t>> negative_agencies_;  // event type → agencies watching it
  std::vector<std::vector<std::uint8_t>> positive_agencies_;  // event type → agencies whose red list counts it
  Tick keep_negative_ = 0, keep_positive_ = 0;                // how long hits are kept
  // Sparse per-person state: only a "party" — a person with a kept record, a listing or a
  // warning — has an entry (hits, and per slot/agency the terms), found through party_of_.
  // A party is created when the first record reaches it (record(), serial) and freed at the end
  // of score() once it has no kept record and nothing lasts past the tick (serial, ascending
  // person order), so indices are the same for any thread count. A freed entry reads as zeros,
  // which every rule treats like the expired values it replaces.
  static constexpr std::uint32_t kNoParty = 0xffffffffu;
  std::uint32_t party(NodeId i);                              // the entry of i, created if absent
  std::vector<std::uint32_t> party_of_;                       // person → party, or kNoParty
  std::vector<NodeId> party_person_;                          // party → person (kNoNode: free)
  std::vector<std::uint32_t> free_;                           // free party indices (reused last first)
  std::vector<std::vector<Hit>> hits_;                        // per party, in ledger order
  // Listing terms, sparser still: only a party that has been listed and whose term has not run
  // out holds a block of them (most parties have kept records or warnings, not listings). A
  // block is created in the serial record pass and freed in the serial pass at the end of
  // score() (ascending party order, reused last first); a freed block reads as zeros, like the
  // expired terms it held.
  static constexpr std::uint32_t kNoTerms = 0xffffffffu;
  Tick until(std::size_t party, std::size_t slot) const {
    return terms_of_[party] == kNoTerms ? 0 : black_until_[std::size_t{terms_of_[party]} * slots_ + slot];
  }
  std::size_t term_index(std::size_t party, std::size_t slot);  // creates the party's block if absent
  std::vector<std::uint32_t> terms_of_;                       // party → block of terms, or kNoTerms
  std::vector<std::uint32_t> terms_free_;                     // free blocks (reused last first)
  std::vector<Tick> black_until_, black_since_;               // blocks × slots: listed while tick < until
  std::vector<std::uint8_t> wrongful_;                        // blocks × slots: current listing rests on wrong records
  std::vector<Tick> warn_until_;                              // parties × agencies
  bool red_without_records_ = false;                          // some red list needs no civic record
  std::vector<std::uint8_t> listed_, red_, grade_;
  std::vector<std::uint64_t> entries_;                        // per slot, cumulative
  std::uint64_t wrongful_entries_ = 0, delisted_on_appeal_ = 0;
  std::uint64_t black_entries_tick_ = 0, black_exits_tick_ = 0, red_entries_tick_ = 0, red_exits_tick_ = 0;
};

}  // namespace credsim
