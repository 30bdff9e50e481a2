#pragma once

// The seller's own rules for the sync: what to do with a return once the
// policy engine has decided what the buyer may do (docs/guides/sync.md).
//
//   {
//     "seller": {"jurisdiction": "US", "withdrawal_info": "given",
//                "return_cost_info": "buyer_pays",
//                "posted_policy": {"return_days": 30, "refund": "cash"}},
//     "auto_approve": {"when_eligible": true,
//                      "max_value": {"USD": "150.00", "EUR": "140.00"}},
//     "decline_ineligible": false,
//     "refund_on_receipt": true,
//     "restocking_fee_percent": 10,
//     "comments": {"approve": "...", "decline": "...", "refund": "..."}
//   }
//
// Every key is optional; unknown keys are errors (a misspelt rule must not
// silently do nothing).

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "sanbao/money.h"
#include "sanbao/policy/decision.h"
#include "sanbao/status_or.h"

namespace sanbao {
inline namespace v1 {

struct SellerRules {
  /// The seller as the policy engine sees it. An empty jurisdiction takes
  /// the country of the seller's address on each return.
  Seller seller{};

  /// Approve returns the law or a policy lets the buyer make ...
  bool auto_approve_eligible = true;
  /// ... when worth at most this much, by currency of the seller's amount.
  /// A currency missing here (or an empty map) sets no limit only if
  /// `approve_without_limit` is true; otherwise such returns wait for a
  /// person.
  std::map<std::string, Money, std::less<>> auto_approve_max{};
  bool approve_without_limit = false;
  /// Decline returns that no statute or policy covers. Off by default: a
  /// decline is a judgement a seller should opt into.
  bool decline_ineligible = false;
  /// Refund once the marketplace reports the item delivered back.
  bool refund_on_receipt = true;
  /// Restocking fee deducted from the item price where the return rests on
  /// the seller's own policy or on a statute that permits one; never on a
  /// statutory withdrawal that forbids it, a legal-guarantee claim or the
  /// marketplace's guarantee.
  int restocking_fee_percent = 0;

  std::string approve_comment = "Return approved.";
  std::string decline_comment = "This return is outside the return policy.";
  std::string refund_comment = "Refund issued on receipt of the item.";
};

/// Errors: kInvalidArgument, reason RULES_INVALID, metadata "field".
StatusOr<SellerRules> ParseSellerRules(std::string_view json);

}  // namespace v1
}  // namespace sanbao
