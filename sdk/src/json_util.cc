#include "internal/json_util.h"

#include <utility>

namespace sanbao {
inline namespace v1 {
namespace internal {
namespace {

char const* KindName(boost::json::kind kind) {
  switch (kind) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
      return "an integer";
    case boost::json::kind::double_:
      return "a number";
    case boost::json::kind::string:
      return "a string";
    case boost::json::kind::array:
      return "an array";
    case boost::json::kind::object:
      return "an object";
  }
  return "a value";
}

}  // namespace

void FailAt(std::string path, std::string message) {
  throw DataError{std::move(path), std::move(message)};
}

boost::json::value ParseJson(std::string_view text) {
  boost::system::error_code ec;
  boost::json::parse_options options;
  options.allow_comments = false;
  options.allow_trailing_commas = false;
  boost::json::value value = boost::json::parse(text, ec, {}, options);
  if (ec) {
    // Find the line of the failure for a useful message.
    boost::json::stream_parser parser({}, options);
    std::size_t consumed = parser.write_some(text.data(), text.size(), ec);
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < consumed && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    FailAt("", "invalid JSON at line " + std::to_string(line) + ", column " +
                   std::to_string(column) + ": " + ec.message());
  }
  return value;
}

ObjectReader::ObjectReader(boost::json::value const& value, std::string path)
    : object_(value.if_object()), path_(std::move(path)) {
  if (object_ == nullptr) {
    FailAt(path_,
           std::string("expected an object, found ") + KindName(value.kind()));
  }
}

std::string ObjectReader::PathOf(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

bool ObjectReader::Has(std::string_view key) const {
  return object_->contains(key);
}

boost::json::value const& ObjectReader::Require(std::string_view key) {
  auto const* value = Find(key);
  if (value == nullptr) FailAt(PathOf(key), "required field is missing");
  return *value;
}

boost::json::value const* ObjectReader::Find(std::string_view key) {
  read_.emplace(key);
  return object_->if_contains(key);
}

std::string ObjectReader::String(std::string_view key) {
  return AsString(Require(key), PathOf(key));
}

std::optional<std::string> ObjectReader::OptionalString(std::string_view key) {
  auto const* value = Find(key);
  if (value == nullptr) return std::nullopt;
  return AsString(*value, PathOf(key));
}

std::int64_t ObjectReader::Int(std::string_view key, std::int64_t min,
                               std::int64_t max) {
  return AsInt(Require(key), PathOf(key), min, max);
}

std::optional<std::int64_t> ObjectReader::OptionalInt(std::string_view key,
                                                      std::int64_t min,
                                                      std::int64_t max) {
  auto const* value = Find(key);
  if (value == nullptr) return std::nullopt;
  return AsInt(*value, PathOf(key), min, max);
}

bool ObjectReader::Bool(std::string_view key, bool fallback) {
  auto const* value = Find(key);
  if (value == nullptr) return fallback;
  if (!value->is_bool()) {
    FailAt(PathOf(key),
           std::string("expected a boolean, found ") + KindName(value->kind()));
  }
  return value->get_bool();
}

boost::json::array const& ObjectReader::Array(std::string_view key) {
  auto const& value = Require(key);
  if (!value.is_array()) {
    FailAt(PathOf(key),
           std::string("expected an array, found ") + KindName(value.kind()));
  }
  return value.get_array();
}

boost::json::array const* ObjectReader::OptionalArray(std::string_view key) {
  if (Find(key) == nullptr) return nullptr;
  return &Array(key);
}

ObjectReader ObjectReader::Object(std::string_view key) {
  return ObjectReader(Require(key), PathOf(key));
}

std::optional<ObjectReader> ObjectReader::OptionalObject(std::string_view key) {
  auto const* value = Find(key);
  if (value == nullptr) return std::nullopt;
  return ObjectReader(*value, PathOf(key));
}

std::vector<std::string> ObjectReader::Keys() {
  std::vector<std::string> keys;
  for (auto const& kv : *object_) {
    keys.emplace_back(kv.key());
    read_.emplace(kv.key());
  }
  return keys;
}

void ObjectReader::Finish() const {
  for (auto const& kv : *object_) {
    if (!read_.contains(kv.key())) {
      FailAt(PathOf(kv.key()), "unknown field");
    }
  }
}

std::string ElementPath(std::string const& array_path, std::size_t index) {
  return array_path + "[" + std::to_string(index) + "]";
}

std::string AsString(boost::json::value const& value, std::string const& path) {
  if (!value.is_string()) {
    FailAt(path,
           std::string("expected a string, found ") + KindName(value.kind()));
  }
  return std::string(value.get_string());
}

std::int64_t AsInt(boost::json::value const& value, std::string const& path,
                   std::int64_t min, std::int64_t max) {
  std::int64_t n = 0;
  if (value.is_int64()) {
    n = value.get_int64();
  } else if (value.is_uint64() &&
             value.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    n = static_cast<std::int64_t>(value.get_uint64());
  } else {
    FailAt(path,
           std::string("expected an integer, found ") + KindName(value.kind()));
  }
  if (n < min || n > max) {
    FailAt(path, std::to_string(n) + " is out of range [" +
                     std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return n;
}

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
