// Known-answer tests: pages of text rendered here with real fonts, read back by the engine.
#include "ocr/ocr_engine.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "testkit/page_renderer.h"
#include "testkit/scan_effects.h"
#include "testkit/word_metrics.h"

namespace ocrserve::ocr {
namespace {

std::shared_ptr<const ModelBundle> models() {
  static auto bundle = ModelBundle::load(ModelPaths::in_dir(OCRSERVE_MODELS_DIR));
  EXPECT_TRUE(bundle.ok()) << bundle.error().message;
  return bundle.ok() ? *bundle : nullptr;
}

const OcrEngine& cpu_engine() {
  static std::unique_ptr<OcrEngine> engine = [] {
    EngineOptions options;
    options.device = Device::kCpu;
    options.threads = 2;
    auto e = OcrEngine::create(models(), options);
    EXPECT_TRUE(e.ok()) << e.error().message;
    return e.ok() ? std::move(e).value() : nullptr;
  }();
  return *engine;
}

Image to_image(const testkit::RenderedPage& page) { return {page.width, page.height, page.rgb}; }

std::string joined(const PageOcr& ocr) {
  std::string text;
  for (const auto& line : ocr.lines) text += line.text + "\n";
  return text;
}

struct FontCase {
  const char* family;
  double pt;
  bool scan_like;
};

class KnownText : public ::testing::TestWithParam<FontCase> {};

TEST_P(KnownText, ReadsAtLeast97PercentOfWords) {
  const FontCase c = GetParam();
  testkit::PageSpec spec;
  spec.font_family = c.family;
  spec.font_pt = c.pt;
  spec.height_px = 700;  // a third of a page keeps the test quick
  spec.seed = static_cast<uint32_t>(c.pt * 10);
  auto page = testkit::render_text_page(spec, testkit::sample_words(spec.seed, 400));
  ASSERT_GE(page.lines.size(), 5u);
  const std::string reference = page.text();
  if (c.scan_like) page = testkit::make_scan_like(page, 1.0, 12, 60, spec.seed);

  auto ocr = cpu_engine().recognize(to_image(page));
  ASSERT_TRUE(ocr.ok()) << ocr.error().message;
  const double accuracy = testkit::word_accuracy(reference, joined(*ocr));
  EXPECT_GE(accuracy, 0.97) << c.family << " " << c.pt << "pt\n" << joined(*ocr);
  EXPECT_GE(ocr->lines.size(), page.lines.size());
  for (const auto& line : ocr->lines) {
    EXPECT_GE(line.confidence, 0.5f);
    for (const auto& p : line.quad) {
      EXPECT_GE(p.x, 0);
      EXPECT_LE(p.x, page.width);
      EXPECT_GE(p.y, 0);
      EXPECT_LE(p.y, page.height);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    FontsAndSizes, KnownText,
    ::testing::Values(FontCase{"DejaVu Sans", 8, false}, FontCase{"DejaVu Serif", 9, false},
                      FontCase{"DejaVu Sans Mono", 10, false}, FontCase{"DejaVu Sans", 11, false},
                      FontCase{"DejaVu Serif", 12, false}, FontCase{"DejaVu Sans Mono", 14, false},
                      FontCase{"DejaVu Sans", 10, true}, FontCase{"DejaVu Serif", 11, true}),
    [](const auto& test) {
      std::string name = std::string(test.param.family) + "_" +
                         std::to_string(static_cast<int>(test.param.pt)) +
                         (test.param.scan_like ? "pt_scan" : "pt");
      std::replace(name.begin(), name.end(), ' ', '_');
      return name;
    });

TEST(OcrEngine, UpsideDownPageIsTurnedBack) {
  testkit::PageSpec spec;
  spec.height_px = 500;
  auto page = testkit::render_text_page(spec, testkit::sample_words(5, 200));
  const std::string reference = page.text();
  Image image = to_image(page);
  // Rotate 180 degrees: reverse the pixel order.
  const size_t n = static_cast<size_t>(image.width) * image.height;
  for (size_t i = 0; i < n / 2; ++i) {
    std::swap_ranges(image.rgb.begin() + static_cast<ptrdiff_t>(3 * i),
                     image.rgb.begin() + static_cast<ptrdiff_t>(3 * i + 3),
                     image.rgb.begin() + static_cast<ptrdiff_t>(3 * (n - 1 - i)));
  }
  auto ocr = cpu_engine().recognize(image);
  ASSERT_TRUE(ocr.ok()) << ocr.error().message;
  EXPECT_TRUE(ocr->classifier_ran);
  EXPECT_GE(ocr->lines_rotated, static_cast<int>(page.lines.size()) - 1);
  EXPECT_GE(testkit::word_f1(reference, joined(*ocr)).f1, 0.95)
      << reference << "\n---\n"
      << joined(*ocr) << ocr->lines_detected;
}

TEST(OcrEngine, UprightPageNeedsNoTurn) {
  testkit::PageSpec spec;
  spec.height_px = 500;
  auto page = testkit::render_text_page(spec, testkit::sample_words(9, 200));
  auto ocr = cpu_engine().recognize(to_image(page));
  ASSERT_TRUE(ocr.ok());
  EXPECT_EQ(ocr->lines_rotated, 0);
}

// Three pages read together give each page the same lines as reading it alone.
TEST(OcrEngine, PagesReadTogetherMatchPagesReadAlone) {
  std::vector<Image> images;
  for (uint32_t seed : {21u, 22u, 23u}) {
    testkit::PageSpec spec;
    spec.height_px = 300;
    spec.seed = seed;
    images.push_back(to_image(testkit::render_text_page(spec, testkit::sample_words(seed, 80))));
  }
  images.push_back({400, 300, std::vector<uint8_t>(400 * 300 * 3, 255)});  // a blank page
  auto together = cpu_engine().recognize_pages({&images[0], &images[1], &images[2], &images[3]});
  ASSERT_TRUE(together.ok()) << together.error().message;
  ASSERT_EQ(together->size(), images.size());
  for (size_t p = 0; p < images.size(); ++p) {
    auto alone = cpu_engine().recognize(images[p]);
    ASSERT_TRUE(alone.ok());
    EXPECT_EQ(joined((*together)[p]), joined(*alone)) << "page " << p;
    EXPECT_EQ((*together)[p].lines_detected, alone->lines_detected);
  }
  EXPECT_TRUE(together->back().lines.empty());
  EXPECT_FALSE(together->front().lines.empty());
}

// The shapes CUDA runs by default (detector input padded to 128, lines to 160-column widths,
// batches filled with blank lines, a warm-up), here on the CPU: the same text.
TEST(OcrEngine, ShapeBucketsReadTheSameText) {
  testkit::PageSpec spec;
  spec.height_px = 500;
  spec.width_px = 1100;  // neither side a multiple of 128
  auto page = testkit::render_text_page(spec, testkit::sample_words(31, 200));
  EngineOptions options;
  options.device = Device::kCpu;
  options.threads = 2;
  options.det.size_bucket = 128;
  options.rec.width_bucket = 160;
  options.rec.fill_batches = true;
  options.rec.batch = 6;
  options.warmup = 1;
  auto bucketed = OcrEngine::create(models(), options);
  ASSERT_TRUE(bucketed.ok()) << bucketed.error().message;
  // Against the float recognizer, which is what runs with these shapes (CUDA's).
  EngineOptions plain_options;
  plain_options.device = Device::kCpu;
  plain_options.threads = 2;
  plain_options.rec.int8 = false;
  auto plain = OcrEngine::create(models(), plain_options);
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  auto with = (*bucketed)->recognize(to_image(page));
  auto without = (*plain)->recognize(to_image(page));
  ASSERT_TRUE(with.ok() && without.ok());
  EXPECT_GE(testkit::word_accuracy(page.text(), joined(*with)), 0.97) << joined(*with);
  EXPECT_GE(testkit::word_f1(joined(*without), joined(*with)).f1, 0.99)
      << joined(*without) << "\n---\n"
      << joined(*with);
}

TEST(OcrEngine, BlankPageHasNoLines) {
  Image blank{400, 300, std::vector<uint8_t>(400 * 300 * 3, 255)};
  auto ocr = cpu_engine().recognize(blank);
  ASSERT_TRUE(ocr.ok());
  EXPECT_TRUE(ocr->lines.empty());
}

TEST(OcrEngine, MalformedImageIsAnError) {
  Image bad{100, 100, std::vector<uint8_t>(10)};
  auto ocr = cpu_engine().recognize(bad);
  ASSERT_FALSE(ocr.ok());
  EXPECT_NE(ocr.error().message.find("malformed"), std::string::npos);
}

TEST(OcrEngine, CudaWithoutAGpuNamesWhatIsMissing) {
  EngineOptions options;
  options.device = Device::kCuda;
  auto engine = OcrEngine::create(models(), options);
  if (engine.ok()) GTEST_SKIP() << "this machine has a usable GPU";
  EXPECT_NE(engine.error().message.find("CUDA is not usable"), std::string::npos)
      << engine.error().message;
}

TEST(OcrEngine, AutoFallsBackToCpuAndSaysWhy) {
  EngineOptions options;
  options.device = Device::kAuto;
  auto engine = OcrEngine::create(models(), options);
  ASSERT_TRUE(engine.ok()) << engine.error().message;
  if ((*engine)->device() == Device::kCuda) {
    EXPECT_TRUE((*engine)->fallback_reason().empty());  // a usable GPU: no fallback to explain
    return;
  }
  EXPECT_NE((*engine)->fallback_reason().find("CUDA"), std::string::npos);
}

TEST(OcrEngine, MissingModelsAreAnError) {
  auto bundle = ModelBundle::load(ModelPaths::in_dir("/nonexistent"));
  ASSERT_FALSE(bundle.ok());
  EXPECT_NE(bundle.error().message.find("/nonexistent"), std::string::npos);
}

TEST(OcrEngine, InvalidOptionsNameTheParameter) {
  EngineOptions options;
  options.det.thresh = 2;
  auto engine = OcrEngine::create(models(), options);
  ASSERT_FALSE(engine.ok());
  EXPECT_NE(engine.error().message.find("thresh"), std::string::npos);
}

}  // namespace
}  // namespace ocrserve::ocr
