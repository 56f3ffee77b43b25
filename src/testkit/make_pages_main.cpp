// ocrserve-make-pages OUTDIR [--count N] [--scan-like K] [--seed S] [--columns C]
// Writes known-answer pages: page-001.png ... (fonts cycle DejaVu Sans/Serif/
// Sans Mono, sizes 8-14 pt), K scan-like JPEG variants page-0xx-scan.jpg, a
// ground-truth .txt per image (same stem, one rendered line per text line) and
// an index.tsv describing every image.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

#include "testkit/image_io.h"
#include "testkit/page_renderer.h"
#include "testkit/rng.h"
#include "testkit/scan_effects.h"

namespace tk = ocrserve::testkit;
namespace fs = std::filesystem;

namespace {

constexpr std::array<const char*, 3> kFonts = {"DejaVu Sans", "DejaVu Serif", "DejaVu Sans Mono"};
constexpr std::array<double, 6> kSizes = {8, 9, 10, 11, 12, 14};

int usage() {
  std::cerr << "usage: ocrserve-make-pages OUTDIR [--count N] [--scan-like K] [--seed S]"
               " [--columns C]\n";
  return 2;
}

bool parse_uint(std::string_view s, uint32_t& out) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

size_t count_words(const tk::RenderedPage& page) {
  size_t n = 0;
  for (const auto& l : page.lines) {
    n += static_cast<size_t>(std::count(l.text.begin(), l.text.end(), ' ')) + 1;
  }
  return n;
}

// Page i (0-based): all 18 font/size combinations appear in i = 0..17, and
// the first 6 pages already cover every font and every size.
tk::RenderedPage render_page(uint32_t i, uint32_t seed, int columns, tk::PageSpec& spec) {
  spec = tk::PageSpec{};
  spec.font_family = kFonts[i % kFonts.size()];
  spec.font_pt = kSizes[(i + i / kSizes.size()) % kSizes.size()];
  spec.columns = columns;
  spec.seed = seed + i;
  for (size_t n = 1500;; n *= 2) {
    const auto words = tk::sample_words(seed + i, n);
    auto page = tk::render_text_page(spec, words);
    if (count_words(page) < words.size()) return page;  // page is full
  }
}

std::string stem(uint32_t i, bool scan) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "page-%03u%s", i + 1, scan ? "-scan" : "");
  return buf;
}

bool write_text(const fs::path& path, const tk::RenderedPage& page) {
  std::ofstream f(path, std::ios::binary);
  f << page.text() << '\n';
  return static_cast<bool>(f);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  fs::path outdir;
  uint32_t count = 6, scans = 0, seed = 1, columns = 1;
  for (int a = 1; a < argc; ++a) {
    const std::string_view arg = argv[a];
    uint32_t* target = arg == "--count"       ? &count
                       : arg == "--scan-like" ? &scans
                       : arg == "--seed"      ? &seed
                       : arg == "--columns"   ? &columns
                                              : nullptr;
    if (target) {
      if (a + 1 >= argc || !parse_uint(argv[++a], *target)) return usage();
    } else if (arg.starts_with("-") || !outdir.empty()) {
      return usage();
    } else {
      outdir = arg;
    }
  }
  if (outdir.empty() || columns == 0) return usage();
  std::error_code ec;
  fs::create_directories(outdir, ec);
  if (ec) {
    std::cerr << "cannot create " << outdir << ": " << ec.message() << '\n';
    return 1;
  }
  std::ofstream index(outdir / "index.tsv");
  index << "image\tground_truth\tfont\tfont_pt\tcolumns\tskew_deg\tlines\twords\n";
  const uint32_t total = std::max(count, scans);
  for (uint32_t i = 0; i < total; ++i) {
    tk::PageSpec spec;
    const tk::RenderedPage page = render_page(i, seed, static_cast<int>(columns), spec);
    auto emit = [&](const tk::RenderedPage& p, bool scan, double skew, int quality) {
      const std::string name = stem(i, scan) + (scan ? ".jpg" : ".png");
      const bool ok = scan ? tk::write_jpeg((outdir / name).string(), p, quality)
                           : tk::write_png((outdir / name).string(), p);
      if (!ok || !write_text(outdir / (stem(i, scan) + ".txt"), p)) {
        std::cerr << "failed to write " << (outdir / name) << '\n';
        return false;
      }
      index << name << '\t' << stem(i, scan) << ".txt\t" << spec.font_family << '\t' << spec.font_pt
            << '\t' << spec.columns << '\t' << skew << '\t' << p.lines.size() << '\t'
            << count_words(p) << '\n';
      return true;
    };
    if (i < count && !emit(page, false, 0.0, 0)) return 1;
    if (i < scans) {
      tk::Rng rng(0xACE0ull ^ (uint64_t{seed} << 24) ^ i);
      const double skew = std::round((rng.uniform() * 3.0 - 1.5) * 100) / 100;  // [-1.5, 1.5]
      const double sigma = 8 + rng.uniform() * 6;
      const int quality = 50 + static_cast<int>(rng.below(26));
      // JPEG happens once, when the file is written (real artifacts, one generation).
      const auto scan = tk::make_scan_like(page, skew, sigma, 0, seed + i);
      if (!emit(scan, true, skew, quality)) return 1;
    }
  }
  return index ? 0 : 1;
}
