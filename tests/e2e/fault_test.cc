// Faults around the command line (issue 12): a run killed with SIGKILL, a
// file size limit on each output, an unreadable input among others, and
// stdin that ends early. Each leaves every output whole (the old file or the
// complete new one) and no temporary file behind.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"

namespace neardup {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using testing::TempDir;
using testing::write_file;

const char kOld[] = "old contents\n";

// One start of the neardup binary.
struct Child {
  // Implicit, so that a braced list of arguments is a Child.
  Child(std::vector<std::string> a) : args(std::move(a)) {}  // NOLINT
  std::vector<std::string> args;  // after the program name
  int stdin_fd = -1;              // -1: /dev/null
  rlim_t fsize_limit = RLIM_INFINITY;
  std::string tmpdir;       // TMPDIR, if not empty
  std::string stderr_path;  // stderr goes here, if not empty
};

struct Exit {
  int code = -1;    // exit status, -1 if killed
  int signal = 0;   // the signal that ended it
  std::string err;  // stderr
};

pid_t spawn(const Child& c) {
  std::vector<std::string> argv_s = {NEARDUP_CLI_PATH};
  argv_s.insert(argv_s.end(), c.args.begin(), c.args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_s) argv.push_back(s.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  // The child: only async-signal-safe calls until exec.
  const int in = c.stdin_fd >= 0 ? c.stdin_fd : ::open("/dev/null", O_RDONLY);
  ::dup2(in, STDIN_FILENO);
  const int err =
      c.stderr_path.empty()
          ? ::open("/dev/null", O_WRONLY)
          : ::open(c.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ::dup2(err, STDERR_FILENO);
  ::dup2(err, STDOUT_FILENO);
  if (c.fsize_limit != RLIM_INFINITY) {
    const rlimit limit{c.fsize_limit, c.fsize_limit};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    ::signal(SIGXFSZ, SIG_IGN);  // write() fails with EFBIG instead
  }
  if (!c.tmpdir.empty()) ::setenv("TMPDIR", c.tmpdir.c_str(), 1);
  ::execv(argv[0], argv.data());
  ::_exit(127);
}

Exit wait_for(pid_t pid, const std::string& stderr_path) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  Exit e;
  if (WIFEXITED(status)) e.code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) e.signal = WTERMSIG(status);
  if (!stderr_path.empty()) e.err = read_file(stderr_path);
  return e;
}

Exit run(Child c, const TempDir& scratch) {
  if (c.stderr_path.empty()) c.stderr_path = scratch.file("stderr");
  return wait_for(spawn(c), c.stderr_path);
}

// The names in `dir`, sorted; empty if it does not exist.
std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// A JSONL dump from `neardup gen`, with rejected lines among the documents.
std::string make_dump(const TempDir& dir, const std::string& name, int docs,
                      int seed) {
  const std::string path = dir.file(name);
  Exit e = run({{"gen", "-q", "-o", path, "--docs", std::to_string(docs),
                 "--seed", std::to_string(seed)}},
               dir);
  EXPECT_EQ(e.code, 0) << e.err;
  std::string data = read_file(path);
  const size_t middle = data.find('\n', data.size() / 2) + 1;
  data.insert(middle, "not json\n\n{\"id\": \"x\"}\n");
  write_file(path, data + "{\"id\": \"cut\", \"te");
  return path;
}

// `neardup index info`'s output, or "" if the index does not open.
std::string index_info(const std::string& index, const TempDir& scratch) {
  Exit e = run({{"index", "info", index}}, scratch);
  return e.code == 0 ? e.err : "";
}

// The index's entry count, or -1 if it does not open.
long index_entries(const std::string& index, const TempDir& scratch) {
  const std::string info = index_info(index, scratch);
  const size_t at = info.find("entries ");
  return at == std::string::npos ? -1 : std::atol(info.c_str() + at + 8);
}

// What a killed save may leave in an index directory: its MANIFEST and run
// files (one written before the kill is listed nowhere and ignored), never a
// temporary file.
void expect_only_index_files(const std::string& index) {
  for (const std::string& name : names_in(index)) {
    const bool run_file = name.rfind("run-", 0) == 0 && name.size() == 14 &&
                          name.substr(10) == ".ndr";
    EXPECT_TRUE(name == "MANIFEST" || run_file) << index << "/" << name;
  }
}

// After a save that completes: the MANIFEST and the runs it lists, only.
void expect_listed_files(const std::string& index, const TempDir& scratch) {
  std::vector<std::string> listed = {"MANIFEST"};
  const std::string info = index_info(index, scratch);
  for (size_t at = info.find("\nrun "); at != std::string::npos;
       at = info.find("\nrun ", at + 1)) {
    listed.push_back(info.substr(at + 5, 14));
  }
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(names_in(index), listed) << info;
}

class FaultTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ::signal(SIGPIPE, SIG_IGN);  // a killed reader fails our write() instead
    data_ = new TempDir;
    small_ = make_dump(*data_, "small.jsonl", 3000, 12);
  }
  static void TearDownTestSuite() { delete data_; }
  // About 1 s of dedup on 2 cores: room for kills in every stage. Made on
  // first use, since ctest runs each test in a process of its own.
  static const std::string& big() {
    if (big_.empty()) big_ = make_dump(*data_, "big.jsonl", 24000, 11);
    return big_;
  }

  static TempDir* data_;
  static std::string big_, small_;
  TempDir out_, scratch_;
};

