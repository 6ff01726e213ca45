// Per-person snapshots (io/snapshot.hpp): the .npy format byte for byte, round trips, the
// folder a run leaves, and that snapshots never change metrics.csv. The independent numpy
// recomputation of the metrics is tests/python/verify_snapshot.py (ctest: snapshot_numpy_verifier).
#include "credsim/io/snapshot.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "credsim/core/error.hpp"
#include "credsim/run/runner.hpp"
#include "credsim/run/simulation.hpp"
#include "credsim/scenario/scenario.hpp"
#include "test_support.hpp"

namespace credsim {
namespace {

namespace fs = std::filesystem;

using test::slurp;

fs::path integrated() { return fs::path(CREDSIM_SOURCE_DIR) / "scenarios" / "integrated_2020.toml"; }

TEST(Npy, HeaderBytesOfATinyArrayAreExact) {
  // Hand-checked against the .npy 1.0 specification and numpy 1.24's np.save of
  // np.array([1, 2, 3], dtype='<f4'): the dict is 57 characters; 6 + 2 + 2 + 57 + 1 = 68,
  // so 60 spaces pad it to the next multiple of 64, 128, and the length field is 118 = 0x76.
  const std::size_t shape[] = {3};
  const std::string h = io::npy_header("<f4", shape);
  const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
  ASSERT_EQ(dict.size(), 57u);
  const std::string expected = std::string("\x93NUMPY\x01\x00\x76\x00", 10) + dict + std::string(60, ' ') + "\n";
  ASSERT_EQ(expected.size(), 128u);
  EXPECT_EQ(h, expected);

  // The whole file: header then the three floats, little-endian (1.0f = 00 00 80 3f).
  test::TempDir tmp("npy");
  const std::vector<float> v{1.0f, 2.0f, 3.0f};
  io::write_npy(tmp.path() / "a.npy", std::span<const float>(v));
  const std::string file = slurp(tmp.path() / "a.npy");
  ASSERT_EQ(file.size(), 128u + 12u);
  EXPECT_EQ(file.substr(0, 128), expected);
  EXPECT_EQ(file.substr(128, 4), std::string("\x00\x00\x80\x3f", 4));
  EXPECT_EQ(file.substr(132, 4), std::string("\x00\x00\x00\x40", 4));
  EXPECT_EQ(file.substr(136, 4), std::string("\x00\x00\x40\x40", 4));
}

TEST(Npy, ShapesAndDescriptorsAreWrittenAsPythonReprs) {
  const std::size_t scalar[1] = {0};
  EXPECT_NE(io::npy_header("<f8", std::span<const std::size_t>(scalar, 0)).find("'shape': (), }"), std::string::npos);
  const std::size_t two[] = {18035, 2};
  EXPECT_NE(io::npy_header("<u4", two).find("'shape': (18035, 2), }"), std::string::npos);
  const std::size_t three[] = {4, 5, 6};
  EXPECT_NE(io::npy_header("|u1", three).find("'descr': '|u1', 'fortran_order': False, 'shape': (4, 5, 6), }"),
            std::string::npos);
  EXPECT_EQ(io::npy_descr<double>(), "<f8");
  EXPECT_EQ(io::npy_descr<float>(), "<f4");
  EXPECT_EQ(io::npy_descr<std::uint64_t>(), "<u8");
  EXPECT_EQ(io::npy_descr<std::uint32_t>(), "<u4");
  EXPECT_EQ(io::npy_descr<std::uint16_t>(), "<u2");
  EXPECT_EQ(io::npy_descr<std::uint8_t>(), "|u1");
}

TEST(Npy, HeaderIsAlignedTo64BytesForAnyShape) {
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{9}, std::size_t{10}, std::size_t{99999},
                        std::size_t{100000000}, std::size_t{123456789012345}, std::size_t{18446744073709551615ull}}) {
    for (const char* d : {"<f8", "<f4", "<u8", "<u4", "<u2", "|u1"}) {
      const std::size_t s1[] = {n};
      const std::size_t s2[] = {n, 2};
      for (const std::string& h : {io::npy_header(d, s1), io::npy_header(d, s2)}) {
        SCOPED_TRACE(h);
        EXPECT_EQ(h.size() % 64, 0u);
        EXPECT_EQ(h.back(), '\n');
        const std::size_t len = static_cast<unsigned char>(h[8]) | (static_cast<std::size_t>(static_cast<unsigned char>(h[9])) << 8);
        EXPECT_EQ(len + 10, h.size());
        // Only spaces between the closing brace and the newline.
        const auto brace = h.rfind('}');
        EXPECT_EQ(h.find_first_not_of(' ', brace + 1), h.size() - 1);
      }
    }
  }
}

