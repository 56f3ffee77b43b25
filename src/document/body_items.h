// The body of a laid-out document as every export walks it: blocks in reading order without
// furniture, without the parts of paragraphs that continue an earlier page and without captions
// (each comes with its table or picture), with list items numbered within their list.
#pragma once

#include <string>
#include <vector>

#include "document/page.h"

namespace ocrserve::document {

struct BodyItem {
  const Page* page = nullptr;
  const Block* block = nullptr;
  const Block* caption = nullptr;  // tables and pictures
  int number = 0;                  // list items: 1-based position among its list's siblings
  bool list_start = false;         // the first item of a list (depth 0)
  bool list_end = false;           // the last item of a list (depth 0)
};

std::vector<BodyItem> body_items(const std::vector<Page>& pages);

// Block text escaping for the exports.
std::string html_escape(const std::string& s);

// A table's cell texts on its grid: a spanning cell's text in every grid cell it covers.
std::vector<std::vector<std::string>> table_grid(const Table& table);

}  // namespace ocrserve::document
