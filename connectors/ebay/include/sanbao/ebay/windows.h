#pragma once

// The Post-Order search's creation-date window. `creation_date_range_from`
// may reach at most 18 months into the past
// (eBay Post-Order API: Search Returns,
// https://developer.ebay.com/devzone/post-order/post-order_v2_return_search__get.html);
// a sync over a longer span splits it into slices.

#include <chrono>
#include <vector>

#include "sanbao/status_or.h"
#include "sanbao/time.h"

namespace sanbao {
inline namespace v1 {
namespace ebay {

/// The shortest 18 calendar months (Sep 1 to Mar 1 across a non-leap
/// February: 546 days). ReturnsCapabilities::max_lookback.
inline constexpr std::chrono::days kMaxLookback{546};

/// The earliest `creation_date_range_from` eBay accepts at `now`:
/// now - kMaxLookback.
Instant EarliestCreationFrom(Instant now);

/// One search window, both ends inclusive (as eBay treats them).
struct CreationWindow {
  Instant from{};
  Instant to{};
  friend bool operator==(CreationWindow const&,
                         CreationWindow const&) = default;
};

enum class LookbackPolicy {
  /// Move `from` forward to EarliestCreationFrom(now): returns filed before
  /// it can no longer be listed (they may still be read by id).
  kClamp,
  /// Fail with EBAY_WINDOW_TOO_OLD instead.
  kError,
};

/// Splits [from, to] into consecutive windows of at most `slice` each, in
/// ascending order. Adjacent windows share their boundary instant (the
/// search's ends are inclusive and its timestamps have milliseconds, so a
/// gap of one second could lose returns); a return filed exactly on a
/// boundary is listed twice and the caller dedups by return id.
///
/// Errors: kInvalidArgument EBAY_WINDOW_INVALID (from > to, slice <= 0);
/// kOutOfRange EBAY_WINDOW_TOO_OLD (all of the window is older than eBay
/// allows, or with kError any of it), metadata "from", "to", "earliest".
StatusOr<std::vector<CreationWindow>> SplitCreationWindow(
    Instant from, Instant to, Instant now,
    std::chrono::days slice = std::chrono::days(30),
    LookbackPolicy policy = LookbackPolicy::kClamp);

}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
