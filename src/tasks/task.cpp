#include "tasks/task.h"

#include <chrono>

namespace ocrserve::tasks {

using nlohmann::json;

const char* status_name(TaskStatus s) {
  switch (s) {
    case TaskStatus::kPending:
      return "pending";
    case TaskStatus::kStarted:
      return "started";
    case TaskStatus::kSuccess:
      return "success";
    case TaskStatus::kFailure:
      return "failure";
  }
  return "pending";
}

json to_json(const Task& t) { return json(t); }

Task task_from_json(const json& j) {
  (void)j.at("id").get<std::string>();  // a record without an id is malformed
  return j.get<Task>();
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace ocrserve::tasks
