// The answers built from task records: docling-serve's task status object, and the conversion
// result (JSON in the body, or a ZIP for several documents or target zip).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "common/result.h"

#include "server/api_types.h"
#include "tasks/task.h"

namespace ocrserve::server {

nlohmann::json task_status_json(const tasks::Task& task, size_t queue_position);
// Reads the output file `path` of document `index` (its outcome's "outputs"). Empty: from disk.
using ResultFileReader = std::function<Result<std::string>(size_t index, const std::string& path)>;

// The result of a finished task, read from its result files.
ApiResponse task_result_response(const tasks::Task& task, const ResultFileReader& read = {});

}  // namespace ocrserve::server
