#include "core/state/state_text.hpp"

#include "core/state/update_check.hpp"

#include <algorithm>
#include <cctype>

namespace nixtray::tray {

std::string short_nixos_version(std::string_view version) {
  // Major (digits) "." minor (leading digits of the next component).
  std::size_t i = 0;
  while (i < version.size() && std::isdigit(static_cast<unsigned char>(version[i]))) ++i;
  if (i == 0 || i >= version.size() || version[i] != '.') {
    const auto space = version.find(' ');
    return std::string(version.substr(0, space));
  }
  std::size_t j = i + 1;
  while (j < version.size() && std::isdigit(static_cast<unsigned char>(version[j]))) ++j;
  if (j == i + 1) {
    return std::string(version.substr(0, i));
  }
  return std::string(version.substr(0, j));
}

std::string_view job_kind_noun(protocol::JobKind kind) {
  switch (kind) {
    case protocol::JobKind::rebuild:
      return "rebuild";
    case protocol::JobKind::rollback:
      return "rollback";
    case protocol::JobKind::gc:
      return "garbage collection";
    case protocol::JobKind::unknown:
      break;
  }
  return "job";
}

std::string_view job_kind_gerund(protocol::JobKind kind) {
  switch (kind) {
    case protocol::JobKind::rebuild:
      return "Rebuilding";
    case protocol::JobKind::rollback:
      return "Rolling back";
    case protocol::JobKind::gc:
      return "Collecting garbage";
    case protocol::JobKind::unknown:
      break;
  }
  return "Working";
}

std::string_view job_noun(const protocol::Job& job) {
  return is_update_check(job) ? "update check" : job_kind_noun(job.kind);
}

std::string_view job_noun(const JobProgressView& job) {
  return job.update_check ? "update check" : job_kind_noun(job.kind);
}

std::string_view job_gerund(const JobProgressView& job) {
  return job.update_check ? "Checking for updates" : job_kind_gerund(job.kind);
}

std::string_view job_phase_text(protocol::JobPhase phase) {
  switch (phase) {
    case protocol::JobPhase::preparing:
      return "preparing";
    case protocol::JobPhase::updating:
      return "updating the flake's inputs";
    case protocol::JobPhase::building:
      return "building";
    case protocol::JobPhase::checking:
      return "checking the result";
    case protocol::JobPhase::registering:
      return "registering the generation";
    case protocol::JobPhase::activating:
      return "activating";
    case protocol::JobPhase::restoring:
      return "restoring the previous generation";
    case protocol::JobPhase::deleting:
      return "deleting generations";
    case protocol::JobPhase::collecting:
      return "collecting garbage";
    case protocol::JobPhase::previewing:
      return "previewing the activation";
    case protocol::JobPhase::done:
      return "done";
    case protocol::JobPhase::unknown:
      break;
  }
  return "working";
}

std::string_view rebuild_mode_text(protocol::RebuildMode mode) {
  switch (mode) {
    case protocol::RebuildMode::switch_:
      return "switch";
    case protocol::RebuildMode::boot:
      return "boot";
    case protocol::RebuildMode::test:
      return "test";
    case protocol::RebuildMode::build:
      return "build";
    case protocol::RebuildMode::dry_build:
      return "dry-build";
    case protocol::RebuildMode::dry_activate:
      return "dry-activate";
    case protocol::RebuildMode::unknown:
      break;
  }
  return "unknown";
}

std::optional<int> progress_percent(const protocol::JobProgress& progress) {
  if (progress.phase == protocol::JobPhase::done) {
    return 100;
  }
  if (progress.phase != protocol::JobPhase::building) {
    return std::nullopt;
  }
  // Builds and downloads weigh the same: Nix reports both, neither alone says how far it is.
  const long long expected = static_cast<long long>(progress.builds_expected) + progress.downloads_expected;
  if (expected <= 0) {
    return std::nullopt;
  }
  const long long done = static_cast<long long>(progress.builds_done) + progress.downloads_done;
  const long long percent = done * 100 / expected;
  return static_cast<int>(percent < 0 ? 0 : (percent > 99 ? 99 : percent));
}

std::string progress_text(const protocol::JobProgress& progress) { return progress_sentence(progress).english(); }

Sentence progress_sentence(const protocol::JobProgress& progress) {
  const bool builds = progress.phase == protocol::JobPhase::building && progress.builds_expected > 0;
  const bool downloads = progress.phase == protocol::JobPhase::building && progress.downloads_expected > 0;
  const auto builds_done = std::to_string(progress.builds_done);
  const auto builds_expected = std::to_string(progress.builds_expected);
  const auto downloads_done = std::to_string(progress.downloads_done);
  const auto downloads_expected = std::to_string(progress.downloads_expected);
  if (builds && downloads) {
    return sentence("building %1$s/%2$s, %3$s/%4$s downloads",
                    {builds_done, builds_expected, downloads_done, downloads_expected});
  }
  if (builds) return sentence("building %1$s/%2$s", {builds_done, builds_expected});
  if (downloads) return sentence("building %1$s/%2$s downloads", {downloads_done, downloads_expected});
  return sentence(std::string(job_phase_text(progress.phase)));
}

std::string_view unreachable_headline(UnreachableReason reason) {
  switch (reason) {
    case UnreachableReason::no_distro:
      return "the distro does not exist";
    case UnreachableReason::no_agent:
      return "no nixtray agent answers in the distro";
    case UnreachableReason::connection_refused:
      return "the agent refused the connection";
    case UnreachableReason::permission_denied:
      return "this user may not open the agent's socket";
    case UnreachableReason::protocol_mismatch:
      return "the agent speaks another protocol version";
    case UnreachableReason::unauthorized:
      return "the agent rejected the token";
    case UnreachableReason::identity_not_proven:
      return "the agent's identity could not be proven";
    case UnreachableReason::token_missing:
      return "the token file cannot be read";
    case UnreachableReason::timeout:
      return "the agent did not answer in time";
    case UnreachableReason::transport_failed:
      return "the connection could not be opened";
    case UnreachableReason::connection_lost:
      return "the connection to the agent was lost";
    case UnreachableReason::unknown:
      break;
  }
  return "the agent cannot be reached";
}

std::string condition_words(TrayCondition condition) {
  auto words = std::string(to_string(condition));
  std::replace(words.begin(), words.end(), '-', ' ');
  return words;
}

std::string shorten(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) {
    return std::string(text);
  }
  constexpr std::string_view ellipsis = "\xE2\x80\xA6";  // …
  std::size_t cut = limit > ellipsis.size() ? limit - ellipsis.size() : 0;
  // Never split a UTF-8 sequence: back up to the start of a character.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + std::string(ellipsis);
}

}  // namespace nixtray::tray