TempDir* FaultTest::data_ = nullptr;
std::string FaultTest::big_, FaultTest::small_;

const std::vector<std::string> kOutputs = {"c.jsonl", "o.jsonl", "r.jsonl",
                                           "s.json", "p.jsonl"};

std::vector<std::string> dedup_args(const TempDir& out,
                                    const std::string& input) {
  return {"dedup",      "-q",
          "--clusters", out.file("c.jsonl"),
          "--output",   out.file("o.jsonl"),
          "--rejects",  out.file("r.jsonl"),
          "--stats",    out.file("s.json"),
          "--pairs",    out.file("p.jsonl"),
          input};
}

// The stats file holds timings, so a new one is recognised by its shape.
bool complete_stats(const std::string& text) {
  return text.size() > 2 && text.front() == '{' &&
         text.substr(text.size() - 2) == "}\n" &&
         text.find("\"lines_read\"") != std::string::npos;
}

TEST_F(FaultTest, KilledDedupLeavesOldOrNewOutputsAndNothingElse) {
  TempDir full;
  Exit e = run({dedup_args(full, big())}, scratch_);
  ASSERT_EQ(e.code, 0) << e.err;
  const auto start = std::chrono::steady_clock::now();
  e = run({dedup_args(full, big())}, scratch_);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  ASSERT_EQ(e.code, 0) << e.err;
  int old_seen = 0, new_seen = 0;
  // From 5 ms to the run's length, spaced geometrically, then one kill well
  // after it (a busy machine may have slowed the run).
  for (int point = 0; point < 10; ++point) {
    const double delay = point == 9
                             ? 2.5 * seconds
                             : 0.005 * std::pow(seconds / 0.005, point / 8.0);
    for (const std::string& name : kOutputs) write_file(out_.file(name), kOld);
    const pid_t pid = spawn({dedup_args(out_, big())});
    std::this_thread::sleep_for(std::chrono::duration<double>(delay));
    ::kill(pid, SIGKILL);
    wait_for(pid, "");
    for (const std::string& name : kOutputs) {
      const std::string now = read_file(out_.file(name));
      const bool is_new = name == "s.json" ? complete_stats(now)
                                           : now == read_file(full.file(name));
      EXPECT_TRUE(now == kOld || is_new)
          << name << " after " << delay << " s: " << now.size() << " bytes";
      old_seen += now == kOld;
      new_seen += is_new;
    }
    std::vector<std::string> expected = kOutputs;
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(names_in(out_.path().string()), expected)
        << "after " << delay << " s";
  }
  EXPECT_GT(old_seen, 0);  // the kills did land during runs
  EXPECT_GT(new_seen, 0);  // and the last after one
}

