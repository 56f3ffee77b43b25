// Contract: word-level OCR quality metrics.
//  * Tokens are maximal runs of non-whitespace; each token has leading and
//    trailing punctuation from  . , ; : ! ? " ' ( ) [ ] { } < > `  stripped,
//    and tokens that become empty are dropped. With lowercase=true, ASCII
//    letters are folded to lower case; otherwise comparison is exact.
//  * word_f1 matches tokens as a bag of words (multiset intersection), so
//    order is ignored. Conventions for empty inputs: precision is 1 when the
//    hypothesis is empty, recall is 1 when the reference is empty, f1 is the
//    harmonic mean (0 when precision + recall == 0).
//  * word_accuracy = max(0, 1 - levenshtein(ref, hyp) / ref_words) on token
//    sequences (order matters); an empty reference gives 1 if the hypothesis
//    is empty too, else 0.
//  * alnum_f1 is word_f1 over alphanumeric tokens ([A-Za-z0-9]+, case kept):
//    "parent-heses" is two tokens, punctuation is not compared.
//  * char_error_rate = levenshtein(ref, hyp) / |ref| over bytes, both texts
//    with runs of white space made one space and trimmed (order matters); an
//    empty reference gives 0 if the hypothesis is empty too, else 1.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ocrserve::testkit {

struct WordScore {
  double precision = 0, recall = 0, f1 = 0;
  size_t ref_words = 0, hyp_words = 0, matched = 0;
};

std::vector<std::string> normalized_words(std::string_view text, bool lowercase = false);

WordScore word_f1(std::string_view reference, std::string_view hypothesis, bool lowercase = false);

double word_accuracy(std::string_view reference, std::string_view hypothesis,
                     bool lowercase = false);

std::vector<std::string> alnum_tokens(std::string_view text);

WordScore alnum_f1(std::string_view reference, std::string_view hypothesis);

double char_error_rate(std::string_view reference, std::string_view hypothesis);

}  // namespace ocrserve::testkit
