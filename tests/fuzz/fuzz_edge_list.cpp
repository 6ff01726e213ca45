// libFuzzer target: edge-list loader on the bytes as a plain file and gzip-compressed
// (see fuzz_entry.hpp). Build: make fuzz.
#include "fuzz_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  credsim::fuzz::edge_list_entry(data, size);
  return 0;
}
