// Return-decision benchmarks: PolicyEngine::Decide over the worked legal
// cases (tests/conformance/cases and tests/conformance/own), parsed once.
//
//   BM_Decide/mixed            every case, all jurisdictions and claim kinds
//   BM_Decide/eu_withdrawal    buyer in an EU member state, claim a withdrawal
//   BM_DecideExplain/...       the same, also rendering the explanation text
//
// items/s is decisions per second on one core. The eu_withdrawal batch is
// the one bench/peers/deadline_reference.mjs times with npm date-holidays.
//
// With SANBAO_BENCH_DEADLINES=<file> set, the engine's deadlines for the
// eu_withdrawal batch are written there as JSON for the peer to compare.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "sanbao/policy/decision.h"
#include "sanbao/policy/engine.h"
#include "sanbao/time.h"

namespace {

namespace fs = std::filesystem;
using sanbao::DecisionRequest;
using sanbao::PolicyEngine;

struct Case {
  std::string file;  // "cases/C01.json"
  DecisionRequest request;
};

struct Batches {
  PolicyEngine engine;
  std::vector<Case> mixed;
  std::vector<Case> eu_withdrawal;
  std::string error;
};

bool IsEuMemberState(std::string_view jurisdiction) {
  static std::set<std::string_view> const kEu = {
      "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES",
      "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU",
      "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"};
  return kEu.contains(jurisdiction.substr(0, jurisdiction.find('-')));
}

std::string Read(fs::path const& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Json(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  out.append(s);
  out.push_back('"');
  return out;
}

void WriteDeadlines(Batches const& b, char const* path) {
  std::string out = "{\n";
  bool first = true;
  for (auto const& c : b.eu_withdrawal) {
    auto d = b.engine.Decide(c.request);
    if (!d.ok()) continue;
    auto date = [](std::optional<sanbao::CivilDate> const& x) {
      return x ? Json(sanbao::FormatCivilDate(*x)) : std::string("null");
    };
    out += first ? "  " : ",\n  ";
    first = false;
    out += Json(c.file) + ": {\"deadline\": " + date(d->deadline) +
           ", \"statutory_deadline\": " + date(d->statutory_deadline) +
           ", \"eligible\": " + (d->eligible ? "true" : "false") +
           ", \"basis\": " + Json(sanbao::BasisName(d->basis)) + "}";
  }
  out += "\n}\n";
  std::ofstream(path) << out;
}

Batches const& Load() {
  static Batches const* const kBatches = [] {
    auto engine = PolicyEngine::Create();
    if (!engine.ok()) {
      std::fprintf(stderr, "PolicyEngine::Create failed\n");
      std::abort();
    }
    auto* b = new Batches{*std::move(engine), {}, {}, {}};
    fs::path const root = fs::path(SANBAO_SOURCE_DIR) / "tests" / "conformance";
    for (auto const* dir : {"cases", "own"}) {
      if (!fs::exists(root / dir)) continue;
      std::vector<fs::path> files;
      for (auto const& e : fs::directory_iterator(root / dir)) {
        if (e.path().extension() == ".json") files.push_back(e.path());
      }
      std::sort(files.begin(), files.end());
      for (auto const& p : files) {
        std::string name = std::string(dir) + "/" + p.filename().string();
        auto request = sanbao::ParseDecisionRequest(Read(p));
        if (!request.ok()) {
          b->error = name + ": request does not parse";
          continue;
        }
        if (!b->engine.Decide(*request).ok()) {
          b->error = name + ": Decide fails";
          continue;
        }
        Case c{name, *std::move(request)};
        if (IsEuMemberState(c.request.buyer.jurisdiction) &&
            c.request.claim.kind == sanbao::ClaimKind::kWithdrawal) {
          b->eu_withdrawal.push_back(c);
        }
        b->mixed.push_back(std::move(c));
      }
    }
    if (char const* path = std::getenv("SANBAO_BENCH_DEADLINES")) {
      WriteDeadlines(*b, path);
    }
    return b;
  }();
  return *kBatches;
}

enum class Which { kMixed, kEuWithdrawal };

std::vector<Case> const& Batch(Batches const& b, Which which) {
  return which == Which::kMixed ? b.mixed : b.eu_withdrawal;
}

// Decides the batch round and round; with `explain`, also renders the trace.
void RunBatch(benchmark::State& state, Which which, bool explain) {
  auto const& b = Load();
  auto const& batch = Batch(b, which);
  if (!b.error.empty() || batch.empty()) {
    state.SkipWithError(b.error.empty() ? "no cases" : b.error.c_str());
    return;
  }
  std::size_t i = 0;
  for (auto _ : state) {
    auto d = b.engine.Decide(batch[i].request);
    if (explain) {
      auto text = sanbao::Explain(*d);
      benchmark::DoNotOptimize(text);
    } else {
      benchmark::DoNotOptimize(d);
    }
    if (++i == batch.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["cases"] = static_cast<double>(batch.size());
}

void BM_Decide(benchmark::State& state, Which which) {
  RunBatch(state, which, false);
}
BENCHMARK_CAPTURE(BM_Decide, mixed, Which::kMixed);
BENCHMARK_CAPTURE(BM_Decide, eu_withdrawal, Which::kEuWithdrawal);

void BM_DecideExplain(benchmark::State& state, Which which) {
  RunBatch(state, which, true);
}
BENCHMARK_CAPTURE(BM_DecideExplain, mixed, Which::kMixed);
BENCHMARK_CAPTURE(BM_DecideExplain, eu_withdrawal, Which::kEuWithdrawal);

}  // namespace