TEST(Npy, RoundTripOfEveryType) {
  test::TempDir tmp("npy-rt");
  const std::vector<double> d{0.0, -1.5, 1e300, std::nan("")};
  const std::vector<std::uint16_t> u2{0, 1, 65535};
  const std::vector<std::uint8_t> u1{};
  const std::vector<std::uint64_t> u8{~std::uint64_t{0}, 1};
  io::write_npy(tmp.path() / "d.npy", std::span<const double>(d));
  io::write_npy(tmp.path() / "u2.npy", std::span<const std::uint16_t>(u2));
  io::write_npy(tmp.path() / "u1.npy", std::span<const std::uint8_t>(u1));
  io::write_npy(tmp.path() / "u8.npy", std::span<const std::uint64_t>(u8));

  const auto a = io::read_npy(tmp.path() / "d.npy");
  EXPECT_EQ(a.descr, "<f8");
  EXPECT_EQ(a.shape, std::vector<std::size_t>{4});
  EXPECT_EQ(a.header_bytes % 64, 0u);
  const auto dv = a.as<double>();
  ASSERT_EQ(dv.size(), 4u);
  EXPECT_EQ(dv[1], -1.5);
  EXPECT_EQ(dv[2], 1e300);
  EXPECT_TRUE(std::isnan(dv[3]));
  const auto b = io::read_npy(tmp.path() / "u2.npy");
  EXPECT_EQ(b.descr, "<u2");
  EXPECT_EQ(b.as<std::uint16_t>(), u2);
  const auto c = io::read_npy(tmp.path() / "u1.npy");
  EXPECT_EQ(c.descr, "|u1");
  EXPECT_EQ(c.shape, std::vector<std::size_t>{0});
  EXPECT_TRUE(c.data.empty());
  EXPECT_EQ(io::read_npy(tmp.path() / "u8.npy").as<std::uint64_t>(), u8);
  // Only final names: no .partial is left behind.
  for (const auto& e : fs::directory_iterator(tmp.path())) EXPECT_NE(e.path().extension(), ".partial");
}

TEST(Npy, MalformedFilesAreRefused) {
  test::TempDir tmp("npy-bad");
  {
    std::ofstream(tmp.path() / "x.npy") << "not numpy";
  }
  EXPECT_THROW(io::read_npy(tmp.path() / "x.npy"), ResourceError);
  const std::vector<float> v{1, 2, 3};
  io::write_npy(tmp.path() / "t.npy", std::span<const float>(v));
  const std::string full = slurp(tmp.path() / "t.npy");
  {
    std::ofstream(tmp.path() / "t.npy", std::ios::binary) << full.substr(0, full.size() - 1);  // truncated data
  }
  EXPECT_THROW(io::read_npy(tmp.path() / "t.npy"), ResourceError);
}

