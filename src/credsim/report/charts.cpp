// Which charts a report gets and their data. Charts appear only for what the runs hold (a
// court-list-only run has no band chart); several runs overlay in time charts (one colour or
// line style per run) and get one chart each where overlaying would not read (stacked shares,
// bars by decile, transition tables). Titles say what is shown, captions how to read it.
#include "credsim/report/charts.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>
#include <cmath>
#include <set>

namespace credsim::report {
namespace {

using json = nlohmann::json;

constexpr const char* kWeeks = "week (1 tick = 1 simulated week)";

std::string dec_key(int d) { return d < 9 ? "d0" + std::to_string(d + 1) : "d10"; }

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string slug(const std::string& s) {
  std::string o;
  for (char c : s) o += (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') ? c : '_';
  return o;
}

// What each system type scores and who its shares are of.
struct TypeInfo {
  const char* description;
  const char* quantile_metric;  // nullptr: no score distribution
  const char* score_name;       // "composite score (points, 350–950)"
  const char* share_metric;     // band / grade / rating / tier shares
  const char* share_name;       // "bands", "grades"
  const char* population;       // "persons", "residents", ...
};

TypeInfo type_info(const std::string& type) {
  if (type == "composite")
    return {"Sesame/Zhima-style composite score of 350–950 with threshold privileges", "score_quantile",
            "composite score (points, 350–950)", "band_share", "score bands", "persons"};
  if (type == "fico")
    return {"FICO-style credit score of 300–850 (the Western comparator)", "score_quantile",
            "credit score (points, 300–850)", "band_share", "score bands", "persons"};
  if (type == "points")
    return {"municipal points (Rongcheng-style): a balance that events add to or subtract from",
            "points_quantile", "points balance (points)", "grade_share", "grades", "residents"};
  if (type == "platform_rating")
    return {"platform ratings of service providers (Uber/eBay-style stars and tiers)", "rating_quantile",
            "displayed rating (stars, 1–5)", "tier_share", "tiers", "providers"};
  if (type == "court_list")
    return {"the court's list of dishonest judgment defaulters and its consumption restrictions", nullptr, "",
            nullptr, "", "persons"};
  if (type == "agency_lists")
    return {"agency black and red lists with joint punishment", nullptr, "", nullptr, "", "persons"};
  if (type == "corporate")
    return {"corporate credit ratings A–D of businesses, with Unified Social Credit Codes", nullptr, "",
            "rating_share", "ratings", "businesses"};
  return {"scoring system", nullptr, "", nullptr, "", "persons"};
}

class Builder {
 public:
  Builder(const std::vector<RunData>& runs, const std::vector<CompareData>& cmp, const std::vector<SweepData>& sw)
      : runs_(runs), cmp_(cmp), sw_(sw) {}

  json build() {
    json doc;
    doc["format"] = "credsim-report-1";
    doc["runs"] = json::array();
    for (const auto& r : runs_) doc["runs"].push_back(run_info(r));
    doc["compares"] = json::array();
    for (const auto& c : cmp_)
      doc["compares"].push_back({{"label", c.label}, {"dir", c.dir.string()}, {"label_a", c.label_a},
                                 {"label_b", c.label_b}, {"rows", c.rows.size()}});
    doc["sections"] = json::array();
    sections_ = &doc["sections"];
    if (!runs_.empty()) {
      society();
      std::vector<std::string> seen;
      for (const auto& r : runs_)
        for (const auto& [name, type] : r.systems)
          if (std::find(seen.begin(), seen.end(), name) == seen.end()) {
            seen.push_back(name);
            system(name);
          }
      harms();
      calibration();
    }
    for (std::size_t i = 0; i < cmp_.size(); ++i) compare(i);
    doc["sweeps"] = json::array();
    for (const auto& w : sw_)
      doc["sweeps"].push_back({{"label", w.label}, {"dir", w.dir.string()}, {"keys", w.keys}, {"design", w.design},
                               {"rows", w.rows.size()}});
    for (std::size_t i = 0; i < sw_.size(); ++i) sweep(i);
    // Drop sections that ended up with no chart.
    json kept = json::array();
    for (auto& s : doc["sections"])
      if (!s["charts"].empty()) kept.push_back(std::move(s));
    doc["sections"] = std::move(kept);
    return doc;
  }

 private:
  const std::vector<RunData>& runs_;
  const std::vector<CompareData>& cmp_;
  const std::vector<SweepData>& sw_;
  json* sections_ = nullptr;
  std::set<std::string> ids_;

  bool multi() const { return runs_.size() > 1; }
  std::string lab(std::size_t run, const std::string& text) const {
    return multi() ? runs_[run].label + ": " + text : text;
  }
  std::string title_for(std::size_t run, const std::string& title) const {
    return multi() ? title + " — " + runs_[run].label : title;
  }
  std::string id_for(std::size_t run, const std::string& base) const {
    return multi() ? base + "-run" + std::to_string(run + 1) : base;
  }

  static json run_info(const RunData& r) {
    const json& m = r.manifest;
    const json& sc = m["scenario"];
    auto get = [&](const json& j, const char* k) { return j.contains(k) ? j[k] : json(); };
    json systems = json::array();
    for (const auto& [n, t] : r.systems) systems.push_back({{"name", n}, {"type", t}});
    return {{"label", r.label},
            {"dir", r.dir.string()},
            {"name", sc.contains("run") ? get(sc["run"], "name") : json()},
            {"scenario_file", get(m, "scenario_file")},
            {"seed", get(m, "seed")},
            {"persons", get(m, "persons")},
            {"ticks", get(m, "ticks")},
            {"measure_every", sc.contains("run") ? get(sc["run"], "measure_every") : json()},
            {"overrides", get(m, "overrides")},
            {"version", get(m, "credsim_version")},
            {"git_commit", get(m, "git_commit")},
            {"systems", systems},
            {"last_tick", r.metrics.last_tick()}};
  }

  void section(const std::string& id, const std::string& title, const std::string& intro) {
    sections_->push_back({{"id", id}, {"title", title}, {"intro", intro}, {"charts", json::array()}});
  }
  void add(json chart) {
    std::string id = slug(chart["id"].get<std::string>());
    for (int k = 2; ids_.count(id); ++k) id = slug(chart["id"].get<std::string>()) + "-" + std::to_string(k);
    ids_.insert(id);
    chart["id"] = id;
    sections_->back()["charts"].push_back(std::move(chart));
  }

  static json chart(const std::string& id, const std::string& kind, const std::string& title,
                    const std::string& caption, json y) {
    return {{"id", id}, {"kind", kind},  {"title", title}, {"caption", caption}, {"x", {{"label", kWeeks}}},
            {"y", std::move(y)}, {"series", json::array()}};
  }
  // fmt: "pct" (a share 0–1 shown as %), "num", "int".
  static json axis(const std::string& label, const std::string& fmt, json min = json(), json max = json(),
                   json ref = json()) {
    json a{{"label", label}, {"fmt", fmt}};
    if (!min.is_null()) a["min"] = min;
    if (!max.is_null()) a["max"] = max;
    if (!ref.is_null()) a["ref"] = ref;
    return a;
  }

  // The rows of (system, metric, key) over the run's measured ticks: only ticks with a row.
  json part(std::size_t run, const std::string& s, const std::string& m, const std::string& k = "") const {
    json t = json::array(), y = json::array();
    for (Tick tk : runs_[run].metrics.ticks()) {
      const auto v = runs_[run].metrics.at(tk, s, m, k);
      if (!v) continue;
      t.push_back(tk);
      y.push_back(std::isfinite(*v) ? json(*v) : json());
    }
    return {{"run", run}, {"system", s}, {"metric", m}, {"key", k}, {"t", t}, {"y", y}};
  }
  json part_at(std::size_t run, Tick tk, const std::string& s, const std::string& m, const std::string& k) const {
    const auto v = runs_[run].metrics.at(tk, s, m, k);
    return {{"run", run}, {"system", s}, {"metric", m}, {"key", k}, {"t", json::array({tk})},
            {"y", json::array({v && std::isfinite(*v) ? json(*v) : json()})}};
  }
  static bool has_value(const json& p) {
    for (const auto& v : p["y"])
      if (!v.is_null()) return true;
    return false;
  }
  // Adds a line if it has data; colour slot and dash style chosen by the caller.
  static bool line(json& c, const std::string& label, std::size_t run, int color, json p, int dash = 0) {
    if (!has_value(p)) return false;
    c["series"].push_back(
        {{"role", "line"}, {"label", label}, {"run", run}, {"color", color}, {"dash", dash}, {"parts", {p}}});
    return true;
  }
  static void band(json& c, const std::string& label, std::size_t run, int color, json lo, json hi, double alpha) {
    if (!has_value(lo) || !has_value(hi)) return;
    c["series"].push_back({{"role", "band"}, {"label", label}, {"run", run}, {"color", color}, {"alpha", alpha},
                           {"parts", {lo, hi}}});
  }

  // Median with p25–p75 and p5–p95 bands, one colour per run.
  json fan(const std::string& id, const std::string& title, const std::string& caption, const std::string& system,
           const std::string& metric, const std::string& unit, json min = json()) {
    json c = chart(id, "line", title, caption, axis(unit, "num", min));
    for (std::size_t r = 0; r < runs_.size(); ++r) {
      if (!runs_[r].metrics.has(system, metric)) continue;
      const int color = static_cast<int>(r);
      band(c, lab(r, "middle 90% (p5–p95)"), r, color, part(r, system, metric, "p5"), part(r, system, metric, "p95"),
           0.15);
      band(c, lab(r, "middle 50% (p25–p75)"), r, color, part(r, system, metric, "p25"),
           part(r, system, metric, "p75"), 0.3);
      line(c, lab(r, "median"), r, color, part(r, system, metric, "p50"));
    }
    return c;
  }

  void society() {
    section("society", "The society: wealth and inequality",
            "Every person is generated; wealth moves each week with income, spending and the economic "
            "consequences of scores and lists.");
    add(fan("society-wealth", "Wealth of persons over time",
            "Line: the median person's wealth. Shaded: the middle 50% and the middle 90% of persons. A band "
            "that widens means wealth is spreading apart.",
            "society", "wealth_quantile", "wealth (yuan)", 0));
    json c = chart("society-gini", "line", "Inequality: Gini coefficient of wealth and of each score",
                   "0 means everyone has the same, 1 means one person has everything. A rising line means more "
                   "unequal. Score Gini uses raw points.",
                   axis("Gini coefficient (0–1)", "num", 0));
    for (std::size_t r = 0; r < runs_.size(); ++r) {
      int color = 0;
      line(c, lab(r, "wealth"), r, color++, part(r, "society", "wealth_gini"), static_cast<int>(r));
      for (const auto& [name, type] : runs_[r].systems)
        line(c, lab(r, name + " score"), r, color++, part(r, name, "score_gini"), static_cast<int>(r));
    }
    if (!c["series"].empty()) add(c);
  }

  void system(const std::string& name) {
    std::string type;
    for (const auto& r : runs_)
      if (!r.type_of(name).empty()) type = r.type_of(name);
    const TypeInfo ti = type_info(type);
    section("sys-" + name, name + " (" + type + ")", std::string("The ") + ti.description + ".");
    const std::string pop = ti.population;
    auto runs_with = [&](const std::string& metric) {
      std::vector<std::size_t> out;
      for (std::size_t r = 0; r < runs_.size(); ++r)
        if (runs_[r].metrics.has(name, metric)) out.push_back(r);
      return out;
    };

    // Score distribution.
    if (ti.quantile_metric && !runs_with(ti.quantile_metric).empty())
      add(fan(name + "-score", name + ": " + ti.score_name + " over time",
              "Line: the median. Shaded: the middle 50% and the middle 90% of " + pop +
                  ". Higher is better for the person.",
              name, ti.quantile_metric, ti.score_name));

    // Bands / grades / tiers, stacked to 100%.
    if (ti.share_metric)
      for (std::size_t r : runs_with(ti.share_metric)) {
        json c = chart(id_for(r, name + "-shares"), "stack",
                       title_for(r, name + ": share of " + pop + " in each of the " + ti.share_name),
                       std::string("Each coloured layer is one of the ") + ti.share_name +
                           "; layers add up to 100% of " + pop + ". A growing layer gains members.",
                       axis("% of " + pop, "pct", 0, 1));
        int color = 0;
        for (const auto& k : runs_[r].metrics.keys(name, ti.share_metric))
          line(c, k, r, color++, part(r, name, ti.share_metric, k));
        if (!c["series"].empty()) add(c);
      }

    // List sizes.
    static const std::vector<std::pair<const char*, const char*>> kLists{
        {"listed_share", "on the list"},
        {"wrongful_listed_share", "listed wrongfully (no rightful judgment)"},
        {"black_share", "on a black list"},
        {"red_share", "on a red list"},
        {"warning_share", "warned"},
        {"wrongfully_listed_share", "black-listed wrongfully"},
        {"deactivated_share", "deactivated"},
        {"legal_reps_sanctioned_share", "legal representatives sanctioned"},
        {"codes_failing_validation_share", "codes failing validation"}};
    {
      json c = chart(name + "-lists", "line", name + ": how many are on its lists",
                     "Share of " + pop + " on each list at each week (the metric name is in brackets).",
                     axis("% of " + pop, "pct", 0));
      for (std::size_t r = 0; r < runs_.size(); ++r) {
        int color = 0;
        for (const auto& [metric, label] : kLists)
          if (runs_[r].metrics.has(name, metric))
            line(c, lab(r, std::string(label) + " (" + metric + ")"), r, color++, part(r, name, metric, ""),
                 static_cast<int>(r));
      }
      if (!c["series"].empty()) add(c);
    }

    // By wealth decile, at the last measured tick.
    for (std::size_t r = 0; r < runs_.size(); ++r) deciles(r, name, pop);

    // Inflation.
    if (!runs_with("score_drift").empty()) {
      json c = chart(name + "-drift", "line", name + ": score inflation since week 0",
                     "Mean score now minus the mean score at week 0. Above 0: scores have risen.",
                     axis("points", "num", json(), json(), 0));
      for (std::size_t r = 0; r < runs_.size(); ++r)
        line(c, lab(r, "mean score − mean at week 0"), r, static_cast<int>(r), part(r, name, "score_drift"),
             static_cast<int>(r));
      if (!c["series"].empty()) add(c);
    }

    // Mobility: lock-in and negative spirals.
    {
      json c = chart(name + "-lockin", "line", name + ": lock-in and negative spirals",
                     "Lock-in: of those in the bottom grade a window earlier (52 weeks by default, or since week "
                     "0), the share still there. Negative spiral: share whose score fell by 50+ points while "
                     "their wealth fell by 20%+ over the window.",
                     axis("% of the group", "pct", 0));
      for (std::size_t r = 0; r < runs_.size(); ++r) {
        for (const auto& k : runs_[r].metrics.keys(name, "lock_in"))
          line(c, lab(r, "lock-in: still in '" + k + "'"), r, 0, part(r, name, "lock_in", k), static_cast<int>(r));
        line(c, lab(r, "negative spiral"), r, 1, part(r, name, "negative_spiral_share"), static_cast<int>(r));
      }
      if (!c["series"].empty()) add(c);
    }
    {
      json c = chart(name + "-correlation", "line", name + ": does the score follow wealth and friends?",
                     "Correlation from −1 to 1; 0 means no relation. Score vs initial wealth: Spearman rank "
                     "correlation. Friends: correlation of the scores at the two ends of each friendship.",
                     axis("correlation (−1 to 1)", "num", -1, 1, 0));
      for (std::size_t r = 0; r < runs_.size(); ++r) {
        line(c, lab(r, "score vs initial wealth"), r, 0, part(r, name, "score_wealth_spearman"), static_cast<int>(r));
        line(c, lab(r, "score vs friends' scores"), r, 1, part(r, name, "score_assortativity"), static_cast<int>(r));
      }
      if (!c["series"].empty()) add(c);
    }
    // Grade transitions at the last tick.
    for (std::size_t r : runs_with("grade_transition")) {
      const RunData& run = runs_[r];
      const Tick last = run.metrics.last_tick();
      std::vector<std::string> from, to;
      for (const auto& k : run.metrics.keys(name, "grade_transition")) {
        const auto gt = k.find('>');
        if (gt == std::string::npos) continue;
        const std::string f = k.substr(0, gt), t = k.substr(gt + 1);
        if (std::find(from.begin(), from.end(), f) == from.end()) from.push_back(f);
        if (std::find(to.begin(), to.end(), t) == to.end()) to.push_back(t);
      }
      json cells = json::array();
      bool any = false;
      for (const auto& f : from) {
        json row = json::array();
        for (const auto& t : to) {
          const auto v = run.metrics.at(last, name, "grade_transition", f + ">" + t);
          if (v) {
            row.push_back(part_at(r, last, name, "grade_transition", f + ">" + t));
            any = any || std::isfinite(*v);
          } else {
            row.push_back(nullptr);
          }
        }
        cells.push_back(row);
      }
      if (!any) continue;
      const auto ws = run.metrics.at(last, "harm", "window_start", "");
      const std::string since = ws && std::isfinite(*ws) ? std::to_string(static_cast<long long>(*ws)) : "the window's start";
      json c = chart(id_for(r, name + "-transitions"), "heat",
                     title_for(r, name + ": where people moved between grades (week " + since + " → week " +
                                      std::to_string(last) + ")"),
                     "Each row is a grade at week " + since + "; each cell the share of its members in the column's "
                         "grade at week " + std::to_string(last) + " (rows add up to 100%). Dark diagonal = little mobility.",
                     axis("% of the row's members", "pct", 0, 1));
      c["x"] = {{"label", "grade at week " + std::to_string(last)}};
      c["rowLabel"] = "grade at week " + since;
      c["rows"] = from;
      c["cols"] = to;
      c["cells"] = cells;
      add(c);
    }
  }

  // Rates by wealth decile of one system: unnamed (keys dNN: one chart, a series per metric) and
  // named (keys NAME:dNN, e.g. privileges: one chart per metric, a series per name).
  void deciles(std::size_t r, const std::string& system, const std::string& pop) {
    const RunData& run = runs_[r];
    const Tick last = run.metrics.last_tick();
    json plain = decile_chart(id_for(r, system + "-deciles"),
                              title_for(r, system + ": who is listed, by wealth decile (week " +
                                               std::to_string(last) + ")"),
                              "Bars: share of each tenth of " + pop + " (ranked by current wealth, poorest on the "
                              "left) that is on the list at week " + std::to_string(last) + ".");
    int color = 0;
    for (const auto& m : run.metrics.metrics(system)) {
      if (!ends_with(m, "_rate_by_wealth_decile")) continue;
      const auto& keys = run.metrics.keys(system, m);
      const bool named = !keys.empty() && keys[0].find(':') != std::string::npos;
      const std::string what = m.substr(0, m.size() - std::string("_rate_by_wealth_decile").size());
      if (!named) {
        decile_series(plain, r, last, what + " (" + m + ")", color++, system, m, "");
        continue;
      }
      std::vector<std::string> names;
      for (const auto& k : keys) {
        const std::string n = k.substr(0, k.find(':'));
        if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
      }
      json c = decile_chart(id_for(r, system + "-" + what + "-deciles"),
                            title_for(r, system + ": who holds each " + what + ", by wealth decile (week " +
                                             std::to_string(last) + ")"),
                            "Bars: share of each tenth of " + pop + " (ranked by current wealth, poorest on the "
                            "left) holding the " + what + " at week " + std::to_string(last) + ".");
      int cc = 0;
      for (const auto& n : names) decile_series(c, r, last, n, cc++, system, m, n + ":");
      if (!c["series"].empty()) add(c);
    }
    if (!plain["series"].empty()) add(plain);
  }
  static json decile_chart(const std::string& id, const std::string& title, const std::string& caption) {
    json c = chart(id, "bars", title, caption, axis("% of the decile", "pct", 0));
    c["x"] = {{"label", "wealth decile (d01 = poorest 10%, d10 = richest 10%)"}};
    c["categories"] = json::array();
    for (int d = 0; d < 10; ++d) c["categories"].push_back(dec_key(d));
    return c;
  }
  void decile_series(json& c, std::size_t r, Tick tick, const std::string& label, int color, const std::string& s,
                     const std::string& m, const std::string& prefix) const {
    json parts = json::array();
    bool any = false;
    for (int d = 0; d < 10; ++d) {
      json p = part_at(r, tick, s, m, prefix + dec_key(d));
      any = any || !p["y"][0].is_null();
      parts.push_back(std::move(p));
    }
    if (any)
      c["series"].push_back({{"role", "bars"}, {"label", label}, {"run", r}, {"color", color}, {"parts", parts}});
  }

  void harms() {
    section("harms", "Harms: who gets privileges and sanctions, chilling, isolation, wrong data",
            "Measured across all systems together (docs/MODEL.md §20).");
    for (std::size_t r = 0; r < runs_.size(); ++r) {
      const Tick last = runs_[r].metrics.last_tick();
      json c = decile_chart(id_for(r, "harm-deciles"),
                            title_for(r, "Privileges and sanctions by wealth decile (week " + std::to_string(last) + ")"),
                            "Share of each tenth of persons (ranked by current wealth, poorest on the left) holding at "
                            "least one privilege, or under at least one sanction, from any system.");
      decile_series(c, r, last, "any privilege", 2, "harm", "privileged_rate_by_wealth_decile", "");
      decile_series(c, r, last, "any sanction", 3, "harm", "sanctioned_rate_by_wealth_decile", "");
      if (!c["series"].empty()) add(c);
    }
    auto lines = [&](const std::string& id, const std::string& title, const std::string& caption, json y,
                     const std::vector<std::tuple<std::string, std::string, std::string>>& what) {
      json c = chart(id, "line", title, caption, std::move(y));
      for (std::size_t r = 0; r < runs_.size(); ++r) {
        int color = 0;
        for (const auto& [s, m, label] : what) line(c, lab(r, label), r, color++, part(r, s, m, ""), static_cast<int>(r));
      }
      if (!c["series"].empty()) add(c);
    };
    lines("harm-chilling", "Chilling: unapproved posts per person, relative to the first measured week",
          "1 = people post as much as in the first measured week after week 0; below 1 = they post less "
          "(self-censorship).",
          axis("ratio to the first measured week", "num", 0, json(), 1),
          {{"harm", "chilling_ratio", "posts per person ÷ first measured week"}});
    lines("harm-isolation", "Isolation of the most dissent-prone tenth",
          "Degree ratio: mean number of friends of the most dissent-prone 10% ÷ that of the rest (1 = as "
          "connected). Giant component: share of persons in the largest connected group.",
          axis("ratio or share", "num", 0, json(), 1),
          {{"harm", "dissent_decile_degree_ratio", "friends of dissenters ÷ friends of others"},
           {"harm", "giant_component_share", "share in the largest connected group"}});
    lines("harm-data-errors", "Harm from wrong data: false and misattributed records",
          "Shares of persons (or of wrong records, last line). Wrong records are corrected only by appeal, "
          "which needs notice.",
          axis("%", "pct", 0),
          {{"data", "share_with_wrong_record_ever", "persons who ever had a wrong record"},
           {"data", "share_with_uncorrected_wrong_record", "persons with a wrong record now"},
           {"harm", "wrongly_sanctioned_share", "sanctioned persons with a wrong record"},
           {"harm", "wrong_never_corrected_share", "wrong records older than the window, never corrected"}});
    {
      json c = chart("data-records", "line", "Records in the shared ledger, by origin",
                     "Cumulative records written: true (something happened), false (nothing happened) and "
                     "misattributed (it happened to someone else).",
                     axis("records (cumulative)", "int", 0));
      for (std::size_t r = 0; r < runs_.size(); ++r) {
        int color = 0;
        for (const auto& k : runs_[r].metrics.keys("data", "records_total"))
          line(c, lab(r, k), r, color++, part(r, "data", "records_total", k), static_cast<int>(r));
      }
      if (!c["series"].empty()) add(c);
    }
    lines("harm-correction-time", "Time to correct a wrong record",
          "Mean weeks from a wrong record to its correction on appeal, over the corrections so far.",
          axis("weeks", "num", 0), {{"harm", "time_to_correction_mean", "mean weeks to correction"}});
    // Each effect by decile, as a table of colours.
    for (std::size_t r = 0; r < runs_.size(); ++r) {
      const RunData& run = runs_[r];
      const Tick last = run.metrics.last_tick();
      const std::string m = "effect_rate_by_wealth_decile";
      std::vector<std::string> names;
      for (const auto& k : run.metrics.keys("consequences", m)) {
        const std::string n = k.substr(0, k.find(':'));
        if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
      }
      if (names.empty()) continue;
      json cells = json::array();
      json rows = json::array();
      for (const auto& n : names) {
        bool any = false;
        json row = json::array();
        for (int d = 0; d < 10; ++d) {
          json p = part_at(r, last, "consequences", m, n + ":" + dec_key(d));
          any = any || (!p["y"][0].is_null() && p["y"][0].get<double>() > 0);
          row.push_back(std::move(p));
        }
        if (!any) continue;  // an effect nobody holds
        rows.push_back(n);
        cells.push_back(row);
      }
      if (rows.empty()) continue;
      json c = chart(id_for(r, "effects-deciles"), "heat",
                     title_for(r, "Every privilege and sanction, by wealth decile (week " + std::to_string(last) + ")"),
                     "Each cell: share of the wealth decile (column; d01 = poorest) holding the effect (row). "
                     "Darker = more common. Effects nobody holds are left out.",
                     axis("% of the decile", "pct", 0));
      c["x"] = {{"label", "wealth decile (d01 = poorest 10%, d10 = richest 10%)"}};
      c["rowLabel"] = "effect";
      c["rows"] = rows;
      json cols = json::array();
      for (int d = 0; d < 10; ++d) cols.push_back(dec_key(d));
      c["cols"] = cols;
      c["cells"] = cells;
      add(c);
    }
  }

  void calibration() {
    section("calibration", "Calibration: published figures beside the model",
            "Targets named in the scenario ([targets.NAME]) with their sources; the model's value is what the "
            "model gives — targets never change it.");
    for (std::size_t r = 0; r < runs_.size(); ++r) {
      const RunData& run = runs_[r];
      if (!run.metrics.has_system("calibration")) continue;
      const Tick last = run.metrics.last_tick();
      json rows = json::array();
      const json& sc = run.manifest["scenario"];
      for (const auto& name : run.metrics.metrics("calibration")) {
        json row{{"name", name},
                 {"model", part_at(r, last, "calibration", name, "model")},
                 {"target", part_at(r, last, "calibration", name, "target")}};
        if (sc.contains("targets") && sc["targets"].contains(name)) {
          const json& t = sc["targets"][name];
          for (const char* k : {"source", "system", "metric", "key"})
            if (t.contains(k)) row[k] = t[k];
        }
        rows.push_back(row);
      }
      if (rows.empty()) continue;
      json c = chart(id_for(r, "calibration"), "calib",
                     title_for(r, "Model vs published figure, as % of the figure (week " + std::to_string(last) + ")"),
                     "100% (the dashed line) = the model matches the published figure; the table below gives both "
                     "values and the source.",
                     axis("model as % of the published figure", "num", 0, json(), 100));
      c["rows"] = rows;
      add(c);
    }
  }

  void compare(std::size_t i) {
    const CompareData& cd = cmp_[i];
    const std::string level = std::to_string(static_cast<int>(std::lround(cd.level * 100))) + "%";
    section("compare-" + std::to_string(i + 1), "Comparison " + cd.label + ": B (" + cd.label_b + ") vs A (" + cd.label_a + ")",
            "Paired differences B − A over replicates that share their random numbers (the same persons, graph "
            "and luck in both arms), with their intervals from compare.csv. A = " + cd.label_a + "; B = " +
                cd.label_b + ".");
    Tick last = 0;
    for (const auto& r : cd.rows) last = std::max(last, r.tick);
    std::vector<std::string> systems;
    for (const auto& r : cd.rows)
      if (std::find(systems.begin(), systems.end(), r.system) == systems.end()) systems.push_back(r.system);
    // Headline: the harms the project exists to measure, across systems, on one scale.
    {
      static const std::set<std::string> kHeadline{
          "wealth_gini", "listed_share", "wrongful_listed_share", "black_share", "red_share", "wrongfully_listed_share",
          "deactivated_share", "lock_in", "negative_spiral_share", "score_wealth_spearman", "wrongly_sanctioned_share",
          "chilling_ratio", "dissent_decile_degree_ratio", "wrong_never_corrected_share",
          "share_with_uncorrected_wrong_record", "share_with_wrong_record_ever", "time_to_correction_mean"};
      json rows = json::array();
      for (const auto& r : cd.rows) {
        if (r.tick != last || !kHeadline.count(r.metric) || (!r.key.empty() && r.metric != "lock_in")) continue;
        if (!std::isfinite(r.mean_a) || r.mean_a == 0 || !std::isfinite(r.diff_mean)) continue;
        json p = cmp_part(i, r);
        p["label"] = r.system + ": " + r.metric + (r.key.empty() ? "" : " (" + r.key + ")");
        rows.push_back(p);
      }
      if (rows.size() >= 2) {
        json c = chart("compare" + std::to_string(i + 1) + "-headline", "ci",
                       "What changes from A to B at week " + std::to_string(last) + ": the harms, as % of A's value",
                       "A = " + cd.label_a + "; B = " + cd.label_b + ". Dot: mean paired difference B − A as a "
                       "percentage of A's mean; bar: its " + level + " interval. A bar that crosses 0 means no clear "
                       "difference.",
                       axis("difference B − A, % of A's mean", "num", json(), json(), 0));
        c["x"] = {{"label", "difference B − A, % of A's mean"}};
        c["rows"] = rows;
        add(c);
      }
    }
    for (const auto& s : systems) {
      json rows = json::array();
      for (const auto& r : cd.rows) {
        if (r.tick != last || r.system != s || !r.key.empty() || s == "calibration") continue;
        if (!std::isfinite(r.mean_a) || r.mean_a == 0 || !std::isfinite(r.diff_mean)) continue;
        rows.push_back(cmp_part(i, r));
      }
      if (rows.empty()) continue;
      json c = chart("compare" + std::to_string(i + 1) + "-" + s, "ci",
                     s + ": change from A to B at week " + std::to_string(last) + ", as % of A's value",
                     "Dot: mean paired difference (B − A) as a percentage of A's mean; bar: its " + level +
                         " interval. A bar that crosses 0 means no clear difference.",
                     axis("difference B − A, % of A's mean", "num", json(), json(), 0));
      c["x"] = {{"label", "difference B − A, % of A's mean"}};
      c["rows"] = rows;
      add(c);
    }
    // Time courses of the differences for the harm headline rows.
    static const std::vector<std::tuple<const char*, const char*, const char*>> kHeadline{
        {"society", "wealth_gini", "wealth Gini"},
        {"harm", "wrongly_sanctioned_share", "sanctioned persons with a wrong record"},
        {"harm", "chilling_ratio", "chilling ratio"},
        {"data", "share_with_uncorrected_wrong_record", "persons with a wrong record now"}};
    for (const auto& [s, m, label] : kHeadline) {
      json pts = json::array();
      for (const auto& r : cd.rows)
        if (r.system == s && r.metric == m && r.key.empty() && std::isfinite(r.diff_mean)) pts.push_back(cmp_part(i, r));
      if (pts.empty()) continue;
      const bool share = std::string(m).find("share") != std::string::npos;
      json c = chart("compare" + std::to_string(i + 1) + "-" + s + "-" + m, "cline",
                     std::string("Difference in ") + label + " over time (B − A)",
                     "Line: mean paired difference B − A; shaded: its " + level + " interval. Shaded area away from "
                     "0 = a clear difference. A = " + cd.label_a + "; B = " + cd.label_b + ".",
                     share ? axis("B − A (percentage points)", "pct", json(), json(), 0)
                           : axis(std::string("B − A (") + m + ")", "num", json(), json(), 0));
      c["points"] = pts;
      add(c);
    }
  }
  // A sweep: each metric at the last tick against the first swept key, one line per setting of
  // the other keys (grid) or dots (Latin hypercube), the mean over replicates with its 95% interval.
  void sweep(std::size_t i) {
    const SweepData& sw = sw_[i];
    if (sw.keys.empty() || sw.rows.empty()) return;
    const bool lhs = sw.design == "lhs";
    section("sweep-" + std::to_string(i + 1), "Sweep " + sw.label + ": metrics against " + sw.keys[0],
            std::string("Each chart: a metric at the last measured week against the swept value of ") + sw.keys[0] +
                (lhs ? "; one dot per design point (Latin hypercube: the other keys vary too)"
                     : sw.keys.size() > 1 ? "; one line per setting of the other swept keys" : "") +
                ". Lines: the mean over replicates; shaded: its 95% interval (mean ± t·sd/√n), when there are 2 "
                "or more replicates.");
    Tick last = 0;
    for (const auto& r : sw.rows) last = std::max(last, r.tick);
    std::vector<std::tuple<std::string, std::string, std::string>> rows;
    for (const auto& r : sw.rows) {
      if (r.tick != last || (r.system == "calibration" && r.key != "model")) continue;
      const auto k = std::make_tuple(r.system, r.metric, r.key);
      if (std::find(rows.begin(), rows.end(), k) == rows.end()) rows.push_back(k);
    }
    constexpr std::size_t kMaxCharts = 24;  // the rest are in sweep.csv
    std::size_t made = 0;
    for (const auto& [s, m, k] : rows) {
      if (made == kMaxCharts) break;
      // group (other keys' values) → x (first key's value) → values over replicates
      std::vector<std::string> groups;
      std::map<std::string, std::map<double, std::vector<double>>> cells;
      bool numeric = true;
      for (const auto& r : sw.rows) {
        if (r.tick != last || r.system != s || r.metric != m || r.key != k) continue;
        double x = 0;
        const std::string& xs = r.values[0];
        const auto res = std::from_chars(xs.data(), xs.data() + xs.size(), x);
        if (res.ec != std::errc() || res.ptr != xs.data() + xs.size()) {
          numeric = false;
          break;
        }
        std::string g;
        if (!lhs)
          for (std::size_t j = 1; j < sw.keys.size(); ++j)
            g += (g.empty() ? "" : ", ") + sw.keys[j] + "=" + r.values[j];
        if (!cells.count(g)) groups.push_back(g);
        cells[g][x].push_back(r.value);
      }
      if (!numeric || groups.empty()) continue;
      const std::string what = s + " " + m + (k.empty() ? "" : " [" + k + "]");
      json c = chart("sweep" + std::to_string(i + 1) + "-" + s + "-" + m + (k.empty() ? "" : "-" + k), "line",
                     what + " against " + sw.keys[0] + " (week " + std::to_string(last) + ")",
                     "Mean over replicates of " + s + "," + m + (k.empty() ? "" : "," + k) + " in sweep.csv" +
                         (lhs ? ", one dot per design point." : "; shaded: its 95% interval."),
                     axis(m + (k.empty() ? "" : " [" + k + "]"), "num"));
      c["x"] = {{"label", sw.keys[0] + " (swept value)"}, {"continuous", true}, {"name", sw.keys[0]}};
      int color = 0;
      bool any = false;
      for (const auto& g : groups) {
        json xs = json::array(), mean = json::array(), lo = json::array(), hi = json::array();
        bool banded = !lhs;
        for (const auto& [x, v] : cells[g]) {
          std::vector<double> fin;
          for (double e : v)
            if (std::isfinite(e)) fin.push_back(e);
          xs.push_back(x);
          if (fin.empty()) {
            mean.push_back(nullptr);
            lo.push_back(nullptr);
            hi.push_back(nullptr);
            continue;
          }
          double mu = 0;
          for (double e : fin) mu += e;
          mu /= fin.size();
          mean.push_back(mu);
          if (fin.size() < 2) {
            banded = false;
            lo.push_back(nullptr);
            hi.push_back(nullptr);
            continue;
          }
          double ss = 0;
          for (double e : fin) ss += (e - mu) * (e - mu);
          const double half = t975(static_cast<int>(fin.size()) - 1) * std::sqrt(ss / (fin.size() - 1)) /
                              std::sqrt(static_cast<double>(fin.size()));
          lo.push_back(mu - half);
          hi.push_back(mu + half);
        }
        auto sp = [&](const char* role, json y) {
          return json{{"sweep", i}, {"system", s}, {"metric", m}, {"key", k}, {"tick", last}, {"stat", role},
                      {"t", xs}, {"y", std::move(y)}};
        };
        const std::string label = g.empty() ? "mean over replicates" : g;
        if (banded)
          c["series"].push_back({{"role", "band"}, {"label", label + ": 95% interval"}, {"color", color},
                                 {"alpha", 0.2}, {"parts", {sp("lo", lo), sp("hi", hi)}}});
        c["series"].push_back({{"role", "line"}, {"label", label}, {"color", color}, {"dash", 0}, {"dots", lhs},
                               {"parts", {sp("mean", mean)}}});
        ++color;
        any = true;
      }
      if (!any) continue;
      add(c);
      ++made;
    }
  }

  static json cmp_part(std::size_t i, const CompareRow& r) {
    auto num = [](double v) { return std::isfinite(v) ? json(v) : json(); };
    return {{"compare", i},        {"system", r.system},     {"metric", r.metric},      {"key", r.key},
            {"t", r.tick},         {"diff", num(r.diff_mean)}, {"lo", num(r.ci_low)},  {"hi", num(r.ci_high)},
            {"mean_a", num(r.mean_a)}, {"mean_b", num(r.mean_b)}, {"n", num(r.n)}};
  }
};

}  // namespace

json build_report(const std::vector<RunData>& runs, const std::vector<CompareData>& compares,
                  const std::vector<SweepData>& sweeps) {
  return Builder(runs, compares, sweeps).build();
}

double t975(int df) {
  static const double kT[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                              2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                              2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df < 1) return std::numeric_limits<double>::quiet_NaN();
  return df <= 30 ? kT[df - 1] : 1.96 + 2.4 / df;
}

std::vector<std::string> chart_ids(const json& report) {
  std::vector<std::string> ids;
  for (const auto& s : report["sections"])
    for (const auto& c : s["charts"]) ids.push_back(c["id"].get<std::string>());
  return ids;
}

}  // namespace credsim::report
