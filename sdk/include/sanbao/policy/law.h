#pragma once

// The law as data, read-only: what the compiled-in jurisdiction records
// (sdk/data/jurisdictions, docs/guides/jurisdiction-data.md) say, rule by
// rule, with their sources, validity and confidence. For people and tools
// that show the law; the PolicyEngine applies it.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sanbao/status_or.h"
#include "sanbao/time.h"

namespace sanbao {
inline namespace v1 {

/// One jurisdiction or marketplace-policy record.
struct JurisdictionSummary {
  std::string id;    ///< "DE", "US-CA", "MP-EBAY"
  std::string name;  ///< "Germany"
  /// "statute", "statute_baseline" (e.g. EU) or "marketplace_policy".
  std::string kind;
  std::string parent;  ///< the record it inherits from, or empty
  std::vector<std::string> applies_to;  ///< ISO codes
  /// The record's own holiday calendar id; empty for records without one
  /// (a baseline uses the buyer's calendar, a marketplace the buyer's law's).
  std::string calendar;
  /// How the record was checked: "confirmed", "secondary", "memory" or
  /// "mixed".
  std::string confidence;
};

/// One element of a rule: the withdrawal period, an exemption, a guarantee
/// stage, ...
struct LawElement {
  std::string rule;   ///< "withdrawal", "guarantee" or "policy"
  std::string key;    ///< stable, e.g. "period", "exemption", "stage"
  std::string label;  ///< short, for people: "period", "exempt", "remedy"
  std::string text;   ///< what the element says, in words
  /// Source ids the element cites itself; empty when it rests on its rule's
  /// sources.
  std::vector<std::string> sources;
  /// In force for contracts concluded on or after valid_from and before
  /// valid_to (exclusive); unset ends are open.
  std::optional<CivilDate> valid_from;
  std::optional<CivilDate> valid_to;
  /// How the element was checked: "confirmed", "secondary" or "memory" (or
  /// "mixed"); its own where the data gives one, else its rule's.
  std::string confidence;
};

/// A rule of a record ("withdrawal", "guarantee", "policy") and its elements.
struct LawRule {
  std::string name;
  std::vector<std::string> sources;  ///< the rule's source ids
  std::vector<LawElement> elements;
  /// How the rule was checked; its own where the data gives one, else the
  /// record's.
  std::string confidence;
};

struct LawSource {
  std::string id;
  std::string title;
  std::string where;  ///< a URL, or a repository reference
  /// A commentary or summary kept as a note: never the citation a decision
  /// shows a buyer (the official text is).
  bool secondary = false;
};

struct JurisdictionView {
  std::string query;  ///< the code asked for, as given
  /// How the query led to the record, empty when it is the record's id:
  /// "GB is recorded as UK", "DE-BY has no record of its own; DE applies".
  std::string resolution;
  JurisdictionSummary jurisdiction;
  std::optional<CivilDate> as_of;
  /// Every rule with the elements in force on `as_of` (all when unset).
  std::vector<LawRule> rules;
  /// Elements not in force on `as_of`, with their validity.
  std::vector<LawElement> left_out;
  /// Every source the rules and left-out elements cite, sorted by id.
  std::vector<LawSource> sources;
  std::vector<std::string> notes;
};

/// Every record, sorted by id. Errors: kInternal, reason
/// JURISDICTION_DATA_INVALID, if the compiled-in data failed validation.
StatusOr<std::vector<JurisdictionSummary>> ListJurisdictions();

/// The record for `code` (a record id, "GB" for UK, or an ISO code such as
/// "DE-BY" or "AT", resolved to the record the engine applies to a buyer
/// there) and its rules; with `as_of`, only what is in force for a contract
/// concluded that day. Errors: kNotFound, reason JURISDICTION_UNKNOWN, with
/// near matches in the message.
StatusOr<JurisdictionView> DescribeJurisdiction(
    std::string_view code, std::optional<CivilDate> as_of = std::nullopt);

}  // namespace v1
}  // namespace sanbao
