#include "cluster/redis_tasks.h"

#include <chrono>
#include <filesystem>

namespace ocrserve::cluster {

using nlohmann::json;
using tasks::Task;

namespace {

const std::string kQueue = "ocrserve:queue";
const std::string kGroup = "nodes";
const std::string kFinished = "ocrserve:finished";
const std::string kNodes = "ocrserve:nodes";

std::string task_key(const std::string& id) { return "ocrserve:task:" + id; }
std::string input_key(const std::string& id) { return "ocrserve:input:" + id; }
std::string node_key(const std::string& node) { return "ocrserve:node:" + node; }
std::string seconds(double s) { return std::to_string(std::max(1LL, (long long)(s + 0.5))); }

// Queues a task and notes its entry in the record.
const char* kQueueScript = R"lua(
local entry = redis.call('XADD', KEYS[1], '*', 'task', ARGV[1])
redis.call('HSET', KEYS[2], 'entry', entry)
return entry
)lua";

// Compare-and-set of a record: -1 gone, 0 changed meanwhile, 1 written.
const char* kUpdateScript = R"lua(
local v = redis.call('HGET', KEYS[1], 'version')
if not v then return -1 end
if v ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'record', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
)lua";

// The finished record, once: 0 when the task is gone or finished already (its results go).
const char* kFinishScript = R"lua(
local r = redis.call('HGET', KEYS[1], 'record')
if not r then redis.call('DEL', KEYS[3]) return 0 end
local t = cjson.decode(r)
if t.status == 'success' or t.status == 'failure' then
  if t.result_key ~= KEYS[3] then redis.call('DEL', KEYS[3]) end
  return 0
end
redis.call('HSET', KEYS[1], 'record', ARGV[1])
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('DEL', KEYS[2])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', ARGV[2] - ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[3], ARGV[4])
redis.call('PUBLISH', ARGV[5], ARGV[3])
return 1
)lua";

// Refreshes entries the consumer still owns; returns the ids it lost.
const char* kKeepScript = R"lua(
local lost = {}
for i = 3, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if #p == 1 and p[1][2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
  else
    table.insert(lost, ARGV[i])
  end
end
return lost
)lua";

// Counts a take-over, unless the task is gone: -1 then.
const char* kClaimScript = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
return redis.call('HINCRBY', KEYS[1], 'claims', 1)
)lua";

// Hands entries the consumer still owns to the placeholder consumer "released", idle enough
// for any node to take them at once, and takes back the claim they will cost.
const char* kReleaseScript = R"lua(
for i = 4, #ARGV, 2 do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if #p == 1 and p[1][2] == ARGV[2] then
    if redis.call('EXISTS', ARGV[i + 1]) == 1 then
      redis.call('HINCRBY', ARGV[i + 1], 'claims', -1)
    end
    redis.call('XCLAIM', KEYS[1], ARGV[1], 'released', 0, ARGV[i], 'IDLE', ARGV[3], 'JUSTID')
  end
end
-- Deleting a consumer drops its pending entries: only when it holds none.
if #redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2]) == 0 then
  redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
end
return 0
)lua";

// A task's 1-based place among the queue entries no node has taken yet; 0 when its entry was
// taken (or the task is gone).
const char* kPositionScript = R"lua(
local entry = redis.call('HGET', KEYS[1], 'entry')
if not entry then return 0 end
local last = '0-0'
for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[2])) do
  local name, delivered
  for i = 1, #g, 2 do
    if g[i] == 'name' then name = g[i + 1] end
    if g[i] == 'last-delivered-id' then delivered = g[i + 1] end
  end
  if name == ARGV[1] then last = delivered end
end
local ems, eseq = string.match(entry, '(%d+)-(%d+)')
local lms, lseq = string.match(last, '(%d+)-(%d+)')
ems, eseq, lms, lseq = tonumber(ems), tonumber(eseq), tonumber(lms), tonumber(lseq)
if ems < lms or (ems == lms and eseq <= lseq) then return 0 end
return #redis.call('XRANGE', KEYS[2], '(' .. last, entry)
)lua";

