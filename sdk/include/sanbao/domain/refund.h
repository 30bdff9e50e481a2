#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sanbao/decimal.h"
#include "sanbao/money.h"
#include "sanbao/time.h"

namespace sanbao {
inline namespace v1 {

/// What a refund gives back for one order line.
struct RefundLine {
  std::string order_line_id{};
  int quantity = 0;
  Money amount{};  ///< net of prorated discounts, excluding tax
  Money tax{};     ///< the tax of those units, from the stored allocation
};

/// A lawful deduction, with the basis that allows it.
struct Deduction {
  enum class Kind { kDiminishedValue, kReturnPostage, kRestockingFee, kOther };
  Kind kind = Kind::kOther;
  Money amount{};             ///< positive; subtracted from the refund
  std::string legal_basis{};  ///< e.g. "CRD Art. 14(2)"
  std::string evidence{};     ///< inspection report, photos, ... where needed
};

/// The part of a refund paid back to one tender.
struct TenderRefund {
  std::string tender_id{};
  Money amount{};
};

/// A currency conversion applied to a refund: the rate, where it came from
/// and when it was valid.
struct FxConversion {
  std::string from_currency{};
  std::string to_currency{};
  Decimal rate{};        ///< units of `to` per unit of `from`
  std::string source{};  ///< "ECB", "PSP", ...
  CivilDate as_of{};
  /// The refund's total in `to_currency`, rounded half-up once (the euro
  /// conversion rule of Regulation 1103/97 Art. 5); empty until computed.
  std::optional<Money> amount{};
};

struct Refund {
  std::string id{};
  std::string order_id{};
  std::string return_id{};  ///< empty for a refund without return
  std::vector<RefundLine> lines{};
  std::optional<Money> shipping{};  ///< outbound shipping refunded
  std::optional<Money> shipping_tax{};
  std::vector<Deduction> deductions{};
  Money total{};  ///< lines + tax + shipping - deductions
  std::vector<TenderRefund> tenders{};
  std::optional<FxConversion> conversion{};
  std::int64_t loyalty_points_reversed = 0;
  std::optional<CivilDate> due_by{};  ///< from the decision engine
  std::string idempotency_key{};
  Instant created_at{};
};

}  // namespace v1
}  // namespace sanbao
