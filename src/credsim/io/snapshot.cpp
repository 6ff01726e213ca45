// Per-person snapshots as .npy files (see snapshot.hpp).
#include "credsim/io/snapshot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <fstream>
#include <nlohmann/json.hpp>

#include "credsim/consequences/privileges.hpp"
#include "credsim/core/error.hpp"
#include "credsim/core/parallel.hpp"
#include "credsim/io/output_file.hpp"
#include "credsim/run/simulation.hpp"
#include "credsim/systems/composite.hpp"

namespace credsim::io {

// The data are written as they lie in memory; .npy files here declare little-endian types.
static_assert(std::endian::native == std::endian::little,
              "snapshot .npy files are written from memory as little-endian: a big-endian host needs byte swapping here");

namespace {
constexpr std::size_t kNpyAlign = 64;  // numpy >= 1.9 (ARRAY_ALIGN)
constexpr std::string_view kMagic = "\x93NUMPY";

std::string shape_repr(std::span<const std::size_t> shape) {
  // Python's repr of a tuple of ints: (), (3,), (3, 2).
  std::string s = "(";
  for (std::size_t k = 0; k < shape.size(); ++k) s += (k ? ", " : "") + std::to_string(shape[k]);
  if (shape.size() == 1) s += ",";
  return s + ")";
}

std::size_t product(std::span<const std::size_t> shape) {
  std::size_t p = 1;
  for (auto d : shape) p *= d;
  return p;
}

[[noreturn]] void bad_npy(const std::filesystem::path& path, const std::string& why) {
  throw ResourceError("credsim: '" + path.string() + "' is not a .npy file credsim can read (" + why + ")");
}
}  // namespace

std::string npy_header(std::string_view descr, std::span<const std::size_t> shape) {
  std::string dict = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}", descr, shape_repr(shape));
  // magic (6) + version (2) + length (2) + dict + padding + '\n' ≡ 0 (mod 64)
  const std::size_t unpadded = kMagic.size() + 2 + 2 + dict.size() + 1;
  const std::size_t pad = (kNpyAlign - unpadded % kNpyAlign) % kNpyAlign;
  dict.append(pad, ' ');
  dict.push_back('\n');
  CREDSIM_ASSERT(dict.size() <= 0xFFFF);
  std::string h(kMagic);
  h.push_back('\x01');
  h.push_back('\x00');
  h.push_back(static_cast<char>(dict.size() & 0xFF));
  h.push_back(static_cast<char>((dict.size() >> 8) & 0xFF));
  return h + dict;
}

void write_npy_bytes(const std::filesystem::path& path, std::string_view descr, std::span<const std::size_t> shape,
                     const void* data, std::size_t item_size, std::size_t items) {
  CREDSIM_ASSERT(items == product(shape));
  OutputFile f(path);
  f.write(npy_header(descr, shape));
  if (items) f.write(std::string_view(static_cast<const char*>(data), item_size * items));
  f.commit();
}

NpyArray read_npy(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) bad_npy(path, "cannot open");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 10 || bytes.compare(0, kMagic.size(), kMagic) != 0) bad_npy(path, "no \\x93NUMPY magic");
  if (bytes[6] != '\x01' || bytes[7] != '\x00') bad_npy(path, "not format version 1.0");
  const std::size_t len = static_cast<unsigned char>(bytes[8]) | (static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8);
  if (bytes.size() < 10 + len) bad_npy(path, "header runs past the end");
  const std::string dict = bytes.substr(10, len);
  NpyArray a;
  a.header_bytes = 10 + len;
  auto field = [&](const std::string& key) -> std::string {
    const auto k = dict.find("'" + key + "': ");
    if (k == std::string::npos) bad_npy(path, "no '" + key + "'");
    return dict.substr(k + key.size() + 4);
  };
  {
    const std::string d = field("descr");
    if (d.empty() || d[0] != '\'') bad_npy(path, "descr is not a string");
    const auto e = d.find('\'', 1);
    if (e == std::string::npos) bad_npy(path, "descr is not a string");
    a.descr = d.substr(1, e - 1);
  }
  if (field("fortran_order").rfind("False", 0) != 0) bad_npy(path, "Fortran order");
  {
    const std::string s = field("shape");
    if (s.empty() || s[0] != '(') bad_npy(path, "shape is not a tuple");
    const auto e = s.find(')');
    if (e == std::string::npos) bad_npy(path, "shape is not a tuple");
    std::string inner = s.substr(1, e - 1);
    std::size_t pos = 0;
    while (pos < inner.size()) {
      while (pos < inner.size() && (inner[pos] == ' ' || inner[pos] == ',')) ++pos;
      if (pos >= inner.size()) break;
      std::size_t end = pos;
      while (end < inner.size() && inner[end] >= '0' && inner[end] <= '9') ++end;
      if (end == pos) bad_npy(path, "shape holds a non-integer");
      a.shape.push_back(std::stoull(inner.substr(pos, end - pos)));
      pos = end;
    }
  }
  std::size_t item = 0;
  if (a.descr.size() >= 2) item = std::stoul(a.descr.substr(2));
  if (item == 0) bad_npy(path, "unknown descr '" + a.descr + "'");
  a.data = bytes.substr(a.header_bytes);
  if (a.data.size() != item * product(a.shape)) bad_npy(path, "data size does not match the shape");
  return a;
}

}  // namespace credsim::io

