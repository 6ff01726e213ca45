// The shared data layer: detection, errors, notification and appeals (SPEC §1.6).
#include "credsim/record/ledger.hpp"

#include <algorithm>
#include <cmath>

#include "credsim/core/parallel.hpp"
#include "credsim/core/rng.hpp"

namespace credsim {
namespace {

// Where each person's occurrences start in the tick's occurrences (sorted by person), looked up
// through the first occurrence of every stride of persons: the same position as a binary search
// of the whole array, which a report's friend (a random person) would make miss the cache at
// each of its ~20 steps; here one read of this small index (a 16th of a byte per person) and a
// search of about a stride's occurrences next to it.
class OccurrenceIndex {
 public:
  static constexpr std::size_t kStride = 128;
  OccurrenceIndex(std::span<const Occurrence> occ, std::size_t n) : occ_(occ), first_((n + kStride - 1) / kStride + 1) {
    std::size_t a = 0;
    for (std::size_t b = 0; b < first_.size(); ++b) {
      const std::uint64_t lo = std::uint64_t{b} * kStride;
      while (a < occ.size() && occ[a].person < lo) ++a;
      first_[b] = a;
    }
  }
  // The first occurrence of a person >= j (occ.size() if none): std::lower_bound's answer.
  std::size_t lower_bound(NodeId j) const {
    const std::size_t b = j / kStride;
    const auto lo = occ_.begin() + static_cast<std::ptrdiff_t>(first_[b]);
    const auto hi = occ_.begin() + static_cast<std::ptrdiff_t>(first_[b + 1]);
    return static_cast<std::size_t>(
        std::lower_bound(lo, hi, j, [](const Occurrence& o, NodeId v) { return o.person < v; }) - occ_.begin());
  }

