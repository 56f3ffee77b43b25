// Contract: renders known-answer PDF documents with cairo's PDF surface, for tests and benches.
//  * Each PdfPageSpec becomes one page: an optional page header (top) and footer (bottom) in
//    small print, an optional full-width title, then the paragraphs flowed into `columns`
//    columns (top to bottom, then left to right), greedy word wrap, extra space between
//    paragraphs, stopping when the page is full (words that do not fit are dropped).
//  * hyphenate: a long lowercase-ended word that does not fit is split "exam-" / "ple" across
//    lines (never across columns).
//  * scanned: the page is drawn into a raster at scan_dpi and only that image goes into the PDF
//    (no text layer), like a scanner's PDF.
//  * The truth lists, per page, what a reader should get: header, title, footer, and the body
//    blocks in reading order, one per run of lines of one paragraph in one column, with
//    hyphenated words whole and words joined by single spaces.
//  * Deterministic: same specs, same bytes except cairo's creation date.
#pragma once

#include <string>
#include <vector>

namespace ocrserve::testkit {

struct PdfPageSpec {
  double width_pt = 612;  // US letter
  double height_pt = 792;
  std::string font_family = "DejaVu Sans";
  double font_pt = 11;
  double line_spacing = 1.35;  // baseline to baseline, in em
  int columns = 1;
  double margin_pt = 72;
  double column_gap_pt = 24;
  std::string title;  // drawn full width over the columns, bold
  double title_pt = 20;
  std::string header;  // small print at the top
  std::string footer;  // small print at the bottom
  double furniture_pt = 8;
  bool hyphenate = false;
  bool scanned = false;
  double scan_dpi = 150;
  std::vector<std::vector<std::string>> paragraphs;  // words of each paragraph
};

struct PdfPageTruth {
  std::string header, title, footer;
  std::vector<std::string> blocks;  // body text blocks in reading order
  std::vector<bool> continued;      // per block: its paragraph goes on in the next block
  std::vector<std::string> lines;   // every drawn body line, as drawn (hyphens included)
  int hyphenated = 0;               // words split across lines
  // title and blocks joined by single spaces.
  std::string body_text() const;
};

// Throws std::runtime_error when cairo fails.
std::string render_pdf(const std::vector<PdfPageSpec>& pages,
                       std::vector<PdfPageTruth>* truth = nullptr);

// Splits words into paragraphs of `words_per_paragraph` words.
std::vector<std::vector<std::string>> split_paragraphs(const std::vector<std::string>& words,
                                                       size_t words_per_paragraph);

}  // namespace ocrserve::testkit
