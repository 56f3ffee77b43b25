// The task data in Redis against a real redis-server: records, inputs, the queue and its
// consumer group, the scripts that make a result final once, take-overs and releases, and a
// client that survives a Redis restart. No HTTP and no worker processes, so the sanitizer
// builds run it too.
#include "cluster/redis_tasks.h"

#include <gtest/gtest.h>

#include "cluster/redis_test_server.h"
#include "testkit/test_dir.h"

namespace ocrserve::cluster {
namespace {

namespace fs = std::filesystem;
using testing::free_port;
using testing::RedisServer;
using namespace std::chrono_literals;

class RedisTasksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testkit::fresh_test_dir("redis");
    redis_ = std::make_unique<RedisServer>(dir_, free_port());
    client_ = std::make_unique<RedisClient>(*parse_redis_url(redis_->url()), 1, 2);
    tasks_ = std::make_unique<RedisTasks>(*client_, RedisRetention{});
    ASSERT_TRUE(tasks_->ensure_queue());
  }
  void TearDown() override {
    tasks_.reset();
    client_.reset();
    redis_.reset();
    fs::remove_all(dir_);
  }

  // A task with `n` documents, submitted.
  tasks::Task submitted(size_t n = 1) {
    tasks::Task t;
    t.id = tasks::TaskRegistry::new_id();
    std::vector<std::string> inputs;
    for (size_t i = 0; i < n; ++i) {
      tasks::TaskDocument d;
      d.filename = "doc" + std::to_string(i) + ".pdf";
      t.documents.push_back(d);
      inputs.push_back(std::string("%PDF-") + char('a' + i) + std::string(1000, '\0'));
    }
    EXPECT_TRUE(tasks_->submit(t, inputs));
    return t;
  }

  bool exists(const std::string& key) {
    auto r = client_->command({"EXISTS", key});
    return r && r->integer == 1;
  }

  fs::path dir_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<RedisClient> client_;
  std::unique_ptr<RedisTasks> tasks_;
};

// The place of a task, or 99 when Redis gave an error.
size_t place(RedisTasks& tasks, const std::string& id) {
  auto p = tasks.position(id);
  EXPECT_TRUE(p) << p.error().message;
  return p ? *p : 99;
}

TEST_F(RedisTasksTest, APlaceInTheQueueCountsOnlyTasksNoNodeTookYet) {
  const auto a = submitted(), b = submitted(), c = submitted();
  EXPECT_EQ(place(*tasks_, a.id), 1u);
  EXPECT_EQ(place(*tasks_, c.id), 3u);
  auto taken = tasks_->read_new("node-a", 1, 0);
  ASSERT_TRUE(taken);
  ASSERT_EQ(taken->size(), 1u);
  EXPECT_EQ((*taken)[0].task_id, a.id);
  EXPECT_EQ(place(*tasks_, a.id), 0u);  // taken
  EXPECT_EQ(place(*tasks_, b.id), 1u);
  EXPECT_EQ(place(*tasks_, c.id), 2u);
  EXPECT_EQ(place(*tasks_, "no-such-task"), 0u);
}

TEST_F(RedisTasksTest, ASubmittedTaskHasItsRecordItsInputsAndAQueueEntry) {
  const auto t = submitted(2);
  auto snap = tasks_->get(t.id);
  ASSERT_TRUE(snap && *snap);
  EXPECT_EQ((*snap)->version, 1u);
  EXPECT_EQ((*snap)->task.documents.size(), 2u);
  EXPECT_GT((*snap)->task.seq, 0);
  auto inputs = tasks_->inputs(t.id, 2);
  ASSERT_TRUE(inputs);
  EXPECT_EQ((*inputs)[1].substr(0, 6), "%PDF-b");
  EXPECT_EQ((*inputs)[1].size(), 1006u);  // binary-safe: the NULs are kept
  auto counts = tasks_->queue_counts();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->first, 1);   // queued
  EXPECT_EQ(counts->second, 0);  // none taken
  auto none = tasks_->get("no-such-task");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

TEST_F(RedisTasksTest, UpdatesAreCompareAndSetAndAGoneTaskSaysSo) {
  const auto t = submitted();
  auto ok = tasks_->update(t.id, [](tasks::Task& x) { x.waiting_reason = "GPU memory"; });
  ASSERT_TRUE(ok);
  EXPECT_TRUE(*ok);
  auto snap = tasks_->get(t.id);
  EXPECT_EQ((*snap)->version, 2u);
  EXPECT_EQ((*snap)->task.waiting_reason, "GPU memory");
  auto gone = tasks_->update("no-such-task", [](tasks::Task&) {});
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
}

TEST_F(RedisTasksTest, AResultIsDeliveredOnceAndTheSecondIsDropped) {
  auto t = submitted();
  auto taken = tasks_->read_new("a", 1, 100);
  ASSERT_TRUE(taken);
  ASSERT_EQ(taken->size(), 1u);
  EXPECT_EQ((*taken)[0].task_id, t.id);
  EXPECT_EQ(tasks_->queue_counts()->second, 1);
  t.status = tasks::TaskStatus::kSuccess;
  t.finished_at = tasks::unix_now();
  auto first = tasks_->finish(t, {{"0/doc0.md", "# first"}}, "a");
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(*first);
  auto second = tasks_->finish(t, {{"0/doc0.md", "# second"}}, "b");
  ASSERT_TRUE(second);
  EXPECT_FALSE(*second);
  EXPECT_FALSE(exists("ocrserve:result:" + t.id + ":b"));  // the late result goes
  auto record = tasks_->get(t.id);
  ASSERT_TRUE(record && *record);
  EXPECT_EQ((*record)->task.status, tasks::TaskStatus::kSuccess);
  auto files = tasks_->result_files((*record)->task.result_key);
  ASSERT_TRUE(files);
  EXPECT_EQ(files->at("0/doc0.md"), "# first");
  EXPECT_FALSE(exists("ocrserve:input:" + t.id));  // inputs go with the finish
  ASSERT_TRUE(tasks_->ack((*taken)[0].entry_id));
  EXPECT_EQ(tasks_->queue_counts()->first, 0);
  auto finished = tasks_->finished_before(tasks::unix_now() + 1);
  ASSERT_TRUE(finished);
  EXPECT_EQ(*finished, std::vector<std::string>{t.id});
}

