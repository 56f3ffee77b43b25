// The supervisor with real ocrserve-worker processes, real models, real signals (CPU).
#include "supervisor/supervisor.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "testkit/image_io.h"
#include "testkit/page_renderer.h"
#include "testkit/test_dir.h"

namespace ocrserve::supervisor {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

bool alive(pid_t pid) { return pid > 0 && ::kill(pid, 0) == 0; }

// The log as text, read under the sink's own lock while slot threads write to it.
class CapturedLog : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::string str() {
    std::lock_guard lock(mutex_);
    return text_;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    text_.append(line.data(), line.size());
  }
  void flush_() override {}

 private:
  std::string text_;
};

class SupervisorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testkit::fresh_test_dir("sup");
    testkit::PageSpec spec;
    spec.width_px = 700;
    spec.height_px = 160;
    spec.margin_in = 0.2;
    spec.font_pt = 12;
    page_ = testkit::render_text_page(spec, {"Supervised", "workers", "return", "memory"});
    log_ = std::make_shared<CapturedLog>();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", log_));
  }
  void TearDown() override { fs::remove_all(dir_); }

  SupervisorConfig config(Policy policy = {}) {
    policy.device = "cpu";
    SupervisorConfig c;
    c.policy = policy;
    c.worker_path = std::string(OCRSERVE_BUILD_DIR) + "/tests/ocrserve-worker-with-test-hooks";
    c.models_dir = OCRSERVE_MODELS_DIR;
    c.spool_dir = (dir_ / "spool").string();
    c.extra_env = {{"OCRSERVE_TEST_HOOKS", "1"}};
    return c;
  }

  // A page file named name (the name can carry a test hook: crash-worker, hang-worker, ...).
  std::string input(const std::string& name) {
    const auto path = (dir_ / name).string();
    EXPECT_TRUE(testkit::write_png(path, page_));
    return path;
  }

  std::future<JobResult> submit(Supervisor& s, const std::string& name, double timeout_s = 0,
                                std::function<void(const std::string&)> on_started = {}) {
    auto promise = std::make_shared<std::promise<JobResult>>();
    Job job;
    job.id = name + "-" + std::to_string(++counter_);
    job.input_path = input(name);
    job.filename = name;
    job.output_dir = (dir_ / "out" / job.id).string();
    job.request = {{"to_formats", {"text"}}};
    job.timeout_s = timeout_s;
    job.on_started = std::move(on_started);
    job.on_done = [promise](const JobResult& r) { promise->set_value(r); };
    s.submit(std::move(job));
    return promise->get_future();
  }

  JobResult run(Supervisor& s, const std::string& name, double timeout_s = 0) {
    auto f = submit(s, name, timeout_s);
    if (f.wait_for(120s) != std::future_status::ready) {
      ADD_FAILURE() << name << ": no result within 120 s";
      return {};
    }
    return f.get();
  }

  std::string text_of(const JobResult& r) {
    for (const auto& o : r.result.value("outputs", nlohmann::json::array())) {
      std::ifstream in(o.value("path", ""));
      std::stringstream s;
      s << in.rdbuf();
      return s.str();
    }
    return "";
  }

  // The pid of the first slot's process while it is still starting (0 when none is seen).
  pid_t starting_worker(Supervisor& s) {
    pid_t pid = 0;
    eventually([&] {
      const auto w = s.workers().front();
      pid = w.state == WorkerState::kSpawning ? w.pid : 0;
      return pid > 0;
    });
    return pid;
  }

  // Waits until pred() or the timeout.
  template <class P>
  bool eventually(P pred, std::chrono::milliseconds timeout = 10s) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      if (pred()) return true;
      std::this_thread::sleep_for(20ms);
    }
    return pred();
  }

  fs::path dir_;
  testkit::RenderedPage page_;
  std::shared_ptr<CapturedLog> log_;
  int counter_ = 0;
};

