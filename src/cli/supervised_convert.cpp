#include "cli/supervised_convert.h"

#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>

#include "cli/conversion_flags.h"
#include "cli/file_reader.h"
#include "cli/ocr_tuning_flags.h"
#include "cli/progress.h"
#include "cli/supervisor_flags.h"
#include "cli/worker_binary.h"
#include "supervisor/supervisor.h"

namespace ocrserve::cli {

namespace fs = std::filesystem;

namespace {

struct Flags {
  std::vector<std::string> files;
  std::string output_dir;
  bool in_process = false;
  ConversionFlags conversion;
  SupervisorFlags workers;
  ocr::EngineOptions engine;  // the OCR tuning flags, checked here and passed on to every worker
  std::string cls_mode = "auto";
  CLI::Option_group* tuning = nullptr;
};

// A private spool folder, removed at exit.
struct Spool {
  fs::path path;
  Spool() {
    std::string tmpl = (fs::temp_directory_path() / "ocrserve-XXXXXX").string();
    if (::mkdtemp(tmpl.data())) path = tmpl;
  }
  ~Spool() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

int run(Flags& f) {
  if (auto ok = finish_conversion_flags(f.conversion); !ok) {
    std::cerr << "ocrserve: " << ok.error().message << "\n";
    return 2;
  }
  if (auto ok = finish_supervisor_flags(f.workers); !ok) {
    std::cerr << "ocrserve: " << ok.error().message << "\n";
    return 2;
  }
  if (auto ok = ocr::validate(f.engine); !ok) {
    std::cerr << "ocrserve: " << ok.error().message << "\n";
    return 2;
  }
  const auto& formats = f.conversion.request.to_formats;
  const bool to_stdout = f.output_dir.empty() && f.files.size() == 1 && formats.size() == 1;
  const fs::path out_dir = f.output_dir.empty() ? fs::path(".") : fs::path(f.output_dir);
  std::error_code ec;
  if (!to_stdout) fs::create_directories(out_dir, ec);
  if (ec) {
    std::cerr << "ocrserve: cannot create " << out_dir << ": " << ec.message() << "\n";
    return 2;
  }
  Spool spool;
  if (spool.path.empty()) {
    std::cerr << "ocrserve: cannot create a spool folder\n";
    return 2;
  }

  supervisor::SupervisorConfig config;
  config.policy = f.workers.policy;
  config.worker_path = worker_binary();
  config.models_dir = f.workers.models_dir;
  config.spool_dir = spool.path.string();
  config.extra_worker_args = worker_args_of(*f.tuning);

  std::mutex mutex;
  std::condition_variable done_cv;
  size_t done = 0;
  int failures = 0;
  Progress progress(f.files.size());
  std::vector<std::string> stdout_files;
  size_t submitted = 0;
  bool announced = false;
  {
    supervisor::Supervisor workers(config);
    for (size_t i = 0; i < f.files.size(); ++i) {
      const std::string path = f.files[i];
      // Cheap checks here; everything that parses the file happens in the worker.
      if (auto readable = read_input_file(path); !readable) {
        std::cerr << "ocrserve: " << path << ": " << readable.error().message << "\n";
        ++failures;
        continue;
      }
      supervisor::Job job;
      job.id = "file" + std::to_string(i + 1);
      job.input_path = fs::absolute(path).string();
      job.filename = fs::path(path).filename().string();
      job.output_dir = to_stdout ? (spool.path / "out").string() : out_dir.string();
      job.request = conversion::to_json(f.conversion.request);
      job.on_done = [&, path](const supervisor::JobResult& r) {
        std::lock_guard lock(mutex);
        if (!r.ok) {
          std::cerr << "ocrserve: " << path << ": " << r.error << "\n";
          ++failures;
        } else if (!announced) {
          announced = true;
          const auto report = r.result.value("report", nlohmann::json::object());
          std::cerr << "ocrserve: OCR on " << report.value("device", "cpu") << " (worker pid "
                    << r.pid << ")\n";
        }
        if (r.ok) {
          for (const auto& o : r.result.value("outputs", nlohmann::json::array())) {
            if (to_stdout) {
              stdout_files.push_back(o.value("path", ""));
            } else {
              std::cerr << "ocrserve: wrote " << o.value("path", "") << "\n";
            }
          }
        }
        ++done;
        progress.update(done, path);
        done_cv.notify_all();
      };
      workers.submit(std::move(job));
      ++submitted;
    }
    std::unique_lock lock(mutex);
    done_cv.wait(lock, [&] { return done == submitted; });
  }
  for (const auto& path : stdout_files) {
    std::ifstream in(path, std::ios::binary);
    std::cout << in.rdbuf();
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

std::function<int()> add_supervised_convert_command(CLI::App& app) {
  auto flags = std::make_shared<Flags>();
  auto* cmd = app.add_subcommand(
      "convert",
      "Convert documents (PDF, PNG, JPEG, TIFF, WebP, BMP, GIF, PNM) in worker processes");
  cmd->add_option("files", flags->files, "input files")->required();
  cmd->add_option("-o,--output", flags->output_dir,
                  "folder for <name>.<format> files (default: stdout for one file and format)");
  cmd->add_flag("--in-process", flags->in_process,
                "convert in one ocrserve-worker process, without the supervisor");
  add_conversion_flags(*cmd, flags->conversion);
  add_supervisor_flags(*cmd, flags->workers);
  flags->tuning = add_ocr_tuning_flags(*cmd, flags->engine, flags->cls_mode);
  return [flags] { return run(*flags); };
}

}  // namespace ocrserve::cli
