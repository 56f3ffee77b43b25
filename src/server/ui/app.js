// ocrserve /ui: convert view (async upload, progress, result with OCR boxes) and workers view.
'use strict';
const $ = (s) => document.querySelector(s);
const KEY = 'ocrserve-api-key';

// API key: asked once (on the first 401), kept in sessionStorage.
function apiKey() { return sessionStorage.getItem(KEY) || ''; }
async function api(path, init = {}) {
  for (let attempt = 0; attempt < 2; attempt++) {
    const headers = Object.assign({}, init.headers || {});
    if (apiKey()) headers['X-Api-Key'] = apiKey();
    const r = await fetch(path, Object.assign({}, init, {headers}));
    if (r.status !== 401 || attempt > 0) return r;
    const k = prompt('This server needs an API key (X-Api-Key):');
    if (!k) return r;
    sessionStorage.setItem(KEY, k);
    showKey();
  }
}
function showKey() { $('#keystate').textContent = apiKey() ? 'API key set for this session' : ''; }

// ---- views
function route() {
  const workers = location.hash === '#workers';
  $('#view-convert').hidden = workers;
  $('#view-workers').hidden = !workers;
  if (workers) startWorkers(); else stopWorkers();
}
window.addEventListener('hashchange', route);

// ---- convert
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));

// The Markdown comes from untrusted documents: marked renders it (tables, code, nested lists),
// DOMPurify removes whatever could run or load (scripts, handlers, javascript: links).
function renderMarkdown(md) {
  return DOMPurify.sanitize(marked.parse(md, {gfm: true}));
}

function pageImages(doc) {
  const imgs = [];
  const re = /(data:image\/[a-z]+;base64,[A-Za-z0-9+/=]+)/g;
  const src = doc.md_content || doc.html_content || '';
  let m;
  while ((m = re.exec(src))) imgs.push(m[1]);
  return imgs;
}

function boxClass(conf) {
  if (conf === undefined || conf === null) return 'none';
  return conf >= 0.9 ? 'hi' : conf >= 0.7 ? 'mid' : 'lo';
}

function renderPages(doc) {
  const pages = $('#pages');
  pages.textContent = '';
  const json = doc.json_content;
  const imgs = pageImages(doc);
  if (!json || !json.pages) { pages.textContent = 'No JSON in the result.'; return; }
  const nums = Object.keys(json.pages).map(Number).sort((a, b) => a - b);
  nums.forEach((no, i) => {
    const size = json.pages[String(no)].size;
    const wrap = document.createElement('div');
    wrap.className = 'page-wrap';
    wrap.dataset.page = no;
    const img = document.createElement('img');
    img.alt = 'Page ' + no;
    if (imgs[i]) img.src = imgs[i];
    else { img.width = size.width; img.height = size.height; }
    wrap.append(img);
    for (const t of json.texts || []) {
      const p = (t.prov || [])[0];
      if (!p || p.page_no !== no) continue;
      const bb = p.bbox;
      const top = bb.coord_origin === 'BOTTOMLEFT' ? size.height - bb.t : bb.t;
      const bottom = bb.coord_origin === 'BOTTOMLEFT' ? size.height - bb.b : bb.b;
      const box = document.createElement('div');
      box.className = 'ocr-box ' + boxClass(t.confidence);
      box.style.left = (100 * bb.l / size.width) + '%';
      box.style.top = (100 * top / size.height) + '%';
      box.style.width = (100 * (bb.r - bb.l) / size.width) + '%';
      box.style.height = (100 * (bottom - top) / size.height) + '%';
      const score = typeof t.confidence === 'number' ? t.confidence.toFixed(3) : 'no OCR';
      box.title = `${t.text} (${score})`;
      wrap.append(box);
    }
    pages.append(wrap);
  });
}

function showResult(body) {
  const doc = body.document || {};
  $('#result').hidden = false;
  const md = doc.md_content || '';
  $('#markdown').innerHTML = renderMarkdown(md);
  $('#raw-md').textContent = md.replace(/data:image\/[a-z]+;base64,[A-Za-z0-9+/=]+/g, 'data:…');
  $('#raw-json').textContent = doc.json_content ? JSON.stringify(doc.json_content, null, 2) : '';
  renderPages(doc);
  const t = body.timings || {};
  const secs = (v) => typeof v === 'number' ? v : (v && v.times ? v.times.reduce((a, b) => a + b, 0) : NaN);
  const parts = Object.entries(t).map(([k, v]) => `${k} ${secs(v).toFixed(3)} s`);
  $('#timings').textContent = `${body.status} in ${(body.processing_time || 0).toFixed(2)} s` +
      (parts.length ? ' · ' + parts.join(', ') : '') +
      ((body.errors || []).length ? ' · errors: ' + body.errors.map((e) => e.error_message).join('; ') : '');
}

