// A worker node's side of the Redis engine: takes tasks from the queue as its workers have room,
// converts them on this process's supervisor (through a local, in-memory TaskRegistry and the
// TaskRunner), and stores each outcome in Redis before acking its queue entry (at least once).
//
// Heartbeats: every heartbeat_s the node refreshes the entries it holds (so their idle time
// stays low) and its state for /v1/workers. Entries idle longer than claim_after_s belong to a
// node that stopped answering (killed, cut off): any node with room takes them over. A task
// taken over twice has killed two nodes; it fails with that reason instead of a third try.
// A task removed meanwhile (cancelled, a sync wait given up) is stopped here.
//
// Thread safety: start() and stop() from one thread; the rest runs on the consumer's threads.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cluster/redis_client.h"
#include "cluster/redis_tasks.h"
#include "server/task_runner.h"
#include "supervisor/supervisor.h"
#include "tasks/task_registry.h"

namespace ocrserve::cluster {

struct NodeSettings {
  std::string name;     // unique among the nodes (also the consumer name)
  std::string address;  // where its /health, /metrics are (shown in /v1/workers)
  int capacity = 1;     // tasks converted at once
  double heartbeat_s = 1;
  double claim_after_s = 10;
};

class TaskConsumer {
 public:
  // `local` is a registry without a store whose data directory holds this node's spool and
  // result files; `runner` runs its tasks on `supervisor`.
  TaskConsumer(RedisUrl url, RedisRetention retention, NodeSettings settings,
               tasks::TaskRegistry& local, server::TaskRunner& runner,
               supervisor::Supervisor& supervisor);
  ~TaskConsumer();
  TaskConsumer(const TaskConsumer&) = delete;
  TaskConsumer& operator=(const TaskConsumer&) = delete;

  void start();
  // Whether Redis answered this node's last heartbeat: an error saying it did not (/ready).
  Result<void> check_redis() const;
  // Stops taking tasks; the tasks it holds go to other nodes at once. Call before the runner
  // and the supervisor go.
  void stop();

 private:
  struct InFlight {
    std::string entry_id;
    tasks::Task remote;  // the record as it was taken
    bool started_reported = false;
  };
  // An entry taken from the queue and not begun yet.
  struct Taken {
    QueueEntry entry;
    bool claimed = false;  // taken over from a node that stopped answering
    bool counted = false;  // ... and the take-over is counted on the task
    long long claims = 0;  // the task's take-overs, this one included
  };

  void take_loop();  // new entries and take-overs
  void sync_loop();  // local progress -> Redis, deliveries
  void keep_loop();  // heartbeats: entries held, node state, lost and cancelled tasks
  // Fetches the record and inputs and starts the conversion. false: Redis failed (try again).
  bool begin(Taken& taken);
  // Stores a finished task's outcome and acks it. false: Redis failed (try again).
  bool deliver(const std::string& id, InFlight& f, const tasks::Task& local);
  void heartbeat();
  void drop_local(const std::string& id, const std::string& why);
  size_t in_flight_count();

  const RedisUrl url_;
  const NodeSettings settings_;
  // One connection per thread, so that a long delivery never delays a heartbeat.
  RedisClient take_client_, sync_client_, keep_client_;
  RedisTasks take_tasks_, sync_tasks_, keep_tasks_;
  tasks::TaskRegistry& local_;
  server::TaskRunner& runner_;
  supervisor::Supervisor& supervisor_;
  std::atomic<bool> running_{false};
  std::mutex mutex_;
  std::map<std::string, InFlight> in_flight_;  // guarded by mutex_
  std::vector<Taken> retry_;                   // take thread only: entries to begin again
  long long release_seen_ = -1;                // keep thread only
  // When Redis last failed the take thread (ms since the epoch): after an outage every held
  // entry looks idle, so take-overs wait claim_after_s for the owners' heartbeats to resume.
  std::atomic<long long> last_failure_ms_{0};
  std::atomic<bool> heartbeat_answered_{true};
  std::thread take_, sync_, keep_;
};

}  // namespace ocrserve::cluster
