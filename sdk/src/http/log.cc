#include "sanbao/http/log.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace sanbao {
inline namespace v1 {
namespace {

struct SecretName {
  std::string_view name;
  bool keeps_scheme;  // "IAF ***": the authorization scheme stays readable
};

constexpr std::array<SecretName, 18> kSecretNames{{
    {"proxy-authorization", true},
    {"authorization", true},
    {"auth", true},  // "auth=Basic dXNlcjpwYXNz"
    {"access_token", false},
    {"refresh_token", false},
    {"id_token", false},
    {"token", false},
    {"client_secret", false},
    {"client_assertion", false},
    {"secret", false},
    {"api_key", false},
    {"apikey", false},
    {"x-api-key", false},
    {"x-ebay-signature-key", false},
    {"cookie", false},
    {"set-cookie", false},
    {"password", false},
    {"code", false},
}};

constexpr std::string_view kMask = "***";

char Lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' ||
         c == '-' || c == '.';
}

bool StartsWithIgnoreCase(std::string_view text, std::size_t pos,
                          std::string_view name) {
  if (text.size() - pos < name.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (Lower(text[pos + i]) != name[i]) return false;
  }
  return true;
}

std::size_t SkipSpaces(std::string_view text, std::size_t pos) {
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
  return pos;
}

// Appends the masked form of `value` (keeping a leading scheme token when
// asked and the value has one).
void AppendMasked(std::string& out, std::string_view value, bool keeps_scheme) {
  if (keeps_scheme) {
    std::size_t space = value.find(' ');
    if (space != std::string_view::npos && space > 0) {
      out.append(value.substr(0, space + 1));
    }
  }
  out.append(kMask);
}

// Where a `name=value` value ends: query strings and form bodies are
// percent-encoded, so any of these ends it.
std::size_t EndOfFormValue(std::string_view text, std::size_t pos,
                           bool keeps_scheme) {
  std::size_t const start = pos;
  bool spaced = false;
  while (pos < text.size()) {
    char c = text[pos];
    if (c == '&' || c == ';' || c == '#' || c == '"' || c == '\'' || c == ',' ||
        c == '\r' || c == '\n' || c == '\t') {
      break;
    }
    // An unencoded "Authorization=IAF token" keeps going over the one
    // space after its scheme, and no further ("auth=Basic x status=400").
    if (c == ' ') {
      bool after_scheme =
          keeps_scheme && !spaced && pos > start &&
          std::all_of(text.begin() + static_cast<std::ptrdiff_t>(start),
                      text.begin() + static_cast<std::ptrdiff_t>(pos),
                      [](char s) {
                        return std::isalpha(static_cast<unsigned char>(s)) != 0;
                      });
      if (!after_scheme) break;
      spaced = true;
    }
    ++pos;
  }
  return pos;
}

// Tries to mask a secret whose name starts at `pos`. On success appends the
// name, separator and masked value to `out` and returns the position after
// the value; else returns 0.
std::size_t TryMask(std::string_view text, std::size_t pos, std::string& out) {
  if (pos > 0 && IsNameChar(text[pos - 1])) return 0;
  for (SecretName const& secret : kSecretNames) {
    if (!StartsWithIgnoreCase(text, pos, secret.name)) continue;
    std::size_t end_of_name = pos + secret.name.size();
    if (end_of_name < text.size() && IsNameChar(text[end_of_name])) continue;
    bool quoted = pos > 0 && text[pos - 1] == '"' &&
                  end_of_name < text.size() && text[end_of_name] == '"';
    if (quoted) {
      // JSON: "name" : "value" (or a bare scalar value).
      std::size_t colon = SkipSpaces(text, end_of_name + 1);
      if (colon >= text.size() || text[colon] != ':') continue;
      std::size_t value = SkipSpaces(text, colon + 1);
      out.append(text.substr(pos, value - pos));
      if (value < text.size() && text[value] == '"') {
        std::size_t end = value + 1;
        while (end < text.size() && text[end] != '"') {
          end += text[end] == '\\' ? 2 : 1;
        }
        end = std::min(end, text.size());
        out.push_back('"');
        AppendMasked(out, text.substr(value + 1, end - value - 1),
                     secret.keeps_scheme);
        if (end < text.size()) out.push_back('"');
        return end < text.size() ? end + 1 : end;
      }
      std::size_t end = value;
      while (end < text.size() && text[end] != ',' && text[end] != '}' &&
             text[end] != ']' && text[end] != '\n') {
        ++end;
      }
      if (end == value) return value;
      out.append(kMask);
      return end;
    }
    if (end_of_name < text.size() && text[end_of_name] == '=') {
      std::size_t value = end_of_name + 1;
      std::size_t end = EndOfFormValue(text, value, secret.keeps_scheme);
      out.append(text.substr(pos, value - pos));
      if (end > value) {
        AppendMasked(out, text.substr(value, end - value), secret.keeps_scheme);
      }
      return end;
    }
    std::size_t colon = SkipSpaces(text, end_of_name);
    if (colon < text.size() && text[colon] == ':') {
      // A header line: the value runs to the end of the line, unless it
      // was masked already ("Authorization: IAF *** (errorId 2004)"), so
      // that redacting twice changes nothing.
      std::size_t value = SkipSpaces(text, colon + 1);
      std::size_t masked = value;
      if (secret.keeps_scheme) {
        std::size_t space = text.find(' ', value);
        if (space != std::string_view::npos) masked = space + 1;
      }
      for (std::size_t at : {value, masked}) {
        if (text.compare(at, kMask.size(), kMask) == 0) {
          out.append(text.substr(pos, at + kMask.size() - pos));
          return at + kMask.size();
        }
      }
      std::size_t end = value;
      while (end < text.size() && text[end] != '\r' && text[end] != '\n') {
        ++end;
      }
      out.append(text.substr(pos, value - pos));
      if (end > value) {
        AppendMasked(out, text.substr(value, end - value), secret.keeps_scheme);
      }
      return end;
    }
  }
  return 0;
}

// "scheme://user:password@host": masks the user information.
std::size_t TryMaskUserInfo(std::string_view text, std::size_t pos,
                            std::string& out) {
  if (text.compare(pos, 3, "://") != 0) return 0;
  std::size_t start = pos + 3;
  std::size_t end = start;
  while (end < text.size() && text[end] != '@' && text[end] != '/' &&
         text[end] != '?' && text[end] != '#' && text[end] != ' ' &&
         text[end] != '"' && text[end] != '\r' && text[end] != '\n') {
    ++end;
  }
  if (end >= text.size() || text[end] != '@' || end == start) return 0;
  out.append("://");
  out.append(kMask);
  return end;
}

bool EndsToken(char c) {
  return c == ' ' || c == '"' || c == '\'' || c == ',' || c == '\r' ||
         c == '\n' || c == '\t' || c == '&' || c == ';' || c == '<' ||
         c == '>' || c == ')' || c == ']' || c == '}';
}

// Base64 that looks like a credential rather than a word: at least 8
// characters, with a digit, '+', '/', '=' or both cases ("Basic
// dXNlcjpwYXNz", not "basic authentication").
bool LooksLikeBase64Credential(std::string_view token) {
  if (token.size() < 8) return false;
  bool digit_or_sign = false, lower = false, upper = false;
  for (char c : token) {
    auto u = static_cast<unsigned char>(c);
    if (std::isdigit(u) || c == '+' || c == '/' || c == '=') {
      digit_or_sign = true;
    } else if (std::islower(u)) {
      lower = true;
    } else if (std::isupper(u)) {
      upper = true;
    } else {
      return false;
    }
  }
  return digit_or_sign || (lower && upper);
}

// A token whose shape gives it away wherever it stands: an eBay OAuth token
// ("v^1.1#i^1#..."), a JSON Web Token ("eyJ...x.y"), Basic credentials.
std::size_t TryMaskTokenShape(std::string_view text, std::size_t pos,
                              std::string& out) {
  if (pos > 0 && IsNameChar(text[pos - 1])) return 0;
  auto end_of_token = [&](std::size_t from) {
    while (from < text.size() && !EndsToken(text[from])) ++from;
    return from;
  };
  if (text.compare(pos, 6, "v^1.1#") == 0) {
    out.append(kMask);
    return end_of_token(pos);
  }
  if (text.compare(pos, 3, "eyJ") == 0) {
    std::size_t end = end_of_token(pos);
    auto token = text.substr(pos, end - pos);
    if (std::count(token.begin(), token.end(), '.') >= 2) {
      out.append(kMask);
      return end;
    }
  }
  if (StartsWithIgnoreCase(text, pos, "basic ")) {
    std::size_t value = pos + 6;
    std::size_t end = end_of_token(value);
    if (LooksLikeBase64Credential(text.substr(value, end - value))) {
      out.append(text.substr(pos, 6));
      out.append(kMask);
      return end;
    }
  }
  return 0;
}

// A bearer-style credential outside any header or parameter:
// "... Bearer eyJhbGci..." or "... IAF v^1.1#i^1...".
std::size_t TryMaskBareScheme(std::string_view text, std::size_t pos,
                              std::string& out) {
  if (pos > 0 && IsNameChar(text[pos - 1])) return 0;
  for (std::string_view scheme :
       {std::string_view("bearer "), std::string_view("iaf ")}) {
    if (!StartsWithIgnoreCase(text, pos, scheme)) continue;
    std::size_t value = pos + scheme.size();
    std::size_t end = value;
    while (end < text.size() && text[end] != ' ' && text[end] != '"' &&
           text[end] != '\'' && text[end] != ',' && text[end] != '\r' &&
           text[end] != '\n' && text[end] != '\t') {
      ++end;
    }
    auto credential = text.substr(value, end - value);
    if (credential.empty() || credential == kMask) return 0;
    // Prose ("IAF token supplied is expired"), not a credential.
    if (std::all_of(credential.begin(), credential.end(),
                    [](char c) { return c >= 'a' && c <= 'z'; })) {
      return 0;
    }
    out.append(text.substr(pos, scheme.size()));
    out.append(kMask);
    return end;
  }
  return 0;
}

}  // namespace

std::string RedactForLog(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t next = TryMask(text, pos, out);
    if (next == 0) next = TryMaskUserInfo(text, pos, out);
    if (next == 0) next = TryMaskBareScheme(text, pos, out);
    if (next == 0) next = TryMaskTokenShape(text, pos, out);
    if (next != 0) {
      pos = next;
      continue;
    }
    out.push_back(text[pos]);
    ++pos;
  }
  return out;
}

}  // namespace v1
}  // namespace sanbao
