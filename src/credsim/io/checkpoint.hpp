// The checkpoint archive (`credsim run --checkpoint-every K`, `credsim resume RUN_DIR`): the whole
// evolving state of a run as one small, versioned, streamed binary file.
//
// One Archive type serves both directions: a component describes its state once,
//     template <class A> void fields(A& a) { a(x, y, z); }   // a struct
//     void checkpoint(ckpt::Archive& a) override { a(x, y, z); }  // a System
// and the same list of members is written when saving and read back when loading, so save and
// load cannot disagree. Adding state to the checkpoint is adding its name to that list.
//
// Layout (native little-endian; docs/ARCHITECTURE.md "Checkpoints"):
//   "CSIMCKPT"  u32 format version  u32 0x01020304 (byte-order check)
//   string credsim version   u64 scenario hash (FNV-1a of the resolved scenario)   u32 tick
//   u32 CRC32 of the header fields above
//   sections: string name, u64 payload length, payload, u32 CRC32 (zlib) of the payload
//   a last section named "end" with an empty payload
// Strings are u64 length + bytes; vectors u64 count + elements (a plain array of bytes for
// numbers). Reading checks magic, version, byte order, scenario hash, every section's name,
// length and checksum, and that a count never exceeds what its section still holds, so a
// corrupt or truncated file is an InputError naming the file, never a crash or a huge allocation.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace credsim::ckpt {

inline constexpr std::uint32_t kFormatVersion = 13;  // 2: sparse agency lists, estimate parts; 3: income factor derived; 4: myopic adaptation stores no responses; 5: packed harm snapshots; 6: the composite publishes score, band and privileges derived from its score; 7: derived event propensities (persons.source); 8: packed person traits; 9: effect masks in the narrowest width; 10: compact graph offsets; 11: persons' income, wealth and propensities as 16-bit codes (core/uf16.hpp); 12: misconduct, civic and wealth_z stored (16-bit); 13: the measure stage's seconds by part

// FNV-1a 64 of a text (the resolved scenario JSON): a resume must run the same scenario.
std::uint64_t hash_text(std::string_view text);

struct Header {
  std::uint32_t format = kFormatVersion;
  std::string credsim_version;
  std::uint64_t scenario_hash = 0;
  std::uint32_t tick = 0;
};

class Archive {
 public:
  // Saving: creates `path` (truncating it) and writes the header. Errors: ResourceError.
  static Archive create(const std::filesystem::path& path, const Header& header);
  // Loading: opens `path` and checks the header (magic, version, byte order). The caller checks
  // scenario_hash and tick against what it expects. Errors: InputError naming the file.
  static Archive open(const std::filesystem::path& path);
  Archive(Archive&& o) noexcept;
  Archive& operator=(Archive&&) = delete;
  Archive(const Archive&) = delete;
  ~Archive();

  bool loading() const { return loading_; }
  const Header& header() const { return header_; }
  const std::filesystem::path& path() const { return path_; }

  // Starts the next named section (ends the one before). Loading: the file's next section
  // must have this name.
  void section(std::string_view name);
  // Saving: ends the last section, writes the end marker, flushes and fsyncs, closes.
  // Loading: checks the last section and the end marker.
  void finish();

  // Saves or loads each argument, in order.
  template <class... T>
  void operator()(T&... x) {
    (io(x), ...);
  }

  // Raw bytes in the current section (saving: written; loading: read).
  void bytes(void* p, std::size_t n);
  // Loading: throws unless n items of `size` bytes fit in what the current section has left.
  void check_fits(std::uint64_t n, std::size_t size) const;
  [[noreturn]] void corrupt(const std::string& what) const;

 private:
  Archive(std::FILE* f, std::filesystem::path path, bool loading);
  void end_section();
  void raw(void* p, std::size_t n);  // unchecksummed (headers)
  void fail_write() const;

  template <class T>
  static constexpr bool kBulk =
      std::is_arithmetic_v<T> || std::is_enum_v<T> || std::has_unique_object_representations_v<T>;

  template <class T>
  void io(T& x) {
    if constexpr (requires { x.fields(*this); })
      x.fields(*this);
    else {
      static_assert(kBulk<T> && !std::is_pointer_v<T>,
                    "checkpoint: give this type a `template <class A> void fields(A& a)` listing its members");
      bytes(&x, sizeof x);
    }
  }
  void io(bool& b) {
    std::uint8_t v = b;
    bytes(&v, 1);
    if (v > 1) corrupt("a flag is neither 0 nor 1");
    b = v;
  }
  void io(std::string& s) {
    std::uint64_t n = s.size();
    io(n);
    if (loading_) check_fits(n, 1), s.resize(n);
    bytes(s.data(), n);
  }
  template <class T>
  void io(std::vector<T>& v) {
    static_assert(!std::is_same_v<T, bool>, "checkpoint: vector<bool> is not supported");
    std::uint64_t n = v.size();
    io(n);
    if constexpr (kBulk<T> && !requires(T& t) { t.fields(*this); }) {
      if (loading_) check_fits(n, sizeof(T)), v.resize(n);
      bytes(v.data(), n * sizeof(T));
    } else {
      if (loading_) check_fits(n, 1), v.clear(), v.resize(n);
      for (auto& x : v) io(x);
    }
  }
  template <class T>
  void io(std::deque<T>& d) {
    std::uint64_t n = d.size();
    io(n);
    if (loading_) check_fits(n, 1), d.clear(), d.resize(n);
    for (auto& x : d) io(x);
  }
  template <class T, std::size_t N>
  void io(T (&a)[N]) {
    for (auto& x : a) io(x);
  }
  template <class T, std::size_t N>
  void io(std::array<T, N>& a) {
    for (auto& x : a) io(x);
  }
  template <class A, class B>
  void io(std::pair<A, B>& p) {
    io(p.first);
    io(p.second);
  }
  // Saved in key order, so the bytes do not depend on the table's insertion history.
  template <class K, class V>
  void io(std::unordered_map<K, V>& m) {
    static_assert(std::is_integral_v<K>, "checkpoint: maps with integer keys only");
    std::uint64_t n = m.size();
    io(n);
    if (loading_) {
      check_fits(n, sizeof(K));
      m.clear();
      m.reserve(n);
      K prev{};
      for (std::uint64_t k = 0; k < n; ++k) {
        K key{};
        io(key);
        if (k > 0 && !(prev < key)) corrupt("map keys are not in increasing order");
        prev = key;
        io(m[key]);
      }
    } else {
      std::vector<K> keys;
      keys.reserve(n);
      for (const auto& kv : m) keys.push_back(kv.first);
      std::sort(keys.begin(), keys.end());
      for (K key : keys) {
        io(key);
        io(m.at(key));
      }
    }
  }

  std::FILE* f_ = nullptr;
  std::unique_ptr<char[]> buf_;  // stdio buffer (1 MiB)
  std::filesystem::path path_;
  bool loading_ = false;
  Header header_;
  bool in_section_ = false;
  std::string section_name_;
  std::int64_t section_start_ = 0;   // saving: offset of the length field
  std::uint64_t file_size_ = 0;      // loading
  std::uint64_t section_len_ = 0;    // loading: payload length; saving: bytes so far
  std::uint64_t section_used_ = 0;   // loading: payload bytes consumed
  std::uint32_t crc_ = 0;
};

}  // namespace credsim::ckpt
