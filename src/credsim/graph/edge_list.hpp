// Loader for SNAP-style edge lists of real networks (plain or gzip): the only way real data
// enters credsim, as anonymous structure. Symmetrised, cleaned, ids remapped densely.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "credsim/core/types.hpp"
#include "credsim/graph/csr.hpp"

namespace credsim::graph {

struct LoadedGraph {
  Csr csr;
  std::vector<std::uint64_t> original_ids;  // dense id -> id in the file, ascending
  std::uint64_t data_lines = 0;             // edge lines read (not comments, blanks, header)
  std::uint64_t self_loops = 0;             // data lines with both ends equal (dropped)
  std::uint64_t duplicate_pairs = 0;        // data lines repeating a pair, either direction
  bool had_header = false;
};

// Format: lines starting with '#' or '%' are comments, blank lines are skipped; fields are
// separated by tabs, spaces or commas; only the first two fields are used (weights, ratings,
// timestamps after them are ignored). The first non-comment line is a header, and skipped,
// when its first field does not start like a number (a digit, '-' or '+'), e.g.
// "source_id target_id trust_value"; a numeric-looking but malformed first line is an error,
// not a header, so bad data is never silently dropped. Ids are unsigned 64-bit integers.
// gzip is detected by its magic bytes (any file name). Every node that appears in the file
// gets a dense id, in ascending order of original id; a node seen only in self-loops is kept
// as an isolated node. Throws InputError naming file and line for anything malformed,
// truncated, unreadable, or with more than 2^32 - 2 distinct ids.
LoadedGraph load_edge_list(const std::string& path);

}  // namespace credsim::graph
