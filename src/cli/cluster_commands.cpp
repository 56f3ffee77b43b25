#include "cli/cluster_commands.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>

#include <filesystem>
#include <memory>

#include "cluster/redis_engine.h"
#include "cluster/task_consumer.h"
#include "server/local_engine.h"
#include "server/task_runner.h"
#include "supervisor/supervisor.h"
#include "tasks/task_registry.h"

namespace ocrserve::cli {

namespace fs = std::filesystem;

namespace {

cluster::RedisRetention retention_of(const server::ServerSettings& s) {
  cluster::RedisRetention r;
  // --result-ttl 0 keeps results until cleared on one machine; in Redis, as long as a task.
  r.finished_ttl_s = s.result_ttl_s > 0 ? s.result_ttl_s : r.unfinished_ttl_s;
  r.single_use_results = s.single_use_results;
  r.result_removal_delay_s = s.result_removal_delay_s;
  return r;
}

std::string host_name() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return host;
}

std::string default_node_name() { return host_name() + "-" + std::to_string(::getpid()); }

// The folders of this machine's nodes that were killed: named <hostname>-<pid> by default, for
// a process that is gone.
void remove_dead_nodes_folders(const fs::path& nodes) {
  const std::string prefix = host_name() + "-";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(nodes, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string pid = name.substr(prefix.size());
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    if (::kill(std::stoi(pid), 0) != 0 && errno == ESRCH) fs::remove_all(e.path(), ec);
  }
}

// This process's share of the work: its own workers, fed from Redis. Files live under
// <data dir>/nodes/<name>, emptied at start (a node's unfinished tasks are in Redis, not here).
class LocalNode {
 public:
  static Result<std::unique_ptr<LocalNode>> start(const Flags& f, const cluster::RedisUrl& url,
                                                  const std::string& address) {
    auto config = supervisor_config(f);
    if (!config) return config.error();
    const std::string name = f.node_name.empty() ? default_node_name() : f.node_name;
    const fs::path dir = fs::absolute(fs::path(f.settings.data_dir) / "nodes" / name);
    remove_dead_nodes_folders(dir.parent_path());
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::create_directories(dir, ec);
    if (ec) return make_error("cannot create " + dir.string() + ": " + ec.message());
    config->spool_dir = dir.string();
    auto node = std::unique_ptr<LocalNode>(new LocalNode(*config, dir));
    cluster::NodeSettings ns;
    ns.name = name;
    ns.address = address;
    ns.capacity = int(f.workers.policy.gpus.size()) * f.workers.policy.workers_per_device;
    ns.heartbeat_s = f.heartbeat_s;
    ns.claim_after_s = f.claim_after_s;
    node->consumer_ = std::make_unique<cluster::TaskConsumer>(
        url, retention_of(f.settings), ns, node->registry_, node->runner_, *node->workers_);
    node->consumer_->start();
    return node;
  }

  ~LocalNode() {
    consumer_->stop();
    runner_.shutting_down();
    workers_.reset();  // its worker processes end with it
    std::error_code ec;
    fs::remove_all(dir_, ec);  // what it held is in Redis, handed to other nodes
  }

  supervisor::Supervisor& workers() { return *workers_; }
  server::TaskRunner& runner() { return runner_; }
  tasks::TaskRegistry& registry() { return registry_; }
  Result<void> check_redis() const { return consumer_->check_redis(); }

 private:
  LocalNode(const supervisor::SupervisorConfig& config, const fs::path& dir)
      : dir_(dir),
        registry_(nullptr, dir.string(), {false, 0, 0}),
        workers_(std::make_unique<supervisor::Supervisor>(config)),
        runner_(registry_, *workers_) {}

  fs::path dir_;
  tasks::TaskRegistry registry_;
  std::unique_ptr<supervisor::Supervisor> workers_;
  server::TaskRunner runner_;
  std::unique_ptr<cluster::TaskConsumer> consumer_;
};

std::string address_of(const Flags& f) {
  return f.settings.host + ":" + std::to_string(f.settings.port);
}

int run_node(Flags& f) {
  sigset_t stop_signals = block_stop_signals();
  f.settings.worker_node = true;
  if (auto ok = finish_settings(f); !ok) return refuse("node", ok.error().message);
  auto url = cluster::parse_redis_url(f.engine_url);
  if (!url) return refuse("node", url.error().message);
  auto node = LocalNode::start(f, *url, address_of(f));
  if (!node) return refuse("node", node.error().message);
  server::LocalEngine engine((*node)->registry(), (*node)->workers(), (*node)->runner());
  engine.set_ready_check([&node] { return (*node)->check_redis(); });
  server::Api api(f.settings, engine);
  const int status = serve_http(
      f, api, &(*node)->workers(), stop_signals, [&] { (*node)->registry().stop_waiting(); },
      "node");
  node->reset();
  spdlog::info("event=stopped");
  return status;
}

}  // namespace

int run_api_node(Flags& f, sigset_t stop_signals) {
  if (auto ok = finish_settings(f, true); !ok) return refuse("serve", ok.error().message);
  auto url = cluster::parse_redis_url(f.engine_url);
  if (!url) return refuse("serve", url.error().message);
  cluster::RedisEngine engine(*url, retention_of(f.settings), f.settings.data_dir);
  std::unique_ptr<LocalNode> node;
  if (f.workers.policy.workers_per_device > 0) {
    auto started = LocalNode::start(f, *url, address_of(f));
    if (!started) return refuse("serve", started.error().message);
    node = std::move(*started);
  }
  server::Api api(f.settings, engine);
  const int status = serve_http(
      f, api, node ? &node->workers() : nullptr, stop_signals, [&] { engine.stop_waiting(); },
      "serve");
  node.reset();
  spdlog::info("event=stopped");
  return status;
}

std::function<int()> add_node_command(CLI::App& app) {
  auto flags = std::make_shared<Flags>();
  auto* cmd = app.add_subcommand(
      "node",
      "Run a worker node: convert tasks queued in Redis by API nodes (--engine); /health, "
      "/ready, /metrics and /v1/workers on its port");
  add_flags(*cmd, *flags, true);
  return [flags] { return run_node(*flags); };
}

}  // namespace ocrserve::cli
