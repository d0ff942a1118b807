// Several targets watched by one tray (issue 21): one TraySession per target of the settings file,
// each with its own agent link, distro control, verifier and host records, so a rebuild, a boot
// check or a dead agent on one never holds up another. The fleet only makes, starts and stops
// them and names each in what it reports; what a target does is its session's.
#pragma once

#include "core/session_setup.hpp"
#include "core/state/fleet_view.hpp"
#include "core/tray_session.hpp"

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace nixtray::tray {

struct FleetCallbacks {
  std::function<void(const std::string& target, const TrayState&)> on_state;
  std::function<void(const std::string& target, const Notification&)> on_notification;
  std::function<void(const std::string& target, const Sentence& message)> on_error;
  // Before each session is made: the front end may add its own callbacks for that target (the
  // GUI follows the rebuild flow, job logs and boot checks of each).
  std::function<void(const std::string& target, TraySessionCallbacks& callbacks)> on_session;
};

// The set-ups of the settings file's targets (only the watched ones with watched_only), each as
// `--config FILE --target NAME` would make it. A target whose settings cannot work is left out
// with "NAME: why" in `problems`.
std::vector<SessionSetup> target_setups(const std::filesystem::path& settings_file, const SessionUse& use,
                                        bool watched_only, std::vector<std::string>& problems);

class TargetFleet {
 public:
  TargetFleet(net::asio::any_io_executor executor, std::vector<SessionSetup> setups, FleetCallbacks callbacks);
  ~TargetFleet();
  TargetFleet(const TargetFleet&) = delete;
  TargetFleet& operator=(const TargetFleet&) = delete;

  void start();
  void stop();
  // The target's session made again from a new set-up (its settings changed how it is reached),
  // and started when the fleet runs. False for a name the fleet does not have.
  bool replace(const std::string& name, SessionSetup setup);
  // A new target's session, started when the fleet runs. False when the name is taken.
  bool add(SessionSetup setup);

  [[nodiscard]] std::vector<std::string> names() const;
  // The target's session; null for a name the fleet does not have.
  [[nodiscard]] std::shared_ptr<TraySession> session(const std::string& name) const;
  // The icon and tooltip for all of them.
  [[nodiscard]] FleetView view() const;

 private:
  struct Member {
    std::string name;
    std::shared_ptr<TraySession> session;
  };
  [[nodiscard]] std::shared_ptr<TraySession> make_session(const std::string& name, SessionSetup setup) const;

  net::asio::any_io_executor executor_;
  FleetCallbacks callbacks_;
  // Notifications name their target once there are several (shared: add() changes it for all).
  std::shared_ptr<bool> several_ = std::make_shared<bool>(false);
  std::vector<Member> members_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace nixtray::tray
