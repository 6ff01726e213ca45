// credsim compare (see compare.hpp).
#include "credsim/experiment/compare.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "credsim/core/error.hpp"
#include "credsim/core/version.hpp"
#include "credsim/io/output_file.hpp"
#include "credsim/scenario/scenario.hpp"

namespace credsim::experiment {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void flatten(const json& j, const std::string& prefix, std::map<std::string, std::string>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) flatten(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
  } else {
    out[prefix] = j.dump();
  }
}

std::string key_of(const std::string& assignment) {
  const auto eq = assignment.find('=');
  std::string k = assignment.substr(0, eq);
  while (!k.empty() && k.back() == ' ') k.pop_back();
  while (!k.empty() && k.front() == ' ') k.erase(k.begin());
  return k;
}

std::vector<std::string> arm_overrides(const CompareSpec& spec, bool arm_b) {
  std::vector<std::string> o = spec.overrides;
  if (arm_b) o.insert(o.end(), spec.toggles.begin(), spec.toggles.end());
  if (spec.seed) o.push_back("run.seed=" + std::to_string(*spec.seed));
  return o;
}

Scenario load_arm(const CompareSpec& spec, bool arm_b) {
  const std::vector<std::string> o = arm_overrides(spec, arm_b);
  try {
    return load_scenario(arm_b ? spec.scenario_b : spec.scenario_a, o);
  } catch (const InputError& e) {
    // Errors in a toggle name it as the user wrote it: --toggle #k, not --set #n.
    SourcePos pos = e.pos();
    if (arm_b && pos.file.rfind("--set #", 0) == 0) {
      const std::size_t k = std::strtoul(pos.file.c_str() + 7, nullptr, 10);
      if (k > spec.overrides.size() && k <= spec.overrides.size() + spec.toggles.size()) {
        const std::size_t t = k - spec.overrides.size();
        pos.file = "--toggle #" + std::to_string(t) + " '" + spec.toggles[t - 1] + "'";
      }
    }
    throw InputError(pos, e.key(), e.problem(), e.expected(), e.fix());
  }
}

}  // namespace

bool structural_key(const std::string& key) {
  static const char* const kKeys[] = {"run.seed",       "run.replicate",  "run.ticks",
                                      "run.measure_every", "society.persons", "society.regions",
                                      "society.region_weights", "society.businesses"};
  for (const char* k : kKeys)
    if (key == k) return true;
  return key.rfind("graph.", 0) == 0;
}

std::vector<Difference> check_arms(const CompareSpec& spec) {
  const SourcePos where{"credsim compare", 0, 0};
  if (spec.replicates < 2)
    throw InputError(where, "--replicates", "replicates = " + std::to_string(spec.replicates),
                     "at least 2 (a confidence interval needs a spread over replicates)",
                     "give --replicates 10 or more");
  if (!(spec.level > 0 && spec.level < 1))
    throw InputError(where, "--level", fmt::format("level = {}", spec.level), "a confidence level in (0, 1), e.g. 0.95",
                     "give --level 0.95");
  for (const auto& o : spec.overrides)
    if (key_of(o) == "run.replicate")
      throw InputError(where, "run.replicate", "--set run.replicate is given",
                       "no run.replicate: replicate r of both arms gets run.replicate = r",
                       "remove it; choose the number of replicates with --replicates and the seed with --seed");
  for (const auto& t : spec.toggles) {
    if (t.find('=') == std::string::npos)
      throw InputError(SourcePos{"--toggle '" + t + "'", 0, 0}, "", "toggle has no '='",
                       "key.path=value, e.g. --toggle data.notify_prob=0", "write it as --toggle key.path=value");
    if (structural_key(key_of(t)))
      throw InputError(SourcePos{"--toggle '" + t + "'", 0, 0}, key_of(t),
                       "this key fixes the population, graph, seed or run length, so the arms would not share "
                       "persons, ties and luck (common random numbers)",
                       "a key of the rules, systems, behaviour or data layer",
                       "compare two sizes or graphs with `credsim sweep` instead");
  }
  if (spec.scenario_a == spec.scenario_b && spec.toggles.empty())
    throw InputError(where, "--toggle", "both arms are the same scenario and no --toggle is given",
                     "either two scenario files (A.toml B.toml) or one scenario with --toggle key.path=value",
                     "add e.g. --toggle data.notify_prob=0");
  const Scenario a = load_arm(spec, false), b = load_arm(spec, true);
  std::map<std::string, std::string> fa, fb;
  flatten(json::parse(a.resolved_json), "", fa);
  flatten(json::parse(b.resolved_json), "", fb);
  std::vector<Difference> diffs;
  for (const auto& [k, v] : fa) {
    const auto it = fb.find(k);
    if (it == fb.end()) diffs.push_back({k, v, "(absent)"});
    else if (it->second != v) diffs.push_back({k, v, it->second});
  }
  for (const auto& [k, v] : fb)
    if (!fa.count(k)) diffs.push_back({k, "(absent)", v});
  std::sort(diffs.begin(), diffs.end(), [](const Difference& x, const Difference& y) { return x.key < y.key; });
  std::string structural;
  for (const auto& d : diffs)
    if (structural_key(d.key)) structural += "\n  " + d.key + ": A = " + d.a + ", B = " + d.b;
  if (!structural.empty())
    throw InputError(SourcePos{spec.scenario_b, 0, 0}, "",
                     "the arms differ in keys that fix the population, graph, seed or run length:" + structural +
                         "\nso their replicates would not share persons, ties and luck (common random numbers)",
                     "two scenarios that differ only in rules, systems, behaviour or the data layer",
                     "make these keys equal (e.g. --set society.persons=20000 --seed 1 for both), or use "
                     "`credsim sweep` to vary them");
  return diffs;
}

