#include "headers.h"

#include "sanbao/webhooks/webhook.h"

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace internal {

HttpHeaders HeadersToKeep(HttpHeaders const& headers) {
  HttpHeaders kept = headers;
  RedactHeaders(kept);
  return kept;
}

}  // namespace internal
}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
