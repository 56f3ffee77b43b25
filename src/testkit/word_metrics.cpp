// Word-level precision/recall/F1 and accuracy (see word_metrics.h).
#include "testkit/word_metrics.h"

#include <algorithm>
#include <unordered_map>

namespace ocrserve::testkit {
namespace {

constexpr std::string_view kPunct = ".,;:!?\"'()[]{}<>`";

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

std::vector<std::string> normalized_words(std::string_view text, bool lowercase) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    size_t j = i;
    while (j < text.size() && !is_space(text[j])) ++j;
    std::string_view tok = text.substr(i, j - i);
    const size_t b = tok.find_first_not_of(kPunct);
    if (b != std::string_view::npos) {
      tok = tok.substr(b, tok.find_last_not_of(kPunct) - b + 1);
      std::string w(tok);
      if (lowercase) {
        for (char& c : w) {
          if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
      }
      out.push_back(std::move(w));
    }
    i = j;
  }
  return out;
}

namespace {

WordScore bag_f1(const std::vector<std::string>& ref, const std::vector<std::string>& hyp) {
  std::unordered_map<std::string_view, size_t> counts;
  for (const auto& w : ref) ++counts[w];
  WordScore s;
  s.ref_words = ref.size();
  s.hyp_words = hyp.size();
  for (const auto& w : hyp) {
    auto it = counts.find(w);
    if (it != counts.end() && it->second > 0) {
      --it->second;
      ++s.matched;
    }
  }
  const auto m = static_cast<double>(s.matched);
  s.precision = s.hyp_words ? m / static_cast<double>(s.hyp_words) : 1.0;
  s.recall = s.ref_words ? m / static_cast<double>(s.ref_words) : 1.0;
  const double sum = s.precision + s.recall;
  s.f1 = sum > 0 ? 2 * s.precision * s.recall / sum : 0.0;
  return s;
}

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::string squeezed(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (is_space(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

WordScore word_f1(std::string_view reference, std::string_view hypothesis, bool lowercase) {
  return bag_f1(normalized_words(reference, lowercase), normalized_words(hypothesis, lowercase));
}

std::vector<std::string> alnum_tokens(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !is_alnum(text[i])) ++i;
    size_t j = i;
    while (j < text.size() && is_alnum(text[j])) ++j;
    if (j > i) out.emplace_back(text.substr(i, j - i));
    i = j;
  }
  return out;
}

WordScore alnum_f1(std::string_view reference, std::string_view hypothesis) {
  return bag_f1(alnum_tokens(reference), alnum_tokens(hypothesis));
}

double char_error_rate(std::string_view reference, std::string_view hypothesis) {
  const std::string a = squeezed(reference), b = squeezed(hypothesis);
  if (a.empty()) return b.empty() ? 0.0 : 1.0;
  std::vector<size_t> row(b.size() + 1), next(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    next[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      next[j] = std::min({row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] != b[j - 1])});
    }
    std::swap(row, next);
  }
  return static_cast<double>(row[b.size()]) / static_cast<double>(a.size());
}

double word_accuracy(std::string_view reference, std::string_view hypothesis, bool lowercase) {
  const auto ref = normalized_words(reference, lowercase);
  const auto hyp = normalized_words(hypothesis, lowercase);
  if (ref.empty()) return hyp.empty() ? 1.0 : 0.0;
  // Intern tokens so the O(n*m) DP compares integers.
  std::unordered_map<std::string_view, size_t> ids;
  auto intern = [&](const std::vector<std::string>& v) {
    std::vector<size_t> out;
    out.reserve(v.size());
    for (const auto& w : v) out.push_back(ids.emplace(w, ids.size()).first->second);
    return out;
  };
  const auto r = intern(ref);
  const auto h = intern(hyp);
  std::vector<size_t> prev(h.size() + 1), cur(h.size() + 1);
  for (size_t j = 0; j <= h.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= r.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= h.size(); ++j) {
      const size_t sub = prev[j - 1] + (r[i - 1] == h[j - 1] ? 0 : 1);
      cur[j] = std::min({sub, prev[j] + 1, cur[j - 1] + 1});
    }
    std::swap(prev, cur);
  }
  const double acc = 1.0 - static_cast<double>(prev[h.size()]) / static_cast<double>(r.size());
  return std::max(0.0, acc);
}

}  // namespace ocrserve::testkit
