// Contract: known-answer PDFs with document structure (headings, tables, lists, code, a table of
// contents, a captioned picture, running headers and footers), drawn with cairo's PDF surface:
// real text (DejaVu Sans 10 pt body, DejaVu Sans Bold for headings and table headers, DejaVu Sans
// Mono 9 pt for code), US letter, 72 pt margins. Each comes with the exact Markdown a correct
// converter produces, following docling's Markdown export (docling-core's MarkdownDocSerializer
// with default parameters):
//  * Blocks are separated by one blank line; the document ends with a single "\n".
//  * No document has a title ("# "). Section headers: bold 14 pt is level 1 ("## text"), bold
//    12 pt is level 2 ("### text").
//  * A paragraph is one line: its wrapped lines joined by single spaces. A paragraph whose last
//    line on a page ends without punctuation and whose next line opens the next page's body in
//    lowercase is one paragraph ("running-headers").
//  * Lists: "- text" for a bullet ("•" drawn), "N. text" for a numbered item (the drawn "N."
//    marker, which runs 1., 2., 3.); a wrapped item is one line; the items of one list are on
//    consecutive lines; a nested list follows its parent item's line, indented by 4 spaces per
//    level. The marker is not part of the text.
//  * Code: "```\n" + the lines as drawn, indentation and blank lines kept + "\n```".
//  * Tables: Python tabulate(rows[1:], headers=rows[0], tablefmt="github") over the table's full
//    grid (a spanning cell's text repeated in every grid position it covers, so the first grid
//    row is the header even when two rows are column headers). In detail: column width
//    w = max(len(header) + 2, longest cell); a column whose cells below the first row all parse
//    as integers is right-aligned (its header too), any other column left-aligned; rows are
//    "| " + cells padded to w joined by " | " + " |", and under the header "|" + "-" * (w + 2)
//    per column + "|". The fixtures avoid decimals, "_", "&", "<" and ">" so no number
//    formatting or escaping comes in.
//  * A picture is "<!-- image -->"; its caption is its own block just BEFORE it.
//  * Table of contents ("table-of-contents"): each entry is a "- " list item holding the entry
//    text and its page number joined by one space, dot leaders dropped ("- 1 Introduction 2");
//    indented entries are nested, 4 spaces deeper per level, like any nested list.
//  * Page headers and footers are furniture: not in `markdown`, listed in page_headers /
//    page_footers instead.
//  * Deterministic: the same bytes on every call except cairo's creation date.
// The documents (one page unless said; each has body text besides its object):
//  * ruled-grid: heading, paragraph, a 4 x 5 table with a 0.75 pt stroked rule on every row and
//    column boundary, bold header row, then a paragraph.
//  * spanning-cell: two bold header rows ("Region" | "Sales" over two columns; "" | "2023" |
//    "2024") and four data rows, ruled, no vertical rule through "Sales".
//  * background-table: 3 x 4 cells drawn only as filled grey rectangles (header darker) with
//    2 pt white gaps, no strokes.
//  * lists: "•" bullets with hanging indent (the second item wraps), a paragraph, then "1."-"3."
//    with a wrapped item 2 that holds a nested bullet.
//  * code: DejaVu Sans Mono 9 pt, 4-space indents and a blank line, between two paragraphs.
//  * running-headers: 3 pages, header "Structure Manual" (8 pt, top left), the page number
//    (8 pt, bottom center); a paragraph breaks from page 1 to page 2 mid-sentence.
//  * table-of-contents: 3 pages; page 1 the "Contents" entries with dot leaders and
//    right-aligned page numbers (second-level entries indented 18 pt), pages 2-3 the headings.
//  * picture-caption: a 200 x 120 pt raster image (400 x 240 px) centered, the caption 9 pt
//    centered under it.
//  * vector-chart: a 260 x 140 pt bar chart drawn with paths (axes, 8 bars, ticks) and year
//    labels in 9 pt under the bars, the caption under it.
#pragma once

#include <string>
#include <vector>

#include "testkit/page_renderer.h"

namespace ocrserve::testkit {

struct StructurePdf {
  std::string name;      // "ruled-grid", "spanning-cell", ... (see structure_pdf_names())
  std::string pdf;       // the bytes
  std::string markdown;  // the expected Markdown, body only
  int pages = 1;
  // Expected table cells, one vector per table in reading order, row-major. A spanning cell is
  // listed once at its top-left position; the positions it covers are not listed.
  struct Cell {
    int row = 0, col = 0, row_span = 1, col_span = 1;
    std::string text;
    bool column_header = false;
  };
  std::vector<std::vector<Cell>> tables;
  // Expected furniture texts in page order (one per page that has it; empty when none).
  std::vector<std::string> page_headers, page_footers;
};

// "ruled-grid", "spanning-cell", "background-table", "lists", "code", "running-headers",
// "table-of-contents", "picture-caption", "vector-chart".
std::vector<std::string> structure_pdf_names();
std::vector<StructurePdf> structure_pdfs();  // all of them, in that order
// One by name; throws std::invalid_argument when unknown, std::runtime_error when cairo fails.
StructurePdf structure_pdf(const std::string& name);

// Page `page` (0-based) of the named document drawn into RGB8 pixels at `dpi` (white paper,
// antialiased, the same drawing as the PDF; `lines` is left empty): the image-only counterpart
// for OCR, e.g. structure_page_raster("ruled-grid"). Throws like structure_pdf, and
// std::out_of_range for a page the document does not have.
RenderedPage structure_page_raster(const std::string& name, int page = 0, double dpi = 200);

}  // namespace ocrserve::testkit
