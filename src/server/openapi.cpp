// /openapi.json (what this server answers) and /docs (a page that renders it, no CDN needed).
#include "server/api.h"

namespace ocrserve::server {

using nlohmann::json;

namespace {

json op(const std::string& summary, const json& extra = json::object()) {
  json o{{"summary", summary},
         {"responses",
          {{"200", {{"description", "OK"}}},
           {"401", {{"description", "missing or wrong X-Api-Key"}}},
           {"422", {{"description", "validation error"}}}}}};
  o.update(extra);
  return o;
}

json task_id_param() {
  return json::array({{{"name", "task_id"},
                       {"in", "path"},
                       {"required", true},
                       {"schema", {{"type", "string"}}}}});
}

}  // namespace

json openapi_document(const std::string& version) {
  json file_body{
      {"requestBody",
       {{"required", true},
        {"content",
         {{"multipart/form-data",
           {{"schema",
             {{"allOf",
               {{{"type", "object"},
                 {"required", {"files"}},
                 {"properties",
                  {{"files",
                    {{"type", "array"}, {"items", {{"type", "string"}, {"format", "binary"}}}}}}}},
                options_schema()}}}}}}}}}}};
  json source_body{
      {"requestBody",
       {{"required", true},
        {"content",
         {{"application/json",
           {{"schema",
             {{"type", "object"},
              {"properties",
               {{"options", options_schema()},
                {"sources",
                 {{"type", "array"},
                  {"items",
                   {{"type", "object"},
                    {"properties",
                     {{"kind", {{"type", "string"}, {"enum", {"file", "http"}}}},
                      {"base64_string", {{"type", "string"}}},
                      {"filename", {{"type", "string"}}},
                      {"url", {{"type", "string"}}},
                      {"headers", {{"type", "object"}}}}}}}}},
                {"file_sources", {{"type", "array"}}},
                {"http_sources", {{"type", "array"}}},
                {"target",
                 {{"type", "object"},
                  {"properties",
                   {{"kind", {{"type", "string"}, {"enum", {"inbody", "zip"}}}}}}}}}}}}}}}}}}};
  json paths{
      {"/v1/convert/file",
       {{"post", op("Convert uploaded files and wait for the result", file_body)}}},
      {"/v1/convert/file/async",
       {{"post", op("Convert uploaded files; answers a task status at once", file_body)}}},
      {"/v1/convert/source",
       {{"post", op("Convert sources and wait for the result", source_body)}}},
      {"/v1/convert/source/async",
       {{"post", op("Convert sources; answers a task status at once", source_body)}}},
      {"/v1/status/poll/{task_id}",
       {{"get", op("Task status; wait=S long-polls for a change",
                   {{"parameters", json::array({task_id_param()[0],
                                                {{"name", "wait"},
                                                 {"in", "query"},
                                                 {"schema", {{"type", "number"}}}}})}})}}},
      {"/v1/result/{task_id}",
       {{"get", op("A finished task's result", {{"parameters", task_id_param()}})}}},
      {"/v1/clear/converters", {{"get", op("Release every worker's models and GPU memory now")}}},
      {"/v1/clear/results",
       {{"get", op("Delete finished results older than older_then seconds",
                   {{"parameters", json::array({{{"name", "older_then"},
                                                 {"in", "query"},
                                                 {"schema", {{"type", "number"}}}}})}})}}},
      {"/health", {{"get", op("Liveness")}}},
      {"/livez", {{"get", op("Liveness")}}},
      {"/ready", {{"get", op("Readiness: 503 until a worker can be started")}}},
      {"/readyz", {{"get", op("Readiness: 503 until a worker can be started")}}},
      {"/version", {{"get", op("Versions")}}},
      {"/metrics", {{"get", op("Prometheus metrics")}}},
      {"/v1/workers",
       {{"get",
         op("Worker processes, queue depth, device memory and recent lifecycle events (JSON)",
            {{"responses",
              {{"401", {{"description", "missing or wrong X-Api-Key"}}},
               {"200",
                {{"description", "Workers"},
                 {"content",
                  {{"application/json",
                    {{"schema",
                      {{"type", "object"},
                       {"properties",
                        {{"workers", {{"type", "array"}, {"items", {{"type", "object"}}}}},
                         {"queue_depth", {{"type", "integer"}}},
                         {"devices", {{"type", "array"}, {"items", {{"type", "object"}}}}},
                         {"events",
                          {{"type", "array"}, {"items", {{"type", "object"}}}}}}}}}}}}}}}}}})}}}};
  return {{"openapi", "3.1.0"},
          {"info",
           {{"title", "ocrserve"},
            {"version", version},
            {"description", "docling-serve v1 API compatible document conversion with PP-OCRv4"}}},
          {"components",
           {{"securitySchemes",
             {{"APIKeyHeader", {{"type", "apiKey"}, {"in", "header"}, {"name", "X-Api-Key"}}}}}}},
          {"paths", paths}};
}

// Swagger UI (npm swagger-ui-dist, built into the binary) over /openapi.json: every operation
// with its fields and a "Try it out" button.
const char* docs_page() {
  return R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>ocrserve API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true,
                             tryItOutEnabled: false, presets: [SwaggerUIBundle.presets.apis]});
</script></body></html>
)";
}

}  // namespace ocrserve::server
