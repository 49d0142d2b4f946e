#include "parse/record_parser.h"

#include <gtest/gtest.h>

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

TEST_F(RecordParserTest, ReusableAfterErrors) {
  EXPECT_FALSE(parse("{oops}").ok);
  EXPECT_TRUE(parse(R"({"text": "fine"})").ok);
  EXPECT_EQ(record_.text, "fine");
}

}  // namespace
}  // namespace neardup::internal
