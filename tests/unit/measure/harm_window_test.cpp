// The harm window stores exactly the snapshots a later measured tick uses as its window start
// (MODEL.md §20): the schedule arithmetic of harm_window.hpp against a brute force over the
// measured ticks, HarmMetrics' held snapshots (memory_bytes) after every measured tick, and its
// windowed rows against a reference that keeps every tick's columns.
#include "credsim/measure/harm_window.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "credsim/measure/harm.hpp"
#include "credsim/run/simulation.hpp"
#include "test_support.hpp"

namespace credsim {
namespace {

struct Brute {
  std::vector<std::uint64_t> measured;  // ascending
  std::map<std::uint64_t, std::uint64_t> base;
  std::set<std::uint64_t> needed;
  Brute(std::uint64_t T, std::uint64_t e, std::uint64_t W) {
    for (std::uint64_t t = 0; t <= T; ++t)
      if (t == 0 || t % e == 0 || t == T) measured.push_back(t);
    for (std::uint64_t t : measured) {
      const std::uint64_t x = t >= W ? t - W : 0;
      std::uint64_t b = 0;
      for (std::uint64_t m : measured)
        if (m <= x) b = m;
      base[t] = b;
      if (b < t) needed.insert(b);
    }
  }
  // Stored ticks ≤ t that some measured tick after t still uses.
  std::set<std::uint64_t> held_after(std::uint64_t t) const {
    std::set<std::uint64_t> h;
    for (const auto& [t2, b] : base)
      if (t2 > t && b <= t && needed.count(b)) h.insert(b);
    return h;
  }
};

TEST(HarmWindow, ScheduleArithmeticMatchesABruteForce) {
  for (std::uint64_t T : {1u, 2u, 3u, 7u, 8u, 10u, 52u, 53u, 104u})
    for (std::uint64_t e : {1u, 2u, 3u, 4u, 5u, 13u, 60u})
      for (std::uint64_t W : {1u, 2u, 3u, 4u, 5u, 8u, 52u, 200u}) {
        const Brute br(T, e, W);
        const std::string what = "T=" + std::to_string(T) + " e=" + std::to_string(e) + " W=" + std::to_string(W);
        std::uint64_t held_max = 0;
        double bytes_max = 0;  // tick 0's snapshot 3 bytes, every other 11 (wealth not stored at 0)
        for (std::uint64_t t : br.measured) {
          EXPECT_EQ(harm_window::base(t, T, e, W), br.base.at(t)) << what << " t=" << t;
          EXPECT_EQ(harm_window::needed(t, T, e, W), br.needed.count(t) == 1) << what << " t=" << t;
          if (t < T) {
            EXPECT_EQ(harm_window::next_measured(t, T, e), *std::upper_bound(br.measured.begin(), br.measured.end(), t));
          }
          held_max = std::max<std::uint64_t>(held_max, br.held_after(t).size());
          double bytes = 0;
          for (std::uint64_t m : br.held_after(t)) bytes += m == 0 ? 3 : 11;
          bytes_max = std::max(bytes_max, bytes);
        }
        const auto c = harm_window::count(T, e, W, 3, 11);
        EXPECT_EQ(c.stored, br.needed.size()) << what;
        EXPECT_EQ(c.held_max, held_max) << what;
        EXPECT_EQ(c.bytes_max, bytes_max) << what;
      }
  // Hand-worked: 8 ticks measured every 4 (0, 4, 8) with W = 52: only tick 0 is stored.
  EXPECT_EQ(harm_window::count(8, 4, 52).stored, 1u);
  EXPECT_EQ(harm_window::count(8, 4, 52).held_max, 1u);
  EXPECT_EQ(harm_window::count(8, 4, 52, 3, 11).bytes_max, 3.0);
  // One tick: tick 1 starts at 0, nothing later.
  EXPECT_EQ(harm_window::count(1, 1, 52).stored, 1u);
  // 10 ticks every tick, W = 3: ticks 0..7 are the starts of ticks 3..10 (and 0 of 1, 2);
  // held at once: b(t+1) … t, i.e. t−2 … t: 3 (plus none at t = 10).
  EXPECT_EQ(harm_window::count(10, 1, 3).stored, 8u);
  EXPECT_EQ(harm_window::count(10, 1, 3).held_max, 3u);
  // 52 ticks, measured every 4, W = 52 (the presets): only tick 0.
  EXPECT_EQ(harm_window::count(52, 4, 52).stored, 1u);
  // A long run: 520 ticks, every tick, W = 52: 468 + 1 stored, 52 held at once.
  EXPECT_EQ(harm_window::count(520, 1, 52).stored, 469u);
  EXPECT_EQ(harm_window::count(520, 1, 52).held_max, 52u);
}

// A system whose score and grade the test sets tick by tick.
class Fixed final : public System {
 public:
  explicit Fixed(std::string name) : name_(std::move(name)) {}
  const std::string& name() const override { return name_; }
  std::string_view type() const override { return "fixed"; }
  SystemOutputs outputs() const override {
    SystemOutputs o;
    o.score = &score;
    o.grade = &grade;
    o.grade_names = {"A", "B", "C"};
    return o;
  }
  std::size_t memory_bytes() const override { return 0; }
  void checkpoint(ckpt::Archive& a) override { a(score, grade); }
  std::vector<float> score;
  std::vector<std::uint8_t> grade;

