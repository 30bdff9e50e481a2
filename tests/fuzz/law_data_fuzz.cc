// The law and holiday data loaders on one hostile file each: a jurisdiction
// record, a holiday calendar (and every calendar built from it, which the
// loader defers to first use), a subdivision list.
#include <chrono>

#include "calendar_impl.h"
#include "embedded_files.h"
#include "fuzz_input.h"
#include "policy/jurisdiction_data.h"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data,
                                      std::size_t size) {
  using namespace sanbao;
  if (size == 0) return 0;
  auto const text = fuzz::Text(data + 1, size - 1);
  internal::EmbeddedFile const file{"XX.json", text};
  switch (data[0] % 3) {
    case 0:
      (void)internal::LoadJurisdictions(std::span(&file, 1));
      break;
    case 1: {
      auto set = internal::LoadCalendars(std::span(&file, 1));
      if (!set) break;
      for (auto const& [id, unused] : (*set)->calendars) {
        auto calendar = internal::FindCalendar(**set, id);
        if (!calendar) continue;
        auto first = calendar->first_year();
        (void)calendar->Holidays(first);
        (void)calendar->Holidays(first + std::chrono::years(1));
      }
      break;
    }
    default:
      (void)internal::LoadSubdivisions(std::span(&file, 1));
  }
  return 0;
}
