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

std::optional<TaskStatus> parse_status(const std::string& s) {
  for (auto t :
       {TaskStatus::kPending, TaskStatus::kStarted, TaskStatus::kSuccess, TaskStatus::kFailure}) {
    if (s == status_name(t)) return t;
  }
  return std::nullopt;
}

json to_json(const Task& t) {
  json docs = json::array();
  for (const auto& d : t.documents) {
    docs.push_back({{"filename", d.filename},
                    {"input_path", d.input_path},
                    {"output_dir", d.output_dir},
                    {"status", d.status},
                    {"error", d.error},
                    {"outcome", d.outcome}});
  }
  return {{"id", t.id},
          {"seq", t.seq},
          {"status", status_name(t.status)},
          {"options", t.options},
          {"documents", docs},
          {"error_message", t.error_message},
          {"waiting_reason", t.waiting_reason},
          {"created_at", t.created_at},
          {"started_at", t.started_at},
          {"finished_at", t.finished_at},
          {"fetched_at", t.fetched_at},
          {"resumed", t.resumed}};
}

Task task_from_json(const json& j) {
  Task t;
  t.id = j.at("id").get<std::string>();
  t.seq = j.value("seq", 0LL);
  t.status = parse_status(j.value("status", "pending")).value_or(TaskStatus::kPending);
  t.options = j.value("options", json::object());
  for (const auto& d : j.value("documents", json::array())) {
    TaskDocument doc;
    doc.filename = d.value("filename", "");
    doc.input_path = d.value("input_path", "");
    doc.output_dir = d.value("output_dir", "");
    doc.status = d.value("status", "pending");
    doc.error = d.value("error", "");
    doc.outcome = d.value("outcome", json::object());
    t.documents.push_back(std::move(doc));
  }
  t.error_message = j.value("error_message", "");
  t.waiting_reason = j.value("waiting_reason", "");
  t.created_at = j.value("created_at", 0.0);
  t.started_at = j.value("started_at", 0.0);
  t.finished_at = j.value("finished_at", 0.0);
  t.fetched_at = j.value("fetched_at", 0.0);
  t.resumed = j.value("resumed", 0);
  return t;
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace ocrserve::tasks
