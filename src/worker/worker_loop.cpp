#include "worker/worker_loop.h"

#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <thread>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "common/durable_file.h"
#include "common/process_stats.h"
#include "common/whole_file.h"
#include "conversion/converter.h"
#include "gpu/nvml.h"
#include "ipc/message_channel.h"

namespace ocrserve::worker {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr rlim_t kMaxOpenFiles = 1024;

class Worker {
 public:
  explicit Worker(const WorkerConfig& config) : config_(config) {}

  int run() {
    auto models = ocr::ModelBundle::load(ocr::ModelPaths::in_dir(config_.models_dir));
    if (!models) {
      spdlog::error("{}", models.error().message);
      return 3;
    }
    models_ = *models;
    if (config_.start_ready) {
      if (auto r = warm(); !r) {
        spdlog::error("{}", r.error().message);
        return 3;
      }
    }
#ifdef OCRSERVE_WITH_TEST_HOOKS
    if (const char* delay = std::getenv("OCRSERVE_TEST_START_DELAY_MS");
        delay && config_.test_hooks) {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::atoi(delay)));
    }
#endif
    if (!send({{"type", "hello"}, {"pid", ::getpid()}, {"state", state()}, {"report", report()}})) {
      return 0;
    }
    for (;;) {
      auto message = ipc::receive_message(config_.fd, -1);
      if (!message) return 0;  // the supervisor is gone
      if (!*message) continue;
      const json& m = **message;
      const std::string type = m.value("type", "");
      if (type == "task") {
        if (!send(handle_task(m))) return 0;
      } else if (type == "warm") {
        json reply{{"type", "state"}};
        if (auto r = warm(); !r) reply["error"] = r.error().message;
        reply["state"] = state();
        reply["report"] = report();
        if (!send(reply)) return 0;
      } else if (type == "release") {
        if (!send(release())) return 0;
      } else if (type == "exit") {
        return 0;
      }
    }
  }

 private:
  bool send(const json& message) { return ipc::send_message(config_.fd, message).ok(); }

  const char* state() const { return converter_ && engine_created_ ? "READY" : "STANDBY"; }

  Result<void> warm() {
    if (!converter_) {
      converter_ = std::make_unique<conversion::Converter>(models_, config_.engine);
    }
    auto engine = converter_->engine();
    if (!engine) return engine.error();
    engine_created_ = true;
    device_ = ocr::device_name((*engine)->device());
    return {};
  }

  json gpu_figures() const {
    json g = json::object();
    if (auto own = gpu::process_memory_mib(config_.gpu_index, ::getpid())) g["vram_mib"] = *own;
    if (auto dev = gpu::device_memory(config_.gpu_index)) {
      g["device_used_mib"] = dev->used_mib;
      g["device_total_mib"] = dev->total_mib;
    }
    return g;
  }

  json report() const {
    json r{{"pid", ::getpid()},
           {"state", state()},
           {"tasks_done", tasks_done_},
           {"sessions_created", ocr::onnx_sessions_created()}};
    if (auto rss = rss_mib(::getpid())) r["rss_mib"] = *rss;
    if (!device_.empty()) r["device"] = device_;
    r.update(gpu_figures());
    return r;
  }

  void test_hooks([[maybe_unused]] const std::string& filename) {
#ifdef OCRSERVE_WITH_TEST_HOOKS
    if (!config_.test_hooks) return;
    if (filename.find("crash-worker") != std::string::npos) std::abort();
    if (filename.find("slow-worker") != std::string::npos) {
      std::this_thread::sleep_for(std::chrono::seconds(2));
    }
    const auto hang = [] {
      for (;;) std::this_thread::sleep_for(std::chrono::seconds(60));
    };
    if (filename.find("hang-worker") != std::string::npos) hang();
    // Workers that break the message protocol: the supervisor must survive each of them.
    const auto raw = [&](const std::string& bytes) {
      (void)!::write(config_.fd, bytes.data(), bytes.size());
    };
    const auto frame = [](const std::string& body) {
      const uint32_t n = uint32_t(body.size());
      return std::string{char(n >> 24), char(n >> 16), char(n >> 8), char(n)} + body;
    };
    if (filename.find("bad-message-worker") != std::string::npos) {
      raw(frame("[1,2,3]"));
      hang();
    }
    if (filename.find("huge-frame-worker") != std::string::npos) {
      raw(std::string{'\x7f', '\xff', '\xff', '\xff'});
      hang();
    }
    if (filename.find("stalled-frame-worker") != std::string::npos) {
      raw(frame(std::string(100, ' ')).substr(0, 14));
      hang();
    }
    if (filename.find("mistyped-worker") != std::string::npos) {
      send({{"type", "result"},
            {"ok", "yes"},
            {"error", 3},
            {"report", {{"rss_mib", "lots"}, {"tasks_done", {1}}, {"state", 7}}}});
      std::_Exit(0);
    }
    if (auto at = filename.find("grow-worker-"); at != std::string::npos) {
      // Keeps the memory until the process exits, as a leak would.
      const size_t mib = std::stoul(filename.substr(at + 12));
      auto* block = new char[mib * 1048576];
      for (size_t i = 0; i < mib * 1048576; i += 4096) block[i] = 1;
      leaked_.push_back(block);
    }
#endif
  }

  // The leaking pattern: new sessions for every task in the same process, nothing released.
  void recreate_if_asked() {
    if (!config_.fresh_sessions_per_task) return;
    converter_.reset();
    engine_created_ = false;
  }

  json handle_task(const json& m) {
    const auto start = std::chrono::steady_clock::now();
    json reply{{"type", "result"}, {"id", m.value("id", "")}, {"ok", false}};
    const std::string input = m.value("input", "");
    const std::string filename = m.value("filename", fs::path(input).filename().string());
    const std::string output_dir = m.value("output_dir", "");
    const std::string task = reply["id"].get<std::string>();
    std::error_code size_error;
    const auto size = fs::file_size(input, size_error);
    spdlog::info("task {} started ({} bytes)", task, size_error ? 0 : size);
    auto request = conversion::request_from_json(m.value("request", json::object()));
    const auto bytes = read_whole_file(input);
    test_hooks(filename);
    Result<conversion::Output> output = make_error("not run");
    if (!request) {
      output = request.error();
    } else if (!bytes) {
      output = make_error("cannot read spool file " + input + ": " + bytes.error().message);
    } else if (bytes->empty()) {
      output = make_error("the file is empty");
    } else if (auto warmed = (recreate_if_asked(), warm()); !warmed) {
      output = warmed.error();
    } else {
      output = converter_->run(*bytes, filename, *request);
    }
    ++tasks_done_;
    if (!output) {
      reply["error"] = output.error().message;
    } else {
      json files = json::array();
      std::error_code ec;
      fs::create_directories(output_dir, ec);
      const std::string stem = fs::path(filename).stem().string();
      for (const auto& [format, content] : output->formats) {
        const auto parsed = conversion::parse_format(format);
        const fs::path path =
            fs::path(output_dir) /
            (stem + "." + (parsed ? conversion::format_extension(*parsed) : format.c_str()));
        if (!write_file_durably(path, content)) {
          reply["error"] = "cannot write " + path.string();
          reply["report"] = report();
          return reply;
        }
        files.push_back({{"format", format}, {"path", path.string()}});
      }
      // Referenced pictures go beside the exports, in their own folder.
      for (const auto& artifact : output->artifacts) {
        const fs::path path = fs::path(output_dir) / artifact.path;
        fs::create_directories(path.parent_path(), ec);
        if (!write_file_durably(path, artifact.bytes)) {
          reply["error"] = "cannot write " + path.string();
          reply["report"] = report();
          return reply;
        }
        files.push_back({{"format", "image"}, {"path", path.string()}, {"name", artifact.path}});
      }
      // The files and their folder entries are on disk before the supervisor hears "ok".
      (void)sync_directory(output_dir);
      (void)sync_directory(fs::path(output_dir).parent_path());
      const auto& t = output->timings;
      reply["ok"] = true;
      reply["outputs"] = files;
      reply["pages"] = output->pages;
      reply["ocr_pages"] = output->ocr_pages;
      reply["timings_ms"] = {{"decode", t.decode_ms}, {"det", t.det_ms},
                             {"cls", t.cls_ms},       {"rec", t.rec_ms},
                             {"layout", t.layout_ms}, {"export", t.export_ms}};
    }
    reply["worker_ms"] =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    reply["report"] = report();
    if (reply["ok"].get<bool>()) {
      spdlog::info("task {} done: {} pages ({} by OCR) in {:.0f} ms", task, reply.value("pages", 0),
                   reply.value("ocr_pages", 0), reply["worker_ms"].get<double>());
    } else {
      spdlog::warn("task {} failed: {}", task, reply.value("error", ""));
    }
    return reply;
  }

  // In-process release: drop the sessions (and their arenas), give freed heap back to the OS.
  json release() {
    const json before = gpu_figures();
    const auto rss_before = rss_mib(::getpid());
    converter_.reset();
    engine_created_ = false;
    malloc_trim(0);
    const json after = gpu_figures();
    json reply{{"type", "released"}, {"state", state()}};
    if (rss_before) reply["rss_before_mib"] = *rss_before;
    if (auto rss = rss_mib(::getpid())) reply["rss_after_mib"] = *rss;
    if (before.contains("vram_mib") && after.contains("vram_mib")) {
      const double b = before["vram_mib"], a = after["vram_mib"];
      reply["vram_before_mib"] = b;
      reply["vram_after_mib"] = a;
      reply["vram_freed_mib"] = b - a;
    }
    reply["report"] = report();
    return reply;
  }

  WorkerConfig config_;
  std::shared_ptr<const ocr::ModelBundle> models_;
  std::unique_ptr<conversion::Converter> converter_;
  bool engine_created_ = false;
  std::string device_;
  int tasks_done_ = 0;
  std::vector<char*> leaked_;
};