// A simulation stepped by hand, snapshotted, and every file compared with its state.
TEST(Snapshot, FilesHoldTheSimulationState) {
  const Scenario sc = load_scenario(integrated().string(), {"society.persons=1500", "run.ticks=4"});
  const auto sizes = region_sizes(sc.society.persons, sc.society.region_weights);
  Simulation sim(sc, build_graph(sc.graph, sizes, sc.run.seed, sc.run.replicate));
  sim.initialise(nullptr);
  sim.step(nullptr);
  sim.step(nullptr);
  test::TempDir tmp("snap-state");
  const SnapshotWritten w = write_snapshot(sim, tmp.path(), false);
  EXPECT_EQ(w.dir, tmp.path() / "snapshots" / "tick_000002");
  ASSERT_FALSE(w.files.empty());
  EXPECT_EQ(w.files.back(), "index.json");

  const Persons& p = sim.society().persons;
  const std::size_t n = p.size();
  const auto wealth = io::read_npy(w.dir / "persons.wealth.npy");
  EXPECT_EQ(wealth.descr, "<f8");
  EXPECT_EQ(wealth.as<double>(), p.wealth);
  // 16-bit columns (core/uf16.hpp): written as float32, their decoded values.
  auto decoded = [](const Uf16Column& c) { return std::vector<float>(c.begin(), c.end()); };
  EXPECT_EQ(io::read_npy(w.dir / "persons.initial_wealth.npy").as<float>(), decoded(p.initial_wealth));
  EXPECT_EQ(io::read_npy(w.dir / "persons.dissent.npy").as<float>(), decoded(p.dissent));
  EXPECT_EQ(io::read_npy(w.dir / "persons.income.npy").as<float>(), decoded(p.income));
  EXPECT_EQ(io::read_npy(w.dir / "persons.region.npy").as<std::uint16_t>(), p.region);
  // The packed traits and the derived propensities, one column each, as the accessors read them.
  auto column = [&](auto get) {
    std::vector<decltype(get(std::size_t{0}))> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = get(i);
    return v;
  };
  EXPECT_EQ(io::read_npy(w.dir / "persons.legal_rep.npy").as<std::uint8_t>(), column([&](std::size_t i) { return p.legal_rep(i); }));
  EXPECT_EQ(io::read_npy(w.dir / "persons.education.npy").as<std::uint8_t>(), column([&](std::size_t i) { return p.education(i); }));
  EXPECT_EQ(io::read_npy(w.dir / "persons.consent.npy").as<std::uint8_t>(), column([&](std::size_t i) { return p.consent(i); }));
  EXPECT_EQ(io::read_npy(w.dir / "persons.misconduct.npy").as<float>(), column([&](std::size_t i) { return p.misconduct(i); }));
  EXPECT_EQ(io::read_npy(w.dir / "persons.wealth_z.npy").as<float>(), column([&](std::size_t i) { return p.wealth_z(i); }));
  EXPECT_EQ(io::read_npy(w.dir / "consequences.effects.npy").as<std::uint64_t>(), sim.consequences().active().widened());
  for (const auto& s : sim.systems()) {
    const SystemOutputs o = s->outputs();
    if (o.score) {
      const auto a = io::read_npy(w.dir / (s->name() + ".score.npy"));
      EXPECT_EQ(a.descr, "<f4");
      const auto v = a.as<float>();
      ASSERT_EQ(v.size(), n);
      for (std::size_t i = 0; i < n; ++i)
        ASSERT_TRUE(v[i] == o.score[i] || (std::isnan(v[i]) && std::isnan(o.score[i]))) << s->name() << " " << i;
    }
    if (o.grade) {
      std::vector<std::uint8_t> derived;
      const auto g = o.grade.bytes(derived);
      EXPECT_EQ(io::read_npy(w.dir / (s->name() + ".grade.npy")).as<std::uint8_t>(), std::vector<std::uint8_t>(g.begin(), g.end()));
    }
    if (o.listed) {
      EXPECT_EQ(io::read_npy(w.dir / (s->name() + ".listed.npy")).as<std::uint8_t>(), *o.listed);
    }
    if (o.red) {
      EXPECT_EQ(io::read_npy(w.dir / (s->name() + ".red.npy")).as<std::uint8_t>(), *o.red);
    }
  }

  // Edges: (m, 2), each undirected edge once with u < v, ascending, all of the CSR's.
  const graph::Csr& g = sim.graph();
  const auto e = io::read_npy(w.dir / "edges.npy");
  EXPECT_EQ(e.descr, "<u4");
  ASSERT_EQ(e.shape, (std::vector<std::size_t>{g.num_edges(), 2}));
  const auto ev = e.as<std::uint32_t>();
  std::size_t k = 0;
  for (NodeId u = 0; u < g.num_nodes(); ++u)
    for (NodeId v : g.neighbours(u))
      if (v > u) {
        ASSERT_EQ(ev[2 * k], u);
        ASSERT_EQ(ev[2 * k + 1], v);
        ++k;
      }
  EXPECT_EQ(k, g.num_edges());

  // The index names every file with its dtype and shape, grade and effect names.
  const auto idx = nlohmann::json::parse(slurp(w.dir / "index.json"));
  EXPECT_EQ(idx["tick"], 2);
  EXPECT_EQ(idx["n"], n);
  EXPECT_EQ(idx["m"], g.num_edges());
  EXPECT_EQ(idx["seed"], sc.run.seed);
  EXPECT_EQ(idx["scenario"], sc.run.name);
  EXPECT_EQ(idx["measured"], false);
  std::set<std::string> on_disk;
  for (const auto& f : fs::directory_iterator(w.dir)) on_disk.insert(f.path().filename().string());
  std::set<std::string> indexed{"index.json"};
  for (const auto& f : idx["files"]) {
    const std::string name = f["name"];
    indexed.insert(name);
    const auto a = io::read_npy(w.dir / name);
    EXPECT_EQ(f["dtype"], a.descr) << name;
    EXPECT_EQ(f["shape"].get<std::vector<std::size_t>>(), a.shape) << name;
    EXPECT_FALSE(f["meaning"].get<std::string>().empty()) << name;
  }
  EXPECT_EQ(indexed, on_disk);
  EXPECT_EQ(std::set<std::string>(w.files.begin(), w.files.end()), on_disk);
  ASSERT_EQ(idx["systems"].size(), sim.systems().size());
  for (std::size_t s = 0; s < sim.systems().size(); ++s) {
    EXPECT_EQ(idx["systems"][s]["name"], sim.systems()[s]->name());
    const SystemOutputs o = sim.systems()[s]->outputs();
    if (o.grade) {
      EXPECT_EQ(idx["systems"][s]["grade_names"].get<std::vector<std::string>>(), o.grade_names);
    }
  }
  const auto& lib = sim.consequences().library().effects();
  ASSERT_EQ(idx["effects"].size(), lib.size());
  for (std::size_t b = 0; b < lib.size(); ++b) {
    EXPECT_EQ(idx["effects"][b]["bit"], b);
    EXPECT_EQ(idx["effects"][b]["name"], lib[b].name);
  }
}

