// Layout: a page's text lines -> blocks in reading order.
//
//  1. Page header and footer: small-print lines in the top or bottom 12% of the page, set apart
//     from the body by a gap of at least 1.5 line heights.
//  2. Reading order by recursive XY-cut over the body lines: a region is split at every vertical
//     white gutter that crosses it from top to bottom (columns, left to right); a region without
//     one is split at its widest horizontal gap (top, then bottom), and each part is cut again.
//     So a full-width title over columns is cut off first, then the columns.
//  3. Each final region is a block; lines inside it are joined, hyphenated line ends mended
//     ("exam-" + "ple" -> "example"), and a block whose lines are clearly taller than the
//     page's body lines is a heading.
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "document/page.h"

namespace ocrserve::document {

// Fills page.blocks from page.lines.
void layout_page(Page& page);

// layout_page on every page, then the document-wide labels: the first heading of the first page,
// when it is much larger than the body and comes before any body text, is the title.
void layout_document(std::vector<Page>& pages);

// Joins two consecutive lines of one paragraph, mending a hyphenated break.
void append_line(std::string& paragraph, const std::string& line);

}  // namespace ocrserve::document
