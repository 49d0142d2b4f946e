// neardup report: escaping, word differences, the line filter's dimmed lines,
// and the page's contents and errors. report_browser_test.sh opens a page in
// a real browser.

#include "report/report.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "gen/generator.h"
#include "neardup/pipeline.h"
#include "report/html.h"
#include "test_util.h"

namespace neardup::report {
namespace {

TEST(ReportHtmlTest, EscapesEveryMarkupCharacter) {
  std::string out;
  append_escaped("<script>alert('x')</script> & \"q\"", &out);
  EXPECT_EQ(out,
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; "
            "&quot;q&quot;");
}

TEST(ReportHtmlTest, MarksTheWordsThatDiffer) {
  const std::string a = "the quick brown fox\njumps";
  const std::string b = "the slow brown fox\njumps high";
  const std::string html =
      pair_html({"a", a, false, "representative"}, {"b<1>", b, false, "member"},
                /*min_line_words=*/0);
  EXPECT_NE(html.find("<del>quick</del>"), std::string::npos) << html;
  EXPECT_NE(html.find("<ins>slow</ins>"), std::string::npos) << html;
  EXPECT_NE(html.find("<ins>high</ins>"), std::string::npos) << html;
  EXPECT_EQ(html.find("<del>brown"), std::string::npos) << html;
  EXPECT_NE(html.find("b&lt;1&gt;"), std::string::npos) << html;
  // The whitespace, newline included, is kept.
  EXPECT_NE(html.find("fox\njumps"), std::string::npos) << html;
}

TEST(ReportHtmlTest, DimsTheLinesTheFilterLeavesOut) {
  std::string text = "Home | News | Sport\n";
  for (int i = 0; i < 6; ++i) {
    text += testing::words(i * 20, i * 20 + 15) + "\n";
  }
  text += "Share this";
  const std::vector<bool> dim = filtered_lines(text, 12);
  ASSERT_EQ(dim.size(), 8u);
  EXPECT_TRUE(dim[0]);
  EXPECT_FALSE(dim[1]);
  EXPECT_TRUE(dim[7]);
  // Mostly short lines: the filter keeps them all.
  EXPECT_EQ(filtered_lines("a b\nc d\ne f", 12), std::vector<bool>(3, false));
  EXPECT_EQ(filtered_lines(text, 0), std::vector<bool>(8, false));
  const std::string html =
      pair_html({"a", text, false, "r"}, {"b", text, false, "m"}, 12);
  EXPECT_NE(html.find("<span class=\"f\">Home</span>"), std::string::npos);
}

TEST(ReportHtmlTest, DrawsTheSCurveAndBars) {
  const std::string curve = s_curve_svg(39, 3, 0.5);
  EXPECT_NE(curve.find("<path class=\"curve\""), std::string::npos);
  EXPECT_NE(curve.find("threshold 0.50"), std::string::npos);
  BarChart chart{"t<", "x", {{"a", 3}, {"b", 0}}, true, 0, "m"};
  const std::string bars = bar_chart_svg(chart);
  EXPECT_NE(bars.find("<rect class=\"bar m\""), std::string::npos);
  EXPECT_NE(bars.find("t&lt;"), std::string::npos);
}

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gen::GenOptions gen_options;
    gen_options.docs = 2000;
    gen_options.min_article_bytes = 300;
    gen_options.max_article_bytes = 1200;
    ASSERT_TRUE(gen::write_dump(gen_options, dump_, truth_).ok());
    DedupOutputs outputs;
    outputs.clusters_path = clusters_;
    outputs.stats_path = stats_;
    ASSERT_TRUE(run_dedup(DedupOptions{}, {dump_}, outputs).ok());
    options_.clusters_path = clusters_;
    options_.inputs = {dump_};
    options_.stats_path = stats_;
    options_.output_path = dir_.file("report.html");
  }
  testing::TempDir dir_;
  std::string dump_ = dir_.file("dump.jsonl");
  std::string truth_ = dir_.file("truth.tsv");
  std::string clusters_ = dir_.file("clusters.jsonl");
  std::string stats_ = dir_.file("stats.json");
  ReportOptions options_;
};

TEST_F(ReportTest, ShowsTheRunTheChartsAndSampledPairs) {
  Result<ReportSummary> summary = write_report(options_);
  ASSERT_TRUE(summary.ok()) << summary.status().to_string();
  EXPECT_EQ(summary->documents, 2000u);
  EXPECT_GT(summary->pairs_shown, 20u);
  const std::string html = testing::read_file(options_.output_path);
  EXPECT_EQ(html.size(), summary->report_bytes);
  for (const char* part :
       {"<!DOCTYPE html>", "Content-Security-Policy", "bands x 3 rows",
        "Cluster sizes", "Similarity of members", "Document lengths",
        "Largest clusters", "A random sample of clusters",
        "Members closest to the threshold", "class=\"pair\""}) {
    EXPECT_NE(html.find(part), std::string::npos) << part;
  }
  EXPECT_EQ(html.find("False merges"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  // The same options give the same page.
  ASSERT_TRUE(write_report(options_).ok());
  EXPECT_EQ(testing::read_file(options_.output_path), html);
  options_.seed = 2;
  ASSERT_TRUE(write_report(options_).ok());
  EXPECT_NE(testing::read_file(options_.output_path), html);
}

TEST_F(ReportTest, LabelsAddFalseMergesAndMisses) {
  options_.truth_path = truth_;
  Result<ReportSummary> summary = write_report(options_);
  ASSERT_TRUE(summary.ok()) << summary.status().to_string();
  const std::string html = testing::read_file(options_.output_path);
  EXPECT_NE(html.find("False merges: labelled apart"), std::string::npos);
  EXPECT_NE(html.find("Misses: labelled together"), std::string::npos);
}

TEST_F(ReportTest, ErrorsNameTheFileAndLeaveNoPage) {
  ReportOptions o = options_;
  o.inputs = {testing::bundled("reuters21578/reuters21578.jsonl.zst")};
  Result<ReportSummary> summary = write_report(o);
  EXPECT_EQ(summary.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(summary.status().message().find(clusters_), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(o.output_path));

  testing::write_file(dir_.file("bad.jsonl"), "{\"id\": \"a\"}\n");
  o = options_;
  o.clusters_path = dir_.file("bad.jsonl");
  summary = write_report(o);
  EXPECT_EQ(summary.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(summary.status().message().find(o.clusters_path + ":1"),
            std::string::npos)
      << summary.status().message();

  o = options_;
  o.output_path = dir_.file("no/such/dir/report.html");
  summary = write_report(o);
  EXPECT_EQ(summary.status().code(), StatusCode::kIOError);
  EXPECT_NE(summary.status().message().find(o.output_path), std::string::npos);

  o = options_;
  o.stats_path = dir_.file("missing.json");
  EXPECT_FALSE(write_report(o).ok());
  EXPECT_FALSE(std::filesystem::exists(o.output_path));
}

}  // namespace
}  // namespace neardup::report
