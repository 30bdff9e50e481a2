#pragma once

#include <span>
#include <string_view>

namespace sanbao {
inline namespace v1 {
namespace internal {

/// A data file compiled into the library by cmake/EmbedFiles.cmake.
struct EmbeddedFile {
  std::string_view name;     ///< base name, e.g. "DE.json"
  std::string_view content;  ///< the file's bytes
};

/// sdk/data/holidays/*.json
std::span<const EmbeddedFile> EmbeddedHolidayFiles();

/// sdk/data/subdivisions/*.json
std::span<const EmbeddedFile> EmbeddedSubdivisionFiles();

}  // namespace internal
}  // namespace v1
}  // namespace sanbao