 private:
  std::string name_;
};

using Rows = std::map<std::tuple<Tick, std::string, std::string>, double>;  // (tick, metric, key) → value

Rows read_rows(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  Rows rows;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string x;
    while (std::getline(ss, x, ',')) f.push_back(x);
    rows[{static_cast<Tick>(std::stoul(f[0])), f[2], f[3]}] = f[4] == "NA" ? std::nan("") : std::stod(f[4]);
  }
  return rows;
}

// Same double, or both NaN (the CSV holds the shortest round-tripping decimal).
void expect_same(double got, double want, const std::string& what) {
  if (std::isnan(want)) EXPECT_TRUE(std::isnan(got)) << what;
  else EXPECT_EQ(got, want) << what;
}

TEST(HarmWindow, StoresExactlyTheNeededSnapshotsAndMatchesAKeepEverythingReference) {
  constexpr std::size_t n = 300;
  for (auto [T, e, W] : {std::tuple<Tick, Tick, Tick>{8, 4, 52}, {10, 1, 3}, {20, 3, 5}, {17, 4, 6}, {9, 2, 1}, {12, 5, 10}}) {
    Scenario sc;
    sc.run.ticks = T, sc.run.measure_every = e, sc.measure.window = W;
    sc.measure.spiral_score_drop = 5, sc.measure.spiral_wealth_drop = 0.1;
    Society soc = generate_society(n, SocietySpec{}, BehaviourSpec{}, 1, 0);
    graph::Csr g({std::vector<EdgeIdx>(n + 1, 0)}, {});
    Exchange ex(g);
    TickEvents ev;
    ev.resize(n);
    Ledger ledger;
    std::vector<std::unique_ptr<System>> systems;
    auto f = std::make_unique<Fixed>("fx");
    Fixed* fx = f.get();
    systems.push_back(std::move(f));
    Consequences cons(std::vector<RuleSpec>{}, sc.effects, systems, soc);
    HarmMetrics h;
    std::mt19937_64 gen(T * 1000 + e * 10 + W);
    const Brute br(T, e, W);
    const std::string what = "T=" + std::to_string(T) + " e=" + std::to_string(e) + " W=" + std::to_string(W);

    std::map<Tick, std::tuple<std::vector<double>, std::vector<float>, std::vector<std::uint8_t>>> all;  // the reference keeps everything
    test::TempDir tmp("harm_window");
    bool wealth_initial_at0 = false;
    {
      io::MetricsCsv out(tmp.path() / "m.csv");
      for (Tick t : br.measured) {
        // Columns that change every tick (ties and NaN scores included).
        fx->score.resize(n), fx->grade.resize(n);
        // Some runs keep the initial wealth at tick 0 (then the snapshot reads it from persons)
        // and some give grades that the score determines (bands: then no grade is stored).
        const bool initial = t == 0 && T % 2 == 0, banded = T % 3 == 0;
        for (std::size_t i = 0; i < n; ++i) {
          const std::uint64_t u = gen();
          fx->score[i] = u % 17 == 0 ? std::nanf("") : static_cast<float>(u % 40);
          fx->grade[i] = static_cast<std::uint8_t>((u >> 8) % 3);
          if (banded) fx->grade[i] = std::isnan(fx->score[i]) ? 2 : fx->score[i] < 13 ? 1 : fx->score[i] < 30 ? 0 : 2;
          soc.persons.wealth[i] = initial ? static_cast<double>(soc.persons.initial_wealth[i]) : static_cast<double>((u >> 16) % 10);
        }
        if (initial) wealth_initial_at0 = true;
        all[t] = {soc.persons.wealth, fx->score, fx->grade};
        const SimContext ctx{sc, soc, g, ex, sc.events, ev, {}, ledger, 1, 0, t, &systems};
        h.measure(ctx, cons, out);
        out.end_tick();
        // Held now: exactly the brute force's set, each 8 bytes a person of wealth (none for tick 0
        // when it was the initial wealth), 1 of score (integers 0…39 and NaN) and 2 bits of grade
        // (none when banded: a few bands), plus the cached order of initial wealth (4 bytes and
        // a bit per person).
        std::size_t want = n * 4 + (n + 63) / 64 * 8;
        for (std::uint64_t m : br.held_after(t))
          want += (m == 0 && wealth_initial_at0 ? 0 : n * 8) + n + (T % 3 == 0 ? 0 : (2 * n + 63) / 64 * 8);
        if (T % 3 == 0) {
          EXPECT_GE(h.memory_bytes(), want) << what << " t=" << t;
          EXPECT_LE(h.memory_bytes(), want + br.held_after(t).size() * 64) << what << " t=" << t;
        } else {
          EXPECT_EQ(h.memory_bytes(), want) << what << " t=" << t;
        }
      }
      out.commit();
    }
    const Rows rows = read_rows(tmp.path() / "m.csv");
    for (Tick t : br.measured) {
      const Tick b = static_cast<Tick>(br.base.at(t));
      const std::string at = what + " t=" + std::to_string(t);
      expect_same(rows.at({t, "window_start", ""}), b, at);
      const auto& [w0, s0, g0] = all[b];
      const auto& [w1, s1, g1] = all[t];
      double both = 0, spiral = 0, from[3] = {}, to[3][3] = {};
      for (std::size_t i = 0; i < n; ++i) {
        from[g0[i]]++, to[g0[i]][g1[i]]++;
        if (!std::isfinite(s0[i]) || !std::isfinite(s1[i])) continue;
        both++;
        spiral += double(s0[i]) - double(s1[i]) >= 5 && w0[i] > 0 && w0[i] - w1[i] >= 0.1 * w0[i];
      }
      expect_same(rows.at({t, "negative_spiral_share", ""}), spiral / both, at);
      const char* names[] = {"A", "B", "C"};
      for (int a = 0; a < 3; ++a)
        for (int c = 0; c < 3; ++c)
          if (from[a] > 0)
            expect_same(rows.at({t, "grade_transition", std::string(names[a]) + ">" + names[c]}), to[a][c] / from[a], at);
    }
  }
}

}  // namespace
}  // namespace credsim