namespace credsim {

std::filesystem::path snapshot_dir(const std::filesystem::path& run_dir, Tick t) {
  return run_dir / "snapshots" / fmt::format("tick_{:06}", t);
}

namespace {

// Writes files into one snapshot folder and records each for the index.
class Writer {
 public:
  explicit Writer(std::filesystem::path dir) : dir_(std::move(dir)) {}

  template <class T>
  void column(const std::string& name, std::span<const T> v, std::string meaning) {
    io::write_npy(dir_ / name, v);
    note(name, io::npy_descr<T>(), {v.size()}, std::move(meaning));
  }
  template <class T>
  void column(const std::string& name, const std::vector<T>& v, std::string meaning) {
    column(name, std::span<const T>(v), std::move(meaning));
  }
  // A 16-bit column (core/uf16.hpp) as float32: its decoded values, written in blocks.
  void column(const std::string& name, const Uf16Column& v, std::string meaning) {
    column_of<float>(name, v.size(), [&](std::size_t i) { return v[i]; }, std::move(meaning));
  }

  // A column computed on the fly, value(i) for i < n, written in blocks (nothing n-sized is held):
  // the same bytes as column() over the materialised vector.
  template <class T, class Fn>
  void column_of(const std::string& name, std::size_t n, Fn&& value, std::string meaning) {
    const std::size_t shape[] = {n};
    io::OutputFile f(dir_ / name);
    f.write(io::npy_header(io::npy_descr<T>(), shape));
    constexpr std::size_t kBlock = std::size_t{1} << 16;
    std::vector<T> buf;
    for (std::size_t lo = 0; lo < n; lo += kBlock) {
      buf.resize(std::min(kBlock, n - lo));
      parallel_for(buf.size(), [&](std::size_t k) { buf[k] = value(lo + k); });
      f.write(std::string_view(reinterpret_cast<const char*>(buf.data()), buf.size() * sizeof(T)));
    }
    f.commit();
    note(name, io::npy_descr<T>(), {n}, std::move(meaning));
  }

  void note(const std::string& name, std::string_view descr, std::vector<std::size_t> shape, std::string meaning) {
    files_.push_back({{"name", name}, {"dtype", std::string(descr)}, {"shape", shape}, {"meaning", std::move(meaning)}});
    names_.push_back(name);
  }

  // edges.npy: each undirected edge once as (u, v), u < v, ascending by u then v; streamed in
  // blocks so that no edge list is held beside the CSR.
  void edges(const graph::Csr& g) {
    const std::size_t m = g.num_edges();
    const std::size_t shape[] = {m, 2};
    io::OutputFile f(dir_ / "edges.npy");
    f.write(io::npy_header(io::npy_descr<std::uint32_t>(), shape));
    std::vector<std::uint32_t> buf;
    constexpr std::size_t kBlock = std::size_t{1} << 20;
    buf.reserve(kBlock + 2);
    std::size_t written = 0;
    auto flush = [&] {
      f.write(std::string_view(reinterpret_cast<const char*>(buf.data()), buf.size() * sizeof(std::uint32_t)));
      written += buf.size() / 2;
      buf.clear();
    };
    for (NodeId u = 0; u < g.num_nodes(); ++u)
      for (NodeId v : g.neighbours(u))
        if (v > u) {
          buf.push_back(u);
          buf.push_back(v);
          if (buf.size() >= kBlock) flush();
        }
    flush();
    CREDSIM_ASSERT(written == m);
    f.commit();
    note("edges.npy", io::npy_descr<std::uint32_t>(), {m, 2},
         "the social graph: each undirected edge once as a row (u, v) of person ids with u < v, rows ascending");
  }

