#pragma once

// Strict reading of JSON data files (holiday calendars, law): every key must
// be known, every field has the right type, and an error names the file and
// the field path ("DE.json: holidays[3].rule.fixed: ...").
//
// Boost.JSON stays inside the library; this header is private.

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sanbao/status.h"

namespace sanbao {
inline namespace v1 {
namespace internal {

/// Thrown inside the loaders only and turned into a Status at their
/// boundary; never escapes the library.
struct DataError {
  std::string path;
  std::string message;
};

[[noreturn]] void FailAt(std::string path, std::string message);

/// Parses `text`; a syntax error becomes a DataError with line and column,
/// and so does a key given twice in one object (named with its path, under
/// `root_path` when given: "rules.auto_approve.max_value.USD").
boost::json::value ParseJson(std::string_view text,
                             std::string const& root_path = "");

/// One JSON object being read. Keys read through it are remembered so that
/// Finish() can reject any key nobody asked for.
class ObjectReader {
 public:
  ObjectReader(boost::json::value const& value, std::string path);

  std::string const& path() const { return path_; }
  std::string PathOf(std::string_view key) const;

  bool Has(std::string_view key) const;
  /// The value of `key`, or a DataError naming the missing field.
  boost::json::value const& Require(std::string_view key);
  /// The value of `key`, or nullptr.
  boost::json::value const* Find(std::string_view key);

  std::string String(std::string_view key);
  std::optional<std::string> OptionalString(std::string_view key);
  std::int64_t Int(std::string_view key, std::int64_t min, std::int64_t max);
  std::optional<std::int64_t> OptionalInt(std::string_view key,
                                          std::int64_t min, std::int64_t max);
  bool Bool(std::string_view key, bool fallback);
  boost::json::array const& Array(std::string_view key);
  boost::json::array const* OptionalArray(std::string_view key);
  ObjectReader Object(std::string_view key);
  std::optional<ObjectReader> OptionalObject(std::string_view key);
  /// The object's keys in document order (marks them all read).
  std::vector<std::string> Keys();

  /// Rejects keys that were never read.
  void Finish() const;

 private:
  boost::json::object const* object_;
  std::string path_;
  mutable std::set<std::string, std::less<>> read_;
};

std::string ElementPath(std::string const& array_path, std::size_t index);

/// Reads a string that must be one of `options` and returns its value; the
/// error lists the allowed names.
template <typename E>
E EnumAt(boost::json::value const& v, std::string const& path,
         std::initializer_list<std::pair<std::string_view, E>> options);
std::string AsString(boost::json::value const& value, std::string const& path);
std::int64_t AsInt(boost::json::value const& value, std::string const& path,
                   std::int64_t min, std::int64_t max);

template <typename E>
E EnumAt(boost::json::value const& v, std::string const& path,
         std::initializer_list<std::pair<std::string_view, E>> options) {
  auto text = AsString(v, path);
  std::string known;
  for (auto const& [name, value] : options) {
    if (name == text) return value;
    known += (known.empty() ? "" : ", ") + std::string(name);
  }
  FailAt(path, QuoteForMessage(text) + " is not one of " + known);
}

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
