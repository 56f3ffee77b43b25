#include "ocr/ctc_decoder.h"

#include <algorithm>
#include <sstream>
#include <string_view>
#include <utility>

namespace ocrserve::ocr {

CtcDecoder::CtcDecoder(std::vector<std::string> characters) : characters_(std::move(characters)) {}

CtcDecoder CtcDecoder::from_keys(const std::string& keys_text) {
  std::vector<std::string> chars{"<blank>"};
  std::istringstream in(keys_text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    chars.push_back(line);
  }
  chars.emplace_back(" ");
  return CtcDecoder(std::move(chars));
}

namespace {

// Characters outside ASCII (CJK, full-width punctuation) are written without spaces.
bool is_ascii(std::string_view s) { return !s.empty() && static_cast<unsigned char>(s[0]) < 0x80; }

// The model writes Chinese (full-width) punctuation even in English text; after an ASCII
// character it stands for the ASCII mark.
const char* ascii_punctuation(std::string_view s) {
  static const std::pair<const char*, const char*> kMarks[] = {
      {"\uFF0C", ","}, {"\u3002", "."},  {"\uFF1A", ":"},  {"\uFF1B", ";"}, {"\uFF01", "!"},
      {"\uFF1F", "?"}, {"\uFF08", "("},  {"\uFF09", ")"},  {"\u3001", ","}, {"\u2018", "'"},
      {"\u2019", "'"}, {"\u201C", "\""}, {"\u201D", "\""}, {"\uFF05", "%"}, {"\uFF0E", "."},
      {"\uFF3B", "["}, {"\uFF3D", "]"},  {"\uFF0D", "-"},  {"\u2014", "-"}, {"\uFF0F", "/"}};
  for (const auto& [wide, ascii] : kMarks) {
    if (s == wide) return ascii;
  }
  return nullptr;
}

// No word space goes before closing punctuation or after an opening bracket.
bool closes(std::string_view ch) {
  return ch.size() == 1 && std::string_view(".,;:!?)]}%'\"").find(ch[0]) != std::string_view::npos;
}
bool opens(char c) { return c == '(' || c == '[' || c == '{'; }

}  // namespace

DecodedText CtcDecoder::decode(const float* probs, int steps, int classes,
                               float space_threshold) const {
  DecodedText out;
  const int space = static_cast<int>(characters_.size()) - 1;
  const bool recover_spaces = space_threshold > 0 && space < classes;
  double prob_sum = 0;
  int kept = 0;
  int previous = -1;           // argmax of the previous step
  bool have_last = false;      // a character was written
  bool last_ascii = false;     // ... and it was ASCII
  bool last_space = false;     // ... and it was a space
  char last_char = 0;          // ... its last byte
  float space_since_last = 0;  // highest space probability since that character
  for (int t = 0; t < steps; ++t) {
    const float* row = probs + static_cast<ptrdiff_t>(t) * classes;
    const int best = static_cast<int>(std::max_element(row, row + classes) - row);
    if (recover_spaces) space_since_last = std::max(space_since_last, row[space]);
    if (best != 0 && best != previous && best < static_cast<int>(characters_.size())) {
      std::string_view ch = characters_[best];
      if (last_ascii) {
        if (const char* ascii = ascii_punctuation(ch)) ch = ascii;
      }
      const bool ascii = is_ascii(ch);
      if (recover_spaces && have_last && last_ascii && ascii && !last_space && best != space &&
          space_since_last > space_threshold && !closes(ch) && !opens(last_char)) {
        out.text += ' ';
        ++out.spaces_inserted;
      }
      out.text += ch;
      prob_sum += row[best];
      ++kept;
      have_last = true;
      last_ascii = ascii;
      last_space = best == space;
      last_char = ch.empty() ? '\0' : ch.back();
      space_since_last = 0;
    }
    previous = best;
  }
  if (kept > 0) out.confidence = static_cast<float>(prob_sum / kept);
  return out;
}

}  // namespace ocrserve::ocr
