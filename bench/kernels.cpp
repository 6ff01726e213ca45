// Google Benchmark kernels of credsim (issue "Country scale on one machine"): graph generation,
// the neighbour gather, composite scoring, the stages of a tick, and this machine's floors
// (streaming bandwidth, random-gather rate). Every kernel reports items/s and bytes/s; all run
// with OpenMP's default thread count and wall-clock time (UseRealTime).
//   build-bench/bench/credsim_bench --benchmark_filter=Gather --benchmark_repetitions=5
#include <benchmark/benchmark.h>
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <filesystem>
#include <map>
#include <memory>
#include <numeric>
#include <random>
#include <tuple>
#include <type_traits>
#include <vector>

#include "common.hpp"
#include "credsim/core/process_env.hpp"
#include "credsim/behave/rare_events.hpp"
#include "credsim/graph/generators.hpp"
#include "credsim/graph/order.hpp"
#include "credsim/graph/stats.hpp"
#include "credsim/io/metrics_csv.hpp"
#include "credsim/measure/stats.hpp"
#include "credsim/record/ledger.hpp"

using namespace credsim;
namespace cb = credsim::bench;

namespace {

// As credsim itself (apps/credsim/main.cpp): passive OpenMP waiting and transparent huge pages
// (core/process_env.hpp), read by libgomp and glibc before main(), so set them and restart this
// process once.
const bool kPassiveWait = [] {
  if (set_process_environment()) {
    static char self[] = "/proc/self/exe";
    std::vector<char*> argv{self, nullptr};
    // benchmark_main owns argv: recover it from /proc/self/cmdline.
    static std::string cmdline;
    if (FILE* f = std::fopen("/proc/self/cmdline", "rb")) {
      char buf[4096];
      std::size_t k;
      while ((k = std::fread(buf, 1, sizeof buf, f)) > 0) cmdline.append(buf, k);
      std::fclose(f);
      argv.clear();
      for (std::size_t i = 0; i < cmdline.size(); i += std::strlen(cmdline.c_str() + i) + 1)
        argv.push_back(cmdline.data() + i);
      argv.push_back(nullptr);
    }
    ::execv("/proc/self/exe", argv.data());  // returns only on failure: carry on with the default
  }
  return true;
}();

constexpr std::uint64_t kSeed = 20261122;

void set_threads(benchmark::State& st) { st.counters["threads"] = omp_get_max_threads(); }

// ---- graph generation ---------------------------------------------------------------------

graph::Csr make_sbm(NodeId n, double degree) {
  GraphSpec g;
  g.model = GraphModel::kStochasticBlock;
  g.mean_degree = degree;
  g.within_region = 0.8;
  return build_graph(g, region_sizes(n, std::vector<double>(8, 1.0)), kSeed, 0);
}

void BM_GenerateER(benchmark::State& st) {
  const auto n = static_cast<NodeId>(st.range(0));
  const double d = static_cast<double>(st.range(1));
  std::size_t arcs = 0, bytes = 0;
  for (auto _ : st) {
    graph::Csr g = graph::erdos_renyi(n, d, kSeed, 0);
    arcs = g.num_arcs();
    bytes = g.memory_bytes();
    benchmark::DoNotOptimize(g.neighbour_array().data());
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * arcs / 2));  // undirected edges
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations() * bytes));      // CSR written
  st.counters["edges"] = static_cast<double>(arcs / 2);
  set_threads(st);
}

void BM_GenerateSBM(benchmark::State& st) {
  const auto n = static_cast<NodeId>(st.range(0));
  const double d = static_cast<double>(st.range(1));
  std::size_t arcs = 0, bytes = 0;
  for (auto _ : st) {
    graph::Csr g = make_sbm(n, d);
    arcs = g.num_arcs();
    bytes = g.memory_bytes();
    benchmark::DoNotOptimize(g.neighbour_array().data());
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * arcs / 2));
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations() * bytes));
  st.counters["edges"] = static_cast<double>(arcs / 2);
  set_threads(st);
}

// ---- the gather kernel: mean of neighbours' uint16 scores over a CSR --------------------