// Entries of an XREADGROUP / XAUTOCLAIM entry list: [[id, [field, value, ...]], ...].
std::vector<QueueEntry> entries_of(const Reply& list) {
  std::vector<QueueEntry> out;
  for (const auto& e : list.elements) {
    if (e.elements.size() < 2) continue;
    QueueEntry q{e.elements[0].str, ""};
    const auto& fields = e.elements[1].elements;
    for (size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (fields[i].str == "task") q.task_id = fields[i + 1].str;
    }
    out.push_back(std::move(q));
  }
  return out;
}

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string result_file_field(size_t index, const std::string& path) {
  return std::to_string(index) + "/" + std::filesystem::path(path).filename().string();
}

RedisTasks::RedisTasks(RedisClient& client, RedisRetention retention)
    : client_(client), retention_(retention) {}

Result<void> RedisTasks::ensure_queue() {
  auto r = client_.command({"XGROUP", "CREATE", kQueue, kGroup, "0", "MKSTREAM"});
  if (!r && r.error().message.find("BUSYGROUP") == std::string::npos) return r.error();
  return {};
}

Result<void> RedisTasks::submit(Task& task, const std::vector<std::string>& inputs) {
  auto seq = client_.command({"INCR", "ocrserve:seq"});
  if (!seq) return seq.error();
  task.seq = seq->integer;
  task.created_at = tasks::unix_now();
  const std::string key = task_key(task.id);
  std::vector<std::string> hset{"HSET", input_key(task.id)};
  for (size_t i = 0; i < inputs.size(); ++i) {
    hset.push_back(std::to_string(i));
    hset.push_back(inputs[i]);
  }
  const std::string ttl = seconds(retention_.unfinished_ttl_s);
  auto replies = client_.pipeline({
      {"MULTI"},
      hset,
      {"EXPIRE", input_key(task.id), ttl},
      {"HSET", key, "record", tasks::to_json(task).dump(), "version", "1", "claims", "0"},
      {"EXPIRE", key, ttl},
      {"EVAL", kQueueScript, "2", kQueue, key, task.id},
      {"EXEC"},
  });
  if (!replies) return replies.error();
  if (replies->back().is_nil()) return make_error("redis: the transaction was aborted");
  return {};
}

Result<std::optional<tasks::TaskSnapshot>> RedisTasks::get(const std::string& id) {
  auto r = client_.command({"HMGET", task_key(id), "record", "version"});
  if (!r) return r.error();
  if (r->elements.size() != 2 || r->elements[0].is_nil()) {
    return std::optional<tasks::TaskSnapshot>();
  }
  json record = json::parse(r->elements[0].str, nullptr, false);
  if (record.is_discarded()) return make_error("the record of task " + id + " is malformed");
  try {
    return std::optional<tasks::TaskSnapshot>(
        tasks::TaskSnapshot{tasks::task_from_json(record),
                            static_cast<unsigned long long>(r->elements[1].as_integer(0))});
  } catch (const json::exception& e) {
    return make_error("the record of task " + id + " is malformed: " + e.what());
  }
}

Result<bool> RedisTasks::update(const std::string& id, const std::function<void(Task&)>& change) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    auto snap = get(id);
    if (!snap) return snap.error();
    if (!*snap) return false;
    Task t = (*snap)->task;
    change(t);
    auto r =
        client_.command({"EVAL", kUpdateScript, "1", task_key(id), std::to_string((*snap)->version),
                         tasks::to_json(t).dump(), kEventsChannel, id});
    if (!r) return r.error();
    if (r->integer == 1) return true;
    if (r->integer == -1) return false;
  }
  return make_error("task " + id + " kept changing; the update was not made");
}

Result<void> RedisTasks::remove(const std::string& id) {
  auto entry = client_.command({"HMGET", task_key(id), "entry", "record"});
  if (!entry) return entry.error();
  std::vector<std::vector<std::string>> commands{
      {"MULTI"}, {"DEL", task_key(id), input_key(id)}, {"ZREM", kFinished, id}};
  if (entry->elements.size() == 2 && !entry->elements[0].is_nil()) {
    commands.push_back({"XACK", kQueue, kGroup, entry->elements[0].str});
    commands.push_back({"XDEL", kQueue, entry->elements[0].str});
  }
  if (entry->elements.size() == 2 && !entry->elements[1].is_nil()) {
    json record = json::parse(entry->elements[1].str, nullptr, false);
    if (record.is_object() && record.value("result_key", "") != "") {
      commands.push_back({"DEL", record.value("result_key", "")});
    }
  }
  commands.push_back({"PUBLISH", kEventsChannel, id});
  commands.push_back({"EXEC"});
  auto r = client_.pipeline(commands);
  if (!r) return r.error();
  return {};
}

