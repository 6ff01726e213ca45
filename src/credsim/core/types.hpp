// Basic ids and sizes shared by every module.
#pragma once
#include <cstdint>
#include <cstddef>

namespace credsim {
using NodeId = std::uint32_t;   // a person (graph node); 32 bits carry 4.29e9 persons
using EdgeIdx = std::uint64_t;  // an offset into a CSR neighbour array: edges exceed 2^32
using Tick = std::uint32_t;     // one simulated week by default
inline constexpr NodeId kNoNode = 0xFFFFFFFFu;
}  // namespace credsim