const graph::Csr& cached_sbm(NodeId n, int degree) {
  static std::map<std::pair<NodeId, int>, graph::Csr> cache;
  auto it = cache.find({n, degree});
  if (it == cache.end()) it = cache.emplace(std::pair{n, degree}, make_sbm(n, degree)).first;
  return it->second;
}

void BM_GatherMeanScore(benchmark::State& st) {
  const auto n = static_cast<NodeId>(st.range(0));
  const graph::Csr& g = cached_sbm(n, static_cast<int>(st.range(1)));
  std::vector<std::uint16_t> score(n);
  std::mt19937_64 rng(1);
  for (auto& s : score) s = static_cast<std::uint16_t>(350 + rng() % 601);
  std::vector<double> out(n);
  for (auto _ : st) {
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) {
      std::uint64_t sum = 0;
      const auto list = g.neighbours(static_cast<NodeId>(i));  // as every stage reads it
      for (const NodeId v : list) sum += score[v];
      const auto d = list.size();
      out[i] = d ? static_cast<double>(sum) / static_cast<double>(d) : 0.0;
    }
    benchmark::ClobberMemory();
  }
  const double arcs = static_cast<double>(g.num_arcs());
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * arcs));  // neighbour reads
  // neighbour ids (4 B) + gathered score (2 B) per arc; offsets (4.125 B) + result (8 B) per node.
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations() * (arcs * 6 + n * 12.125)));
  st.counters["arcs"] = arcs;
  set_threads(st);
}

// Connected components and the other graph statistics (graph::compute_stats: Afforest), as the
// harm metrics' giant component share reads them at every measured tick after ties changed.
void BM_GraphStats(benchmark::State& st) {
  const auto n = static_cast<NodeId>(st.range(0));
  const graph::Csr& g = cached_sbm(n, static_cast<int>(st.range(1)));
  for (auto _ : st) {
    const graph::Stats s = graph::compute_stats(g);
    benchmark::DoNotOptimize(s.largest_component);
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * n));  // persons
  st.counters["arcs"] = static_cast<double>(g.num_arcs());
  set_threads(st);
}

// ---- simulations of the default scenario (mean degree 20) --------------------------------

Scenario bench_scenario(std::size_t n) { return cb::default_scenario(n, {"graph.mean_degree=20"}); }

// A simulation after initialise (tick 0), shared by the read-only kernels.
const Simulation& cached_sim(std::size_t n) {
  static std::map<std::size_t, std::unique_ptr<Simulation>> cache;
  auto it = cache.find(n);
  if (it == cache.end()) it = cache.emplace(n, cb::make_simulation(bench_scenario(n))).first;
  return *it->second;
}

void BM_CompositeScore(benchmark::State& st) {
  const Simulation& sim = cached_sim(static_cast<std::size_t>(st.range(0)));
  // Systems are not copyable: each iteration is one more full (Jacobi) recomputation of the
  // cached simulation's composite, which costs the same whatever the scores are.
  Composite& c = cb::composite_of(sim);
  const Exchange ex(sim.graph());
  const auto& p = sim.society().persons;
  for (auto _ : st) {
    c.score(p, ex);
    benchmark::DoNotOptimize(c.scores().data());
  }
  const double n = static_cast<double>(p.size()), arcs = static_cast<double>(sim.graph().num_arcs());
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * n));
  // per person: 10 records (40 B), wealth 8, income 4, 3 traits, offsets 8, score out 2;
  // per arc: neighbour id 4 + the friend's score and unapproved record, packed in one 4-byte word.
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations() * (n * 65 + arcs * 8)));
  st.counters["arcs"] = arcs;
  set_threads(st);
}

void BM_Behave(benchmark::State& st) {
  const Simulation& sim = cached_sim(static_cast<std::size_t>(st.range(0)));
  const auto& p = sim.society().persons;
  TickEvents ev;
  ev.resize(p.size());
  Tick t = 1;
  for (auto _ : st) {
    behave(sim.scenario().behaviour, p, kSeed, 0, t++, ev);
    benchmark::DoNotOptimize(ev.spending.data());
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * p.size()));
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations() * (p.size() * ev.memory_bytes() / p.size())));
  set_threads(st);
}

