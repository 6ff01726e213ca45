// Per-person snapshots (`credsim run --snapshot-every K`): the state of every person column,
// every system's published outputs, the active effects and the edge list at one tick, as NumPy
// .npy files (format version 1.0, little-endian, written directly) plus an index.json, so that
// anyone can recompute the metrics of metrics.csv independently (tests/python/verify_snapshot.py).
//
// Layout: RUN_DIR/snapshots/tick_NNNNNN/{persons.COLUMN.npy, SYSTEM.OUTPUT.npy,
// consequences.effects.npy, edges.npy, index.json}. Every file is written atomically
// (NAME.partial, renamed when complete) and index.json last: a folder without it is incomplete.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "credsim/core/types.hpp"

namespace credsim {
class Simulation;
}

namespace credsim::io {

// NumPy dtype descriptors of the types snapshots use: '<f8', '<f4', '<u8', '<u4', '<u2', '|u1'.
template <class T>
constexpr std::string_view npy_descr();
template <> constexpr std::string_view npy_descr<double>() { return "<f8"; }
template <> constexpr std::string_view npy_descr<float>() { return "<f4"; }
template <> constexpr std::string_view npy_descr<std::uint64_t>() { return "<u8"; }
template <> constexpr std::string_view npy_descr<std::uint32_t>() { return "<u4"; }
template <> constexpr std::string_view npy_descr<std::uint16_t>() { return "<u2"; }
template <> constexpr std::string_view npy_descr<std::uint8_t>() { return "|u1"; }

// The complete .npy 1.0 header: "\x93NUMPY", 1, 0, uint16 LE header length, then the dict
// "{'descr': D, 'fortran_order': False, 'shape': (...), }" padded with spaces and ending in
// '\n' so that the whole header is a multiple of 64 bytes (as numpy >= 1.9 writes it, byte for
// byte). Shape () is a scalar, (N,) a vector, (R, C) a C-order matrix.
std::string npy_header(std::string_view descr, std::span<const std::size_t> shape);

// Writes a C-order array atomically; data.size() must equal the product of shape.
void write_npy_bytes(const std::filesystem::path& path, std::string_view descr, std::span<const std::size_t> shape,
                     const void* data, std::size_t item_size, std::size_t items);

template <class T>
void write_npy(const std::filesystem::path& path, std::span<const T> data) {
  const std::size_t shape[] = {data.size()};
  write_npy_bytes(path, npy_descr<T>(), shape, data.data(), sizeof(T), data.size());
}

// A .npy file read back (for tests and tools): descr, shape and the raw little-endian bytes.
// Throws ResourceError for anything that is not a well-formed version 1.0 C-order file.
struct NpyArray {
  std::string descr;
  std::vector<std::size_t> shape;
  std::string data;
  std::size_t header_bytes = 0;
  template <class T>
  std::vector<T> as() const;  // element values (descr must be npy_descr<T>())
};
NpyArray read_npy(const std::filesystem::path& path);

template <class T>
std::vector<T> NpyArray::as() const {
  std::vector<T> out(data.size() / sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), data.data(), out.size() * sizeof(T));
  return out;
}

}  // namespace credsim::io

namespace credsim {

// What one snapshot wrote: its folder and the files in it (index.json last), relative to it.
struct SnapshotWritten {
  std::filesystem::path dir;
  std::vector<std::string> files;
};

// The folder of the snapshot of tick t: RUN_DIR/snapshots/tick_NNNNNN (six digits, more if needed).
std::filesystem::path snapshot_dir(const std::filesystem::path& run_dir, Tick t);

// Writes the state of `sim` at its current tick. `measured` says whether metrics.csv holds rows
// for this tick (recorded in the index). Throws ResourceError on write failures.
SnapshotWritten write_snapshot(const Simulation& sim, const std::filesystem::path& run_dir, bool measured);

}  // namespace credsim
