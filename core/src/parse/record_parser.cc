#include "parse/record_parser.h"

#include <simdjson.h>

#include <charconv>
#include <cstring>

#include "reader/jsonl_reader.h"

namespace neardup::internal {

static_assert(kParsePadding >= simdjson::SIMDJSON_PADDING,
              "chunks must leave simdjson its padding");

namespace {

void reject(ParsedRecord* out, RejectReason reason, std::string detail) {
  out->ok = false;
  out->reason = reason;
  out->detail = std::move(detail);
}

RejectReason reason_of(simdjson::error_code error) {
  return error == simdjson::UTF8_ERROR ? RejectReason::kInvalidUtf8
                                       : RejectReason::kBadJson;
}

bool is_json_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_json_space(s.back())) s.remove_suffix(1);
  while (!s.empty() && is_json_space(s.front())) s.remove_prefix(1);
  return s;
}

// The number as text when its token cannot be found (see number_token()).
std::string format_number(simdjson::dom::element number) {
  char buffer[32];
  std::to_chars_result r{buffer, {}};
  if (number.is_int64()) {
    r = std::to_chars(buffer, buffer + sizeof(buffer),
                      number.get_int64().value_unsafe());
  } else if (number.is_uint64()) {
    r = std::to_chars(buffer, buffer + sizeof(buffer),
                      number.get_uint64().value_unsafe());
  } else {
    r = std::to_chars(buffer, buffer + sizeof(buffer),
                      number.get_double().value_unsafe());
  }
  return std::string(buffer, r.ptr);
}

}  // namespace

struct RecordParser::Impl {
  // Validates the whole line and finds the fields. On Demand alone would
  // check only what it visits: a second object or a bad value in an
  // unvisited field would pass.
  simdjson::dom::parser dom;
  // Only for numeric ids, whose JSON token (e.g. 1.50) the DOM drops.
  simdjson::ondemand::parser ondemand;
  std::string text_pointer;
  std::string id_pointer;

  // The JSON token of the number at id_pointer in `line` (already valid).
  bool number_token(std::string_view line, std::string* out) {
    simdjson::ondemand::document doc;
    simdjson::ondemand::value value;
    if (ondemand.iterate(line.data(), line.size(), line.size() + kParsePadding)
            .get(doc) ||
        doc.at_pointer(id_pointer).get(value)) {
      return false;
    }
    out->assign(trim(value.raw_json_token()));
    return true;
  }
};

RecordParser::RecordParser(std::string text_pointer, std::string id_pointer)
    : impl_(std::make_unique<Impl>()) {
  impl_->text_pointer = std::move(text_pointer);
  impl_->id_pointer = std::move(id_pointer);
}

RecordParser::~RecordParser() = default;

void RecordParser::parse(std::string_view line, ParsedRecord* out) {
  out->ok = false;
  out->has_id = false;
  out->id.clear();
  out->text = {};
  out->detail.clear();

  // A line is one JSON object, with JSON whitespace around it allowed. This
  // quick look names the common failure (a cut-off line); the parse below
  // decides.
  const std::string_view body = trim(line);
  if (body.empty() || body.front() != '{' || body.back() != '}') {
    reject(out, RejectReason::kBadJson, "not a JSON object on one line");
    return;
  }
  // simdjson lets raw control bytes through inside strings; a raw NUL is
  // never valid JSON and usually means binary garbage.
  if (std::memchr(line.data(), '\0', line.size()) != nullptr) {
    reject(out, RejectReason::kBadJson, "raw NUL byte");
    return;
  }
  simdjson::dom::element root;
  simdjson::error_code error =
      impl_->dom.parse(line.data(), line.size(), /*realloc_if_needed=*/false)
          .get(root);
  if (error) {
    reject(out, reason_of(error), simdjson::error_message(error));
    return;
  }

  // A pointer that leads nowhere (no such field, an index past the end, a
  // path through a scalar) finds no value.
  simdjson::dom::element id;
  if (!root.at_pointer(impl_->id_pointer).get(id)) {
    switch (id.type()) {
      case simdjson::dom::element_type::STRING:
        out->id.assign(id.get_string().value_unsafe());
        out->has_id = true;
        break;
      case simdjson::dom::element_type::INT64:
      case simdjson::dom::element_type::UINT64:
      case simdjson::dom::element_type::DOUBLE:
        if (!impl_->number_token(line, &out->id)) out->id = format_number(id);
        out->has_id = true;
        break;
      case simdjson::dom::element_type::NULL_VALUE:
        break;
      default:
        reject(out, RejectReason::kBadId,
               impl_->id_pointer + " is not a string, number or null");
        return;
    }
  }

  simdjson::dom::element text;
  if (root.at_pointer(impl_->text_pointer).get(text)) {
    reject(out, RejectReason::kMissingField, "no " + impl_->text_pointer);
    return;
  }
  if (!text.is_string()) {
    reject(out, RejectReason::kNotString,
           impl_->text_pointer + " is not a string");
    return;
  }
  out->text = text.get_string().value_unsafe();
  out->ok = true;
}

}  // namespace neardup::internal
