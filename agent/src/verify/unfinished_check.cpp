#include "verify/unfinished_check.hpp"

namespace nixtray::agent {

namespace {

std::string duration_text(std::chrono::seconds limit) {
  const auto seconds = limit.count();
  return seconds < 120 ? std::to_string(seconds) + " seconds" : std::to_string(seconds / 60) + " minutes";
}

}  // namespace

std::optional<std::int64_t> unfinished_deadline(const StoredVerification& record, std::chrono::seconds limit) {
  if (record.outcome != protocol::VerifyOutcome::started) return std::nullopt;
  return record.started.value_or(record.updated) + limit.count();
}

bool is_abandoned(const StoredVerification& record, std::int64_t now, std::chrono::seconds limit) {
  const auto deadline = unfinished_deadline(record, limit);
  return deadline && now >= *deadline;
}

void close_abandoned(StoredVerification& record, std::chrono::seconds limit) {
  const auto deadline = unfinished_deadline(record, limit);
  if (!deadline) return;
  record.outcome = protocol::VerifyOutcome::inconclusive;
  record.finished = *deadline;
  record.step.reset();
  record.reason = "the boot check that started did not finish within " + duration_text(limit) +
                  " (the program running it stopped and no one resumed it): its result is unknown";
}

std::string inconclusive_reason() { return "the boot check ended without a verdict"; }

}  // namespace nixtray::agent
