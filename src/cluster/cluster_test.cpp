// Several machines on one Redis, black-box: Debian's redis-server on a free loopback port (AOF
// on, fsync always), an API node and worker nodes as real `ocrserve` processes with CPU workers,
// text-layer PDFs made here. The failures of the Redis engine: a node killed with tasks in
// flight, Redis restarted, Redis stopped, a sync wait given up.
#include <map>
#include <mutex>
#include <regex>
#include <set>

#include "cluster/redis_client.h"
#include "cluster/redis_test_server.h"
#include "server/serve_fixture.h"
#include "testkit/pdf_renderer.h"
#include "testkit/test_dir.h"

namespace ocrserve::server_testing {
namespace {

using cluster::testing::free_port;
using cluster::testing::RedisServer;

bool process_gone(pid_t pid) {
  const std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  if (stat.empty()) return true;
  const auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z';
}

class Cluster : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testkit::fresh_test_dir("cluster");
    redis_ = std::make_unique<RedisServer>(dir_ / "redis", free_port());
  }
  void TearDown() override {
    nodes_.clear();
    api_.reset();
    redis_.reset();
    if (HasFailure()) {
      for (const auto& e : fs::directory_iterator(dir_)) {
        if (e.path().extension() == ".log") {
          std::cerr << "---- " << e.path().filename() << ":\n" << slurp(e.path()) << "\n";
        }
      }
    }
    fs::remove_all(dir_);
  }

  std::vector<std::string> engine_flags() const {
    return {"--engine", redis_->url(), "--heartbeat", "0.5", "--claim-after", claim_after_};
  }

  // An API node; --workers 0 unless `flags` say otherwise.
  ServerProcess& api(std::vector<std::string> flags = {}) {
    auto all = engine_flags();
    if (std::find(flags.begin(), flags.end(), "--workers") == flags.end()) {
      flags.insert(flags.end(), {"--workers", "0"});
    }
    all.insert(all.end(), flags.begin(), flags.end());
    api_ = std::make_unique<ServerProcess>(dir_ / "api", all, dir_ / "api.log");
    return *api_;
  }

  ServerProcess& node(const std::string& name) {
    auto flags = engine_flags();
    flags.insert(flags.end(), {"--node-name", name, "--workers", "1"});
    nodes_[name] = std::make_unique<ServerProcess>(dir_ / name, flags, dir_ / (name + ".log"),
                                                   std::vector<std::string>{}, "node");
    return *nodes_[name];
  }

  // A one-page PDF with a text layer whose title is "Document <n>".
  static std::string pdf(int n) {
    testkit::PdfPageSpec spec;
    spec.title = "Document " + std::to_string(n);
    spec.paragraphs = {{"Every", "task", "is", "finished", "exactly", "once."}};
    return testkit::render_pdf({spec});
  }

  httplib::Result submit(const std::string& name, const std::string& bytes,
                         bool async = true) const {
    httplib::MultipartFormDataItems items{{"files", bytes, name, "application/pdf"}};
    return api_->client().Post(async ? "/v1/convert/file/async" : "/v1/convert/file", items);
  }

  std::string submit_ok(const std::string& name, const std::string& bytes) const {
    auto r = submit(name, bytes);
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
    return r && r->status == 200 ? json::parse(r->body).value("task_id", "") : "";
  }

  json wait_done(const std::string& id, int seconds = 90) const {
    json status;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = api_->client().Get("/v1/status/poll/" + id + "?wait=5");
      if (!r || r->status != 200) {
        std::this_thread::sleep_for(200ms);
        continue;
      }
      status = json::parse(r->body);
      const std::string s = status.value("task_status", "");
      if (s == "success" || s == "failure") return status;
    }
    ADD_FAILURE() << "task " << id << " did not finish: " << status.dump();
    return status;
  }

  std::string markdown(const std::string& id) const {
    auto r = api_->client().Get("/v1/result/" + id);
    if (!r || r->status != 200) return "";
    return json::parse(r->body)["document"].value("md_content", "");
  }

  // Deliveries per task id over every node's log; `duplicates` counts refused second ones.
  std::map<std::string, int> deliveries(int* duplicates = nullptr) const {
    std::map<std::string, int> count;
    const std::regex line("task=([0-9a-f-]+) event=delivered node=\\S+ status=\\w+( duplicate)?");
    for (const auto& [name, n] : nodes_) {
      const std::string log = slurp(dir_ / (name + ".log"));
      for (std::sregex_iterator it(log.begin(), log.end(), line), end; it != end; ++it) {
        if ((*it)[2].matched) {
          if (duplicates) ++*duplicates;
        } else {
          ++count[(*it)[1]];
        }
      }
    }
    return count;
  }

  // Waits until `name`'s log holds `text`; seconds waited, or -1.
  double wait_for_log(const std::string& name, const std::string& text, double seconds) const {
    const auto t0 = std::chrono::steady_clock::now();
    for (;;) {
      const double waited =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (slurp(dir_ / (name + ".log")).find(text) != std::string::npos) return waited;
      if (waited > seconds) return -1;
      std::this_thread::sleep_for(50ms);
    }
  }

  std::string claim_after_ = "2";
  fs::path dir_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<ServerProcess> api_;
  std::map<std::string, std::unique_ptr<ServerProcess>> nodes_;
};

