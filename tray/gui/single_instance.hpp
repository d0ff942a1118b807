// One nixtray per user and connection: a second start with the same settings file and agent
// asks the first to show its status window (on the tab it was given with --open-status-window)
// and exits. (Several distros, several trays: each
// --agent is its own instance.) wxSingleInstanceChecker holds the lock; wx IPC (a Unix socket
// here, DDE on Windows) carries the one request, "raise".
#pragma once

#include <wx/string.h>

#include <functional>
#include <memory>
#include <string>

class wxServerBase;
class wxSingleInstanceChecker;

namespace nixtray::gui {

class SingleInstance {
 public:
  enum class Outcome { first, raised_other, other_running };

  // `key` names the instance (settings file + agent address); on_raise(tab) runs on the GUI
  // thread when a later start asks; a later start passes `tab` along.
  SingleInstance(const std::string& key, const std::string& tab, std::function<void(const std::string&)> on_raise);
  ~SingleInstance();
  SingleInstance(const SingleInstance&) = delete;
  SingleInstance& operator=(const SingleInstance&) = delete;

  [[nodiscard]] Outcome outcome() const { return outcome_; }

 private:
  std::unique_ptr<wxSingleInstanceChecker> checker_;
  std::unique_ptr<wxServerBase> server_;
  Outcome outcome_ = Outcome::first;
};

}  // namespace nixtray::gui
