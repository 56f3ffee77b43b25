// Headings and their levels, decided over the whole document once its pages have blocks.
//  * A heading is a short block (at most 3 lines, 20 words) in type clearly larger than the body
//    (1.15x), or bold and either numbered ("2.3.1 Title", "Chapter 2", "Appendix A") or short
//    and not ending a sentence, and not a bold term with its description beside it. OCR pages
//    have no fonts: larger type (1.25x) decides there.
//  * Its level comes from its numbering depth ("2" -> 1, "2.3" -> 2); headings without a number
//    take the level numbered headings of the same type have, else the rank of their type among
//    the document's heading types (larger, then bold, first).
//  * The document's title is the first block of its first page with text, when that block is
//    a heading in the page's largest type, at least 1.5x the body's.
// Pure functions.
#pragma once

#include <string>
#include <vector>

#include "document/page.h"
#include "document/paragraphs.h"

namespace ocrserve::document {

void label_headings(std::vector<Page>& pages, const BodyMeasures& body);

// The depth of a section number at the start of text: "2 Intro" -> 1, "2.3.1 Scope" -> 3,
// "A.2 Notes" -> 2, "Chapter 4: Data" -> 1; 0 when the text is not numbered.
int numbering_depth(const std::string& text);

}  // namespace ocrserve::document
