#include "parse/record_parser.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "reader/jsonl_reader.h"

namespace neardup::internal {
namespace {

class RecordParserTest : public ::testing::Test {
 protected:
  // Parses `line` from a buffer with simdjson's padding after it.
  const ParsedRecord& parse(const std::string& line) {
    buffer_ = line + std::string(kParsePadding, ' ');
    parser_.parse(std::string_view(buffer_.data(), line.size()), &record_);
    return record_;
  }
  RecordParser parser_{"/text", "/id"};
  ParsedRecord record_;
  std::string buffer_;
};

TEST_F(RecordParserTest, ReadsTextAndStringId) {
  const ParsedRecord& r =
      parse(R"({"id": "a-1", "title": "x", "text": "Hello\nworld \u00e9"})");
  ASSERT_TRUE(r.ok) << r.detail;
  EXPECT_TRUE(r.has_id);
  EXPECT_EQ(r.id, "a-1");
  EXPECT_EQ(r.text, "Hello\nworld \xC3\xA9");
}

TEST_F(RecordParserTest, NumericAbsentAndNullIds) {
  EXPECT_EQ(parse(R"({"id": 42, "text": "t"})").id, "42");
  EXPECT_TRUE(record_.has_id);
  EXPECT_FALSE(parse(R"({"text": "t"})").has_id);
  EXPECT_TRUE(record_.ok);
  EXPECT_FALSE(parse(R"({"id": null, "text": "t"})").has_id);
  EXPECT_TRUE(record_.ok);
  EXPECT_FALSE(parse(R"({"id": [1], "text": "t"})").ok);
  EXPECT_EQ(record_.reason, RejectReason::kBadId);
}

TEST_F(RecordParserTest, NestedPointers) {
  RecordParser nested("/body/text", "/meta/id");
  buffer_ = std::string(R"({"meta": {"id": "n"}, "body": {"text": "deep"}})") +
            std::string(kParsePadding, ' ');
  nested.parse(
      std::string_view(buffer_).substr(0, buffer_.size() - kParsePadding),
      &record_);
  ASSERT_TRUE(record_.ok) << record_.detail;
  EXPECT_EQ(record_.id, "n");
  EXPECT_EQ(record_.text, "deep");
}

TEST_F(RecordParserTest, RejectionsHaveReasons) {
  EXPECT_EQ(parse(R"({"id": "x"})").reason, RejectReason::kMissingField);
  EXPECT_EQ(parse(R"({"text": 5})").reason, RejectReason::kNotString);
  EXPECT_EQ(parse(R"({"text": null})").reason, RejectReason::kNotString);
  EXPECT_EQ(parse(R"({"text": "abc)").reason, RejectReason::kBadJson);
  EXPECT_EQ(parse(R"({"text": "abc"} trailing)").reason,
            RejectReason::kBadJson);
  EXPECT_EQ(parse(R"(["text"])").reason, RejectReason::kBadJson);
  EXPECT_EQ(parse("not json").reason, RejectReason::kBadJson);
  EXPECT_EQ(parse(std::string("{\"text\": \"a\0b\"}", 15)).reason,
            RejectReason::kBadJson);  // raw NUL inside a string
  EXPECT_EQ(parse("{\"text\": \"bad \xC3\x28\"}").reason,
            RejectReason::kInvalidUtf8);
  EXPECT_FALSE(record_.ok);
  EXPECT_FALSE(record_.detail.empty());
}

TEST_F(RecordParserTest, EscapedNulIsText) {
  const ParsedRecord& r = parse(R"({"text": "a\u0000b"})");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.text, std::string("a\0b", 3));
}

// A line is accepted iff it is exactly one valid JSON object: On Demand
// alone checked only the fields it visited.
TEST_F(RecordParserTest, TwoObjectsOnOneLineAreBadJson) {
  EXPECT_FALSE(parse(R"({"id": "a", "text": "x"}{"id": "b", "text": "y"})").ok);
  EXPECT_EQ(record_.reason, RejectReason::kBadJson);
  EXPECT_FALSE(parse(R"({"id": "a", "text": "x"} {"id": "b"})").ok);
  EXPECT_EQ(record_.reason, RejectReason::kBadJson);
}

TEST_F(RecordParserTest, TrailingContentIsBadJson) {
  for (const char* line :
       {R"({"text": "x"} trailing)", R"({"text": "x"},)", R"({"text": "x"}])",
        R"({"text": "x"} 1)", R"({"text": "x"}})"}) {
    EXPECT_FALSE(parse(line).ok) << line;
    EXPECT_EQ(record_.reason, RejectReason::kBadJson) << line;
  }
}

TEST_F(RecordParserTest, InvalidUnvisitedValuesAreBadJson) {
  for (const char* line : {
           R"({"id": "a", "text": "x", "bad": tru})",
           R"({"id": "a", "text": "x", "bad": 01})",
           R"({"id": "a", "text": "x", "bad": "\q"})",
           R"({"id": "a", "text": "x", "bad": [1,]})",
           R"({"id": "a", "text": "x", "bad": {"k" 1}})",
           R"({"id": "a", "text": "x",, "more": 1})",
           R"({"bad": nul, "id": "a", "text": "x"})",
           R"({"id": "a", "text": "x", "bad": 1e400})",
           // simdjson parses numbers to 64-bit integers or doubles.
           R"({"id": 123456789012345678901234567890, "text": "x"})",
           "{\"text\": \"x\", \"raw control\": \"a\x01b\"}",
       }) {
    EXPECT_FALSE(parse(line).ok) << line;
    EXPECT_EQ(record_.reason, RejectReason::kBadJson) << line;
    EXPECT_FALSE(record_.detail.empty()) << line;
  }
  // Valid values of every kind in fields nobody reads are fine.
  EXPECT_TRUE(parse(R"({"a": [1, -2.5e3, true, false, null, {"b": "é"}],)"
                    R"( "text": "x"})")
                  .ok)
      << record_.detail;
}

TEST_F(RecordParserTest, TopLevelArrayOrScalarIsBadJson) {
  for (const char* line :
       {R"([{"text": "x"}])", R"("text")", "42", "null", "true", R"([])"}) {
    EXPECT_FALSE(parse(line).ok) << line;
    EXPECT_EQ(record_.reason, RejectReason::kBadJson) << line;
  }
}

TEST_F(RecordParserTest, WhitespaceAroundTheObjectIsAllowed) {
  for (const char* line : {" \t{\"text\": \"x\"} \t", "\r{\"text\": \"x\"}\r",
                           "{ \"text\" :\t\"x\" }"}) {
    EXPECT_TRUE(parse(line).ok) << line << ": " << record_.detail;
    EXPECT_EQ(record_.text, "x");
  }
}

TEST_F(RecordParserTest, PointersThatLeadNowhereFindNothing) {
  RecordParser nested("/body/0/text", "/meta/id");
  for (const char* line : {R"({"meta": "scalar", "body": [{"text": "t"}]})",
                           R"({"meta": [], "body": [{"text": "t"}]})",
                           R"({"body": [{"text": "t"}]})"}) {
    buffer_ = std::string(line) + std::string(kParsePadding, ' ');
    nested.parse(std::string_view(buffer_.data(), std::strlen(line)), &record_);
    EXPECT_TRUE(record_.ok) << line << ": " << record_.detail;
    EXPECT_FALSE(record_.has_id) << line;
    EXPECT_EQ(record_.text, "t");
  }
  for (const char* line : {R"({"body": "scalar"})", R"({"body": []})"}) {
    buffer_ = std::string(line) + std::string(kParsePadding, ' ');
    nested.parse(std::string_view(buffer_.data(), std::strlen(line)), &record_);
    EXPECT_EQ(record_.reason, RejectReason::kMissingField) << line;
  }
}

TEST_F(RecordParserTest, NumericIdsKeepTheirToken) {
  EXPECT_EQ(parse(R"({"id": 1.50, "text": "t"})").id, "1.50");
  EXPECT_EQ(parse(R"({"id": -7e2, "text": "t"})").id, "-7e2");
  EXPECT_EQ(parse(R"({"id":18446744073709551615,"text":"t"})").id,
            "18446744073709551615");
}

TEST_F(RecordParserTest, ReusableAfterErrors) {
  EXPECT_FALSE(parse("{oops}").ok);
  EXPECT_TRUE(parse(R"({"text": "fine"})").ok);
  EXPECT_EQ(record_.text, "fine");
}

}  // namespace
}  // namespace neardup::internal
