// credsim_dump_composite N TICKS OUT_DIR REPS [--set key=value ...]
// Runs the default scenario (scenarios/default.toml, society.persons = N, plus the overrides) for
// TICKS ticks without measurement, then writes to OUT_DIR, as .npy, everything one composite
// recomputation reads (the CSR, the person columns, the ten decayed records, the scores before)
// and the scores after one Composite::score, plus composite.json with the spec's parameters and
// the median of REPS timed recomputations from the same state. bench/numpy_composite.py reads it.
#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <omp.h>

#include "common.hpp"
#include "credsim/core/process_env.hpp"
#include "credsim/io/snapshot.hpp"

using namespace credsim;
namespace fs = std::filesystem;

template <class T>
static void put(const fs::path& dir, const std::string& name, const std::vector<T>& v) {
  io::write_npy<T>(dir / (name + ".npy"), std::span<const T>(v));
}

int main(int argc, char** argv) {
  if (set_process_environment()) ::execv("/proc/self/exe", argv);  // as credsim (core/process_env.hpp)
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s N TICKS OUT_DIR REPS [--set key=value ...]\n", argv[0]);
    return 2;
  }
  const std::size_t n = std::stoull(argv[1]);
  const int ticks = std::stoi(argv[2]);
  const fs::path out = argv[3];
  const int reps = std::stoi(argv[4]);
  std::vector<std::string> extra;
  for (int a = 5; a + 1 < argc; a += 2)
    if (std::string(argv[a]) == "--set") extra.emplace_back(argv[a + 1]);
  extra.push_back("run.ticks=" + std::to_string(std::max(ticks, 1)));
  const Scenario sc = bench::default_scenario(n, extra);
  auto sim = bench::make_simulation(sc);
  for (int t = 0; t < ticks; ++t) sim->step(nullptr);
  const Composite& c0 = bench::composite_of(*sim);  // read before the recomputation below
  const auto& p = sim->society().persons;
  const auto& g = sim->graph();
  const Exchange ex(g);
  fs::create_directories(out);

  put(out, "offsets", g.offsets().to_vector());  // 8 B each, as numpy_composite.py reads them
  put(out, "neighbours", g.neighbour_array());
  put(out, "wealth", p.wealth);
  put(out, "income", std::vector<float>(p.income.begin(), p.income.end()));
  auto unpack = [&](auto get) {
    std::vector<std::uint8_t> v(p.size());
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = get(i);
    return v;
  };
  put(out, "education", unpack([&](std::size_t i) { return p.education(i); }));
  put(out, "stable_job", unpack([&](std::size_t i) { return p.stable_job(i); }));
  put(out, "age_band", unpack([&](std::size_t i) { return p.age_band(i); }));
  // The records are 16-bit floats (core/uf16.hpp); written as their exact float32 values.
  const auto& r = c0.records();
  auto floats = [](const Uf16Column& c) { return std::vector<float>(c.begin(), c.end()); };
  put(out, "rec_on_time", floats(r.on_time));
  put(out, "rec_missed", floats(r.missed));
  put(out, "rec_defaults", floats(r.defaults));
  put(out, "rec_approved", floats(r.approved));
  put(out, "rec_games", floats(r.games));
  put(out, "rec_purchases", floats(r.purchases));
  put(out, "rec_on_platform", floats(r.on_platform));
  put(out, "rec_gaming_hours", floats(r.gaming_hours));
  put(out, "rec_unapproved", floats(r.unapproved));
  put(out, "rec_embarrassing", floats(r.embarrassing));
  put(out, "score_before", c0.scores());

  // One recomputation from this state: the scores NumPy must reproduce. Systems are not
  // copyable, so the timed repeats are the following recomputations (the same work on the
  // same graph and records; only the friends' scores differ).
  Composite& c = bench::composite_of(*sim);
  c.score(p, ex);
  put(out, "score_after", c.scores());
  std::vector<double> secs;
  for (int k = 0; k < reps; ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    c.score(p, ex);
    secs.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(secs.begin(), secs.end());

  const CompositeSpec& s = c0.spec();
  nlohmann::json j;
  j["persons"] = p.size();
  j["arcs"] = g.num_arcs();
  j["ticks"] = ticks;
  j["threads"] = omp_get_max_threads();
  j["overrides"] = extra;
  j["cpp_score_seconds"] = secs;
  j["cpp_score_median_seconds"] = secs.empty() ? 0.0 : secs[secs.size() / 2];
  j["decay"] = std::pow(0.5, 1.0 / s.record_half_life);
  j["weights"] = s.weights;
  j["prior_good"] = s.prior_good, j["prior_bad"] = s.prior_bad;
  j["missed_weight"] = s.missed_weight, j["default_weight"] = s.default_weight;
  j["wealth_ref"] = s.wealth_ref, j["income_ref"] = s.income_ref;
  j["identity_education"] = s.identity_education, j["identity_job"] = s.identity_job;
  j["identity_age"] = s.identity_age, j["age_factor"] = s.age_factor;
  j["use_purchases"] = s.use_purchases, j["use_platform"] = s.use_platform;
  j["use_gaming"] = s.use_gaming, j["use_posts"] = s.use_posts;
  j["behaviour_bias"] = s.behaviour_bias, j["beta_approved"] = s.beta_approved;
  j["beta_games"] = s.beta_games, j["beta_platform"] = s.beta_platform;
  j["beta_gaming"] = s.beta_gaming, j["beta_unapproved"] = s.beta_unapproved;
  j["beta_embarrassing"] = s.beta_embarrassing;
  j["rel_friends_mean"] = s.rel_friends_mean, j["rel_friends_below"] = s.rel_friends_below;
  j["rel_friends_posts"] = s.rel_friends_posts, j["rel_below_threshold"] = s.rel_below_threshold;
  j["rel_posts_cap"] = s.rel_posts_cap, j["rel_no_friends"] = s.rel_no_friends;
  j["education_levels"] = kEducationLevels;
  std::ofstream(out / "composite.json") << j.dump(2) << "\n";
  std::printf("persons %zu arcs %zu: Composite::score median %.4f s over %d repeats (%d threads)\n", p.size(),
              static_cast<std::size_t>(g.num_arcs()), j["cpp_score_median_seconds"].get<double>(), reps,
              omp_get_max_threads());
  return 0;
}