TEST_F(Cluster, ThreeNodesFinishEveryTaskExactlyOnce) {
  api();
  for (const char* name : {"a", "b", "c"}) node(name);
  std::vector<std::string> pdfs;
  for (int k = 0; k < 8; ++k) pdfs.push_back(pdf(k));

  constexpr int kClients = 4, kPerClient = 50;
  std::mutex mutex;
  std::vector<std::pair<std::string, int>> submitted;  // task id, document number
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; i < kPerClient; ++i) {
        const int k = (c * kPerClient + i) % 8;
        const std::string id = submit_ok("doc-" + std::to_string(k) + ".pdf", pdfs[k]);
        std::lock_guard lock(mutex);
        submitted.push_back({id, k});
      }
    });
  }
  for (auto& t : clients) t.join();
  ASSERT_EQ(submitted.size(), size_t(kClients * kPerClient));
  for (const auto& [id, k] : submitted) {
    ASSERT_EQ(wait_done(id).value("task_status", ""), "success") << id;
    EXPECT_NE(markdown(id).find("Document " + std::to_string(k)), std::string::npos) << id;
  }
  // Each task delivered by exactly one node, and every node took a share.
  int duplicates = 0;
  const auto delivered = deliveries(&duplicates);
  EXPECT_EQ(delivered.size(), submitted.size());
  for (const auto& [id, k] : submitted) EXPECT_EQ(delivered.count(id) ? delivered.at(id) : 0, 1);
  EXPECT_EQ(duplicates, 0);
  // The nodes' counters, as their heartbeats (every 0.5 s) bring them.
  json workers;
  std::map<std::string, int> done_by_node;
  int total = 0;
  for (int i = 0; i < 100 && total != kClients * kPerClient; ++i) {
    if (i > 0) std::this_thread::sleep_for(100ms);
    workers = json::parse(api_->client().Get("/v1/workers")->body);
    done_by_node.clear();
    total = 0;
    for (const auto& n : workers["nodes"]) {
      done_by_node[n.value("node", "")] = n["tasks"].value("success", 0);
      total += n["tasks"].value("success", 0);
    }
  }
  EXPECT_EQ(done_by_node.size(), 3u) << workers.dump();
  for (const auto& [name, n] : done_by_node) EXPECT_GT(n, 0) << name;
  EXPECT_EQ(total, kClients * kPerClient);
  std::cout << "[ tasks per node ] a " << done_by_node["a"] << ", b " << done_by_node["b"] << ", c "
            << done_by_node["c"] << "\n";
  // Nothing is left queued.
  const std::string metrics = api_->client().Get("/metrics")->body;
  EXPECT_NE(metrics.find("ocrserve_tasks{status=\"pending\"} 0"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("ocrserve_tasks{status=\"started\"} 0"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("ocrserve_nodes 3"), std::string::npos) << metrics;
}

TEST_F(Cluster, KilledNodesTasksFinishOnTheOthers) {
  api();
  node("a");
  node("b");
  const std::string bytes = pdf(1);
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    ids.push_back(submit_ok("slow-worker-" + std::to_string(i) + ".pdf", bytes));
  }
  // Node a converts one of them now.
  ASSERT_GE(wait_for_log("a", "event=taken", 30), 0);
  std::vector<pid_t> workers;
  for (int i = 0; i < 100 && workers.empty(); ++i) {
    workers = children_of(nodes_["a"]->pid());
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_FALSE(workers.empty());
  nodes_["a"]->kill9();
  const auto killed = std::chrono::steady_clock::now();
  const double reclaimed = wait_for_log("b", "event=taken_over", 30);
  EXPECT_GE(reclaimed, 0) << "node b never took over node a's task";
  std::cout << "[ reclaimed ] " << reclaimed << " s after kill -9 (claim after 2 s)\n";
  for (const auto& id : ids) {
    EXPECT_EQ(wait_done(id).value("task_status", ""), "success") << id;
    EXPECT_NE(markdown(id).find("Document 1"), std::string::npos) << id;
  }
  // The killed node's workers died with it.
  for (pid_t pid : workers) {
    bool gone = false;
    for (int i = 0; i < 100 && !gone; ++i) {
      gone = process_gone(pid);
      if (!gone) std::this_thread::sleep_for(50ms);
    }
    EXPECT_TRUE(gone) << "worker " << pid << " of the killed node is still running";
  }
  EXPECT_LT(std::chrono::steady_clock::now() - killed, 60s);
  // Every task delivered once, by node b for the ones a held.
  const auto delivered = deliveries();
  for (const auto& id : ids) EXPECT_EQ(delivered.count(id) ? delivered.at(id) : 0, 1) << id;
}

TEST_F(Cluster, ATaskThatKilledTwoNodesFailsWithTheReason) {
  api();
  for (const char* name : {"a", "b", "c"}) node(name);
  // A document that never finishes: whichever node holds it is killed, twice.
  const std::string id = submit_ok("hang-worker.pdf", pdf(1));
  const std::string taken = "task=" + id + " event=taken";
  for (int round = 0; round < 2; ++round) {
    std::string holder;
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (holder.empty() && std::chrono::steady_clock::now() < deadline) {
      for (const auto& [name, n] : nodes_) {
        if (n->pid() > 0 && slurp(dir_ / (name + ".log")).find(taken) != std::string::npos) {
          holder = name;
        }
      }
      std::this_thread::sleep_for(50ms);
    }
    ASSERT_FALSE(holder.empty()) << "round " << round << ": no node took the task";
    nodes_[holder]->kill9();
  }
  const json status = wait_done(id, 60);
  EXPECT_EQ(status.value("task_status", ""), "failure");
  EXPECT_NE(status.dump().find("two worker nodes that stopped answering"), std::string::npos)
      << status.dump();
}

TEST_F(Cluster, ANodeStoppedWithSigtermHandsItsTaskOverAtOnce) {
  claim_after_ = "60";  // a take-over by timeout would come too late for this test
  api();
  node("a");
  const std::string id = submit_ok("slow-worker.pdf", pdf(2));
  ASSERT_GE(wait_for_log("a", "task=" + id + " event=taken", 30), 0);
  node("b");
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(nodes_["a"]->stop(), 0);
  EXPECT_EQ(wait_done(id, 30).value("task_status", ""), "success");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 20s);
  EXPECT_NE(slurp(dir_ / "b.log").find("task=" + id + " event=taken_over"), std::string::npos);
  EXPECT_NE(markdown(id).find("Document 2"), std::string::npos);
}

