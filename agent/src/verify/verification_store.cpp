#include "verify/verification_store.hpp"

#include "support/atomic_file.hpp"
#include "support/logger.hpp"

#include <algorithm>
#include <ctime>

namespace nixtray::agent {

namespace fs = std::filesystem;
using protocol::json;

namespace {

// 64 records with evidence on 8 of them stay far below this.
constexpr std::size_t max_file_bytes = 8 << 20;

json to_stored_json(const StoredVerification& r) {
  return json{{"path", r.store_path},
              {"generation", r.generation},
              {"outcome", r.outcome},
              {"started", protocol::optional_to_json(r.started)},
              {"started_usec", protocol::optional_to_json(r.started_usec)},
              {"finished", protocol::optional_to_json(r.finished)},
              {"reason", protocol::optional_to_json(r.reason)},
              {"step", protocol::optional_to_json(r.step)},
              {"probation", protocol::optional_to_json(r.probation)},
              {"probation_baseline", r.probation_baseline},
              {"evidence", protocol::optional_to_json(r.evidence)},
              {"updated", r.updated}};
}

StoredVerification from_stored_json(const json& j) {
  StoredVerification r;
  protocol::read_required(j, "path", r.store_path);
  protocol::read_required(j, "generation", r.generation);
  protocol::read_required(j, "outcome", r.outcome);
  protocol::read_optional(j, "started", r.started);
  protocol::read_optional(j, "started_usec", r.started_usec);
  protocol::read_optional(j, "finished", r.finished);
  protocol::read_optional(j, "reason", r.reason);
  protocol::read_optional(j, "step", r.step);
  protocol::read_optional(j, "probation", r.probation);
  protocol::read_defaulted(j, "probation_baseline", r.probation_baseline);
  protocol::read_optional(j, "evidence", r.evidence);
  protocol::read_defaulted(j, "updated", r.updated);
  return r;
}

}  // namespace

VerificationStore::VerificationStore(const fs::path& state_dir) : file_(state_dir / "verification.json") {}

void VerificationStore::load() {
  records_.clear();
  std::error_code ec;
  if (!fs::exists(file_, ec)) return;
  try {
    const auto text = read_small_file(file_, max_file_bytes);
    if (!text) throw std::runtime_error("it cannot be read or is larger than 8 MiB");
    const auto parsed = json::parse(*text);
    for (const auto& entry : parsed.at("records")) {
      auto record = from_stored_json(entry);
      records_[record.store_path] = std::move(record);
    }
  } catch (const std::exception& e) {
    records_.clear();
    const auto aside = file_.string() + ".corrupt-" + std::to_string(std::time(nullptr));
    fs::rename(file_, aside, ec);
    log_warning("the verification records " + file_.string() + " are damaged (" + e.what() + "); moved to " + aside +
                ": every generation counts as unverified until it is checked again");
  }
}

const StoredVerification* VerificationStore::find(const std::string& store_path) const {
  const auto it = records_.find(store_path);
  return it == records_.end() ? nullptr : &it->second;
}

const StoredVerification* VerificationStore::running_probation() const {
  for (const auto& [path, record] : records_) {
    if (record.probation && record.probation->state == protocol::ProbationState::running) return &record;
  }
  return nullptr;
}

std::vector<StoredVerification> VerificationStore::started() const {
  std::vector<StoredVerification> list;
  for (const auto& [path, record] : records_) {
    if (record.outcome == protocol::VerifyOutcome::started) list.push_back(record);
  }
  return list;
}

void VerificationStore::prune() {
  std::vector<StoredVerification*> newest_first;
  for (auto& [path, record] : records_) newest_first.push_back(&record);
  std::sort(newest_first.begin(), newest_first.end(),
            [](const auto* a, const auto* b) { return a->updated > b->updated; });
  std::size_t with_evidence = 0;
  for (auto* record : newest_first) {
    if (record->evidence && ++with_evidence > max_evidence) record->evidence.reset();
  }
  for (std::size_t i = max_records; i < newest_first.size(); ++i) {
    const std::string path = newest_first[i]->store_path;  // a copy: the node goes
    records_.erase(path);
  }
}

void VerificationStore::put(StoredVerification record) {
  auto updated = records_;
  updated[record.store_path] = std::move(record);
  std::swap(records_, updated);
  prune();
  json list = json::array();
  for (const auto& [path, stored] : records_) list.push_back(to_stored_json(stored));
  try {
    write_file_atomically(file_, json{{"records", list}}.dump() + "\n", 0600);
  } catch (...) {
    std::swap(records_, updated);  // as it was: what is not on disk is not recorded
    throw;
  }
}

}  // namespace nixtray::agent
