// Ruled tables: the grid a page draws with lines (strokes or thin bars) or with cell
// backgrounds (the edges of filled rectangles), filled with the page's words.
//  1. Rules and fill edges become horizontal and vertical segments; segments that touch or
//     cross (within a few points) form one structure.
//  2. A structure's distinct segment heights and widths are the grid's row and column lines;
//     a grid of at least 2 cells with text in 2 of them is a table.
//  3. Two neighbouring grid cells are one (a span) when no segment separates them.
//  4. Each word goes to the cell holding its centre; the first row (and a second one under a
//     header cell that spans columns) is the column header.
// Works the same on a text layer and on OCR lines with rules found in the page image.
#pragma once

#include <vector>

#include "document/page.h"

namespace ocrserve::document {

struct FoundTable {
  Block block;                   // label kTable, box and cells
  std::vector<size_t> line_ids;  // page lines inside the table, consumed by it
};

std::vector<FoundTable> find_tables(const Page& page);

// The table as text: rows of cells joined by " | ", for plain-text export.
std::string table_text(const Table& table);

}  // namespace ocrserve::document
