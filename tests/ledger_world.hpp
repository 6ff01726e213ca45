// A tiny world for system tests: persons in two regions, no friendships, and a ledger that
// records exactly the events a test feeds it (certain detection, no errors, nobody notified).
#pragma once
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "credsim/scenario/scenario.hpp"
#include "credsim/systems/system.hpp"

namespace credsim::test {

struct LedgerWorld {
  Scenario sc;
  Society soc;
  graph::Csr g;
  Exchange ex;
  TickEvents ev;
  Ledger ledger;
  std::vector<Occurrence> occ;
  Tick tick = 0;
  explicit LedgerWorld(NodeId n)
      : soc([&] {
          SocietySpec s;
          s.region_weights = {1, 1};
          return generate_society(n, s, BehaviourSpec{}, 3, 0);
        }()),
        g(std::vector<EdgeIdx>(n + 1, 0), {}),
        ex(g) {
    for (auto& t : sc.events.mutable_types()) t.detection = 1, t.false_rate = 0, t.misattribution = 0;
    sc.data.notify_prob = 0;
    ev.resize(n);
  }
  SimContext ctx() const { return SimContext{sc, soc, g, ex, sc.events, ev, occ, ledger, 3, 0, tick}; }
  // One tick in which `events` (person, event type name) happen: record stage, then score stage.
  void step(System& s, std::vector<std::pair<NodeId, std::string>> events) {
    ++tick;
    occ.clear();
    for (auto& [p, name] : events) occ.push_back({p, *sc.events.find(name), 1});
    std::sort(occ.begin(), occ.end(),
              [](auto& a, auto& b) { return a.person != b.person ? a.person < b.person : a.type < b.type; });
    ledger.record_tick(sc.data, sc.events, soc, occ, 3, 0, tick);
    s.record(ctx());
    s.score(ctx());
  }
};

}  // namespace credsim::test
