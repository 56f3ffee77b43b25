#include "tasks/task_registry.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

namespace ocrserve::tasks {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string t = (fs::temp_directory_path() / "ocrserve-tasks-XXXXXX").string();
    path = ::mkdtemp(t.data());
  }
  ~TempDir() { fs::remove_all(path); }
};

std::unique_ptr<TaskRegistry> open(const fs::path& dir, RetentionPolicy r = {}) {
  auto store = TaskStore::open(dir.string());
  EXPECT_TRUE(store.ok());
  return std::make_unique<TaskRegistry>(std::move(*store), dir.string(), r);
}

Task make_task(TaskRegistry& reg, const std::string& name) {
  Task t;
  t.id = TaskRegistry::new_id();
  TaskDocument d;
  d.filename = name;
  d.input_path = reg.spool_dir(t.id) + "/0/" + name;
  t.documents.push_back(d);
  t.options.request = {{"to_formats", {"md"}}};
  return t;
}

TEST(TaskRegistry, AFailedStoreWriteChangesNothingAndIsReported) {
  TempDir dir;
  auto store = TaskStore::open(dir.path.string(), /*busy_timeout_ms=*/50);
  ASSERT_TRUE(store.ok());
  TaskRegistry reg(std::move(*store), dir.path.string(), {});
  Task t = make_task(reg, "a.png");
  ASSERT_TRUE(reg.create(t).ok());
  // Another connection holds the database's write lock: every write of the registry fails.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open((dir.path / "tasks.sqlite3").c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  const auto version = reg.get(t.id)->version;
  auto failed = reg.update(t.id, [](Task& x) { x.status = TaskStatus::kSuccess; });
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("task store"), std::string::npos);
  EXPECT_EQ(reg.get(t.id)->task.status, TaskStatus::kPending);
  EXPECT_EQ(reg.get(t.id)->version, version);
  Task second = make_task(reg, "b.png");
  EXPECT_FALSE(reg.create(second).ok());
  EXPECT_FALSE(reg.get(second.id).has_value());
  // The lock goes: writes work again, and what they stored is what a restart sees.
  ASSERT_EQ(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  ASSERT_TRUE(reg.update(t.id, [](Task& x) { x.status = TaskStatus::kSuccess; }));
  EXPECT_EQ(reg.get(t.id)->task.status, TaskStatus::kSuccess);
}

