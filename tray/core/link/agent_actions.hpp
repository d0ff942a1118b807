// What the GUI and nixtrayctl ask the agent to do, as thin typed wrappers over AgentLink::call:
// each exists as a coroutine (for nixtrayctl and verify-boot) and with a callback (for the GUI,
// which marshals the result to its thread). Methods the agent does not implement come back as
// ActionErrorKind::not_supported ("not supported by this agent").
//
// Threading: as AgentLink — call on the io_context's thread; replies run there.
#pragma once

#include "core/link/action_result.hpp"
#include "core/link/agent_link.hpp"

#include "nixtray/protocol/generations.hpp"
#include "nixtray/protocol/jobs.hpp"
#include "nixtray/protocol/units.hpp"

#include <memory>
#include <optional>
#include <string>

namespace nixtray::tray {

struct RebuildRequest {
  protocol::RebuildMode mode = protocol::RebuildMode::switch_;
  std::optional<std::string> flake;
  bool upgrade = false;
  std::optional<std::string> system;  // activate this built store path instead of building (no flake then)
  bool update = false;                // mode build: `nix flake update` in a copy of the flake first (Job.update)
};

struct RollbackRequest {
  std::optional<int> to;                                        // default: the generation before the current default
  protocol::RebuildMode mode = protocol::RebuildMode::switch_;  // switch or boot
};

struct GcRequest {
  std::optional<int> keep;
  std::optional<int> older_than_days;
};

class AgentActions {
 public:
  explicit AgentActions(std::shared_ptr<AgentLink> link) : link_(std::move(link)) {}

  // Jobs: the result is the new job's id; follow it through JobUpdated events.
  net::asio::awaitable<ActionResult<std::string>> start_rebuild(RebuildRequest request);
  net::asio::awaitable<ActionResult<std::string>> rollback(RollbackRequest request);
  net::asio::awaitable<ActionResult<std::string>> collect_garbage(GcRequest request);
  net::asio::awaitable<ActionResult<protocol::Job>> cancel_job(std::string job_id);
  net::asio::awaitable<ActionResult<protocol::Job>> job(std::string job_id);
  net::asio::awaitable<ActionResult<protocol::LogChunk>> job_log(std::string job_id, std::int64_t from,
                                                                 int limit = 1000);

  net::asio::awaitable<ActionResult<int>> mark_good(int generation);
  net::asio::awaitable<ActionResult<protocol::GenerationsDiff>> diff_generations(
      protocol::GenerationsDiffParams params);
  net::asio::awaitable<ActionResult<protocol::UnitsLogResult>> unit_log(std::string unit, int lines = 50);

  // The same with a callback.
  void start_rebuild(RebuildRequest request, Reply<std::string> reply);
  void rollback(RollbackRequest request, Reply<std::string> reply);
  void collect_garbage(GcRequest request, Reply<std::string> reply);
  void cancel_job(std::string job_id, Reply<protocol::Job> reply);
  void job_log(std::string job_id, std::int64_t from, int limit, Reply<protocol::LogChunk> reply);
  void mark_good(int generation, Reply<int> reply);
  void diff_generations(protocol::GenerationsDiffParams params, Reply<protocol::GenerationsDiff> reply);
  void unit_log(std::string unit, int lines, Reply<protocol::UnitsLogResult> reply);

 private:
  template <class T>
  void deliver(net::asio::awaitable<ActionResult<T>> work, Reply<T> reply);

  std::shared_ptr<AgentLink> link_;
};

}  // namespace nixtray::tray
