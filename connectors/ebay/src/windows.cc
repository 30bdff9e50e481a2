#include "sanbao/ebay/windows.h"

#include <map>
#include <string>

namespace sanbao {
inline namespace v1 {
namespace ebay {

Instant EarliestCreationFrom(Instant now) { return now - kMaxLookback; }

StatusOr<std::vector<CreationWindow>> SplitCreationWindow(
    Instant from, Instant to, Instant now, std::chrono::days slice,
    LookbackPolicy policy) {
  auto const earliest = EarliestCreationFrom(now);
  auto metadata = [&] {
    return std::map<std::string, std::string>{
        {"from", FormatInstant(from)},
        {"to", FormatInstant(to)},
        {"earliest", FormatInstant(earliest)}};
  };
  if (from > to) {
    return InvalidArgumentError("the window's start is after its end",
                                "EBAY_WINDOW_INVALID", metadata());
  }
  if (slice.count() <= 0) {
    return InvalidArgumentError("the slice length must be positive",
                                "EBAY_WINDOW_INVALID", metadata());
  }
  if (to < earliest || (from < earliest && policy == LookbackPolicy::kError)) {
    return OutOfRangeError(
        "eBay's return search reaches back at most 18 months",
        "EBAY_WINDOW_TOO_OLD", metadata());
  }
  if (from < earliest) from = earliest;

  std::vector<CreationWindow> windows;
  auto const step = std::chrono::duration_cast<std::chrono::seconds>(slice);
  for (Instant start = from;;) {
    // `to - start` cannot overflow: both are within the checked range.
    if (to - start <= step) {
      windows.push_back({start, to});
      break;
    }
    windows.push_back({start, start + step});
    start += step;
  }
  return windows;
}

}  // namespace ebay
}  // namespace v1
}  // namespace sanbao
