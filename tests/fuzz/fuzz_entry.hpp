// The two fuzzing entry points, shared by the libFuzzer targets (fuzz_scenario.cpp,
// fuzz_edge_list.cpp; clang, CREDSIM_FUZZ=ON) and the plain replayer that runs every corpus and
// regression file under ctest (replay_main.cpp; any compiler).
//
// The contract under test: bad input never crashes. Each entry point either accepts the bytes or
// throws credsim::InputError; anything else (another exception, a crash, a sanitizer report, an
// inconsistent result) is a finding. Oracle failures abort with a message on stderr, so libFuzzer
// saves the input and the replayer's test fails.
#pragma once
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

#include "credsim/core/error.hpp"
#include "credsim/graph/edge_list.hpp"
#include "credsim/scenario/scenario.hpp"

namespace credsim::fuzz {

enum class Outcome { kAccepted, kInputError };

[[noreturn]] inline void finding(const char* what, const std::string& detail) {
  std::fprintf(stderr, "credsim fuzz finding: %s: %s\n", what, detail.c_str());
  std::fflush(stderr);
  std::abort();
}

// Runs f(); InputError is an accepted outcome, and must carry a message; any other exception
// is a finding.
template <class F>
Outcome expect_accept_or_input_error(const char* entry, F&& f) {
  try {
    f();
    return Outcome::kAccepted;
  } catch (const InputError& e) {
    if (std::string_view(e.what()).empty()) finding(entry, "InputError with an empty message");
    return Outcome::kInputError;
  } catch (const std::exception& e) {
    finding(entry, std::string("exception other than InputError: ") + e.what());
  } catch (...) {
    finding(entry, "non-std exception");
  }
}

// Scenario: bytes = TOML document, then up to 4 `--set` overrides, each introduced by a 0x00
// byte (a NUL cannot occur in valid TOML, so the split never hides a valid document):
//   "[run]\nticks = 3\n" "\0" "graph.model=erdos_renyi" "\0" "run.seed=7"
inline constexpr char kOverrideSeparator = '\0';
inline constexpr std::size_t kMaxOverrides = 4;

inline Outcome scenario_entry(const std::uint8_t* data, std::size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  std::size_t cut = all.find(kOverrideSeparator);
  const std::string_view toml = all.substr(0, cut);
  std::vector<std::string> overrides;
  while (cut != std::string_view::npos && overrides.size() < kMaxOverrides) {
    const std::size_t next = all.find(kOverrideSeparator, cut + 1);
    overrides.emplace_back(all.substr(cut + 1, next == std::string_view::npos ? next : next - cut - 1));
    cut = next;
  }
  return expect_accept_or_input_error("scenario", [&] {
    const Scenario sc = load_scenario_string(toml, "fuzz.toml", overrides);
    // Accepted scenarios are checked: the validator promised these.
    if (sc.systems.empty()) finding("scenario", "accepted with no scoring system");
    if (sc.graph.model != GraphModel::kEdgeList && sc.society.persons < 2)
      finding("scenario", "accepted with fewer than 2 persons");
    if (sc.run.ticks < 1 || sc.run.measure_every < 1) finding("scenario", "accepted with ticks < 1");
    if (sc.resolved_json.empty()) finding("scenario", "accepted without a resolved scenario");
  });
}

// A scratch file per process, removed at exit; the fuzzer calls the entry point millions of
// times, so the path is made once.
class ScratchFile {
 public:
  explicit ScratchFile(const char* tag) {
    std::string t = (std::filesystem::temp_directory_path() / "credsim-fuzz-").string() + tag + "-XXXXXX";
    const int fd = ::mkstemp(t.data());
    if (fd < 0) finding("setup", "cannot create a scratch file in " + t);
    ::close(fd);
    path_ = t;
  }
  ~ScratchFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

  void write_plain(const std::uint8_t* data, std::size_t size) const {
    std::FILE* f = std::fopen(path_.c_str(), "wb");
    if (!f || (size && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0)
      finding("setup", "cannot write " + path_);
  }
  void write_gzip(const std::uint8_t* data, std::size_t size) const {
    gzFile f = gzopen(path_.c_str(), "wb");
    if (!f || (size && gzwrite(f, data, static_cast<unsigned>(size)) != static_cast<int>(size)) ||
        gzclose(f) != Z_OK)
      finding("setup", "cannot write gzip " + path_);
  }

 private:
  std::string path_;
};

struct GraphShape {
  bool ok = false;
  std::uint64_t nodes = 0, edges = 0, data_lines = 0, self_loops = 0, duplicates = 0;
  std::vector<std::uint64_t> ids;
  bool operator==(const GraphShape&) const = default;
};

inline GraphShape load_shape(const std::string& path) {
  GraphShape s;
  const auto outcome = expect_accept_or_input_error("edge_list", [&] {
    const graph::LoadedGraph g = graph::load_edge_list(path);
    if (!g.csr.valid()) finding("edge_list", "accepted an input and built an invalid CSR");
    if (g.original_ids.size() != g.csr.num_nodes()) finding("edge_list", "original_ids size != nodes");
    if (g.self_loops + g.duplicate_pairs + g.csr.num_edges() != g.data_lines)
      finding("edge_list", "self_loops + duplicate_pairs + edges != data_lines");
    s = {true, g.csr.num_nodes(), g.csr.num_edges(), g.data_lines, g.self_loops, g.duplicate_pairs,
         g.original_ids};
  });
  s.ok = outcome == Outcome::kAccepted;
  return s;
}

// Edge list: the bytes as a file, then the same bytes gzip-compressed. Both must load the same
// graph, or both be rejected (differential oracle), except when the bytes themselves start with
// the gzip magic: then the plain file is read as gzip and the compressed copy as text.
inline Outcome edge_list_entry(const std::uint8_t* data, std::size_t size) {
  static const ScratchFile plain("plain"), gz("gz");
  plain.write_plain(data, size);
  const GraphShape a = load_shape(plain.path());
  gz.write_gzip(data, size);
  const GraphShape b = load_shape(gz.path());
  const bool magic = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
  if (!magic && !(a == b)) {
    finding("edge_list", std::string("plain and gzip copies disagree: plain ") +
                             (a.ok ? "accepted" : "rejected") + ", gzip " + (b.ok ? "accepted" : "rejected") +
                             ", nodes " + std::to_string(a.nodes) + " vs " + std::to_string(b.nodes));
  }
  return a.ok ? Outcome::kAccepted : Outcome::kInputError;
}

}  // namespace credsim::fuzz
