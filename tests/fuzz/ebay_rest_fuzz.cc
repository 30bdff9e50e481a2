// eBay REST bodies as the connector reads them: a post-order return search
// page, a return's detail, a Fulfillment order (first byte picks which).
#include "fuzz_input.h"
#include "wire.h"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data,
                                      std::size_t size) {
  using namespace sanbao::ebay::internal;
  if (size == 0) return 0;
  auto const body = sanbao::fuzz::Text(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      (void)ParseSearchPage(body);
      break;
    case 1: {
      ReturnExtras extras;
      (void)ParseReturnDetail(body, &extras);
      break;
    }
    default:
      (void)ParseOrder(body);
  }
  return 0;
}