void BM_RareEventSampler(benchmark::State& st) {
  const Simulation& sim = cached_sim(static_cast<std::size_t>(st.range(0)));
  const auto& p = sim.society().persons;
  TickEvents ev;
  ev.resize(p.size());
  behave(sim.scenario().behaviour, p, kSeed, 0, 1, ev);
  RareEventSampler sampler(sim.scenario().events, p);
  std::vector<Occurrence> occ;
  Tick t = 1;
  std::size_t total = 0;
  for (auto _ : st) {
    sampler.draw(kSeed, 0, t++, ev, occ);
    total += occ.size();
    benchmark::DoNotOptimize(occ.data());
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * p.size()));  // persons per second
  st.SetBytesProcessed(static_cast<int64_t>(total * sizeof(Occurrence)));
  st.counters["occurrences"] = static_cast<double>(total) / static_cast<double>(st.iterations());
  set_threads(st);
}

void BM_LedgerRecord(benchmark::State& st) {
  const Simulation& sim = cached_sim(static_cast<std::size_t>(st.range(0)));
  const auto& sc = sim.scenario();
  const auto& p = sim.society().persons;
  TickEvents ev;
  ev.resize(p.size());
  behave(sc.behaviour, p, kSeed, 0, 1, ev);
  std::vector<Occurrence> occ;
  RareEventSampler(sc.events, p).draw(kSeed, 0, 1, ev, occ);
  // Second argument: rewarded reporting at the integrated preset's rate (0.01 reports per person
  // a week, reward 50), drawn in parallel over blocks of persons and merged in order.
  DataSpec data = sc.data;
  if (st.range(1) != 0) data.reporting.rate = 0.01, data.reporting.reward = 50;
  std::size_t records = 0;
  for (auto _ : st) {
    st.PauseTiming();
    auto ledger = std::make_unique<Ledger>();  // fresh each time: the ledger grows without bound
    st.ResumeTiming();
    ledger->record_tick(data, sc.events, sim.society(), occ, kSeed, 0, 1, &sim.graph());
    records = ledger->records().size();
    st.PauseTiming();
    ledger.reset();
    st.ResumeTiming();
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * occ.size()));  // occurrences recorded
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations() * records * sizeof(Record)));
  st.counters["occurrences"] = static_cast<double>(occ.size());
  st.counters["records"] = static_cast<double>(records);
  set_threads(st);
}

// Simulation::step with measurement every tick; each stage's seconds per step as counters.
void BM_SimulationStep(benchmark::State& st) {
  const auto n = static_cast<std::size_t>(st.range(0));
  Scenario sc = cb::default_scenario(n, {"graph.mean_degree=20", "run.measure_every=1", "run.ticks=100000"});
  auto sim = cb::make_simulation(sc);
  const auto csv = std::filesystem::temp_directory_path() / ("credsim_bench_step_" + std::to_string(::getpid()) + ".csv");
  {
    io::MetricsCsv metrics(csv);
    const auto before = sim->stage_seconds();
    for (auto _ : st) sim->step(&metrics);
    const auto after = sim->stage_seconds();
    for (int s = 0; s < kStages; ++s)
      st.counters[std::string(kStageNames[s]) + "_s"] =
          benchmark::Counter(after[s] - before[s], benchmark::Counter::kAvgIterations);
  }
  std::filesystem::remove(csv);
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * n));  // person-ticks
  set_threads(st);
}

// The measure stage's kernels on a score column: one sort for quantiles and Gini, deciles, Spearman.
std::vector<double> score_column(std::size_t n) {
  const auto& sc = cb::composite_of(cached_sim(n)).scores();
  return {sc.begin(), sc.end()};
}

void BM_MeasureSortQuantilesGini(benchmark::State& st) {
  const auto x = score_column(static_cast<std::size_t>(st.range(0)));
  const std::vector<double> probs{0.1, 0.25, 0.5, 0.75, 0.9};
  for (auto _ : st) {
    const auto s = measure::sorted(x);
    benchmark::DoNotOptimize(measure::quantiles_of_sorted(s, probs));
    benchmark::DoNotOptimize(measure::gini_of_sorted(s));
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * x.size()));
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations() * x.size() * sizeof(double)));
  set_threads(st);
}

