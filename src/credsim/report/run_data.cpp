// Reading run and compare folders for the report. Strict: a malformed row is an error with its
// line, never skipped, because a chart drawn from half a file would mislead.
#include "credsim/report/run_data.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "credsim/core/error.hpp"

namespace credsim::report {
namespace fs = std::filesystem;

namespace {

std::string slurp_or_throw(const fs::path& p, const std::string& what, const std::string& fix) {
  std::ifstream in(p, std::ios::binary);
  if (!in)
    throw InputError(SourcePos{p.string(), 0, 0}, "", "cannot read " + what, "a readable file", fix);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t p = line.find(sep, start);
    out.push_back(line.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) break;
    start = p + 1;
  }
  return out;
}

// The fields of one CSV line (RFC 4180): a field may be quoted ("..."), with "" for a quote
// inside; quotes are removed. credsim quotes fields that hold commas (a swept array such as
// "[0.8,0.8,0.8]"), so a plain split on ',' would see too many fields.
std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
      else if (c == '"') quoted = false;
      else out.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

// Lines without their terminator ("\n" or "\r\n"); a final empty line is dropped.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines = split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  for (auto& l : lines)
    if (!l.empty() && l.back() == '\r') l.pop_back();
  return lines;
}

bool parse_double(const std::string& s, double& v) {
  if (s == "NA" || s == "NaN" || s == "nan") {
    v = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (s.empty()) return false;
  const char* b = s.data();
  const char* e = b + s.size();
  if (*b == '+') ++b;
  const auto r = std::from_chars(b, e, v);
  return r.ec == std::errc() && r.ptr == e;
}

bool parse_tick(const std::string& s, Tick& t) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), t);
  return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

std::string MetricsTable::id(const std::string& s, const std::string& m, const std::string& k) {
  return s + '\x1f' + m + '\x1f' + k;
}

MetricsTable MetricsTable::read(const fs::path& csv) {
  return parse(slurp_or_throw(csv, "metrics.csv", "point credsim report at a folder written by 'credsim run'"),
               csv.string());
}

MetricsTable MetricsTable::parse(const std::string& text, const std::string& file) {
  MetricsTable t;
  const std::vector<std::string> lines = lines_of(text);
  if (lines.empty() || lines[0] != "tick,system,metric,key,value")
    throw InputError(SourcePos{file, 1, 1}, "", "the header is '" + (lines.empty() ? std::string() : lines[0]) + "'",
                     "'tick,system,metric,key,value' (a metrics.csv written by credsim run)",
                     "point credsim report at a run folder");
  std::set<Tick> ticks;
  std::set<std::string> seen_system;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::uint64_t lineno = i + 1;
    const std::vector<std::string> f = split_csv(lines[i]);
    if (f.size() != 5)
      throw InputError(SourcePos{file, lineno, 1}, "", "a row with " + std::to_string(f.size()) + " fields",
                       "5 fields: tick,system,metric,key,value", "the file is damaged: rerun the scenario");
    Tick tick = 0;
    if (!parse_tick(f[0], tick))
      throw InputError(SourcePos{file, lineno, 1}, "tick", "'" + f[0] + "' is not a tick", "a whole number >= 0",
                       "the file is damaged: rerun the scenario");
    double v = 0;
    if (!parse_double(f[4], v))
      throw InputError(SourcePos{file, lineno, f[0].size() + f[1].size() + f[2].size() + f[3].size() + 5}, "value",
                       "'" + f[4] + "' is not a number", "a decimal number or NA",
                       "the file is damaged: rerun the scenario");
    if (f[1].empty() || f[2].empty())
      throw InputError(SourcePos{file, lineno, 1}, "", "an empty system or metric", "both named",
                       "the file is damaged: rerun the scenario");
    ticks.insert(tick);
    if (seen_system.insert(f[1]).second) t.systems_.push_back(f[1]);
    auto& ms = t.metrics_[f[1]];
    auto& ks = t.keys_[f[1] + '\x1f' + f[2]];
    if (ks.empty()) ms.push_back(f[2]);
    auto& series = t.values_[id(f[1], f[2], f[3])];
    if (series.empty()) ks.push_back(f[3]);
    // The same row written twice with the same value is tolerated (the FICO system and the harm
    // metrics both write score_wealth_spearman); two different values for one row are an error.
    const auto [it, fresh] = series.emplace(tick, v);
    if (!fresh && !(it->second == v || (std::isnan(it->second) && std::isnan(v))))
      throw InputError(SourcePos{file, lineno, 1}, "", "a second row for tick " + f[0] + ", " + f[1] + ", " + f[2] +
                                                         ", '" + f[3] + "' with a different value",
                       "one value per (tick, system, metric, key)", "the file is damaged: rerun the scenario");
    if (fresh) ++t.rows_;
  }
  t.ticks_.assign(ticks.begin(), ticks.end());
  return t;
}

