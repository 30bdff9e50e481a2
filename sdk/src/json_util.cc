#include "internal/json_util.h"

#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>
#include <unordered_set>
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

namespace {

// A basic_parser handler that builds the value as boost::json::parser does
// and refuses a key that appears twice in one object (Boost.JSON keeps the
// last one silently), remembering where: the path of the key, as
// ObjectReader writes paths ("items[2].price.amount").
class StrictHandler {
 public:
  static constexpr std::size_t max_object_size =
      boost::json::object::max_size();
  static constexpr std::size_t max_array_size = boost::json::array::max_size();
  static constexpr std::size_t max_key_size = boost::json::string::max_size();
  static constexpr std::size_t max_string_size =
      boost::json::string::max_size();

  using error_code = boost::system::error_code;
  using string_view = boost::json::string_view;

  boost::json::value_stack stack;
  /// Set when a key was given twice: the path of the second one.
  std::optional<std::string> duplicate_path;
  std::string duplicate_key;

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) {
    Push(true);
    return true;
  }
  bool on_object_end(std::size_t n, error_code&) {
    --depth_;
    stack.push_object(n);
    return Done();
  }
  bool on_array_begin(error_code&) {
    Push(false);
    return true;
  }
  bool on_array_end(std::size_t n, error_code&) {
    --depth_;
    stack.push_array(n);
    return Done();
  }
  bool on_key_part(string_view s, std::size_t, error_code&) {
    stack.push_chars(s);
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(string_view s, std::size_t, error_code& ec) {
    stack.push_key(s);
    key_.append(s.data(), s.size());
    Frame& f = frames_[depth_ - 1];
    if (!f.Insert(key_)) {
      duplicate_key = key_;
      duplicate_path = PathOfKey();
      ec = boost::system::errc::make_error_code(
          boost::system::errc::invalid_argument);
      return false;
    }
    f.key = std::move(key_);
    key_.clear();
    return true;
  }
  bool on_string_part(string_view s, std::size_t, error_code&) {
    stack.push_chars(s);
    return true;
  }
  bool on_string(string_view s, std::size_t, error_code&) {
    stack.push_string(s);
    return Done();
  }
  bool on_number_part(string_view, error_code&) { return true; }
  bool on_int64(std::int64_t i, string_view, error_code&) {
    stack.push_int64(i);
    return Done();
  }
  bool on_uint64(std::uint64_t u, string_view, error_code&) {
    stack.push_uint64(u);
    return Done();
  }
  bool on_double(double d, string_view, error_code&) {
    stack.push_double(d);
    return Done();
  }
  bool on_bool(bool b, error_code&) {
    stack.push_bool(b);
    return Done();
  }
  bool on_null(error_code&) {
    stack.push_null();
    return Done();
  }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }

 private:
  // An open object (its keys so far, the current one) or array (the index
  // of the element being read). Frames are reused as the depth changes.
  struct Frame {
    bool is_object = false;
    std::size_t index = 0;
    std::string key;
    std::vector<std::string> few;  // small objects: a linear search
    std::unordered_set<std::string> many;

    void Reset(bool object) {
      is_object = object;
      index = 0;
      key.clear();
      few.clear();
      many.clear();
    }
    bool Insert(std::string const& k) {
      if (!many.empty()) return many.insert(k).second;
      if (std::find(few.begin(), few.end(), k) != few.end()) return false;
      few.push_back(k);
      if (few.size() > 16) {
        many.insert(few.begin(), few.end());
        few.clear();
      }
      return true;
    }
  };

  void Push(bool object) {
    if (depth_ == frames_.size()) frames_.emplace_back();
    frames_[depth_++].Reset(object);
  }
  // A value is complete: the next one in an array has the next index.
  bool Done() {
    if (depth_ > 0 && !frames_[depth_ - 1].is_object)
      ++frames_[depth_ - 1].index;
    return true;
  }
  std::string PathOfKey() const {
    std::string path;
    for (std::size_t i = 0; i + 1 < depth_; ++i) {
      Frame const& f = frames_[i];
      if (f.is_object) {
        path += (path.empty() ? "" : ".") + f.key;
      } else {
        path += "[" + std::to_string(f.index) + "]";
      }
    }
    return path + (path.empty() ? "" : ".") + key_;
  }

  std::vector<Frame> frames_;
  std::size_t depth_ = 0;
  std::string key_;  // the key being read
};

// "line 3, column 7" of the byte at `offset`.
std::string Position(std::string_view text, std::size_t offset) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

boost::json::value ParseJson(std::string_view text,
                             std::string const& root_path) {
  boost::json::parse_options options;
  options.allow_comments = false;
  options.allow_trailing_commas = false;
  options.allow_invalid_utf8 = false;
  boost::json::basic_parser<StrictHandler> parser(options);
  parser.handler().stack.reset();
  boost::system::error_code ec;
  std::size_t consumed = parser.write_some(false, text.data(), text.size(), ec);
  auto& handler = parser.handler();
  if (handler.duplicate_path) {
    FailAt(root_path.empty() ? *handler.duplicate_path
                             : root_path + "." + *handler.duplicate_path,
           "duplicate key " + QuoteForMessage(handler.duplicate_key) + " (" +
               Position(text, consumed) + "); a key may appear once");
  }
  if (ec) {
    FailAt(root_path,
           "invalid JSON at " + Position(text, consumed) + ": " + ec.message());
  }
  if (consumed < text.size()) {
    FailAt(root_path, "invalid JSON at " + Position(text, consumed) +
                          ": more data after the JSON value");
  }
  return handler.stack.release();
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
