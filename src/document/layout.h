// Layout: pages of text lines and graphics -> blocks in reading order, labelled as docling
// labels them.
//
//  1. Page headers and footers (furniture.h).
//  2. Tables from ruling lines and cell backgrounds (tables.h), and pictures from the images a
//     page paints; their lines leave the body.
//  3. Reading order by recursive XY-cut over the body lines, with tables and pictures as single
//     items: a region is split at every vertical white gutter that crosses it from top to bottom
//     (columns, left to right); a region without one is split at its widest horizontal gap when
//     that is wider than the gap between lines of a paragraph (top, then bottom).
//  4. Each final region's lines become code, list items and paragraphs (paragraphs.h).
//  5. Over the whole document: headings, their levels and the title (headings.h); captions
//     ("Figure 2: ...", "Table 1 ...") next to a table or picture; footnotes (small print at the
//     foot of a page under the body); list nesting by marker indentation; a paragraph cut by a
//     page break joins the one before it, and so does a table.
// Pure functions, thread-safe.
#pragma once

#include <vector>

#include "document/page.h"
#include "document/paragraphs.h"

namespace ocrserve::document {

// Everything above, for a whole document.
void layout_document(std::vector<Page>& pages);

// One page judged alone (as a one-page document).
void layout_page(Page& page);

// What the body text of these pages looks like: the most common type size (by characters) and
// the usual gap between the lines of a paragraph.
BodyMeasures measure_body(const std::vector<Page>& pages);

}  // namespace ocrserve::document