bool MetricsTable::has(const std::string& system, const std::string& metric) const {
  return keys_.count(system + '\x1f' + metric) != 0;
}
bool MetricsTable::has_system(const std::string& system) const { return metrics_.count(system) != 0; }

std::optional<double> MetricsTable::at(Tick t, const std::string& s, const std::string& m, const std::string& k) const {
  const auto it = values_.find(id(s, m, k));
  if (it == values_.end()) return std::nullopt;
  const auto v = it->second.find(t);
  if (v == it->second.end()) return std::nullopt;
  return v->second;
}

const std::vector<std::string>& MetricsTable::keys(const std::string& s, const std::string& m) const {
  static const std::vector<std::string> kNone;
  const auto it = keys_.find(s + '\x1f' + m);
  return it == keys_.end() ? kNone : it->second;
}

const std::vector<std::string>& MetricsTable::metrics(const std::string& s) const {
  static const std::vector<std::string> kNone;
  const auto it = metrics_.find(s);
  return it == metrics_.end() ? kNone : it->second;
}

std::string RunData::type_of(const std::string& system) const {
  for (const auto& [n, t] : systems)
    if (n == system) return t;
  return "";
}

RunData load_run(const fs::path& dir) {
  if (!fs::is_directory(dir))
    throw InputError(SourcePos{dir.string(), 0, 0}, "", "no such folder", "a run folder written by 'credsim run'",
                     "give the folder printed after 'results:' by credsim run");
  if (!fs::exists(dir / "metrics.csv"))
    throw InputError(SourcePos{dir.string(), 0, 0}, "", "no metrics.csv in the folder",
                     "a finished run folder (metrics.csv and manifest.json)",
                     fs::exists(dir / "metrics.csv.partial") ? "the run did not finish: rerun it"
                                                             : "give a folder written by 'credsim run'");
  RunData r;
  r.dir = dir;
  const fs::path mpath = dir / "manifest.json";
  const std::string mtext =
      slurp_or_throw(mpath, "manifest.json", "a finished run folder has one: rerun the scenario");
  try {
    r.manifest = nlohmann::json::parse(mtext);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(SourcePos{mpath.string(), 0, e.byte}, "", std::string("not valid JSON: ") + e.what(),
                     "the manifest.json written by credsim run", "the file is damaged: rerun the scenario");
  }
  if (!r.manifest.is_object() || !r.manifest.contains("scenario") || !r.manifest["scenario"].is_object())
    throw InputError(SourcePos{mpath.string(), 0, 0}, "scenario", "no resolved scenario",
                     "the manifest.json written by credsim run", "rerun the scenario with this credsim");
  const auto& sc = r.manifest["scenario"];
  if (sc.contains("systems") && sc["systems"].is_object())
    for (const auto& [name, spec] : sc["systems"].items())
      r.systems.emplace_back(name, spec.is_object() && spec.contains("type") ? spec["type"].get<std::string>() : "");
  r.metrics = MetricsTable::read(dir / "metrics.csv");
  // JSON objects are sorted by name: put the systems in the order metrics.csv wrote them
  // (scenario order), which is the order a reader of the scenario file expects.
  std::vector<std::pair<std::string, std::string>> ordered;
  for (const auto& s : r.metrics.systems())
    for (const auto& p : r.systems)
      if (p.first == s) ordered.push_back(p);
  for (const auto& p : r.systems)
    if (!r.metrics.has_system(p.first)) ordered.push_back(p);
  r.systems = ordered;
  return r;
}

bool is_compare_dir(const fs::path& dir) { return fs::exists(dir / "compare.csv"); }

