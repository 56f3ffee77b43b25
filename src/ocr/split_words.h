// Word spaces the decoder recovered inside a word, taken out again.
//
// The recognizer often drops the space between English words, so the CTC decoder recovers
// spaces from the space class' probability between characters (CtcDecoder::decode). Where
// letters sit far apart, in a code font or on a blurred scan, that also splits words: "st ream",
// "mi ssing", "W hen". Only recovered spaces are looked at: the model did not read them, so
// they are the ones recognition is unsure of. Such a space goes again when the two pieces joined
// make a known word and the pieces are not both words themselves: "st ream" becomes "stream",
// "for mat" stays. A joined word is known when the word list has it (any case) or when the page
// has it whole elsewhere ("streambuf" in a C++ manual).
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/result.h"

namespace ocrserve::ocr {

// A list of words, one per line, as Debian's wamerican installs it.
class WordList {
 public:
  WordList() = default;
  static Result<WordList> load(const std::string& path);
  static WordList of(const std::vector<std::string>& words);

  // The word as written, or in lower case ("When" is found as "when").
  bool contains(std::string_view word) const;
  size_t size() const { return words_.size(); }

 private:
  std::unordered_set<std::string> words_;
};

// One line's text and the byte offsets of the spaces the decoder recovered in it.
struct RecoveredText {
  std::string* text;
  std::vector<size_t>* recovered_spaces;
};

// Takes out the recovered spaces that split a word, over the lines of one page; returns how
// many. The offsets are kept up to date.
int rejoin_split_words(const std::vector<RecoveredText>& lines, const WordList& words);

}  // namespace ocrserve::ocr
