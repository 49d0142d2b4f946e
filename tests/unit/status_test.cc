#include "neardup/status.h"

#include <gtest/gtest.h>

namespace neardup {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.to_string(), "OK");
}

TEST(StatusTest, CarriesCodeAndMessage) {
  Status s = Status::NotFound("a.jsonl: no such file");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.to_string(), "not_found: a.jsonl: no such file");
}

Status fails() { return Status::IOError("disk"); }
Status propagates() {
  NEARDUP_RETURN_IF_ERROR(fails());
  return Status::Internal("not reached");
}

TEST(StatusTest, ReturnIfErrorPropagates) {
  EXPECT_EQ(propagates().code(), StatusCode::kIOError);
}

TEST(ResultTest, HoldsValueOrStatus) {
  Result<int> good(7);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 7);
  Result<int> bad(Status::Corruption("x"));
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace neardup
