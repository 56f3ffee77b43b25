// Image -> model input: BGR 8-bit pixels to planar float (x/255 - 0.5) / 0.5, zero padding.
#pragma once

#include <opencv2/core.hpp>

namespace ocrserve::ocr {

// Writes bgr (CV_8UC3, width <= padded_width) into dst as 3 planes of rows x padded_width
// floats; columns past bgr.cols are 0 (the normalised value of mid-grey, as PP-OCR pads).
void write_chw(const cv::Mat& bgr, float* dst, int padded_width);

}  // namespace ocrserve::ocr
