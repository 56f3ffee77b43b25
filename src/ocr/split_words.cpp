#include "ocr/split_words.h"

#include <algorithm>
#include <fstream>

namespace ocrserve::ocr {

namespace {

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The run of letters and digits that ends just before `end`, and the one that starts at `begin`.
std::string_view piece_before(std::string_view text, size_t end) {
  size_t begin = end;
  while (begin > 0 && is_word_char(text[begin - 1])) --begin;
  return text.substr(begin, end - begin);
}
std::string_view piece_after(std::string_view text, size_t begin) {
  size_t end = begin;
  while (end < text.size() && is_word_char(text[end])) ++end;
  return text.substr(begin, end - begin);
}

}  // namespace

Result<WordList> WordList::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error("cannot read the word list " + path);
  WordList list;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) list.words_.insert(std::move(line));
  }
  return list;
}

WordList WordList::of(const std::vector<std::string>& words) {
  WordList list;
  list.words_.insert(words.begin(), words.end());
  return list;
}

bool WordList::contains(std::string_view word) const {
  if (word.empty()) return false;
  return words_.contains(std::string(word)) || words_.contains(lower(word));
}

int rejoin_split_words(const std::vector<RecoveredText>& lines, const WordList& words) {
  // The page's own words: the runs of letters and digits that touch no recovered space.
  std::unordered_set<std::string> page;
  for (const RecoveredText& line : lines) {
    const std::string_view text = *line.text;
    const auto& spaces = *line.recovered_spaces;
    for (size_t i = 0; i < text.size();) {
      if (!is_word_char(text[i])) {
        ++i;
        continue;
      }
      size_t end = i;
      while (end < text.size() && is_word_char(text[end])) ++end;
      const bool touches = std::any_of(spaces.begin(), spaces.end(),
                                       [&](size_t s) { return s + 1 == i || s == end; });
      if (!touches) page.emplace(text.substr(i, end - i));
      i = end;
    }
  }
  // A piece is a word of its own when the list has it; of the single letters only "a" and "I".
  auto is_word = [&](std::string_view piece) {
    if (piece.size() == 1) return piece == "a" || piece == "A" || piece == "I";
    return words.contains(piece);
  };
  int joined = 0;
  for (const RecoveredText& line : lines) {
    std::string& text = *line.text;
    auto& spaces = *line.recovered_spaces;
    for (size_t k = 0; k < spaces.size();) {
      const size_t at = spaces[k];
      const std::string_view left = piece_before(text, at);
      const std::string_view right = piece_after(text, at + 1);
      const std::string whole = std::string(left) + std::string(right);
      const bool known =
          !left.empty() && !right.empty() && (words.contains(whole) || page.contains(whole));
      if (!known || (is_word(left) && is_word(right))) {
        ++k;
        continue;
      }
      text.erase(at, 1);
      spaces.erase(spaces.begin() + static_cast<std::ptrdiff_t>(k));
      for (size_t j = k; j < spaces.size(); ++j) --spaces[j];
      ++joined;
    }
  }
  return joined;
}

}  // namespace ocrserve::ocr
