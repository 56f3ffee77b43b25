// ocrserve-lifecycle-bench: the worker lifecycle, measured. For each mode it runs N tasks on
// one page back to back, waits past the idle timeout, then runs one more: prints warm and
// cold-after-idle latency, worker RSS and GPU memory (NVML, per process and device) after every
// task and after idle; writes a CSV row per sample and a PNG of GPU memory (or RSS without a
// GPU) over time, one line per mode.
//
//   ocrserve-lifecycle-bench PAGE [--tasks N] [--idle S] [--device cpu|cuda] [--out DIR]
//                            [--modes keep-warm,process,standby,per-task,in-process,leaky]
#include <cairo.h>

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "common/process_stats.h"
#include "gpu/nvml.h"
#include "supervisor/supervisor.h"

namespace fs = std::filesystem;
using namespace ocrserve;
using Clock = std::chrono::steady_clock;

namespace {

struct Sample {
  std::string mode;
  double t_s;         // since the mode started
  std::string phase;  // warm, idle, cold
  double latency_ms;  // 0 for idle samples
  int pid;
  double rss_mib;
  double vram_mib;  // -1 without NVML
  double device_used_mib;
};

supervisor::Policy policy_for(const std::string& mode, double idle_s, const std::string& device,
                              std::vector<std::string>& extra_args) {
  supervisor::Policy p;
  p.device = device;
  p.idle_timeout_s = idle_s;
  p.free_vram_on_idle = mode != "keep-warm" && mode != "leaky";
  if (mode == "process" || mode == "standby") p.release_mode = supervisor::ReleaseMode::kProcess;
  if (mode == "standby") p.prewarm = supervisor::Prewarm::kStandby;
  if (mode == "per-task") p.release_mode = supervisor::ReleaseMode::kPerTask;
  if (mode == "in-process") p.release_mode = supervisor::ReleaseMode::kInProcess;
  if (mode == "leaky") extra_args.push_back("--fresh-sessions-per-task");
  return p;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void plot(const std::string& path, const std::vector<Sample>& samples, bool gpu) {
  const int W = 1000, H = 560, L = 70, R = 170, T = 40, B = 50;
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  double max_t = 1, max_y = 1;
  for (const auto& s : samples) {
    max_t = std::max(max_t, s.t_s);
    max_y = std::max(max_y, gpu ? s.vram_mib : s.rss_mib);
  }
  max_y *= 1.1;
  auto X = [&](double t) { return L + (W - L - R) * t / max_t; };
  auto Y = [&](double y) { return H - B - (H - T - B) * y / max_y; };
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, 1);
  cairo_move_to(cr, L, T);
  cairo_line_to(cr, L, H - B);
  cairo_line_to(cr, W - R, H - B);
  cairo_stroke(cr);
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 13);
  const std::string title = gpu ? "Worker GPU memory (MiB, NVML) over time"
                                : "Worker RSS (MiB) over time (no GPU: RSS shown)";
  cairo_move_to(cr, L, 25);
  cairo_show_text(cr, title.c_str());
  for (int i = 0; i <= 4; ++i) {
    const double y = max_y * i / 4;
    char label[32];
    std::snprintf(label, sizeof label, "%.0f", y);
    cairo_move_to(cr, 10, Y(y) + 4);
    cairo_show_text(cr, label);
  }
  char tl[32];
  std::snprintf(tl, sizeof tl, "%.0f s", max_t);
  cairo_move_to(cr, W - R - 30, H - B + 20);
  cairo_show_text(cr, tl);
  const double colors[][3] = {{0.85, 0.1, 0.1}, {0.1, 0.4, 0.85}, {0.1, 0.65, 0.2},
                              {0.6, 0.2, 0.7},  {0.9, 0.55, 0},   {0.3, 0.3, 0.3}};
  std::vector<std::string> modes;
  for (const auto& s : samples) {
    if (std::find(modes.begin(), modes.end(), s.mode) == modes.end()) modes.push_back(s.mode);
  }
  for (size_t m = 0; m < modes.size(); ++m) {
    const auto* c = colors[m % 6];
    cairo_set_source_rgb(cr, c[0], c[1], c[2]);
    cairo_set_line_width(cr, 2);
    bool first = true;
    for (const auto& s : samples) {
      if (s.mode != modes[m]) continue;
      const double y = std::max(0.0, gpu ? s.vram_mib : s.rss_mib);
      if (first)
        cairo_move_to(cr, X(s.t_s), Y(y));
      else
        cairo_line_to(cr, X(s.t_s), Y(y));
      first = false;
    }
    cairo_stroke(cr);
    cairo_move_to(cr, W - R + 15, T + 20 + 20 * static_cast<double>(m));
    cairo_show_text(cr, modes[m].c_str());
  }
  cairo_surface_write_to_png(surface, path.c_str());
  cairo_destroy(cr);
  cairo_surface_destroy(surface);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Worker lifecycle benchmark: latency and memory per release mode"};
  std::string page, out_dir = ".", device = "cpu",
                    modes_arg = "keep-warm,process,standby,per-task,in-process,leaky";
  int tasks = 5;
  double idle_s = 2;
  std::string worker, models;
  app.add_option("page", page, "a page image or PDF")->required()->check(CLI::ExistingFile);
  app.add_option("--tasks", tasks, "tasks per mode before the idle wait")->capture_default_str();
  app.add_option("--idle", idle_s, "idle timeout in seconds")->capture_default_str();
  app.add_option("--device", device, "cpu, cuda or auto")->capture_default_str();
  app.add_option("--modes", modes_arg, "modes, comma separated")->capture_default_str();
  app.add_option("--out", out_dir, "folder for lifecycle.csv and lifecycle.png");
  app.add_option("--worker", worker, "ocrserve-worker path (default: beside this program)");
  app.add_option("--models", models, "models folder (default: the worker's)");
  CLI11_PARSE(app, argc, argv);
  if (worker.empty())
    worker = (fs::read_symlink("/proc/self/exe").parent_path() / "ocrserve-worker").string();
  spdlog::set_default_logger(
      std::make_shared<spdlog::logger>("quiet", std::make_shared<spdlog::sinks::null_sink_mt>()));
  fs::create_directories(out_dir);
  const std::string spool =
      (fs::temp_directory_path() / ("ocrserve-lifecycle-" + std::to_string(getpid()))).string();

