#include "document/headings.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "document/layout_math.h"

namespace ocrserve::document {

namespace {

size_t letter_count(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0xC0;
  return n;
}

// A type: size in half points, and boldness.
using TypeKey = std::pair<int, bool>;
TypeKey type_key(const Block& b) {
  return {static_cast<int>(std::lround(b.font_size * 2)), b.bold};
}

bool is_heading(const Block& b, const BodyMeasures& body) {
  if (b.label != Label::kText || b.line_count > 3) return false;
  const size_t words = word_count(b.text);
  const bool numbered = numbering_depth(b.text) > 0;
  if (words == 0 || words > (numbered ? 30u : 20u) || letter_count(b.text) < 2) return false;
  const char last = b.text.back();
  if (last == ',' || last == ';') return false;
  if (b.ocr) return b.font_size >= 1.25 * body.size;
  if (b.font_size >= 1.15 * body.size) return true;
  if (!b.bold || b.font_size < 0.95 * body.size) return false;
  if (numbered) return true;
  return words <= 12 && !ends_sentence(b.text);
}

}  // namespace

int numbering_depth(const std::string& text) {
  for (const char* word : {"Chapter ", "CHAPTER ", "Appendix ", "APPENDIX ", "Part ", "PART "}) {
    if (text.rfind(word, 0) == 0) return 1;
  }
  // Leading "2", "2.3.1", "A.1", "IV." then a space and a letter.
  size_t i = 0, depth = 0;
  while (i < text.size()) {
    size_t j = i;
    while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
    if (j == i && depth == 0 && i < text.size() && text[i] >= 'A' && text[i] <= 'Z' &&
        i + 1 < text.size() && text[i + 1] == '.') {
      j = i + 1;  // an appendix letter: "A.1"
    }
    if (j == i || j - i > 3) return 0;
    ++depth;
    i = j;
    if (i < text.size() && text[i] == '.') {
      ++i;
      if (i < text.size() && text[i] >= '0' && text[i] <= '9') continue;
    }
    break;
  }
  if (depth == 0 || i >= text.size() || text[i] != ' ') return 0;
  // A bare appendix letter "A." is depth 0 ("A. Smith"); "A.1" counted 2 above.
  const size_t next = i + 1;
  if (next >= text.size() || letter_count(text.substr(next, 1)) == 0) return 0;
  if (text[0] >= 'A' && text[0] <= 'Z' && depth == 1) return 0;
  return static_cast<int>(depth);
}

// A bold term with its description on the same row, as in a definition list ("compiler   R
// byte code compiler"), is not a heading.
bool starts_a_row(const Page& page, const Block& b, const BodyMeasures& body) {
  if (b.font_size >= 1.15 * body.size) return true;
  for (const auto& o : page.blocks) {
    if (&o == &b || is_furniture(o.label)) continue;
    const double gap = o.box.l - b.box.r;
    if (std::abs(o.box.t - b.box.t) < 0.2 * body.size && gap >= 0 && gap < 8 * body.size) {
      return false;
    }
  }
  return true;
}

void label_headings(std::vector<Page>& pages, const BodyMeasures& body) {
  std::vector<Block*> headings;
  for (auto& page : pages) {
    for (auto& block : page.blocks) {
      if (is_heading(block, body) && starts_a_row(page, block, body)) headings.push_back(&block);
    }
  }
  // Levels of numbered headings by type, then the rank of every heading type.
  std::map<TypeKey, std::map<int, int>> numbered;
  std::vector<TypeKey> keys;
  for (Block* h : headings) {
    const TypeKey key = type_key(*h);
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    if (const int depth = numbering_depth(h->text); depth > 0) ++numbered[key][depth];
  }
  std::sort(keys.begin(), keys.end(), [](const TypeKey& a, const TypeKey& b) {
    return a.first != b.first ? a.first > b.first : a.second > b.second;
  });
  for (Block* h : headings) {
    h->label = Label::kSectionHeader;
    int level = numbering_depth(h->text);
    const TypeKey key = type_key(*h);
    if (level == 0) {
      auto it = numbered.find(key);
      if (it != numbered.end()) {
        level = std::max_element(it->second.begin(), it->second.end(), [](auto& a, auto& b) {
                  return a.second < b.second;
                })->first;
      } else {
        level = static_cast<int>(std::find(keys.begin(), keys.end(), key) - keys.begin()) + 1;
      }
    }
    h->level = std::clamp(level, 1, 5);
  }
  // The title: the first block of the first page with body text, as a heading in the page's
  // largest type.
  for (auto& page : pages) {
    Block* first = nullptr;
    double largest = 0;
    for (auto& block : page.blocks) {
      if (is_furniture(block.label)) continue;
      if (!first) first = &block;
      largest = std::max(largest, block.font_size);
    }
    if (!first) continue;
    if (first->label == Label::kSectionHeader && first->font_size >= 0.95 * largest &&
        first->font_size >= 1.5 * body.size) {
      first->label = Label::kTitle;
    }
    break;
  }
}

}  // namespace ocrserve::document
