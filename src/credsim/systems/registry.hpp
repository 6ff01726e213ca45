// The one place where a system type name becomes a class (the explicit list of built-ins).
#pragma once
#include <memory>

#include "credsim/scenario/scenario.hpp"
#include "credsim/systems/system.hpp"

namespace credsim {
// Builds the system and sets its visibility from the declaration.
std::unique_ptr<System> make_system(const SystemDecl& decl, std::size_t persons);
}  // namespace credsim
