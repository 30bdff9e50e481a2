// A seller's rules file (`sanbao sync --rules`).
#include "fuzz_input.h"
#include "sanbao/sync/rules.h"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data,
                                      std::size_t size) {
  (void)sanbao::ParseSellerRules(sanbao::fuzz::Text(data, size));
  return 0;
}
