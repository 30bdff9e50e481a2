#include <algorithm>
#include <cctype>

#include "sanbao/http/http.h"

namespace sanbao {
inline namespace v1 {
bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<std::string_view> FindHeader(HttpHeaders const& headers,
                                           std::string_view name) {
  for (auto const& h : headers) {
    if (EqualsIgnoreAsciiCase(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

std::vector<StatusOr<HttpResponse>> HttpTransport::SendAll(
    std::span<HttpRequest const> requests) {
  std::vector<StatusOr<HttpResponse>> results;
  results.reserve(requests.size());
  for (auto const& request : requests) results.push_back(Send(request));
  return results;
}

void SetHeader(HttpHeaders& headers, std::string_view name, std::string value) {
  std::erase_if(headers, [&](HttpHeader const& h) {
    return EqualsIgnoreAsciiCase(h.name, name);
  });
  headers.push_back({std::string(name), std::move(value)});
}

}  // namespace v1
}  // namespace sanbao
