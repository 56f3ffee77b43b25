// /ui (with --enable-ui): upload a document, see the result; the workers' state from /metrics.
#include "server/api.h"

namespace ocrserve::server {

namespace {

// clang-format off
const char* kPage = R"html(<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>ocrserve</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}pre{background:#f4f4f4;padding:1em;white-space:pre-wrap}
label{margin-right:1em}</style></head><body>
<h1>ocrserve</h1>
<form id="f"><p><input type="file" name="files" multiple required></p>
<p><label><input type="checkbox" name="to_formats" value="md" checked> md</label>
<label><input type="checkbox" name="to_formats" value="text"> text</label>
<label><input type="checkbox" name="to_formats" value="html"> html</label>
<label><input type="checkbox" name="to_formats" value="json"> json</label>
<label><input type="checkbox" name="force_ocr" value="true"> force OCR</label></p>
<p><input type="password" id="key" placeholder="X-Api-Key, if the server needs one">
<button>Convert</button></p></form>
<p id="status"></p><pre id="out"></pre>
<h2>Workers</h2><pre id="workers"></pre>
<script>
const key = () => document.getElementById('key').value;
const headers = () => key() ? {'X-Api-Key': key()} : {};
document.getElementById('f').onsubmit = async (e) => {
  e.preventDefault();
  const status = document.getElementById('status'), out = document.getElementById('out');
  status.textContent = 'converting...'; out.textContent = '';
  const t0 = performance.now();
  const r = await fetch('v1/convert/file', {method: 'POST', body: new FormData(e.target), headers: headers()});
  const took = ((performance.now() - t0) / 1000).toFixed(2);
  if (r.headers.get('Content-Type') === 'application/zip') {
    const a = document.createElement('a'); a.href = URL.createObjectURL(await r.blob());
    a.download = 'converted_docs.zip'; a.textContent = 'converted_docs.zip';
    status.textContent = 'done in ' + took + ' s: '; status.append(a); return;
  }
  const body = await r.json();
  if (!r.ok) { status.textContent = 'HTTP ' + r.status; out.textContent = JSON.stringify(body.detail, null, 2); return; }
  status.textContent = body.status + ' in ' + took + ' s';
  const d = body.document;
  out.textContent = d.md_content ?? d.text_content ?? d.html_content ?? JSON.stringify(d.json_content, null, 2);
  if (body.errors.length) out.textContent += '\n' + body.errors.map(x => x.error_message).join('\n');
};
async function workers() {
  const r = await fetch('metrics', {headers: headers()});
  if (r.ok) document.getElementById('workers').textContent = (await r.text()).split('\n')
      .filter(l => /^ocrserve_(workers|worker_|queue_depth|device_)/.test(l)).join('\n');
}
workers(); setInterval(workers, 2000);
</script></body></html>
)html";
// clang-format on

}  // namespace

ApiResponse Api::ui(const ApiRequest&) {
  if (!settings_.enable_ui) throw HttpError(404, "Not Found (start the server with --enable-ui)");
  ApiResponse r;
  r.content_type = "text/html; charset=utf-8";
  r.body = kPage;
  return r;
}

}  // namespace ocrserve::server
