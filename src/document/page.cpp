#include "document/page.h"

#include <algorithm>

namespace ocrserve::document {

Box Box::united(const Box& o) const {
  return {std::min(l, o.l), std::min(t, o.t), std::max(r, o.r), std::max(b, o.b)};
}

const char* label_name(Label label) {
  switch (label) {
    case Label::kTitle:
      return "title";
    case Label::kSectionHeader:
      return "section_header";
    case Label::kText:
      return "text";
    case Label::kPageHeader:
      return "page_header";
    case Label::kPageFooter:
      return "page_footer";
  }
  return "text";
}

}  // namespace ocrserve::document
