// Municipal points (SPEC §1.2), Rongcheng-style: everyone starts at 1000; each recorded event in
// the city's catalog adds or deducts points; grades AAA … D from cut-offs; some records set a
// grade automatically (drunk driving → C); "warning before punishment" makes a person's first
// negative record of each type a warning only. A catalog with only rewards (Xiamen, Fuzhou) is
// expressible. Corrected records (successful appeals) are reversed.
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "credsim/systems/points_spec.hpp"
#include "credsim/systems/system.hpp"

namespace credsim {

class Points final : public System {
 public:
  Points(std::string name, const PointsSpec& spec, std::size_t persons);
  const std::string& name() const override { return name_; }
  std::string_view type() const override { return "points"; }
  void initialise(const SimContext& ctx) override;
  void record(const SimContext& ctx) override;
  void score(const SimContext& ctx) override;
  void measure(const SimContext& ctx, io::MetricsCsv& out) const override;
  SystemOutputs outputs() const override;
  void checkpoint(ckpt::Archive& a) override;
  std::size_t memory_bytes() const override;

  // Grade index (into grade_names, then "unrated" for persons outside the scheme's regions)
  // of a balance, before automatic grades.
  std::uint8_t grade_of(double balance) const;
  const std::vector<float>& balance() const { return balance_; }
  const std::vector<std::uint8_t>& grade() const { return grade_; }
  std::uint64_t warnings() const { return warnings_; }
  const PointsSpec& spec() const { return spec_; }

 private:
  struct Applied {
    NodeId person;
    float delta;
    template <class A>
    void fields(A& a) {
      a(person, delta);
    }
  };
  std::string name_;
  PointsSpec spec_;
  // An automatic grade in force (few persons have one): the grade index and the tick it ends.
  struct AutoGrade {
    std::uint8_t grade;
    Tick until;
    template <class A>
    void fields(A& a) {
      a(grade, until);
    }
  };
  bool in_scheme(const Persons& p, std::size_t i) const {
    return spec_.regions.empty() || (p.region[i] < scheme_region_.size() && scheme_region_[p.region[i]]);
  }
  bool warned(NodeId i, int bit) const {
    return warned_[static_cast<std::size_t>(i) * warn_bytes_ + bit / 8] & (1u << (bit % 8));
  }
  std::vector<int> entry_of_type_;            // event type → catalog entry, or -1
  std::vector<std::uint8_t> auto_grade_of_entry_;  // grade index or 255
  std::vector<int> warn_bit_of_entry_;        // catalog entry → its bit in a person's warnings, or -1
  std::vector<std::uint8_t> scheme_region_;   // region → 1 if the scheme covers it (spec_.regions)
  std::vector<float> balance_;
  std::vector<std::uint8_t> grade_;
  std::unordered_map<NodeId, AutoGrade> auto_grade_;  // persons with an automatic grade in force
  std::size_t warn_bytes_ = 0;                // bytes per person: one bit per entry that can warn
  std::vector<std::uint8_t> warned_;          // persons × warn_bytes_: warned once for that entry
  std::unordered_map<std::uint64_t, Applied> applied_;  // ledger index → what it did
  std::deque<std::pair<Tick, std::uint64_t>> expiries_;  // (tick it stops counting, ledger index)
  std::uint64_t warnings_ = 0, counted_ = 0, reversed_ = 0;
  std::uint8_t unrated_;
};

}  // namespace credsim