  const std::filesystem::path& dir() const { return dir_; }
  nlohmann::ordered_json& files() { return files_; }
  std::vector<std::string>& names() { return names_; }

 private:
  std::filesystem::path dir_;
  nlohmann::ordered_json files_ = nlohmann::ordered_json::array();
  std::vector<std::string> names_;
};

}  // namespace

SnapshotWritten write_snapshot(const Simulation& sim, const std::filesystem::path& run_dir, bool measured) {
  const Scenario& sc = sim.scenario();
  const Persons& p = sim.society().persons;
  const std::size_t n = p.size();
  const std::filesystem::path dir = snapshot_dir(run_dir, sim.tick());
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    throw ResourceError("credsim: cannot create snapshot folder '" + dir.string() + "': " + ec.message() +
                        ". Fix: check that the output folder is writable and the disk has space.");
  Writer w(dir);

  // Persons' columns (society/society.hpp), index = person id; the packed traits one column each.
  w.column("persons.region.npy", p.region, "region index (0-based); regions are contiguous id blocks");
  w.column_of<std::uint8_t>("persons.education.npy", n, [&](std::size_t i) { return p.education(i); }, "education level 0..3 (primary, secondary, tertiary, postgraduate)");
  w.column_of<std::uint8_t>("persons.age_band.npy", n, [&](std::size_t i) { return p.age_band(i); }, "age band 0..4 (18-29, 30-39, 40-49, 50-64, 65+)");
  w.column_of<std::uint8_t>("persons.stable_job.npy", n, [&](std::size_t i) { return p.stable_job(i); }, "1 = stable job");
  w.column_of<std::uint8_t>("persons.parent.npy", n, [&](std::size_t i) { return p.parent(i); }, "1 = parent (reach of parents-only effects)");
  w.column_of<std::uint8_t>("persons.consent.npy", n, [&](std::size_t i) { return p.consent(i); }, "consent bit mask: 1 shopping, 2 gaming, 4 social data");
  w.column_of<std::uint8_t>("persons.has_loan.npy", n, [&](std::size_t i) { return p.has_loan(i); }, "1 = has a loan with instalments due");
  w.column("persons.income.npy", p.income, "base income, yuan per week (before effects' income factors)");
  w.column("persons.initial_wealth.npy", p.initial_wealth, "wealth at tick 0, yuan");
  w.column("persons.miss_prob.npy", p.miss_prob, "probability of missing an instalment due");
  w.column("persons.rate_baby.npy", p.rate_baby, "baby-product purchases per week (mean)");
  w.column("persons.rate_games.npy", p.rate_games, "game purchases per week (mean)");
  w.column("persons.rate_domestic.npy", p.rate_domestic, "domestic purchases per week (mean)");
  w.column("persons.rate_luxury.npy", p.rate_luxury, "luxury purchases per week (mean)");
  w.column("persons.platform_share.npy", p.platform_share, "share of purchases paid on the operator's platform");
  w.column("persons.gaming_hours.npy", p.gaming_hours, "gaming hours per week (mean; 0 for non-gamers)");
  w.column("persons.dissent.npy", p.dissent, "dissent propensity: unapproved posts per week (mean)");
  w.column("persons.embarrassing.npy", p.embarrassing, "embarrassing-but-true posts per week (mean)");
  // The event-catalog propensities (Persons::event_traits), as floats.
  w.column_of<float>("persons.misconduct.npy", n, [&](std::size_t i) { return p.misconduct(i); },
                     "multiplier of misconduct event rates (mean 1)");
  w.column_of<float>("persons.civic.npy", n, [&](std::size_t i) { return p.civic(i); },
                     "multiplier of civic event rates (mean 1)");
  w.column_of<float>("persons.wealth_z.npy", n, [&](std::size_t i) { return p.wealth_z(i); },
                     "standardised log initial wealth");
  w.column_of<std::uint8_t>("persons.scrutinised.npy", n, [&](std::size_t i) { return p.scrutinised(i); }, "1 = works in a scrutinised profession");
  w.column_of<std::uint8_t>("persons.legal_rep.npy", n, [&](std::size_t i) { return p.legal_rep(i); }, "1 = legal representative of at least one business");
  w.column("persons.wealth.npy", p.wealth, "current wealth, yuan (the value metrics.csv's wealth rows measure)");

  // Each system's published outputs (systems/system.hpp), in scenario order.
  nlohmann::ordered_json systems = nlohmann::ordered_json::array();
  for (const auto& s : sim.systems()) {
    const SystemOutputs o = s->outputs();
    nlohmann::ordered_json js;
    js["name"] = s->name();
    js["type"] = std::string(s->type());
    js["visibility"] = std::string(visibility_name(s->visibility()));
    std::vector<std::string> files;
    const std::string& nm = s->name();
    if (o.score) {
      std::vector<float> widened;
      w.column(nm + ".score.npy", o.score.floats(widened), "published score of system " + nm + " (NaN: not scored by it)");
      files.push_back(nm + ".score.npy");
    }
    if (o.grade) {
      std::vector<std::uint8_t> derived;
      w.column(nm + ".grade.npy", o.grade.bytes(derived), "published grade index of system " + nm + " (names: systems[].grade_names)");
      files.push_back(nm + ".grade.npy");
      js["grade_names"] = o.grade_names;
    }
    if (o.listed) {
      w.column(nm + ".listed.npy", *o.listed, "1 = on system " + nm + "'s (black) list as the consequence rules read it");
      files.push_back(nm + ".listed.npy");
    }
    if (o.red) {
      w.column(nm + ".red.npy", *o.red, "1 = on system " + nm + "'s red list");
      files.push_back(nm + ".red.npy");
    }
    if (const auto* c = dynamic_cast<const Composite*>(s.get())) {
      std::vector<std::uint8_t> derived;
      w.column(nm + ".privileges.npy", c->privileges().bytes(derived), "threshold privileges of composite " + nm + ", bit k = privilege_names[k]");
      files.push_back(nm + ".privileges.npy");
      js["privilege_names"] = std::vector<std::string>(kPrivilegeNames.begin(), kPrivilegeNames.end());
    }
    js["files"] = files;
    systems.push_back(std::move(js));
  }

  // The consequence rules' active effects.
  const Consequences& cq = sim.consequences();
  nlohmann::ordered_json effects = nlohmann::ordered_json::array();
  if (cq.active().size() == n) {
    w.column("consequences.effects.npy", cq.active().widened(), "active effects per person, bit k = effects[k] (consequence rules)");
    const auto& lib = cq.library().effects();
    for (std::size_t e = 0; e < lib.size(); ++e)
      effects.push_back({{"bit", e},
                         {"name", lib[e].name},
                         {"sanction", lib[e].sanction},
                         {"used", ((cq.used_effects() >> e) & 1u) != 0}});
  }

  // Adaptation's columns (MODEL.md section 24), only when a model is on and the response in use;
  // under the myopic model the responses are derived (AdaptView), written as the same columns.
  if (const AdaptView* a = sim.adapt_view()) {
    const std::string what = " (docs/MODEL.md section 24; baseline propensities are unchanged)";
    const auto& r = sim.adaptation().state().responsiveness;
    if (r.size() == n) w.column("adapt.responsiveness.npy", r, "adaptation: responsiveness" + what);
    for (int k = 0; k < 7; ++k) {
      if (!a->in_use(k)) continue;
      const std::vector<float> v = a->column(k);
      if (v.size() == n)
        w.column(std::string("adapt.") + AdaptView::kNames[k] + ".npy", v, std::string("adaptation: ") + AdaptView::kNames[k] + what);
    }
  }

  w.edges(sim.graph());

  nlohmann::ordered_json idx;
  idx["format"] = "credsim-snapshot";
  idx["format_version"] = 1;
  idx["tick"] = sim.tick();
  idx["measured"] = measured;
  idx["n"] = n;
  idx["m"] = sim.graph().num_edges();
  idx["seed"] = sc.run.seed;
  idx["replicate"] = sc.run.replicate;
  idx["scenario"] = sc.run.name;
  idx["scenario_file"] = sc.source;
  idx["files"] = w.files();
  idx["systems"] = systems;
  idx["effects"] = effects;
  io::write_file_atomic(dir / "index.json", idx.dump(2) + "\n");

  SnapshotWritten out;
  out.dir = dir;
  out.files = std::move(w.names());
  out.files.push_back("index.json");
  return out;
}

}  // namespace credsim