async function convert(files) {
  const form = $('#convert-form');
  const fd = new FormData();
  for (const f of files) fd.append('files', f, f.name);
  for (const c of form.querySelectorAll('input[name=to_formats]:checked')) fd.append('to_formats', c.value);
  if (!fd.getAll('to_formats').includes('json')) fd.append('to_formats', 'json');
  if (!fd.getAll('to_formats').includes('md')) fd.append('to_formats', 'md');
  fd.append('image_export_mode', 'embedded');
  if (form.force_ocr.checked) fd.append('force_ocr', 'true');
  if (form.page_from.value || form.page_to.value) {
    fd.append('page_range', form.page_from.value || '1');
    fd.append('page_range', form.page_to.value || '100000');
  }
  const progress = $('#progress');
  $('#result').hidden = true;
  progress.textContent = 'uploading…';
  const t0 = performance.now();
  let r = await api('/v1/convert/file/async', {method: 'POST', body: fd});
  let st = await r.json();
  if (!r.ok) { progress.textContent = `HTTP ${r.status}: ${JSON.stringify(st.detail)}`; return; }
  const id = st.task_id;
  while (st.task_status !== 'success' && st.task_status !== 'failure') {
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    progress.textContent = `task ${id}: ${st.task_status}` +
        (st.task_position ? ` (position ${st.task_position})` : '') + ` · ${secs} s`;
    r = await api(`/v1/status/poll/${encodeURIComponent(id)}?wait=1`);
    if (!r.ok) { progress.textContent = `HTTP ${r.status} while polling`; return; }
    st = await r.json();
  }
  r = await api(`/v1/result/${encodeURIComponent(id)}`);
  const body = await r.json();
  if (!r.ok) { progress.textContent = `HTTP ${r.status}: ${JSON.stringify(body.detail)}`; return; }
  progress.textContent = `task ${id}: ${st.task_status} · ${((performance.now() - t0) / 1000).toFixed(1)} s`;
  progress.dataset.done = id;
  showResult(body);
}

$('#convert-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const files = $('#files').files;
  if (files.length) convert(files).catch((err) => { $('#progress').textContent = 'error: ' + err; });
});
const drop = $('#drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault(); drop.classList.remove('over');
  if (e.dataTransfer.files.length) convert(e.dataTransfer.files).catch((err) => { $('#progress').textContent = 'error: ' + err; });
});
for (const b of document.querySelectorAll('.tabs button')) {
  b.addEventListener('click', () => {
    for (const o of document.querySelectorAll('.tabs button')) o.classList.toggle('on', o === b);
    for (const t of document.querySelectorAll('.tab')) t.hidden = t.id !== 'tab-' + b.dataset.tab;
  });
}

// ---- workers
const HISTORY_MS = 5 * 60 * 1000;
const samples = [];  // {t, queue, device, vram: {pid: mib}, rss: {pid: mib}}
let events = [];
let timer = null;

function startWorkers() { if (!timer) { pollWorkers(); timer = setInterval(pollWorkers, 500); } }
function stopWorkers() { clearInterval(timer); timer = null; }

async function pollWorkers() {
  let d;
  try {
    const r = await api('/v1/workers');
    if (!r.ok) { $('#workers-summary').textContent = 'HTTP ' + r.status; return; }
    d = await r.json();
  } catch (e) { $('#workers-summary').textContent = 'error: ' + e; return; }
  const vram = {}, rss = {};
  for (const w of d.workers) {
    // Worker nodes on other machines may reuse a pid: the node names it.
    const key = (w.node ? w.node + ':' : '') + w.pid;
    if (w.pid && w.vram_mib !== null) vram[key] = w.vram_mib;
    if (w.pid) rss[key] = w.rss_mib;
  }
  const device = d.devices.reduce((s, x) => s + x.used_mib, 0);
  samples.push({t: d.now_ms, queue: d.queue_depth, device: d.devices.length ? device : null, vram, rss});
  while (samples.length && samples[0].t < d.now_ms - HISTORY_MS) samples.shift();
  events = d.events;
  renderWorkers(d);
  renderChart(d.now_ms);
}

