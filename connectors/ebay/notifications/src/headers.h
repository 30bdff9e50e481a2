#pragma once

#include "sanbao/http/http.h"

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace internal {

/// The request headers worth keeping with a stored event: hop-by-hop fields
/// dropped, credentials redacted (sanbao::RedactHeaders).
HttpHeaders HeadersToKeep(HttpHeaders const& headers);

}  // namespace internal
}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
