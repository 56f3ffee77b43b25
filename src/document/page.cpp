#include "document/page.h"

#include <algorithm>

namespace ocrserve::document {

Box Box::united(const Box& o) const {
  return {std::min(l, o.l), std::min(t, o.t), std::max(r, o.r), std::max(b, o.b)};
}

bool Box::holds_centre_of(const Box& o) const {
  return o.cx() >= l && o.cx() <= r && o.cy() >= t && o.cy() <= b;
}

bool Box::shares_row_with(const Box& o) const {
  const double overlap = std::min(b, o.b) - std::max(t, o.t);
  return overlap > 0.5 * std::min(height(), o.height());
}

const char* label_name(Label label) {
  switch (label) {
    case Label::kTitle:
      return "title";
    case Label::kSectionHeader:
      return "section_header";
    case Label::kText:
      return "text";
    case Label::kListItem:
      return "list_item";
    case Label::kCode:
      return "code";
    case Label::kCaption:
      return "caption";
    case Label::kFootnote:
      return "footnote";
    case Label::kTable:
      return "table";
    case Label::kPicture:
      return "picture";
    case Label::kPageHeader:
      return "page_header";
    case Label::kPageFooter:
      return "page_footer";
  }
  return "text";
}

}  // namespace ocrserve::document
