#pragma once

// A std-only logging hook for the HTTP stack and the redaction every line
// passes through before it reaches the hook.

#include <functional>
#include <string>
#include <string_view>

namespace sanbao {
inline namespace v1 {

/// Receives one line of text per event (one line per attempt for the
/// retrying transport, one per exchange for the curl transport). Lines are
/// already redacted. Called on the thread that sends the request; a sink
/// shared between transports must be thread-safe itself.
using HttpLogSink = std::function<void(std::string_view line)>;

/// Masks secrets in `text` (a URL, a header line, a form or JSON body, or a
/// whole log line) with "***":
///
///   - `Authorization` and `Proxy-Authorization` values keep their scheme:
///     "Authorization: IAF v^1.1#..." becomes "Authorization: IAF ***";
///   - the values of `access_token`, `refresh_token`, `id_token`, `token`,
///     `client_secret`, `client_assertion`, `secret`, `api_key`, `apikey`,
///     `x-api-key`, `x-ebay-signature-key`, `cookie`, `set-cookie`, `code`
///     and `password` (and `auth` and the two authorization names, which
///     keep their scheme: "auth=Basic ***") wherever they appear as
///     `name=value` (query strings, form bodies), `name: value` (header
///     lines, to the end of the line) or `"name": "value"` (JSON).
///
/// Also masked, wherever they stand: the user information of a URL
/// ("https://***@host/"), a credential after a bare "Bearer " or "IAF ",
/// Basic credentials ("Basic dXNlcjpwYXNz": base64 of 8 characters or more
/// that is not a plain word), eBay OAuth tokens ("v^1.1#...") and JSON Web
/// Tokens ("eyJ...", three dot-separated parts). Every message that quotes
/// a remote answer passes through here.
///
/// Names match ASCII case-insensitively and only as whole names
/// ("error_code=" is not masked; "code=" is).
std::string RedactForLog(std::string_view text);

}  // namespace v1
}  // namespace sanbao
