// One reading-order region's lines -> blocks, top to bottom:
//  * code: a run of monospace lines (text layer), keeping line breaks, indentation, the spacing
//    between words and blank lines;
//  * list items: a line that starts with a bullet or a number ("•", "-", "1.", "a)", "(iv)")
//    starts one, and the wrapped lines under its text join it; a table-of-contents line (dot
//    leaders) is a list item of its own, without the leaders;
//  * paragraphs: lines join until the spacing grows, the type changes (size, bold), a first
//    line is indented, or the line before ended a sentence well short of the right edge.
// Labels come out as kText, kListItem or kCode; headings, captions and footnotes are decided
// later from the blocks (headings.h). Pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "document/page.h"

namespace ocrserve::document {

// What the body text of a document looks like.
struct BodyMeasures {
  double size = 10;     // the most common type size, page units
  double line_gap = 2;  // the usual white space between two lines of one paragraph
};

std::vector<Block> region_blocks(const Page& page, std::vector<size_t> line_ids,
                                 const BodyMeasures& body);

struct ListMarker {
  std::string marker;  // as printed: "•", "1.", "a)", "(iv)"
  bool enumerated = false;
  size_t length = 0;  // bytes of text taken by the marker and the space after it
};
// The list marker a line starts with, if any.
std::optional<ListMarker> list_marker(const std::string& text);

// Table-of-contents lines: "Introduction . . . . . . 3" or "Introduction ........ 3".
bool has_dot_leaders(const std::string& text);
std::string without_dot_leaders(const std::string& text);

// True when text ends a sentence: ".", "!", "?" or ":" perhaps followed by quotes or brackets.
bool ends_sentence(const std::string& text);

// Joins two consecutive lines of one paragraph, mending a hyphenated break.
void append_line(std::string& paragraph, const std::string& line);

}  // namespace ocrserve::document
