// The compiled-in ISO 4217 table (sdk/src/iso4217_table.inc) must equal
// sdk/data/iso4217.json exactly; tools/gen_iso4217.py regenerates it.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>

#include "sanbao/currency.h"
#include "sanbao/money.h"

namespace sanbao {
namespace {

boost::json::value LoadJson() {
  std::string path = std::string(SANBAO_SOURCE_DIR) + "/sdk/data/iso4217.json";
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  std::stringstream text;
  text << in.rdbuf();
  return boost::json::parse(text.str());
}

TEST(MoneyIso4217, CompiledTableEqualsJson) {
  boost::json::value root = LoadJson();
  auto const& rows = root.as_object().at("currencies").as_array();
  std::map<std::string, boost::json::object> by_code;
  for (auto const& row : rows) {
    auto const& obj = row.as_object();
    std::string code(obj.at("code").as_string());
    ASSERT_TRUE(by_code.emplace(code, obj).second) << "duplicate " << code;
  }
  ASSERT_EQ(Currency::All().size(), by_code.size());
  auto it = by_code.begin();
  for (Currency const& currency : Currency::All()) {
    ASSERT_EQ(currency.code(), it->first);  // same codes, same order
    auto const& obj = it->second;
    EXPECT_EQ(currency.numeric_code(),
              std::stoi(std::string(obj.at("numeric").as_string())))
        << it->first;
    std::optional<int> units;
    if (!obj.at("minor_units").is_null()) {
      units = static_cast<int>(obj.at("minor_units").as_int64());
    }
    EXPECT_EQ(currency.minor_units(), units) << it->first;
    EXPECT_EQ(currency.is_fund(), obj.at("fund").as_bool()) << it->first;
    EXPECT_EQ(currency.name(), std::string_view(obj.at("name").as_string()))
        << it->first;
    // Every code is found by both lookups.
    EXPECT_EQ(Currency::Find(currency.code()).value(), currency);
    EXPECT_EQ(Currency::FindByNumeric(currency.numeric_code()).value(),
              currency);
    ++it;
  }
}

TEST(MoneyIso4217, WithdrawnCodesAreUnknown) {
  boost::json::value root = LoadJson();
  auto const& rows =
      root.as_object().at("recently_withdrawn_for_reference").as_array();
  ASSERT_FALSE(rows.empty());
  for (auto const& row : rows) {
    std::string code(row.as_object().at("code").as_string());
    EXPECT_EQ(Currency::Find(code).status().reason(), "CURRENCY_UNKNOWN")
        << code;
  }
}

TEST(MoneyIso4217, DistributionMatchesResearchNote) {
  // ISO 4217 Table A.1 (SIX, list-one.xml, via datasets/currency-codes
  // data/codes-all.csv, https://github.com/datasets/currency-codes): 2 -> 139
  // codes, 0 -> 17, 3 -> 7, 4 -> 2, N.A. -> 13 (178 in all).
  std::map<int, int> counts;
  for (Currency const& c : Currency::All())
    ++counts[c.minor_units().value_or(-1)];
  EXPECT_EQ(counts[2], 139);
  EXPECT_EQ(counts[0], 17);
  EXPECT_EQ(counts[3], 7);
  EXPECT_EQ(counts[4], 2);
  EXPECT_EQ(counts[-1], 13);
  EXPECT_NE(Currency::TableSource().find("ab9b0ae"), std::string_view::npos);
}

TEST(MoneyIso4217, EveryCurrencyRoundTrips) {
  for (Currency const& c : Currency::All()) {
    if (!c.minor_units()) continue;
    for (std::int64_t minor :
         {std::int64_t{0}, std::int64_t{1}, std::int64_t{-123456789}, INT64_MAX,
          INT64_MIN}) {
      Money m = Money::FromMinorUnits(minor, c).value();
      auto back = Money::Parse(m.ToString(), c);
      ASSERT_TRUE(back.ok()) << m << " " << back.status();
      EXPECT_EQ(*back, m);
    }
  }
}

}  // namespace
}  // namespace sanbao
