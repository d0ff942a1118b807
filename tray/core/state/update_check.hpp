// The optional daily check for updates (settings notifications.updates_available, off unless
// switched on): once a day, when the agent answers and runs nothing else, the session starts the
// agent's own check — a rebuild job with `update` in dry-build mode, which runs `nix flake update`
// in a copy of the configuration's flake and builds nothing — and when that job lists inputs that
// moved, NotificationRules says so with the action "Update…" (the Update window: build, review,
// Switch and verify). The time of the last check is remembered per distro in the settings, so a
// tray started every morning checks once a day, not at every start.
#pragma once

#include "core/link/agent_actions.hpp"
#include "core/state/sentence.hpp"

#include "nixtray/protocol/jobs.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace nixtray::tray {

constexpr std::chrono::hours update_check_period{24};

// How long until the next check is due: zero when it is due now (never checked, the last check a
// period ago or more, or "in the future": a clock that was set back).
std::chrono::seconds update_check_due_in(std::optional<std::int64_t> last_check, std::int64_t now);

// The check as the session starts it: the settings' flake (unset: the agent's own).
RebuildRequest update_check_request(std::optional<std::string> flake);

// Whether a job is such a check (started by any client: the tray or `nixtray-agent rebuild
// dry-build --update`).
bool is_update_check(const protocol::Job& job);

// "2 inputs of NixOS moved: nixpkgs, home-manager" for a finished check that found some; nothing
// when none moved.
std::optional<Sentence> updates_found_sentence(const protocol::Job& job, const std::string& distro);

}  // namespace nixtray::tray
