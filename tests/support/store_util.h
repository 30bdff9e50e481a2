#pragma once

// Small helpers for tests that look into a Store.

#include <gtest/gtest.h>

#include <cstdint>

#include "sanbao/store/store.h"

namespace sanbao {
inline namespace v1 {
namespace testing_util {

/// How many return cases the store holds (every page of ListReturns).
inline std::int64_t CountReturns(Store& store) {
  std::int64_t n = 0;
  PageRequest page{1000, ""};
  for (;;) {
    auto p = store.ListReturns({}, page);
    EXPECT_TRUE(p.ok()) << p.status();
    if (!p.ok()) return n;
    n += static_cast<std::int64_t>(p->items.size());
    if (p->next_page_token.empty()) return n;
    page.page_token = p->next_page_token;
  }
}

}  // namespace testing_util
}  // namespace v1
}  // namespace sanbao
