// The tasks in Redis, as API nodes and worker nodes share them.
//
// Keys (all under "ocrserve:"):
//   task:<id>           hash: record (the Task as JSON), version (bumped on every change),
//                       claims (times the task was taken from a node that stopped answering),
//                       entry (its queue entry)
//   input:<id>          hash: document index -> uploaded bytes, until the task finishes
//   result:<id>:<node>  hash: "<index>/<file name>" -> bytes, written by the node that ran it
//   queue               stream of {task: <id>}, consumer group "nodes"; an entry is acked and
//                       deleted once its task's outcome is stored
//   finished            sorted set: finished task ids by finish time (clear_older_than),
//                       trimmed to the finished tasks' time to live
//   seq                 counter for FIFO order
//   node:<name>         a worker node's last heartbeat (JSON: its workers, counters), with a TTL
//   nodes               sorted set: node names by last heartbeat (ms)
//   release             counter: bumped to ask every node to stop its idle workers
// Every change of a task record is published on channel "ocrserve:events" (payload: the id).
//
// A record is changed by compare-and-set on its version; the finished record is written by a
// script that refuses a second one, so a task two nodes finish is delivered once.
//
// Thread safety: as the RedisClient it uses.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "cluster/redis_client.h"
#include "common/result.h"
#include "tasks/task.h"
#include "tasks/task_registry.h"

namespace ocrserve::cluster {

inline constexpr const char* kEventsChannel = "ocrserve:events";

struct RedisRetention {
  double unfinished_ttl_s = 7 * 86400;  // records and inputs of tasks not finished yet
  double finished_ttl_s = 86400;        // records and results of finished tasks
  bool single_use_results = true;
  double result_removal_delay_s = 300;       // after the first fetch, with single-use results
  long long max_result_bytes = 256LL << 20;  // per task, stored in Redis
};

// One queue entry handed to a node.
struct QueueEntry {
  std::string entry_id;
  std::string task_id;
};

// The field of output file `path` of document `index` in a task's result hash.
std::string result_file_field(size_t index, const std::string& path);

class RedisTasks {
 public:
  RedisTasks(RedisClient& client, RedisRetention retention);

  const RedisRetention& retention() const { return retention_; }

  // Creates the queue and its consumer group when they are missing.
  Result<void> ensure_queue();

  // API side.
  // Stores the record and the inputs and queues the task, atomically. Assigns seq.
  Result<void> submit(tasks::Task& task, const std::vector<std::string>& inputs);
  Result<std::optional<tasks::TaskSnapshot>> get(const std::string& id);
  // Applies `change` to the stored record (retried on concurrent changes). false: it is gone.
  Result<bool> update(const std::string& id, const std::function<void(tasks::Task&)>& change);
  // Removes the record, inputs, results and queue entry.
  Result<void> remove(const std::string& id);
  // Sets the TTL of a fetched task's record and results (single-use results).
  Result<void> expire_after_fetch(const tasks::Task& task);
  Result<std::map<std::string, std::string>> result_files(const std::string& key);
  Result<std::vector<std::string>> finished_before(double unix_time);
  // The task's 1-based place among the tasks no node has taken yet; 0 when taken or gone.
  Result<size_t> position(const std::string& id);
  // Queue entries not yet done (waiting + being converted), and those being converted.
  Result<std::pair<long long, long long>> queue_counts();

  // Node side.
  // Up to `count` new entries for `consumer`; waits up to block_ms for one.
  Result<std::vector<QueueEntry>> read_new(const std::string& consumer, int count, int block_ms);
  // Up to `count` entries idle longer than idle_ms (their node stopped answering), now owned by
  // `consumer`.
  Result<std::vector<QueueEntry>> claim_stale(const std::string& consumer, long long idle_ms,
                                              int count);
  // Resets the idle time of entries `consumer` still owns; returns those it no longer owns.
  Result<std::vector<std::string>> keep_owned(const std::string& consumer,
                                              const std::vector<std::string>& entry_ids);
  // Lets other nodes take the entries `consumer` still owns now, without counting it against
  // the tasks, and removes the consumer from the group (a node that stops on purpose).
  Result<void> release(const std::string& consumer, const std::vector<QueueEntry>& entries,
                       long long idle_ms);
  // Counts one more take-over of the task; -1 when it is gone.
  Result<long long> add_claim(const std::string& id);
  Result<std::vector<std::string>> inputs(const std::string& id, size_t count);
  // Stores the result files and the finished record, unless the task finished already or is
  // gone. true when this call delivered it.
  Result<bool> finish(const tasks::Task& task, const std::map<std::string, std::string>& files,
                      const std::string& node);
  Result<void> ack(const std::string& entry_id);

  // Nodes.
  // /v1/clear/converters on any API node: every node stops its idle workers.
  Result<void> request_release();
  Result<long long> release_requests();
  Result<void> heartbeat(const std::string& node, const nlohmann::json& state, double ttl_s);
  // The state of every node whose heartbeat has not expired.
  Result<std::vector<nlohmann::json>> nodes();

 private:
  RedisClient& client_;
  const RedisRetention retention_;
};

}  // namespace ocrserve::cluster
