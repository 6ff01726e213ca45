// Running, reusing and reading the runs of an experiment (see runs.hpp).
#include "credsim/experiment/runs.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "credsim/core/error.hpp"
#include "credsim/run/runner.hpp"
#include "credsim/scenario/scenario.hpp"

extern char** environ;

namespace credsim::experiment {
namespace fs = std::filesystem;

std::string format_value(double v) {
  if (std::isnan(v)) return "NA";
  return fmt::format("{}", v);
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

std::string run_command_line(const RunJob& job) {
  auto quote = [](const std::string& s) {
    if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,/=:+") ==
                          std::string::npos)
      return s;
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
  };
  std::string s = "credsim run " + quote(job.scenario) + " --out " + quote(job.dir.string());
  for (const auto& o : job.overrides) s += " --set " + quote(o);
  return s;
}

RunState run_state(const RunJob& job) {
  if (!fs::exists(job.dir)) return RunState::kMissing;
  const fs::path manifest = job.dir / "manifest.json", metrics = job.dir / "metrics.csv";
  if (!fs::exists(manifest) || !fs::exists(metrics)) return RunState::kIncomplete;
  nlohmann::json m;
  try {
    std::ifstream in(manifest);
    m = nlohmann::json::parse(in);
  } catch (const std::exception&) {
    return RunState::kIncomplete;  // manifest.json is written atomically: unreadable means damaged
  }
  const bool same = m.contains("scenario_file") && m["scenario_file"] == job.scenario && m.contains("overrides") &&
                    m["overrides"] == job.overrides;
  if (!same)
    throw InputError(SourcePos{manifest.string(), 0, 0}, "",
                     "this folder holds a finished run of another design (scenario '" +
                         m.value("scenario_file", std::string("?")) + "', overrides " +
                         (m.contains("overrides") ? m["overrides"].dump() : std::string("?")) + "), not of " +
                         run_command_line(job),
                     "the output folder of this same experiment, or a new one",
                     "choose another output folder, or remove this one if its results are not needed");
  return RunState::kComplete;
}

namespace {

void run_in_process(const RunJob& job, int threads) {
  const Scenario sc = load_scenario(job.scenario, job.overrides);
  RunOptions opt;
  opt.out_dir = job.dir;
  opt.threads = threads;
  opt.overrides = job.overrides;
  opt.command_line = run_command_line(job);
  run_scenario(sc, opt);
}

std::string tail_of(const fs::path& p, std::size_t max_chars) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s.size() > max_chars ? "..." + s.substr(s.size() - max_chars) : s;
}

pid_t spawn_child(const RunJob& job, const ExecOptions& opt) {
  std::vector<std::string> args = {opt.executable.string(), "run",     job.scenario, "--out",
                                   job.dir.string(),        "--threads", "1"};
  for (const auto& o : job.overrides) {
    args.push_back("--set");
    args.push_back(o);
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string log = (job.dir / "run.log").string();
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, opt.executable.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0)
    throw ResourceError("credsim: cannot start '" + opt.executable.string() + "' for run " + job.label + ": " +
                        std::strerror(rc) + ". Fix: run with --jobs 1 (in this process).");
  return pid;
}

}  // namespace

ExecStats execute_runs(const std::vector<RunJob>& jobs, const ExecOptions& opt) {
  CREDSIM_ASSERT(opt.jobs >= 1);
  ExecStats stats;
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const RunState st = run_state(jobs[i]);
    if (st == RunState::kComplete) {
      ++stats.reused;
      continue;
    }
    if (st == RunState::kIncomplete) fs::remove_all(jobs[i].dir);  // an interrupted run: start again
    todo.push_back(i);
  }
  if (opt.log && stats.reused) opt.log(fmt::format("{} of {} runs already complete: reused", stats.reused, jobs.size()));
  const std::size_t total = todo.size();
  std::size_t done = 0;
  auto finished = [&](const RunJob& job, double seconds) {
    ++done;
    ++stats.ran;
    if (opt.log) opt.log(fmt::format("[{}/{}] {} done ({:.1f} s)", done, total, job.label, seconds));
  };

  if (opt.jobs == 1) {
    for (std::size_t i : todo) {
      const auto t0 = std::chrono::steady_clock::now();
      run_in_process(jobs[i], opt.threads);
      finished(jobs[i], std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    return stats;
  }

  // Child processes, at most opt.jobs at once. On a failure no new run starts; those running finish.
  struct Running {
    std::size_t index;
    std::chrono::steady_clock::time_point start;
  };
  std::map<pid_t, Running> running;
  std::size_t next = 0;
  std::string failure;
  int failure_code = 0;
  while (next < todo.size() || !running.empty()) {
    while (failure.empty() && next < todo.size() && running.size() < static_cast<std::size_t>(opt.jobs)) {
      const RunJob& job = jobs[todo[next]];
      fs::create_directories(job.dir);
      const pid_t pid = spawn_child(job, opt);
      running[pid] = {todo[next], std::chrono::steady_clock::now()};
      ++next;
    }
    if (running.empty()) break;
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      throw ResourceError(std::string("credsim: waiting for runs failed: ") + std::strerror(errno));
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;  // not one of ours
    const RunJob& job = jobs[it->second.index];
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - it->second.start).count();
    running.erase(it);
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    if (code == 0 && run_state(job) == RunState::kComplete) {
      finished(job, seconds);
    } else if (failure.empty()) {
      failure_code = code;
      failure = "run " + job.label + " failed (exit " + std::to_string(code) + "): " +
                tail_of(job.dir / "run.log", 2000) + "\n  (log: " + (job.dir / "run.log").string() +
                "; command: " + run_command_line(job) + ")";
    }
  }
  if (!failure.empty()) {
    if (failure_code == 2) throw InputError(SourcePos{}, "", failure, "", "fix the scenario or override it names");
    if (failure_code == 3) throw ResourceError("credsim: " + failure);
    throw std::runtime_error(failure);
  }
  return stats;
}