TEST_F(FaultTest, KilledIndexBuildAndAddLeaveAnIndexThatOpens) {
  const std::string index = out_.file("idx");
  ASSERT_EQ(run({{"index", "build", "-q", "-o", index, big()}}, scratch_).code,
            0);
  const long built = index_entries(index, scratch_);
  fs::remove_all(index);
  ASSERT_EQ(run({{"index", "build", "-q", "-o", index, small_}}, scratch_).code,
            0);
  const long small = index_entries(index, scratch_);
  ASSERT_EQ(run({{"index", "add", "-q", index, big()}}, scratch_).code, 0);
  const long added = index_entries(index, scratch_);
  ASSERT_EQ(added, small + built);
  for (int point = 0; point < 8; ++point) {
    const double delay = 0.005 * std::pow(1.2 / 0.005, point / 7.0);
    // build: no index, or the whole one.
    fs::remove_all(index);
    pid_t pid = spawn({{"index", "build", "-q", "-o", index, big()}});
    std::this_thread::sleep_for(std::chrono::duration<double>(delay));
    ::kill(pid, SIGKILL);
    wait_for(pid, "");
    if (fs::exists(index + "/MANIFEST")) {
      EXPECT_EQ(index_entries(index, scratch_), built) << delay << " s";
    }
    expect_only_index_files(index);
    // add: the old entries or all of them.
    fs::remove_all(index);
    ASSERT_EQ(
        run({{"index", "build", "-q", "-o", index, small_}}, scratch_).code, 0);
    pid = spawn({{"index", "add", "-q", index, big()}});
    std::this_thread::sleep_for(std::chrono::duration<double>(delay));
    ::kill(pid, SIGKILL);
    wait_for(pid, "");
    const long entries = index_entries(index, scratch_);
    EXPECT_TRUE(entries == small || entries == added)
        << entries << " entries after " << delay << " s";
    expect_only_index_files(index);
    // The next save removes a run the killed one left unlisted.
    ASSERT_EQ(run({{"index", "add", "-q", index, small_}}, scratch_).code, 0);
    expect_listed_files(index, scratch_);
  }
}

// Runs `args` under a file size limit of `limit_bytes` and checks the
// failure: exit status 1 and a message naming `named`.
void expect_fails_on_limit(const std::vector<std::string>& args,
                           rlim_t limit_bytes, const std::string& named,
                           const TempDir& scratch) {
  Child c{args};
  c.fsize_limit = limit_bytes;
  Exit e = run(c, scratch);
  EXPECT_EQ(e.code, 1) << named << ": " << e.err;
  EXPECT_NE(e.err.find(named), std::string::npos) << e.err;
}

TEST_F(FaultTest, FileSizeLimitOnEachDedupOutputReplacesNothing) {
  struct Case {
    std::string option, name;
    rlim_t limit;
  };
  const std::vector<Case> cases = {
      {"--clusters", "c.jsonl", 4096},  {"--output", "o.jsonl", 65536},
      {"--output", "o.jsonl.gz", 4096}, {"--output", "o.jsonl.zst", 4096},
      {"--rejects", "r.jsonl", 64},     {"--stats", "s.json", 256},
      {"--pairs", "p.jsonl", 4096},
  };
  for (const Case& c : cases) {
    for (bool existed : {true, false}) {
      const std::string path = out_.file(c.name);
      if (existed) write_file(path, kOld);
      expect_fails_on_limit({"dedup", "-q", c.option, path, small_}, c.limit,
                            path, scratch_);
      if (existed) {
        EXPECT_EQ(read_file(path), kOld) << c.name;
      } else {
        EXPECT_FALSE(fs::exists(path)) << c.name;
      }
      EXPECT_EQ(names_in(out_.path().string()).size(), existed ? 1u : 0u)
          << c.name;
      fs::remove(path);
    }
  }
}

TEST_F(FaultTest, FileSizeLimitOnTheLastOutputKeepsTheFinishedOnesOld) {
  // The clusters file (~0.3 MB) fits under 1 MB, the output (~12 MB) not:
  // the clusters file is complete first, but none may be replaced.
  for (const std::string& name : kOutputs) write_file(out_.file(name), kOld);
  expect_fails_on_limit(dedup_args(out_, small_), 1 << 20, out_.file("o.jsonl"),
                        scratch_);
  for (const std::string& name : kOutputs) {
    EXPECT_EQ(read_file(out_.file(name)), kOld) << name;
  }
  EXPECT_EQ(names_in(out_.path().string()).size(), kOutputs.size());
}

