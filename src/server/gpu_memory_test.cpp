// The VRAM logic through the API, on machines without a GPU: the server and its workers load the
// NVML stand-in (build/tests/nvml-double, see src/gpu/nvml_double.cpp), which reports the GPU
// this test describes in a file: admission, VRAM-budget recycling and the arena cap, the release
// log lines in every mode, the figures in /metrics and /v1/workers, and NVML going away mid-run.
#include "server/serve_fixture.h"

using namespace ocrserve::server_testing;

namespace {

class GpuMemory : public Serve {
 protected:
  void describe_gpu(const std::string& text) {
    const fs::path tmp = dir_ / "gpu.txt.new";
    std::ofstream(tmp) << text;
    fs::rename(tmp, dir_ / "gpu.txt");  // atomically: readers never see half a file
  }
  ServerProcess& start_on_gpu(std::vector<std::string> flags) {
    flags.insert(flags.end(), {"--device", "auto"});
    return start(flags,
                 {"LD_LIBRARY_PATH=" + std::string(OCRSERVE_BUILD_DIR) + "/tests/nvml-double",
                  "OCRSERVE_NVML_DOUBLE=" + (dir_ / "gpu.txt").string()});
  }
  std::string log() { return slurp(dir_ / "server.log"); }
  json workers() {
    auto r = server_->client().Get("/v1/workers");
    return r ? json::parse(r->body) : json();
  }
  // Waits until the log has `text`.
  bool log_has(const std::string& text, int seconds = 30) {
    for (int i = 0; i < seconds * 10; ++i) {
      if (log().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }
};

TEST_F(GpuMemory, ATaskWaitsForGpuMemoryAndSaysWhy) {
  page("a.png");
  describe_gpu("total_mib 4000\nother_used_mib 3500\nworker_mib 700\n");
  auto& server = start_on_gpu({"--vram-estimate-mb", "1500"});
  const std::string id = post_async("a.png")["task_id"];
  json status;
  for (int i = 0; i < 50; ++i) {
    auto r = server.client().Get("/v1/status/poll/" + id);
    ASSERT_TRUE(r);
    status = json::parse(r->body);
    if (status["task_meta"].contains("waiting_reason")) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(status["task_status"], "pending");
  EXPECT_EQ(status["task_meta"].value("waiting_reason", ""),
            "waiting for GPU memory: 500 MiB free on GPU 0, a worker needs about 1500 MiB");
  EXPECT_EQ(workers()["workers"][0]["waiting"], status["task_meta"]["waiting_reason"]);
  describe_gpu("total_mib 4000\nother_used_mib 0\nworker_mib 700\n");  // the other job ends
  EXPECT_EQ(wait_done(id)["task_status"], "success");
  EXPECT_TRUE(workers()["workers"][0]["waiting"].is_null());
}

TEST_F(GpuMemory, AWorkerOverItsVramBudgetIsRecycledAndItsArenaIsCapped) {
  page("a.png");
  describe_gpu("total_mib 16000\nworker_mib 1200\n");
  auto& server = start_on_gpu({"--max-worker-vram-mb", "1000"});
  const json first = wait_done(post_async("a.png")["task_id"]);
  ASSERT_EQ(first["task_status"], "success");
  ASSERT_TRUE(log_has("recycling: recycled"));
  EXPECT_TRUE(
      log_has("VRAM allocated before cleanup: 1200 MiB, VRAM freed: 1200 MiB, VRAM "
              "allocated after cleanup: 0 MiB"));
  // The next worker is started with its arena capped at the budget minus the CUDA context.
  post_async("a.png");
  // A child just forked still shows the server's command line until it execs the worker.
  std::string cmdline;
  for (int i = 0; i < 600 && cmdline.find("--gpu-arena-limit-mb") == std::string::npos; ++i) {
    for (pid_t w : children_of(server.pid())) {
      const std::string c = slurp("/proc/" + std::to_string(w) + "/cmdline");
      if (c.find("worker") != std::string::npos) cmdline = c;
    }
    std::this_thread::sleep_for(50ms);
  }
  std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
  EXPECT_NE(cmdline.find("--gpu-arena-limit-mb 488"), std::string::npos) << cmdline;
}

TEST_F(GpuMemory, EveryReleaseModeLogsTheVramItGaveBack) {
  page("a.png");
  describe_gpu("total_mib 16000\nworker_mib 700\n");
  for (const char* mode : {"process", "per-task", "in-process"}) {
    auto& server =
        start_on_gpu({"--free-vram-on-idle", "--release-mode", mode, "--idle-timeout", "1"});
    ASSERT_EQ(wait_done(post_async("a.png")["task_id"])["task_status"], "success") << mode;
    const std::string expected = std::string(mode) == "in-process"
                                     ? "released sessions"
                                     : "VRAM allocated before cleanup: 700 MiB, VRAM freed: 700 "
                                       "MiB, VRAM allocated after cleanup: 0 MiB";
    EXPECT_TRUE(log_has(expected)) << mode;
    EXPECT_TRUE(log_has("VRAM allocated before cleanup: 700 MiB")) << mode;
    server.stop();
  }
}

TEST_F(GpuMemory, MetricsAndTheWorkersListShowWorkerAndDeviceMemory) {
  page("a.png");
  describe_gpu("total_mib 16000\nother_used_mib 1000\nworker_mib 700\n");
  auto& server = start_on_gpu({});
  ASSERT_EQ(wait_done(post_async("a.png")["task_id"])["task_status"], "success");
  const json w = workers();
  EXPECT_EQ(w["workers"][0]["vram_mib"], 700.0);
  ASSERT_EQ(w["devices"].size(), 1u);
  EXPECT_EQ(w["devices"][0]["total_mib"], 16000.0);
  EXPECT_EQ(w["devices"][0]["used_mib"], 1700.0);
  auto m = server.client().Get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_NE(m->body.find("ocrserve_worker_vram_mib{slot=\"0\",gpu=\"0\""), std::string::npos);
  EXPECT_NE(m->body.find("ocrserve_device_total_mib{gpu=\"0\"} 16000"), std::string::npos)
      << m->body;
  EXPECT_NE(m->body.find("ocrserve_device_used_mib{gpu=\"0\"} 1700"), std::string::npos);
}

TEST_F(GpuMemory, NvmlGoingAwayMidRunMeansNoFiguresAndNoCrash) {
  page("a.png");
  describe_gpu("total_mib 16000\nworker_mib 700\n");
  auto& server = start_on_gpu({"--max-worker-vram-mb", "1000"});
  ASSERT_EQ(wait_done(post_async("a.png")["task_id"])["task_status"], "success");
  describe_gpu("vanished 1\n");
  ASSERT_EQ(wait_done(post_async("a.png")["task_id"])["task_status"], "success");
  EXPECT_TRUE(workers()["workers"][0]["vram_mib"].is_null());
  auto m = server.client().Get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 200);
  describe_gpu("total_mib 16000\nworker_mib 700\n");  // and back
  ASSERT_EQ(wait_done(post_async("a.png")["task_id"])["task_status"], "success");
  EXPECT_EQ(workers()["workers"][0]["vram_mib"], 700.0);
}

}  // namespace
