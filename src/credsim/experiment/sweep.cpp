// credsim sweep (see sweep.hpp).
#include "credsim/experiment/sweep.hpp"

#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>

#include "credsim/core/error.hpp"
#include "credsim/core/rng.hpp"
#include "credsim/core/version.hpp"
#include "credsim/io/output_file.hpp"
#include "credsim/scenario/scenario.hpp"

namespace credsim::experiment {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

bool valid_key(const std::string& k) {
  if (k.empty() || k.front() == '.' || k.back() == '.' || k.find("..") != std::string::npos) return false;
  for (char c : k)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
  return true;
}

// key=rest, with a clear error naming the option.
std::pair<std::string, std::string> split_assignment(const std::string& arg, const std::string& option,
                                                     const std::string& example) {
  const SourcePos pos{option + " '" + arg + "'", 0, 0};
  const auto eq = arg.find('=');
  if (eq == std::string::npos)
    throw InputError(pos, "", "no '=' between the key and its values", example, "write it as " + example);
  const std::string key = trim(arg.substr(0, eq)), rest = trim(arg.substr(eq + 1));
  if (!valid_key(key))
    throw InputError(pos, key, "'" + key + "' is not a key path", "a dotted key path as in --set, e.g. graph.mean_degree",
                     "write it as " + example);
  if (rest.empty()) throw InputError(pos, key, "no values after '='", example, "write it as " + example);
  return {key, rest};
}

}  // namespace

GridDim parse_grid(const std::string& arg) {
  const std::string example = "--grid key.path=v1,v2,... e.g. --grid data.notify_prob=0,0.3,1";
  auto [key, rest] = split_assignment(arg, "--grid", example);
  GridDim g{key, {}};
  int depth = 0;
  char quote = 0;
  std::string cur;
  auto push = [&] {
    const std::string v = trim(cur);
    if (v.empty())
      throw InputError(SourcePos{"--grid '" + arg + "'", 0, 0}, key, "an empty value in the list", example,
                       "remove the extra comma");
    g.values.push_back(v);
    cur.clear();
  };
  for (char c : rest) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == ',' && depth == 0) {
      push();
      continue;
    }
    cur += c;
  }
  if (quote || depth != 0)
    throw InputError(SourcePos{"--grid '" + arg + "'", 0, 0}, key, "unbalanced quotes or brackets", example,
                     "close every [, { and quote");
  push();
  std::set<std::string> seen;
  for (const auto& v : g.values)
    if (!seen.insert(v).second)
      throw InputError(SourcePos{"--grid '" + arg + "'", 0, 0}, key, "value '" + v + "' is listed twice", example,
                       "list each value once (replicates repeat runs: --replicates)");
  return g;
}

LhsDim parse_lhs(const std::string& arg) {
  const std::string example = "--lhs key.path=lo:hi e.g. --lhs data.notify_prob=0:1";
  auto [key, rest] = split_assignment(arg, "--lhs", example);
  const SourcePos pos{"--lhs '" + arg + "'", 0, 0};
  const auto colon = rest.find(':');
  auto number = [&](const std::string& t, const char* what) {
    const std::string s = trim(t);
    char* end = nullptr;
    const double v = s.empty() ? NAN : std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v))
      throw InputError(pos, key, std::string("the ") + what + " bound '" + s + "' is not a finite number", example,
                       "write two numbers separated by ':'");
    return v;
  };
  if (colon == std::string::npos || rest.find(':', colon + 1) != std::string::npos)
    throw InputError(pos, key, "expected exactly one ':' between the bounds", example, "write it as " + example);
  LhsDim d{key, number(rest.substr(0, colon), "lower"), number(rest.substr(colon + 1), "upper")};
  if (!(d.lo < d.hi))
    throw InputError(pos, key, fmt::format("lower bound {} is not below upper bound {}", d.lo, d.hi), example,
                     "give lo < hi");
  return d;
}

std::vector<std::vector<double>> latin_hypercube(std::size_t n, std::size_t dims, std::uint64_t seed) {
  std::vector<std::vector<double>> u(n, std::vector<double>(dims));
  for (std::size_t j = 0; j < dims; ++j) {
    Rng rng(seed, 0, Rng::kNoTick, j, Stream::kExperimentDesign);
    std::vector<std::size_t> perm(n);
    std::iota(perm.begin(), perm.end(), std::size_t{0});
    for (std::size_t i = n; i > 1; --i) std::swap(perm[i - 1], perm[rng.below(i)]);  // Fisher–Yates
    for (std::size_t i = 0; i < n; ++i) {
      double x = (static_cast<double>(perm[i]) + rng.uniform()) / static_cast<double>(n);
      if (x >= (perm[i] + 1.0) / n) x = std::nextafter((perm[i] + 1.0) / n, 0.0);  // rounding: stay in the stratum
      u[i][j] = x;
    }
  }
  return u;
}

