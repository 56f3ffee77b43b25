// Tables drawn without rules: rows of short pieces of text set apart by wide gaps, whose pieces
// start at the same few positions row after row (texinfo's @multitable, plain-text reports).
//  1. Lines that share a row are split into pieces at gaps wider than 1.2 em.
//  2. A candidate row's first piece has at most 8 words and the others 16, and it is not a table
//     of contents line.
//  3. At least 3 candidate rows in a row (line spacing apart), most of them and the first with
//     2 pieces or more, whose pieces all start at 2 to 10 column positions that 40% of the rows
//     use, form a table, unless it is code or program output (every row in a monospace font
//     with code punctuation or numbers in its cells, or a column of comments), a drawing made of
//     characters (pieces mostly without letters or digits), definitions with a label column
//     ("[Function]" on every row), terms with their definitions (a second and last column of
//     sentences) or columns of running text (pieces of several words that fill their column).
//  4. A line with an empty first cell under a filled one continues that row's cells; a first
//     row in another style (bold, italic, not code) is the column header; at least 3 rows.
// Text-layer pages only: OCR lines carry no word positions or fonts to go by. Pure functions.
#pragma once

#include <vector>

#include "document/tables.h"

namespace ocrserve::document {

// free[i]: line i may take part (not furniture, not already in a table or picture).
std::vector<FoundTable> find_text_tables(const Page& page, const std::vector<bool>& free);

}  // namespace ocrserve::document
