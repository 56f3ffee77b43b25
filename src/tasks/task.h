// A conversion task as the API sees it: one or more documents converted with one set of options.
// A plain value; TaskRegistry keeps them and TaskStore persists them.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace ocrserve::tasks {

enum class TaskStatus { kPending, kStarted, kSuccess, kFailure };
const char* status_name(TaskStatus s);
std::optional<TaskStatus> parse_status(const std::string& s);
inline bool is_finished(TaskStatus s) {
  return s == TaskStatus::kSuccess || s == TaskStatus::kFailure;
}

struct TaskDocument {
  std::string filename;                               // the user's name for it
  std::string input_path;                             // spool file
  std::string output_dir;                             // where the worker writes <stem>.<ext>
  std::string status = "pending";                     // pending | success | failure
  std::string error;                                  // when failure: a sentence for the user
  nlohmann::json outcome = nlohmann::json::object();  // outputs, timings_ms, pages, worker pid
};

struct Task {
  std::string id;
  long long seq = 0;  // FIFO order; assigned by TaskRegistry::create
  TaskStatus status = TaskStatus::kPending;
  // The conversion request (conversion::ConversionRequest JSON) under "request", plus the
  // server's own options (target, document_timeout).
  nlohmann::json options = nlohmann::json::object();
  std::vector<TaskDocument> documents;
  std::string error_message;
  std::string waiting_reason;  // why a pending task has not started (e.g. GPU memory), or ""
  double created_at = 0;       // unix seconds
  double started_at = 0;
  double finished_at = 0;
  double fetched_at = 0;  // first GET of its result (single-use retention)
  int resumed = 0;        // times it was picked up again after a server restart
};

nlohmann::json to_json(const Task& task);
// Throws nlohmann::json::exception on a malformed record.
Task task_from_json(const nlohmann::json& json);

double unix_now();

}  // namespace ocrserve::tasks
