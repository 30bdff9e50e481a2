// Compares Allocate with npm dinero.js on the committed fixture
// tests/fixtures/money/dinero_allocate.json
// (tools/money/gen_dinero_fixture.mjs).
//
// Why the algorithms differ: dinero.js 2.x `allocate` truncates every share
// toward zero and then hands the leftover units to the parts with the
// largest *ratios* (src/core/utils/distribute.ts sorts the non-zero ratios
// with `greaterThan(a.ratio, b.ratio) ? -1 : 1`; docs:
// https://www.dinerojs.com/api/mutations/allocate, "distribute the remainder
// as evenly as possible"). Our default, the largest-remainder (Hamilton)
// method, hands them to the parts with the largest *fractional quotas*
// instead, which is the apportionment that keeps every part closest to its
// exact share. Both start from the same truncated shares and add at most one
// unit per part, so they sum to the same whole and differ by at most one
// minor unit per part. AllocationMethod::kLargestWeightFirst reproduces
// dinero.js 2.x exactly. (dinero.js 1.x used Math.floor and handed the
// leftover to the first parts in argument order; that is our kSequential for
// non-negative amounts.)

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sanbao/money.h"

namespace sanbao {
namespace {

struct DineroCase {
  std::string name;
  std::string currency;
  std::int64_t amount;
  std::vector<std::int64_t> weights;
  std::vector<std::int64_t> shares;
};

struct Fixture {
  std::string version;
  std::vector<DineroCase> cases;
};

Fixture LoadFixture() {
  std::string path = std::string(SANBAO_SOURCE_DIR) +
                     "/tests/fixtures/money/dinero_allocate.json";
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  std::stringstream text;
  text << in.rdbuf();
  boost::json::value root = boost::json::parse(text.str());
  auto const& obj = root.as_object();
  Fixture fixture;
  fixture.version = std::string(obj.at("version").as_string());
  for (auto const& item : obj.at("cases").as_array()) {
    auto const& c = item.as_object();
    DineroCase dc;
    dc.name = std::string(c.at("name").as_string());
    dc.currency = std::string(c.at("currency").as_string());
    dc.amount = std::stoll(std::string(c.at("amount").as_string()));
    for (auto const& w : c.at("weights").as_array()) {
      dc.weights.push_back(w.to_number<std::int64_t>());
    }
    for (auto const& s : c.at("shares").as_array()) {
      dc.shares.push_back(std::stoll(std::string(s.as_string())));
    }
    fixture.cases.push_back(std::move(dc));
  }
  return fixture;
}

Fixture const& GetFixture() {
  static Fixture const* fixture = new Fixture(LoadFixture());
  return *fixture;
}

TEST(MoneyDinero, FixtureIsCurrentStableV2) {
  Fixture const& f = GetFixture();
  EXPECT_EQ(f.version.substr(0, 2), "2.");
  EXPECT_GE(f.cases.size(), 400u);
}

TEST(MoneyDinero, LargestWeightFirstEqualsDinero) {
  for (DineroCase const& c : GetFixture().cases) {
    auto amount = Money::FromMinorUnits(c.amount, c.currency);
    ASSERT_TRUE(amount.ok()) << c.name;
    auto parts =
        Allocate(*amount, c.weights, AllocationMethod::kLargestWeightFirst);
    ASSERT_TRUE(parts.ok()) << c.name << " " << parts.status();
    ASSERT_EQ(parts->size(), c.shares.size()) << c.name;
    for (std::size_t i = 0; i < c.shares.size(); ++i) {
      EXPECT_EQ((*parts)[i].minor_units(), c.shares[i])
          << c.name << " part " << i;
    }
  }
}

TEST(MoneyDinero, LargestRemainderSumsToTheSameWholeWithinOneUnit) {
  int differing_cases = 0;
  for (DineroCase const& c : GetFixture().cases) {
    auto parts = Allocate(Money::FromMinorUnits(c.amount, c.currency).value(),
                          c.weights);
    ASSERT_TRUE(parts.ok()) << c.name;
    __extension__ __int128 ours = 0;
    __extension__ __int128 theirs = 0;
    bool differs = false;
    for (std::size_t i = 0; i < c.shares.size(); ++i) {
      std::int64_t a = (*parts)[i].minor_units();
      ours += a;
      theirs += c.shares[i];
      __extension__ __int128 diff = static_cast<__int128>(a) - c.shares[i];
      EXPECT_TRUE(diff >= -1 && diff <= 1) << c.name << " part " << i;
      differs |= diff != 0;
    }
    EXPECT_TRUE(ours == theirs) << c.name;
    EXPECT_TRUE(ours == c.amount) << c.name;
    differing_cases += differs ? 1 : 0;
  }
  // The two methods really are different (e.g. 5 split 30/70), so the
  // comparison above is not vacuous.
  EXPECT_GT(differing_cases, 0);
}

TEST(MoneyDinero, SequentialDiffersOnlyInWhereTheLeftoverGoes) {
  for (DineroCase const& c : GetFixture().cases) {
    auto parts = Allocate(Money::FromMinorUnits(c.amount, c.currency).value(),
                          c.weights, AllocationMethod::kSequential);
    ASSERT_TRUE(parts.ok()) << c.name;
    for (std::size_t i = 0; i < c.shares.size(); ++i) {
      std::int64_t diff = (*parts)[i].minor_units() - c.shares[i];
      EXPECT_TRUE(diff >= -1 && diff <= 1) << c.name << " part " << i;
    }
  }
}

}  // namespace
}  // namespace sanbao
