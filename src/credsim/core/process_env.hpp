// The environment credsim's programs run under, set before the libraries that read it at start
// (libgomp, glibc's malloc) are loaded: a program calls this first and, when it returns true,
// restarts itself (execv of /proc/self/exe) so the settings take effect. A setting the user made
// is kept. Shared by the CLI (apps/credsim/main.cpp) and the benchmarks, so they run alike.
#pragma once
#include <cstdlib>
#include <cstring>
#include <string>

namespace credsim {

inline bool set_process_environment() {
  bool changed = false;
  // OpenMP threads that spin while waiting are up to 15× slower on a shared, busy machine
  // (measured: docs/PERFORMANCE.md, "OpenMP waiting policy").
  if (std::getenv("OMP_WAIT_POLICY") == nullptr) {
    ::setenv("OMP_WAIT_POLICY", "passive", 1);
    changed = true;
  }
  // Transparent huge pages for the large columns: glibc's malloc marks every chunk it maps of
  // 2 MiB and more with madvise(MADV_HUGEPAGE) under this tunable (glibc ≥ 2.35). Kernels that
  // leave huge pages to madvise (Debian's default) then fault a column in 2 MiB at a time
  // instead of 4 KiB, and random gathers over it miss the TLB far less; the bytes out are the
  // same (docs/PERFORMANCE.md, "Huge pages"). glibc.malloc.hugetlb=0 in GLIBC_TUNABLES turns it off.
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables == nullptr || std::strstr(tunables, "glibc.malloc.hugetlb") == nullptr) {
    std::string t = tunables != nullptr && *tunables != '\0' ? std::string(tunables) + ":" : std::string();
    t += "glibc.malloc.hugetlb=1";
    ::setenv("GLIBC_TUNABLES", t.c_str(), 1);
    changed = true;
  }
  return changed;
}

}  // namespace credsim
