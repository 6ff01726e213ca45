// Edge-list parsing: big chunks from zlib (which reads plain files unchanged), a hand-written
// field scanner (no iostreams: the loader should keep up with gzip), then remap and build.
#include "credsim/graph/edge_list.hpp"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <utility>

#include "credsim/core/error.hpp"
#include "credsim/graph/build.hpp"

namespace credsim::graph {
namespace {

constexpr std::size_t kChunk = std::size_t{4} << 20;
const char* const kKey = "graph.edge_list";

bool is_sep(char c) { return c == ' ' || c == '\t' || c == ',' || c == '\r'; }

struct GzCloser {
  void operator()(gzFile f) const { gzclose(f); }
};
using GzHandle = std::unique_ptr<std::remove_pointer_t<gzFile>, GzCloser>;

enum class FieldStatus { kOk, kMissing, kNegative, kTooLarge, kNotInteger };

// Scans one unsigned field at p (already past separators). On kOk, p is past the field.
FieldStatus scan_id(const char*& p, const char* end, std::uint64_t& out) {
  if (p == end) return FieldStatus::kMissing;
  if (*p == '-') return FieldStatus::kNegative;
  if (*p < '0' || *p > '9') return FieldStatus::kNotInteger;
  std::uint64_t v = 0;
  bool overflow = false;
  const char* q = p;
  while (q != end && *q >= '0' && *q <= '9') {
    const auto d = static_cast<std::uint64_t>(*q - '0');
    if (v > (~std::uint64_t{0} - d) / 10) overflow = true;
    v = v * 10 + d;
    ++q;
  }
  if (q != end && !is_sep(*q)) return FieldStatus::kNotInteger;  // "12.5", "12abc"
  if (overflow) return FieldStatus::kTooLarge;
  out = v;
  p = q;
  return FieldStatus::kOk;
}

class Parser {
 public:
  explicit Parser(std::string path) : path_(std::move(path)) {}

  // Parses one line [b, e) without its '\n'.
  void line(const char* b, const char* e) {
    ++line_no_;
    const char* p = b;
    while (p != e && is_sep(*p) && *p != ',') ++p;
    if (p == e) return;                  // blank
    if (*p == '#' || *p == '%') return;  // comment
    const bool first_content = !seen_content_;
    seen_content_ = true;
    if (first_content && *p != '-' && *p != '+' && (*p < '0' || *p > '9')) {
      had_header_ = true;
      return;
    }
    std::uint64_t a = 0, c = 0;
    const char* field = p;
    FieldStatus st = scan_id(p, e, a);
    if (st == FieldStatus::kOk) {
      while (p != e && is_sep(*p)) ++p;
      field = p;
      st = scan_id(p, e, c);
    }
    if (st != FieldStatus::kOk) fail(st, b, field, e);
    edges_.emplace_back(a, c);
  }

  const std::string& path() const { return path_; }
  std::uint64_t lines() const { return line_no_; }
  bool had_header() const { return had_header_; }
  std::vector<std::pair<std::uint64_t, std::uint64_t>>& edges() { return edges_; }

 private:
  [[noreturn]] void fail(FieldStatus st, const char* b, const char* field, const char* e) const {
    const char* fe = field;
    while (fe != e && !is_sep(*fe)) ++fe;
    if (fe == field && fe != e) ++fe;  // a field that is just a separator, e.g. ",,"
    std::string text(field, std::min<std::size_t>(static_cast<std::size_t>(fe - field), 40));
    std::string problem;
    switch (st) {
      case FieldStatus::kMissing: problem = "the line has only one node id"; break;
      case FieldStatus::kNegative: problem = "negative node id '" + text + "'"; break;
      case FieldStatus::kTooLarge: problem = "node id '" + text + "' exceeds 2^64-1"; break;
      default: problem = "node id '" + text + "' is not an unsigned integer"; break;
    }
    throw InputError({path_, line_no_, static_cast<std::uint64_t>(field - b) + 1}, kKey, problem,
                     "two unsigned integer node ids (0..2^64-1) separated by tabs, spaces or a "
                     "comma, or a comment line starting with '#' or '%'",
                     "correct or comment out this line");
  }

