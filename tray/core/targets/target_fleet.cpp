#include "core/targets/target_fleet.hpp"

namespace nixtray::tray {

std::vector<SessionSetup> target_setups(const std::filesystem::path& settings_file, const SessionUse& use,
                                        bool watched_only, std::vector<std::string>& problems) {
  const auto loaded = SettingsFile(settings_file).load();
  problems.insert(problems.end(), loaded.warnings.begin(), loaded.warnings.end());
  std::vector<SessionSetup> setups;
  for (const auto& target : loaded.document.targets) {
    if (watched_only && !target.watch) continue;
    SessionFlags flags;
    flags.config = settings_file;
    flags.target = target.target_name();
    try {
      setups.push_back(make_session_setup(flags, use, target));
    } catch (const std::exception& e) {
      problems.push_back(target.target_name() + ": " + e.what());
    }
  }
  return setups;
}

TargetFleet::TargetFleet(net::asio::any_io_executor executor, std::vector<SessionSetup> setups,
                         FleetCallbacks callbacks)
    : executor_(std::move(executor)), callbacks_(std::move(callbacks)) {
  *several_ = setups.size() > 1;
  for (auto& setup : setups) {
    auto name = setup.settings.target_name();
    auto session = make_session(name, std::move(setup));
    members_.push_back({std::move(name), std::move(session)});
  }
}

std::shared_ptr<TraySession> TargetFleet::make_session(const std::string& name, SessionSetup setup) const {
  // Each session's callbacks carry its name; they hold no pointer to the fleet.
  TraySessionCallbacks named;
  if (callbacks_.on_state) {
    named.on_state = [report = callbacks_.on_state, name](const TrayState& state) { report(name, state); };
  }
  if (callbacks_.on_notification) {
    named.on_notification = [report = callbacks_.on_notification, name, several = several_](Notification n) {
      if (*several) n.target = name;
      report(name, n);
    };
  }
  if (callbacks_.on_error) {
    named.on_error = [report = callbacks_.on_error, name](const Sentence& message) { report(name, message); };
  }
  if (callbacks_.on_session) callbacks_.on_session(name, named);
  auto session = TraySession::create(executor_, std::move(setup), std::move(named));
  session->start_update_checks();  // the tray's sessions: each target's own daily check
  return session;
}

TargetFleet::~TargetFleet() { stop(); }

void TargetFleet::start() {
  started_ = true;
  for (const auto& member : members_) member.session->start();
}

void TargetFleet::stop() {
  if (stopped_) return;
  stopped_ = true;
  for (const auto& member : members_) member.session->stop();
}

bool TargetFleet::replace(const std::string& name, SessionSetup setup) {
  for (auto& member : members_) {
    if (member.name != name) continue;
    member.session->stop();
    member.session = make_session(name, std::move(setup));
    if (started_ && !stopped_) member.session->start();
    return true;
  }
  return false;
}

bool TargetFleet::add(SessionSetup setup) {
  auto name = setup.settings.target_name();
  if (session(name)) return false;
  auto session = make_session(name, std::move(setup));
  members_.push_back({std::move(name), session});
  *several_ = members_.size() > 1;
  if (started_ && !stopped_) session->start();
  return true;
}

std::vector<std::string> TargetFleet::names() const {
  std::vector<std::string> names;
  names.reserve(members_.size());
  for (const auto& member : members_) names.push_back(member.name);
  return names;
}

std::shared_ptr<TraySession> TargetFleet::session(const std::string& name) const {
  for (const auto& member : members_) {
    if (member.name == name) return member.session;
  }
  return nullptr;
}

FleetView TargetFleet::view() const {
  std::vector<TargetState> states;
  states.reserve(members_.size());
  for (const auto& member : members_) states.push_back({member.name, &member.session->state()});
  return fleet_view(states);
}

}  // namespace nixtray::tray