Design make_design(const SweepSpec& spec) {
  const SourcePos where{"credsim sweep", 0, 0};
  if (spec.grid.empty() && spec.lhs.empty())
    throw InputError(where, "", "no design: neither --grid nor --lhs is given",
                     "--grid key=v1,v2,... (repeatable) or --lhs key=lo:hi (repeatable) with --samples N",
                     "add e.g. --grid data.notify_prob=0,0.3,1");
  if (!spec.grid.empty() && !spec.lhs.empty())
    throw InputError(where, "", "both --grid and --lhs are given", "one kind of design per sweep",
                     "run two sweeps (into two --out folders)");
  if (spec.replicates < 1)
    throw InputError(where, "--replicates", "replicates = " + std::to_string(spec.replicates), "at least 1",
                     "give --replicates 1 or more");
  if (!spec.lhs.empty() && spec.samples < 1)
    throw InputError(where, "--samples", "samples = " + std::to_string(spec.samples), "at least 1 with --lhs",
                     "give --samples N, e.g. --samples 20");
  if (spec.lhs.empty() && spec.samples != 0)
    throw InputError(where, "--samples", "--samples without --lhs", "--samples only with --lhs",
                     "remove --samples, or use --lhs key=lo:hi");
  Design d;
  for (const auto& g : spec.grid) d.keys.push_back(g.key);
  for (const auto& l : spec.lhs) d.keys.push_back(l.key);
  std::set<std::string> seen;
  for (const auto& k : d.keys) {
    if (!seen.insert(k).second)
      throw InputError(where, k, "the key is given twice", "each key in one --grid or --lhs",
                       "merge the values into one --grid " + k + "=...");
    if (k == "run.replicate")
      throw InputError(where, k, "run.replicate cannot be swept", "another key",
                       "use --replicates R: replicate r runs with run.replicate = r");
  }
  std::size_t count = 1;
  if (!spec.grid.empty()) {
    for (const auto& g : spec.grid) {
      count *= g.values.size();
      if (count > 1000000)
        throw InputError(where, "--grid", "the grid has more than 10^6 points", "a grid of at most 10^6 points",
                         "use fewer values, or --lhs with --samples N");
    }
  } else {
    count = static_cast<std::size_t>(spec.samples);
  }
  const int width = std::max<int>(4, static_cast<int>(std::to_string(count - 1).size()));
  if (!spec.grid.empty()) {
    std::vector<std::size_t> idx(spec.grid.size(), 0);
    for (std::size_t p = 0; p < count; ++p) {
      DesignPoint dp{fmt::format("p{:0{}d}", p, width), {}};
      for (std::size_t j = 0; j < spec.grid.size(); ++j) dp.values.push_back(spec.grid[j].values[idx[j]]);
      d.points.push_back(std::move(dp));
      for (std::size_t j = spec.grid.size(); j-- > 0;) {  // odometer: the last dimension fastest
        if (++idx[j] < spec.grid[j].values.size()) break;
        idx[j] = 0;
      }
    }
  } else {
    CREDSIM_ASSERT(spec.lhs_seed.has_value());
    const auto u = latin_hypercube(count, spec.lhs.size(), *spec.lhs_seed);
    for (std::size_t p = 0; p < count; ++p) {
      DesignPoint dp{fmt::format("p{:0{}d}", p, width), {}};
      for (std::size_t j = 0; j < spec.lhs.size(); ++j)
        dp.values.push_back(fmt::format("{}", spec.lhs[j].lo + u[p][j] * (spec.lhs[j].hi - spec.lhs[j].lo)));
      d.points.push_back(std::move(dp));
    }
  }
  return d;
}

