// libFuzzer: PdfDocument::open, page_count, page_size and the text layer of the first pages on
// arbitrary bytes. A small page budget; rendering only of pages that fit a tiny pixel budget.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "document/pdf_document.h"
#include "fuzz/guarded_input.h"

namespace doc = ocrserve::document;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = ocrserve::fuzz::guarded_input(data, size);
  auto pdf = doc::PdfDocument::open(bytes, /*max_pages=*/8);
  if (!pdf) return 0;
  const int pages = std::min(pdf->page_count(), 2);
  for (int i = 0; i < pages; ++i) {
    if (!pdf->page_size(i)) continue;
    if (auto content = pdf->content(i)) (void)doc::usable_text_layer(content->lines);
    // A US letter page at 9 dpi is 77x99 pixels: under the budget. Anything bigger is refused.
    (void)pdf->render(i, 9.0, 100 * 100);
  }
  return 0;
}
