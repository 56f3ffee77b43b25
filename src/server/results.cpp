#include "server/results.h"

#include <filesystem>
#include <fstream>
#include <set>

#include "common/whole_file.h"
#include "server/zip_writer.h"

namespace ocrserve::server {

using nlohmann::json;
using tasks::Task;

namespace {

// A result file the worker wrote; a missing one is the server's fault (500).
std::string result_file(const Task& t, const ResultFileReader& read, size_t index,
                        const std::string& path) {
  auto content = read ? read(index, path) : read_whole_file(path);
  if (!content) throw HttpError(500, "the result files of task " + t.id + " are missing");
  return std::move(content).value();
}

// docling's ProfilingItem.
json profiling_item(double seconds) {
  return {{"scope", "document"},
          {"count", 1},
          {"times", {seconds}},
          {"start_timestamps", json::array()}};
}

json document_timings(const tasks::TaskDocument& doc) {
  json timings = json::object();
  const json stages = doc.outcome.value("timings_ms", json::object());
  for (const auto& [stage, ms] : stages.items()) {
    if (ms.is_number()) timings[stage] = profiling_item(ms.get<double>() / 1000.0);
  }
  if (doc.outcome.contains("worker_ms") && doc.outcome["worker_ms"].is_number()) {
    timings["worker"] = profiling_item(doc.outcome["worker_ms"].get<double>() / 1000.0);
  }
  return timings;
}

json error_items(const Task& task) {
  json errors = json::array();
  for (const auto& d : task.documents) {
    if (d.status == tasks::DocumentStatus::kFailure) {
      errors.push_back({{"component_type", "document_backend"},
                        {"module_name", "ocrserve-worker"},
                        {"error_message", d.filename + ": " + d.error}});
    }
  }
  return errors;
}

std::string overall_status(const Task& task) {
  size_t ok = 0;
  for (const auto& d : task.documents) ok += d.status == tasks::DocumentStatus::kSuccess;
  if (ok == task.documents.size()) return "success";
  return ok == 0 ? "failure" : "partial_success";
}

double processing_time(const Task& t) {
  const double start = t.started_at > 0 ? t.started_at : t.created_at;
  return t.finished_at > start ? t.finished_at - start : 0;
}

}  // namespace

json task_status_json(const Task& t, size_t queue_position) {
  size_t processed = 0, succeeded = 0, failed = 0;
  for (const auto& d : t.documents) {
    processed += d.status != tasks::DocumentStatus::kPending;
    succeeded += d.status == tasks::DocumentStatus::kSuccess;
    failed += d.status == tasks::DocumentStatus::kFailure;
  }
  json status{{"task_id", t.id},
              {"task_type", "convert"},
              {"task_status", tasks::status_name(t.status)},
              {"task_position", nullptr},
              {"task_meta",
               {{"num_docs", t.documents.size()},
                {"num_processed", processed},
                {"num_succeeded", succeeded},
                {"num_failed", failed}}},
              {"error_message", nullptr}};
  if (queue_position > 0) status["task_position"] = queue_position;
  if (!t.waiting_reason.empty() && t.status == tasks::TaskStatus::kPending) {
    status["task_meta"]["waiting_reason"] = t.waiting_reason;
  }
  if (!t.error_message.empty()) status["error_message"] = t.error_message;
  return status;
}

ApiResponse task_result_response(const Task& t, const ResultFileReader& read) {
  // Pictures written as files (image_export_mode=referenced) only travel in a zip.
  bool files = false;
  for (const auto& d : t.documents) {
    for (const auto& out : d.outcome.value("outputs", json::array())) {
      files = files || out.value("format", "") == "image";
    }
  }
  const bool zip = t.options.zip || t.documents.size() > 1 || files;
  if (zip) {
    ZipWriter writer;
    for (size_t i = 0; i < t.documents.size(); ++i) {
      for (const auto& out : t.documents[i].outcome.value("outputs", json::array())) {
        const std::string path = out.value("path", "");
        const std::string content = result_file(t, read, i, path);
        writer.add(out.value("name", std::filesystem::path(path).filename().string()), content);
      }
    }
    ApiResponse r;
    r.content_type = "application/zip";
    r.body = writer.finish();
    r.headers.push_back({"Content-Disposition", "attachment; filename=\"converted_docs.zip\""});
    return r;
  }
  json document{{"filename", ""},          {"md_content", nullptr},   {"json_content", nullptr},
                {"html_content", nullptr}, {"text_content", nullptr}, {"doctags_content", nullptr}};
  json timings = json::object();
  if (!t.documents.empty()) {
    const auto& d = t.documents.front();
    document["filename"] = d.filename;
    for (const auto& out : d.outcome.value("outputs", json::array())) {
      const std::string content = result_file(t, read, 0, out.value("path", ""));
      const std::string format = out.value("format", "");
      if (format == "md") document["md_content"] = content;
      if (format == "html") document["html_content"] = content;
      if (format == "text") document["text_content"] = content;
      if (format == "json") {
        document["json_content"] = json::parse(content, nullptr, false);
        if (document["json_content"].is_discarded()) document["json_content"] = nullptr;
      }
    }
    timings = document_timings(d);
  }
  return ApiResponse::json({{"document", document},
                            {"status", overall_status(t)},
                            {"errors", error_items(t)},
                            {"processing_time", processing_time(t)},
                            {"timings", timings}});
}

}  // namespace ocrserve::server
