// eBay's return search page as a sync reads it: 200 members built from the
// fixture tests/fixtures/marketplaces/ebay/return_search_page1.json, every
// one with its own id and amount, read into a ReturnsPage (parsed and
// mapped). CPU time; items are returns. docs/adr/0007-search-page-parser.md
// has this against the streaming reader that was removed.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "wire.h"

namespace {

namespace json = boost::json;
using namespace sanbao;

constexpr int kMembers = 200;

std::string const& FullPage() {
  static std::string const page = [] {
    std::ifstream in(std::string(SANBAO_SOURCE_DIR) +
                     "/tests/fixtures/marketplaces/ebay/"
                     "return_search_page1.json");
    std::ostringstream text;
    text << in.rdbuf();
    auto body = json::parse(text.str()).at("response").at("body");
    auto const members = body.at("members").as_array();
    json::array full;
    for (int i = 0; i < kMembers; ++i) {
      json::value m = members[static_cast<std::size_t>(i) % members.size()];
      m.as_object()["returnId"] = std::to_string(5000100000 + i);
      m.as_object()["sellerTotalRefund"].as_object()["estimatedRefundAmount"] =
          json::object{{"value", i + 0.25}, {"currency", "USD"}};
      full.push_back(std::move(m));
    }
    body.as_object()["members"] = std::move(full);
    return json::serialize(body);
  }();
  return page;
}

void BM_SearchPage(benchmark::State& state) {
  auto const& body = FullPage();
  for (auto _ : state) {
    auto page = ebay::internal::ParseSearchPage(body);
    if (!page.ok() || page->items.size() != kMembers) {
      state.SkipWithError("the page did not parse");
      break;
    }
    benchmark::DoNotOptimize(page);
  }
  state.SetItemsProcessed(state.iterations() * kMembers);
  state.SetBytesProcessed(state.iterations() *
                          static_cast<std::int64_t>(body.size()));
}
BENCHMARK(BM_SearchPage);

}  // namespace