TEST_F(SupervisorTest, KeepWarmRunsEveryTaskInOneProcess) {
  Supervisor s(config());
  const JobResult a = run(s, "a.png"), b = run(s, "b.png"), c = run(s, "c.png");
  ASSERT_TRUE(a.ok) << a.error;
  EXPECT_NE(text_of(a).find("Supervised workers return memory"), std::string::npos) << text_of(a);
  EXPECT_EQ(a.pid, b.pid);
  EXPECT_EQ(b.pid, c.pid);
  EXPECT_TRUE(alive(a.pid));
  EXPECT_EQ(s.workers()[0].state, WorkerState::kReady);
  // The worker's own log names each task.
  std::string worker_log;
  for (const auto& f : fs::directory_iterator(dir_ / "spool" / "workers")) {
    std::ifstream in(f.path());
    worker_log += std::string(std::istreambuf_iterator<char>(in), {});
  }
  EXPECT_NE(worker_log.find("task b.png-2 started"), std::string::npos) << worker_log;
  EXPECT_NE(worker_log.find("task c.png-3 done: 1 pages (1 by OCR)"), std::string::npos)
      << worker_log;
  EXPECT_NE(worker_log.find("ocrserve-worker[" + std::to_string(a.pid) + "]"), std::string::npos)
      << worker_log;
}

TEST_F(SupervisorTest, PerTaskModeStartsAFreshProcessForEveryTask) {
  Policy p;
  p.free_vram_on_idle = true;
  p.release_mode = ReleaseMode::kPerTask;
  Supervisor s(config(p));
  const JobResult a = run(s, "a.png"), b = run(s, "b.png");
  ASSERT_TRUE(a.ok && b.ok) << a.error << b.error;
  EXPECT_NE(a.pid, b.pid);
  EXPECT_TRUE(eventually([&] { return !alive(a.pid) && !alive(b.pid); }));
  EXPECT_NE(log_->str().find("VRAM allocated before cleanup"), std::string::npos);
}

TEST_F(SupervisorTest, MaxTasksRecyclesAfterN) {
  Policy p;
  p.max_tasks_per_worker = 2;
  Supervisor s(config(p));
  const JobResult a = run(s, "a.png"), b = run(s, "b.png"), c = run(s, "c.png");
  EXPECT_EQ(a.pid, b.pid);
  EXPECT_NE(b.pid, c.pid);
  EXPECT_FALSE(alive(a.pid));
}

TEST_F(SupervisorTest, ProcessModeEndsTheWorkerAfterIdle) {
  Policy p;
  p.free_vram_on_idle = true;
  p.release_mode = ReleaseMode::kProcess;
  p.idle_timeout_s = 1;
  Supervisor s(config(p));
  const JobResult a = run(s, "a.png");
  ASSERT_TRUE(a.ok) << a.error;
  EXPECT_TRUE(alive(a.pid));
  EXPECT_TRUE(eventually([&] { return !alive(a.pid); }, 5s));
  EXPECT_EQ(s.workers()[0].pid, 0);
  EXPECT_EQ(s.workers()[0].state, WorkerState::kNone);  // an empty slot, not EXITING
  EXPECT_STREQ(state_name(s.workers()[0].state), "NONE");
  const auto log = log_->str();
  EXPECT_NE(log.find("VRAM allocated before cleanup"), std::string::npos) << log;
  EXPECT_NE(log.find("\"reason\":\"idle\""), std::string::npos) << log;
  const JobResult b = run(s, "b.png");  // the next task starts a new one
  ASSERT_TRUE(b.ok) << b.error;
  EXPECT_NE(a.pid, b.pid);
}

TEST_F(SupervisorTest, InProcessModeReleasesSessionsAndKeepsTheProcess) {
  Policy p;
  p.free_vram_on_idle = true;
  p.release_mode = ReleaseMode::kInProcess;
  p.idle_timeout_s = 1;
  Supervisor s(config(p));
  const JobResult a = run(s, "a.png");
  ASSERT_TRUE(a.ok) << a.error;
  EXPECT_TRUE(eventually([&] { return s.workers()[0].state == WorkerState::kStandby; }, 5s));
  EXPECT_TRUE(alive(a.pid));
  const auto log = log_->str();
  EXPECT_NE(log.find("released sessions"), std::string::npos) << log;
  EXPECT_NE(log.find("VRAM freed"), std::string::npos) << log;
  EXPECT_NE(log.find("rss_after_mib"), std::string::npos) << log;
  const JobResult b = run(s, "b.png");
  ASSERT_TRUE(b.ok) << b.error;
  EXPECT_EQ(a.pid, b.pid);
}

