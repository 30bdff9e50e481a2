// Allocate / Split: worked examples, errors, and seeded property tests.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "sanbao/money.h"

namespace sanbao {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

__extension__ typedef __int128 Int128;

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

Money Minor(std::int64_t minor, std::string_view code = "EUR") {
  return Money::FromMinorUnits(minor, code).value();
}

std::vector<std::int64_t> Units(StatusOr<std::vector<Money>> const& parts) {
  std::vector<std::int64_t> out;
  if (!parts.ok()) {
    ADD_FAILURE() << parts.status();
    return out;
  }
  for (Money const& m : *parts) out.push_back(m.minor_units());
  return out;
}

std::vector<std::int64_t> Alloc(
    std::int64_t minor, std::vector<std::int64_t> const& weights,
    AllocationMethod method = AllocationMethod::kLargestRemainder) {
  return Units(Allocate(Minor(minor), weights, method));
}

constexpr AllocationMethod kMethods[] = {AllocationMethod::kLargestRemainder,
                                         AllocationMethod::kSequential,
                                         AllocationMethod::kLargestWeightFirst};

TEST(MoneyAllocate, WorkedExamples) {
  EXPECT_THAT(Units(Allocate(Minor(1000), {1, 1, 1})),
              ElementsAre(334, 333, 333));
  EXPECT_THAT(Units(Split(Minor(800, "USD"), 3)), ElementsAre(267, 267, 266));
  // The golden order of tests/support/order_fixtures.h: a 10.00 discount
  // split over line totals 59.97 and 45.00 gives 5.71 and 4.29.
  EXPECT_THAT(Alloc(1000, {5997, 4500}), ElementsAre(571, 429));
  EXPECT_THAT(Alloc(5426, {1, 1, 1}), ElementsAre(1809, 1809, 1808));
  EXPECT_THAT(Alloc(866, {1, 1, 1}), ElementsAre(289, 289, 288));
  // Largest remainder beats the sequential method on 10 split 3/3/4:
  // quotas 3, 3, 4 exactly; and on 11 split 1/1/1/7 (quotas 1.1 1.1 1.1
  // 7.7) the unit goes to the 0.7 remainder.
  EXPECT_THAT(Alloc(11, {1, 1, 1, 7}), ElementsAre(1, 1, 1, 8));
  EXPECT_THAT(Alloc(11, {1, 1, 1, 7}, AllocationMethod::kSequential),
              ElementsAre(2, 1, 1, 7));
  EXPECT_THAT(Alloc(11, {1, 1, 1, 7}, AllocationMethod::kLargestWeightFirst),
              ElementsAre(1, 1, 1, 8));
  // moneyphp doc/features/allocation.rst: 5 cents 70/30 -> [4, 1] and
  // 30/70 -> [2, 3] with the sequential method.
  EXPECT_THAT(Alloc(5, {70, 30}, AllocationMethod::kSequential),
              ElementsAre(4, 1));
  EXPECT_THAT(Alloc(5, {30, 70}, AllocationMethod::kSequential),
              ElementsAre(2, 3));
  // Ties in the remainder go to the lower index.
  EXPECT_THAT(Alloc(5, {30, 70}), ElementsAre(2, 3));
  EXPECT_THAT(Alloc(5, {30, 70}, AllocationMethod::kLargestWeightFirst),
              ElementsAre(1, 4));
}

TEST(MoneyAllocate, NegativeAmountsAreSymmetric) {
  EXPECT_THAT(Alloc(-1000, {1, 1, 1}), ElementsAre(-334, -333, -333));
  EXPECT_THAT(Alloc(-11, {1, 1, 1, 7}), ElementsAre(-1, -1, -1, -8));
  EXPECT_THAT(Alloc(-5, {30, 70}, AllocationMethod::kSequential),
              ElementsAre(-2, -3));
}

TEST(MoneyAllocate, ZeroWeightsGetNothing) {
  for (AllocationMethod method : kMethods) {
    EXPECT_THAT(Alloc(7, {0, 1, 0, 1}, method), ElementsAre(0, 4, 0, 3));
    EXPECT_THAT(Alloc(1, {0, 1}, method), ElementsAre(0, 1));
    EXPECT_THAT(Alloc(-1, {0, 0, 5}, method), ElementsAre(0, 0, -1));
  }
}

TEST(MoneyAllocate, Extremes) {
  EXPECT_THAT(Alloc(kMax, {1, 1, 1}),
              ElementsAre(kMax / 3 + 1, kMax / 3, kMax / 3));
  EXPECT_THAT(Alloc(kMin, {1}), ElementsAre(kMin));
  EXPECT_THAT(Alloc(kMin, {1, 1}), ElementsAre(kMin / 2, kMin / 2));
  EXPECT_THAT(Alloc(kMin, {kMax - 1, 1}), ElementsAre(kMin + 1, -1));
  EXPECT_THAT(Alloc(kMax, {kMax - 1, 1}), ElementsAre(kMax - 1, 1));
  EXPECT_THAT(Alloc(0, {1, 2}), ElementsAre(0, 0));
}

TEST(MoneyAllocate, Errors) {
  for (auto const& weights : std::vector<std::vector<std::int64_t>>{
           {}, {0}, {0, 0, 0}, {1, -1}, {-1}}) {
    auto parts = Allocate(Minor(100), weights);
    ASSERT_FALSE(parts.ok());
    EXPECT_EQ(parts.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(parts.status().reason(), "ALLOCATION_WEIGHTS_INVALID");
  }
  EXPECT_EQ(Allocate(Minor(100), {1, -1}).status().message(),
            "allocation weight [1] is negative (-1)");
  auto big = Allocate(Minor(100), {kMax, 1});
  EXPECT_EQ(big.status().code(), ErrorCode::kOutOfRange);
  EXPECT_EQ(big.status().reason(), "ALLOCATION_WEIGHTS_TOO_LARGE");
  EXPECT_EQ(Split(Minor(100), 0).status().reason(),
            "ALLOCATION_WEIGHTS_INVALID");
}

TEST(MoneyAllocate, DecimalWeights) {
  std::vector<Decimal> weights = {Decimal::Parse("0.81").value(),
                                  Decimal::Parse("0.19").value()};
  EXPECT_THAT(Units(AllocateByDecimals(Minor(8490), weights)),
              ElementsAre(6877, 1613));
  std::vector<Decimal> mixed = {Decimal::Parse("1.5").value(), Decimal(1),
                                Decimal::Parse("0.25").value()};
  // Common scale 2: 150, 100, 25.
  EXPECT_THAT(Units(AllocateByDecimals(Minor(1000), mixed)),
              ElementsAre(Alloc(1000, {150, 100, 25})[0],
                          Alloc(1000, {150, 100, 25})[1],
                          Alloc(1000, {150, 100, 25})[2]));
  std::vector<Decimal> negative = {Decimal(1), Decimal::Parse("-0.1").value()};
  EXPECT_EQ(AllocateByDecimals(Minor(1), negative).status().reason(),
            "ALLOCATION_WEIGHTS_INVALID");
  std::vector<Decimal> zero = {Decimal(), Decimal::Parse("0.00").value()};
  EXPECT_EQ(AllocateByDecimals(Minor(1), zero).status().reason(),
            "ALLOCATION_WEIGHTS_INVALID");
  std::vector<Decimal> huge = {Decimal(kMax), Decimal::Parse("0.1").value()};
  EXPECT_EQ(AllocateByDecimals(Minor(1), huge).status().reason(),
            "ALLOCATION_WEIGHTS_TOO_LARGE");
}

// ------------------------------------------------------- Property tests

constexpr std::uint64_t kSeed = 20260214;
constexpr int kCases = 5000;

struct Case {
  std::int64_t amount;
  std::vector<std::int64_t> weights;
};

std::string Describe(Case const& c, int index) {
  std::string s = "seed=" + std::to_string(kSeed) +
                  " case=" + std::to_string(index) +
                  " amount=" + std::to_string(c.amount) + " weights=[";
  for (std::size_t i = 0; i < c.weights.size(); ++i) {
    s += (i ? "," : "") + std::to_string(c.weights[i]);
  }
  return s + "]";
}

Case RandomCase(std::mt19937_64& rng) {
  Case c;
  switch (rng() % 4) {
    case 0:
      c.amount = static_cast<std::int64_t>(rng() % 1000);
      break;
    case 1:
      c.amount = static_cast<std::int64_t>(rng() % 1000000000000ULL);
      break;
    case 2:
      c.amount = static_cast<std::int64_t>(rng() >> 1);  // up to INT64_MAX
      break;
    default:
      c.amount = static_cast<std::int64_t>(rng() % 10);
      break;
  }
  if (rng() % 3 == 0) c.amount = c.amount == 0 ? kMin : -c.amount;
  std::size_t n = 1 + rng() % 12;
  std::uint64_t max_weight = std::vector<std::uint64_t>{
      3, 10, 1000, 1000000000ULL, 1ULL << 58}[rng() % 5];
  for (std::size_t i = 0; i < n; ++i) {
    c.weights.push_back(
        rng() % 5 == 0 ? 0 : static_cast<std::int64_t>(rng() % max_weight));
  }
  if (std::all_of(c.weights.begin(), c.weights.end(),
                  [](std::int64_t w) { return w == 0; })) {
    c.weights[rng() % n] = 1;
  }
  return c;
}

TEST(MoneyAllocateProperty, PartsSumToWholeAndStayWithinOneUnit) {
  std::mt19937_64 rng(kSeed);
  int checked = 0;
  for (int k = 0; k < kCases; ++k) {
    Case c = RandomCase(rng);
    Int128 total = 0;
    for (std::int64_t w : c.weights) total += w;
    if (total > kMax) continue;  // rejected by design; tested elsewhere
    ++checked;
    std::string what = Describe(c, k);
    for (AllocationMethod method : kMethods) {
      auto parts = Allocate(Minor(c.amount, "KWD"), c.weights, method);
      ASSERT_TRUE(parts.ok()) << what << " " << parts.status();
      ASSERT_EQ(parts->size(), c.weights.size()) << what;
      Int128 sum = 0;
      for (std::size_t i = 0; i < parts->size(); ++i) {
        Money const& part = (*parts)[i];
        ASSERT_EQ(part.currency().code(), "KWD");
        sum += part.minor_units();
        // Exact quota = amount * w / total. Every method adds at most one
        // unit (away from zero) to the quota truncated toward zero; largest
        // remainder also keeps each part at the floor or ceiling of its
        // quota (the others may give a unit to a part whose quota is
        // already whole).
        Int128 num = Int128{c.amount} * c.weights[i];
        Int128 trunc_q = num / total;
        Int128 got = part.minor_units();
        Int128 extra = c.amount < 0 ? trunc_q - got : got - trunc_q;
        ASSERT_TRUE(extra == 0 || extra == 1)
            << what << " method=" << AllocationMethodName(method) << " part "
            << i;
        if (method == AllocationMethod::kLargestRemainder) {
          Int128 floor_q = trunc_q - ((num % total != 0 && num < 0) ? 1 : 0);
          Int128 ceil_q = floor_q + (num % total != 0 ? 1 : 0);
          ASSERT_TRUE(got == floor_q || got == ceil_q) << what << " part " << i;
        }
        if (c.weights[i] == 0) {
          ASSERT_TRUE(got == 0) << what;
        }
      }
      ASSERT_TRUE(sum == c.amount)
          << what << " method=" << AllocationMethodName(method);

      // Symmetry (skipping INT64_MIN, whose negation does not exist).
      if (c.amount != kMin) {
        auto negated = Allocate(Minor(-c.amount, "KWD"), c.weights, method);
        ASSERT_TRUE(negated.ok()) << what;
        for (std::size_t i = 0; i < parts->size(); ++i) {
          ASSERT_EQ((*negated)[i].minor_units(), -(*parts)[i].minor_units())
              << what << " method=" << AllocationMethodName(method);
        }
      }
      // Deterministic: the same input gives the same output.
      auto again = Allocate(Minor(c.amount, "KWD"), c.weights, method);
      ASSERT_TRUE(again.ok());
      ASSERT_TRUE(*again == *parts) << what;
    }
  }
  EXPECT_GT(checked, kCases / 2);
}

// Largest remainder picks exactly the parts a brute-force reference picks:
// sort by (remainder desc, index asc) and give one unit to each of the
// first R.
TEST(MoneyAllocateProperty, LargestRemainderMatchesReference) {
  std::mt19937_64 rng(kSeed + 1);
  for (int k = 0; k < kCases; ++k) {
    Case c = RandomCase(rng);
    Int128 total = 0;
    for (std::int64_t w : c.weights) total += w;
    if (total > kMax) continue;
    bool negative = c.amount < 0;
    Int128 whole = negative ? -Int128{c.amount} : Int128{c.amount};
    std::vector<Int128> expected;
    std::vector<std::pair<Int128, std::size_t>> rank;
    Int128 given = 0;
    for (std::size_t i = 0; i < c.weights.size(); ++i) {
      Int128 num = whole * c.weights[i];
      expected.push_back(num / total);
      given += num / total;
      rank.emplace_back(num % total, i);
    }
    std::sort(rank.begin(), rank.end(), [](auto const& a, auto const& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (Int128 r = 0; r < whole - given; ++r) {
      expected[rank[static_cast<std::size_t>(r)].second] += 1;
    }
    auto parts = Allocate(Minor(c.amount), c.weights);
    ASSERT_TRUE(parts.ok()) << Describe(c, k);
    for (std::size_t i = 0; i < expected.size(); ++i) {
      Int128 want = negative ? -expected[i] : expected[i];
      ASSERT_TRUE((*parts)[i].minor_units() == want) << Describe(c, k);
    }
  }
}

// Split into n equal parts: sizes differ by at most one, larger ones first.
TEST(MoneyAllocateProperty, SplitIsEven) {
  std::mt19937_64 rng(kSeed + 2);
  for (int k = 0; k < 2000; ++k) {
    auto amount = static_cast<std::int64_t>(rng() >> (1 + rng() % 63));
    int n = 1 + static_cast<int>(rng() % 50);
    auto parts = Split(Minor(amount), n);
    ASSERT_TRUE(parts.ok());
    std::vector<std::int64_t> units = Units(parts);
    std::vector<std::int64_t> sorted = units;
    std::sort(sorted.rbegin(), sorted.rend());
    ASSERT_EQ(units, sorted)
        << "seed=" << kSeed + 2 << " amount=" << amount << " n=" << n;
    ASSERT_LE(units.front() - units.back(), 1);
  }
}

}  // namespace
}  // namespace sanbao
