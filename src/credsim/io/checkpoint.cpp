// The checkpoint archive (see checkpoint.hpp).
#include "credsim/io/checkpoint.hpp"

#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>

#include "credsim/core/error.hpp"

namespace credsim::ckpt {
namespace {
constexpr char kMagic[8] = {'C', 'S', 'I', 'M', 'C', 'K', 'P', 'T'};
constexpr std::uint32_t kByteOrder = 0x01020304;
constexpr std::uint64_t kMaxName = 256;
constexpr std::size_t kBuffer = 1 << 20;

std::uint32_t crc_update(std::uint32_t crc, const void* p, std::size_t n) {
  const auto* b = static_cast<const Bytef*>(p);
  while (n > 0) {  // zlib takes uInt lengths
    const uInt k = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
    crc = static_cast<std::uint32_t>(::crc32(crc, b, k));
    b += k;
    n -= k;
  }
  return crc;
}
}  // namespace

std::uint64_t hash_text(std::string_view text) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  return h;
}

Archive::Archive(std::FILE* f, std::filesystem::path path, bool loading)
    : f_(f), path_(std::move(path)), loading_(loading) {
  if (f_) {
    buf_ = std::make_unique<char[]>(kBuffer);
    std::setvbuf(f_, buf_.get(), _IOFBF, kBuffer);
  }
}

Archive::Archive(Archive&& o) noexcept
    : f_(std::exchange(o.f_, nullptr)),
      buf_(std::move(o.buf_)),
      path_(std::move(o.path_)),
      loading_(o.loading_),
      header_(std::move(o.header_)),
      in_section_(o.in_section_),
      section_name_(std::move(o.section_name_)),
      section_start_(o.section_start_),
      file_size_(o.file_size_),
      section_len_(o.section_len_),
      section_used_(o.section_used_),
      crc_(o.crc_) {}

Archive::~Archive() {
  if (f_) std::fclose(f_);
}

void Archive::fail_write() const {
  throw ResourceError("credsim: cannot write checkpoint '" + path_.string() + "': " + std::strerror(errno) +
                      ". Fix: check that the output folder is writable and the disk has space.");
}

void Archive::corrupt(const std::string& what) const {
  throw InputError(SourcePos{path_.string(), 0, 0}, section_name_.empty() ? "checkpoint" : "checkpoint." + section_name_,
                   "the checkpoint is corrupt or incomplete: " + what,
                   "a complete checkpoint written by credsim " + header_.credsim_version,
                   "resume from an intact copy, or start the run again with credsim run");
}

void Archive::raw(void* p, std::size_t n) {
  if (n == 0) return;
  if (loading_) {
    if (std::fread(p, 1, n, f_) != n) corrupt(std::ferror(f_) ? std::strerror(errno) : "the file ends early (truncated)");
  } else if (std::fwrite(p, 1, n, f_) != n) {
    fail_write();
  }
}

void Archive::check_fits(std::uint64_t n, std::size_t size) const {
  if (!in_section_) corrupt("data outside a section");
  const std::uint64_t left = section_len_ - section_used_;
  if (size != 0 && n > left / size)
    corrupt("a count of " + std::to_string(n) + " does not fit in the " + std::to_string(left) +
            " bytes left in its section");
}

void Archive::bytes(void* p, std::size_t n) {
  if (!in_section_) corrupt("data outside a section");
  if (loading_) {
    if (n > section_len_ - section_used_) corrupt("a value runs past the end of its section");
    raw(p, n);
    section_used_ += n;
  } else {
    raw(p, n);
    section_len_ += n;
  }
  crc_ = crc_update(crc_, p, n);
}

Archive Archive::create(const std::filesystem::path& path, const Header& header) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  Archive a(f, path, false);
  if (!f) a.fail_write();
  a.header_ = header;
  char magic[8];
  std::memcpy(magic, kMagic, 8);
  a.raw(magic, 8);
  std::uint32_t fmt = header.format, order = kByteOrder;
  a.raw(&fmt, 4);
  a.raw(&order, 4);
  std::uint64_t vlen = header.credsim_version.size();
  std::string v = header.credsim_version;
  a.raw(&vlen, 8);
  a.raw(v.data(), v.size());
  std::uint64_t hash = header.scenario_hash;
  std::uint32_t tick = header.tick;
  a.raw(&hash, 8);
  a.raw(&tick, 4);
  std::uint32_t crc = crc_update(0, &fmt, 4);
  crc = crc_update(crc, v.data(), v.size());
  crc = crc_update(crc, &hash, 8);
  crc = crc_update(crc, &tick, 4);
  a.raw(&crc, 4);
  return a;
}

