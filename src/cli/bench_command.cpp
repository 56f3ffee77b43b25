#include "cli/bench_command.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/conversion_flags.h"
#include "cli/engine_flags.h"
#include "cli/file_reader.h"
#include "conversion/converter.h"
#include "gpu/nvml.h"

namespace ocrserve::cli {

namespace {

struct BenchFlags {
  std::vector<std::string> files;
  int repeat = 1;
  int jobs = 1;
  bool json = false;
  ConversionFlags conversion;
  EngineFlags engine;
};

// Per-page latency percentile (p in 0..1) of the documents' times divided by their pages.
double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(p * double(values.size())))];
}

// This process's GPU memory now, MiB (nullopt without NVML); sampled after every document.
std::optional<double> own_vram_mib(int device_id) {
  return gpu::process_memory_mib(device_id, ::getpid());
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

int run_bench(BenchFlags& f) {
  if (auto ok = finish_engine_flags(f.engine); !ok) {
    std::cerr << "ocrserve: " << ok.error().message << "\n";
    return 2;
  }
  if (auto ok = finish_conversion_flags(f.conversion); !ok) {
    std::cerr << "ocrserve: " << ok.error().message << "\n";
    return 2;
  }
  const conversion::ConversionRequest& request = f.conversion.request;
  std::vector<std::pair<std::string, std::string>> inputs;
  for (const auto& path : f.files) {
    auto bytes = read_input_file(path);
    if (!bytes) {
      std::cerr << "ocrserve: " << path << ": " << bytes.error().message << "\n";
      return 1;
    }
    inputs.emplace_back(path, std::move(bytes).value());
  }
  auto models = ocr::ModelBundle::load(ocr::ModelPaths::in_dir(f.engine.models_dir));
  if (!models) {
    std::cerr << "ocrserve: " << models.error().message << "\n";
    return 2;
  }
  // One converter per job, engines created before the clock starts.
  std::vector<std::unique_ptr<conversion::Converter>> converters;
  std::string device = "cpu";
  for (int j = 0; j < f.jobs; ++j) {
    converters.push_back(std::make_unique<conversion::Converter>(*models, f.engine.options));
    auto engine = converters.back()->engine();
    if (!engine) {
      std::cerr << "ocrserve: " << engine.error().message << "\n";
      return 2;
    }
    device = ocr::device_name((*engine)->device());
  }
  // Warm-up: one page per converter, not counted.
  for (auto& c : converters) {
    auto warm = c->convert(inputs.front().second, inputs.front().first, request);
    if (!warm) {
      std::cerr << "ocrserve: " << inputs.front().first << ": " << warm.error().message << "\n";
      return 1;
    }
  }

  const size_t total = inputs.size() * static_cast<size_t>(f.repeat);
  std::atomic<size_t> next{0};
  std::mutex mutex;
  conversion::Timings sum;
  size_t pages = 0;
  size_t ocr_pages = 0;
  std::vector<double> page_ms;  // each document's time per page
  double peak_vram = -1;
  std::string error;
  const auto start = std::chrono::steady_clock::now();
  auto work = [&](conversion::Converter& converter) {
    for (size_t i = next++; i < total; i = next++) {
      const auto& [name, bytes] = inputs[i % inputs.size()];
      const auto doc_start = std::chrono::steady_clock::now();
      auto doc = converter.convert(bytes, name, request);
      if (doc) {
        converter.render(*doc, conversion::Format::kMarkdown);
        converter.render(*doc, conversion::Format::kJson);
      }
      const double doc_ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - doc_start)
              .count();
      const auto vram = own_vram_mib(f.engine.options.device_id);
      std::lock_guard lock(mutex);
      if (vram) peak_vram = std::max(peak_vram, *vram);
      if (doc && !doc->pages.empty()) {
        page_ms.push_back(doc_ms / static_cast<double>(doc->pages.size()));
      }
      if (!doc) {
        error = name + ": " + doc.error().message;
        continue;
      }
      sum += doc->timings;
      pages += doc->pages.size();
      ocr_pages += static_cast<size_t>(doc->ocr_pages);
    }
  };
  {
    std::vector<std::jthread> threads;
    for (auto& c : converters) threads.emplace_back(work, std::ref(*c));
  }
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!error.empty()) {
    std::cerr << "ocrserve: " << error << "\n";
    return 1;
  }
  const double per_page = pages ? 1.0 / static_cast<double>(pages) : 0.0;
  const std::vector<std::pair<const char*, double>> stages = {
      {"decode", sum.decode_ms}, {"det", sum.det_ms},       {"cls", sum.cls_ms},
      {"rec", sum.rec_ms},       {"layout", sum.layout_ms}, {"export", sum.export_ms}};
  if (f.json) {
    nlohmann::json out;
    out["device"] = device;
    out["threads"] = f.engine.options.threads;
    out["jobs"] = f.jobs;
    out["pages"] = pages;
    out["ocr_pages"] = ocr_pages;
    out["wall_s"] = wall_s;
    out["pages_per_s"] = static_cast<double>(pages) / wall_s;
    out["s_per_page"] = wall_s / static_cast<double>(pages) * f.jobs;
    out["peak_rss_mib"] = peak_rss_mib();
    out["p50_ms_per_page"] = percentile(page_ms, 0.5);
    out["p95_ms_per_page"] = percentile(page_ms, 0.95);
    out["peak_vram_mib"] = peak_vram < 0 ? nlohmann::json(nullptr) : nlohmann::json(peak_vram);
    for (const auto& [stage, ms] : stages) out["ms_per_page"][stage] = ms * per_page;
    std::cout << out.dump() << "\n";
    return 0;
  }
  std::printf(
      "ocrserve bench: %zu pages (%zu OCR'd, %zu from a text layer; %zu files x %d), device %s, "
      "threads %d, jobs %d\n",
      pages, ocr_pages, pages - ocr_pages, inputs.size(), f.repeat, device.c_str(),
      f.engine.options.threads, f.jobs);
  std::printf("%-8s %12s %8s\n", "stage", "ms/page", "share");
  for (const auto& [stage, ms] : stages) {
    std::printf("%-8s %12.1f %7.1f%%\n", stage, ms * per_page,
                sum.total_ms() > 0 ? 100.0 * ms / sum.total_ms() : 0.0);
  }
  std::printf("%-8s %12.1f\n", "total", sum.total_ms() * per_page);
  std::printf("pages/s %.3f   s/page %.3f   wall %.2f s   peak RSS %.0f MiB\n",
              static_cast<double>(pages) / wall_s, wall_s / static_cast<double>(pages) * f.jobs,
              wall_s, peak_rss_mib());
  std::printf("per page: p50 %.1f ms   p95 %.1f ms   peak VRAM %s\n", percentile(page_ms, 0.5),
              percentile(page_ms, 0.95),
              peak_vram < 0 ? "n/a (no NVML)" : (std::to_string(int(peak_vram)) + " MiB").c_str());
  return 0;
}

}  // namespace

std::function<int()> add_bench_command(CLI::App& app) {
  auto flags = std::make_shared<BenchFlags>();
  auto* cmd = app.add_subcommand("bench", "Time the conversion stages on files");
  cmd->add_option("files", flags->files, "input files")->required();
  cmd->add_option("--repeat", flags->repeat, "convert every file this many times")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--jobs", flags->jobs, "documents converted at once (one engine each)")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_flag("--json", flags->json, "print one JSON object instead of a table");
  add_conversion_flags(*cmd, flags->conversion);
  add_engine_flags(*cmd, flags->engine);
  return [flags] { return run_bench(*flags); };
}

}  // namespace ocrserve::cli
