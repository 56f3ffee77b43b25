#include "tasks/task_store.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <filesystem>
#include <mutex>

namespace ocrserve::tasks {

namespace {

struct DbClose {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StmtFinalize {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using DbPtr = std::unique_ptr<sqlite3, DbClose>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

}  // namespace

struct TaskStore::Impl {
  std::mutex mutex;
  DbPtr db;  // guarded by mutex

  Error error(const std::string& what) const {
    return make_error("task store: " + what + ": " + sqlite3_errmsg(db.get()));
  }

  Result<void> exec(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db.get(), sql, nullptr, nullptr, &message) != SQLITE_OK) {
      std::string m = message ? message : "unknown error";
      sqlite3_free(message);
      return make_error("task store: " + m);
    }
    return {};
  }

  Result<StmtPtr> prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db.get(), sql, -1, &s, nullptr) != SQLITE_OK) return error("prepare");
    return StmtPtr(s);
  }
};

TaskStore::TaskStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TaskStore::~TaskStore() = default;

Result<std::unique_ptr<TaskStore>> TaskStore::open(const std::string& data_dir,
                                                   int busy_timeout_ms) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return make_error("cannot create data directory " + data_dir + ": " + ec.message());
  const std::string path = (std::filesystem::path(data_dir) / "tasks.sqlite3").string();
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  auto impl = std::make_unique<Impl>();
  impl->db.reset(raw);
  if (rc != SQLITE_OK) return impl->error("cannot open " + path);
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                          "CREATE TABLE IF NOT EXISTS tasks(id TEXT PRIMARY KEY, seq INTEGER NOT "
                          "NULL, status TEXT NOT NULL, record TEXT NOT NULL)",
                          "CREATE INDEX IF NOT EXISTS tasks_seq ON tasks(seq)"}) {
    if (auto ok = impl->exec(sql); !ok) return ok.error();
  }
  return std::unique_ptr<TaskStore>(new TaskStore(std::move(impl)));
}

Result<void> TaskStore::put(const Task& task) {
  std::lock_guard lock(impl_->mutex);
  auto stmt =
      impl_->prepare("INSERT OR REPLACE INTO tasks(id, seq, status, record) VALUES(?,?,?,?)");
  if (!stmt) return stmt.error();
  const std::string record = to_json(task).dump();
  sqlite3_stmt* s = stmt->get();
  sqlite3_bind_text(s, 1, task.id.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(s, 2, task.seq);
  sqlite3_bind_text(s, 3, status_name(task.status), -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 4, record.c_str(), int(record.size()), SQLITE_TRANSIENT);
  if (sqlite3_step(s) != SQLITE_DONE) return impl_->error("write task " + task.id);
  return {};
}

Result<void> TaskStore::remove(const std::string& id) {
  std::lock_guard lock(impl_->mutex);
  auto stmt = impl_->prepare("DELETE FROM tasks WHERE id = ?");
  if (!stmt) return stmt.error();
  sqlite3_bind_text(stmt->get(), 1, id.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(stmt->get()) != SQLITE_DONE) return impl_->error("delete task " + id);
  return {};
}

Result<std::vector<Task>> TaskStore::load_all() {
  std::lock_guard lock(impl_->mutex);
  auto stmt = impl_->prepare("SELECT id, record FROM tasks ORDER BY seq");
  if (!stmt) return stmt.error();
  std::vector<Task> tasks;
  for (;;) {
    const int rc = sqlite3_step(stmt->get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return impl_->error("read tasks");
    const auto* id = reinterpret_cast<const char*>(sqlite3_column_text(stmt->get(), 0));
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt->get(), 1));
    try {
      tasks.push_back(task_from_json(nlohmann::json::parse(text ? text : "")));
    } catch (const std::exception& e) {
      spdlog::error("task store: skipping malformed task {}: {}", id ? id : "?", e.what());
    }
  }
  return tasks;
}

}  // namespace ocrserve::tasks
