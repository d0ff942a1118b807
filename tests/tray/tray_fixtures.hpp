// Building blocks for the tray core's unit tests: protocol objects from the golden messages
// (tests/data/protocol) and small builders, and a way to fold events into a state.
#pragma once

#include "core/state/notification_rules.hpp"
#include "core/state/tray_event.hpp"
#include "core/state/tray_state.hpp"
#include "core/state/tray_state_reducer.hpp"

#include "nixtray/protocol/methods.hpp"

#include <fstream>
#include <functional>
#include <initializer_list>
#include <sstream>
#include <stdexcept>
#include <string>

namespace nixtray::tray::fixtures {

using namespace std::chrono_literals;

inline protocol::json golden(const std::string& name) {
  std::ifstream in(std::string(NIXTRAY_TEST_DATA_DIR) + "/protocol/" + name);
  if (!in) throw std::runtime_error("missing golden message " + name);
  std::stringstream text;
  text << in.rdbuf();
  return protocol::json::parse(text.str());
}

template <class T>
T golden_result(const std::string& name) {
  return golden(name).at("result").get<T>();
}

inline protocol::HelloResult hello(bool authorized = true) {
  protocol::HelloResult h;
  h.agent = "0.1.0";
  h.authorized = authorized;
  for (const auto method : protocol::all_methods) h.methods.emplace_back(method);
  return h;
}

// A healthy distro: systemd running, generation `current` active and default.
inline protocol::Status running_status(int current = 42) {
  protocol::Status s;
  s.system_state = protocol::SystemState::running;
  s.generations.default_generation = current;
  s.generations.current = current;
  s.generations.booted = current;
  s.generations.known_good = current - 1;
  s.nixos_version = "24.11.20241201.abcdef0 (Vicuna)";
  s.hostname = "nixos";
  s.agent_version = "0.1.0";
  s.activation.state = protocol::ActivationState::ok;
  return s;
}

inline protocol::Unit failed_unit(const std::string& name) {
  protocol::Unit u;
  u.name = name;
  u.description = "The " + name + " unit";
  u.load_state = "loaded";
  u.active_state = protocol::UnitActiveState::failed;
  u.sub_state = "failed";
  u.result = "exit-code";
  return u;
}

inline protocol::Unit active_unit(const std::string& name) {
  auto u = failed_unit(name);
  u.active_state = protocol::UnitActiveState::active;
  u.sub_state = "running";
  u.result = "success";
  return u;
}

inline protocol::Generation generation(int number, bool is_default = false) {
  protocol::Generation g;
  g.number = number;
  g.path = "/nix/store/00000000000000000000000000000000-nixos-system-nixos-" + std::to_string(number);
  g.created = 1717200000 + number * 86400;
  g.nixos_version = "24.11.2024120" + std::to_string(number % 10) + ".abcdef0 (Vicuna)";
  g.is_default = is_default;
  g.current = is_default;
  return g;
}

inline protocol::Job job(const std::string& id, protocol::JobState state,
                         protocol::JobKind kind = protocol::JobKind::rebuild) {
  protocol::Job j;
  j.id = id;
  j.kind = kind;
  j.state = state;
  j.args.kind = kind;
  j.unit = "nixtray-job-" + id + ".service";
  j.started = 1717243200;
  if (protocol::is_finished(state)) j.finished = 1717243300;
  if (state == protocol::JobState::failed) {
    j.summary = "Build of hello-2.12.1 failed in buildPhase (job " + id + ")";
    j.failure = protocol::JobFailure{};
    j.failure->kind = protocol::FailureKind::build;
    j.failure->message = "builder failed";
  }
  j.progress.phase = state == protocol::JobState::running     ? protocol::JobPhase::building
                     : state == protocol::JobState::succeeded ? protocol::JobPhase::done
                                                              : protocol::JobPhase::building;
  if (state == protocol::JobState::running) {
    j.progress.builds_done = 10;
    j.progress.builds_expected = 40;
  }
  return j;
}

inline TrayState fold(TrayState state, std::initializer_list<TrayEvent> events) {
  for (const auto& event : events) state = TrayStateReducer::reduce(std::move(state), event);
  return state;
}

// Folds `events` through the reducer and `rules` together, as TraySession runs them; each
// decision goes to `decided` (the settings' records), and the notifications are returned.
inline std::vector<Notification> observe(TrayState& state, NotificationRules& rules,
                                         std::initializer_list<TrayEvent> events,
                                         const std::function<void(const NotificationDecision&)>& decided = {}) {
  std::vector<Notification> out;
  for (const auto& event : events) {
    const auto before = state;
    state = TrayStateReducer::reduce(state, event);
    auto decision = rules.observe(before, state, event);
    if (decided) decided(decision);
    out.insert(out.end(), decision.notifications.begin(), decision.notifications.end());
  }
  return out;
}

// Connected to an authorized agent, synced, with the given status and generations 40..42.
inline TrayState connected(protocol::Status status = running_status()) {
  std::vector<protocol::Generation> generations = {generation(42, true), generation(41), generation(40)};
  generations[1].known_good = true;
  return fold(TrayState{},
              {LinkConnecting{1}, LinkConnected{hello(), "unix:/run/nixtray/agent.sock"},
               StatusReceived{std::move(status)}, GenerationsReceived{generations}, JobsReceived{}, LinkSynced{}});
}

}  // namespace nixtray::tray::fixtures