std::vector<MetricRow> read_metrics(const fs::path& csv) {
  std::ifstream in(csv, std::ios::binary);
  if (!in)
    throw ResourceError("credsim: cannot read '" + csv.string() + "'. Fix: rerun the experiment (complete runs are reused).");
  std::vector<MetricRow> rows;
  std::string line;
  std::uint64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line_no == 1) continue;  // header
    if (line.empty()) continue;
    std::string f[5];
    std::size_t start = 0, k = 0;
    for (; k < 4; ++k) {
      const auto c = line.find(',', start);
      if (c == std::string::npos) break;
      f[k] = line.substr(start, c - start);
      start = c + 1;
    }
    if (k < 4 || line.find(',', start) != std::string::npos)
      throw InputError(SourcePos{csv.string(), line_no, 0}, "", "not a metrics.csv row: '" + line + "'",
                       "tick,system,metric,key,value", "remove the damaged run folder and rerun");
    f[4] = line.substr(start);
    MetricRow r;
    r.tick = static_cast<Tick>(std::stoul(f[0]));
    r.system = f[1];
    r.metric = f[2];
    r.key = f[3];
    r.value_text = f[4];
    r.value = f[4] == "NA" ? std::nan("") : std::strtod(f[4].c_str(), nullptr);
    rows.push_back(std::move(r));
  }
  return rows;
}

TickSelection parse_ticks(const std::string& text) {
  TickSelection s;
  if (text == "last" || text.empty()) return s;
  if (text == "all") {
    s.kind = TickSelection::Kind::kAll;
    return s;
  }
  s.kind = TickSelection::Kind::kList;
  std::size_t start = 0;
  while (true) {
    const auto c = text.find(',', start);
    const std::string item = text.substr(start, c == std::string::npos ? c : c - start);
    char* end = nullptr;
    const unsigned long v = item.empty() ? 0 : std::strtoul(item.c_str(), &end, 10);
    if (item.empty() || item.find_first_not_of("0123456789") != std::string::npos || v > 0xFFFFFFFFul)
      throw InputError(SourcePos{"--ticks", 0, 0}, "", "bad tick '" + item + "' in '" + text + "'",
                       "'last', 'all' or a comma-separated list of tick numbers, e.g. 0,26,52",
                       "write e.g. --ticks 52 or --ticks 0,26,52");
    s.ticks.push_back(static_cast<Tick>(v));
    if (c == std::string::npos) break;
    start = c + 1;
  }
  std::sort(s.ticks.begin(), s.ticks.end());
  s.ticks.erase(std::unique(s.ticks.begin(), s.ticks.end()), s.ticks.end());
  return s;
}

std::string describe(const TickSelection& sel) {
  if (sel.kind == TickSelection::Kind::kLast) return "last";
  if (sel.kind == TickSelection::Kind::kAll) return "all";
  std::string s;
  for (Tick t : sel.ticks) s.append(s.empty() ? "" : ",").append(std::to_string(t));
  return s;
}

bool metric_selected(const std::vector<std::string>& filters, const MetricRow& row) {
  if (filters.empty()) return true;
  for (const auto& f : filters)
    if (f == row.metric || f == row.system + "." + row.metric) return true;
  return false;
}

std::vector<MetricRow> select_rows(std::vector<MetricRow> rows, const TickSelection& ticks,
                                   const std::vector<std::string>& metrics) {
  Tick last = 0;
  for (const auto& r : rows) last = std::max(last, r.tick);
  std::vector<MetricRow> out;
  for (auto& r : rows) {
    bool keep_tick = ticks.kind == TickSelection::Kind::kAll ||
                     (ticks.kind == TickSelection::Kind::kLast && r.tick == last) ||
                     (ticks.kind == TickSelection::Kind::kList &&
                      std::binary_search(ticks.ticks.begin(), ticks.ticks.end(), r.tick));
    if (keep_tick && metric_selected(metrics, r)) out.push_back(std::move(r));
  }
  return out;
}

void check_filters_matched(const std::vector<MetricRow>& rows, const std::vector<std::string>& metrics,
                           const TickSelection& ticks, const fs::path& where) {
  std::string missing;
  for (const auto& f : metrics) {
    bool hit = false;
    for (const auto& r : rows)
      if (metric_selected({f}, r)) {
        hit = true;
        break;
      }
    if (!hit) missing.append(missing.empty() ? "'" : ", '").append(f).append("'");
  }
  if (!missing.empty())
    throw InputError(SourcePos{"--metric", 0, 0}, "", "no row of " + where.string() + " has metric " + missing,
                     "a metric name of metrics.csv, or SYSTEM.METRIC (docs/MODEL.md §8, §20)",
                     "look at the metric column of that file for the names");
  if (ticks.kind == TickSelection::Kind::kList) {
    std::set<Tick> present;
    for (const auto& r : rows) present.insert(r.tick);
    std::string absent;
    for (Tick t : ticks.ticks)
      if (!present.count(t)) absent.append(absent.empty() ? "" : ", ").append(std::to_string(t));
    if (!absent.empty())
      throw InputError(SourcePos{"--ticks", 0, 0}, "", "tick(s) " + absent + " not measured in " + where.string(),
                       "ticks that metrics.csv holds (0, every run.measure_every-th tick, and the last)",
                       "choose measured ticks, or 'last' or 'all'");
  }
}

}  // namespace credsim::experiment