SweepResult run_sweep(const SweepSpec& spec_in, const ExecOptions& exec) {
  SweepSpec spec = spec_in;
  std::vector<std::string> base = spec.overrides;
  if (spec.seed) base.push_back("run.seed=" + std::to_string(*spec.seed));
  for (const auto& o : spec.overrides)
    if (trim(o.substr(0, o.find('='))) == "run.replicate")
      throw InputError(SourcePos{"credsim sweep", 0, 0}, "run.replicate", "--set run.replicate is given",
                       "no run.replicate: replicate r gets run.replicate = r", "remove it; use --replicates R");
  const Scenario base_sc = load_scenario(spec.scenario, base);  // errors in the scenario or --set first
  if (!spec.lhs.empty() && !spec.lhs_seed) spec.lhs_seed = base_sc.run.seed;
  SweepResult res;
  res.design = make_design(spec);
  const Design& d = res.design;

  // Every point must load (a bad value in the design stops the sweep before any run).
  auto point_overrides = [&](const DesignPoint& p) {
    std::vector<std::string> o = base;
    for (std::size_t j = 0; j < d.keys.size(); ++j) o.push_back(d.keys[j] + "=" + p.values[j]);
    return o;
  };
  for (const auto& p : d.points) {
    try {
      (void)load_scenario(spec.scenario, point_overrides(p));
    } catch (const InputError& e) {
      std::string values;
      for (std::size_t j = 0; j < d.keys.size(); ++j) values.append(j ? ", " : "").append(d.keys[j]).append("=").append(p.values[j]);
      SourcePos pos = e.pos();
      pos.file = "design point " + p.id + " (" + values + "), " + pos.file;
      throw InputError(pos, e.key(), e.problem(), e.expected(), e.fix());
    }
  }

  const int rwidth = std::max<int>(2, static_cast<int>(std::to_string(spec.replicates - 1).size()));
  for (const auto& p : d.points)
    for (int r = 0; r < spec.replicates; ++r) {
      RunJob j;
      j.scenario = spec.scenario;
      j.overrides = point_overrides(p);
      j.overrides.push_back("run.replicate=" + std::to_string(r));
      const std::string id = fmt::format("{}-r{:0{}d}", p.id, r, rwidth);
      j.dir = spec.out / "runs" / id;
      j.label = id;
      res.jobs.push_back(std::move(j));
    }
  fs::create_directories(spec.out / "runs");
  res.stats = execute_runs(res.jobs, exec);

  io::OutputFile csv(spec.out / "sweep.csv");
  std::string header = "point,replicate";
  for (const auto& k : d.keys) header.append(",").append(csv_field(k));
  csv.write(header + ",tick,system,metric,key,value\n");
  std::string buf;
  for (std::size_t i = 0; i < res.jobs.size(); ++i) {
    const DesignPoint& p = d.points[i / spec.replicates];
    const int r = static_cast<int>(i % spec.replicates);
    std::vector<MetricRow> rows = read_metrics(res.jobs[i].dir / "metrics.csv");
    if (i == 0) check_filters_matched(rows, spec.metrics, spec.ticks, res.jobs[i].dir / "metrics.csv");
    std::string prefix = p.id + "," + std::to_string(r);
    for (const auto& v : p.values) prefix.append(",").append(csv_field(v));
    for (const auto& m : select_rows(std::move(rows), spec.ticks, spec.metrics)) {
      buf += fmt::format("{},{},{},{},{},{}\n", prefix, m.tick, m.system, m.metric, m.key, m.value_text);
      ++res.rows;
    }
    if (buf.size() > (1u << 20)) {
      csv.write(buf);
      buf.clear();
    }
  }
  csv.write(buf);
  csv.commit();

  json j;
  j["credsim_version"] = kVersion;
  j["git_commit"] = kGitCommit;
  j["scenario"] = spec.scenario;
  j["overrides"] = base;
  j["seed"] = base_sc.run.seed;
  j["replicates"] = spec.replicates;
  j["design"] = spec.grid.empty() ? "lhs" : "grid";
  if (!spec.grid.empty()) {
    json g = json::array();
    for (const auto& x : spec.grid) g.push_back({{"key", x.key}, {"values", x.values}});
    j["grid"] = g;
    j["order"] = "Cartesian product, the last --grid varying fastest";
  } else {
    json l = json::array();
    for (const auto& x : spec.lhs) l.push_back({{"key", x.key}, {"lo", x.lo}, {"hi", x.hi}});
    j["lhs"] = l;
    j["samples"] = spec.samples;
    j["lhs_seed"] = *spec.lhs_seed;
  }
  j["keys"] = d.keys;
  json pts = json::array();
  for (const auto& p : d.points) {
    json v = json::object();
    for (std::size_t k = 0; k < d.keys.size(); ++k) v[d.keys[k]] = p.values[k];
    pts.push_back({{"id", p.id}, {"values", v}});
  }
  j["points"] = pts;
  j["runs"] = "runs/<point>-r<replicate>/ (run.replicate = replicate)";
  j["ticks"] = describe(spec.ticks);
  j["metrics"] = spec.metrics;
  j["rows"] = res.rows;
  j["outputs"] = {"sweep.csv"};
  io::write_file_atomic(spec.out / "sweep.json", j.dump(2) + "\n");
  return res;
}

}  // namespace credsim::experiment
