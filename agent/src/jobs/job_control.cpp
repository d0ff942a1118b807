// JobService: starting a job (admission, its record, its transient unit) and cancelling it.
#include "jobs/job_service.hpp"

#include "jobs/activation_gate.hpp"
#include "jobs/external_rebuild_detector.hpp"
#include "jobs/flake_update_step.hpp"
#include "jobs/job_admission.hpp"
#include "jobs/job_runner.hpp"
#include "jobs/running_job.hpp"
#include "nix/nix_store_location.hpp"
#include "nixtray/protocol/wire_name.hpp"
#include "state/profile_scan.hpp"
#include "support/atomic_file.hpp"
#include "support/logger.hpp"

#include <ctime>

namespace nixtray::agent {

namespace fs = std::filesystem;
using protocol::ErrorCode;
using protocol::RpcException;

void JobService::check_can_start(const protocol::JobStartParams& params) const {
  if (running_) {
    throw RpcException(ErrorCode::busy, "job " + running_->id + " is still running", {{"job", running_->id}});
  }
  if (const auto external = find_external_rebuild()) {
    throw RpcException(ErrorCode::busy, "a rebuild started outside nixtray is running: " + *external,
                       {{"job", nullptr}, {"external", *external}});
  }
  if (params.kind == protocol::JobKind::rebuild) {
    if (params.update.value_or(false)) {
      const auto flake = params.flake ? params.flake : config_.flake;
      if (!flake) {
        throw RpcException(ErrorCode::invalid_params,
                           "an update needs the configuration's flake: give flake, or set the agent's flake setting "
                           "(a channel system updates with upgrade)");
      }
      if (!flake_lock_of(*flake)) {
        throw RpcException(ErrorCode::invalid_params, "an update needs a flake in a local directory, got " + *flake);
      }
    }
    check_store_space(config_);
  }
  if (params.kind == protocol::JobKind::rollback) {
    (void)make_job_spec("", params, config_, generations_.triple());  // resolves the target; throws
  }
}

ActivatableSystems JobService::activatable_systems() const {
  ActivatableSystems allowed;
  for (const auto& [id, record] : records_) {
    if (built_a_system(record.job) && roots_.held(id) == fs::path(*record.job.result_path)) {
      allowed.build_results.insert(*record.job.result_path);
    }
  }
  for (const auto& link : scan_profile(config_.profile_dir).links) {
    if (!link.problem) allowed.generations.insert(link.target);
  }
  return allowed;
}

// A switch or boot of an update's result replaces the configuration's lock (flake_update_step.hpp):
// which lock is read from the update job's spec (the agent wrote it), never from its log.
std::optional<LockReplacement> JobService::lock_replacement_for(const std::string& system,
                                                                const protocol::JobStartParams& params) const {
  const auto mode = params.mode.value_or(protocol::RebuildMode::switch_);
  if (mode != protocol::RebuildMode::switch_ && mode != protocol::RebuildMode::boot) return std::nullopt;
  for (const auto& [id, record] : records_) {
    if (!record.job.update || !built_a_system(record.job) || roots_.held(id) != fs::path(system)) continue;
    const auto files = store_.files(id);
    const auto text = read_small_file(files.spec());
    if (!text) continue;
    const auto update = protocol::json::parse(*text, nullptr, false);
    const auto flake = update.is_object() ? update.value("flake", protocol::json()) : protocol::json();
    const auto lock = flake.is_string() ? flake_lock_of(flake.get<std::string>()) : std::nullopt;
    if (lock) return LockReplacement{files.lock_before(), files.lock_after(), *lock};
  }
  return std::nullopt;
}

protocol::JobStartResult JobService::start_job(const protocol::JobStartParams& requested, const PeerIdentity& peer) {
  check_param_sizes(requested);
  auto params = requested;
  check_can_start(params);
  if (params.system) {
    // What gets activated and recorded is the canonical path that was checked.
    params.system = activatable_system(*params.system, NixStoreLocation::from_environment(), activatable_systems());
  }
  std::string id;
  try {
    id = store_.allocate_id();
  } catch (const std::exception& e) {
    throw RpcException(ErrorCode::internal_error, std::string("cannot record a new job: ") + e.what());
  }
  const auto files = store_.files(id);
  auto spec = make_job_spec(id, params, config_, generations_.triple());
  if (params.system) spec.lock_replacement = lock_replacement_for(*params.system, params);
  JobRecord record;
  record.job.id = id;
  record.job.kind = params.kind;
  record.job.state = protocol::JobState::running;
  record.job.args = params;
  record.job.unit = job_unit_name(id);
  record.job.started = std::time(nullptr);
  record.job.progress.phase = protocol::JobPhase::preparing;
  record.job.started_by.uid = peer.uid ? std::optional<int>(static_cast<int>(*peer.uid)) : std::nullopt;
  record.job.started_by.name =
      peer.transport == Transport::tcp ? std::optional<std::string>("tcp token holder") : peer.user_name;
  record.job.generation_before = scan_profile(config_.profile_dir).default_number;
  try {
    fs::create_directories(files.work());
    write_file_atomically(files.spec(), protocol::json(spec).dump() + "\n");
    store_.save(record);
  } catch (const std::exception& e) {
    throw RpcException(ErrorCode::internal_error, std::string("cannot record job ") + id + ": " + e.what());
  }
  records_[id] = record;

  TransientUnit unit;
  unit.name = record.job.unit;
  unit.description = "nixtray " + protocol::wire_name(params.kind) + " (job " + id + ")";
  unit.argv = {self_executable_, "job-run", files.dir.string()};
  unit.environment = job_environment();
  unit.working_directory = files.work();
  unit.output_file = files.log();
  try {
    launcher_.start(unit);
  } catch (const std::exception& e) {
    auto& failed = record_of(id);
    failed.job.state = protocol::JobState::failed;
    failed.job.finished = std::time(nullptr);
    protocol::JobFailure failure;
    failure.kind = protocol::FailureKind::internal;
    failure.message = e.what();
    failed.job.summary = failure.message;
    failed.job.failure = failure;
    save(failed);
    publish_("jobs", protocol::json(failed.job));
    throw RpcException(ErrorCode::internal_error, e.what());
  }
  log_info("job " + id + " (" + protocol::wire_name(params.kind) + ") started by " + peer.describe());
  follow(id);
  publish_("jobs", protocol::json(record_of(id).job));
  if (on_running_changed_) on_running_changed_();
  return {id};
}

protocol::Job JobService::cancel(const std::string& id) {
  auto& record = record_of(id);
  if (record.job.state != protocol::JobState::running || !running_ || running_->id != id) {
    return record.job;  // finished already: nothing to cancel
  }
  // The job's own state decides, not its log (which the agent may not have read that far).
  GateClaim gate;
  try {
    gate = claim_activation_gate(store_.files(id), GateClaim::cancel);
  } catch (const std::exception& e) {
    throw RpcException(ErrorCode::internal_error, std::string("cannot cancel job ") + id + ": " + e.what());
  }
  if (gate == GateClaim::activate) {
    throw RpcException(ErrorCode::refused, "job " + id +
                                               " has begun to repoint the system profile or to activate; stopping it "
                                               "now could leave the system half-switched, so it runs to the end");
  }
  record.cancel_requested = true;
  save(record);
  try {
    launcher_.stop(record.job.unit);
  } catch (const std::exception& e) {
    throw RpcException(ErrorCode::internal_error, e.what());
  }
  return record.job;
}
}  // namespace nixtray::agent
