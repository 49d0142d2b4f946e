// Files that appear whole or not at all, and temporary files with no name.
//
// Example:
//   Result<std::unique_ptr<AtomicFile>> file = AtomicFile::create("out.jsonl");
//   if (!file.ok()) return file.status();
//   ... ::write((*file)->fd(), ...) ...
//   return (*file)->commit();  // "out.jsonl" now holds every byte, or the
//                              // old contents if commit() failed

#ifndef NEARDUP_SRC_WRITE_ATOMIC_FILE_H_
#define NEARDUP_SRC_WRITE_ATOMIC_FILE_H_

#include <memory>
#include <string>

#include "neardup/status.h"

namespace neardup::internal {

// A new version of the file at `path`, invisible until commit(). It is an
// unnamed O_TMPFILE in the target's directory, so a killed process leaves
// nothing behind; where the filesystem has no O_TMPFILE it is a named
// `path.tmp.XXXXXX`, removed by the destructor. A `path` that exists and is
// not a regular file (/dev/null, a FIFO, /dev/stdout) is written in place.
// Not thread-safe.
class AtomicFile {
 public:
  // Opens the new version, mode 0666 less the umask. IOError naming `path`
  // if its directory is missing or unwritable, or `path` is a directory.
  static Result<std::unique_ptr<AtomicFile>> create(const std::string& path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

  // Flushes the data to disk; the file stays unnamed. Optional: commit()
  // syncs too, but a caller with several files syncs them all first, so
  // that their renames follow each other closely.
  [[nodiscard]] Status sync();

  // Syncs the data, then puts it at `path` in one rename (replacing any old
  // file) and syncs the directory. The caller has written everything. On
  // failure the old file is untouched. Call at most once.
  [[nodiscard]] Status commit();

 private:
  AtomicFile(int fd, std::string path, std::string temp, bool in_place)
      : fd_(fd),
        path_(std::move(path)),
        temp_(std::move(temp)),
        in_place_(in_place) {}
  Status publish_unnamed();

  int fd_;
  std::string path_;
  std::string temp_;  // the named fallback's temporary file, else empty
  bool in_place_;     // not a regular file: written directly
  bool synced_ = false;
  bool committed_ = false;
};

// Flushes the entries of directory `dir` to disk (renames and new names in
// it), ignoring errors: a directory that cannot be opened has nothing of ours
// to flush.
void sync_directory(const std::string& dir);

// An unnamed read-write temporary file in `dir` (O_TMPFILE; where that is
// unsupported, a mkstemp file unlinked at once). Closing the descriptor
// frees it, so nothing outlives the process. IOError naming `dir`.
Result<int> open_unnamed_temp(const std::string& dir);

}  // namespace neardup::internal

#endif  // NEARDUP_SRC_WRITE_ATOMIC_FILE_H_