TEST_F(RedisTasksTest, AnIdleEntryIsTakenOverAndItsOwnerLearnsIt) {
  const auto t = submitted();
  auto taken = tasks_->read_new("a", 1, 100);
  ASSERT_TRUE(taken && taken->size() == 1);
  const std::string entry = (*taken)[0].entry_id;
  auto kept = tasks_->keep_owned("a", {entry});
  ASSERT_TRUE(kept);
  EXPECT_TRUE(kept->empty());
  // Fresh entries are not taken.
  EXPECT_TRUE(tasks_->claim_stale("b", 5000, 1)->empty());
  std::this_thread::sleep_for(150ms);
  auto claimed = tasks_->claim_stale("b", 100, 1);
  ASSERT_TRUE(claimed);
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].task_id, t.id);
  auto lost = tasks_->keep_owned("a", {entry});
  ASSERT_TRUE(lost);
  EXPECT_EQ(*lost, std::vector<std::string>{entry});
  EXPECT_EQ(*tasks_->add_claim(t.id), 1);
  EXPECT_EQ(*tasks_->add_claim(t.id), 2);
  ASSERT_TRUE(tasks_->remove(t.id));
  EXPECT_EQ(*tasks_->add_claim(t.id), -1);  // a removed task is not brought back
  EXPECT_FALSE(exists("ocrserve:task:" + t.id));
}

TEST_F(RedisTasksTest, ReleasedEntriesAreTakenAtOnceWithoutCountingAgainstTheTask) {
  const auto t = submitted();
  auto taken = tasks_->read_new("a", 1, 100);
  ASSERT_TRUE(taken && taken->size() == 1);
  ASSERT_TRUE(tasks_->release("a", *taken, 60000));
  auto claimed = tasks_->claim_stale("b", 60000, 1);
  ASSERT_TRUE(claimed);
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(*tasks_->add_claim(t.id), 0);  // the release took one back
  // "a" held nothing more, so it left the group.
  auto consumers = client_->command({"XINFO", "CONSUMERS", "ocrserve:queue", "nodes"});
  ASSERT_TRUE(consumers);
  for (const auto& c : consumers->elements) {
    ASSERT_GE(c.elements.size(), 2u);
    EXPECT_NE(c.elements[1].str, "a");
  }
}

TEST_F(RedisTasksTest, RemoveTakesTheRecordInputsResultsAndEntry) {
  const auto t = submitted();
  ASSERT_TRUE(tasks_->remove(t.id));
  EXPECT_FALSE(*tasks_->get(t.id));
  EXPECT_FALSE(exists("ocrserve:input:" + t.id));
  EXPECT_EQ(tasks_->queue_counts()->first, 0);
  auto taken = tasks_->read_new("a", 1, 50);
  ASSERT_TRUE(taken);
  EXPECT_TRUE(taken->empty());
}

TEST_F(RedisTasksTest, HeartbeatsListLiveNodesOnly) {
  ASSERT_TRUE(tasks_->heartbeat("a", {{"node", "a"}}, 0.3));
  ASSERT_TRUE(tasks_->heartbeat("b", {{"node", "b"}}, 30));
  EXPECT_EQ(tasks_->nodes()->size(), 2u);
  std::this_thread::sleep_for(500ms);
  auto nodes = tasks_->nodes();
  ASSERT_TRUE(nodes);
  ASSERT_EQ(nodes->size(), 1u);
  EXPECT_EQ((*nodes)[0].value("node", ""), "b");
}

TEST_F(RedisTasksTest, TheClientFailsWhileRedisIsDownAndReconnectsAfter) {
  const auto t = submitted();
  redis_->kill9();
  EXPECT_FALSE(client_->command({"PING"}));
  EXPECT_FALSE(tasks_->get(t.id));
  redis_->start();
  auto snap = tasks_->get(t.id);  // the AOF kept it
  ASSERT_TRUE(snap) << snap.error().message;
  ASSERT_TRUE(*snap);
  EXPECT_EQ((*snap)->task.id, t.id);
  // A restart under an open connection: the command is sent again on a new one.
  redis_->kill9();
  redis_->start();
  EXPECT_TRUE(client_->command({"PING"}));
}

TEST(RedisUrl, ParsesHostPortDatabaseAndPassword) {
  auto u = parse_redis_url("redis://:secret@10.0.0.5:6380/2");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_EQ(u->host, "10.0.0.5");
  EXPECT_EQ(u->port, 6380);
  EXPECT_EQ(u->db, 2);
  EXPECT_EQ(u->password, "secret");
  EXPECT_EQ(u->text(), "redis://10.0.0.5:6380/2");  // no password in logs
  auto d = parse_redis_url("redis://cache");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->port, 6379);
  EXPECT_EQ(d->db, 0);
  EXPECT_FALSE(parse_redis_url("http://cache:6379"));
  EXPECT_FALSE(parse_redis_url("redis://cache:99999"));
  EXPECT_FALSE(parse_redis_url("redis://cache:6379/x"));
}

}  // namespace
}  // namespace ocrserve::cluster
