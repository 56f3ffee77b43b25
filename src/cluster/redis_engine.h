// The Redis engine as an API node sees it: tasks are stored and queued in Redis (RedisTasks),
// worker nodes convert them, and this node answers status and results from Redis. Status
// changes arrive on the events channel, so a long poll answers as soon as any node changes the
// task. While Redis is unreachable, submits and reads fail (the API answers 503).
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "cluster/redis_client.h"
#include "cluster/redis_tasks.h"
#include "server/task_engine.h"

namespace ocrserve::cluster {

class RedisEngine : public server::TaskEngine {
 public:
  // data_dir: where uploads wait until they are in Redis, and results are unpacked to answer.
  RedisEngine(RedisUrl url, RedisRetention retention, std::string data_dir);
  ~RedisEngine() override;

  std::string spool_dir(const std::string& id) const override;
  std::string result_dir(const std::string& id) const override;
  Result<size_t> unfinished_count() override;
  Result<void> submit(tasks::Task& task) override;
  Result<std::optional<tasks::TaskSnapshot>> get(const std::string& id) override;
  std::optional<tasks::TaskSnapshot> wait_for_change(const std::string& id, unsigned long long seen,
                                                     Deadline deadline) override;
  std::optional<tasks::TaskSnapshot> wait_finished(const std::string& id,
                                                   Deadline deadline) override;
  bool stopping() const override { return stopping_; }
  void stop_waiting();
  void cancel(const tasks::Task& task, const std::string& reason) override;
  void remove(const std::string& id) override;
  void mark_fetched(const std::string& id) override;
  size_t clear_older_than(double seconds) override;
  size_t position(const tasks::Task& task) override;
  Result<void> check_ready() override;
  server::ApiResponse result_response(const tasks::Task& task) override;
  nlohmann::json workers() override;
  std::string metrics() override;
  void release_workers() override;

 private:
  // Waits until `done` holds for the task's snapshot (or it is gone, or the deadline passes).
  std::optional<tasks::TaskSnapshot> wait_until(
      const std::string& id, Deadline deadline,
      const std::function<bool(const tasks::TaskSnapshot&)>& done);
  void listen();  // the events channel -> waiters

  RedisClient client_;
  RedisTasks tasks_;
  const RedisUrl url_;
  const std::string data_dir_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> queue_ready_{false};
  std::mutex mutex_;
  std::condition_variable changed_;
  unsigned long long events_ = 0;  // guarded by mutex_: bumped on every event (and reconnect)
  std::thread listener_;
};

}  // namespace ocrserve::cluster
