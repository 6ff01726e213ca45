// Consequence rules: condition parsing, compilation errors, and per-person effects with their
// economics, against hand-computed cases.
#include "credsim/consequences/rules.hpp"

#include <gtest/gtest.h>

#include "credsim/core/error.hpp"

namespace credsim {
namespace {

// A system with fixed published outputs.
class Fixed final : public System {
 public:
  Fixed(std::string name, bool with_list) : name_(std::move(name)), with_list_(with_list) {}
  const std::string& name() const override { return name_; }
  std::string_view type() const override { return "fixed"; }
  SystemOutputs outputs() const override {
    SystemOutputs o;
    o.score = &score;
    o.grade = &grade;
    o.grade_names = {"A", "B", "C", "D"};
    if (with_list_) o.listed = &listed;
    return o;
  }
  std::size_t memory_bytes() const override { return 0; }
  void checkpoint(ckpt::Archive& a) override { a(listed, score, grade); }  // not used by these tests
  std::vector<float> score;
  std::vector<std::uint8_t> grade, listed;

 private:
  std::string name_;
  bool with_list_;
};

RuleSpec rule(std::string sys, std::string when, std::vector<std::string> effects) {
  RuleSpec r;
  r.name = "rule_under_test";
  r.system = std::move(sys);
  r.when_text = when;
  r.when = *parse_condition(when, nullptr);
  r.effects = std::move(effects);
  r.where = "t.toml:1";
  return r;
}

TEST(Conditions, Parse) {
  auto c = parse_condition(" score >= 600 ", nullptr);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->kind, ConditionSpec::Kind::kScore);
  EXPECT_EQ(c->op, ConditionSpec::Op::kGe);
  EXPECT_EQ(c->value, 600);
  c = parse_condition("score<350.5", nullptr);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->op, ConditionSpec::Op::kLt);
  EXPECT_EQ(c->value, 350.5);
  c = parse_condition("grade in [C, D]", nullptr);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->grades, (std::vector<std::string>{"C", "D"}));
  c = parse_condition("grade == AAA", nullptr);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->grades, (std::vector<std::string>{"AAA"}));
  EXPECT_EQ(parse_condition("listed", nullptr)->kind, ConditionSpec::Kind::kListed);
  EXPECT_EQ(parse_condition("red_listed", nullptr)->kind, ConditionSpec::Kind::kRedListed);
  std::string why;
  EXPECT_FALSE(parse_condition("score => 600", &why));
  EXPECT_NE(why.find(">="), std::string::npos);
  EXPECT_FALSE(parse_condition("score >= six", &why));
  EXPECT_NE(why.find("'six' is not a number"), std::string::npos);
  EXPECT_FALSE(parse_condition("grade in C, D", &why));
  EXPECT_FALSE(parse_condition("grade in []", &why));
  EXPECT_FALSE(parse_condition("wealth > 3", &why));
  EXPECT_NE(why.find("listed, red_listed"), std::string::npos);
}

struct World {
  Society soc;
  std::vector<std::unique_ptr<System>> systems;
  Fixed* sys;
  World() {
    SocietySpec s;
    soc = generate_society(4, s, BehaviourSpec{}, 1, 0);
    auto f = std::make_unique<Fixed>("court", true);
    f->score = {700, 500, 599.5f, 600};
    f->grade = {0, 3, 2, 1};
    f->listed = {0, 1, 1, 0};
    sys = f.get();
    systems.push_back(std::move(f));
    // Person 1: parent, scrutinised profession, legal representative; person 2: none of them.
    auto& p = soc.persons;
    p.traits.assign(4, 0);
    p.set_parent(1, 1);
    p.set_scrutinised(1, 1);
    p.set_legal_rep(1, 1);
  }
};