Result<void> RedisTasks::expire_after_fetch(const Task& task) {
  if (!retention_.single_use_results) return {};
  const std::string ttl = seconds(retention_.result_removal_delay_s);
  std::vector<std::vector<std::string>> commands{{"EXPIRE", task_key(task.id), ttl}};
  if (!task.result_key.empty()) commands.push_back({"EXPIRE", task.result_key, ttl});
  auto r = client_.pipeline(commands);
  if (!r) return r.error();
  return {};
}

Result<std::map<std::string, std::string>> RedisTasks::result_files(const std::string& key) {
  auto r = client_.command({"HGETALL", key});
  if (!r) return r.error();
  std::map<std::string, std::string> files;
  for (size_t i = 0; i + 1 < r->elements.size(); i += 2) {
    files[r->elements[i].str] = std::move(r->elements[i + 1].str);
  }
  return files;
}

Result<std::vector<std::string>> RedisTasks::finished_before(double unix_time) {
  auto r = client_.command({"ZRANGEBYSCORE", kFinished, "-inf", std::to_string(unix_time)});
  if (!r) return r.error();
  std::vector<std::string> ids;
  for (const auto& e : r->elements) ids.push_back(e.str);
  return ids;
}

Result<std::pair<long long, long long>> RedisTasks::queue_counts() {
  auto r = client_.pipeline({{"XLEN", kQueue}, {"XPENDING", kQueue, kGroup}});
  if (!r) {
    if (r.error().message.find("NOGROUP") != std::string::npos) return std::pair{0LL, 0LL};
    return r.error();
  }
  const long long pending = (*r)[1].elements.empty() ? 0 : (*r)[1].elements[0].integer;
  return std::pair{(*r)[0].integer, pending};
}

Result<size_t> RedisTasks::position(const std::string& id) {
  auto r = client_.command({"EVAL", kPositionScript, "2", task_key(id), kQueue, kGroup});
  if (!r) return r.error();
  return size_t(std::max(0LL, r->integer));
}

Result<std::vector<QueueEntry>> RedisTasks::read_new(const std::string& consumer, int count,
                                                     int block_ms) {
  auto r = client_.command({"XREADGROUP", "GROUP", kGroup, consumer, "COUNT", std::to_string(count),
                            "BLOCK", std::to_string(block_ms), "STREAMS", kQueue, ">"});
  if (!r) {
    if (r.error().message.find("NOGROUP") != std::string::npos) (void)ensure_queue();
    return r.error();
  }
  if (r->is_nil() || r->elements.empty() || r->elements[0].elements.size() < 2) {
    return std::vector<QueueEntry>{};
  }
  return entries_of(r->elements[0].elements[1]);
}

Result<std::vector<QueueEntry>> RedisTasks::claim_stale(const std::string& consumer,
                                                        long long idle_ms, int count) {
  // XAUTOCLAIM looks at COUNT*10 pending entries per call: follow its cursor through the whole
  // list, so that entries held by live nodes do not hide a dead node's.
  std::vector<QueueEntry> claimed;
  std::string cursor = "0-0";
  for (int round = 0; round < 100 && int(claimed.size()) < count; ++round) {
    auto r = client_.command({"XAUTOCLAIM", kQueue, kGroup, consumer, std::to_string(idle_ms),
                              cursor, "COUNT", std::to_string(count - int(claimed.size()))});
    if (!r) return r.error();
    if (r->elements.size() < 2) break;
    for (auto& e : entries_of(r->elements[1])) claimed.push_back(std::move(e));
    cursor = r->elements[0].str;
    if (cursor == "0-0") break;
  }
  return claimed;
}

Result<std::vector<std::string>> RedisTasks::keep_owned(const std::string& consumer,
                                                        const std::vector<std::string>& ids) {
  if (ids.empty()) return std::vector<std::string>{};
  std::vector<std::string> args{"EVAL", kKeepScript, "1", kQueue, kGroup, consumer};
  args.insert(args.end(), ids.begin(), ids.end());
  auto r = client_.command(args);
  if (!r) return r.error();
  std::vector<std::string> lost;
  for (const auto& e : r->elements) lost.push_back(e.str);
  return lost;
}

