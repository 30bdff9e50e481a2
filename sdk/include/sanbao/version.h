#pragma once

#include <string_view>

#define SANBAO_VERSION_MAJOR 0
#define SANBAO_VERSION_MINOR 1
#define SANBAO_VERSION_PATCH 0

namespace sanbao {
inline namespace v1 {
inline constexpr std::string_view kVersion = "0.1.0";
}  // namespace v1
}  // namespace sanbao