TEST_F(SupervisorTest, StandbyHoldsNoSession) {
  Policy p;
  p.prewarm = Prewarm::kStandby;
  p.free_vram_on_idle = true;
  p.idle_timeout_s = 1;
  Supervisor s(config(p));
  ASSERT_TRUE(eventually([&] { return s.workers()[0].state == WorkerState::kStandby; }));
  const pid_t standby = s.workers()[0].pid;
  EXPECT_TRUE(alive(standby));
  const JobResult a = run(s, "a.png");
  ASSERT_TRUE(a.ok) << a.error;
  EXPECT_EQ(a.pid, standby);  // the task used the standby process
  EXPECT_EQ(a.result["report"].value("sessions_created", -1), 3);
  // After idle: that process exits and a new standby one, with no session, takes its place.
  ASSERT_TRUE(eventually([&] {
    auto w = s.workers()[0];
    return w.pid != 0 && w.pid != standby && w.state == WorkerState::kStandby;
  }));
  EXPECT_FALSE(alive(standby));
}

TEST_F(SupervisorTest, TimeoutKillsTheWorkerAndTheNextTaskWorks) {
  Supervisor s(config());
  const JobResult hung = run(s, "hang-worker.png", 1.5);
  EXPECT_FALSE(hung.ok);
  EXPECT_EQ(hung.error, "timed out after 1 s");
  EXPECT_TRUE(eventually([&] { return !alive(hung.pid); }));
  const JobResult next = run(s, "next.png");
  ASSERT_TRUE(next.ok) << next.error;
  EXPECT_NE(next.pid, hung.pid);
}

TEST_F(SupervisorTest, KillingABusyWorkerRetriesTheTaskOnAFreshOne) {
  Supervisor s(config());
  ASSERT_TRUE(run(s, "warm.png").ok);
  const pid_t victim = s.workers()[0].pid;
  auto f = submit(s, "slow-worker.png", 0, [&](const std::string&) {
    std::thread([victim] {
      std::this_thread::sleep_for(300ms);
      ::kill(victim, SIGKILL);
    }).detach();
  });
  ASSERT_EQ(f.wait_for(60s), std::future_status::ready);
  const JobResult r = f.get();
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 2);
  EXPECT_NE(r.pid, victim);
  EXPECT_NE(text_of(r).find("Supervised"), std::string::npos);
}

TEST_F(SupervisorTest, ADocumentThatAlwaysCrashesFailsAfterOneRetry) {
  Supervisor s(config());
  const JobResult r = run(s, "crash-worker.png");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.attempts, 2);
  EXPECT_NE(r.error.find("crashed twice"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("SIGABRT"), std::string::npos) << r.error;
  EXPECT_TRUE(run(s, "fine.png").ok);  // the slot recovers
}

TEST_F(SupervisorTest, RssBudgetRecyclesTheWorker) {
  double rss = 0;
  {
    Supervisor measure(config());
    const JobResult first = run(measure, "a.png");
    ASSERT_TRUE(first.ok);
    rss = first.result["report"].value("rss_mib", 0.0);
  }
  ASSERT_GT(rss, 50);
  Policy p;
  p.max_worker_rss_mb = rss + 150;  // a normal task stays under, one that grows 400 MiB does not
  Supervisor s(config(p));
  const JobResult small = run(s, "b.png");
  const JobResult grown = run(s, "grow-worker-400.png");
  ASSERT_TRUE(grown.ok) << grown.error;
  EXPECT_EQ(small.pid, grown.pid);
  EXPECT_TRUE(eventually([&] { return !alive(grown.pid); }));
  const JobResult after = run(s, "c.png");
  EXPECT_NE(after.pid, grown.pid);
  EXPECT_NE(log_->str().find("recycling: recycled"), std::string::npos) << log_->str();
}

TEST_F(SupervisorTest, FourTasksOnTwoWorkersAllFinish) {
  Policy p;
  p.workers_per_device = 2;
  Supervisor s(config(p));
  std::vector<std::future<JobResult>> futures;
  for (int i = 0; i < 4; ++i)
    futures.push_back(submit(s, "slow-worker-" + std::to_string(i) + ".png"));
  std::set<pid_t> pids;
  for (auto& f : futures) {
    ASSERT_EQ(f.wait_for(60s), std::future_status::ready);
    const JobResult r = f.get();
    EXPECT_TRUE(r.ok) << r.error;
    pids.insert(r.pid);
  }
  EXPECT_EQ(pids.size(), 2u);
}

