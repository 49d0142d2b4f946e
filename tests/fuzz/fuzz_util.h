// Helpers shared by the fuzz targets: a scratch directory per process and
// whole-file writes, for the readers that take paths.

#ifndef NEARDUP_TESTS_FUZZ_FUZZ_UTIL_H_
#define NEARDUP_TESTS_FUZZ_FUZZ_UTIL_H_

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace neardup::fuzz {

// Stops the run so that libFuzzer saves the input: an identity failed.
[[noreturn]] inline void identity_failed(const char* what) {
  std::fprintf(stderr, "identity failed: %s\n", what);
  std::fflush(stderr);
  __builtin_trap();
}

#define NEARDUP_FUZZ_CHECK(cond) \
  ((cond) ? (void)0 : ::neardup::fuzz::identity_failed(#cond))

// A directory removed at exit. On tmpfs when there is one: the index target
// syncs every file it saves, which costs milliseconds on a disk.
inline const std::string& scratch_dir() {
  // Never destroyed: the atexit handler runs after static destructors.
  static const std::string* dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::filesystem::path base =
        tmp != nullptr ? tmp
        : std::filesystem::is_directory("/dev/shm")
            ? "/dev/shm"
            : std::filesystem::temp_directory_path().string();
    std::filesystem::path dir =
        base / ("neardup-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(scratch_dir(), ignored);
    });
    return new std::string(dir.string());
  }();
  return *dir;
}

inline void write_file(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) identity_failed("cannot write a scratch file");
}

}  // namespace neardup::fuzz

#endif  // NEARDUP_TESTS_FUZZ_FUZZ_UTIL_H_