void BM_MeasureDeciles(benchmark::State& st) {
  const Simulation& sim = cached_sim(static_cast<std::size_t>(st.range(0)));
  const auto& w = sim.society().persons.wealth;
  for (auto _ : st) benchmark::DoNotOptimize(measure::deciles(w));
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * w.size()));
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations() * w.size() * sizeof(double)));
  set_threads(st);
}

void BM_MeasureSpearman(benchmark::State& st) {
  const auto n = static_cast<std::size_t>(st.range(0));
  const auto x = score_column(n);
  const auto& w = cached_sim(n).society().persons.wealth;
  for (auto _ : st) benchmark::DoNotOptimize(measure::spearman(x, w));
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * n));
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations() * n * 2 * sizeof(double)));
  set_threads(st);
}

// ---- floors: streaming bandwidth and random-gather rate ----------------------------------

// Integers, so the compiler vectorises the reduction (a double sum without -ffast-math is one
// dependent add chain: latency-bound at about 1.6 G adds/s here, not bandwidth-bound).
void BM_FloorStreamSum(benchmark::State& st) {
  const std::size_t n = static_cast<std::size_t>(st.range(0)) / sizeof(std::uint64_t);
  std::vector<std::uint64_t> a(n);
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) a[i] = static_cast<std::uint64_t>(i & 1023);
  for (auto _ : st) {
    std::uint64_t s = 0;
#pragma omp parallel for schedule(static) reduction(+ : s)
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) s += a[i];
    benchmark::DoNotOptimize(s);
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * n));
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations() * n * sizeof(std::uint64_t)));
  set_threads(st);
}

void BM_FloorStreamCopy(benchmark::State& st) {
  const std::size_t n = static_cast<std::size_t>(st.range(0)) / sizeof(double);
  std::vector<double> a(n), b(n);
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) a[i] = static_cast<double>(i), b[i] = 0;
  for (auto _ : st) {
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) b[i] = a[i];
    benchmark::ClobberMemory();
  }
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * n));
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations() * n * 2 * sizeof(double)));  // read + write
  set_threads(st);
}

// The random-gather floors measured so far in this run, by (element size, array bytes): the
// rate of every repetition, so the gather benchmarks can report their ratio to the median.
std::map<std::pair<std::size_t, std::size_t>, std::vector<double>>& floor_rates() {
  static std::map<std::pair<std::size_t, std::size_t>, std::vector<double>> rates;
  return rates;
}

// Reads at random indices into an array of range(0) bytes of T (bigger than any cache); the
// indices are precomputed and streamed. items/s = random reads per second.
template <class T>
void BM_FloorRandomGather(benchmark::State& st) {
  const std::size_t n = static_cast<std::size_t>(st.range(0)) / sizeof(T);
  constexpr std::size_t kReads = std::size_t{1} << 24;
  std::vector<T> a(n);
  for (std::size_t i = 0; i < n; ++i) a[i] = static_cast<T>(i * 2654435761u);
  std::vector<std::uint32_t> idx(kReads);
  std::mt19937_64 rng(7);
  for (auto& k : idx) k = static_cast<std::uint32_t>(rng() % n);
  const auto t0 = std::chrono::steady_clock::now();
  for (auto _ : st) {
    std::uint64_t s = 0;
#pragma omp parallel for schedule(static) reduction(+ : s)
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(kReads); ++i) s += static_cast<std::uint64_t>(a[idx[i]]);
    benchmark::DoNotOptimize(s);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  floor_rates()[{sizeof(T), n * sizeof(T)}].push_back(static_cast<double>(st.iterations() * kReads) / secs);
  st.SetItemsProcessed(static_cast<int64_t>(st.iterations() * kReads));
  st.SetBytesProcessed(static_cast<int64_t>(st.iterations() * kReads * (sizeof(T) + sizeof(std::uint32_t))));
  st.counters["array_MiB"] = static_cast<double>(n * sizeof(T)) / (1 << 20);
  set_threads(st);
}

// ---- node orders: the gather under each order of the same SBM graph (graph/order.hpp) -----

