#include <string>

#include "sanbao/store/store.h"

namespace sanbao {
inline namespace v1 {

StatusOr<int> DeliverPendingEffects(Store& store, EffectSender const& sender,
                                    int limit) {
  auto pending = store.PendingEffects(limit);
  if (!pending) return pending.status();
  int done = 0;
  for (auto const& entry : *pending) {
    auto remote = sender(entry);
    if (!remote) {
      if (auto s =
              store.RecordEffectFailure(entry.id, remote.status().ToString());
          !s.ok()) {
        return s;
      }
      continue;
    }
    if (auto s = store.MarkEffectDone(entry.id, *remote); !s.ok()) return s;
    ++done;
  }
  return done;
}

}  // namespace v1
}  // namespace sanbao
