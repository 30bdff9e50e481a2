// Amounts and dates as users and marketplaces write them: Money::Parse with
// a currency code, Decimal::Parse, ParseCivilDate, ParseInstant, and
// arithmetic on what parses.
#include "fuzz_input.h"
#include "sanbao/decimal.h"
#include "sanbao/money.h"
#include "sanbao/time.h"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data,
                                      std::size_t size) {
  using namespace sanbao;
  auto [code, amount] = fuzz::Split(fuzz::Text(data, size, 4096));
  auto money = Money::Parse(amount, code);
  if (money) {
    (void)money->Add(*money);
    (void)money->Subtract(*money);
    (void)money->ToString();
  }
  if (auto d = Decimal::Parse(amount)) (void)d->ToString();
  if (auto date = ParseCivilDate(amount)) (void)FormatCivilDate(*date);
  if (auto at = ParseInstant(amount)) (void)FormatInstant(*at);
  return 0;
}
