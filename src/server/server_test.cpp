// Black-box tests of `ocrserve serve` (see serve_fixture.h).
#include "server/serve_fixture.h"
#include "testkit/structure_pdfs.h"

using namespace ocrserve::server_testing;

namespace {

TEST_F(Serve, OpenWebUiRequestGetsTheWordsInMarkdown) {
  const auto words = page("scan.png");
  auto& server = start({"--enable-ui"});
  auto root = server.client().Get("/");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->status, 307);
  EXPECT_EQ(root->get_header_value("Location"), "/ui");
  auto ui = server.client().Get("/ui");
  ASSERT_TRUE(ui);
  EXPECT_EQ(ui->status, 200);
  EXPECT_NE(ui->body.find("/ui/app.js"), std::string::npos);
  auto js = server.client().Get("/ui/app.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->status, 200);
  EXPECT_NE(js->body.find("v1/convert/file"), std::string::npos);
  auto workers = server.client().Get("/v1/workers");
  ASSERT_TRUE(workers);
  EXPECT_EQ(workers->status, 200);
  EXPECT_TRUE(nlohmann::json::parse(workers->body).contains("workers"));
  auto r = server.client().Post("/v1/convert/file",
                                upload("scan.png", {{"to_formats", "md"},
                                                    {"image_export_mode", "placeholder"},
                                                    {"table_mode", "accurate"},
                                                    {"do_ocr", "true"},
                                                    {"force_ocr", "false"},
                                                    {"ocr_engine", "tesseract"},
                                                    {"ocr_lang", "eng"},
                                                    {"pdf_backend", "dlparse_v4"}}));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json body = json::parse(r->body);
  EXPECT_EQ(body["status"], "success");
  EXPECT_EQ(body["document"]["filename"], "scan.png");
  EXPECT_GE(found_share(words, body["document"]["md_content"].get<std::string>()), 0.7)
      << body["document"]["md_content"];
  EXPECT_TRUE(body["document"]["json_content"].is_null());
  EXPECT_TRUE(body["errors"].empty());
  EXPECT_TRUE(body["processing_time"].is_number());
  // The log says where the conversion ran.
  EXPECT_NE(slurp(dir_ / "server.log").find("event=device device=cpu requested=cpu"),
            std::string::npos);
  // The server process itself never loads ONNX Runtime.
  EXPECT_EQ(slurp("/proc/" + std::to_string(server.pid()) + "/maps").find("onnxruntime"),
            std::string::npos);
}

TEST_F(Serve, MultiPageTiffGetsEveryPage) {
  std::vector<std::vector<std::string>> words;
  const std::string path = (dir_ / "pages.tif").string();
  for (uint32_t seed : {11u, 12u}) {
    words.push_back(ocrserve::testkit::sample_words(seed, 8));
    ocrserve::testkit::PageSpec spec;
    spec.width_px = 700;
    spec.height_px = 160;
    spec.font_pt = 14;
    spec.margin_in = 0.2;
    const auto page = ocrserve::testkit::render_text_page(spec, words.back());
    PIX* pix = pixCreate(page.width, page.height, 32);
    for (int y = 0; y < page.height; ++y) {
      for (int x = 0; x < page.width; ++x) {
        const uint8_t* p = &page.rgb[size_t(y * page.width + x) * 3];
        pixSetRGBPixel(pix, x, y, p[0], p[1], p[2]);
      }
    }
    ASSERT_EQ(pixWriteTiff(path.c_str(), pix, IFF_TIFF_ZIP, seed == 11u ? "w" : "a"), 0);
    pixDestroy(&pix);
  }
  auto& server = start();
  auto r = server.client().Post(
      "/v1/convert/file",
      httplib::MultipartFormDataItems{{"files", slurp(path), "pages.tif", "image/tiff"}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const std::string md = json::parse(r->body)["document"]["md_content"];
  EXPECT_GE(found_share(words[0], md), 0.7) << md;
  EXPECT_GE(found_share(words[1], md), 0.7) << md;
}

TEST_F(Serve, PdfTextLayerWithPageRange) {
  ocrserve::testkit::PdfPageSpec spec;
  spec.title = "Harbour Survey";
  spec.paragraphs =
      ocrserve::testkit::split_paragraphs(ocrserve::testkit::sample_words(5, 120), 40);
  std::vector<ocrserve::testkit::PdfPageTruth> truth;
  const std::string pdf = ocrserve::testkit::render_pdf({spec, spec}, &truth);
  auto& server = start();
  httplib::MultipartFormDataItems items{{"files", pdf, "survey.pdf", "application/pdf"},
                                        {"page_range", "2", "", ""},
                                        {"page_range", "2", "", ""},
                                        {"to_formats", "md", "", ""},
                                        {"to_formats", "json", "", ""}};
  auto r = server.client().Post("/v1/convert/file", items);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json doc = json::parse(r->body)["document"];
  EXPECT_EQ(
      doc["md_content"].get<std::string>().rfind("# Harbour Survey\n\n" + truth[1].blocks[0], 0),
      0u)
      << doc["md_content"];
  EXPECT_EQ(doc["json_content"]["pages"].size(), 1u);
  EXPECT_TRUE(doc["json_content"]["pages"].contains("2"));
}

TEST_F(Serve, EveryFormatSourcesAndZip) {
  const auto words = page("a.png", 1);
  page("b.png", 2);
  // An http source served locally (the server is told it may reach private addresses).
  httplib::Server files;
  const std::string png = bytes("b.png");
  files.Get("/docs/b.png", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(png, "image/png");
  });
  const int files_port = files.bind_to_any_port("127.0.0.1");
  std::thread files_thread([&] { files.listen_after_bind(); });
  struct StopFiles {
    httplib::Server& server;
    std::thread& thread;
    ~StopFiles() {
      server.stop();
      thread.join();
    }
  } stop_files{files, files_thread};
  auto& server = start({"--allow-private-sources"});
  auto c = server.client();

  auto r = c.Post("/v1/convert/file", upload("a.png", {{"to_formats", "md"},
                                                       {"to_formats", "json"},
                                                       {"to_formats", "html"},
                                                       {"to_formats", "text"}}));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json doc = json::parse(r->body)["document"];
  EXPECT_GE(found_share(words, doc["text_content"].get<std::string>()), 0.7);
  EXPECT_EQ(doc["json_content"]["schema_name"], "DoclingDocument");
  EXPECT_EQ(doc["html_content"].get<std::string>().rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_FALSE(doc["md_content"].get<std::string>().empty());

  // Two files -> a zip.
  httplib::MultipartFormDataItems two = upload("a.png");
  two.push_back({"files", bytes("b.png"), "b.png", "image/png"});
  r = c.Post("/v1/convert/file", two);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/zip");
  EXPECT_NE(r->get_header_value("Content-Disposition").find("converted_docs.zip"),
            std::string::npos);
  EXPECT_EQ(r->body.rfind("PK\x03\x04", 0), 0u);
  EXPECT_NE(r->body.find("a.md"), std::string::npos);
  EXPECT_NE(r->body.find("b.md"), std::string::npos);

  // /v1/convert/source: a base64 file and an http URL (older field names too) -> zip.
  const std::string b64 = base64(bytes("a.png"));
  json source{{"options", {{"to_formats", {"md"}}}},
              {"file_sources", {{{"base64_string", b64}, {"filename", "a.png"}}}},
              {"http_sources",
               {{{"url", "http://127.0.0.1:" + std::to_string(files_port) + "/docs/b.png"}}}}};
  r = c.Post("/v1/convert/source", source.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/zip");
  // One source in the body.
  json one{{"sources", {{{"kind", "file"}, {"base64_string", b64}, {"filename", "a.png"}}}}};
  r = c.Post("/v1/convert/source", one.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_GE(found_share(words, json::parse(r->body)["document"]["md_content"]), 0.7);
}

TEST_F(Serve, ReferencedPicturesComeAsFilesInTheZip) {
  const auto doc = ocrserve::testkit::structure_pdf("picture-caption");
  auto& server = start();
  httplib::MultipartFormDataItems items{{"files", doc.pdf, "report.pdf", "application/pdf"},
                                        {"to_formats", "md", "", ""},
                                        {"to_formats", "json", "", ""},
                                        {"image_export_mode", "referenced", "", ""}};
  auto r = server.client().Post("/v1/convert/file", items);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  // One document, but its pictures are files: the answer is a zip with them beside the md.
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/zip");
  EXPECT_NE(r->body.find("report.md"), std::string::npos);
  EXPECT_NE(r->body.find("report_artifacts/image_000001.png"), std::string::npos);
  EXPECT_NE(r->body.find("report.json"), std::string::npos);
}

TEST_F(Serve, AsyncPollResultAndSingleUseDeletion) {
  const auto words = page("a.png");
  auto& server = start({"--result-removal-delay", "1"});
  auto c = server.client();
  const json submitted = post_async("a.png");
  EXPECT_EQ(submitted["task_type"], "convert");
  EXPECT_TRUE(submitted["task_status"] == "pending" || submitted["task_status"] == "started");
  const std::string id = submitted["task_id"];
  const json status = wait_done(id);
  EXPECT_EQ(status["task_status"], "success");
  EXPECT_EQ(status["task_meta"]["num_docs"], 1);
  EXPECT_EQ(status["task_meta"]["num_succeeded"], 1);
  auto r = c.Get("/v1/result/" + id);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_GE(found_share(words, json::parse(r->body)["document"]["md_content"]), 0.7);
  // Still there right after the first fetch, gone after the delay.
  r = c.Get("/v1/result/" + id);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  std::this_thread::sleep_for(2500ms);
  r = c.Get("/v1/result/" + id);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(json::parse(r->body)["detail"], "Task not found.");

  for (const char* path : {"/health", "/livez", "/ready", "/readyz", "/version", "/openapi.json",
                           "/docs", "/v1/clear/converters", "/v1/clear/results?older_then=0"}) {
    r = c.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
  }
  r = c.Get("/ui");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);  // without --enable-ui
  r = c.Get("/metrics");
  ASSERT_TRUE(r);
  for (const char* metric : {"ocrserve_tasks{status=\"pending\"}", "ocrserve_queue_depth",
                             "ocrserve_task_latency_seconds_bucket", "ocrserve_workers{state=",
                             "ocrserve_worker_starts_total 1", "ocrserve_tasks_accepted_total "}) {
    EXPECT_NE(r->body.find(metric), std::string::npos) << metric << "\n" << r->body;
  }
  // The delivered results are gone, but the counters still count them.
  EXPECT_NE(r->body.find("ocrserve_tasks_finished_total{status=\"success\"} "), std::string::npos);
  EXPECT_EQ(r->body.find("ocrserve_tasks_finished_total{status=\"success\"} 0"), std::string::npos)
      << r->body;
}

TEST_F(Serve, BadRequestsGetTheirStatusAndMessage) {
  page("a.png");
  std::ofstream(dir_ / "empty.png").close();
  auto& server =
      start({"--max-request-size", "200000", "--api-key", "s3cret", "--queue-max-size", "1"});
  auto c = server.client();
  const httplib::Headers key{{"X-Api-Key", "s3cret"}};
  auto detail = [](const httplib::Result& r) { return json::parse(r->body)["detail"]; };

  auto r = c.Post("/v1/convert/file", upload("a.png"));  // no key
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  r = c.Post("/v1/convert/file", {{"X-Api-Key", "wrong"}}, upload("a.png"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(c.Get("/health")->status, 200);  // open

  r = c.Post("/v1/convert/file", key,
             httplib::MultipartFormDataItems{{"to_formats", "md", "", ""}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(detail(r)[0]["loc"], json({"body", "files"}));
  EXPECT_EQ(detail(r)[0]["msg"], "Field required");

  r = c.Post("/v1/convert/file", key,
             httplib::MultipartFormDataItems{{"files", "", "empty.png", "image/png"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(detail(r).get<std::string>().find("empty"), std::string::npos);

  r = c.Post("/v1/convert/file", key, upload("a.png", {{"ocr_engine", "paddle"}}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(detail(r)[0]["loc"], json({"body", "ocr_engine"}));

  r = c.Post("/v1/convert/file", key, upload("a.png", {{"do_ocr", "maybe"}, {"page_range", "x"}}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  r = c.Post("/v1/convert/source", key, R"({"options":{"to_formats":"md","images_scale":"big"},
      "sources":[{"kind":"file","base64_string":"aGVsbG8=","filename":"x.png"}]})",
             "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(detail(r).size(), 2u) << r->body;

  r = c.Get("/v1/status/poll/not-a-task", key);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(detail(r), "Task not found.");
  r = c.Get("/v1/result/not-a-task", key);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);

  // 413 from the Content-Length, before the body is read.
  r = c.Post(
      "/v1/convert/file", key,
      httplib::MultipartFormDataItems{{"files", std::string(400000, 'x'), "big.png", "image/png"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);

  // A private address as http source.
  r = c.Post("/v1/convert/source", key,
             R"({"sources":[{"kind":"http","url":"http://127.0.0.1:1/x.pdf"}]})",
             "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(detail(r).get<std::string>().find("refused"), std::string::npos) << r->body;
  r = c.Post("/v1/convert/source", key,
             R"({"sources":[{"kind":"http","url":"http://169.254.169.254/latest/meta-data"}]})",
             "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);

  // Too many sources.
  httplib::MultipartFormDataItems four;
  for (int i = 0; i < 4; ++i) four.push_back({"files", "x", "f.png", "image/png"});
  r = c.Post("/v1/convert/file", key, four);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);

  // A full queue: 503 with Retry-After.
  httplib::MultipartFormDataItems hang{{"files", bytes("a.png"), "hang-worker.png", "image/png"}};
  r = c.Post("/v1/convert/file/async", key, hang);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  r = c.Post("/v1/convert/file/async", key, upload("a.png"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_FALSE(r->get_header_value("Retry-After").empty());

  // Unharmed.
  r = c.Get("/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(Serve, KilledServerResumesQueuedTasksAfterRestart) {
  page("a.png");
  std::vector<std::string> ids;
  {
    auto& server = start();
    for (int i = 0; i < 5; ++i) ids.push_back(post_async("a.png")["task_id"]);
    server.kill9();
  }
  // Its worker notices the lost pipe and exits; restart on the same data dir.
  start();
  for (const auto& id : ids) EXPECT_EQ(wait_done(id, 90)["task_status"], "success") << id;
  auto r = server_->client().Get("/v1/result/" + ids[4]);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(Serve, WorkerLifecycleThroughTheApi) {
  page("a.png");
  fs::copy_file(dir_ / "a.png", dir_ / "slow-worker.png");
  fs::copy_file(dir_ / "a.png", dir_ / "hang-worker.png");
  auto& server = start({"--free-vram-on-idle", "--idle-timeout", "2", "--task-timeout", "6",
                        "--max-sync-wait", "3"});
  auto c = server.client();
  for (int i = 0; i < 2; ++i) {
    auto r = c.Post("/v1/convert/file", upload("a.png"));
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
  }
  EXPECT_FALSE(children_of(server.pid()).empty());
  std::this_thread::sleep_for(3500ms);
  EXPECT_TRUE(children_of(server.pid()).empty()) << "a worker is still running after idle";

  // kill -9 of the worker mid-task: the task is retried on a fresh worker and succeeds.
  const std::string slow = post_async("slow-worker.png")["task_id"];
  std::vector<pid_t> kids;
  for (int i = 0; i < 100 && kids.empty(); ++i) {
    std::this_thread::sleep_for(50ms);
    kids = children_of(server.pid());
  }
  ASSERT_EQ(kids.size(), 1u);
  std::this_thread::sleep_for(1000ms);  // inside the 2 s sleep of slow-worker
  ::kill(kids[0], SIGKILL);
  EXPECT_EQ(wait_done(slow)["task_status"], "success");

  // A task over --task-timeout fails with the reason; the next one is fine.
  const std::string hang = post_async("hang-worker.png")["task_id"];
  const json failed = wait_done(hang);
  EXPECT_EQ(failed["task_status"], "failure");
  EXPECT_NE(failed["error_message"].get<std::string>().find("timed out"), std::string::npos)
      << failed.dump();
  auto r = c.Get("/v1/result/" + hang);
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body)["status"], "failure");

  // A sync request over MAX_SYNC_WAIT: 504, and the task's worker is killed.
  r = c.Post("/v1/convert/file", upload("hang-worker.png"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 504);
  std::string metrics;
  for (int i = 0; i < 100; ++i) {  // the kill waits for the stop grace
    auto m = c.Get("/metrics");
    ASSERT_TRUE(m);
    metrics = m->body;
    if (metrics.find("ocrserve_worker_exits_total{reason=\"cancelled\"} 1") != std::string::npos)
      break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_NE(metrics.find("ocrserve_worker_exits_total{reason=\"cancelled\"} 1"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("ocrserve_worker_exits_total{reason=\"timeout\"} 1"), std::string::npos);

  r = c.Post("/v1/convert/file", upload("a.png"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
}

}  // namespace
