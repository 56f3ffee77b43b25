// Scan-like degradation: skew, grey paper, noise, real JPEG (see scan_effects.h).
#include "testkit/scan_effects.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

#include "testkit/pix_util.h"
#include "testkit/rng.h"

namespace ocrserve::testkit {
namespace {

constexpr double kPi = 3.14159265358979323846;

struct Rotation {
  double cx, cy, c, s;
  // Forward map (source -> output) for a counter-clockwise on-screen rotation.
  void forward(double x, double y, double& ox, double& oy) const {
    const double dx = x - cx, dy = y - cy;
    ox = cx + dx * c + dy * s;
    oy = cy - dx * s + dy * c;
  }
  void inverse(double x, double y, double& sx, double& sy) const {
    const double dx = x - cx, dy = y - cy;
    sx = cx + dx * c - dy * s;
    sy = cy + dx * s + dy * c;
  }
};

std::vector<uint8_t> rotate_rgb(const RenderedPage& in, const Rotation& rot) {
  const int w = in.width, h = in.height;
  std::vector<uint8_t> out(in.rgb.size(), 255);
  auto px = [&](int x, int y, int ch) -> double {
    if (x < 0 || y < 0 || x >= w || y >= h) return 255.0;
    return in.rgb[(static_cast<size_t>(y) * static_cast<size_t>(w) + static_cast<size_t>(x)) * 3 +
                  static_cast<size_t>(ch)];
  };
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      double sx, sy;  // pixel centres are at +0.5
      rot.inverse(x + 0.5, y + 0.5, sx, sy);
      sx -= 0.5;
      sy -= 0.5;
      const double fx = std::floor(sx), fy = std::floor(sy);
      const double ax = sx - fx, ay = sy - fy;
      const int x0 = static_cast<int>(fx), y0 = static_cast<int>(fy);
      uint8_t* o =
          &out[(static_cast<size_t>(y) * static_cast<size_t>(w) + static_cast<size_t>(x)) * 3];
      for (int ch = 0; ch < 3; ++ch) {
        const double top = px(x0, y0, ch) * (1 - ax) + px(x0 + 1, y0, ch) * ax;
        const double bot = px(x0, y0 + 1, ch) * (1 - ax) + px(x0 + 1, y0 + 1, ch) * ax;
        o[ch] =
            static_cast<uint8_t>(std::lround(std::clamp(top * (1 - ay) + bot * ay, 0.0, 255.0)));
      }
    }
  }
  return out;
}

void rotate_box(RenderedLine& l, const Rotation& rot, int w, int h) {
  const std::array<double, 4> xs{l.x0, l.x1, l.x1, l.x0}, ys{l.y0, l.y0, l.y1, l.y1};
  double mnx = 1e300, mny = 1e300, mxx = -1e300, mxy = -1e300;
  for (size_t i = 0; i < 4; ++i) {
    double ox, oy;
    rot.forward(xs[i], ys[i], ox, oy);
    mnx = std::min(mnx, ox), mny = std::min(mny, oy);
    mxx = std::max(mxx, ox), mxy = std::max(mxy, oy);
  }
  l.x0 = std::clamp(std::floor(mnx), 0.0, double(w));
  l.y0 = std::clamp(std::floor(mny), 0.0, double(h));
  l.x1 = std::clamp(std::ceil(mxx), 0.0, double(w));
  l.y1 = std::clamp(std::ceil(mxy), 0.0, double(h));
}

}  // namespace

RenderedPage make_scan_like(const RenderedPage& page, double skew_degrees, double noise_sigma,
                            int jpeg_quality, uint32_t seed) {
  if (page.width <= 0 || page.height <= 0 ||
      page.rgb.size() != static_cast<size_t>(page.width) * static_cast<size_t>(page.height) * 3) {
    throw std::invalid_argument("make_scan_like: malformed page");
  }
  RenderedPage out;
  out.width = page.width;
  out.height = page.height;
  out.lines = page.lines;

  if (skew_degrees != 0.0) {
    const double a = skew_degrees * kPi / 180.0;
    const Rotation rot{page.width / 2.0, page.height / 2.0, std::cos(a), std::sin(a)};
    out.rgb = rotate_rgb(page, rot);
    for (auto& l : out.lines) rotate_box(l, rot, page.width, page.height);
  } else {
    out.rgb = page.rgb;
  }

  Rng rng(0x5CA11E00ull ^ (static_cast<uint64_t>(seed) << 20));
  const double paper = 235.0 + static_cast<double>(rng.below(11));
  for (size_t i = 0; i < out.rgb.size(); i += 3) {
    const double n = noise_sigma > 0 ? noise_sigma * rng.gaussian() : 0.0;
    for (size_t ch = 0; ch < 3; ++ch) {
      const double v = out.rgb[i + ch] * (paper / 255.0) + n;
      out.rgb[i + ch] = static_cast<uint8_t>(std::lround(std::clamp(v, 0.0, 255.0)));
    }
  }

  if (jpeg_quality <= 0) return out;
  detail::PixPtr pix = detail::page_to_pix(out);
  l_uint8* jpeg = nullptr;
  size_t jpeg_size = 0;
  if (!pix ||
      pixWriteMemJpeg(&jpeg, &jpeg_size, pix.get(), std::clamp(jpeg_quality, 1, 100), 0) != 0) {
    throw std::runtime_error("make_scan_like: JPEG encode failed");
  }
  const std::unique_ptr<l_uint8, void (*)(void*)> jpeg_owner(jpeg, lept_free);
  detail::PixPtr decoded(pixReadMem(jpeg, jpeg_size));
  if (!decoded || !detail::pix_to_page(decoded.get(), out)) {
    throw std::runtime_error("make_scan_like: JPEG decode failed");
  }
  return out;
}

}  // namespace ocrserve::testkit
