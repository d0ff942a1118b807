// The boot checks recorded with verify.record, kept in the state directory (verification.json)
// by store path: a generation is verified when its system is, whatever number it has now (Nix
// reuses numbers, and a rollback or a second `nix-env --set` gives one system several numbers).
// Bounded: the newest `max_records` systems, evidence on the newest `max_evidence` failures.
#pragma once

#include "nixtray/protocol/verification.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::agent {

struct StoredVerification {
  std::string store_path;
  int generation = 0;  // its number when last recorded
  protocol::VerifyOutcome outcome = protocol::VerifyOutcome::unknown;
  std::optional<std::int64_t> started;
  // The same in microseconds: where the failed boot's journal is looked for begins right after it
  // (a second's precision would take in a boot that began in the same second, before the check).
  std::optional<std::int64_t> started_usec;
  std::optional<std::int64_t> finished;
  std::optional<std::string> reason;
  std::optional<std::string> step;
  std::optional<protocol::Probation> probation;
  // Units already failed when the probation began (the pass accepted them); not on the wire.
  std::vector<std::string> probation_baseline;
  std::optional<protocol::BootEvidence> evidence;
  std::int64_t updated = 0;
};

class VerificationStore {
 public:
  static constexpr std::size_t max_records = 64;
  static constexpr std::size_t max_evidence = 8;

  explicit VerificationStore(const std::filesystem::path& state_dir);

  // Reads the file; a damaged one is moved aside (and logged), so nothing is overwritten unseen.
  void load();
  [[nodiscard]] const StoredVerification* find(const std::string& store_path) const;
  // The record whose probation is running, if any.
  [[nodiscard]] const StoredVerification* running_probation() const;
  // The records of checks that started and have not ended.
  [[nodiscard]] std::vector<StoredVerification> started() const;
  // Replaces the record of its store path and writes the file (atomic, fsync'd). Throws
  // std::runtime_error naming the file when it cannot be written; the record is then not kept.
  void put(StoredVerification record);

 private:
  void prune();
  std::filesystem::path file_;
  std::map<std::string, StoredVerification, std::less<>> records_;
};

}  // namespace nixtray::agent