TEST_F(Cluster, RedisRestartedMidRunLosesNoAcceptedTask) {
  api();
  node("a");
  const std::string bytes = pdf(2);
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    ids.push_back(submit_ok("slow-worker-" + std::to_string(i) + ".pdf", bytes));
  }
  ASSERT_GE(wait_for_log("a", "event=taken", 30), 0);
  redis_->kill9();  // no shutdown: only what the AOF holds survives
  std::this_thread::sleep_for(1500ms);
  redis_->start();
  for (const auto& id : ids) {
    EXPECT_EQ(wait_done(id).value("task_status", ""), "success") << id;
    EXPECT_NE(markdown(id).find("Document 2"), std::string::npos) << id;
  }
}

TEST_F(Cluster, SubmitWhileRedisIsDownGets503AndWorkResumesAfter) {
  // All in one: an API node that converts too.
  api({"--workers", "1"});
  const std::string before = submit_ok("before.pdf", pdf(3));
  EXPECT_EQ(wait_done(before).value("task_status", ""), "success");

  redis_->stop();
  auto refused = submit("during.pdf", pdf(4));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503) << refused->body;
  EXPECT_TRUE(refused->has_header("Retry-After"));
  EXPECT_NE(refused->body.find("retry later"), std::string::npos) << refused->body;
  auto health = api_->client().Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto poll = api_->client().Get("/v1/status/poll/" + before);
  ASSERT_TRUE(poll);
  EXPECT_EQ(poll->status, 503) << poll->body;
  auto ready = api_->client().Get("/ready");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503) << ready->body;
  EXPECT_NE(ready->body.find("Redis"), std::string::npos) << ready->body;

  redis_->start();
  std::string after;
  for (int i = 0; i < 50 && after.empty(); ++i) {
    auto r = submit("after.pdf", pdf(5));
    if (r && r->status == 200) after = json::parse(r->body).value("task_id", "");
    if (after.empty()) std::this_thread::sleep_for(200ms);
  }
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(wait_done(after).value("task_status", ""), "success");
  EXPECT_NE(markdown(after).find("Document 5"), std::string::npos);
  auto ready_again = api_->client().Get("/ready");
  ASSERT_TRUE(ready_again);
  EXPECT_EQ(ready_again->status, 200) << ready_again->body;
  // The task finished before the outage is still there.
  EXPECT_NE(markdown(before).find("Document 3"), std::string::npos);
}

