// Page headers and footers. In a document of three pages or more they are found across pages:
// a line near the top or bottom edge, set apart from the body by a gap, that sits at the same
// height on many pages and repeats its text there (digits aside) or carries the page number,
// and what shares a row with such a line (a running title beside the page number). In shorter
// documents each page is judged alone: small print in the top or bottom 12% of the page, set apart
// from the body. Pure functions.
#pragma once

#include <vector>

#include "document/page.h"

namespace ocrserve::document {

enum class Furniture : char { kNone, kHeader, kFooter };

// Per page, per line: whether the line is a page header, a page footer, or neither.
std::vector<std::vector<Furniture>> find_furniture(const std::vector<Page>& pages);

}  // namespace ocrserve::document