  std::vector<std::string> modes;
  std::stringstream ms(modes_arg);
  for (std::string m; std::getline(ms, m, ',');) modes.push_back(m);

  std::vector<Sample> samples;
  std::printf("%-11s %10s %10s %12s %12s %14s %14s %8s\n", "mode", "warm_ms", "cold_ms",
              "rss_busy_MiB", "rss_idle_MiB", "vram_busy_MiB", "vram_idle_MiB", "workers");
  for (const auto& mode : modes) {
    supervisor::SupervisorConfig config;
    config.policy = policy_for(mode, idle_s, device, config.extra_worker_args);
    config.worker_path = worker;
    config.models_dir = models;
    config.spool_dir = spool;
    supervisor::Supervisor s(config);
    const auto t0 = Clock::now();
    auto since = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
    auto probe = [&](const std::string& phase, double latency, pid_t pid) {
      Sample x{mode, since(), phase, latency, pid, 0, -1, -1};
      if (pid > 0) x.rss_mib = rss_mib(pid).value_or(0);
      if (auto v = gpu::process_memory_mib(0, pid)) x.vram_mib = *v;
      if (auto d = gpu::device_memory(0)) x.device_used_mib = d->used_mib;
      samples.push_back(x);
      return x;
    };
    auto run_one = [&](int i) -> std::pair<double, pid_t> {
      auto promise = std::make_shared<std::promise<supervisor::JobResult>>();
      supervisor::Job job;
      job.id = mode + "-" + std::to_string(i);
      job.input_path = fs::absolute(page).string();
      job.filename = fs::path(page).filename().string();
      job.output_dir = spool + "/out";
      job.request = {{"to_formats", {"md"}}};
      job.on_done = [promise](const supervisor::JobResult& r) { promise->set_value(r); };
      const auto start = Clock::now();
      s.submit(std::move(job));
      const auto r = promise->get_future().get();
      if (!r.ok) std::fprintf(stderr, "%s task %d failed: %s\n", mode.c_str(), i, r.error.c_str());
      return {std::chrono::duration<double, std::milli>(Clock::now() - start).count(), r.pid};
    };
    if (mode == "standby") {  // let the standby process come up first, as it would on a server
      while (s.workers()[0].pid == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::vector<double> warm;
    Sample busy{};
    std::set<pid_t> pids;
    for (int i = 0; i < tasks; ++i) {
      auto [ms_, pid] = run_one(i);
      if (i > 0) warm.push_back(ms_);
      busy = probe("warm", ms_, pid);
      pids.insert(pid);
    }
    // Idle: sample every 0.25 s for idle + 1.5 s.
    Sample idle{};
    const pid_t last = busy.pid;
    const auto idle_end =
        Clock::now() + std::chrono::milliseconds(static_cast<int>((idle_s + 1.5) * 1000));
    while (Clock::now() < idle_end) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      const auto w = s.workers()[0];
      idle = probe("idle", 0, w.pid ? w.pid : last);
      if (!w.pid) idle.rss_mib = 0, samples.back().rss_mib = 0;
    }
    auto [cold_ms, cold_pid] = run_one(tasks);
    probe("cold", cold_ms, cold_pid);
    pids.insert(cold_pid);
    std::printf("%-11s %10.0f %10.0f %12.0f %12.0f %14.0f %14.0f %8zu\n", mode.c_str(),
                median(warm), cold_ms, busy.rss_mib, idle.rss_mib, busy.vram_mib, idle.vram_mib,
                pids.size());
    std::fflush(stdout);
  }
  std::ofstream csv(out_dir + "/lifecycle.csv");
  csv << "mode,t_s,phase,latency_ms,pid,rss_mib,vram_mib,device_used_mib\n";
  for (const auto& x : samples) {
    csv << x.mode << "," << x.t_s << "," << x.phase << "," << x.latency_ms << "," << x.pid << ","
        << x.rss_mib << "," << x.vram_mib << "," << x.device_used_mib << "\n";
  }
  plot(out_dir + "/lifecycle.png", samples, gpu::nvml_available());
  std::printf("wrote %s/lifecycle.csv and %s/lifecycle.png\n", out_dir.c_str(), out_dir.c_str());
  fs::remove_all(spool);
  return 0;
}
