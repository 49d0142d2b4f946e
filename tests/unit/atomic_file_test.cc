#include "write/atomic_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "test_util.h"

namespace neardup::internal {
namespace {

size_t files_in(const std::filesystem::path& dir) {
  return static_cast<size_t>(
      std::distance(std::filesystem::directory_iterator(dir),
                    std::filesystem::directory_iterator()));
}

void write_all(int fd, const std::string& data) {
  ASSERT_EQ(::write(fd, data.data(), data.size()),
            static_cast<ssize_t>(data.size()));
}

TEST(AtomicFileTest, NoDirectoryEntryBeforeCommit) {
  testing::TempDir dir;
  const std::string path = dir.file("out");
  auto file = AtomicFile::create(path);
  ASSERT_TRUE(file.ok()) << file.status().message();
  write_all((*file)->fd(), "new\n");
  EXPECT_EQ(files_in(dir.path()), 0u);
  ASSERT_TRUE((*file)->commit().ok());
  EXPECT_EQ(testing::read_file(path), "new\n");
  EXPECT_EQ(files_in(dir.path()), 1u);
}

TEST(AtomicFileTest, DestroyWithoutCommitLeavesTheOldFileAndNothingElse) {
  testing::TempDir dir;
  const std::string path = dir.file("out");
  testing::write_file(path, "old\n");
  {
    auto file = AtomicFile::create(path);
    ASSERT_TRUE(file.ok());
    write_all((*file)->fd(), "half");
  }
  EXPECT_EQ(testing::read_file(path), "old\n");
  EXPECT_EQ(files_in(dir.path()), 1u);
}

TEST(AtomicFileTest, CommitReplacesTheOldFileWithTheUmaskMode) {
  testing::TempDir dir;
  const std::string path = dir.file("out");
  testing::write_file(path, "old contents, longer than the new\n");
  const mode_t old_mask = ::umask(027);
  auto file = AtomicFile::create(path);
  ::umask(old_mask);
  ASSERT_TRUE(file.ok());
  write_all((*file)->fd(), "new\n");
  ASSERT_TRUE((*file)->commit().ok());
  EXPECT_EQ(testing::read_file(path), "new\n");
  EXPECT_EQ(files_in(dir.path()), 1u);
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
}

TEST(AtomicFileTest, RelativePathsUseTheWorkingDirectory) {
  testing::TempDir dir;
  const std::filesystem::path cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  auto file = AtomicFile::create("rel");
  ASSERT_TRUE(file.ok());
  write_all((*file)->fd(), "x");
  EXPECT_TRUE((*file)->commit().ok());
  std::filesystem::current_path(cwd);
  EXPECT_EQ(testing::read_file(dir.file("rel")), "x");
}

TEST(AtomicFileTest, ErrorsNameThePath) {
  testing::TempDir dir;
  for (const std::string& path :
       {dir.file("missing/out"), dir.path().string()}) {
    auto file = AtomicFile::create(path);
    ASSERT_FALSE(file.ok()) << path;
    EXPECT_EQ(file.status().code(), StatusCode::kIOError);
    EXPECT_NE(file.status().message().find(path), std::string::npos)
        << file.status().message();
  }
}

TEST(AtomicFileTest, DevicesAreWrittenInPlace) {
  auto file = AtomicFile::create("/dev/null");
  ASSERT_TRUE(file.ok());
  write_all((*file)->fd(), "discarded");
  ASSERT_TRUE((*file)->commit().ok());
  struct stat st;
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));  // not replaced by a regular file
}

TEST(AtomicFileTest, UnnamedTempIsReadableBackAndLeavesNothing) {
  testing::TempDir dir;
  Result<int> fd = open_unnamed_temp(dir.path().string());
  ASSERT_TRUE(fd.ok()) << fd.status().message();
  write_all(*fd, "spooled");
  EXPECT_EQ(files_in(dir.path()), 0u);
  // The passes reopen it by this name.
  const std::string again = "/proc/self/fd/" + std::to_string(*fd);
  EXPECT_EQ(testing::read_file(again), "spooled");
  ::close(*fd);
  EXPECT_EQ(files_in(dir.path()), 0u);
  EXPECT_FALSE(open_unnamed_temp(dir.file("missing")).ok());
}

}  // namespace
}  // namespace neardup::internal