TEST_F(SupervisorTest, CancelAQueuedTaskAndARunningOne) {
  Supervisor s(config());
  auto running = submit(s, "hang-worker.png");  // job ids: <name>-<n>
  auto queued = submit(s, "queued.png");
  auto next = submit(s, "next.png");
  ASSERT_TRUE(eventually([&] { return s.workers()[0].state == WorkerState::kBusy; }));
  EXPECT_EQ(s.queue_depth(), 2u);
  EXPECT_EQ(s.queue_position("next.png-3"), 2u);
  // The queued one leaves the queue at once, without running.
  EXPECT_TRUE(s.cancel("queued.png-2", "cancelled while queued"));
  ASSERT_EQ(queued.wait_for(1s), std::future_status::ready);
  const JobResult q = queued.get();
  EXPECT_FALSE(q.ok);
  EXPECT_EQ(q.error, "cancelled while queued");
  EXPECT_EQ(q.attempts, 0);
  EXPECT_EQ(s.queue_depth(), 1u);
  EXPECT_EQ(s.queue_position("next.png-3"), 1u);
  // The running one has its worker killed.
  EXPECT_EQ(s.workers()[0].task_id, "hang-worker.png-1");
  EXPECT_TRUE(s.cancel("hang-worker.png-1", "cancelled while running"));
  ASSERT_EQ(running.wait_for(30s), std::future_status::ready);
  EXPECT_EQ(running.get().error, "cancelled while running");
  EXPECT_FALSE(s.cancel("no-such-job", "x"));
  ASSERT_EQ(next.wait_for(120s), std::future_status::ready);
  EXPECT_TRUE(next.get().ok);
}

TEST_F(SupervisorTest, ReleaseAllEndsEveryWorkerNow) {
  Policy p;
  p.workers_per_device = 2;
  Supervisor s(config(p));  // keep-warm: without release_all the workers would stay
  auto a = submit(s, "a.png"), b = submit(s, "b.png");
  ASSERT_EQ(a.wait_for(120s), std::future_status::ready);
  ASSERT_EQ(b.wait_for(120s), std::future_status::ready);
  std::vector<pid_t> pids;
  for (const auto& w : s.workers()) {
    if (w.pid > 0) pids.push_back(w.pid);
  }
  ASSERT_FALSE(pids.empty());
  s.release_all();
  for (pid_t pid : pids) EXPECT_TRUE(eventually([&] { return !alive(pid); })) << pid;
  EXPECT_TRUE(eventually([&] {
    for (const auto& w : s.workers()) {
      if (w.pid != 0) return false;
    }
    return true;
  }));
  EXPECT_NE(log_->str().find("VRAM allocated before cleanup"), std::string::npos);
  // And the next task starts a fresh worker.
  EXPECT_TRUE(run(s, "c.png").ok);
}

TEST_F(SupervisorTest, ThisProcessNeverMapsOnnxRuntimeOrCuda) {
  Supervisor s(config());
  ASSERT_TRUE(run(s, "a.png").ok);
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    EXPECT_EQ(line.find("libonnxruntime"), std::string::npos) << line;
    EXPECT_EQ(line.find("libcuda"), std::string::npos) << line;
  }
  // ... while the worker does map ONNX Runtime.
  std::ifstream worker_maps("/proc/" + std::to_string(s.workers()[0].pid) + "/maps");
  std::stringstream all;
  all << worker_maps.rdbuf();
  EXPECT_NE(all.str().find("libonnxruntime"), std::string::npos);
}