TEST_F(FaultTest, FileSizeLimitOnIndexSavesLeavesTheIndexAsItWas) {
  const std::string index = out_.file("idx");
  // build: the directory may be created, but holds nothing.
  expect_fails_on_limit({"index", "build", "-q", "-o", index, small_}, 65536,
                        index, scratch_);
  EXPECT_TRUE(names_in(index).empty());
  fs::remove_all(index);
  ASSERT_EQ(run({{"index", "build", "-q", "-o", index, small_}}, scratch_).code,
            0);
  const long entries = index_entries(index, scratch_);
  const std::vector<std::string> files = names_in(index);
  // add and compact: the old index, file for file.
  expect_fails_on_limit({"index", "add", "-q", index, small_}, 65536, index,
                        scratch_);
  EXPECT_EQ(index_entries(index, scratch_), entries);
  EXPECT_EQ(names_in(index), files);
  ASSERT_EQ(run({{"index", "add", "-q", index, small_}}, scratch_).code, 0);
  const std::vector<std::string> two_runs = names_in(index);
  expect_fails_on_limit({"index", "compact", index}, 65536, index, scratch_);
  EXPECT_EQ(index_entries(index, scratch_), 2 * entries);
  EXPECT_EQ(names_in(index), two_runs);
  // A run a killed save wrote but never listed goes at the next save.
  fs::copy_file(index + "/" + two_runs.back(), index + "/run-000900.ndr");
  ASSERT_EQ(run({{"index", "add", "-q", index, small_}}, scratch_).code, 0);
  EXPECT_FALSE(fs::exists(index + "/run-000900.ndr"));
  expect_listed_files(index, scratch_);
}

TEST_F(FaultTest, FileSizeLimitOnToolOutputsLeavesNothing) {
  const std::string model = out_.file("model.idf");
  const std::string gen = out_.file("gen.jsonl");
  write_file(model, kOld);
  expect_fails_on_limit({"idf", "build", "-o", model, small_}, 4096, model,
                        scratch_);
  EXPECT_EQ(read_file(model), kOld);
  expect_fails_on_limit({"gen", "-q", "-o", gen, "--docs", "500"}, 4096, gen,
                        scratch_);
  EXPECT_FALSE(fs::exists(gen));
  EXPECT_EQ(names_in(out_.path().string()),
            std::vector<std::string>{"model.idf"});
}

TEST_F(FaultTest, UnreadableInputAmongOthersStopsBeforeAnyWork) {
  const std::string missing = data_->file("missing.jsonl");
  const std::string directory = data_->path().string();
  std::vector<std::string> bad = {missing, directory};
  const std::string locked = data_->file("locked.jsonl");
  if (::geteuid() != 0) {  // root reads a mode-000 file anyway
    write_file(locked, read_file(small_));
    ::chmod(locked.c_str(), 0);
    bad.push_back(locked);
  }
  for (const std::string& input : bad) {
    write_file(out_.file("c.jsonl"), kOld);
    Exit e = run({{"dedup", "-q", "--clusters", out_.file("c.jsonl"),
                   "--output", out_.file("o.jsonl"), small_, input, small_}},
                 scratch_);
    EXPECT_EQ(e.code, 1) << input << ": " << e.err;
    EXPECT_NE(e.err.find(input), std::string::npos) << e.err;
    EXPECT_EQ(read_file(out_.file("c.jsonl")), kOld);
    EXPECT_EQ(names_in(out_.path().string()),
              std::vector<std::string>{"c.jsonl"});
    const std::string index = out_.file("idx");
    e = run({{"index", "build", "-q", "-o", index, small_, input}}, scratch_);
    EXPECT_EQ(e.code, 1) << input << ": " << e.err;
    EXPECT_NE(e.err.find(input), std::string::npos) << e.err;
    EXPECT_TRUE(names_in(index).empty());
    fs::remove_all(index);
  }
  fs::remove(locked);
}