 private:
  std::span<const Occurrence> occ_;
  std::vector<std::size_t> first_;  // first_[b]: the first occurrence of a person >= b·kStride
};

}  // namespace

bool Ledger::decide_appeal(Record& r, const DataSpec& spec, std::uint64_t seed, std::uint64_t replicate,
                           std::uint64_t index) {
  // Only the wrongly recorded appeal here (true records have no grounds; list exits by appeal
  // are the court list's own mechanics). Decided appeal_delay ticks later.
  if (r.origin == Origin::kTrue || !r.notified) return false;
  Rng rng(seed, replicate, r.tick, index, Stream::kAppeals);
  if (!rng.bernoulli(spec.appeal_prob)) return false;
  r.appealed = 1;
  r.decided = r.tick + spec.appeal_delay;
  return true;
}

void Ledger::record_tick(const DataSpec& spec, const EventCatalog& catalog, const Society& society,
                         std::span<const Occurrence> occ, std::uint64_t seed, std::uint64_t replicate, Tick tick,
                         const graph::Csr* graph, const AdaptView::Report& report_mult) {
  const Persons& p = society.persons;
  const std::size_t n = p.size();
  added_begin_ = records_.size();
  corrected_.clear();

  auto region_factor = [&](NodeId i) {
    if (spec.region_detection.empty()) return 1.0;
    if (spec.region_detection.size() == 1) return spec.region_detection[0];
    return spec.region_detection[std::min<std::size_t>(p.region[i], spec.region_detection.size() - 1)];
  };
  auto random_in_region = [&](Rng& rng, NodeId i) {
    const std::uint16_t r = p.region[i];
    const NodeId lo = society.region_start[r], hi = society.region_start[r + 1];
    if (hi - lo <= 1) return i;
    NodeId j = lo + static_cast<NodeId>(rng.below(hi - lo - 1));
    return j >= i ? j + 1 : j;  // anyone in the region but the actor
  };

  // True events: detection and misattribution, one stream per person per tick (occurrences
  // are sorted by person, so each person's draws are taken in a fixed order). In parallel over
  // fixed chunks of the occurrences, each cut at a person's first occurrence: every chunk's
  // records in occurrence order, appended in chunk order — the records of the serial loop, in
  // its order, for any thread count.
  std::vector<std::uint8_t> detected(occ.size(), 0);
  constexpr std::size_t kChunk = 8192;
  const std::size_t chunks = (occ.size() + kChunk - 1) / kChunk;
  std::vector<std::size_t> cut(chunks + 1, occ.size());
  for (std::size_t c = 0; c < chunks; ++c) {
    std::size_t a = c * kChunk;
    while (a > 0 && a < occ.size() && occ[a - 1].person == occ[a].person) ++a;
    cut[c] = a;
  }
  std::vector<std::vector<Record>> found(chunks);
  parallel_for(chunks, [&](std::size_t c) {
    std::vector<Record>& out = found[c];
    for (std::size_t a = cut[c]; a < std::max(cut[c], cut[c + 1]);) {
      const NodeId i = occ[a].person;
      Rng rng(seed, replicate, tick, i, Stream::kLedger);
      for (; a < occ.size() && occ[a].person == i; ++a) {
        const EventTypeSpec& t = catalog[occ[a].type];
        const double d = std::min(1.0, t.detection * region_factor(i));
        std::uint16_t seen = 0;
        for (std::uint16_t k = 0; k < occ[a].count; ++k) seen += rng.bernoulli(d);
        if (seen == 0) continue;
        detected[a] = 1;
        Record r{i, i, occ[a].type, seen, Origin::kTrue, RecordStatus::kActive, 0, 0, tick, 0};
        if (t.misattribution > 0 && rng.bernoulli(t.misattribution)) {
          r.person = random_in_region(rng, i);
          r.origin = r.person == i ? Origin::kTrue : Origin::kMisattributed;
        }
        r.notified = rng.bernoulli(spec.notify_prob);
        out.push_back(r);
      }
    }
  });
  {
    std::size_t total = records_.size();
    for (const auto& f : found) total += f.size();
    if (total > records_.capacity()) records_.reserve(std::max(total, 2 * records_.capacity()));
    for (const auto& f : found) records_.insert(records_.end(), f.begin(), f.end());
  }
  // Rewarded reporting (SPEC §1.7): reporters, found by skipping over fixed blocks, each report
  // one friend. A friend with undetected misconduct this tick is reported truly (the first such
  // event, which is then detected); otherwise the report is false with probability false_share
  // (a record of false_type), or empty. Each report that makes a record earns the reward.
  //
  // The blocks' draws are independent streams, but a true report marks its event detected for
  // the blocks after it: the blocks are only serial through those marks. So every block is drawn
  // in parallel against the marks of detection alone (and its own), then the blocks are taken in
  // order: a block none of whose true reports took an event an earlier block took is exactly
  // what the serial walk draws (a report's outcome depends on the marks only through the event
  // it took; more marks leave one that took none with none). A block with such a clash is drawn
  // again, serially, against every earlier block's marks. Records, rewards and the sum of
  // rewards are then the serial walk's, in its order, for any thread count.
  rewards_.clear();
  const ReportingSpec& rep = spec.reporting;
  if (rep.rate > 0 && graph != nullptr) {
    const EventTypeId false_type = *catalog.find(rep.false_type);
    const double q = -std::expm1(-rep.rate);
    const OccurrenceIndex index(occ, n);
    struct BlockReports {
      std::vector<Record> records;
      std::vector<NodeId> rewarded;     // reporters paid, in order
      std::vector<std::size_t> taken;   // occurrences reported truly (detected from now on)
      std::uint64_t true_reports = 0, false_reports = 0, empty_reports = 0;
    };
    auto draw_block = [&](std::size_t b, BlockReports& out) {
      out = BlockReports{};
      Rng rng(seed, replicate, tick, b, Stream::kReports);
      const std::size_t hi = std::min(n, (b + 1) * kRareBlock);
      // With adaptation, personal rates rate·m_i: skip at the block's largest rate, then thin
      // (exact, as in the rare-event sampler). Without it, the unthinned draws of before.
      double qb = q;
      if (report_mult) {
        float mmax = 0;
        for (std::size_t i = b * kRareBlock; i < hi; ++i) mmax = std::max(mmax, report_mult(i));
        if (mmax <= 0) return;
        qb = -std::expm1(-rep.rate * mmax);
      }
      auto is_detected = [&](std::size_t k) {
        return detected[k] != 0 || std::find(out.taken.begin(), out.taken.end(), k) != out.taken.end();
      };
      for (std::size_t i = b * kRareBlock;;) {
        const std::uint64_t skip = rng.geometric_skip(qb);
        if (skip >= hi - i) break;
        i += skip;
        const bool reports = !report_mult || rng.uniform() * qb < -std::expm1(-rep.rate * report_mult(i));
        const auto friends = graph->neighbours(static_cast<NodeId>(i));
        if (reports && !friends.empty()) {
          const NodeId j = friends[rng.below(friends.size())];
          std::size_t found = occ.size();
          for (std::size_t k = index.lower_bound(j); k < occ.size() && occ[k].person == j; ++k)
            if (catalog[occ[k].type].kind == EventKind::kMisconduct && !is_detected(k)) { found = k; break; }
          Record r{j, j, 0, 1, Origin::kTrue, RecordStatus::kActive, 0, 0, tick, 0};
          r.channel = Channel::kReported;
          bool made = false;
          if (found < occ.size()) {
            out.taken.push_back(found);
            r.type = occ[found].type;
            made = true;
            out.true_reports++;
          } else if (rng.bernoulli(rep.false_share)) {
            r.type = false_type;
            r.actor = kNoNode;
            r.origin = Origin::kFalse;
            made = true;
            out.false_reports++;
          } else {
            out.empty_reports++;
          }
          if (made) {
            r.notified = rng.bernoulli(spec.notify_prob);
            out.records.push_back(r);
            if (rep.reward > 0) out.rewarded.push_back(static_cast<NodeId>(i));
          }
        }
        if (++i >= hi) break;
      }
    };
    const std::size_t rblocks = (n + kRareBlock - 1) / kRareBlock;
    std::vector<BlockReports> drawn(rblocks);
    parallel_for(rblocks, [&](std::size_t b) { draw_block(b, drawn[b]); });
    for (std::size_t b = 0; b < rblocks; ++b) {
      BlockReports& d = drawn[b];
      if (std::any_of(d.taken.begin(), d.taken.end(), [&](std::size_t k) { return detected[k] != 0; })) draw_block(b, d);
      for (std::size_t k : d.taken) detected[k] = 1;
      records_.insert(records_.end(), d.records.begin(), d.records.end());
      for (NodeId i : d.rewarded) {
        rewards_.emplace_back(i, rep.reward);
        reports_.rewards_paid += rep.reward;
      }
      reports_.true_reports += d.true_reports;
      reports_.false_reports += d.false_reports;
      reports_.empty_reports += d.empty_reports;
      d = BlockReports{};
    }
  }
  // False records: for each type with a false rate, by skipping over fixed blocks of persons.
  const std::size_t blocks = (n + kRareBlock - 1) / kRareBlock;
  for (std::size_t k = 0; k < catalog.size(); ++k) {
    const double f = catalog[static_cast<EventTypeId>(k)].false_rate;
    if (f <= 0) continue;
    const double q = -std::expm1(-f);
    for (std::size_t b = 0; b < blocks; ++b) {
      Rng rng(seed, replicate, tick, (static_cast<std::uint64_t>(k) << 40) | b, Stream::kFalseRecords);
      const std::size_t hi = std::min(n, (b + 1) * kRareBlock);
      for (std::size_t i = b * kRareBlock;;) {
        const std::uint64_t skip = rng.geometric_skip(q);
        if (skip >= hi - i) break;
        i += skip;
        Record r{static_cast<NodeId>(i), kNoNode, static_cast<EventTypeId>(k), 1, Origin::kFalse, RecordStatus::kActive,
                 0, 0, tick, 0};
        r.notified = rng.bernoulli(spec.notify_prob);
        records_.push_back(r);
        if (++i >= hi) break;
      }
    }
  }
  // Appeals opened by this tick's wrong records: each record's own stream, in parallel; then the
  // opened ones join pending_ in record order.
  {
    const std::size_t first = added_begin_, m = records_.size() - first;
    std::vector<std::uint8_t> opened(m, 0);
    parallel_for((m + kChunk - 1) / kChunk, [&](std::size_t c) {
      for (std::size_t k = first + c * kChunk; k < first + std::min(m, (c + 1) * kChunk); ++k) opened[k - first] = decide_appeal(records_[k], spec, seed, replicate, k);
    });
    for (std::size_t k = 0; k < m; ++k)
      if (opened[k]) pending_.push_back(first + k);
  }
  // Appeals decided this tick (pending_ is in order opened; decisions are due in tick order).
  std::size_t kept = 0;
  for (std::size_t a = 0; a < pending_.size(); ++a) {
    Record& r = records_[pending_[a]];
    if (r.decided > tick) {
      pending_[kept++] = pending_[a];
      continue;
    }
    Rng rng(seed, replicate, tick, pending_[a], Stream::kAppeals);
    if (rng.bernoulli(spec.appeal_success)) {
      r.status = RecordStatus::kCorrected;
      corrected_.push_back(pending_[a]);
    }
  }
  pending_.resize(kept);
}

}  // namespace credsim
