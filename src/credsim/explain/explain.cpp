// credsim explain: reading trace.jsonl back into one person's account (see explain.hpp).
#include "credsim/explain/explain.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <map>

#include "credsim/core/error.hpp"

namespace credsim {
namespace {
using Json = nlohmann::ordered_json;

std::string num(Json& v) {
  if (v.is_null()) return "none";
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_string()) return v.get<std::string>();
  const double x = v.get<double>();
  if (x == std::floor(x) && std::fabs(x) < 1e15) return fmt::format("{}", static_cast<long long>(x));
  return fmt::format("{:.4g}", x);
}
std::string signed_num(double x) {
  if (x == std::floor(x) && std::fabs(x) < 1e15) return fmt::format("{:+}", static_cast<long long>(x));
  return fmt::format("{:+.3f}", x);
}

// "612 (good)", "listed", "995 (A), not listed"
std::string state_text(Json& s) {
  std::string out;
  if (s.contains("score")) out += num(s["score"]);
  if (s.contains("grade")) out += out.empty() ? "grade " + num(s["grade"]) : " (" + num(s["grade"]) + ")";
  if (s.contains("listed")) out += std::string(out.empty() ? "" : ", ") + (s["listed"].get<bool>() ? "listed" : "not listed");
  if (s.contains("red") && s["red"].get<bool>()) out += ", red-listed";
  return out;
}

std::string record_text(Json& e) {
  std::string origin = e["origin"].get<std::string>();
  std::string what = origin == "true"            ? "true record"
                     : origin == "false"         ? "FALSE record: nothing happened"
                                                 : "MISATTRIBUTED: the act was person " + num(e["actor"]) + "'s";
  std::string s = fmt::format("recorded: {}{} ({}, {}{}, {})", e["type"].get<std::string>(),
                              e["count"].get<int>() > 1 ? fmt::format(" x{}", e["count"].get<int>()) : "", what,
                              e["channel"].get<std::string>() == "reported" ? "reported by a friend for a reward"
                                                                            : "detected",
                              e["political"].get<bool>() ? ", political" : "",
                              e["notified"].get<bool>() ? "notified" : "NOT notified: cannot appeal");
  if (e["appeal"] == "opened") s += fmt::format("; appealed, decided at tick {}", e["appeal_decided_at"].get<long long>());
  std::string seen;
  for (auto& n : e["read_by"]) seen += (seen.empty() ? "" : ", ") + n.get<std::string>();
  s += seen.empty() ? "; read by no system" : "; read by " + seen;
  return s;
}

std::string cause_text(Json& c) {
  const std::string k = c["cause"].get<std::string>();
  if (k == "subscore")
    return fmt::format("{} {:.4f} -> {:.4f} (weight {:.0f}%): {:+.2f}", c["dimension"].get<std::string>(),
                       c["before"].get<double>(), c["after"].get<double>(), 100 * c["weight"].get<double>(),
                       c["points"].get<double>());
  if (k == "rounding") return fmt::format("rounding to a whole score: {:+.2f}", c["points"].get<double>());
  if (k == "record" || k == "record_corrected" || k == "record_expired")
    return fmt::format("{}{} {} (ledger #{})", k == "record" ? "" : (k == "record_corrected" ? "corrected on appeal: " : "expired: "),
                       c["type"].get<std::string>(), signed_num(c["points"].get<double>()), num(c["ledger"]));
  if (k == "warning") return fmt::format("{}: warning only, first record of this type (ledger #{})", c["type"].get<std::string>(), num(c["ledger"]));
  if (k == "automatic_grade")
    return fmt::format("{} sets grade {} automatically (ledger #{})", c["type"].get<std::string>(), num(c["note"]), num(c["ledger"]));
  if (k == "listed")
    return fmt::format("listed on judgment #{} (circumstance {}, debt {:.0f} yuan, record {}, {}notified, until {})",
                       num(c["judgment"]), num(c["circumstance"]), c["debt"].get<double>(), num(c["record_origin"]),
                       c["notified"].get<bool>() ? "" : "not ",
                       c["until"].is_string() ? "the debt is paid" : "tick " + num(c["until"]));
  if (k == "exit") return fmt::format("left the list: judgment #{} ({})", num(c["judgment"]), num(c["reason"]));
  if (k == "record_seen") return fmt::format("record {} ({}, ledger #{})", num(c["type"]), num(c["origin"]), num(c["ledger"]));
  if (k == "system_rule" || k == "representative_of_listed_business" || k == "deactivated" ||
      k == "representative_exit") return num(c["note"]);
  if (k == "ratings")
    return fmt::format("ratings: mean {} of the last {} (window {}; {} received in all; defect rate {:.3f})", num(c["mean"]),
                       num(c["in_window"]), num(c["window"]), num(c["received_total"]), c["defect_rate"].get<double>());
  if (k == "black_list")
    return fmt::format("on the black list of {}{}", num(c["agency"]), c["wrongful"].get<bool>() ? " (resting on wrong records)" : "");
  if (k == "warning_list") return fmt::format("on the warning list of {}", num(c["agency"]));
  return c.dump();
}

std::string cf_text(Json& cf) {
  auto st = [](Json& v) { return v.is_null() ? std::string("not computed") : state_text(v); };
  std::string s = "without the network: " + st(cf["no_network"]);
  if (cf.contains("no_network_note")) s += " (" + num(cf["no_network_note"]) + ")";
  s += "; without political inputs: " + st(cf["no_political"]);
  if (cf.contains("no_political_note")) s += " (" + num(cf["no_political_note"]) + ")";
  if (cf.contains("true_records_only")) s += "; from true records only: " + st(cf["true_records_only"]);
  return s;
}

[[noreturn]] void bad_trace(const std::filesystem::path& f, std::uint64_t line, const std::string& problem) {
  throw InputError(SourcePos{f.string(), line, 0}, "trace", problem, "a trace.jsonl written by credsim run --trace",
                   "rerun the scenario with --trace or --trace-ids");
}
}  // namespace