Result<void> RedisTasks::release(const std::string& consumer,
                                 const std::vector<QueueEntry>& entries, long long idle_ms) {
  std::vector<std::string> args{"EVAL",   kReleaseScript,         "1", kQueue, kGroup,
                                consumer, std::to_string(idle_ms)};
  for (const auto& e : entries) {
    args.push_back(e.entry_id);
    args.push_back(task_key(e.task_id));
  }
  auto r = client_.command(args);
  if (!r) return r.error();
  return {};
}

Result<long long> RedisTasks::add_claim(const std::string& id) {
  auto r = client_.command({"EVAL", kClaimScript, "1", task_key(id)});
  if (!r) return r.error();
  return r->integer;
}

Result<std::vector<std::string>> RedisTasks::inputs(const std::string& id, size_t count) {
  std::vector<std::string> args{"HMGET", input_key(id)};
  for (size_t i = 0; i < count; ++i) args.push_back(std::to_string(i));
  auto r = client_.command(args);
  if (!r) return r.error();
  std::vector<std::string> out;
  for (const auto& e : r->elements) {
    if (e.is_nil()) return make_error("the inputs of task " + id + " are gone from Redis");
    out.push_back(e.str);
  }
  return out;
}

Result<bool> RedisTasks::finish(const Task& task, const std::map<std::string, std::string>& files,
                                const std::string& node) {
  const std::string key = "ocrserve:result:" + task.id + ":" + node;
  Task record = task;
  record.result_key = key;
  const std::string ttl = seconds(retention_.finished_ttl_s);
  // One transaction: a reader never sees the result key half written.
  std::vector<std::vector<std::string>> commands{{"MULTI"}, {"DEL", key}};
  if (!files.empty()) {
    std::vector<std::string> hset{"HSET", key};
    for (const auto& [name, bytes] : files) {
      hset.push_back(name);
      hset.push_back(bytes);
    }
    commands.push_back(std::move(hset));
    commands.push_back({"EXPIRE", key, ttl});
  }
  commands.push_back({"EVAL", kFinishScript, "4", task_key(task.id), input_key(task.id), key,
                      kFinished, tasks::to_json(record).dump(), std::to_string(record.finished_at),
                      task.id, ttl, kEventsChannel});
  commands.push_back({"EXEC"});
  auto r = client_.pipeline(commands);
  if (!r) return r.error();
  const Reply& exec = r->back();
  if (exec.elements.empty()) return make_error("redis: the transaction was aborted");
  return exec.elements.back().integer == 1;
}

Result<void> RedisTasks::ack(const std::string& entry_id) {
  auto r = client_.pipeline({{"XACK", kQueue, kGroup, entry_id}, {"XDEL", kQueue, entry_id}});
  if (!r) return r.error();
  return {};
}

Result<void> RedisTasks::heartbeat(const std::string& node, const json& state, double ttl_s) {
  auto r = client_.pipeline(
      {{"SET", node_key(node), state.dump(), "PX", std::to_string((long long)(ttl_s * 1000))},
       {"ZADD", kNodes, std::to_string(now_ms()), node}});
  if (!r) return r.error();
  return {};
}

Result<std::vector<json>> RedisTasks::nodes() {
  // A node is there while its heartbeat key lives (its TTL is the node's own setting), whatever
  // the clocks of the machines say.
  auto names = client_.command({"ZRANGE", kNodes, "0", "-1"});
  if (!names) return names.error();
  (void)client_.command(
      {"ZREMRANGEBYSCORE", kNodes, "-inf", std::to_string(now_ms() - 24LL * 3600 * 1000)});
  std::vector<json> out;
  if (names->elements.empty()) return out;
  std::vector<std::string> args{"MGET"};
  for (const auto& n : names->elements) args.push_back(node_key(n.str));
  auto states = client_.command(args);
  if (!states) return states.error();
  for (const auto& state : states->elements) {
    if (state.is_nil()) continue;
    json j = json::parse(state.str, nullptr, false);
    if (j.is_object()) out.push_back(std::move(j));
  }
  return out;
}

}  // namespace ocrserve::cluster

namespace ocrserve::cluster {

Result<void> RedisTasks::request_release() {
  auto r = client_.command({"INCR", "ocrserve:release"});
  if (!r) return r.error();
  return {};
}

Result<long long> RedisTasks::release_requests() {
  auto r = client_.command({"GET", "ocrserve:release"});
  if (!r) return r.error();
  return r->as_integer(0);
}

}  // namespace ocrserve::cluster
