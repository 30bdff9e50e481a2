#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sanbao/policy/decision.h"
#include "sanbao/status_or.h"

namespace sanbao {
inline namespace v1 {

/// Decides what a buyer may do, until when and who pays, from the law of the
/// buyer's jurisdiction, the marketplace's policy and the seller's posted
/// policy (in that order; a policy may extend a statutory right, never cut
/// it), and explains why with citations.
///
/// The rules are the data in sdk/data/jurisdictions (compiled in, validated
/// once, immutable). A PolicyEngine is cheap to copy and safe to use from
/// many threads at once.
class PolicyEngine {
 public:
  /// The engine over the compiled-in data. Errors: kInternal, reason
  /// JURISDICTION_DATA_INVALID, if that data failed validation.
  static StatusOr<PolicyEngine> Create();

  /// Errors: kInvalidArgument for a request that cannot be decided (unknown
  /// jurisdiction, time zone or item id, mixed currencies, ...), with a
  /// stable reason and the field in the metadata.
  StatusOr<Decision> Decide(DecisionRequest const& request) const;

  /// Ids of every jurisdiction and marketplace-policy record, sorted.
  std::vector<std::string> JurisdictionIds() const;

  struct Impl;

 private:
  explicit PolicyEngine(std::shared_ptr<Impl const> impl)
      : impl_(std::move(impl)) {}
  std::shared_ptr<Impl const> impl_;
};

}  // namespace v1
}  // namespace sanbao
