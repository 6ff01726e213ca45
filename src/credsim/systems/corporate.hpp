// Corporate credit (SPEC §1.5): every business gets a Unified Social Credit Code (some keyed into
// the register with an error), behaves (tax, product quality, food safety, environment, wages)
// and may be pressed for a political statement; it is rated A/B/C/D from its records over a
// window. Joint punishment both ways: a D-rated business flags its legal representative (the
// per-person `listed` this system publishes), and a person listed by another system cannot serve
// as legal representative (replaced, or the business downgraded).
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "credsim/systems/corporate_spec.hpp"
#include "credsim/systems/system.hpp"

namespace credsim {

class Corporate final : public System {
 public:
  enum Rating : std::uint8_t { kA = 0, kB = 1, kC = 2, kD = 3, kNone = 4 };
  static constexpr std::uint8_t kPolitical = kCorporateViolations;  // record type index

  Corporate(std::string name, const CorporateSpec& spec, std::size_t persons);
  const std::string& name() const override { return name_; }
  std::string_view type() const override { return "corporate"; }
  void initialise(const SimContext& ctx) override;
  void record(const SimContext& ctx) override;
  void score(const SimContext& ctx) override;
  void measure(const SimContext& ctx, io::MetricsCsv& out) const override;
  SystemOutputs outputs() const override;
  void checkpoint(ckpt::Archive& a) override;
  std::size_t memory_bytes() const override;

  // Rating from points and whether a serious record lies within serious_ticks.
  std::uint8_t rating_of(double points, bool serious) const;
  // Adds a record as if drawn (tests; the explain trace).
  void add_record(std::uint32_t business, Tick tick, std::uint8_t type) { records_[business].push_back({tick, type}); }
  std::size_t businesses() const { return rating_.size(); }
  const std::string& register_code(std::uint32_t b) const { return code_[b]; }
  bool code_valid(std::uint32_t b) const { return code_valid_[b] != 0; }
  std::uint8_t rating(std::uint32_t b) const { return rating_[b]; }  // effective rating
  double points(std::uint32_t b) const { return points_[b]; }
  NodeId representative(std::uint32_t b) const { return rep_[b]; }
  const std::vector<std::uint8_t>& person_listed() const { return person_listed_; }
  const std::vector<std::uint8_t>& person_grade() const { return person_grade_; }
  std::uint64_t invalid_codes() const { return invalid_codes_; }
  std::uint64_t corrupted_codes() const { return corrupted_; }
  std::uint64_t replacements() const { return replacements_; }
  std::uint64_t downgraded() const { return downgraded_now_; }

 private:
  struct BizRecord {
    Tick tick;
    std::uint8_t type;  // violation index, or kPolitical
    template <class A>
    void fields(A& a) {
      a(tick, type);
    }
  };
  void rate_all(Tick t);
  void apply_person_list(const SimContext& ctx);
  void publish();

  std::string name_;
  CorporateSpec spec_;
  std::vector<std::uint8_t> sanction_set_;        // rating → passes sanctions
  std::vector<std::string> code_;                 // the register's code (possibly mis-keyed)
  std::vector<std::uint8_t> code_valid_, org_ok_, corrupted_flag_;
  std::vector<float> propensity_;
  std::vector<std::uint8_t> sector_;
  std::vector<std::uint16_t> region_;
  std::vector<NodeId> rep_;                       // current legal representative
  std::vector<std::vector<BizRecord>> records_;   // per business, by tick
  std::vector<float> points_;
  std::vector<std::uint8_t> base_rating_, rating_, downgraded_, political_ever_;
  std::vector<std::uint8_t> person_listed_, person_grade_;
  std::vector<std::vector<NodeId>> rep_pool_;     // per region: persons flagged legal_rep, by id
  std::vector<NodeId> region_start_;
  std::array<std::uint64_t, kCorporateViolations + 1> records_total_{};
  std::uint64_t invalid_codes_ = 0, org_fail_ = 0, corrupted_ = 0;
  std::uint64_t demands_ = 0, refusals_ = 0, replacements_ = 0, replacement_failed_ = 0, downgraded_now_ = 0;
};

}  // namespace credsim
