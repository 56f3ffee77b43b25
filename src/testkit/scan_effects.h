// Contract: degrade a clean RenderedPage so it looks like a cheap office scan.
//  * Rotates the content by skew_degrees about the page centre (positive =
//    counter-clockwise as seen on screen), bilinear, white fill; page size
//    is unchanged (corners that leave the page are cropped).
//  * Greys the paper to a seed-chosen level in [235, 245] (ink stays dark),
//    adds per-pixel Gaussian luminance noise of noise_sigma (8-bit units),
//    then round-trips through a real JPEG encoder/decoder (leptonica/libjpeg)
//    at jpeg_quality (clamped to [1,100]; <= 0 skips the JPEG step).
//  * Line texts are kept; line boxes become the axis-aligned bounds of the
//    rotated boxes (approximate, slightly loose for non-zero skew).
//  * Deterministic for given inputs and seed. Throws std::runtime_error if the
//    JPEG codec fails, std::invalid_argument on a malformed page.
#pragma once

#include <cstdint>

#include "testkit/page_renderer.h"

namespace ocrserve::testkit {

RenderedPage make_scan_like(const RenderedPage& page, double skew_degrees = 1.0,
                            double noise_sigma = 12, int jpeg_quality = 60, uint32_t seed = 1);

}  // namespace ocrserve::testkit
