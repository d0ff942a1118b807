// Whether a generation passed a boot check: the agent's record, kept by store path, of the checks a
// client ran (verify.record), the probation after a pass, and the evidence of a failed boot.
// `status.verification` shows it for the default generation; verify.get for any generation.
#pragma once

#include "nixtray/protocol/method.hpp"
#include "nixtray/protocol/units.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::protocol {

// unverified: no boot check of this store path has ended with a verdict (e.g. a `nixos-rebuild
// switch` run in a terminal made it, or its check was inconclusive or never finished: `reason`
// says which); verifying: a check started and has not ended.
enum class VerificationState { unknown, unverified, verifying, verified, failed };
NLOHMANN_JSON_SERIALIZE_ENUM(VerificationState, {
                                                    {VerificationState::unknown, "unknown"},
                                                    {VerificationState::unverified, "unverified"},
                                                    {VerificationState::verifying, "verifying"},
                                                    {VerificationState::verified, "verified"},
                                                    {VerificationState::failed, "failed"},
                                                })

// What a client records about a boot check: it began, it passed, it failed, or it ended without a
// verdict (inconclusive: e.g. the activation report could not be read, the check was given up).
// `unknown` is only what an unrecognised outcome reads as, never sent.
enum class VerifyOutcome { unknown, started, passed, failed, inconclusive };
NLOHMANN_JSON_SERIALIZE_ENUM(VerifyOutcome, {
                                                {VerifyOutcome::unknown, "unknown"},
                                                {VerifyOutcome::started, "started"},
                                                {VerifyOutcome::passed, "passed"},
                                                {VerifyOutcome::failed, "failed"},
                                                {VerifyOutcome::inconclusive, "inconclusive"},
                                            })

// After a pass the generation becomes known-good only once it has run for the probation time with
// no unit failing: running until then, passed (it is known-good), voided (something failed first).
enum class ProbationState { unknown, running, passed, voided };
NLOHMANN_JSON_SERIALIZE_ENUM(ProbationState, {
                                                 {ProbationState::unknown, "unknown"},
                                                 {ProbationState::running, "running"},
                                                 {ProbationState::passed, "passed"},
                                                 {ProbationState::voided, "voided"},
                                             })

struct Probation {
  ProbationState state = ProbationState::unknown;
  std::int64_t started = 0;           // unix seconds: when the check passed
  std::int64_t until = 0;             // when it becomes known-good if nothing fails before
  std::optional<std::int64_t> ended;  // when it passed or was voided
  std::optional<std::string> reason;  // voided: what failed or changed
};
void to_json(json& j, const Probation& p);
void from_json(const json& j, Probation& p);

// status.verification: the default generation's state.
struct Verification {
  VerificationState state = VerificationState::unknown;
  std::optional<int> generation;
  std::optional<std::string> store_path;
  std::optional<std::int64_t> since;  // when the state began (unverified: when the generation was made)
  std::optional<std::string> reason;  // failed: why, for people
  std::optional<std::string> step;    // failed: the verify step that failed ("console", "start", ...)
  std::optional<Probation> probation;
};
void to_json(json& j, const Verification& v);
void from_json(const json& j, Verification& v);

// A failed unit of the failed boot and its last journal lines.
struct FailedUnitEvidence {
  std::string unit;
  std::string result;  // systemd's UNIT_RESULT ("exit-code", "timeout", ...), "" when not logged
  std::vector<JournalLine> lines;
};
void to_json(json& j, const FailedUnitEvidence& e);
void from_json(const json& j, FailedUnitEvidence& e);

// What the journal kept of a failed boot, collected by the agent when the failure is recorded.
struct BootEvidence {
  std::int64_t collected = 0;
  std::optional<std::int64_t> boot_started;  // first journal entry of that boot
  std::optional<std::int64_t> boot_ended;    // last journal entry of that boot
  std::vector<JournalLine> errors;           // its entries of priority err or worse, oldest first
  int errors_omitted = 0;                    // further ones not kept (the first ones are)
  std::vector<FailedUnitEvidence> failed_units;
  std::optional<std::string> note;  // what could not be collected, and why
};
void to_json(json& j, const BootEvidence& e);
void from_json(const json& j, BootEvidence& e);

// Result of verify.get and verify.record: a generation's verification with its details.
struct VerificationRecord {
  Verification verification;             // flattened on the wire
  std::optional<std::int64_t> started;   // when the latest check began
  std::optional<BootEvidence> evidence;  // failed: what the journal kept of the failed boot
};
void to_json(json& j, const VerificationRecord& r);
void from_json(const json& j, VerificationRecord& r);

struct VerifyRecordParams {
  int generation = 0;
  std::optional<std::string> store_path;  // when given, must still be the generation's store path
  VerifyOutcome outcome = VerifyOutcome::unknown;
  std::optional<std::string> reason;  // at most 4096 bytes
  std::optional<std::string> step;    // at most 64 bytes
};
void to_json(json& j, const VerifyRecordParams& p);
void from_json(const json& j, VerifyRecordParams& p);  // validates; throws RpcException(invalid_params)

struct VerifyRecordMethod {
  static constexpr std::string_view name = "verify.record";
  static constexpr bool mutating = true;
  using Params = VerifyRecordParams;
  using Result = VerificationRecord;
};

struct VerifyGetParams {
  std::optional<int> generation;  // default: the default generation
};
void to_json(json& j, const VerifyGetParams& p);
void from_json(const json& j, VerifyGetParams& p);

struct VerifyGetMethod {
  static constexpr std::string_view name = "verify.get";
  static constexpr bool mutating = false;
  using Params = VerifyGetParams;
  using Result = VerificationRecord;
};

}  // namespace nixtray::protocol
