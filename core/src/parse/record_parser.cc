#include "parse/record_parser.h"

#include <simdjson.h>

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

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' ||
                        s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  return s;
}

}  // namespace

struct RecordParser::Impl {
  simdjson::ondemand::parser parser;
  std::string text_pointer;
  std::string id_pointer;
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

  // On Demand validates only what it visits; a record must at least look
  // like one complete object, which also catches truncated lines.
  const std::string_view body = trim(line);
  if (body.empty() || body.front() != '{' || body.back() != '}') {
    reject(out, RejectReason::kBadJson, "not a JSON object on one line");
    return;
  }
  // simdjson On Demand lets raw control bytes through inside strings; a raw
  // NUL is never valid JSON and usually means binary garbage.
  if (std::memchr(line.data(), '\0', line.size()) != nullptr) {
    reject(out, RejectReason::kBadJson, "raw NUL byte");
    return;
  }
  simdjson::ondemand::document doc;
  simdjson::error_code error =
      impl_->parser
          .iterate(line.data(), line.size(), line.size() + kParsePadding)
          .get(doc);
  if (error) {
    reject(out, reason_of(error), simdjson::error_message(error));
    return;
  }

  // The id first: reading the text last keeps its unescaped view valid.
  simdjson::ondemand::value id_value;
  error = doc.at_pointer(impl_->id_pointer).get(id_value);
  if (!error) {
    simdjson::ondemand::json_type type;
    error = id_value.type().get(type);
    if (!error) {
      switch (type) {
        case simdjson::ondemand::json_type::string: {
          std::string_view id;
          error = id_value.get_string().get(id);
          if (!error) {
            out->id.assign(id);
            out->has_id = true;
          }
          break;
        }
        case simdjson::ondemand::json_type::number:
          out->id.assign(trim(id_value.raw_json_token()));
          out->has_id = true;
          break;
        case simdjson::ondemand::json_type::null:
          break;
        default:
          reject(out, RejectReason::kBadId,
                 impl_->id_pointer + " is not a string, number or null");
          return;
      }
    }
  }
  if (error && error != simdjson::NO_SUCH_FIELD) {
    reject(out, reason_of(error), simdjson::error_message(error));
    return;
  }

  simdjson::ondemand::value text_value;
  error = doc.at_pointer(impl_->text_pointer).get(text_value);
  if (error == simdjson::NO_SUCH_FIELD) {
    reject(out, RejectReason::kMissingField, "no " + impl_->text_pointer);
    return;
  }
  if (error) {
    reject(out, reason_of(error), simdjson::error_message(error));
    return;
  }
  simdjson::ondemand::json_type type;
  error = text_value.type().get(type);
  if (!error && type != simdjson::ondemand::json_type::string) {
    reject(out, RejectReason::kNotString,
           impl_->text_pointer + " is not a string");
    return;
  }
  if (!error) error = text_value.get_string().get(out->text);
  if (error) {
    reject(out, reason_of(error), simdjson::error_message(error));
    return;
  }
  out->ok = true;
}

}  // namespace neardup::internal
