// A conversion task as the API sees it: one or more documents converted with one set of options.
// A plain value; TaskRegistry keeps them and TaskStore persists them.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace ocrserve::tasks {

enum class TaskStatus { kPending, kStarted, kSuccess, kFailure };
// The name stored and shown (the same as the JSON mapping below).
const char* status_name(TaskStatus s);
inline bool is_finished(TaskStatus s) {
  return s == TaskStatus::kSuccess || s == TaskStatus::kFailure;
}

enum class DocumentStatus { kPending, kSuccess, kFailure };

// Stored and shown by these names; an unknown name reads as pending.
NLOHMANN_JSON_SERIALIZE_ENUM(TaskStatus, {{TaskStatus::kPending, "pending"},
                                          {TaskStatus::kStarted, "started"},
                                          {TaskStatus::kSuccess, "success"},
                                          {TaskStatus::kFailure, "failure"}})
NLOHMANN_JSON_SERIALIZE_ENUM(DocumentStatus, {{DocumentStatus::kPending, "pending"},
                                              {DocumentStatus::kSuccess, "success"},
                                              {DocumentStatus::kFailure, "failure"}})

struct TaskDocument {
  std::string filename;    // the user's name for it
  std::string input_path;  // spool file
  std::string output_dir;  // where the worker writes <stem>.<ext>
  DocumentStatus status = DocumentStatus::kPending;
  std::string error;                                  // when failure: a sentence for the user
  nlohmann::json outcome = nlohmann::json::object();  // outputs, timings_ms, pages, worker pid
};

// What the caller asked for, as the worker and the result answer need it.
struct TaskOptions {
  nlohmann::json request = nlohmann::json::object();  // conversion::ConversionRequest JSON
  bool zip = false;                                   // answer with a zip (target "zip")
  double document_timeout_s = 0;                      // 0 = the server's task timeout
  bool abort_on_error = false;
  std::vector<std::string> notes;  // options accepted but not applied
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TaskOptions, request, zip, document_timeout_s,
                                                abort_on_error, notes)

struct Task {
  std::string id;
  long long seq = 0;  // FIFO order; assigned by TaskRegistry::create
  TaskStatus status = TaskStatus::kPending;
  TaskOptions options;
  std::vector<TaskDocument> documents;
  std::string error_message;
  std::string waiting_reason;  // why a pending task has not started (e.g. GPU memory), or ""
  double created_at = 0;       // unix seconds
  double started_at = 0;
  double finished_at = 0;
  double fetched_at = 0;   // first GET of its result (single-use retention)
  int resumed = 0;         // times it was picked up again after a server restart
  std::string result_key;  // Redis engine: where the worker node stored the result files
};

// Every field by its own name; a field missing from a stored record keeps its default.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TaskDocument, filename, input_path, output_dir,
                                                status, error, outcome)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Task, id, seq, status, options, documents,
                                                error_message, waiting_reason, created_at,
                                                started_at, finished_at, fetched_at, resumed,
                                                result_key)

nlohmann::json to_json(const Task& task);
// Throws nlohmann::json::exception on a malformed record (no id, a field of the wrong type).
Task task_from_json(const nlohmann::json& json);

double unix_now();

}  // namespace ocrserve::tasks
