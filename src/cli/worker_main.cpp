// ocrserve-worker: the process that runs ONNX Runtime. `serve` is the supervisor's message
// loop; `convert` and `bench` run a conversion in this process (ocrserve's --in-process and
// bench commands start here). Exceptions stop here.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <exception>
#include <iostream>

#include "cli/bench_command.h"
#include "cli/convert_command.h"
#include "cli/engine_flags.h"
#include "worker/worker_loop.h"

int main(int argc, char** argv) {
  CLI::App app{"ocrserve-worker: runs conversions for the ocrserve supervisor"};
  app.require_subcommand(1);
  auto convert = ocrserve::cli::add_convert_command(app);
  auto bench = ocrserve::cli::add_bench_command(app);

  ocrserve::worker::WorkerConfig config;
  ocrserve::cli::EngineFlags engine;
  auto* serve = app.add_subcommand("serve", "Message loop on a socket (started by ocrserve)");
  serve->add_option("--fd", config.fd, "socket descriptor")->capture_default_str();
  serve->add_option("--gpu-index", config.gpu_index, "NVML index of this worker's GPU");
  serve->add_flag("--ready", config.start_ready, "create the sessions at start");
  serve->add_option("--supervisor-pid", config.supervisor_pid,
                    "exit at once if this process is not the parent (it died while starting)");
  serve->add_flag("--fresh-sessions-per-task", config.fresh_sessions_per_task,
                  "recreate the sessions for every task without releasing anything (the leaking "
                  "pattern in-process cleanup answers; for measurements)");
  ocrserve::cli::add_engine_flags(*serve, engine);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    if (app.got_subcommand("convert")) return convert();
    if (app.got_subcommand("bench")) return bench();
    if (auto ok = ocrserve::cli::finish_engine_flags(engine); !ok) {
      std::cerr << "ocrserve-worker: " << ok.error().message << "\n";
      return 2;
    }
    config.engine = engine.options;
    config.models_dir = engine.models_dir;
    const char* hooks = std::getenv("OCRSERVE_TEST_HOOKS");
    config.test_hooks = ocrserve::worker::has_test_hooks() && hooks && std::string(hooks) == "1";
    return ocrserve::worker::run_worker(config);
  } catch (const std::exception& e) {
    std::cerr << "ocrserve-worker: internal error: " << e.what() << "\n";
    return 70;
  }
}