TEST(Consequences, EffectsReachOnlyThoseTheyCanTouchWithTheirEconomics) {
  World w;
  const EffectLibrary lib;
  const std::vector<RuleSpec> rules{
      rule("court", "listed", {"travel_ban", "private_school_ban", "profession_ban", "executive_ban"}),
      rule("court", "score >= 600", {"deposit_waiver"}),
      rule("court", "grade in [C, D]", {"slow_internet"})};
  Consequences c(rules, lib, w.systems, w.soc);
  std::vector<double> delta(4, 0.0);
  c.apply(w.soc, delta);
  auto bit = [&](const char* e) { return std::uint64_t{1} << *lib.find(e); };
  EXPECT_EQ(c.active()[0], bit("deposit_waiver"));
  EXPECT_EQ(c.active()[1], bit("travel_ban") | bit("private_school_ban") | bit("profession_ban") |
                               bit("executive_ban") | bit("slow_internet"));
  // Person 2 is listed but neither parent, scrutinised nor a legal representative.
  EXPECT_EQ(c.active()[2], bit("travel_ban") | bit("slow_internet"));
  EXPECT_EQ(c.active()[3], bit("deposit_waiver"));
  // Weekly values: deposit_waiver +4; travel_ban −15; private_school_ban −30; slow_internet −3.
  EXPECT_DOUBLE_EQ(delta[0], 4);
  EXPECT_DOUBLE_EQ(delta[1], -15 - 30 - 3);
  EXPECT_DOUBLE_EQ(delta[2], -15 - 3);
  // Income factors multiply, in effect order: profession ban 0.6 × executive ban 0.8 (exactly
  // the float product the economy used to keep per person).
  EXPECT_EQ(c.income_factor(1), 1.0f * 0.6f * 0.8f);
  EXPECT_EQ(c.income_factor(2), 1.0f);
  EXPECT_EQ(c.income_factor(0), 1.0f);
  // The mask follows the outputs: delisting person 2 lifts the ban.
  w.sys->listed[2] = 0;
  std::fill(delta.begin(), delta.end(), 0.0);
  c.apply(w.soc, delta);
  EXPECT_EQ(c.active()[2], bit("slow_internet"));
  // Person 1 keeps the profession and executive bans: the factor follows the active effects.
  EXPECT_EQ(c.income_factor(1), 0.6f * 0.8f);
}

TEST(Consequences, CompilationErrorsNameTheRule) {
  World w;
  const EffectLibrary lib;
  auto expect_error = [&](RuleSpec r, const std::string& part) {
    try {
      Consequences c({r}, lib, w.systems, w.soc);
      FAIL() << "expected InputError containing " << part;
    } catch (const InputError& e) {
      const std::string m = e.what();
      EXPECT_NE(m.find("t.toml:1"), std::string::npos) << m;
      EXPECT_NE(m.find("consequences.rule_under_test"), std::string::npos) << m;
      EXPECT_NE(m.find(part), std::string::npos) << m;
    }
  };
  expect_error(rule("cort", "listed", {"travel_ban"}), "no system named 'cort'");
  expect_error(rule("court", "listed", {"travel_banned"}), "unknown effect 'travel_banned'");
  expect_error(rule("court", "grade == E", {"travel_ban"}), "'E' is not a grade of system 'court'");
  w.systems.push_back(std::make_unique<Fixed>("points", false));
  expect_error(rule("points", "listed", {"travel_ban"}), "keeps no list");
  expect_error(rule("court", "red_listed", {"travel_ban"}), "keeps no red list");
}

}  // namespace
}  // namespace credsim

namespace credsim {
namespace {

TEST(Consequences, EffectsThatNeedVisibilityWorkOnlyWhenTheSystemIsThatVisible) {
  const EffectLibrary lib;
  const std::vector<RuleSpec> rules{rule("court", "listed", {"public_shaming", "travel_ban"}),
                                    rule("court", "score >= 600", {"dating_visibility"})};
  auto bit = [&](const char* e) { return std::uint64_t{1} << *lib.find(e); };
  const std::pair<Visibility, std::uint64_t> cases[] = {
      {Visibility::kPrivate, 0},
      {Visibility::kFriends, bit("dating_visibility")},
      {Visibility::kPublic, bit("dating_visibility") | bit("public_shaming")}};
  for (const auto& [vis, extra] : cases) {
    World w;
    w.sys->set_visibility(vis);
    Consequences c(rules, lib, w.systems, w.soc);
    std::vector<double> delta(4, 0.0);
    c.apply(w.soc, delta);
    // Person 3: not listed, score 600. Person 2: listed, score 599.5.
    EXPECT_EQ(c.active()[3], extra & bit("dating_visibility")) << visibility_name(vis);
    EXPECT_EQ(c.active()[2], bit("travel_ban") | (extra & bit("public_shaming"))) << visibility_name(vis);
    EXPECT_FLOAT_EQ(c.income_factor(2), vis == Visibility::kPublic ? 0.97f : 1.0f);
  }
}

}  // namespace
}  // namespace credsim