CompareData load_compare(const fs::path& dir) {
  CompareData c;
  c.dir = dir;
  const fs::path p = dir / "compare.csv";
  const std::vector<std::string> lines =
      lines_of(slurp_or_throw(p, "compare.csv", "give a folder written by 'credsim compare'"));
  if (lines.empty())
    throw InputError(SourcePos{p.string(), 1, 1}, "", "an empty file", "a header line",
                     "give a folder written by 'credsim compare'");
  const std::vector<std::string> head = split_csv(lines[0]);
  auto col = [&](const std::string& name) -> std::size_t {
    for (std::size_t i = 0; i < head.size(); ++i)
      if (head[i] == name) return i;
    throw InputError(SourcePos{p.string(), 1, 1}, name, "no column '" + name + "'",
                     "columns tick,system,metric,key,mean_a,mean_b,diff_mean,ci_low,ci_high,n",
                     "give a folder written by 'credsim compare'");
  };
  const std::size_t ct = col("tick"), cs = col("system"), cm = col("metric"), ck = col("key"), ca = col("mean_a"),
                    cb = col("mean_b"), cd = col("diff_mean"), cl = col("ci_low"), ch = col("ci_high"), cn = col("n");
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> f = split_csv(lines[i]);
    auto bad = [&](const std::string& what) {
      return InputError(SourcePos{p.string(), i + 1, 1}, "", what, "a row of " + std::to_string(head.size()) +
                                                                       " fields with numbers where numbers belong",
                        "the file is damaged: rerun credsim compare");
    };
    if (f.size() != head.size()) throw bad("a row with " + std::to_string(f.size()) + " fields");
    CompareRow r;
    if (!parse_tick(f[ct], r.tick)) throw bad("'" + f[ct] + "' is not a tick");
    r.system = f[cs];
    r.metric = f[cm];
    r.key = f[ck];
    for (auto [ci, dst] : {std::pair{ca, &r.mean_a}, {cb, &r.mean_b}, {cd, &r.diff_mean}, {cl, &r.ci_low},
                           {ch, &r.ci_high}, {cn, &r.n}})
      if (!parse_double(f[ci], *dst)) throw bad("'" + f[ci] + "' is not a number");
    c.rows.push_back(std::move(r));
  }
  // Labels of the two arms from compare.json (credsim compare): the keys that differ between the
  // arms with their values ("data.notify_prob=0.5" vs "data.notify_prob=0"), else the scenarios.
  c.label_a = "A";
  c.label_b = "B";
  if (fs::exists(dir / "compare.json")) {
    try {
      const auto m = nlohmann::json::parse(slurp_or_throw(dir / "compare.json", "compare.json", ""));
      auto value_text = [](const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
      std::string a, b;
      if (m.contains("differences") && m["differences"].is_array())
        for (const auto& d : m["differences"]) {
          if (!d.is_object() || !d.contains("key")) continue;
          const std::string k = value_text(d["key"]);
          a += (a.empty() ? "" : ", ") + k + "=" + (d.contains("a") ? value_text(d["a"]) : "?");
          b += (b.empty() ? "" : ", ") + k + "=" + (d.contains("b") ? value_text(d["b"]) : "?");
        }
      if (a.empty() && m.contains("arms") && m["arms"].is_object()) {
        auto scen = [&](const char* arm) {
          const auto& x = m["arms"][arm];
          return x.is_object() && x.contains("scenario") ? fs::path(value_text(x["scenario"])).stem().string()
                                                         : std::string(arm);
        };
        a = scen("A");
        b = scen("B");
      }
      if (m.contains("level") && m["level"].is_number()) c.level = m["level"].get<double>();
      if (!a.empty() && a != b) {
        c.label_a = a;
        c.label_b = b;
      }
    } catch (const std::exception&) {
      // Labels are a nicety: a compare.json in another shape keeps "A" and "B".
    }
  }
  if (c.label.empty()) c.label = dir.filename().string();
  return c;
}

bool is_sweep_dir(const fs::path& dir) { return fs::exists(dir / "sweep.csv"); }

