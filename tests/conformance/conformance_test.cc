// Runs every worked legal case — the project's shared ones, vendored in
// tests/conformance/cases (tests/vendored checks the copy), and our own in
// tests/conformance/own — through the PolicyEngine, each as its own test,
// and checks every field its `expect` names (SCHEMA.md: dates exactly,
// lists as sets, money by amount and currency). Every decision must also
// carry at least one citation and a non-empty trace.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sanbao/policy/engine.h"

namespace sanbao {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

fs::path Root() {
  return fs::path(SANBAO_SOURCE_DIR) / "tests" / "conformance";
}

std::string Read(fs::path const& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> CaseFiles() {
  std::vector<std::string> out;
  for (auto const* dir : {"cases", "own"}) {
    if (!fs::exists(Root() / dir)) continue;
    for (auto const& e : fs::directory_iterator(Root() / dir)) {
      if (e.path().extension() == ".json") {
        out.push_back(std::string(dir) + "/" + e.path().filename().string());
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

PolicyEngine const& Engine() {
  static auto const* const kEngine = [] {
    auto e = PolicyEngine::Create();
    if (!e) {
      ADD_FAILURE() << e.status();
      std::abort();
    }
    return new PolicyEngine(*std::move(e));
  }();
  return *kEngine;
}

class Conformance : public ::testing::TestWithParam<std::string> {};

TEST_P(Conformance, Case) {
  auto text = Read(Root() / GetParam());
  auto doc = json::parse(text).as_object();
  auto request = ParseDecisionRequest(text);
  ASSERT_TRUE(request.ok()) << request.status();
  auto decision = Engine().Decide(*request);
  ASSERT_TRUE(decision.ok()) << decision.status();
  auto const& d = *decision;
  std::string explained;
  for (auto const& line : Explain(d)) explained += "\n    " + line;
  SCOPED_TRACE("case " + std::string(doc.at("case").as_string()) + ": " +
               std::string(doc.at("title").as_string()) +
               "\n  trace:" + explained);

  EXPECT_FALSE(d.citations.empty()) << "every decision cites its sources";
  EXPECT_FALSE(d.trace.empty()) << "every decision explains itself";

  auto date = [](std::optional<CivilDate> const& x) {
    return x ? FormatCivilDate(*x) : std::string("(none)");
  };
  for (auto const& [key, want] : doc.at("expect").as_object()) {
    if (key == "eligible") {
      EXPECT_EQ(d.eligible, want.as_bool()) << key;
    } else if (key == "basis") {
      EXPECT_EQ(std::string(BasisName(d.basis)), std::string(want.as_string()))
          << key;
    } else if (key == "statutory_withdrawal") {
      EXPECT_EQ(d.statutory_withdrawal, want.as_bool()) << key;
    } else if (key == "deadline") {
      EXPECT_EQ(date(d.deadline), want.as_string()) << key;
    } else if (key == "statutory_deadline") {
      EXPECT_EQ(date(d.statutory_deadline), want.as_string()) << key;
    } else if (key == "refund_due_by") {
      EXPECT_EQ(date(d.refund_due_by), want.as_string()) << key;
    } else if (key == "refund") {
      ASSERT_TRUE(d.refund.has_value()) << key;
      EXPECT_EQ(d.refund->ToString(), want.at("amount").as_string()) << key;
      EXPECT_EQ(d.refund->currency().code(), want.at("currency").as_string())
          << key;
    } else if (key == "return_shipping_paid_by") {
      ASSERT_TRUE(d.return_shipping_paid_by.has_value()) << key;
      EXPECT_EQ(PartyName(*d.return_shipping_paid_by), want.as_string()) << key;
    } else if (key == "deduction_allowed") {
      ASSERT_TRUE(d.deduction_allowed.has_value()) << key;
      EXPECT_EQ(*d.deduction_allowed, want.as_bool()) << key;
    } else if (key == "remedies") {
      std::set<std::string> got, expected;
      for (auto r : d.remedies) got.emplace(RemedyName(r));
      for (auto const& r : want.as_array()) expected.emplace(r.as_string());
      EXPECT_EQ(got, expected) << key;
    } else if (key == "exclusion") {
      EXPECT_EQ(d.exclusion, want.as_string()) << key;
    } else {
      ADD_FAILURE() << "unknown expect field " << key;
    }
  }
}

std::string Name(::testing::TestParamInfo<std::string> const& info) {
  std::string name = info.param;
  name = name.substr(0, name.rfind('.'));
  for (auto& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Cases, Conformance, ::testing::ValuesIn(CaseFiles()),
                         Name);

}  // namespace
}  // namespace sanbao
