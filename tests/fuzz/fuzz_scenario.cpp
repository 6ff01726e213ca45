// libFuzzer target: scenario TOML + --set overrides (see fuzz_entry.hpp). Build: make fuzz.
#include "fuzz_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  credsim::fuzz::scenario_entry(data, size);
  return 0;
}
