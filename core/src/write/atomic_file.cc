#include "write/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace neardup::internal {

namespace {

Status io_error(const std::string& path, const char* what) {
  return Status::IOError(path + ": " + what + ": " + std::strerror(errno));
}

std::string directory_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Errors by which open() says the filesystem (or kernel) has no O_TMPFILE:
// kernels before 3.11 read the flag as O_DIRECTORY and fail with EISDIR.
bool no_tmpfile_support(int error) {
  return error == EOPNOTSUPP || error == EISDIR || error == EINVAL;
}

// The process umask, read without changing it (umask() would, and is not
// thread-safe); 022 if /proc is not mounted.
mode_t current_umask() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    unsigned mask = 0;
    if (std::sscanf(line.c_str(), "Umask: %o", &mask) == 1) return mask;
  }
  return 022;
}

// mkstemp creates mode 0600; a created output should have the mode open()
// would give it.
int make_named_temp(std::string* pattern) {
  const int fd = ::mkostemp(pattern->data(), O_CLOEXEC);
  if (fd >= 0) ::fchmod(fd, 0666 & ~current_umask());
  return fd;
}

// A name that no other process or call in this one picks at the same time;
// linkat() fails with EEXIST on the rare clash and the caller tries again.
std::string unique_suffix() {
  static std::atomic<uint64_t> counter{0};
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  const uint64_t mixed = (static_cast<uint64_t>(::getpid()) << 32) ^
                         static_cast<uint64_t>(now.tv_nsec) ^
                         (counter.fetch_add(1) << 40);
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%012llx",
                static_cast<unsigned long long>(mixed & 0xffffffffffffULL));
  return buf;
}

}  // namespace

Result<std::unique_ptr<AtomicFile>> AtomicFile::create(
    const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) {
      return Status::IOError(path + ": cannot create output: is a directory");
    }
    // Renaming over /dev/null or /dev/stdout would replace the device.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return io_error(path, "cannot open output");
    return std::unique_ptr<AtomicFile>(new AtomicFile(fd, path, "", true));
  }
  int fd = ::open(directory_of(path).c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC,
                  0666);
  if (fd >= 0) {
    return std::unique_ptr<AtomicFile>(new AtomicFile(fd, path, "", false));
  }
  if (!no_tmpfile_support(errno)) return io_error(path, "cannot create output");
  // No O_TMPFILE here (some network and FUSE filesystems): a named temporary
  // file, which a killed process leaves behind.
  std::string temp = path + ".tmp.XXXXXX";
  fd = make_named_temp(&temp);
  if (fd < 0) return io_error(path, "cannot create output");
  return std::unique_ptr<AtomicFile>(new AtomicFile(fd, path, temp, false));
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!temp_.empty() && !committed_) ::unlink(temp_.c_str());
}

Status AtomicFile::sync() {
  if (in_place_ || synced_) return Status::OK();
  // EINVAL: a file that cannot be synced, which is no error here.
  if (::fsync(fd_) != 0 && errno != EINVAL) {
    return io_error(path_, "fsync failed");
  }
  synced_ = true;
  return Status::OK();
}

Status AtomicFile::commit() {
  if (in_place_) {
    committed_ = true;
    return Status::OK();
  }
  NEARDUP_RETURN_IF_ERROR(sync());
  if (temp_.empty()) {
    NEARDUP_RETURN_IF_ERROR(publish_unnamed());
  } else if (::rename(temp_.c_str(), path_.c_str()) != 0) {
    return io_error(path_, "cannot rename into place");
  }
  committed_ = true;
  sync_directory(directory_of(path_));
  return Status::OK();
}

// linkat() cannot replace a file, so the unnamed file gets a unique name
// first and is renamed over the target: a kill between the two leaves that
// name behind, the only window in which anything can.
Status AtomicFile::publish_unnamed() {
  const std::string proc = "/proc/self/fd/" + std::to_string(fd_);
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string temp = path_ + ".tmp." + unique_suffix();
    int rc = ::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, temp.c_str(),
                      AT_SYMLINK_FOLLOW);
    // Without /proc, AT_EMPTY_PATH does the same (it needs
    // CAP_DAC_READ_SEARCH).
    if (rc != 0 && errno == ENOENT && ::access(proc.c_str(), F_OK) != 0) {
      rc = ::linkat(fd_, "", AT_FDCWD, temp.c_str(), AT_EMPTY_PATH);
    }
    if (rc != 0) {
      if (errno == EEXIST) continue;
      return io_error(path_, "cannot link into place");
    }
    if (::rename(temp.c_str(), path_.c_str()) != 0) {
      Status s = io_error(path_, "cannot rename into place");
      ::unlink(temp.c_str());
      return s;
    }
    return Status::OK();
  }
  return Status::IOError(path_ + ": cannot link into place: no free name");
}

Result<int> open_unnamed_temp(const std::string& dir) {
  const int fd =
      ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd >= 0) return fd;
  if (!no_tmpfile_support(errno)) {
    return io_error(dir, "cannot create a temporary file");
  }
  std::string temp = dir + "/neardup.XXXXXX";
  const int named = ::mkostemp(temp.data(), O_CLOEXEC);
  if (named < 0) return io_error(dir, "cannot create a temporary file");
  ::unlink(temp.c_str());
  return named;
}

void sync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace neardup::internal