namespace {
Json account_of(const std::filesystem::path& run_dir, std::uint64_t person, const std::string& system,
                std::filesystem::path& f) {
  f = run_dir / "trace.jsonl";
  bool partial = false;
  if (!std::filesystem::exists(f)) {
    if (std::filesystem::exists(run_dir / "trace.jsonl.partial")) {
      f = run_dir / "trace.jsonl.partial";
      partial = true;
    } else if (!std::filesystem::is_directory(run_dir)) {
      throw InputError(SourcePos{run_dir.string(), 0, 0}, "RUN_DIR", "no such run folder",
                       "the folder credsim run wrote (it prints 'results: FOLDER')", "check the path");
    } else {
      throw InputError(SourcePos{run_dir.string(), 0, 0}, "trace",
                       "this run traced nobody (no trace.jsonl)", "a run made with --trace N or --trace-ids",
                       fmt::format("rerun it with the same scenario and seed plus --trace-ids {} (results are otherwise "
                                   "identical: tracing never changes metrics.csv)",
                                   person));
    }
  }
  std::ifstream in(f);
  std::string text;
  std::uint64_t n = 0;
  Json header, events = Json::array();
  while (std::getline(in, text)) {
    ++n;
    if (text.empty()) continue;
    Json j;
    try {
      j = Json::parse(text);
    } catch (const std::exception& e) {
      if (partial && in.peek() == EOF) break;  // an interrupted run's last line may be cut short
      bad_trace(f, n, std::string("not a JSON object: ") + e.what());
    }
    if (n == 1) {
      if (!j.is_object() || j.value("event", "") != "header" || j.value("format", "") != "credsim-trace-1")
        bad_trace(f, n, "the first line is not a credsim-trace-1 header");
      header = std::move(j);
      continue;
    }
    if (!j.is_object() || !j.contains("person") || !j.contains("event")) bad_trace(f, n, "a line without person and event");
    if (j["person"].get<std::uint64_t>() == person) events.push_back(std::move(j));
  }
  if (header.is_null()) bad_trace(f, 1, "empty trace");
  bool traced = false;
  std::string list;
  for (auto& p : header["persons"]) {
    traced |= p.get<std::uint64_t>() == person;
    if (list.size() < 200) list += (list.empty() ? "" : ", ") + std::to_string(p.get<std::uint64_t>());
  }
  if (!traced)
    throw InputError(SourcePos{f.string(), 0, 0}, "--person",
                     fmt::format("person {} was not traced in this run", person), "one of the traced persons: " + list,
                     fmt::format("explain one of them, or rerun the scenario with the same seed plus --trace-ids {} "
                                 "(tracing never changes metrics.csv)",
                                 person));
  Json systems = Json::array();
  bool known = system.empty();
  for (auto& s : header["systems"]) known |= s["name"] == system;
  if (!known) {
    std::string names;
    for (auto& s : header["systems"]) names += (names.empty() ? "" : ", ") + s["name"].get<std::string>();
    throw InputError(SourcePos{"--system", 0, 0}, "--system", "no system named '" + system + "' in this run",
                     "one of: " + names, "correct the name");
  }
  // Keep the lines of the chosen system (records and consequences of other systems stay: they
  // are the person's, and a consequence's rules name their systems).
  Json kept = Json::array();
  for (auto& e : events) {
    if (!system.empty() && e.contains("system") && e["event"] != "consequence_started" && e["event"] != "consequence_ended" &&
        e["system"] != system)
      continue;
    kept.push_back(e);
  }
  // Per system: the state at tick 0 and now, the counterfactuals, and why.
  for (auto& s : header["systems"]) {
    const std::string name = s["name"].get<std::string>();
    if (!system.empty() && name != system) continue;
    Json sum;
    sum["name"] = name;
    sum["type"] = s["type"];
    Json initial, last_state, last_cf, final_line;
    std::map<std::uint64_t, Json> counted;  // points: ledger index → {type, tick, points}
    Json listed_since = nullptr, listing_causes = Json::array();
    std::uint64_t changes = 0;
    for (auto& e : kept) {
      if (!e.contains("system") || e["system"] != name) continue;
      const std::string ev = e["event"].get<std::string>();
      if (ev == "initial") {
        initial = e["state"];
        last_state = e["state"];
        last_cf = e["counterfactual"];
      } else if (ev == "score") {
        ++changes;
        last_state = e["after"];
        last_cf = e["counterfactual"];
        for (auto& c : e["causes"]) {
          const std::string k = c["cause"].get<std::string>();
          if (k == "record" || k == "record_corrected" || k == "record_expired") {
            Json& x = counted[c["ledger"].get<std::uint64_t>()];
            if (x.is_null()) x = Json{{"ledger", c["ledger"]}, {"type", c["type"]}, {"tick", e["tick"]}, {"points", 0.0}};
            x["points"] = x["points"].get<double>() + c["points"].get<double>();
          }
        }
        const bool was = e["before"].value("listed", false), is = e["after"].value("listed", false);
        if (!was && is) {
          listed_since = e["tick"];
          listing_causes = e["causes"];
        } else if (was && !is) {
          listed_since = nullptr;
          listing_causes = Json::array();
        }
      } else if (ev == "final") {
        final_line = e;
        last_state = e["state"];
        last_cf = e["counterfactual"];
      }
    }
    sum["initial"] = initial;
    sum["now"] = last_state;
    sum["changes"] = changes;
    sum["counterfactual"] = last_cf;
    if (s["type"] == "composite" && !final_line.is_null()) {
      sum["base"] = final_line["base"];
      sum["dimensions"] = final_line["dimensions"];
    }
    if (s["type"] == "points") {
      Json c = Json::array();
      for (auto& [k, x] : counted)
        if (x["points"].get<double>() != 0) c.push_back(x);
      sum["counted_records"] = c;  // initial + Σ points = now (balances are whole numbers of float points)
    }
    if (s["listed"].get<bool>()) {
      sum["listed_since"] = listed_since;
      sum["listing_causes"] = listing_causes;
    }
    systems.push_back(sum);
  }
  // Consequences with their start and end.
  Json cons = Json::array();
  std::map<std::string, std::size_t> open;
  for (auto& e : kept) {
    const std::string ev = e["event"].get<std::string>();
    if (ev != "consequence_started" && ev != "consequence_ended") continue;
    const std::string key = e["effect"].get<std::string>() + "|" + e.value("system", "");
    if (ev == "consequence_started") {
      Json c;
      c["effect"] = e["effect"];
      c["sanction"] = e["sanction"];
      c["started"] = e["tick"];
      c["ended"] = nullptr;
      c["because"] = e.contains("rules") ? e["rules"] : Json::array({Json{{"rule", e["rule"]}, {"system", e["system"]}}});
      open[key] = cons.size();
      cons.push_back(c);
    } else if (auto it = open.find(key); it != open.end()) {
      cons[it->second]["ended"] = e["tick"];
      open.erase(it);
    }
  }
  Json out;
  out["run"] = run_dir.string();
  out["person"] = person;
  out["complete"] = !partial;
  out["ticks"] = header["ticks"];
  out["seed"] = header["seed"];
  out["systems"] = systems;
  out["consequences"] = cons;
  out["events"] = kept;
  return out;
}
}  // namespace

