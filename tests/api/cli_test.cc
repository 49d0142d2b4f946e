// The neardup command line: help, version, exit codes, stdin and outputs.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "neardup/lsh.h"
#include "test_util.h"

namespace neardup {
namespace {

struct CliRun {
  int exit_code;
  std::string out;  // stdout and stderr together
};

CliRun run_cli(const std::string& args) {
  const std::string command =
      std::string(NEARDUP_CLI_PATH) + " " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

const std::string kReuters =
    testing::bundled("reuters21578/reuters21578.jsonl.zst");

TEST(CliTest, HelpDescribesTheCommandAndItsOptions) {
  CliRun r = run_cli("--help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("dedup"), std::string::npos) << r.out;
  CliRun d = run_cli("dedup --help");
  EXPECT_EQ(d.exit_code, 0);
  for (const char* option : {"--clusters",
                             "--output",
                             "--rejects",
                             "--stats",
                             "--threads",
                             "--quiet",
                             "--text-field",
                             "--id-field",
                             "--duplicate-ids",
                             "--max-distance",
                             "--shingle-words",
                             "--algo",
                             "--threshold",
                             "--signature-length",
                             "--bands",
                             "--rows",
                             "--exact",
                             "--verify",
                             "--clustering",
                             "--bound-ratio",
                             "--short-text-words",
                             "--mode",
                             "--idf",
                             "--story-similarity",
                             "--story-terms",
                             "--memory-limit",
                             "--temp-dir",
                             "INPUT"}) {
    EXPECT_NE(d.out.find(option), std::string::npos) << option << "\n" << d.out;
  }
  EXPECT_NE(r.out.find("eval"), std::string::npos) << r.out;
  CliRun rep = run_cli("report --help");
  EXPECT_EQ(rep.exit_code, 0);
  for (const char* option : {"--clusters", "--input", "--stats", "--truth",
                             "--output", "--seed", "--min-line-words"}) {
    EXPECT_NE(rep.out.find(option), std::string::npos) << option << rep.out;
  }
  CliRun e = run_cli("eval --help");
  EXPECT_EQ(e.exit_code, 0);
  for (const char* option : {"--clusters", "--truth", "--json", "--pairs",
                             "--pair-labels", "--short-text-words"}) {
    EXPECT_NE(e.out.find(option), std::string::npos) << option << "\n" << e.out;
  }
}

TEST(CliTest, VersionPrintsTheVersion) {
  CliRun r = run_cli("--version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("0.1.0"), std::string::npos) << r.out;
}

TEST(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(run_cli("").exit_code, 2);
  EXPECT_EQ(run_cli("dedup").exit_code, 2);
  EXPECT_EQ(run_cli("dedup --max-distance 99 x.jsonl").exit_code, 2);
  EXPECT_EQ(run_cli("dedup --max-line-bytes 63 x.jsonl").exit_code, 2);
  EXPECT_EQ(run_cli("dedup --max-line-bytes 4294967296 x.jsonl").exit_code, 2);
  EXPECT_EQ(run_cli("dedup --no-such-flag x.jsonl").exit_code, 2);
  EXPECT_EQ(run_cli("frobnicate x.jsonl").exit_code, 2);
  EXPECT_EQ(run_cli("dedup --algo nohash x.jsonl").exit_code, 2);
  EXPECT_EQ(run_cli("dedup --threshold 1 x.jsonl").exit_code, 2);
  EXPECT_EQ(run_cli("dedup --bands 4 x.jsonl").exit_code, 2);  // no --rows
  EXPECT_EQ(run_cli("dedup --bands 64 --rows 4 x.jsonl").exit_code, 2);
  EXPECT_EQ(run_cli("dedup --clustering sideways x.jsonl").exit_code, 2);
  EXPECT_EQ(run_cli("dedup --verify maybe x.jsonl").exit_code, 2);
  EXPECT_EQ(run_cli("dedup --exact --verify estimate x.jsonl").exit_code, 2);
  EXPECT_EQ(run_cli("dedup --bound-ratio 1.5 x.jsonl").exit_code, 2);
  EXPECT_EQ(run_cli("dedup --short-text-words 1001 x.jsonl").exit_code, 2);
  EXPECT_EQ(run_cli("tune --threshold 0").exit_code, 2);
  EXPECT_EQ(run_cli("dedup --memory-limit lots x.jsonl").exit_code, 2);
}

TEST(CliTest, TuneShowsTheBandsTheSCurveAndTheCandidates) {
  CliRun help = run_cli("tune --help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* option :
       {"--threshold", "--signature-length", "--bands", "--rows", "--fp-weight",
        "--fn-weight", "--documents"}) {
    EXPECT_NE(help.out.find(option), std::string::npos) << option;
  }
  CliRun r = run_cli("tune --threshold 0.8");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  MinHashOptions options;
  options.threshold = 0.8;
  const LshParams lsh = choose_lsh_params(options);
  EXPECT_NE(r.out.find(std::to_string(lsh.bands) + " bands x " +
                       std::to_string(lsh.rows) + " rows"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("0.800"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("<- threshold"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("per million documents"), std::string::npos) << r.out;
  // Random candidates: n(n-1)/2 pairs times 39 bands x 2^-40 (24 bits of
  // entries and a 16-bit check per band), by hand.
  CliRun big = run_cli("tune --documents 5e7");
  ASSERT_EQ(big.exit_code, 0) << big.out;
  EXPECT_NE(big.out.find("5e+07 documents: 4.43e+04 pairs, 0.000887 per "
                         "document   <- --documents"),
            std::string::npos)
      << big.out;
  EXPECT_NE(big.out.find("1e+06 documents: 17.7 pairs, 1.77e-05 per document"),
            std::string::npos)
      << big.out;
  EXPECT_EQ(run_cli("tune --documents 1").exit_code, 2);
  CliRun fixed = run_cli("tune --bands 16 --rows 8");
  ASSERT_EQ(fixed.exit_code, 0);
  EXPECT_NE(fixed.out.find("16 bands x 8 rows (as given)"), std::string::npos)
      << fixed.out;
}

TEST(CliTest, StoryModeReadsStdinAndBuildsModels) {
  testing::TempDir dir;
  const std::string seeds = testing::bundled("seeds/seeds.jsonl");
  // Two passes over stdin (document frequencies, then fingerprints).
  CliRun r = run_cli("dedup -q --mode story - --clusters " +
                     dir.file("c.jsonl") + " < " + seeds);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(testing::read_lines(dir.file("c.jsonl")).size(), 4u);
  CliRun help = run_cli("idf build --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--output"), std::string::npos) << help.out;
  CliRun build = run_cli("idf build " + kReuters + " " + seeds + " -o " +
                         dir.file("m.idf"));
  ASSERT_EQ(build.exit_code, 0) << build.out;
  CliRun with_model =
      run_cli("dedup -q --mode story --idf " + dir.file("m.idf") + " " + seeds +
              " --clusters " + dir.file("c2.jsonl"));
  ASSERT_EQ(with_model.exit_code, 0) << with_model.out;
  CliRun missing = run_cli("dedup -q --mode story --idf " +
                           dir.file("absent.idf") + " " + seeds);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.out.find("absent.idf"), std::string::npos) << missing.out;
  EXPECT_EQ(run_cli("idf build " + seeds).exit_code, 2);  // no --output
}

TEST(CliTest, AlgorithmsAndClusteringsRunFromTheCommandLine) {
  testing::TempDir dir;
  for (const char* flags :
       {"--algo simhash", "--algo minhash --threshold 0.8 --exact",
        "--clustering representative", "--bands 20 --rows 5",
        "--verify estimate --clustering components",
        "--bound-ratio 0.8 --short-text-words 0",
        "--algo simhash --clustering bounded"}) {
    CliRun r = run_cli(std::string("dedup -q ") + flags + " " + kReuters +
                       " --stats " + dir.file("s.json"));
    ASSERT_EQ(r.exit_code, 0) << flags << "\n" << r.out;
    EXPECT_NE(
        testing::read_file(dir.file("s.json")).find("\"documents\": 21578"),
        std::string::npos)
        << flags;
  }
}

TEST(CliTest, MemoryLimitTakesSizesAndKeepsTheClusters) {
  testing::TempDir dir;
  CliRun in_memory = run_cli("dedup -q " + kReuters + " --clusters " +
                             dir.file("c0.jsonl") + " --memory-limit 64G");
  ASSERT_EQ(in_memory.exit_code, 0) << in_memory.out;
  CliRun spilled =
      run_cli("dedup -q " + kReuters + " --clusters " + dir.file("c1.jsonl") +
              " --stats " + dir.file("s.json") + " --memory-limit 2M" +
              " --temp-dir " + dir.path().string());
  ASSERT_EQ(spilled.exit_code, 0) << spilled.out;
  const std::string stats = testing::read_file(dir.file("s.json"));
  EXPECT_NE(stats.find("\"memory_limit_bytes\": 2097152"), std::string::npos)
      << stats;
  EXPECT_NE(stats.find("\"spilled\": true"), std::string::npos) << stats;
  EXPECT_TRUE(testing::read_file(dir.file("c0.jsonl")) ==
              testing::read_file(dir.file("c1.jsonl")));
  CliRun no_dir = run_cli("dedup -q " + kReuters + " --memory-limit 2M" +
                          " --temp-dir " + dir.file("absent"));
  EXPECT_EQ(no_dir.exit_code, 1);
  EXPECT_NE(no_dir.out.find(dir.file("absent")), std::string::npos)
      << no_dir.out;
}

TEST(CliTest, RuntimeErrorsExitOneAndNameThePath) {
  testing::TempDir dir;
  CliRun missing = run_cli("dedup " + dir.file("absent.jsonl"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.out.find(dir.file("absent.jsonl")), std::string::npos)
      << missing.out;
  CliRun unwritable =
      run_cli("dedup -q " + kReuters + " --clusters /nonexistent-dir/c.jsonl");
  EXPECT_EQ(unwritable.exit_code, 1);
  EXPECT_NE(unwritable.out.find("/nonexistent-dir/c.jsonl"), std::string::npos);
}

TEST(CliTest, DedupWritesEveryOutputAndASummary) {
  testing::TempDir dir;
  CliRun r = run_cli(
      "dedup " + kReuters + " --clusters " + dir.file("c.jsonl") +
      " --output " + dir.file("o.jsonl.zst") + " --rejects " +
      dir.file("r.jsonl") + " --stats " + dir.file("s.json") + " --threads 2");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("21578 documents"), std::string::npos) << r.out;
  EXPECT_EQ(testing::read_lines(dir.file("c.jsonl")).size(), 21578u);
  EXPECT_NE(
      testing::read_file(dir.file("s.json")).find("\"lines_read\": 21578"),
      std::string::npos);
  EXPECT_TRUE(testing::read_file(dir.file("r.jsonl")).empty());
  const std::string output =
      testing::zstd_decompress_file(dir.file("o.jsonl.zst"));
  EXPECT_GT(output.size(), 1000000u);
}

TEST(CliTest, RepeatedIdsAreWarnedAboutOrRejected) {
  testing::TempDir dir;
  testing::write_file(dir.file("d.jsonl"),
                      "{\"id\": \"a\", \"text\": \"one two three\"}\n"
                      "{\"id\": \"b\", \"text\": \"four five six\"}\n"
                      "{\"id\": \"a\", \"text\": \"seven eight nine\"}\n");
  CliRun keep = run_cli("dedup " + dir.file("d.jsonl") + " --clusters " +
                        dir.file("c.jsonl") + " --stats " + dir.file("s.json"));
  ASSERT_EQ(keep.exit_code, 0) << keep.out;
  EXPECT_NE(keep.out.find("warning: 1 documents repeat an earlier document's "
                          "id (first: " +
                          dir.file("d.jsonl") + ":3 repeats the id \"a\""),
            std::string::npos)
      << keep.out;
  EXPECT_EQ(testing::read_lines(dir.file("c.jsonl")).size(), 3u);
  EXPECT_NE(testing::read_file(dir.file("s.json")).find("\"duplicate_ids\": 1"),
            std::string::npos);
  CliRun reject = run_cli("dedup " + dir.file("d.jsonl") + " --clusters " +
                          dir.file("c.jsonl") + " --rejects " +
                          dir.file("r.jsonl") + " --duplicate-ids reject");
  ASSERT_EQ(reject.exit_code, 0) << reject.out;
  EXPECT_NE(reject.out.find("1 lines rejected as duplicate_id"),
            std::string::npos)
      << reject.out;
  EXPECT_EQ(testing::read_lines(dir.file("c.jsonl")).size(), 2u);
  const std::vector<std::string> rejects =
      testing::read_lines(dir.file("r.jsonl"));
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_NE(rejects[0].find("\"line\": 3"), std::string::npos) << rejects[0];
  EXPECT_NE(rejects[0].find("\"reason\": \"duplicate_id\""), std::string::npos);
  EXPECT_EQ(
      run_cli("dedup --duplicate-ids rename " + dir.file("d.jsonl")).exit_code,
      2);
}

// Exact verification reads the borderline pairs' documents back from stdin's
// spool by offset: the same clusters as from the file.
TEST(CliTest, StdinGivesTheClustersOfTheFile) {
  testing::TempDir dir;
  CliRun file =
      run_cli("dedup -q " + kReuters + " --clusters " + dir.file("file.jsonl") +
              " --stats " + dir.file("s.json"));
  ASSERT_EQ(file.exit_code, 0) << file.out;
  EXPECT_EQ(testing::read_file(dir.file("s.json")).find("\"exact_pairs\": 0,"),
            std::string::npos);
  CliRun piped = run_cli("dedup -q - --clusters " + dir.file("stdin.jsonl") +
                         " < " + kReuters);
  ASSERT_EQ(piped.exit_code, 0) << piped.out;
  EXPECT_EQ(testing::read_file(dir.file("stdin.jsonl")),
            testing::read_file(dir.file("file.jsonl")));
}

TEST(CliTest, ReadsStdinAndWritesTheOutputToStdout) {
  testing::TempDir dir;
  testing::write_file(
      dir.file("in.jsonl"),
      "{\"id\": \"a\", \"text\": \"the same words in the same order\"}\n"
      "{\"id\": \"b\", \"text\": \"The same words, in the same order!\"}\n"
      "{\"id\": \"c\", \"text\": \"something else entirely different\"}\n");
  CliRun r = run_cli("dedup -q - --output - --clusters " + dir.file("c.jsonl") +
                     " < " + dir.file("in.jsonl"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(
      r.out,
      "{\"id\": \"a\", \"text\": \"the same words in the same order\"}\n"
      "{\"id\": \"c\", \"text\": \"something else entirely different\"}\n");
  EXPECT_EQ(testing::read_lines(dir.file("c.jsonl"))[1],
            "{\"id\": \"b\", \"cluster\": \"a\", \"representative\": false, "
            "\"similarity\": 1.0000}");
}

}  // namespace
}  // namespace neardup

namespace neardup {
namespace {

TEST(CliTest, DrawsAProgressBarOnATerminalOnly) {
  if (std::system("command -v script >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "no `script` to provide a terminal";
  }
  testing::TempDir dir;
  // `script` runs the command on a pseudo-terminal and copies what it shows.
  const std::string command = "script -qec '" + std::string(NEARDUP_CLI_PATH) +
                              " dedup " + kReuters + "' " +
                              dir.file("typescript") + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0);
  const std::string shown = testing::read_file(dir.file("typescript"));
  EXPECT_NE(shown.find("\r["), std::string::npos) << shown;
  EXPECT_NE(shown.find("MB"), std::string::npos) << shown;
  EXPECT_NE(shown.find("neardup: 21578 lines"), std::string::npos) << shown;
  // Not a terminal: the summary only.
  CliRun piped = run_cli("dedup " + kReuters);
  EXPECT_EQ(piped.out.find("\r["), std::string::npos) << piped.out;
  EXPECT_NE(piped.out.find("neardup: 21578 lines"), std::string::npos);
}

TEST(CliTest, GenHelpDescribesItsOptions) {
  CliRun top = run_cli("--help");
  EXPECT_NE(top.out.find("gen"), std::string::npos) << top.out;
  CliRun r = run_cli("gen --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* option : {"--output",
                             "--truth",
                             "--docs",
                             "--bytes",
                             "--seed",
                             "--source",
                             "--text-field",
                             "--dup-rate",
                             "--max-copies",
                             "--boilerplate-rate",
                             "--edit-rate",
                             "--truncate-rate",
                             "--reorder-rate",
                             "--unicode-rate",
                             "--case-rate",
                             "--min-article-bytes",
                             "--max-article-bytes",
                             "--sites",
                             "--window",
                             "--id-prefix",
                             "--quiet",
                             "reuters21578.jsonl.zst"}) {
    EXPECT_NE(r.out.find(option), std::string::npos) << option << "\n" << r.out;
  }
}

TEST(CliTest, GenUsageErrorsExitTwo) {
  testing::TempDir dir;
  const std::string out = " -o " + dir.file("d.jsonl");
  const std::vector<std::string> cases = {"gen",  // no --output
                                          "gen --docs 10",
                                          "gen --docs 0" + out,
                                          "gen --docs 5 --bytes 1M" + out,
                                          "gen --bytes 12Q" + out,
                                          "gen --dup-rate 0.9" + out,
                                          "gen --edit-rate 2" + out,
                                          "gen --min-article-bytes 7K" + out,
                                          "gen --sites 1" + out,
                                          "gen --text-field text" + out,
                                          "gen --no-such-flag" + out};
  for (const std::string& args : cases) {
    CliRun r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.out;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("d.jsonl")));
  CliRun rate = run_cli("gen --dup-rate 0.9" + out);
  EXPECT_NE(rate.out.find("--dup-rate"), std::string::npos) << rate.out;
}

TEST(CliTest, GenMissingSourceExitsOneAndNamesThePath) {
  testing::TempDir dir;
  CliRun r = run_cli("gen --docs 10 -o " + dir.file("d.jsonl") + " --source " +
                     dir.file("absent.jsonl.zst"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find(dir.file("absent.jsonl.zst")), std::string::npos)
      << r.out;
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(CliTest, GenWritesADumpThatDedupReads) {
  testing::TempDir dir;
  CliRun r = run_cli("gen --docs 50 --seed 9 -o " + dir.file("d.jsonl.zst") +
                     " --truth " + dir.file("t.tsv"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("neardup gen: 50 docs ("), std::string::npos) << r.out;
  EXPECT_EQ(testing::read_lines(dir.file("t.tsv")).size(), 51u);
  const std::string dump =
      testing::zstd_decompress_file(dir.file("d.jsonl.zst"));
  EXPECT_EQ(std::count(dump.begin(), dump.end(), '\n'), 50);
  CliRun dedup = run_cli("dedup " + dir.file("d.jsonl.zst"));
  EXPECT_EQ(dedup.exit_code, 0) << dedup.out;
  EXPECT_NE(dedup.out.find("50 documents, 0 rejected"), std::string::npos)
      << dedup.out;
  // Quiet, to stdout, sized in bytes: the same seed gives the same dump.
  CliRun quiet =
      run_cli("gen -q --seed 9 --docs 50 -o - > " + dir.file("d.jsonl"));
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_TRUE(quiet.out.empty()) << quiet.out;
  EXPECT_EQ(testing::read_file(dir.file("d.jsonl")), dump);
}

TEST(CliTest, EvalScoresDedupAgainstTheGeneratorsTruth) {
  testing::TempDir dir;
  ASSERT_EQ(run_cli("gen -q --docs 400 --seed 5 -o " + dir.file("d.jsonl") +
                    " --truth " + dir.file("t.tsv"))
                .exit_code,
            0);
  ASSERT_EQ(run_cli("dedup -q " + dir.file("d.jsonl") + " --clusters " +
                    dir.file("c.jsonl"))
                .exit_code,
            0);
  CliRun r = run_cli("eval --clusters " + dir.file("c.jsonl") + " --truth " +
                     dir.file("t.tsv") + " --json " + dir.file("s.json"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  for (const char* text :
       {"documents 400:", "pair      precision", "B-cubed   precision",
        "adjusted Rand index", "B-cubed recall by kind", "  original"}) {
    EXPECT_NE(r.out.find(text), std::string::npos) << text << "\n" << r.out;
  }
  EXPECT_NE(testing::read_file(dir.file("s.json")).find("\"documents\": 400"),
            std::string::npos);
}

TEST(CliTest, EvalErrors) {
  testing::TempDir dir;
  EXPECT_EQ(run_cli("eval --clusters x.jsonl").exit_code, 2);  // no --truth
  testing::write_file(dir.file("t.tsv"), "id\tgroup\na\ta\n");
  CliRun missing = run_cli("eval --clusters " + dir.file("absent.jsonl") +
                           " --truth " + dir.file("t.tsv"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.out.find(dir.file("absent.jsonl")), std::string::npos)
      << missing.out;
  testing::write_file(dir.file("c.jsonl"),
                      "{\"id\": \"b\", \"cluster\": \"b\"}\n");
  CliRun unlabelled = run_cli("eval --clusters " + dir.file("c.jsonl") +
                              " --truth " + dir.file("t.tsv"));
  EXPECT_EQ(unlabelled.exit_code, 1);
  EXPECT_NE(unlabelled.out.find("\"a\" has no predicted cluster"),
            std::string::npos)
      << unlabelled.out;
}

TEST(CliTest, GenBytesSetsTheDumpSize) {
  testing::TempDir dir;
  CliRun r = run_cli("gen -q --bytes 300K -o " + dir.file("d.jsonl"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const size_t size = testing::read_file(dir.file("d.jsonl")).size();
  EXPECT_GE(size, 300000u);
  EXPECT_LT(size, 310000u);
}

TEST(CliTest, EvalHelpDefinesEveryNumber) {
  CliRun e = run_cli("eval --help");
  EXPECT_EQ(e.exit_code, 0);
  for (const char* text :
       {"--truth-group-field", "--truth-kind-field", "--oracle", "--threshold",
        "--sample", "--shingle-words", "--min-line-words", "--text-field",
        "--id-field", "copies linked to their original", "LSH recall",
        "co-clustered pairs", "precision", "B-cubed", "adjusted Rand index"}) {
    EXPECT_NE(e.out.find(text), std::string::npos) << text << "\n" << e.out;
  }
}

TEST(CliTest, EvalScoresCopiesAndTheOracleOnAGeneratedDump) {
  testing::TempDir dir;
  ASSERT_EQ(run_cli("gen -q --docs 300 --seed 3 -o " + dir.file("d.jsonl") +
                    " --truth " + dir.file("t.tsv"))
                .exit_code,
            0);
  ASSERT_EQ(run_cli("dedup -q " + dir.file("d.jsonl") + " --clusters " +
                    dir.file("c.jsonl"))
                .exit_code,
            0);
  CliRun r = run_cli("eval --clusters " + dir.file("c.jsonl") + " --truth " +
                     dir.file("t.tsv") + " --oracle " + dir.file("d.jsonl") +
                     " --threshold 0.7 --json " + dir.file("s.json"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  for (const char* text : {"copies linked to their original, by kind",
                           "  boilerplate ", "  (all copies) ",
                           "exact Jaccard oracle, threshold t = 0.70: 300 "
                           "documents",
                           "LSH recall (oracle pairs in one cluster)",
                           "precision (co-clustered, Jaccard >= 0.70)"}) {
    EXPECT_NE(r.out.find(text), std::string::npos) << text << "\n" << r.out;
  }
  const std::string json = testing::read_file(dir.file("s.json"));
  for (const char* key : {"\"documents\": 300", "\"copies_linked\": {",
                          "\"oracle\": {\"threshold\": 0.700000",
                          "\"lsh_recall\": ", "\"below_threshold\": ["}) {
    EXPECT_NE(json.find(key), std::string::npos) << key << "\n" << json;
  }

  // The oracle alone, on a sample.
  CliRun alone = run_cli("eval --clusters " + dir.file("c.jsonl") +
                         " --oracle " + dir.file("d.jsonl") +
                         " --threshold 0.5 --sample 100 --shingle-words 4");
  ASSERT_EQ(alone.exit_code, 0) << alone.out;
  EXPECT_NE(alone.out.find("t = 0.50: 100 documents"), std::string::npos)
      << alone.out;
  EXPECT_EQ(alone.out.find("B-cubed"), std::string::npos) << alone.out;
}

TEST(CliTest, EvalOracleErrors) {
  testing::TempDir dir;
  testing::write_file(dir.file("c.jsonl"),
                      "{\"id\": \"a\", \"cluster\": \"a\"}\n");
  testing::write_file(dir.file("d.jsonl"),
                      "{\"id\": \"a\", \"text\": \"one two three\"}\n"
                      "{\"id\": \"b\", \"text\": \"four five six\"}\n");
  const std::string clusters = "eval --clusters " + dir.file("c.jsonl");
  const std::string oracle = " --oracle " + dir.file("d.jsonl");
  EXPECT_EQ(run_cli(clusters).exit_code, 2);  // neither --truth nor --oracle
  EXPECT_EQ(run_cli(clusters + oracle).exit_code, 2);  // no --threshold
  EXPECT_EQ(run_cli(clusters + " --threshold 0.5").exit_code, 2);
  EXPECT_EQ(run_cli(clusters + oracle + " --threshold 0").exit_code, 2);
  EXPECT_EQ(run_cli(clusters + oracle + " --threshold 1.5").exit_code, 2);
  EXPECT_EQ(run_cli(clusters + " --sample 5").exit_code, 2);
  EXPECT_EQ(run_cli(clusters + " --truth-kind-field /k").exit_code, 2);
  CliRun missing = run_cli(clusters + " --threshold 0.5 --oracle " +
                           dir.file("absent.jsonl"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.out.find(dir.file("absent.jsonl")), std::string::npos)
      << missing.out;
  CliRun unknown = run_cli(clusters + oracle + " --threshold 0.5");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.out.find("\"b\" has no predicted cluster"),
            std::string::npos)
      << unknown.out;
  // The first record only: "a" is in the clusters file.
  EXPECT_EQ(
      run_cli(clusters + oracle + " --threshold 0.5 --sample 1").exit_code, 0);
}

// A JSONL truth with its own field names: the plagiarism corpus's `category`
// as the kind, its `cluster` (task) as the group.
TEST(CliTest, EvalReadsTheCloughStevensonCorpusAsTruth) {
  const std::string shared = testing::shared_datasets();
  if (shared.empty()) {
    GTEST_SKIP() << "no shared datasets (set NEARDUP_SHARED_DATASETS)";
  }
  const std::string corpus = shared +
                             "/clough_stevenson_plagiarism/"
                             "clough_stevenson_plagiarism.jsonl";
  if (!std::filesystem::exists(corpus)) GTEST_SKIP() << "no " << corpus;
  testing::TempDir dir;
  ASSERT_EQ(run_cli("dedup -q " + corpus + " --clusters " + dir.file("c.jsonl"))
                .exit_code,
            0);
  const std::string eval =
      "eval --clusters " + dir.file("c.jsonl") + " --truth " + corpus;
  CliRun r = run_cli(eval + " --truth-kind-field /category");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  for (const char* text : {"documents 100:", "  cut  ", "  non  ",
                           "  (all copies)                           95  "}) {
    EXPECT_NE(r.out.find(text), std::string::npos) << text << "\n" << r.out;
  }
  CliRun typo = run_cli(eval + " --truth-kind-field /categroy");
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_NE(typo.out.find("no kind at /categroy"), std::string::npos)
      << typo.out;
}

// ---- neardup index and dedup --against ----

// A crawl of `n` documents with ids <prefix>0.., each a distinct 60-word
// article starting at word `first` + 100 * i.
std::string crawl(const std::string& prefix, int first, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    const int w = first + 100 * i;
    out += "{\"id\": \"" + prefix + std::to_string(i) + "\", \"text\": \"" +
           testing::words(w, w + 60) + "\"}\n";
  }
  return out;
}

TEST(CliTest, IndexHelpDescribesItsCommands) {
  CliRun r = run_cli("index --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* command : {"build", "add", "info", "compact"}) {
    EXPECT_NE(r.out.find(command), std::string::npos) << command;
  }
  r = run_cli("index build --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* option : {"--output", "--name", "--threads", "--text-field",
                             "--shingle-words", "--threshold", "--algo"}) {
    EXPECT_NE(r.out.find(option), std::string::npos) << option;
  }
  r = run_cli("dedup --help");
  for (const char* option : {"--against", "--add-to-index", "--pairs"}) {
    EXPECT_NE(r.out.find(option), std::string::npos) << option;
  }
}

// The monthly-crawl workflow of the README: build, add, dedup a new crawl
// against both and add it.
TEST(CliTest, IndexBuildAddAndDedupAgainst) {
  testing::TempDir dir;
  const std::string index = dir.file("crawls.ndx");
  testing::write_file(dir.file("oct.jsonl"), crawl("oct-", 0, 20));
  testing::write_file(dir.file("nov.jsonl"), crawl("nov-", 5000, 20));
  // December repeats oct-3 and nov-7 and has two new articles.
  testing::write_file(
      dir.file("dec.jsonl"),
      "{\"id\": \"dec-0\", \"text\": \"" + testing::words(300, 360) + "\"}\n" +
          "{\"id\": \"dec-1\", \"text\": \"" + testing::words(5700, 5760) +
          "\"}\n" + crawl("dec-new-", 9000, 2));
  CliRun r = run_cli("index build " + dir.file("oct.jsonl") + " -o " + index +
                     " --name 2026-10");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("20 documents added"), std::string::npos) << r.out;
  r = run_cli("index add " + index + " " + dir.file("nov.jsonl"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  r = run_cli("dedup " + dir.file("dec.jsonl") + " --against " + index +
              " --add-to-index --name 2026-12 --clusters " +
              dir.file("c.jsonl") + " --output " + dir.file("o.jsonl") +
              " --stats " + dir.file("s.json"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::vector<std::string> clusters =
      testing::read_lines(dir.file("c.jsonl"));
  ASSERT_EQ(clusters.size(), 4u);
  EXPECT_NE(clusters[0].find("\"match\": \"oct-3\", \"match_source\": "
                             "\"2026-10\", \"match_similarity\": 1.0000"),
            std::string::npos)
      << clusters[0];
  EXPECT_NE(clusters[1].find("\"match\": \"nov-7\", \"match_source\": "
                             "\"nov.jsonl\""),
            std::string::npos)
      << clusters[1];
  EXPECT_NE(clusters[2].find("\"match\": null"), std::string::npos);
  // --output keeps the two new articles only.
  const std::vector<std::string> kept =
      testing::read_lines(dir.file("o.jsonl"));
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_NE(kept[0].find("dec-new-0"), std::string::npos);
  const std::string stats = testing::read_file(dir.file("s.json"));
  EXPECT_NE(stats.find("\"index_matches\": 2"), std::string::npos) << stats;
  EXPECT_NE(stats.find("\"added_to_index\": 4"), std::string::npos) << stats;

  r = run_cli("index info " + index);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("entries 44"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("source 2026-12 entries 4"), std::string::npos);
  EXPECT_NE(r.out.find("run-000003.ndr"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("checksums ok"), std::string::npos);
  r = run_cli("index compact " + index);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("run-000004.ndr entries 44"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("run-000001.ndr"), std::string::npos) << r.out;
  r = run_cli("index info --json " + index);
  EXPECT_NE(r.out.find("\"entries\": 44"), std::string::npos) << r.out;
}

TEST(CliTest, IndexErrorsNameThePathOrTheField) {
  testing::TempDir dir;
  const std::string index = dir.file("i.ndx");
  testing::write_file(dir.file("a.jsonl"), crawl("a-", 0, 5));
  ASSERT_EQ(
      run_cli("index build " + dir.file("a.jsonl") + " -o " + index).exit_code,
      0);
  CliRun r = run_cli("index build " + dir.file("a.jsonl") + " -o " + index);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find(index), std::string::npos) << r.out;
  r = run_cli("dedup " + dir.file("a.jsonl") + " --against " +
              dir.file("none"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find(dir.file("none")), std::string::npos) << r.out;
  r = run_cli("dedup " + dir.file("a.jsonl") + " --shingle-words 4 --against " +
              index);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("shingle_words"), std::string::npos) << r.out;
  r = run_cli("dedup " + dir.file("a.jsonl") + " --add-to-index");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  // A failed add (a missing input) leaves the index as it was.
  r = run_cli("index add " + index + " " + dir.file("missing.jsonl"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("missing.jsonl"), std::string::npos) << r.out;
  r = run_cli("index info " + index);
  EXPECT_NE(r.out.find("entries 5 "), std::string::npos) << r.out;
  // A damaged run file.
  const std::string run = index + "/run-000001.ndr";
  std::string bytes = testing::read_file(run);
  bytes[bytes.size() / 2] ^= 1;
  testing::write_file(run, bytes);
  r = run_cli("index info " + index);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("run-000001.ndr: checksum mismatch"), std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace neardup