TEST_F(Cluster, SyncTimeoutCancelsTheTaskOnItsNode) {
  api({"--max-sync-wait", "1"});
  node("a");
  auto r = submit("hang-worker.pdf", pdf(6), false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 504) << r->body;
  EXPECT_GE(wait_for_log("a", "event=cancelled", 15), 0);
  // The node is free again for the next task.
  const std::string next = submit_ok("next.pdf", pdf(7));
  EXPECT_EQ(wait_done(next, 60).value("task_status", ""), "success");
}

TEST_F(Cluster, AnyApiNodeAnswersForATaskAnotherAccepted) {
  api();
  auto flags = engine_flags();
  flags.insert(flags.end(), {"--workers", "0"});
  ServerProcess second(dir_ / "api2", flags, dir_ / "api2.log");
  node("a");
  const std::string id = submit_ok("slow-worker.pdf", pdf(4));
  // A long poll on the other API node wakes on each change: started, then success.
  std::vector<std::string> seen;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = second.client().Get("/v1/status/poll/" + id + "?wait=30");
    ASSERT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
    const std::string status = json::parse(r->body).value("task_status", "");
    if (seen.empty() || seen.back() != status) seen.push_back(status);
    if (status == "success" || status == "failure") break;
  }
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back(), "success");
  EXPECT_NE(std::find(seen.begin(), seen.end(), "started"), seen.end());
  auto result = second.client().Get("/v1/result/" + id);
  ASSERT_TRUE(result && result->status == 200);
  EXPECT_NE(json::parse(result->body)["document"].value("md_content", "").find("Document 4"),
            std::string::npos);
  // Both API nodes show the node's workers.
  for (const ServerProcess* p : {api_.get(), &second}) {
    const json workers = json::parse(p->client().Get("/v1/workers")->body);
    ASSERT_EQ(workers["nodes"].size(), 1u) << workers.dump();
    EXPECT_EQ(workers["workers"][0].value("node", ""), "a");
  }
}

TEST_F(Cluster, WorkerNodeAnswersHealthAndMetricsButTakesNoSubmissions) {
  api();
  ServerProcess& a = node("a");
  auto health = a.client().Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto metrics = a.client().Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("ocrserve_workers{state="), std::string::npos);
  httplib::MultipartFormDataItems items{{"files", pdf(1), "x.pdf", "application/pdf"}};
  auto refused = a.client().Post("/v1/convert/file/async", items);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 404);
  EXPECT_NE(refused->body.find("worker node"), std::string::npos);
}

// A worker node is ready only while Redis answers its heartbeats.
TEST_F(Cluster, WorkerNodeIsNotReadyWhileRedisIsDown) {
  api();
  ServerProcess& a = node("a");
  auto status_of_ready = [&] {
    auto r = a.client().Get("/ready");
    return r ? r->status : 0;
  };
  auto wait_ready_status = [&](int wanted) {
    for (int i = 0; i < 150; ++i) {
      if (status_of_ready() == wanted) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  };
  ASSERT_TRUE(wait_ready_status(200));
  redis_->stop();
  ASSERT_TRUE(wait_ready_status(503));
  auto down = a.client().Get("/ready");
  ASSERT_TRUE(down);
  EXPECT_NE(down->body.find("Redis"), std::string::npos) << down->body;
  auto health = a.client().Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);  // alive, only not ready
  redis_->start();
  EXPECT_TRUE(wait_ready_status(200));
}

// Queued tasks know their place in the queue until a node takes them.
TEST_F(Cluster, QueuedTasksKnowTheirPlace) {
  api();  // no node yet: every task waits
  std::vector<std::string> ids;
  for (int i = 1; i <= 3; ++i)
    ids.push_back(submit_ok("queued-" + std::to_string(i) + ".pdf", pdf(i)));
  for (size_t i = 0; i < ids.size(); ++i) {
    auto r = api_->client().Get("/v1/status/poll/" + ids[i]);
    ASSERT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
    const json status = json::parse(r->body);
    EXPECT_EQ(status.value("task_status", ""), "pending");
    EXPECT_EQ(status["task_position"], json(i + 1)) << r->body;
  }
  node("a");
  for (const auto& id : ids) {
    const json done = wait_done(id);
    EXPECT_EQ(done.value("task_status", ""), "success");
    EXPECT_TRUE(done["task_position"].is_null()) << done.dump();
  }
}

}  // namespace
}  // namespace ocrserve::server_testing