// One generated SBM graph (mean degree 20, 8 equal regions, 80 % of ties within) and one
// relabelling of it at a time: at 10 M persons that is two 0.9 GB CSRs, never more.
struct OrderedSbm {
  NodeId n = 0;
  int order = -1;
  graph::Csr base;              // as generated: region by region
  std::vector<NodeId> starts;   // region starts
  graph::Permutation perm;      // new id -> old id
  graph::Csr permuted;          // base relabelled (unused for the generated order)
  double order_s = 0, permute_s = 0, arc_gap = 0;
  const graph::Csr& graph() const { return order == 0 ? base : permuted; }
};

const OrderedSbm& ordered_sbm(NodeId n, graph::NodeOrder o) {
  static OrderedSbm c;
  using clock = std::chrono::steady_clock;
  if (c.n != n) {
    c = OrderedSbm{};  // free the previous size first
    c.base = make_sbm(n, 20);
    c.starts = graph::block_starts(region_sizes(n, std::vector<double>(8, 1.0)));
    c.n = n;
  }
  if (c.order != static_cast<int>(o)) {
    c.permuted = graph::Csr{};
    c.perm = graph::Permutation{};
    const auto t0 = clock::now();
    c.perm = graph::make_order(o, c.base, c.starts, kSeed);
    const auto t1 = clock::now();
    if (o != graph::NodeOrder::kGenerated) c.permuted = graph::permute(c.base, c.perm);
    const auto t2 = clock::now();
    c.order = static_cast<int>(o);
    c.order_s = std::chrono::duration<double>(t1 - t0).count();
    c.permute_s = std::chrono::duration<double>(t2 - t1).count();
    // Mean over arcs of |u - v| / n: how far, in the column, a gather reaches from the reader's
    // own entry (1/3 for a random order; about 0.8/24 + 0.2·0.4 for the 8-region order).
    const graph::Csr& g = c.graph();
    double gap = 0;
#pragma omp parallel for schedule(static) reduction(+ : gap)
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) {
      std::uint64_t s = 0;
      for (const NodeId v : g.neighbours(static_cast<NodeId>(i)))
        s += v > i ? v - static_cast<std::uint64_t>(i) : static_cast<std::uint64_t>(i) - v;
      gap += static_cast<double>(s);
    }
    c.arc_gap = g.num_arcs() ? gap / (static_cast<double>(g.num_arcs()) * static_cast<double>(n)) : 0;
  }
  return c;
}

double median_floor(std::size_t elem, std::size_t bytes) {
  auto it = floor_rates().find({elem, bytes});
  if (it == floor_rates().end() || it->second.empty()) return 0;
  auto v = it->second;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

// The neighbour mean of BM_GatherMeanScore (uint16 scores, integer sum), or of float scores
// summed in double as Composite::relationship_inputs_of does, on one order of the graph. The
// scores are the same per person in every order (mapped to the new ids). Counters: arcs_per_s;
// vs_floor_col and vs_floor_1e8, the gather rate over the median random-gather floor measured
// earlier in the same run into an array of T the size of this column and of 10^8 persons
// (0 when that floor was filtered out); order_s and permute_s, the cost of making the order;
// arc_gap (see ordered_sbm).
template <class T>
void BM_GatherOrder(benchmark::State& st, NodeId n, graph::NodeOrder o) {
  const OrderedSbm& c = ordered_sbm(n, o);
  const graph::Csr& g = c.graph();
  std::vector<T> score(n);
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) {
    const std::uint64_t old = c.perm.old_of(static_cast<NodeId>(i));
    score[i] = static_cast<T>(350 + (old * 0x9E3779B97F4A7C15ull >> 40) % 601);
  }
  std::vector<double> out(n);
  const T* sc = score.data();
  for (auto _ : st) {
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) {
      using Sum = std::conditional_t<std::is_integral_v<T>, std::uint64_t, double>;
      Sum sum = 0;
      const auto list = g.neighbours(static_cast<NodeId>(i));
      for (const NodeId v : list) sum += sc[v];
      const auto d = list.size();
      out[i] = d ? static_cast<double>(sum) / static_cast<double>(d) : 0.0;
    }
    benchmark::ClobberMemory();
  }
  const double arcs = static_cast<double>(g.num_arcs());
  const double done = static_cast<double>(st.iterations()) * arcs;
  st.SetItemsProcessed(static_cast<int64_t>(done));
  st.SetBytesProcessed(static_cast<int64_t>(static_cast<double>(st.iterations()) *
                                            (arcs * (4 + sizeof(T)) + n * 12.125)));
  st.counters["arcs"] = arcs;
  st.counters["arcs_per_s"] = benchmark::Counter(done, benchmark::Counter::kIsRate);
  const double col = median_floor(sizeof(T), std::size_t{n} * sizeof(T));
  const double big = median_floor(sizeof(T), std::size_t{100000000} * sizeof(T));
  st.counters["floor_col"] = col;
  st.counters["floor_1e8"] = big;
  st.counters["vs_floor_col"] = benchmark::Counter(col > 0 ? done / col : 0, benchmark::Counter::kIsRate);
  st.counters["vs_floor_1e8"] = benchmark::Counter(big > 0 ? done / big : 0, benchmark::Counter::kIsRate);
  st.counters["order_s"] = c.order_s;
  st.counters["permute_s"] = c.permute_s;
  st.counters["arc_gap"] = c.arc_gap;
  set_threads(st);
}

