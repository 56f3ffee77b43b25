// A table as docling writes it in Markdown: Python tabulate's "github" format with the first
// row as the header. Every column is as wide as its widest cell and at least its header plus 2;
// text is left-aligned; a column whose body cells are all numbers is right-aligned, on the
// decimal point when some have one. A spanning cell's text fills every grid cell it covers;
// "|" in a cell is escaped and line breaks become spaces.
#pragma once

#include <string>

#include "document/page.h"

namespace ocrserve::document {

std::string markdown_table(const Table& table);

}  // namespace ocrserve::document
