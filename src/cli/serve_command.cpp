#include "cli/serve_command.h"

#include <spdlog/spdlog.h>

#include <memory>

#include "cli/cluster_commands.h"
#include "cli/serve_setup.h"
#include "server/api.h"
#include "server/local_engine.h"
#include "server/task_runner.h"
#include "supervisor/supervisor.h"
#include "tasks/task_registry.h"

namespace ocrserve::cli {

namespace {

int run_embedded(Flags& f, sigset_t stop_signals) {
  if (auto ok = finish_settings(f); !ok) return refuse("serve", ok.error().message);
  const auto& s = f.settings;
  auto store = tasks::TaskStore::open(s.data_dir);
  if (!store) return refuse("serve", store.error().message);
  tasks::TaskRegistry registry(std::move(*store), s.data_dir,
                               {s.single_use_results, s.result_removal_delay_s, s.result_ttl_s});
  auto unfinished = registry.recover();
  if (!unfinished) return refuse("serve", unfinished.error().message);
  auto config = supervisor_config(f);
  if (!config) return refuse("serve", config.error().message);

  auto workers = std::make_unique<supervisor::Supervisor>(*config);
  server::TaskRunner runner(registry, *workers);
  server::LocalEngine engine(registry, *workers, runner);
  server::Api api(s, engine);
  for (const auto& task : *unfinished) runner.start(task);
  if (!unfinished->empty()) {
    spdlog::info("event=resume tasks={} data_dir={}", unfinished->size(), s.data_dir);
  }
  const int status = serve_http(
      f, api, workers.get(), stop_signals, [&] { registry.stop_waiting(); }, "serve");
  // Unfinished tasks stay in the store and run again at the next start.
  runner.shutting_down();
  workers.reset();
  spdlog::info("event=stopped");
  return status;
}

int run(Flags& f) {
  sigset_t stop_signals = block_stop_signals();
  if (!f.engine_url.empty()) return run_api_node(f, stop_signals);
  return run_embedded(f, stop_signals);
}

}  // namespace

std::function<int()> add_serve_command(CLI::App& app) {
  auto flags = std::make_shared<Flags>();
  auto* cmd = app.add_subcommand(
      "serve", "Serve the docling-serve v1 HTTP API (conversions run in worker processes)");
  add_flags(*cmd, *flags, false);
  return [flags] { return run(*flags); };
}

}  // namespace ocrserve::cli
