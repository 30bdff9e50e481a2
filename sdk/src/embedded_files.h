#pragma once

#include <memory>
#include <span>
#include <string_view>
#include <utility>

#include "sanbao/status_or.h"

namespace sanbao {
inline namespace v1 {
namespace internal {

/// The data set `load` builds from files compiled into the library, built
/// on first use and kept for the process (one per `load`). A load error is
/// kInternal: the data ships with the library, so it is a build problem,
/// not the caller's.
template <class T, class Load>
StatusOr<std::shared_ptr<T const>> const& LoadBuiltInOnce(Load load) {
  static auto const* const kLoaded =
      new StatusOr<std::shared_ptr<T const>>([&] {
        StatusOr<std::shared_ptr<T const>> loaded = load();
        if (loaded) return loaded;
        return StatusOr<std::shared_ptr<T const>>(
            Status(ErrorCode::kInternal, loaded.status().message(),
                   loaded.status().error_info()));
      }());
  return *kLoaded;
}

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
