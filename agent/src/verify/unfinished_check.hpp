// A boot check that started and never ended: the tray that ran it died (or the PC slept, or the
// user quit it) after `verify.record started`, and nobody resumed it. Such a record must not show
// `verifying` for ever: once the verify timeout has passed since its start it is over, without a
// verdict, and the generation is `unverified` again with a reason that says the check did not
// finish (an inconclusive outcome, as a client records when its check ends without one).
//
// Why a time bound and not "a newer boot than the start": a check restarts the distro itself, so
// every check that is still running sees a boot newer than its start (and the agent restarted with
// it); only the time a check can take tells a running one from an abandoned one. Why an hour by
// default (the agent's verify-timeout setting): the tray's own limits for one check add up to
// about 45 minutes at worst — stop 1 min, boot 3 min, systemd settling 3 min, console and session
// 1 min, and on a failure a rollback job (up to 30 min) and a second boot before the failure is
// recorded — and a verdict that comes after the bound is still recorded as usual.
// Pure logic, as probation.hpp; VerificationService applies it.
#pragma once

#include "verify/verification_store.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace nixtray::agent {

// When a started check of this record is over without a verdict; nullopt when it is not started.
std::optional<std::int64_t> unfinished_deadline(const StoredVerification& record, std::chrono::seconds limit);

// Whether the record is a started check whose deadline has passed at `now`.
bool is_abandoned(const StoredVerification& record, std::int64_t now, std::chrono::seconds limit);

// Makes an abandoned check's record inconclusive: finished at its deadline, with the reason.
void close_abandoned(StoredVerification& record, std::chrono::seconds limit);

// The reason a client's inconclusive record gets when it gives none.
std::string inconclusive_reason();

}  // namespace nixtray::agent
