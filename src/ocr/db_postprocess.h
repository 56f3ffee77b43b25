// DB (differentiable binarisation) post-processing: the detector's per-pixel text probability
// map -> text line quadrilaterals in page pixels. Pure functions, thread-safe.
#pragma once

#include <vector>

#include "ocr/options.h"
#include "ocr/types.h"

namespace ocrserve::ocr {

// prob: map_width x map_height probabilities, row-major. Boxes are scaled from map pixels to
// dest_width x dest_height (the page) and clipped to it; order is unspecified.
std::vector<Quad> db_boxes(const float* prob, int map_width, int map_height, int dest_width,
                           int dest_height, const DetectorOptions& options);

// The polygon grown outwards by distance = area * ratio / perimeter (Clipper, round joins).
std::vector<Point> unclip(const Quad& quad, float ratio);

// Minimum-area rectangle around points, ordered TL, TR, BR, BL as RapidOCR's get_mini_boxes;
// short_side receives the rectangle's shorter side.
Quad min_area_quad(const std::vector<Point>& points, float* short_side);

// Mean of prob inside the quad (RapidOCR's score_mode "fast").
float box_score(const float* prob, int map_width, int map_height, const Quad& quad);

}  // namespace ocrserve::ocr