TEST_F(SupervisorTest, WorkersThatBreakTheProtocolFailTheirTaskNotTheSupervisor) {
  Policy p;
  Supervisor s(config(p));
  for (const char* name : {"bad-message-worker.png", "huge-frame-worker.png"}) {
    const JobResult r = run(s, name);
    EXPECT_FALSE(r.ok) << name;
    EXPECT_EQ(r.attempts, 2) << name;
    EXPECT_NE(r.error.find("broke the message protocol"), std::string::npos) << r.error;
  }
  // A frame whose body never comes: the deadline inside the frame ends the wait.
  const auto start = std::chrono::steady_clock::now();
  const JobResult stalled = run(s, "stalled-frame-worker.png");
  EXPECT_FALSE(stalled.ok);
  EXPECT_NE(stalled.error.find("incomplete frame"), std::string::npos) << stalled.error;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
  // Fields of the wrong type are read as missing, never thrown.
  const JobResult mistyped = run(s, "mistyped-worker.png");
  EXPECT_FALSE(mistyped.ok);
  const JobResult fine = run(s, "fine.png");
  EXPECT_TRUE(fine.ok) << fine.error;
}

TEST_F(SupervisorTest, AWorkerKilledWhileStartingIsRetried) {
  auto c = config();
  c.extra_env.emplace_back("OCRSERVE_TEST_START_DELAY_MS", "1500");
  Supervisor s(c);
  auto f = submit(s, "page.png");
  const pid_t starting = starting_worker(s);
  ASSERT_GT(starting, 0) << "no worker was seen starting";
  ::kill(starting, SIGKILL);
  ASSERT_EQ(f.wait_for(120s), std::future_status::ready);
  const JobResult r = f.get();
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.attempts, 2);
  EXPECT_NE(r.pid, starting);
}

TEST_F(SupervisorTest, AJobCanBeCancelledWhileItsWorkerStarts) {
  auto c = config();
  c.extra_env.emplace_back("OCRSERVE_TEST_START_DELAY_MS", "5000");
  Supervisor s(c);
  auto f = submit(s, "page.png");
  const pid_t starting = starting_worker(s);
  ASSERT_GT(starting, 0) << "no worker was seen starting";
  const std::string id = s.workers().front().task_id;
  ASSERT_FALSE(id.empty()) << "the claimed job is not shown on its slot";
  const auto asked = std::chrono::steady_clock::now();
  EXPECT_TRUE(s.cancel(id, "cancelled by the test"));
  ASSERT_EQ(f.wait_for(3s), std::future_status::ready) << "the cancel was lost";
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 2s);
  const JobResult r = f.get();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "cancelled by the test");
  EXPECT_TRUE(eventually([&] { return !alive(starting); }, 3s));
}

TEST_F(SupervisorTest, ADocumentTimeoutCannotExceedTheTaskTimeout) {
  Policy p;
  p.task_timeout_s = 1.5;
  p.kill_grace_s = 0.2;
  Supervisor s(config(p));
  const auto start = std::chrono::steady_clock::now();
  const JobResult r = run(s, "hang-worker.png", /*timeout_s=*/100);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "timed out after 1 s");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 20s);
}

TEST_F(SupervisorTest, WorkersGetNoSecretsFromTheEnvironment) {
  ::setenv("DOCLING_SERVE_API_KEY", "do-not-leak", 1);
  ::setenv("OCRSERVE_API_KEY", "do-not-leak", 1);
  Policy p;
  p.prewarm = Prewarm::kStandby;
  Supervisor s(config(p));
  ::unsetenv("DOCLING_SERVE_API_KEY");
  ::unsetenv("OCRSERVE_API_KEY");
  pid_t pid = 0;
  ASSERT_TRUE(eventually(
      [&] {
        const auto w = s.workers().front();
        pid = w.state == WorkerState::kStandby ? w.pid : 0;
        return pid > 0;
      },
      60s));
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  std::stringstream env;
  env << in.rdbuf();
  EXPECT_EQ(env.str().find("do-not-leak"), std::string::npos);
  EXPECT_EQ(env.str().find("API_KEY"), std::string::npos);
  EXPECT_NE(env.str().find("OCRSERVE_TEST_HOOKS=1"), std::string::npos);
  // Its limits: no core dumps.
  std::ifstream limits("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  bool core_off = false;
  while (std::getline(limits, line)) {
    if (line.rfind("Max core file size", 0) == 0) core_off = line.find(" 0 ") != std::string::npos;
  }
  EXPECT_TRUE(core_off);
}

}  // namespace
}  // namespace ocrserve::supervisor
