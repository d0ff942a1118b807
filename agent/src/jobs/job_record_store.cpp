#include "jobs/job_record_store.hpp"

#include "support/atomic_file.hpp"
#include "support/logger.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>

namespace nixtray::agent {

namespace fs = std::filesystem;

std::optional<std::int64_t> job_number(const std::string& id) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
  if (ec != std::errc() || end != id.data() + id.size() || value <= 0) return std::nullopt;
  return value;
}

void to_json(protocol::json& j, const JobRecord& record) {
  j = protocol::json{{"job", record.job}, {"cancel_requested", record.cancel_requested}};
}

void from_json(const protocol::json& j, JobRecord& record) {
  protocol::read_required(j, "job", record.job);
  protocol::read_defaulted(j, "cancel_requested", record.cancel_requested);
}

JobRecordStore::JobRecordStore(fs::path state_dir) : state_dir_(std::move(state_dir)), jobs_dir_(state_dir_ / "jobs") {}

std::vector<JobRecord> JobRecordStore::load_all() {
  std::vector<JobRecord> records;
  std::error_code ec;
  fs::create_directories(jobs_dir_, ec);
  std::int64_t highest = 0;
  for (const auto& entry : fs::directory_iterator(jobs_dir_, ec)) {
    if (!entry.is_directory()) continue;
    const auto id = entry.path().filename().string();
    const auto number = job_number(id);
    if (!number) continue;
    highest = std::max(highest, *number);
    const auto files = job_files(state_dir_, id);
    const auto text = read_small_file(files.record());
    if (!text) continue;  // created but never recorded (the agent stopped in between)
    try {
      auto record = protocol::json::parse(*text).get<JobRecord>();
      if (record.job.id != id) throw std::runtime_error("the record names job " + record.job.id);
      records.push_back(std::move(record));
    } catch (const std::exception& e) {
      const auto aside = files.record().string() + ".corrupt-" + std::to_string(std::time(nullptr));
      fs::rename(files.record(), aside, ec);
      log_warning("job record " + files.record().string() + " is damaged (" + e.what() + "); moved to " + aside);
    }
  }
  if (const auto counter = read_small_file(jobs_dir_ / "next-id", 64)) {
    if (const auto value = job_number(std::string(counter->substr(0, counter->find('\n'))))) {
      next_id_ = *value;
    }
  }
  next_id_ = std::max(next_id_, highest + 1);
  std::sort(records.begin(), records.end(), [](const JobRecord& a, const JobRecord& b) {
    return job_number(a.job.id).value_or(0) < job_number(b.job.id).value_or(0);
  });
  return records;
}

std::string JobRecordStore::allocate_id() {
  const auto id = next_id_;
  write_file_atomically(jobs_dir_ / "next-id", std::to_string(id + 1) + "\n");
  next_id_ = id + 1;
  return std::to_string(id);
}

void JobRecordStore::save(const JobRecord& record) {
  write_file_atomically(files(record.job.id).record(), protocol::json(record).dump() + "\n");
}

std::vector<std::string> JobRecordStore::prune_logs(std::int64_t budget, const std::set<std::string>& keep) {
  struct Log {
    std::int64_t id;
    fs::path file;
    std::int64_t size;
  };
  std::vector<Log> logs;
  std::int64_t total = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(jobs_dir_, ec)) {
    const auto id = entry.path().filename().string();
    const auto number = job_number(id);
    const auto file = entry.path() / "log";
    std::error_code size_error;
    const auto size = static_cast<std::int64_t>(fs::file_size(file, size_error));
    if (!number || size_error) continue;
    logs.push_back({*number, file, size});
    total += size;
  }
  std::sort(logs.begin(), logs.end(), [](const Log& a, const Log& b) { return a.id < b.id; });
  std::vector<std::string> removed;
  for (const auto& log : logs) {
    if (total <= budget) break;
    if (keep.contains(std::to_string(log.id))) continue;
    fs::remove(log.file, ec);
    if (!ec) {
      total -= log.size;
      removed.push_back(std::to_string(log.id));
    }
  }
  return removed;
}

}  // namespace nixtray::agent