TEST(TaskRegistry, UnfetchedResultsExpire) {
  TempDir dir;
  RetentionPolicy retention;
  retention.result_ttl_s = 0.5;
  auto reg = open(dir.path, retention);
  Task done = make_task(*reg, "a.png"), waiting = make_task(*reg, "b.png");
  ASSERT_TRUE(reg->create(done).ok());
  ASSERT_TRUE(reg->create(waiting).ok());
  ASSERT_TRUE(reg->update(done.id, [](Task& x) {
    x.status = TaskStatus::kSuccess;
    x.finished_at = unix_now();
  }));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (reg->get(done.id) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_FALSE(reg->get(done.id).has_value());
  EXPECT_TRUE(reg->get(waiting.id).has_value());  // unfinished tasks never expire
}

TEST(TaskRegistry, IdsAreUuids) {
  const auto a = TaskRegistry::new_id(), b = TaskRegistry::new_id();
  EXPECT_EQ(a.size(), 36u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a[14], '4');
}

TEST(TaskRegistry, UnfinishedTasksComeBackInOrderAfterReopen) {
  TempDir dir;
  std::vector<std::string> ids;
  {
    auto reg = open(dir.path);
    ASSERT_TRUE(reg->recover().ok());
    for (int i = 0; i < 4; ++i) {
      Task t = make_task(*reg, "p" + std::to_string(i) + ".png");
      ASSERT_TRUE(reg->create(t).ok());
      ids.push_back(t.id);
    }
    ASSERT_TRUE(reg->update(ids[0], [](Task& t) { t.status = TaskStatus::kSuccess; }));
    ASSERT_TRUE(reg->update(ids[1], [](Task& t) { t.status = TaskStatus::kStarted; }));
  }
  auto reg = open(dir.path);
  auto unfinished = reg->recover();
  ASSERT_TRUE(unfinished.ok());
  ASSERT_EQ(unfinished->size(), 3u);
  EXPECT_EQ((*unfinished)[0].id, ids[1]);
  EXPECT_EQ((*unfinished)[0].status, TaskStatus::kPending);
  EXPECT_EQ((*unfinished)[0].resumed, 1);
  EXPECT_EQ((*unfinished)[2].id, ids[3]);
  ASSERT_TRUE(reg->get(ids[0]).has_value());
  EXPECT_EQ(reg->get(ids[0])->task.status, TaskStatus::kSuccess);
  Task next = make_task(*reg, "later.png");
  ASSERT_TRUE(reg->create(next).ok());
  EXPECT_GT(next.seq, (*unfinished)[2].seq);
}

TEST(TaskRegistry, WaitForChangeWakesOnUpdate) {
  TempDir dir;
  auto reg = open(dir.path);
  Task t = make_task(*reg, "a.png");
  ASSERT_TRUE(reg->create(t).ok());
  const auto seen = reg->get(t.id)->version;
  std::thread updater([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_TRUE(reg->update(t.id, [](Task& x) { x.status = TaskStatus::kStarted; }));
  });
  const auto start = std::chrono::steady_clock::now();
  auto snap = reg->wait_for_change(t.id, seen, start + std::chrono::seconds(5));
  updater.join();
  ASSERT_TRUE(snap.has_value());
  EXPECT_EQ(snap->task.status, TaskStatus::kStarted);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  // No change: returns at the deadline, not before, and not long after.
  const auto version = snap->version;
  const auto asked = std::chrono::steady_clock::now();
  snap = reg->wait_for_change(t.id, version, asked + std::chrono::milliseconds(300));
  const auto waited = std::chrono::steady_clock::now() - asked;
  ASSERT_TRUE(snap.has_value());
  EXPECT_EQ(snap->version, version);
  EXPECT_GE(waited, std::chrono::milliseconds(300));
  EXPECT_LT(waited, std::chrono::seconds(3));
}

TEST(TaskRegistry, SingleUseResultsGoAfterTheDelay) {
  TempDir dir;
  auto reg = open(dir.path, {true, 0.2});
  Task t = make_task(*reg, "a.png");
  ASSERT_TRUE(reg->create(t).ok());
  fs::create_directories(reg->result_dir(t.id));
  (void)reg->update(t.id, [](Task& x) {
    x.status = TaskStatus::kSuccess;
    x.finished_at = unix_now();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(reg->get(t.id).has_value());  // not fetched yet
  reg->mark_fetched(t.id);
  // The record goes first, its folders right after (outside the registry's lock).
  for (int i = 0; i < 40 && (reg->get(t.id) || fs::exists(reg->result_dir(t.id))); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_FALSE(reg->get(t.id).has_value());
  EXPECT_FALSE(fs::exists(reg->result_dir(t.id)));
}

TEST(TaskRegistry, ClearOlderThanRemovesOnlyFinishedTasks) {
  TempDir dir;
  auto reg = open(dir.path, {false, 0});
  Task done = make_task(*reg, "a.png"), waiting = make_task(*reg, "b.png");
  ASSERT_TRUE(reg->create(done).ok());
  ASSERT_TRUE(reg->create(waiting).ok());
  (void)reg->update(done.id, [](Task& x) {
    x.status = TaskStatus::kSuccess;
    x.finished_at = unix_now() - 100;
  });
  EXPECT_EQ(reg->clear_older_than(200), 0u);
  EXPECT_EQ(reg->clear_older_than(50), 1u);
  EXPECT_FALSE(reg->get(done.id).has_value());
  EXPECT_TRUE(reg->get(waiting.id).has_value());
  EXPECT_EQ(reg->unfinished_count(), 1u);
}

}  // namespace
}  // namespace ocrserve::tasks
