// ocrserve-word-f1 [--lowercase | --alnum] REF.txt HYP.txt
// Prints "precision<TAB>recall<TAB>f1<TAB>ref_words<TAB>hyp_words<TAB>cer" on one line
// (bag-of-words match, or with --alnum of alphanumeric tokens, and the character error rate; see
// testkit/word_metrics.h). Exit 2 on usage/IO error.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "testkit/word_metrics.h"

namespace {

bool slurp(const char* path, std::string& out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::ostringstream ss;
  ss << f.rdbuf();
  out = std::move(ss).str();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  bool lowercase = false, alnum = false;
  std::vector<const char*> files;
  for (int a = 1; a < argc; ++a) {
    const std::string_view arg = argv[a];
    if (arg == "--lowercase" || arg == "-i") {
      lowercase = true;
    } else if (arg == "--alnum") {
      alnum = true;
    } else {
      files.push_back(argv[a]);
    }
  }
  if (files.size() != 2) {
    std::cerr << "usage: ocrserve-word-f1 [--lowercase | --alnum] REF.txt HYP.txt\n";
    return 2;
  }
  std::string ref, hyp;
  for (int k = 0; k < 2; ++k) {
    if (!slurp(files[static_cast<size_t>(k)], k == 0 ? ref : hyp)) {
      std::cerr << "cannot read " << files[static_cast<size_t>(k)] << '\n';
      return 2;
    }
  }
  namespace tk = ocrserve::testkit;
  const auto s = alnum ? tk::alnum_f1(ref, hyp) : tk::word_f1(ref, hyp, lowercase);
  std::printf("%.4f\t%.4f\t%.4f\t%zu\t%zu\t%.4f\n", s.precision, s.recall, s.f1, s.ref_words,
              s.hyp_words, tk::char_error_rate(ref, hyp));
  return 0;
}