function renderWorkers(d) {
  const live = d.workers.filter((w) => w.pid);
  $('#workers-summary').textContent = `${live.length} worker process(es) of ${d.workers.length} slot(s)` +
      (d.nodes ? ` on ${d.nodes.length} node(s)` : '') + ` · queue depth ${d.queue_depth}` +
      d.devices.map((x) => ` · GPU ${x.gpu}: ${x.used_mib.toFixed(0)} / ${x.total_mib.toFixed(0)} MiB`).join('') +
      [...new Set(d.workers.filter((w) => w.waiting).map((w) => w.waiting))].map((r) => ` · ${r}`).join('');
  const tbody = $('#workers-table tbody');
  tbody.textContent = '';
  for (const w of live) {
    const tr = document.createElement('tr');
    tr.className = 'worker';
    tr.dataset.pid = w.pid;
    tr.dataset.state = w.state;
    const cells = [w.node ? `${w.node} · ${w.slot}` : w.slot, w.pid, w.device || '?', w.state, w.tasks_done, w.rss_mib.toFixed(0),
                   w.vram_mib === null ? '–' : w.vram_mib.toFixed(0), w.task || ''];
    cells.forEach((c, i) => {
      const td = document.createElement('td');
      td.textContent = c;
      if (i === 3) td.className = 'state state-' + w.state;
      tr.append(td);
    });
    tbody.append(tr);
  }
  const ul = $('#events');
  ul.textContent = '';
  for (const e of d.events.slice(-10).reverse()) {
    const li = document.createElement('li');
    li.textContent = `${new Date(e.at_ms).toLocaleTimeString()} ${e.node ? 'node ' + e.node + ' ' : ''}slot ${e.slot} pid ${e.pid}: ${e.kind}${e.reason ? ' (' + e.reason + ')' : ''}`;
    ul.append(li);
  }
}

function renderChart(now) {
  const svg = $('#chart');
  const W = 800, H = 260, L = 50, R = 40, T = 10, B = 25;
  const t0 = now - HISTORY_MS;
  const x = (t) => L + (W - L - R) * (t - t0) / HISTORY_MS;
  // Per-worker VRAM where NVML gives figures; per-worker RSS elsewhere, so that the lifecycle
  // (start, busy, release) shows on every machine.
  const metric = samples.some((s) => Object.keys(s.vram).length) ? 'vram' : 'rss';
  $('#chart-metric').textContent = metric === 'vram' ? 'VRAM per worker' : 'RSS per worker (no GPU figures here)';
  let maxMib = 1, maxQ = 1;
  for (const s of samples) {
    for (const v of Object.values(s[metric])) maxMib = Math.max(maxMib, v);
    if (s.device !== null) maxMib = Math.max(maxMib, s.device);
    maxQ = Math.max(maxQ, s.queue);
  }
  const y = (v) => H - B - (H - T - B) * v / maxMib;
  const yq = (q) => H - B - (H - T - B) * q / maxQ;
  const parts = [`<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#999"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#999"/>`,
    `<text x="2" y="${T + 10}" font-size="11">${maxMib.toFixed(0)} MiB</text>`,
    `<text x="${W - R + 4}" y="${T + 10}" font-size="11" fill="#d7191c">q ${maxQ}</text>`,
    `<text x="${L}" y="${H - 5}" font-size="11">-5 min</text><text x="${W - R - 20}" y="${H - 5}" font-size="11">now</text>`];
  const line = (pts, color, cls) => pts.length &&
      parts.push(`<polyline class="${cls}" fill="none" stroke="${color}" stroke-width="2" points="${pts.join(' ')}"/>`);
  const pids = new Set();
  for (const s of samples) for (const p of Object.keys(s[metric])) pids.add(p);
  for (const pid of pids) {
    line(samples.filter((s) => pid in s[metric]).map((s) => `${x(s.t).toFixed(1)},${y(s[metric][pid]).toFixed(1)}`), '#2b83ba', metric);
  }
  line(samples.filter((s) => s.device !== null).map((s) => `${x(s.t).toFixed(1)},${y(s.device).toFixed(1)}`), '#555', 'device');
  line(samples.map((s) => `${x(s.t).toFixed(1)},${yq(s.queue).toFixed(1)}`), '#d7191c', 'queue');
  for (const e of events) {
    if (e.at_ms < t0) continue;
    const kind = e.kind === 'started' ? 'started'
        : e.kind === 'released' || e.reason === 'idle' ? 'released' : 'recycled';
    const color = {started: '#1a9641', released: '#2b83ba', recycled: '#d7191c'}[kind];
    const ex = x(e.at_ms).toFixed(1);
    parts.push(`<line class="mark mark-${kind}" x1="${ex}" y1="${T}" x2="${ex}" y2="${H - B}" stroke="${color}" stroke-dasharray="4 3"><title>${esc(e.kind + ' ' + (e.reason || '') + ' pid ' + e.pid)}</title></line>`);
  }
  svg.innerHTML = parts.join('');
}

showKey();
route();
