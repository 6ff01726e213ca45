// Output files that are never seen half-written under their final name: content goes to
// NAME.partial, is flushed as the run goes (so an interrupted run keeps what it wrote), and is
// renamed to NAME only when complete. Write errors (disk full, permissions) throw ResourceError.
#pragma once
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

namespace credsim::io {

class OutputFile {
 public:
  explicit OutputFile(std::filesystem::path final_path);
  // Resuming a checkpointed run: reopens NAME.partial (or NAME, renamed back to NAME.partial, if
  // the run stopped between renaming it and finishing), cuts it to `length` bytes (what it held
  // at the checkpoint) and appends from there. ResourceError if it is missing or shorter.
  OutputFile(std::filesystem::path final_path, std::uint64_t length);
  ~OutputFile();  // without commit(): the .partial file stays, flushed, for inspection
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void write(std::string_view text);
  void flush();   // to the OS (fflush): survives a crash or kill of the process
  void sync();    // and to the disk (fsync): survives a crash of the machine (checkpoints)
  void commit();  // sync, close, rename NAME.partial → NAME
  const std::filesystem::path& final_path() const { return final_; }
  const std::filesystem::path& partial_path() const { return partial_; }
  std::uint64_t bytes() const { return bytes_; }  // the file's length so far

 private:
  void fail(const char* what);
  std::filesystem::path final_, partial_;
  std::FILE* f_ = nullptr;
  std::uint64_t bytes_ = 0;
};

// A whole small file at once (manifest, index), atomically.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

}  // namespace credsim::io
