// The status window: Overview, Generations, Jobs and Settings tabs over one session snapshot,
// an info bar for what the person must know first (no tray host), and a status line for errors
// of actions. Closing it hides nothing important: the app recreates it on demand.
#pragma once

#include "gui_options.hpp"
#include "status_context.hpp"

#include <wx/frame.h>

class wxNotebook;

namespace nixtray::gui {

class GenerationsPage;
class JobsPage;
class NoticeBar;
class OverviewPage;
class SettingsPage;

class StatusWindow : public wxFrame {
 public:
  StatusWindow(StatusContext& context, const wxString& title);

  void update(const SessionSnapshot& snapshot);
  void show_tab(StatusTab tab);
  [[nodiscard]] StatusTab current_tab() const;
  void show_job(const std::string& job_id);
  void show_unit(const std::string& unit);
  void job_log_arrived(const tray::JobLogReceived& log);
  void show_error(const wxString& message);
  // Shown above the tabs until dismissed: why this window is open instead of a tray icon.
  void show_notice(const wxString& message);

  [[nodiscard]] JobsPage& jobs() { return *jobs_; }

 private:
  StatusContext& context_;
  NoticeBar* notice_ = nullptr;
  wxNotebook* tabs_ = nullptr;
  OverviewPage* overview_ = nullptr;
  GenerationsPage* generations_ = nullptr;
  JobsPage* jobs_ = nullptr;
  SettingsPage* settings_ = nullptr;
};

}  // namespace nixtray::gui