// Feeds the first `bytes` of `path` into a pipe, then closes it (or dies
// with SIGKILL: the same end of file for the reader). Returns the read end.
int pipe_prefix(const std::string& path, size_t bytes, bool die) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  const std::string data = read_file(path).substr(0, bytes);
  if (::fork() == 0) {
    ::close(fds[0]);
    size_t done = 0;
    while (done < data.size()) {
      const ssize_t put =
          ::write(fds[1], data.data() + done, data.size() - done);
      if (put <= 0) break;
      done += static_cast<size_t>(put);
    }
    if (die) ::raise(SIGKILL);
    ::_exit(0);
  }
  ::close(fds[1]);
  return fds[0];
}

long stat_field(const std::string& stats, const std::string& field) {
  const size_t at = stats.find("\"" + field + "\": ");
  return at == std::string::npos
             ? -1
             : std::atol(stats.c_str() + at + field.size() + 4);
}

TEST_F(FaultTest, StdinThatEndsEarlyAccountsForEveryLine) {
  const std::string dump = read_file(small_);
  // Mid-line, in the second half (after the inserted bad lines).
  const size_t cut = dump.find('\n', dump.size() * 3 / 4) + 100;
  const std::string prefix = dump.substr(0, cut);
  const long lines = std::count(prefix.begin(), prefix.end(), '\n') + 1;
  for (bool die : {false, true}) {
    TempDir tmp;
    Child c{{"dedup", "-q", "--output", out_.file("o.jsonl"), "--rejects",
             out_.file("r.jsonl"), "--stats", out_.file("s.json"), "-"}};
    c.stdin_fd = pipe_prefix(small_, cut, die);
    c.tmpdir = tmp.path().string();
    Exit e = run(c, scratch_);
    ::close(c.stdin_fd);
    ASSERT_EQ(e.code, 0) << e.err;
    const std::string stats = read_file(out_.file("s.json"));
    EXPECT_EQ(stat_field(stats, "lines_read"), lines);
    EXPECT_EQ(
        stat_field(stats, "documents") + stat_field(stats, "lines_rejected"),
        lines);
    // The inserted bad lines (3) and the cut one, which is the last.
    const std::vector<std::string> rejects =
        testing::read_lines(out_.file("r.jsonl"));
    ASSERT_EQ(rejects.size(), 4u) << read_file(out_.file("r.jsonl"));
    EXPECT_NE(rejects.back().find(
                  "\"input\": \"-\", \"line\": " + std::to_string(lines) + ","),
              std::string::npos)
        << rejects.back();
    EXPECT_NE(rejects.back().find("\"reason\": \"bad_json\""),
              std::string::npos)
        << rejects.back();
    // The output is whole lines of the input, one per cluster.
    const std::vector<std::string> out =
        testing::read_lines(out_.file("o.jsonl"));
    EXPECT_EQ(static_cast<long>(out.size()), stat_field(stats, "clusters"));
    for (const std::string& line : out) {
      ASSERT_NE(prefix.find(line + "\n"), std::string::npos);
    }
    EXPECT_TRUE(names_in(tmp.path().string()).empty());
  }
}

TEST_F(FaultTest, KilledWhileReadingStdinLeavesNoSpool) {
  TempDir tmp;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  write_file(out_.file("o.jsonl"), kOld);
  Child c{{"dedup", "-q", "--output", out_.file("o.jsonl"), "-"}};
  c.stdin_fd = fds[0];
  c.tmpdir = tmp.path().string();
  const pid_t pid = spawn(c);
  ::close(fds[0]);
  const std::string data = read_file(small_).substr(0, 1 << 20);
  ASSERT_EQ(::write(fds[1], data.data(), data.size()),
            static_cast<ssize_t>(data.size()));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::kill(pid, SIGKILL);
  wait_for(pid, "");
  ::close(fds[1]);
  EXPECT_TRUE(names_in(tmp.path().string()).empty());
  EXPECT_EQ(read_file(out_.file("o.jsonl")), kOld);
  EXPECT_EQ(names_in(out_.path().string()),
            std::vector<std::string>{"o.jsonl"});
}

}  // namespace
}  // namespace neardup
