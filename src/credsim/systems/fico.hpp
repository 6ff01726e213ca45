// FICO-style credit score (SPEC §1.12): 300–850 from financial records only — payment history,
// amounts owed, length of history, credit mix, new credit — with no network and no politics.
// It keeps a second, counterfactual score from true records only, so the harm of false and
// misattributed finance records (and the repair by appeal) is measured against the FTC figures
// of SPEC §1.6. Definitions: docs/MODEL.md, "FICO-style credit score".
#pragma once
#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "credsim/systems/fico_spec.hpp"
#include "credsim/systems/system.hpp"

namespace credsim {

// The five sub-scores, each in [0, 1] (exposed for hand-computed tests).
double fico_payment_history(const FicoSpec& s, double on_time, double missed, double defaults, double other);
double fico_amounts_owed(const FicoSpec& s, bool has_line, double income, double spending_avg, double defaults);
double fico_length_of_history(const FicoSpec& s, bool has_account, std::uint8_t age_band, Tick tick);
double fico_credit_mix(const FicoSpec& s, bool has_line, double income, double initial_wealth);
double fico_new_credit(const FicoSpec& s, double inquiries);
// 300 + 550 · weighted mean of the sub-scores, rounded to a whole point (bureau scores are integers).
double fico_score(const FicoSpec& s, const std::array<double, 5>& sub);

class Fico final : public System {
 public:
  // Derogatory categories of a bureau record.
  enum Category : std::uint8_t { kMissed = 0, kDefault = 1, kOther = 2, kNotHeld = 255 };

  Fico(std::string name, const FicoSpec& spec, std::size_t persons);
  const std::string& name() const override { return name_; }
  std::string_view type() const override { return "fico"; }
  void initialise(const SimContext& ctx) override;
  void record(const SimContext& ctx) override;
  void score(const SimContext& ctx) override;
  void measure(const SimContext& ctx, io::MetricsCsv& out) const override;
  SystemOutputs outputs() const override;
  void checkpoint(ckpt::Archive& a) override;
  std::size_t memory_bytes() const override;
  const FicoSpec& spec() const { return spec_; }

  std::uint8_t grade_of(double score) const;
  const std::vector<float>& scores() const { return score_; }
  const std::vector<float>& counterfactual_scores() const { return score_cf_; }
  const std::vector<std::uint8_t>& grades() const { return grade_; }
  const std::vector<std::uint8_t>& counterfactual_grades() const { return grade_cf_; }
  // Current sub-scores of person i (all records, or true records only).
  std::array<double, 5> subscores(const SimContext& ctx, std::size_t i, bool true_only) const;
  // Derogatory records of category c on person i's file (all, or true only).
  std::uint32_t derogatory(std::size_t i, Category c, bool true_only) const {
    return (true_only ? derog_true_ : derog_all_)[3 * i + c];
  }
  double on_time(std::size_t i) const { return on_time_[i]; }
  std::uint32_t wrong_on_file(std::size_t i) const { return wrong_now_[i]; }

 private:
  struct Held {
    NodeId person;
    std::uint16_t count;
    Category category;
    bool wrong;
    template <class A>
    void fields(A& a) {
      a(person, count, category, wrong);
    }
  };
  void remove(std::uint64_t ledger_index);

 public:
  // Bytes per derogatory record on file: its entry in held_ (key, value, a node's next pointer
  // and cached hash, a bucket) and its place in expiries_ (run/memory_budget.cpp counts these).
  static constexpr std::size_t kHeldRecordBytes =
      sizeof(std::uint64_t) + sizeof(Held) + 16 + sizeof(void*) + sizeof(std::pair<Tick, std::uint64_t>);

 private:
  void recompute(const SimContext& ctx);

  std::string name_;
  FicoSpec spec_;
  std::vector<Category> category_of_type_;  // event type → category, or kNotHeld
  double inquiry_decay_ = 1, spend_weight_ = 1;
  std::vector<float> on_time_;                 // on-time instalments on file
  std::vector<std::uint16_t> derog_all_, derog_true_;  // [3·i + category]
  std::vector<float> spending_avg_;            // smoothed weekly spending (yuan)
  std::vector<float> inquiries_;               // decayed count of hard inquiries
  std::vector<std::uint16_t> wrong_now_;       // wrong (false or misattributed) records on file
  std::vector<std::uint8_t> wrong_ever_;
  std::vector<float> score_, score_cf_;
  std::vector<std::uint8_t> grade_, grade_cf_;
  std::unordered_map<std::uint64_t, Held> held_;           // ledger index → what it added
  std::deque<std::pair<Tick, std::uint64_t>> expiries_;    // (tick it leaves the file, ledger index)
  std::uint64_t held_total_ = 0, corrected_ = 0, expired_ = 0;
};

}  // namespace credsim