// Through run_scenario: which ticks are written, the manifest, only final names, and the same
// metrics.csv bytes as a run without snapshots.
TEST(Snapshot, RunWritesSnapshotsAndLeavesMetricsUnchanged) {
  const Scenario sc =
      load_scenario(integrated().string(), {"society.persons=2000", "run.ticks=7", "run.measure_every=3"});
  test::TempDir tmp("snap-run");
  RunOptions plain;
  plain.out_dir = tmp.path() / "plain";
  plain.threads = 2;
  run_scenario(sc, plain);
  RunOptions snap = plain;
  snap.out_dir = tmp.path() / "snap";
  snap.snapshot_every = 3;
  const RunResult r = run_scenario(sc, snap);

  const std::string a = slurp(plain.out_dir / "metrics.csv"), b = slurp(snap.out_dir / "metrics.csv");
  ASSERT_GT(a.size(), 10000u);
  EXPECT_TRUE(a == b) << "metrics.csv differs with --snapshot-every";

  // Tick 0, every third tick, and the last (7, not a multiple of 3).
  std::vector<std::string> expected{"tick_000000", "tick_000003", "tick_000006", "tick_000007"};
  std::vector<std::string> got;
  for (const auto& d : fs::directory_iterator(snap.out_dir / "snapshots")) got.push_back(d.path().filename().string());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, expected);
  ASSERT_EQ(r.snapshots.size(), 4u);
  EXPECT_EQ(r.snapshots.back(), snap.out_dir / "snapshots" / "tick_000007");

  const auto m = nlohmann::json::parse(slurp(snap.out_dir / "manifest.json"));
  std::vector<std::string> outputs{"metrics.csv"};
  for (const auto& t : expected) outputs.push_back("snapshots/" + t + "/index.json");
  EXPECT_EQ(m["outputs"].get<std::vector<std::string>>(), outputs);
  EXPECT_EQ(m["snapshot_every"], 3);
  const auto mp = nlohmann::json::parse(slurp(plain.out_dir / "manifest.json"));
  EXPECT_EQ(mp["outputs"].get<std::vector<std::string>>(), std::vector<std::string>{"metrics.csv"});
  EXPECT_FALSE(fs::exists(plain.out_dir / "snapshots"));

  // Measured ticks (0, 3, 6 and the last) are flagged; every file under its final name.
  for (const auto& t : expected) {
    const auto idx = nlohmann::json::parse(slurp(snap.out_dir / "snapshots" / t / "index.json"));
    EXPECT_EQ(idx["measured"], true) << t;
  }
  std::size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(snap.out_dir)) {
    EXPECT_EQ(e.path().string().find(".partial"), std::string::npos) << e.path();
    files += e.is_regular_file();
  }
  EXPECT_GT(files, 4u * 30u);
}

}  // namespace
}  // namespace credsim
