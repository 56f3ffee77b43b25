// /openapi.json (what this server answers) and /docs (a page that renders it, no CDN needed).
#include "server/api.h"

namespace ocrserve::server {

using nlohmann::json;

namespace {

json options_schema() {
  const json str{{"type", "string"}};
  const json boolean{{"type", "boolean"}};
  return {{"type", "object"},
          {"properties",
           {{"to_formats",
             {{"type", "array"},
              {"items", {{"type", "string"}, {"enum", {"md", "json", "html", "text"}}}},
              {"default", {"md"}}}},
            {"from_formats", {{"type", "array"}, {"items", str}}},
            {"do_ocr", boolean},
            {"force_ocr", boolean},
            {"ocr_engine",
             {{"type", "string"},
              {"enum", {"auto", "easyocr", "tesseract_cli", "tesseract", "rapidocr", "ocrmac"}},
              {"description", "every value runs PP-OCRv4 (what rapidocr is)"}}},
            {"ocr_lang", {{"type", "array"}, {"items", str}, {"description", "ignored"}}},
            {"page_range", {{"type", "array"}, {"items", {{"type", "integer"}}}, {"maxItems", 2}}},
            {"document_timeout", {{"type", "number"}}},
            {"abort_on_error", boolean},
            {"image_export_mode",
             {{"type", "string"}, {"enum", {"placeholder", "embedded", "referenced"}}}},
            {"images_scale", {{"type", "number"}, {"maximum", 2.0}}},
            {"include_images", boolean},
            {"md_page_break_placeholder", str},
            {"pdf_backend", str},
            {"table_mode", {{"type", "string"}, {"enum", {"fast", "accurate"}}}},
            {"pipeline", {{"type", "string"}, {"enum", {"standard"}}}},
            {"target_type", {{"type", "string"}, {"enum", {"inbody", "zip"}}}}}}};
}

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

const char* docs_page() {
  return R"(<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>ocrserve API</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}code{background:#eee;padding:0 .2em}
.op{border:1px solid #ccc;border-radius:4px;margin:.5em 0;padding:.5em}.m{font-weight:bold;margin-right:.5em}</style>
</head><body><h1>ocrserve API</h1><p>The docling-serve v1 API. Machine-readable: <a href="openapi.json">/openapi.json</a>.</p>
<div id="ops">loading...</div>
<script>
fetch('openapi.json').then(r => r.json()).then(doc => {
  const ops = document.getElementById('ops'); ops.textContent = '';
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const d = document.createElement('div'); d.className = 'op';
      const m = document.createElement('span'); m.className = 'm'; m.textContent = method.toUpperCase();
      const p = document.createElement('code'); p.textContent = path;
      const s = document.createElement('div'); s.textContent = op.summary;
      d.append(m, p, s); ops.append(d);
    }
  }
});
</script></body></html>
)";
}

}  // namespace ocrserve::server
