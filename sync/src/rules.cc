#include "sanbao/sync/rules.h"

#include "internal/decision_json.h"
#include "internal/json_util.h"

namespace sanbao {
inline namespace v1 {

using internal::DataError;
using internal::FailAt;
using internal::ObjectReader;

StatusOr<SellerRules> ParseSellerRules(std::string_view json) {
  try {
    auto root = internal::ParseJson(json, "rules");
    ObjectReader r(root, "rules");
    SellerRules rules;
    if (auto s = r.OptionalObject("seller")) {
      rules.seller = internal::ReadSeller(*std::move(s));
    }
    if (auto a = r.OptionalObject("auto_approve")) {
      rules.auto_approve_eligible = a->Bool("when_eligible", true);
      rules.approve_without_limit = a->Bool("without_limit", false);
      if (auto m = a->OptionalObject("max_value")) {
        for (auto const& currency : m->Keys()) {
          auto path = m->PathOf(currency);
          auto amount = internal::AsString(m->Require(currency), path);
          auto money = Money::Parse(amount, currency);
          if (!money) FailAt(path, money.status().message());
          if (money->is_negative()) FailAt(path, "must not be negative");
          rules.auto_approve_max.emplace(currency, *money);
        }
      }
      a->Finish();
    }
    rules.decline_ineligible = r.Bool("decline_ineligible", false);
    rules.refund_on_receipt = r.Bool("refund_on_receipt", true);
    rules.restocking_fee_percent = static_cast<int>(
        r.OptionalInt("restocking_fee_percent", 0, 100).value_or(0));
    if (auto c = r.OptionalObject("comments")) {
      if (auto v = c->OptionalString("approve")) rules.approve_comment = *v;
      if (auto v = c->OptionalString("decline")) rules.decline_comment = *v;
      if (auto v = c->OptionalString("refund")) rules.refund_comment = *v;
      c->Finish();
    }
    r.Finish();
    return rules;
  } catch (DataError const& e) {
    return InvalidArgumentError(
        (e.path.empty() ? "" : e.path + ": ") + e.message, "RULES_INVALID",
        {{"field", e.path}});
  }
}

}  // namespace v1
}  // namespace sanbao
