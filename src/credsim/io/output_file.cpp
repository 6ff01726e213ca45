// Atomic, flushed output files (see output_file.hpp).
#include "credsim/io/output_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "credsim/core/error.hpp"

namespace credsim::io {

OutputFile::OutputFile(std::filesystem::path final_path)
    : final_(std::move(final_path)), partial_(final_.string() + ".partial") {
  f_ = std::fopen(partial_.c_str(), "wb");
  if (!f_) fail("cannot create");
}

OutputFile::OutputFile(std::filesystem::path final_path, std::uint64_t length)
    : final_(std::move(final_path)), partial_(final_.string() + ".partial"), bytes_(length) {
  std::error_code ec;
  if (!std::filesystem::exists(partial_, ec) && std::filesystem::exists(final_, ec)) {
    std::filesystem::rename(final_, partial_, ec);
    if (ec) throw ResourceError("credsim: cannot rename '" + final_.string() + "' to '" + partial_.string() + "': " + ec.message());
  }
  f_ = std::fopen(partial_.c_str(), "r+b");
  if (!f_) fail("cannot reopen");
  const auto size = std::filesystem::file_size(partial_, ec);
  if (ec || size < length) {
    std::fclose(f_);
    f_ = nullptr;
    throw ResourceError("credsim: '" + partial_.string() + "' holds " + std::to_string(ec ? 0 : size) +
                        " bytes, fewer than the " + std::to_string(length) +
                        " it held at the checkpoint: it was changed after the run stopped. Fix: start the run again.");
  }
  if (::ftruncate(fileno(f_), static_cast<off_t>(length)) != 0) fail("cannot truncate");
  if (std::fseek(f_, 0, SEEK_END) != 0) fail("cannot seek in");
}

OutputFile::~OutputFile() {
  if (f_) {
    std::fflush(f_);
    std::fclose(f_);
  }
}

void OutputFile::fail(const char* what) {
  const std::string msg = std::string("credsim: ") + what + " '" + partial_.string() + "': " +
                          std::strerror(errno) +
                          ". Fix: check that the output folder is writable and the disk has space "
                          "(choose another folder with --out).";
  if (f_) {
    std::fclose(f_);
    f_ = nullptr;
  }
  throw ResourceError(msg);
}

void OutputFile::write(std::string_view text) {
  if (!f_) return;
  if (std::fwrite(text.data(), 1, text.size(), f_) != text.size()) fail("cannot write");
  bytes_ += text.size();
}

void OutputFile::flush() {
  if (!f_) return;
  if (std::fflush(f_) != 0) fail("cannot write");
}

void OutputFile::sync() {
  if (!f_) return;
  flush();
  if (::fsync(fileno(f_)) != 0 && errno != EINVAL) fail("cannot sync");
}

void OutputFile::commit() {
  if (!f_) return;
  sync();
  if (std::fclose(f_) != 0) {
    f_ = nullptr;
    fail("cannot close");
  }
  f_ = nullptr;
  std::error_code ec;
  std::filesystem::rename(partial_, final_, ec);
  if (ec)
    throw ResourceError("credsim: cannot rename '" + partial_.string() + "' to '" + final_.string() +
                        "': " + ec.message());
}

void write_file_atomic(const std::filesystem::path& path, std::string_view content) {
  OutputFile f(path);
  f.write(content);
  f.commit();
}

}  // namespace credsim::io