// The worker parses untrusted documents: it keeps its files private, leaves no core dumps, holds
// a bounded number of descriptors, and never outlives its supervisor, even mid-task (killed
// with it through PR_SET_PDEATHSIG, and gone as soon as the supervisor's socket closes).
void confine(const WorkerConfig& config) {
  ::umask(077);
  const rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0) {
    files.rlim_max = std::min<rlim_t>(files.rlim_max, kMaxOpenFiles);
    files.rlim_cur = std::min(files.rlim_cur, files.rlim_max);
    ::setrlimit(RLIMIT_NOFILE, &files);
  }
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (config.supervisor_pid > 0 && ::getppid() != config.supervisor_pid) std::_Exit(0);
  std::thread([fd = config.fd] {
    pollfd p{fd, POLLRDHUP, 0};
    for (;;) {
      if (::poll(&p, 1, -1) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL))) {
        std::_Exit(0);
      }
    }
  }).detach();
}

}  // namespace

bool has_test_hooks() {
#ifdef OCRSERVE_WITH_TEST_HOOKS
  return true;
#else
  return false;
#endif
}

int run_worker(const WorkerConfig& config) {
  // The log (stderr, which the supervisor keeps in spool/workers/) names this process and, for
  // a task's lines, the task.
  spdlog::set_default_logger(spdlog::stderr_logger_mt("ocrserve-worker"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %l ocrserve-worker[%P] %v");
  std::signal(SIGPIPE, SIG_IGN);
  confine(config);
  try {
    return Worker(config).run();
  } catch (const std::exception& e) {
    spdlog::critical("internal error: {}", e.what());
    return 70;
  }
}

}  // namespace ocrserve::worker
