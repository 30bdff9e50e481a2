#pragma once

#include "sanbao/http/http.h"

namespace sanbao {
inline namespace v1 {
namespace ebay {
namespace internal {

/// The request headers worth keeping with a stored event: everything but
/// credentials and hop-by-hop fields.
HttpHeaders HeadersToKeep(HttpHeaders const& headers);

}  // namespace internal
}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
