// libFuzzer: probe_image and decode_image on arbitrary bytes, under a small pixel budget so that
// one input stays in the milliseconds (the budget check itself is what keeps real servers safe).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "document/image_decoder.h"
#include "fuzz/guarded_input.h"

namespace doc = ocrserve::document;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = ocrserve::fuzz::guarded_input(data, size);
  const auto info = doc::probe_image(bytes);
  if (!info) return 0;
  doc::PixelBudget budget;
  budget.max_pixels_per_page = 256 * 256;
  auto first = doc::decode_image(bytes, 0, budget);
  if (first && (first->width <= 0 || first->height <= 0 ||
                first->rgb.size() != static_cast<std::size_t>(first->width) * first->height * 3)) {
    __builtin_trap();  // a decoded image must be as big as it says
  }
  if (info->pages > 1) (void)doc::decode_image(bytes, info->pages - 1, budget);
  (void)doc::decode_image(bytes, info->pages, budget);  // one past the last: an error
  return 0;
}