Archive Archive::open(const std::filesystem::path& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  Archive a(f, path, true);
  if (!f)
    throw InputError(SourcePos{path.string(), 0, 0}, "checkpoint", std::string("cannot open the checkpoint: ") +
                     std::strerror(errno), "a readable checkpoint file", "check the run folder");
  std::error_code ec;
  a.file_size_ = std::filesystem::file_size(path, ec);
  char magic[8];
  a.raw(magic, 8);
  if (std::memcmp(magic, kMagic, 8) != 0) a.corrupt("it does not start with CSIMCKPT (not a credsim checkpoint)");
  std::uint32_t fmt = 0, order = 0;
  a.raw(&fmt, 4);
  a.raw(&order, 4);
  if (order != kByteOrder) a.corrupt("it was written on a machine with another byte order");
  if (fmt != kFormatVersion)
    throw InputError(SourcePos{path.string(), 0, 0}, "checkpoint",
                     "the checkpoint has format version " + std::to_string(fmt) + ", this credsim reads version " +
                         std::to_string(kFormatVersion),
                     "a checkpoint written by the same credsim version", "resume with the credsim that wrote it");
  std::uint64_t vlen = 0;
  a.raw(&vlen, 8);
  if (vlen > kMaxName) a.corrupt("the version string is too long");
  a.header_.format = fmt;
  a.header_.credsim_version.resize(vlen);
  a.raw(a.header_.credsim_version.data(), vlen);
  a.raw(&a.header_.scenario_hash, 8);
  a.raw(&a.header_.tick, 4);
  std::uint32_t crc = 0, want = crc_update(0, &fmt, 4);
  want = crc_update(want, a.header_.credsim_version.data(), vlen);
  want = crc_update(want, &a.header_.scenario_hash, 8);
  want = crc_update(want, &a.header_.tick, 4);
  a.raw(&crc, 4);
  if (crc != want) a.corrupt("the header checksum does not match");
  return a;
}

void Archive::end_section() {
  if (!in_section_) return;
  if (loading_) {
    if (section_used_ != section_len_)
      corrupt("section '" + section_name_ + "' holds " + std::to_string(section_len_ - section_used_) +
              " bytes more than this credsim reads (written by another version?)");
    std::uint32_t crc = 0;
    raw(&crc, 4);
    if (crc != crc_) corrupt("the checksum of section '" + section_name_ + "' does not match");
  } else {
    std::uint32_t crc = crc_;
    raw(&crc, 4);
    const std::int64_t end = ::ftello(f_);
    std::uint64_t len = section_len_;
    if (end < 0 || ::fseeko(f_, section_start_, SEEK_SET) != 0) fail_write();
    raw(&len, 8);
    if (::fseeko(f_, end, SEEK_SET) != 0) fail_write();
  }
  in_section_ = false;
}

void Archive::section(std::string_view name) {
  end_section();
  if (loading_) {
    std::uint64_t n = 0;
    raw(&n, 8);
    if (n > kMaxName) corrupt("a section name is too long");
    std::string got(n, '\0');
    raw(got.data(), n);
    if (got != name)
      corrupt("expected section '" + std::string(name) + "', found '" + got + "' (written by another version?)");
    section_name_ = got;
    raw(&section_len_, 8);
    const std::int64_t here = ::ftello(f_);
    if (here < 0 || section_len_ > file_size_ - static_cast<std::uint64_t>(here))
      corrupt("section '" + got + "' is longer than the rest of the file (truncated)");
    section_used_ = 0;
  } else {
    std::uint64_t n = name.size();
    std::string s(name);
    raw(&n, 8);
    raw(s.data(), n);
    section_name_ = s;
    section_start_ = ::ftello(f_);
    std::uint64_t placeholder = 0;
    raw(&placeholder, 8);
    section_len_ = 0;
  }
  crc_ = 0;
  in_section_ = true;
}

void Archive::finish() {
  section("end");
  end_section();
  if (loading_) {
    char extra;
    if (std::fread(&extra, 1, 1, f_) != 0) corrupt("there are bytes after the end marker");
    std::fclose(f_);
    f_ = nullptr;
    return;
  }
  if (std::fflush(f_) != 0) fail_write();
  if (::fsync(fileno(f_)) != 0 && errno != EINVAL) fail_write();
  const int rc = std::fclose(f_);
  f_ = nullptr;
  if (rc != 0) fail_write();
}

}  // namespace credsim::ckpt