void compare_jobs(const CompareSpec& spec, std::vector<RunJob>& a, std::vector<RunJob>& b) {
  a.clear();
  b.clear();
  for (int r = 0; r < spec.replicates; ++r) {
    const std::string rep = fmt::format("rep_{:03d}", r);
    for (int arm = 0; arm < 2; ++arm) {
      RunJob j;
      j.scenario = arm ? spec.scenario_b : spec.scenario_a;
      j.overrides = arm_overrides(spec, arm == 1);
      j.overrides.push_back("run.replicate=" + std::to_string(r));
      j.dir = spec.out / (arm ? "B" : "A") / rep;
      j.label = std::string(arm ? "B/" : "A/") + rep;
      (arm ? b : a).push_back(std::move(j));
    }
  }
}

CompareResult run_compare(const CompareSpec& spec, const ExecOptions& exec) {
  CompareResult res;
  res.differences = check_arms(spec);
  compare_jobs(spec, res.jobs_a, res.jobs_b);
  std::vector<RunJob> all;
  for (int r = 0; r < spec.replicates; ++r) {  // A and B of a replicate side by side
    all.push_back(res.jobs_a[r]);
    all.push_back(res.jobs_b[r]);
  }
  fs::create_directories(spec.out);
  res.stats = execute_runs(all, exec);

  // Rows: arm A replicate 0 fixes the order; values[i][r] per arm (NaN where a run lacks the row).
  const std::size_t R = static_cast<std::size_t>(spec.replicates);
  std::vector<MetricRow> first = read_metrics(res.jobs_a[0].dir / "metrics.csv");
  check_filters_matched(first, spec.metrics, spec.ticks, res.jobs_a[0].dir / "metrics.csv");
  first = select_rows(std::move(first), spec.ticks, spec.metrics);
  std::unordered_map<std::string, std::size_t> index;
  auto id = [](const MetricRow& m) { return std::to_string(m.tick) + "," + m.system + "," + m.metric + "," + m.key; };
  for (std::size_t i = 0; i < first.size(); ++i) index.emplace(id(first[i]), i);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::vector<double>> va(first.size(), std::vector<double>(R, nan)), vb = va;
  std::vector<char> in_b(first.size(), 0);
  std::size_t only_b = 0;
  std::unordered_map<std::string, char> seen_only_b;
  for (std::size_t r = 0; r < R; ++r)
    for (int arm = 0; arm < 2; ++arm) {
      const RunJob& j = arm ? res.jobs_b[r] : res.jobs_a[r];
      for (const MetricRow& m : select_rows(read_metrics(j.dir / "metrics.csv"), spec.ticks, spec.metrics)) {
        const auto it = index.find(id(m));
        if (it == index.end()) {
          if (arm && seen_only_b.emplace(id(m), 1).second) ++only_b;
          continue;
        }
        (arm ? vb : va)[it->second][r] = m.value;
        if (arm) in_b[it->second] = 1;
      }
    }
  res.rows_only_in_one_arm = only_b;
  for (std::size_t i = 0; i < first.size(); ++i) {
    if (!in_b[i]) {
      ++res.rows_only_in_one_arm;
      continue;
    }
    res.rows.push_back({first[i].tick, first[i].system, first[i].metric, first[i].key,
                        paired_summary(va[i], vb[i], spec.level)});
  }

  io::OutputFile csv(spec.out / "compare.csv");
  csv.write("tick,system,metric,key,mean_a,mean_b,diff_mean,diff_sd,ci_low,ci_high,n\n");
  std::string buf;
  for (const auto& row : res.rows) {
    const PairedSummary& s = row.s;
    buf += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", row.tick, row.system, row.metric, row.key,
                       format_value(s.mean_a), format_value(s.mean_b), format_value(s.diff_mean),
                       format_value(s.diff_sd), format_value(s.ci_low), format_value(s.ci_high), s.n);
    if (buf.size() > (1u << 20)) {
      csv.write(buf);
      buf.clear();
    }
  }
  csv.write(buf);
  csv.commit();

  const Scenario a0 = load_arm(spec, false);
  json j;
  j["credsim_version"] = kVersion;
  j["git_commit"] = kGitCommit;
  auto arm_json = [&](bool b) {
    json x;
    x["scenario"] = b ? spec.scenario_b : spec.scenario_a;
    x["overrides"] = arm_overrides(spec, b);
    json runs = json::array();
    for (const auto& job : b ? res.jobs_b : res.jobs_a) runs.push_back(fs::relative(job.dir, spec.out).generic_string());
    x["runs"] = runs;
    return x;
  };
  j["arms"]["A"] = arm_json(false);
  j["arms"]["B"] = arm_json(true);
  j["toggles"] = spec.toggles;
  json diffs = json::array();
  for (const auto& d : res.differences) diffs.push_back({{"key", d.key}, {"a", d.a}, {"b", d.b}});
  j["differences"] = diffs;
  j["replicates"] = spec.replicates;
  j["seed"] = a0.run.seed;
  j["replicate_values"] = "run.replicate = r in both arms for r = 0 ... replicates - 1 (common random numbers)";
  j["ticks"] = describe(spec.ticks);
  j["metrics"] = spec.metrics;
  j["level"] = spec.level;
  j["statistic"] = "per replicate diff = B - A; diff_mean +- t_{(1+level)/2, n-1} * diff_sd / sqrt(n) (docs/MODEL.md section 23)";
  j["rows"] = res.rows.size();
  j["rows_only_in_one_arm"] = res.rows_only_in_one_arm;
  j["outputs"] = {"compare.csv"};
  io::write_file_atomic(spec.out / "compare.json", j.dump(2) + "\n");
  return res;
}

std::vector<const CompareRow*> headline_rows(const CompareResult& r, const std::vector<std::string>& metrics,
                                             std::size_t limit) {
  std::vector<const CompareRow*> out;
  if (!metrics.empty()) {
    for (const auto& row : r.rows) out.push_back(&row);
    return out;
  }
  std::vector<std::pair<double, const CompareRow*>> scored;
  for (const auto& row : r.rows) {
    const double d = row.s.diff_mean, half = 0.5 * (row.s.ci_high - row.s.ci_low);
    if (!std::isfinite(d) || d == 0 || std::isnan(half)) continue;
    scored.push_back({half > 0 ? std::fabs(d) / half : std::numeric_limits<double>::infinity(), &row});
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
  for (std::size_t i = 0; i < scored.size() && i < limit; ++i) out.push_back(scored[i].second);
  return out;
}

}  // namespace credsim::experiment
