// Fuzzes the record parser: the id and text of one JSONL line.
//
// Input: byte 0 picks the JSON pointers; the rest is the line. Identity (the
// rule of README "Input handling"): a line is accepted iff a full simdjson
// DOM parse of it succeeds as one object, it has no raw NUL byte, the text
// pointer finds a string and the id pointer finds nothing (no such field,
// or a path through a scalar), null, a string or a number; an accepted record's
// text and string id are the DOM's.

#include <simdjson.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "parse/record_parser.h"
#include "reader/jsonl_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace neardup;
  using namespace neardup::internal;
  if (size < 1) return 0;
  static RecordParser flat("/text", "/id");
  static RecordParser nested("/body/0/text", "/meta/id");
  static simdjson::dom::parser dom;
  const bool is_nested = (data[0] & 1) != 0;
  RecordParser& parser = is_nested ? nested : flat;
  const char* text_pointer = is_nested ? "/body/0/text" : "/text";
  const char* id_pointer = is_nested ? "/meta/id" : "/id";

  // The reader's lines have no '\n' and leave kParsePadding bytes after.
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  input = input.substr(0, input.find('\n'));
  std::string buffer(input);
  buffer.append(kParsePadding, ' ');
  const std::string_view line(buffer.data(), input.size());

  ParsedRecord record;
  parser.parse(line, &record);
  if (!record.ok) {
    NEARDUP_FUZZ_CHECK(!record.detail.empty());
  }

  simdjson::dom::element root;
  const simdjson::error_code error =
      dom.parse(buffer.data(), line.size(), false).get(root);
  bool accept = !error && root.is_object() &&
                std::memchr(line.data(), '\0', line.size()) == nullptr;
  std::string_view dom_text;
  std::string_view dom_id;
  bool id_is_string = false;
  if (accept) {
    simdjson::dom::element text;
    accept = !root.at_pointer(text_pointer).get(text) && text.is_string();
    if (accept) dom_text = text.get_string().value_unsafe();
  }
  if (accept) {
    simdjson::dom::element id;
    const simdjson::error_code id_error = root.at_pointer(id_pointer).get(id);
    if (!id_error) {
      accept = id.is_string() || id.is_number() || id.is_null();
      id_is_string = id.is_string();
      if (id_is_string) dom_id = id.get_string().value_unsafe();
    }  // Otherwise the id is absent: a path that leads nowhere.
  }
  NEARDUP_FUZZ_CHECK(record.ok == accept);
  if (record.ok) {
    NEARDUP_FUZZ_CHECK(record.text == dom_text);
    if (id_is_string) NEARDUP_FUZZ_CHECK(record.id == dom_id);
  }
  return 0;
}
