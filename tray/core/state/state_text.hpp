// Wording shared by the tooltip, the menu, notifications and nixtrayctl, so each says a thing
// the same way.
#pragma once

#include "core/state/sentence.hpp"
#include "core/state/tray_event.hpp"
#include "core/state/tray_state.hpp"

#include "nixtray/protocol/jobs.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace nixtray::tray {

// "24.05.20240601.abcdef0 (Uakari)" -> "24.05".
std::string short_nixos_version(std::string_view version);
// "rebuild", "rollback", "garbage collection"
std::string_view job_kind_noun(protocol::JobKind kind);
// "Rebuilding", "Rolling back", "Collecting garbage"
std::string_view job_kind_gerund(protocol::JobKind kind);
// The same for one job: the check for updates is a rebuild job to the agent, but to a person it
// is "update check" and "Checking for updates", not a rebuild they did not start.
std::string_view job_noun(const protocol::Job& job);
std::string_view job_noun(const JobProgressView& job);
std::string_view job_gerund(const JobProgressView& job);
std::string_view job_phase_text(protocol::JobPhase phase);
std::string_view rebuild_mode_text(protocol::RebuildMode mode);
// "building 12/40, 130/212 downloads", and a percentage when the counters allow one.
std::string progress_text(const protocol::JobProgress& progress);
// The same as a sentence a catalogue translates (the phase word, the counters as numbers).
Sentence progress_sentence(const protocol::JobProgress& progress);
std::optional<int> progress_percent(const protocol::JobProgress& progress);
// What to tell a user for each reason the agent cannot be reached (the link's message adds detail).
std::string_view unreachable_headline(UnreachableReason reason);
// "running", "verify failed": the condition in words, for a line per target.
std::string condition_words(TrayCondition condition);
// Cuts at a character boundary and appends "…" when longer than `limit` bytes.
std::string shorten(std::string_view text, std::size_t limit);

}  // namespace nixtray::tray
