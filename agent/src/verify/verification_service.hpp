// The agent as the source of truth for boot checks: what clients record with verify.record (kept
// by store path in VerificationStore), the state of the default generation for `status`, the
// probation after a pass (watched through systemd's failed units and the generation links; at its
// end the generation is recorded known-good by number and store path), and the evidence of a
// failed boot, read from the journal when the failure is recorded.
#pragma once

#include "nixtray/net/asio.hpp"
#include "nixtray/protocol/verification.hpp"
#include "state/generation_store.hpp"
#include "state/known_good_store.hpp"
#include "verify/boot_evidence.hpp"
#include "verify/verification_store.hpp"

#include <boost/asio/system_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::agent {

class VerificationService {
 public:
  using EvidenceCollector = std::function<net::asio::awaitable<protocol::BootEvidence>(BootWindow, std::int64_t)>;
  struct Hooks {
    std::function<void()> changed;              // what status shows may have changed: publish it
    std::function<void()> known_good_changed;   // a generation became known-good: re-read generations
    std::function<void()> refresh_generations;  // re-reads the profile now (a generation just added)
    EvidenceCollector collect_evidence;         // reads a failed boot's journal (off the event loop)
  };

  // `verify_timeout`: how long a started check may go without a verdict (unfinished_check.hpp).
  VerificationService(net::asio::io_context& io, const std::filesystem::path& state_dir, std::chrono::seconds probation,
                      std::chrono::seconds verify_timeout, GenerationStore& generations, KnownGoodStore& known_good,
                      Hooks hooks);
  ~VerificationService();
  VerificationService(const VerificationService&) = delete;
  VerificationService& operator=(const VerificationService&) = delete;

  // Reads the records, resumes a probation that was running when the agent stopped, and closes
  // the checks that started and can no longer be running.
  void start();

  [[nodiscard]] protocol::Verification default_verification() const;
  // verify.get: -32003 when there is no such generation (or no default one).
  [[nodiscard]] protocol::VerificationRecord get(std::optional<int> generation);
  // verify.record; `who` names the peer for the log.
  net::asio::awaitable<protocol::VerificationRecord> record(protocol::VerifyRecordParams params, std::string who);

  // systemd's failed units changed (or the agent got in sync with systemd).
  void systemd_changed(const std::vector<protocol::Unit>& failed_units, bool in_sync);
  // The profile or the current/booted links changed.
  void generations_changed();

 private:
  [[nodiscard]] protocol::VerificationRecord view(const StoredVerification* record,
                                                  const protocol::Generation& generation) const;
  [[nodiscard]] std::optional<std::string> system_at(const std::filesystem::path& link) const;
  // Why the probation of `record` cannot go on (its system no longer booted or running), if so.
  [[nodiscard]] std::optional<std::string> not_running(const StoredVerification& record) const;
  [[nodiscard]] std::optional<int> number_of(const StoredVerification& record) const;
  // The generation as the profile has it now: a client may ask about one added a moment ago,
  // before the agent's watch on the profile has caught up.
  const protocol::Generation* find_generation(int number);
  void void_probation(StoredVerification record, const std::string& reason);
  void finish_probation();
  void arm_timer(std::chrono::system_clock::time_point when);
  // Closes the abandoned checks (recorded inconclusive; `publish`: and says so on the status
  // topic) and waits for the next one's deadline.
  void close_abandoned_checks(bool publish);
  void save(const StoredVerification& record);

  GenerationStore& generations_;
  KnownGoodStore& known_good_;
  Hooks hooks_;
  std::chrono::seconds probation_;
  std::chrono::seconds verify_timeout_;
  VerificationStore store_;
  net::asio::system_timer timer_;
  net::asio::system_timer abandoned_timer_;
  bool systemd_in_sync_ = false;
  std::vector<protocol::Unit> failed_units_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace nixtray::agent