  std::string path_;
  std::uint64_t line_no_ = 0;
  bool seen_content_ = false;
  bool had_header_ = false;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> edges_;
};

bool has_gzip_magic(const std::string& path) {
  unsigned char magic[2] = {0, 0};
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  const std::size_t got = std::fread(magic, 1, 2, f);
  std::fclose(f);
  return got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

[[noreturn]] void read_error(const std::string& path, std::uint64_t line, bool gz,
                             const std::string& detail) {
  throw InputError({path, line, 0}, kKey,
                   std::string(gz ? "gzip stream is truncated or corrupt" : "file cannot be read") +
                       " (" + detail + ")",
                   gz ? "a complete gzip file" : "a readable edge-list file",
                   gz ? "download or decompress the file again (check it with 'gzip -t')"
                      : "check the file's permissions and that the disk is readable");
}

}  // namespace

LoadedGraph load_edge_list(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw InputError({path, 0, 0}, kKey, "edge-list file not found", "an existing file",
                     "check the path (relative paths are taken from the working directory)");
  }
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError({path, 0, 0}, kKey, "path is a folder, not a file", "an edge-list file",
                     "name the file inside the folder");
  }
  const bool gz = has_gzip_magic(path);
  errno = 0;
  GzHandle f(gzopen(path.c_str(), "rb"));  // zlib passes non-gzip files through unchanged
  if (!f) {
    throw InputError({path, 0, 0}, kKey,
                     std::string("cannot open edge-list file (") +
                         (errno ? std::strerror(errno) : "out of memory") + ")",
                     "a readable file", "check the path and the file's permissions");
  }
  // Buffers sized for the file (a tiny file need not cost 7 MiB of buffers), up to 1 MiB for
  // zlib and kChunk for lines; a gzip file's text is guessed at 4x its size. Any size is correct:
  // lines straddle reads through `carry`, and a line longer than the buffer grows it.
  const std::uintmax_t disk = std::filesystem::file_size(path, ec);
  const std::uintmax_t guess = ec ? kChunk : (gz ? disk * 4 : disk) + 1;
  const std::size_t cap0 = std::bit_ceil(static_cast<std::size_t>(
      std::clamp<std::uintmax_t>(guess, std::size_t{4} << 10, kChunk)));
  gzbuffer(f.get(), static_cast<unsigned>(std::min<std::size_t>(cap0, std::size_t{1} << 20)));

  Parser parser(path);
  // Not zero-filled: zeroing the whole chunk touched every page of it (a page fault each) even
  // for a tiny file; only the bytes gzread writes are ever read.
  std::size_t cap = cap0;
  auto buf = std::make_unique_for_overwrite<char[]>(cap);
  std::size_t carry = 0;  // bytes of an unfinished line kept at the front of buf
  for (;;) {
    if (carry == cap) {  // a line longer than the buffer
      auto bigger = std::make_unique_for_overwrite<char[]>(cap * 2);
      std::memcpy(bigger.get(), buf.get(), carry);
      buf = std::move(bigger);
      cap *= 2;
    }
    const int got = gzread(f.get(), buf.get() + carry,
                           static_cast<unsigned>(std::min<std::size_t>(cap - carry, 1u << 30)));
    if (got < 0) {
      int errnum = 0;
      const char* msg = gzerror(f.get(), &errnum);
      read_error(path, parser.lines() + 1, gz,
                 errnum == Z_ERRNO ? std::strerror(errno) : (msg ? msg : "read error"));
    }
    const std::size_t have = carry + static_cast<std::size_t>(got);
    if (got == 0) {
      // End of input: zlib reports a stream cut short only here, as Z_BUF_ERROR.
      int errnum = 0;
      const char* msg = gzerror(f.get(), &errnum);
      if (errnum != Z_OK) read_error(path, parser.lines() + 1, gz, msg ? msg : "read error");
      if (have > 0) parser.line(buf.get(), buf.get() + have);  // last line without '\n'
      break;
    }
    const char* b = buf.get();
    const char* end = buf.get() + have;
    for (;;) {
      const char* nl = static_cast<const char*>(std::memchr(b, '\n', static_cast<std::size_t>(end - b)));
      if (!nl) break;
      parser.line(b, nl);
      b = nl + 1;
    }
    carry = static_cast<std::size_t>(end - b);
    std::memmove(buf.get(), b, carry);
  }
  f.reset();
  buf.reset();

  LoadedGraph out;
  out.had_header = parser.had_header();
  auto& raw = parser.edges();
  out.data_lines = raw.size();

  // Dense ids in ascending order of original id: sort the distinct ids, then look each up.
  std::vector<std::uint64_t>& ids = out.original_ids;
  ids.reserve(raw.size() * 2);
  for (const auto& [a, b] : raw) {
    ids.push_back(a);
    ids.push_back(b);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  ids.shrink_to_fit();
  if (ids.size() >= kNoNode) {
    throw InputError({path, 0, 0}, kKey,
                     "the file has " + std::to_string(ids.size()) + " distinct node ids",
                     "at most 2^32 - 2 nodes (ids are 32-bit)",
                     "split the network or sample a subgraph before loading");
  }
  const auto n = static_cast<NodeId>(ids.size());
  const auto dense = [&ids](std::uint64_t x) {
    return static_cast<NodeId>(std::lower_bound(ids.begin(), ids.end(), x) - ids.begin());
  };
  std::vector<std::pair<NodeId, NodeId>> edges(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i].first == raw[i].second) ++out.self_loops;
    edges[i] = {dense(raw[i].first), dense(raw[i].second)};
  }
  raw = {};
  out.csr = build_csr(n, std::move(edges));
  out.duplicate_pairs = out.data_lines - out.self_loops - out.csr.num_edges();
  return out;
}

}  // namespace credsim::graph
