// What the integrity check at open costs (StoreOptions::check_integrity,
// docs/guides/store.md, "Damaged files"): fills a store with N return cases
// (three events each) and one order per three returns, through Store in
// transactions of 10,000, unless PATH holds a store already; then opens it
// ROUNDS times without and with the check, alternating, and prints the file
// size and the median wall-clock time of each open. The file is read from
// the page cache after the first round (the figures are warm-cache ones).
//
//   store_open_bench N PATH [ROUNDS]
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "sanbao/store/sqlite_store.h"
#include "store_fixtures.h"

namespace {

using namespace sanbao;

Instant At(std::int64_t s) {
  return Instant(std::chrono::seconds(1'790'000'000 + s));
}

Money Eur(std::int64_t cents) { return *Money::FromMinorUnits(cents, "EUR"); }

Order MakeOrder(std::int64_t n) {
  Order o;
  o.id = "ORD-" + std::to_string(n);
  o.marketplace = "shopify";
  o.external_id = std::to_string(n);
  o.placed_at = At(n);
  o.presentment_currency = "EUR";
  o.settlement_currency = "EUR";
  OrderLine l;
  l.id = "L1";
  l.sku = "KETTLE-" + std::to_string(n % 97);
  l.title = "Kettle 1.7 l";
  l.quantity = 3;
  l.unit_price = Eur(4990);
  l.tax = Eur(797);
  l.tax_included = true;
  o.lines.push_back(l);
  o.shipping.charged = Eur(495);
  o.tenders.push_back(Tender{"T1", TenderKind::kCard, Eur(15465), "pi_x"});
  o.buyer = PartyInfo{"DE-BE", "Europe/Berlin"};
  o.seller = PartyInfo{"DE-BE", "Europe/Berlin"};
  return o;
}

ReturnCase MakeCase(std::int64_t n) { return testing_util::InTransitCase(n); }

int Fill(std::string const& path, std::int64_t n) {
  auto store = OpenSqliteStore({.path = path});
  if (!store) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  constexpr std::int64_t kBatch = 10'000;
  for (std::int64_t first = 0; first < n; first += kBatch) {
    Status s = (*store)->WithTransaction([&](Store& tx) -> Status {
      for (auto i = first; i < std::min(n, first + kBatch); ++i) {
        if (i % 3 == 0) {
          if (auto u = tx.UpsertOrder(MakeOrder(i / 3)); !u.ok()) return u;
        }
        if (auto u = tx.UpsertReturn(MakeCase(i)); !u.ok()) return u;
      }
      return {};
    });
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 1;
    }
    std::fprintf(stderr, "\r%lld returns",
                 static_cast<long long>(std::min(n, first + kBatch)));
  }
  std::fprintf(stderr, "\n");
  return 0;
}

double OpenSeconds(std::string const& path, bool check) {
  auto start = std::chrono::steady_clock::now();
  auto store = OpenSqliteStore({.path = path, .check_integrity = check});
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (!store) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    std::exit(1);
  }
  return seconds;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: store_open_bench N PATH [ROUNDS]\n");
    return 2;
  }
  std::int64_t n = std::atoll(argv[1]);
  std::string path = argv[2];
  int rounds = argc > 3 ? std::atoi(argv[3]) : 5;
  if (!std::filesystem::exists(path)) {
    auto start = std::chrono::steady_clock::now();
    if (int rc = Fill(path, n); rc != 0) return rc;
    std::printf(
        "filled %lld returns in %.1f s\n", static_cast<long long>(n),
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
  }
  std::vector<double> plain, checked;
  (void)OpenSeconds(path, true);  // warms the page cache
  for (int i = 0; i < rounds; ++i) {
    plain.push_back(OpenSeconds(path, false));
    checked.push_back(OpenSeconds(path, true));
  }
  auto size = std::filesystem::file_size(path);
  std::printf(
      "%s: %.1f MiB; open without the check %.4f s, with the check %.3f s "
      "(median of %d, warm page cache)\n",
      path.c_str(), static_cast<double>(size) / (1024.0 * 1024.0),
      Median(plain), Median(checked), rounds);
  return 0;
}