Json explain_person(const std::filesystem::path& run_dir, std::uint64_t person, const std::string& system) {
  std::filesystem::path f;
  try {
    Json a = account_of(run_dir, person, system, f);
    (void)explain_text(a);  // every field the text reads exists and has the kind it needs
    return a;
  } catch (const nlohmann::json::exception& e) {  // a line with fields of the wrong kind
    bad_trace(f, 0, std::string("unexpected content: ") + e.what());
  }
}

// The text renderer works on a mutable copy: a missing field then reads as null and throws
// json::type_error (an input error) instead of reading past the object (const operator[]).
namespace {
std::string render(Json& a);
}
std::string explain_text(const Json& account) {
  Json a = account;
  return render(a);
}
namespace {
std::string render(Json& a) {
  std::string s;
  s += fmt::format("Person {} in {} (a synthetic person; seed {}, {} ticks{})\n", a["person"].get<std::uint64_t>(),
                   a["run"].get<std::string>(), num(a["seed"]), num(a["ticks"]),
                   a["complete"].get<bool>() ? "" : "; the run was interrupted: its trace ends early");
  long long tick = -1;
  for (auto& e : a["events"]) {
    const std::string ev = e["event"].get<std::string>();
    if (ev == "final") continue;
    const long long t = e["tick"].get<long long>();
    if (t != tick) {
      s += t == 0 ? "\ntick 0 (start):\n" : fmt::format("\ntick {}:\n", t);
      tick = t;
    }
    if (ev == "initial") {
      s += fmt::format("  {}: {}", e["system"].get<std::string>(), state_text(e["state"]));
      if (e.contains("subscores")) {
        std::string sub;
        for (auto& [k, v] : e["subscores"].items()) sub += fmt::format("{}{} {:.3f}", sub.empty() ? "" : ", ", k, v.get<double>());
        s += " [sub-scores: " + sub + "]";
      }
      s += "\n";
    } else if (ev == "record") {
      s += "  " + record_text(e) + "\n";
    } else if (ev == "own_act_recorded_against_other") {
      s += fmt::format("  own act {} recorded against person {} instead\n", e["type"].get<std::string>(), num(e["recorded_against"]));
    } else if (ev == "appeal_won") {
      s += fmt::format("  appeal won: {} record (ledger #{}) corrected\n", e["type"].get<std::string>(), num(e["ledger"]));
    } else if (ev == "appeal_lost") {
      s += fmt::format("  appeal lost: {} record (ledger #{}) stays\n", e["type"].get<std::string>(), num(e["ledger"]));
    } else if (ev == "score") {
      s += fmt::format("  -> {}: {} -> {}\n", e["system"].get<std::string>(), state_text(e["before"]), state_text(e["after"]));
      for (auto& c : e["causes"])  // sub-scores that did not move are left out of the text
        if (c["cause"] != "subscore" || c["before"] != c["after"]) s += "       because " + cause_text(c) + "\n";
    } else if (ev == "consequence_started" || ev == "consequence_ended") {
      const bool st = ev == "consequence_started";
      std::string why;
      if (e.contains("rule")) why = e["rule"].get<std::string>() + " of " + e["system"].get<std::string>();
      for (auto& r : e.value(st ? "rules" : "rules_no_longer_met", Json::array()))
        why += (why.empty() ? "" : "; ") + fmt::format("rule {} ({}: {})", num(r["rule"]), num(r["system"]), num(r["when"]));
      s += fmt::format("  {} {}: {}{}\n", e["sanction"].get<bool>() ? "sanction" : "privilege", st ? "started" : "ended",
                       e["effect"].get<std::string>(), why.empty() ? "" : (st ? " by " : ", no longer: ") + why);
    }
  }
  for (auto& sys : a["systems"])
    if (sys["type"] == "composite") {
      s += fmt::format("\n(Note: {} observes purchases, gaming, posts and repayments through its own detection, not "
                       "the ledger records above; its changes are explained by its sub-scores.)\n",
                       sys["name"].get<std::string>());
      break;
    }
  s += "\nNow:\n";
  for (auto& sys : a["systems"]) {
    s += fmt::format("  {} ({}): {} because:\n", sys["name"].get<std::string>(), sys["type"].get<std::string>(),
                     state_text(sys["now"]));
    if (sys.contains("dimensions")) {
      s += fmt::format("      {} base", num(sys["base"]));
      double total = sys["base"].get<double>();
      for (auto& d : sys["dimensions"]) {
        s += fmt::format(" + {} {:.1f} ({:.3f} x {:.0f}% of 600)", d["dimension"].get<std::string>(), d["points"].get<double>(),
                         d["subscore"].get<double>(), 100 * d["weight"].get<double>());
        total += d["points"].get<double>();
      }
      s += fmt::format(" = {:.2f}, rounded\n", total);
    } else if (sys.contains("counted_records")) {
      s += fmt::format("      started at {}", state_text(sys["initial"]));
      if (sys["counted_records"].empty()) s += "; no record counts now";
      for (auto& c : sys["counted_records"])
        s += fmt::format("; {} at tick {} {}", c["type"].get<std::string>(), num(c["tick"]), signed_num(c["points"].get<double>()));
      s += "\n";
    } else if (sys.contains("listed_since") && !sys["listed_since"].is_null()) {
      s += fmt::format("      listed since tick {}", num(sys["listed_since"]));
      for (auto& c : sys["listing_causes"]) s += "; " + cause_text(c);
      s += "\n";
    } else {
      s += fmt::format("      started at {}; {} change(s) since, listed above\n", state_text(sys["initial"]), num(sys["changes"]));
    }
    s += "      counterfactual: " + cf_text(sys["counterfactual"]) + "\n";
  }
  if (!a["consequences"].empty()) {
    s += "Consequences:\n";
    for (auto& c : a["consequences"])
      s += fmt::format("  {} {}: from tick {} to {}\n", c["sanction"].get<bool>() ? "sanction" : "privilege",
                       c["effect"].get<std::string>(), num(c["started"]),
                       c["ended"].is_null() ? std::string("now") : "tick " + num(c["ended"]));
  }
  return s;
}

}  // namespace

}  // namespace credsim