SweepData load_sweep(const fs::path& dir) {
  SweepData sw;
  sw.dir = dir;
  sw.label = dir.filename().string();
  sw.design = "grid";
  const fs::path p = dir / "sweep.csv";
  const std::vector<std::string> lines = lines_of(slurp_or_throw(p, "sweep.csv", "give a folder written by 'credsim sweep'"));
  const std::vector<std::string> head = lines.empty() ? std::vector<std::string>{} : split_csv(lines[0]);
  const std::size_t nh = head.size();
  if (nh < 7 || head[0] != "point" || head[1] != "replicate" || head[nh - 5] != "tick" || head[nh - 4] != "system" ||
      head[nh - 3] != "metric" || head[nh - 2] != "key" || head[nh - 1] != "value")
    throw InputError(SourcePos{p.string(), 1, 1}, "", "the header is '" + (lines.empty() ? std::string() : lines[0]) + "'",
                     "point,replicate,<swept keys...>,tick,system,metric,key,value",
                     "give a folder written by 'credsim sweep'");
  sw.keys.assign(head.begin() + 2, head.end() - 5);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> f = split_csv(lines[i]);
    auto bad = [&](const std::string& what) {
      return InputError(SourcePos{p.string(), i + 1, 1}, "", what, "a row of " + std::to_string(nh) + " fields",
                        "the file is damaged: rerun credsim sweep");
    };
    if (f.size() != nh) throw bad("a row with " + std::to_string(f.size()) + " fields");
    SweepRow r;
    r.point = f[0];
    Tick rep = 0;
    if (!parse_tick(f[1], rep)) throw bad("'" + f[1] + "' is not a replicate number");
    r.replicate = static_cast<int>(rep);
    r.values.assign(f.begin() + 2, f.end() - 5);
    if (!parse_tick(f[nh - 5], r.tick)) throw bad("'" + f[nh - 5] + "' is not a tick");
    r.system = f[nh - 4];
    r.metric = f[nh - 3];
    r.key = f[nh - 2];
    if (!parse_double(f[nh - 1], r.value)) throw bad("'" + f[nh - 1] + "' is not a number");
    sw.rows.push_back(std::move(r));
  }
  if (fs::exists(dir / "sweep.json")) {
    try {
      const auto m = nlohmann::json::parse(slurp_or_throw(dir / "sweep.json", "sweep.json", ""));
      if (m.contains("design") && m["design"].is_string()) sw.design = m["design"].get<std::string>();
    } catch (const std::exception&) {
      // The design kind only chooses dots over lines; keep "grid".
    }
  }
  return sw;
}

void assign_labels(std::vector<RunData>& runs, const std::vector<std::string>& given) {
  auto name_of = [](const RunData& r) {
    const auto& sc = r.manifest["scenario"];
    if (sc.contains("run") && sc["run"].contains("name") && sc["run"]["name"].is_string())
      return sc["run"]["name"].get<std::string>();
    return r.dir.filename().string();
  };
  auto overrides_of = [](const RunData& r) {
    std::vector<std::string> o;
    if (r.manifest.contains("overrides") && r.manifest["overrides"].is_array())
      for (const auto& v : r.manifest["overrides"])
        if (v.is_string()) o.push_back(v.get<std::string>());
    return o;
  };
  std::map<std::string, std::vector<std::size_t>> by_name;
  for (std::size_t i = 0; i < runs.size(); ++i) by_name[name_of(runs[i])].push_back(i);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    RunData& r = runs[i];
    if (i < given.size() && !given[i].empty()) {
      r.label = given[i];
      continue;
    }
    r.label = name_of(r);
    const auto& same = by_name[r.label];
    if (same.size() < 2) continue;
    // Runs of one scenario: named by the overrides not shared by all of them.
    std::string extra;
    for (const auto& o : overrides_of(r)) {
      bool everywhere = true;
      for (std::size_t j : same) {
        const auto other = overrides_of(runs[j]);
        everywhere = everywhere && std::find(other.begin(), other.end(), o) != other.end();
      }
      if (!everywhere) extra += (extra.empty() ? "" : ", ") + o;
    }
    r.label += " (" + (extra.empty() ? r.dir.filename().string() : extra) + ")";
  }
  // Still equal (same name and overrides): number them.
  std::map<std::string, int> seen;
  for (auto& r : runs)
    if (seen[r.label]++ > 0) r.label += " #" + std::to_string(seen[r.label]);
}

}  // namespace credsim::report
