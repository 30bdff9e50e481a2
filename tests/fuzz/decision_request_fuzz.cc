// A decision request as `sanbao decide` reads it (JSON), then the decision
// and its explanation: the parser, the engine and Explain on hostile input.
#include "fuzz_input.h"
#include "sanbao/policy/decision.h"
#include "sanbao/policy/engine.h"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data,
                                      std::size_t size) {
  using namespace sanbao;
  static auto const engine = PolicyEngine::Create();
  auto request = ParseDecisionRequest(fuzz::Text(data, size));
  if (!request || !engine) return 0;
  auto decision = engine->Decide(*request);
  if (decision) (void)Explain(*decision);
  return 0;
}