constexpr int64_t kMiB = int64_t{1} << 20;

}  // namespace

BENCHMARK(BM_GenerateER)->ArgsProduct({{100000, 1000000}, {10, 20}})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_GenerateSBM)->ArgsProduct({{100000, 1000000}, {10, 20}})->Args({10000000, 20})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_GraphStats)->ArgsProduct({{1000000, 10000000}, {20}})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_GatherMeanScore)->ArgsProduct({{100000, 1000000}, {10, 20}})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CompositeScore)->Arg(100000)->Arg(1000000)->Arg(10000000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Behave)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_RareEventSampler)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_LedgerRecord)->ArgsProduct({{100000, 1000000}, {0, 1}})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MeasureSortQuantilesGini)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MeasureDeciles)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_MeasureSpearman)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SimulationStep)->Arg(100000)->Arg(1000000)->MinTime(2.0)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_FloorStreamSum)->Arg(512 * kMiB)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_FloorStreamCopy)->Arg(256 * kMiB)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_TEMPLATE(BM_FloorRandomGather, std::uint32_t)->Arg(512 * kMiB)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_TEMPLATE(BM_FloorRandomGather, std::uint16_t)->Arg(200 * kMiB)->Unit(benchmark::kMillisecond)->UseRealTime();

// The node-order comparison (graph/order.hpp). Floors first, so the gathers can report their ratio
// to them: random uint16 and float reads into columns of 1 M, 10 M and 10^8 persons.
//   build-bench/bench/credsim_bench --benchmark_repetitions=3
//     --benchmark_filter='BM_FloorStreamSum|BM_FloorRandomGather<(std::uint16_t|float)>/[24]0+/|BM_GatherOrder'
BENCHMARK_TEMPLATE(BM_FloorRandomGather, std::uint16_t)->Arg(2000000)->Arg(20000000)->Arg(200000000)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();
BENCHMARK_TEMPLATE(BM_FloorRandomGather, float)->Arg(4000000)->Arg(40000000)->Arg(400000000)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();

namespace {
const bool kGatherOrdersRegistered = [] {
  using graph::NodeOrder;
  for (const NodeId n : {NodeId{1000000}, NodeId{10000000}})
    // The generated order once more at the end ("/rerun"): on a shared machine the load changes
    // during the run, and a rerun shows how much of a difference is the order and how much the
    // time it ran at. cpu_time is the process's (both threads'), which time-slicing by other
    // processes inflates far less than the wall clock.
    for (int k = 0; k < 6; ++k)
      for (const bool f32 : {false, true}) {
        const NodeOrder o = k == 5 ? NodeOrder::kGenerated : static_cast<NodeOrder>(k);
        const std::string name = std::string("BM_GatherOrder/") + (f32 ? "f32" : "u16") + "/n:" +
                                 std::to_string(n) + "/order:" + std::string(graph::order_name(o)) +
                                 (k == 5 ? "/rerun" : "");
        benchmark::RegisterBenchmark(name.c_str(), [n, o, f32](benchmark::State& st) {
          if (f32) BM_GatherOrder<float>(st, n, o); else BM_GatherOrder<std::uint16_t>(st, n, o);
        })->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();
      }
  return true;
}();
}  // namespace
