#include "headers.h"

#include <algorithm>
#include <string_view>

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace internal {
namespace {

bool IEquals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    };
    return lower(x) == lower(y);
  });
}

}  // namespace

HttpHeaders HeadersToKeep(HttpHeaders const& headers) {
  HttpHeaders kept;
  for (auto const& h : headers) {
    bool drop = false;
    for (std::string_view name :
         {"authorization", "cookie", "proxy-authorization", "connection",
          "keep-alive", "transfer-encoding", "upgrade", "te"}) {
      if (IEquals(h.name, name)) drop = true;
    }
    if (!drop) kept.push_back(h);
  }
  return kept;
}

}  // namespace internal
}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
