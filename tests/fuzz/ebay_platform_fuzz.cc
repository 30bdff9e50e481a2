// eBay Platform Notifications: the SOAP envelope the webhook server reads.
#include "fuzz_input.h"
#include "sanbao/ebay/notifications.h"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data,
                                      std::size_t size) {
  using namespace sanbao::ebay;
  auto n = ParsePlatformNotification(sanbao::fuzz::Text(data, size));
  if (n) (void)PlatformNotificationEventId(*n);
  return 0;
}
