// Built-in system types, one line each (kSystemTypes in scenario.hpp lists the same names).
#include "credsim/systems/registry.hpp"

#include "credsim/systems/composite.hpp"
#include "credsim/systems/agency_lists.hpp"
#include "credsim/systems/corporate.hpp"
#include "credsim/systems/court_list.hpp"
#include "credsim/systems/fico.hpp"
#include "credsim/systems/platform_rating.hpp"
#include "credsim/systems/points.hpp"

namespace credsim {

std::unique_ptr<System> make_system(const SystemDecl& decl, std::size_t persons) {
  auto sys = std::visit(
      [&](const auto& spec) -> std::unique_ptr<System> {
        using T = std::decay_t<decltype(spec)>;
        if constexpr (std::is_same_v<T, CompositeSpec>) return std::make_unique<Composite>(spec, persons);
        else if constexpr (std::is_same_v<T, PointsSpec>) return std::make_unique<Points>(decl.name, spec, persons);
        else if constexpr (std::is_same_v<T, CourtListSpec>) return std::make_unique<CourtList>(decl.name, spec, persons);
        else if constexpr (std::is_same_v<T, AgencyListsSpec>) return std::make_unique<AgencyLists>(decl.name, spec, persons);
        else if constexpr (std::is_same_v<T, CorporateSpec>) return std::make_unique<Corporate>(decl.name, spec, persons);
        else if constexpr (std::is_same_v<T, FicoSpec>) return std::make_unique<Fico>(decl.name, spec, persons);
        else if constexpr (std::is_same_v<T, PlatformRatingSpec>) return std::make_unique<PlatformRating>(decl.name, spec, persons);
      },
      decl.spec);
  sys->set_visibility(decl.visibility);
  sys->set_sees(decl.sees);
  return sys;
}

}  // namespace credsim
