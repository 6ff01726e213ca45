// Output files that are never seen half-written under their final name: content goes to
// NAME.partial, is flushed as the run goes (so an interrupted run keeps what it wrote), and is
// renamed to NAME only when complete. Write errors (disk full, permissions) throw ResourceError.
#pragma once
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

namespace credsim::io {

class OutputFile {
 public:
  explicit OutputFile(std::filesystem::path final_path);
  ~OutputFile();  // without commit(): the .partial file stays, flushed, for inspection
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void write(std::string_view text);
  void flush();   // to the OS and the disk (fsync): survives a crash of the process
  void commit();  // flush, close, rename NAME.partial → NAME
  const std::filesystem::path& final_path() const { return final_; }
  const std::filesystem::path& partial_path() const { return partial_; }

 private:
  void fail(const char* what);
  std::filesystem::path final_, partial_;
  std::FILE* f_ = nullptr;
};

// A whole small file at once (manifest, index), atomically.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

}  // namespace credsim::io
