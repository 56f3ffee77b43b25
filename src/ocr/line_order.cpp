#include "ocr/line_order.h"

#include <algorithm>
#include <cmath>

namespace ocrserve::ocr {

void sort_lines(std::vector<Quad>& quads, float same_row_px) {
  std::stable_sort(quads.begin(), quads.end(), [](const Quad& a, const Quad& b) {
    if (a[0].y != b[0].y) return a[0].y < b[0].y;
    return a[0].x < b[0].x;
  });
  for (size_t i = 0; i + 1 < quads.size(); ++i) {
    for (size_t j = i + 1; j > 0; --j) {
      Quad& next = quads[j];
      Quad& prev = quads[j - 1];
      if (std::abs(next[0].y - prev[0].y) < same_row_px && next[0].x < prev[0].x) {
        std::swap(next, prev);
      } else {
        break;
      }
    }
  }
}

}  // namespace ocrserve::ocr
