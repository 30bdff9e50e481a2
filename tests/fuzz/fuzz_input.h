#pragma once
// What every fuzz target shares: the libFuzzer entry point's signature and
// a bounded view of the input as text.
#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data,
                                      std::size_t size);

namespace sanbao::fuzz {

// The input as text. Targets cap what they read: a parser's own size limits
// are tested elsewhere, and a fuzzer's time is better spent on structure.
inline std::string_view Text(std::uint8_t const* data, std::size_t size,
                             std::size_t cap = 1 << 16) {
  return {reinterpret_cast<char const*>(data), size < cap ? size : cap};
}

// Splits the input at the first NUL byte: two independent fields from one
// input (a header and a body, a currency and an amount).
inline std::pair<std::string_view, std::string_view> Split(
    std::string_view text) {
  auto at = text.find('\0');
  if (at == std::string_view::npos) return {text, {}};
  return {text.substr(0, at), text.substr(at + 1)};
}

}  // namespace sanbao::fuzz
