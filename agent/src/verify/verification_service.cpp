#include "verify/verification_service.hpp"

#include "nixtray/protocol/wire_name.hpp"
#include "state/profile_scan.hpp"
#include "support/logger.hpp"
#include "verify/probation.hpp"
#include "verify/unfinished_check.hpp"

#include <ctime>

namespace nixtray::agent {

namespace asio = net::asio;
using protocol::ErrorCode;
using protocol::ProbationState;
using protocol::RpcException;
using protocol::VerificationState;
using protocol::VerifyOutcome;

namespace {

std::string generation_name(int number) { return "generation " + std::to_string(number); }

std::int64_t now() { return std::time(nullptr); }

// A known-good record that cannot be written is tried again after this long.
constexpr std::chrono::seconds retry_after{60};

}  // namespace

VerificationService::VerificationService(asio::io_context& io, const std::filesystem::path& state_dir,
                                         std::chrono::seconds probation, std::chrono::seconds verify_timeout,
                                         GenerationStore& generations, KnownGoodStore& known_good, Hooks hooks)
    : generations_(generations),
      known_good_(known_good),
      hooks_(std::move(hooks)),
      probation_(probation),
      verify_timeout_(verify_timeout),
      store_(state_dir),
      timer_(io),
      abandoned_timer_(io) {}

VerificationService::~VerificationService() {
  timer_.cancel();
  abandoned_timer_.cancel();
}

void VerificationService::start() {
  store_.load();
  generations_changed();
  if (const auto* running = store_.running_probation()) {
    log_info("the probation of " + generation_name(running->generation) + " goes on until " +
             std::to_string(running->probation->until) + " (unix time)");
    arm_timer(std::chrono::system_clock::from_time_t(running->probation->until));
  }
  close_abandoned_checks(false);  // nobody listens yet, and the agent is still setting up
}

void VerificationService::close_abandoned_checks(bool publish) {
  std::optional<std::int64_t> next;
  for (auto record : store_.started()) {
    if (!is_abandoned(record, now(), verify_timeout_)) {
      const auto deadline = *unfinished_deadline(record, verify_timeout_);
      next = next ? std::min(*next, deadline) : deadline;
      continue;
    }
    close_abandoned(record, verify_timeout_);
    record.updated = now();
    save(record);
    log_warning("boot check of " + generation_name(record.generation) + " (" + record.store_path +
                "): " + *record.reason);
    if (publish && hooks_.changed) hooks_.changed();
  }
  if (!next) return;
  abandoned_timer_.expires_at(std::chrono::system_clock::from_time_t(*next));
  abandoned_timer_.async_wait([this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
    if (ec || alive.expired()) return;
    close_abandoned_checks(true);
  });
}

std::optional<std::string> VerificationService::system_at(const std::filesystem::path& link) const {
  const auto target = resolve_link(link);
  return target ? std::optional<std::string>(target->string()) : std::nullopt;
}

protocol::VerificationRecord VerificationService::view(const StoredVerification* record,
                                                       const protocol::Generation& generation) const {
  protocol::VerificationRecord result;
  auto& v = result.verification;
  v.generation = generation.number;
  v.store_path = generation.path;
  if (!record) {
    v.state = VerificationState::unverified;
    v.since = generation.created;
    return result;
  }
  // A check that is over shows so at once, even before the timer has recorded it.
  StoredVerification closed;
  if (is_abandoned(*record, now(), verify_timeout_)) {
    closed = *record;
    close_abandoned(closed, verify_timeout_);
    record = &closed;
  }
  switch (record->outcome) {
    case VerifyOutcome::started:
      v.state = VerificationState::verifying;
      v.since = record->started;
      break;
    case VerifyOutcome::inconclusive:
      v.state = VerificationState::unverified;
      v.since = record->finished;
      break;
    case VerifyOutcome::passed:
      v.state = VerificationState::verified;
      v.since = record->finished;
      break;
    case VerifyOutcome::failed:
      v.state = VerificationState::failed;
      v.since = record->finished;
      break;
    case VerifyOutcome::unknown:
      v.state = VerificationState::unknown;
      break;
  }
  v.reason = record->reason;
  v.step = record->step;
  v.probation = record->probation;
  result.started = record->started;
  result.evidence = record->evidence;
  return result;
}

protocol::Verification VerificationService::default_verification() const {
  const auto number = generations_.triple().default_generation;
  const auto* generation = number ? generations_.find(*number) : nullptr;
  if (!generation || generation->problem) {
    protocol::Verification unknown;
    unknown.generation = number;
    return unknown;
  }
  return view(store_.find(generation->path), *generation).verification;
}

const protocol::Generation* VerificationService::find_generation(int number) {
  if (!generations_.find(number) && hooks_.refresh_generations) hooks_.refresh_generations();
  return generations_.find(number);
}

protocol::VerificationRecord VerificationService::get(std::optional<int> number) {
  if (!number) number = generations_.triple().default_generation;
  if (!number) throw RpcException(ErrorCode::not_found, "there is no default generation");
  const auto* generation = find_generation(*number);
  if (!generation) throw RpcException(ErrorCode::not_found, "there is no " + generation_name(*number));
  return view(store_.find(generation->path), *generation);
}

asio::awaitable<protocol::VerificationRecord> VerificationService::record(protocol::VerifyRecordParams params,
                                                                          std::string who) {
  const auto alive = std::weak_ptr<int>(alive_);
  const auto name = generation_name(params.generation);
  const auto* found = find_generation(params.generation);
  if (!found) throw RpcException(ErrorCode::not_found, "there is no " + name);
  if (found->problem) {
    throw RpcException(ErrorCode::refused, name + " cannot be verified: " + *found->problem);
  }
  const protocol::Generation generation = *found;  // the list may change while the journal is read
  const std::string path = generation.path;
  if (params.store_path && *params.store_path != path) {
    throw RpcException(ErrorCode::refused, name + " is now " + path + ", not " + *params.store_path +
                                               ": the number was given to another system, which was not checked");
  }
  const auto booted = system_at(generations_.paths().booted_system);
  if (params.outcome == VerifyOutcome::passed && booted != path) {
    throw RpcException(ErrorCode::refused,
                       name +
                           " is not the booted generation: a passed boot check is recorded from the boot it "
                           "checked, after the distro started into it");
  }

  std::optional<protocol::BootEvidence> evidence;
  if (params.outcome == VerifyOutcome::failed && hooks_.collect_evidence) {
    const auto* previous = store_.find(path);
    BootWindow window;
    // The failed boot began after its check began; without a recorded start, after the
    // generation was made.
    window.since_usec = previous && previous->started_usec ? *previous->started_usec
                        : previous && previous->started    ? *previous->started * 1'000'000
                                                           : generation.created * 1'000'000;
    window.failed_boot_is_current = booted == path;
    auto collecting = hooks_.collect_evidence(window, now());
    evidence = co_await std::move(collecting);
    if (alive.expired()) throw RpcException(ErrorCode::internal_error, "the agent is stopping");
  }

  StoredVerification record;
  if (const auto* previous = store_.find(path)) record = *previous;
  record.store_path = path;
  record.generation = params.generation;
  record.outcome = params.outcome;
  record.reason =
      params.outcome == VerifyOutcome::inconclusive && !params.reason ? inconclusive_reason() : params.reason;
  record.step = params.step;
  record.updated = now();
  switch (params.outcome) {
    case VerifyOutcome::started:
      record.started_usec =
          std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
              .count();
      record.started = *record.started_usec / 1'000'000;
      record.finished.reset();
      record.probation.reset();
      record.probation_baseline.clear();
      record.evidence.reset();
      break;
    case VerifyOutcome::passed:
      record.finished = record.updated;
      record.evidence.reset();
      record.probation = begin_probation(record.updated, probation_);
      record.probation_baseline = unit_names(failed_units_);
      break;
    case VerifyOutcome::failed:
      record.finished = record.updated;
      record.evidence = std::move(evidence);
      if (record.probation && record.probation->state == ProbationState::running) {
        end_probation(*record.probation, ProbationState::voided, record.updated, "the boot check failed");
      }
      break;
    case VerifyOutcome::inconclusive:
      record.finished = record.updated;
      record.evidence.reset();
      if (record.probation && record.probation->state == ProbationState::running) {
        end_probation(*record.probation, ProbationState::voided, record.updated, "a new boot check was inconclusive");
      }
      break;
    case VerifyOutcome::unknown:
      break;
  }
  // One probation at a time: the newest pass is the one being watched.
  if (const auto* running = store_.running_probation();
      running && running->store_path != path && params.outcome == VerifyOutcome::passed) {
    void_probation(*running, generation_name(params.generation) + " was checked after it");
  }
  try {
    store_.put(record);
  } catch (const std::runtime_error& e) {
    throw RpcException(ErrorCode::internal_error, std::string("the verification cannot be recorded: ") + e.what());
  }
  const auto outcome_text = protocol::wire_name(params.outcome);
  log_info("boot check of " + name + " (" + path + "): " + outcome_text + ", recorded by " + who +
           (params.reason ? ": " + *params.reason : std::string()));
  if (params.outcome == VerifyOutcome::passed) {
    if (probation_.count() == 0) {
      finish_probation();  // no probation: known-good at once
    } else {
      log_info(name + " becomes known-good in " + std::to_string(probation_.count()) + " s if no unit fails before");
      arm_timer(std::chrono::system_clock::from_time_t(record.probation->until));
    }
  }
  if (params.outcome == VerifyOutcome::started) close_abandoned_checks(true);  // waits for its deadline
  if (hooks_.changed) hooks_.changed();
  co_return view(store_.find(path), generation);
}

void VerificationService::systemd_changed(const std::vector<protocol::Unit>& failed_units, bool in_sync) {
  systemd_in_sync_ = in_sync;
  failed_units_ = failed_units;
  const auto* running = store_.running_probation();
  if (!in_sync || !running) return;
  auto record = *running;
  if (const auto failure = failure_during_probation(record.probation_baseline, failed_units)) {
    void_probation(std::move(record), *failure);
    return;
  }
  if (record.probation_baseline != running->probation_baseline) save(record);
  if (now() >= record.probation->until) finish_probation();
}

void VerificationService::generations_changed() {
  const auto* running = store_.running_probation();
  if (!running) return;
  if (const auto why = not_running(*running)) void_probation(*running, *why);
}

std::optional<std::string> VerificationService::not_running(const StoredVerification& record) const {
  const auto name = generation_name(record.generation);
  if (system_at(generations_.paths().booted_system) != record.store_path) {
    return "the distro no longer runs the boot of " + name + " that was checked";
  }
  if (system_at(generations_.paths().current_system) != record.store_path) {
    return "another system was activated on top of " + name;
  }
  return std::nullopt;
}

std::optional<int> VerificationService::number_of(const StoredVerification& record) const {
  if (const auto* same = generations_.find(record.generation); same && same->path == record.store_path) {
    return record.generation;
  }
  for (const auto& generation : generations_.list().generations) {  // newest first
    if (!generation.problem && generation.path == record.store_path) return generation.number;
  }
  return std::nullopt;
}

void VerificationService::save(const StoredVerification& record) {
  try {
    store_.put(record);
  } catch (const std::runtime_error& e) {
    log_warning(std::string("cannot record the verification: ") + e.what());
  }
}

void VerificationService::void_probation(StoredVerification record, const std::string& reason) {
  end_probation(*record.probation, ProbationState::voided, now(), reason);
  record.updated = now();
  save(record);
  log_warning("the probation of " + generation_name(record.generation) + " is void: " + reason +
              "; it is not known-good until it is checked again");
  if (hooks_.changed) hooks_.changed();
}

void VerificationService::finish_probation() {
  const auto* running = store_.running_probation();
  if (!running) return;
  const auto until = std::chrono::system_clock::from_time_t(running->probation->until);
  if (std::chrono::system_clock::now() < until) {
    arm_timer(until);
    return;
  }
  // Ends only while systemd is watched: systemd_changed() finishes it once the agent is in sync.
  if (!systemd_in_sync_ && probation_.count() > 0) return;
  if (const auto why = not_running(*running)) {
    void_probation(*running, *why);
    return;
  }
  auto record = *running;
  const auto number = number_of(record);
  if (!number) {
    void_probation(std::move(record), "no generation has this system any more");
    return;
  }
  try {
    known_good_.mark(*number, record.store_path);
  } catch (const std::exception& e) {
    log_warning(generation_name(*number) + " passed its probation but cannot be recorded known-good (" + e.what() +
                "); trying again in " + std::to_string(retry_after.count()) + " s");
    arm_timer(std::chrono::system_clock::now() + retry_after);
    return;
  }
  end_probation(*record.probation, ProbationState::passed, now());
  record.updated = now();
  save(record);
  log_info(generation_name(*number) + " (" + record.store_path + ") is known-good: it passed its boot check and ran " +
           std::to_string(probation_.count()) + " s with no unit failing");
  if (hooks_.known_good_changed) hooks_.known_good_changed();
  if (hooks_.changed) hooks_.changed();
}

void VerificationService::arm_timer(std::chrono::system_clock::time_point when) {
  timer_.expires_at(when);
  timer_.async_wait([this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
    if (ec || alive.expired()) return;
    finish_probation();
  });
}

}  // namespace nixtray::agent
