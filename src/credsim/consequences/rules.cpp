// Rule parsing, compilation against the systems' outputs, and per-person evaluation.
#include "credsim/consequences/rules.hpp"

#include <fmt/format.h>

#include <bit>
#include <cctype>
#include <cmath>
#include <sstream>

#include "credsim/core/error.hpp"
#include "credsim/core/parallel.hpp"
#include "credsim/measure/stats.hpp"

namespace credsim {
namespace {
std::string trim(std::string_view s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return std::string(s.substr(a, b - a));
}
}  // namespace

std::optional<ConditionSpec> parse_condition(std::string_view text, std::string* problem) {
  const std::string t = trim(text);
  ConditionSpec c;
  if (t == "listed") { c.kind = ConditionSpec::Kind::kListed; return c; }
  if (t == "red_listed") { c.kind = ConditionSpec::Kind::kRedListed; return c; }
  auto fail = [&](std::string why) -> std::optional<ConditionSpec> { if (problem) *problem = std::move(why); return std::nullopt; };
  std::string subject;
  std::size_t k = 0;
  while (k < t.size() && (std::isalpha(static_cast<unsigned char>(t[k])) || t[k] == '_')) subject += t[k++];
  std::string rest = trim(std::string_view(t).substr(k));
  if (subject == "score") {
    c.kind = ConditionSpec::Kind::kScore;
    static const std::pair<const char*, ConditionSpec::Op> ops[] = {
        {">=", ConditionSpec::Op::kGe}, {"<=", ConditionSpec::Op::kLe}, {"==", ConditionSpec::Op::kEq},
        {">", ConditionSpec::Op::kGt}, {"<", ConditionSpec::Op::kLt}};
    bool found = false;
    for (const auto& [sym, op] : ops)
      if (rest.rfind(sym, 0) == 0) { c.op = op; rest = trim(rest.substr(std::string_view(sym).size())); found = true; break; }
    if (!found) return fail("after 'score' comes one of >=, >, <=, <, ==");
    char* end = nullptr;
    c.value = std::strtod(rest.c_str(), &end);
    if (rest.empty() || end != rest.c_str() + rest.size() || !std::isfinite(c.value)) return fail("'" + rest + "' is not a number");
    return c;
  }
  if (subject == "grade") {
    c.kind = ConditionSpec::Kind::kGrade;
    if (rest.rfind("==", 0) == 0) {
      const std::string g = trim(rest.substr(2));
      if (g.empty()) return fail("a grade name after '=='");
      c.grades = {g};
      return c;
    }
    if (rest.rfind("in", 0) == 0) {
      std::string list = trim(rest.substr(2));
      if (list.size() < 2 || list.front() != '[' || list.back() != ']') return fail("a list like [C, D] after 'in'");
      std::stringstream ss(list.substr(1, list.size() - 2));
      for (std::string g; std::getline(ss, g, ',');) {
        g = trim(g);
        if (g.empty()) return fail("an empty grade name in the list");
        c.grades.push_back(g);
      }
      if (c.grades.empty()) return fail("at least one grade in the list");
      return c;
    }
    return fail("after 'grade' comes '== NAME' or 'in [A, B]'");
  }
  return fail("a condition: listed, red_listed, score >= N (>, <=, <, ==), grade == NAME, grade in [A, B]");
}

Consequences::Consequences(const std::vector<RuleSpec>& rules, const EffectLibrary& library,
                           const std::vector<std::unique_ptr<System>>& systems, const Society& society)
    : library_(library), active_(society.persons.size(), library.effects().size()) {
  for (std::size_t e = 0; e < library_.effects().size(); ++e) {
    const std::uint64_t bit = std::uint64_t{1} << e;
    switch (library_.effects()[e].applies_to) {
      case AppliesTo::kEveryone: everyone_ |= bit; break;
      case AppliesTo::kParents: parents_ |= bit; break;
      case AppliesTo::kScrutinised: scrutinised_ |= bit; break;
      case AppliesTo::kLegalRepresentatives: legal_ |= bit; break;
    }
    income_factor_[e] = static_cast<float>(library_.effects()[e].income_factor);
    if (income_factor_[e] != 1.0f) income_effects_ |= bit;  // × 1.0f is exact: skipping it changes nothing
  }
  for (const RuleSpec& r : rules) {
    const System* sys = nullptr;
    for (const auto& s : systems)
      if (s->name() == r.system) sys = s.get();
    auto fail = [&](const std::string& problem, const std::string& expected, const std::string& fix) {
      throw InputError(SourcePos{r.where, 0, 0}, "consequences." + r.name, problem, expected, fix);
    };
    if (!sys) fail("no system named '" + r.system + "'", "the name of a [systems.NAME] table", "correct 'system'");
    Compiled c;
    c.outputs = sys->outputs();
    c.when = r.when;
    using K = ConditionSpec::Kind;
    if (r.when.kind == K::kScore && !c.outputs.score)
      fail("system '" + r.system + "' (" + std::string(sys->type()) + ") publishes no score", "a condition it can meet", "use listed or grade");
    if (r.when.kind == K::kListed && !c.outputs.listed)
      fail("system '" + r.system + "' (" + std::string(sys->type()) + ") keeps no list", "a condition it can meet", "use score or grade");
    if (r.when.kind == K::kRedListed && !c.outputs.red)
      fail("system '" + r.system + "' (" + std::string(sys->type()) + ") keeps no red list", "a condition it can meet", "use score, grade or listed");
    if (r.when.kind == K::kGrade) {
      if (!c.outputs.grade)
        fail("system '" + r.system + "' (" + std::string(sys->type()) + ") has no grades", "a condition it can meet", "use score or listed");
      c.grade_set.assign(c.outputs.grade_names.size(), 0);
      for (const std::string& g : r.when.grades) {
        bool found = false;
        for (std::size_t k = 0; k < c.outputs.grade_names.size(); ++k)
          if (c.outputs.grade_names[k] == g) c.grade_set[k] = 1, found = true;
        if (!found) {
          std::string names;
          for (const auto& n : c.outputs.grade_names) names += (names.empty() ? "" : ", ") + n;
          fail("'" + g + "' is not a grade of system '" + r.system + "'", "one of: " + names, "correct the grade name");
        }
      }
    }
    for (const std::string& e : r.effects) {
      const auto k = library_.find(e);
      if (!k) {
        std::string names;
        for (const auto& x : library_.effects()) names += (names.empty() ? "" : ", ") + x.name;
        fail("unknown effect '" + e + "'", "one of: " + names, "correct it, or define it in [effects." + e + "]");
      }
      // An effect that needs more visibility than the system has does not work (SPEC §1.8).
      if (static_cast<int>(library_.effects()[*k].requires_visibility) <= static_cast<int>(sys->visibility()))
        c.effects |= std::uint64_t{1} << *k;
    }
    used_ |= c.effects;
    rules_.push_back(std::move(c));
  }
}

bool Consequences::holds(const Compiled& r, std::size_t i) const {
  using K = ConditionSpec::Kind;
  using O = ConditionSpec::Op;
  switch (r.when.kind) {
    case K::kListed: return (*r.outputs.listed)[i] != 0;
    case K::kRedListed: return (*r.outputs.red)[i] != 0;
    case K::kGrade: {
      const std::uint8_t g = r.outputs.grade[i];
      return g < r.grade_set.size() && r.grade_set[g];
    }
    case K::kScore: {
      const double s = r.outputs.score[i], v = r.when.value;
      switch (r.when.op) {
        case O::kGe: return s >= v;
        case O::kGt: return s > v;
        case O::kLe: return s <= v;
        case O::kLt: return s < v;
        case O::kEq: return s == v;
      }
    }
  }
  return false;
}

void Consequences::apply(const Society& society, std::vector<double>& wealth_delta) {
  const std::size_t n = society.persons.size();
  const std::size_t nb = (n + kBlock - 1) / kBlock;
  parallel_for(nb, [&](std::size_t b) {
    const std::size_t first = b * kBlock;
    apply_block(society, first, std::span<double>(wealth_delta).subspan(first, std::min(kBlock, n - first)));
  });
}

void Consequences::apply_block(const Society& society, std::size_t first, std::span<double> delta) {
  const Persons& p = society.persons;
  const auto& effects = library_.effects();
  for (std::size_t k = 0; k < delta.size(); ++k) {
    const std::size_t i = first + k;
    std::uint64_t m = 0;
    for (const Compiled& r : rules_)
      if (holds(r, i)) m |= r.effects;
    // Effects reach only those they can touch.
    std::uint64_t who = everyone_;
    if (p.parent(i)) who |= parents_;
    if (p.scrutinised(i)) who |= scrutinised_;
    if (p.legal_rep(i)) who |= legal_;
    m &= who;
    active_.set(i, m);
    for (std::uint64_t bits = m; bits; bits &= bits - 1) {
      const EffectSpec& e = effects[std::countr_zero(bits)];
      delta[k] += e.weekly_value;
    }
  }
}

void Consequences::measure(Tick t, const Society& society, io::MetricsCsv& out,
                           const std::vector<std::uint8_t>* wealth_decile) const {
  if (rules_.empty()) return;
  const std::size_t n = active_.size();
  std::vector<std::uint8_t> own;
  const auto& decile = wealth_decile ? *wealth_decile : (own = measure::deciles(society.persons.wealth));
  // Every used effect's holders per wealth decile in one pass over persons.
  const std::size_t E = std::min<std::size_t>(library_.effects().size(), 64);
  const std::uint64_t used = used_;
  const measure::DecileTally tally =
      measure::tally_by_decile(decile, E, [&](std::size_t i) { return active_[i] & used; });
  for (std::size_t e = 0; e < library_.effects().size(); ++e) {
    const std::uint64_t bit = std::uint64_t{1} << e;
    if (!(used_ & bit)) continue;
    const std::uint64_t count = tally.flagged_total(e);
    const std::string& name = library_.effects()[e].name;
    out.row(t, "consequences", "effect_share", name, n ? static_cast<double>(count) / n : 0.0);
    const auto share = tally.share(e);
    const auto rate = tally.rate(e);
    for (int d = 0; d < 10; ++d) {
      out.row(t, "consequences", "effect_holders_by_wealth_decile", fmt::format("{}:d{:02}", name, d + 1), share[d]);
      out.row(t, "consequences", "effect_rate_by_wealth_decile", fmt::format("{}:d{:02}", name, d + 1), rate[d]);
    }
  }
}

}  // namespace credsim
