// Jobs: the history (jobs.list, kept current by job events), and for the selected job its
// progress, its failure, and its log: the history fetched in pages of 10,000 lines, then
// followed live (log:<id>) while it runs.
#pragma once

#include "job_log_lines.hpp"
#include "status_context.hpp"

#include <wx/panel.h>

class wxButton;
class wxGauge;
class wxListCtrl;
class wxStaticText;

namespace nixtray::gui {

class JobLogView;

class JobsPage : public wxPanel {
 public:
  JobsPage(wxWindow* parent, StatusContext& context);
  ~JobsPage() override;

  void update(const SessionSnapshot& snapshot);
  void show_job(const std::string& job_id);
  void job_log_arrived(const tray::JobLogReceived& log);
  [[nodiscard]] std::size_t log_lines() const { return lines_.size(); }
  [[nodiscard]] const std::string& job_id() const { return lines_.job_id(); }

 private:
  void fill_list();
  void fill_detail();
  void fetch_more();
  [[nodiscard]] const protocol::Job* find_job(const std::string& id) const;

  StatusContext& context_;
  wxListCtrl* list_ = nullptr;
  wxStaticText* title_ = nullptr;
  wxGauge* progress_ = nullptr;
  wxStaticText* progress_text_ = nullptr;
  wxStaticText* failure_ = nullptr;
  wxButton* cancel_ = nullptr;
  wxStaticText* log_note_ = nullptr;
  JobLogView* log_view_ = nullptr;
  JobLogLines lines_;
  std::vector<protocol::Job> jobs_;
  std::optional<SessionSnapshot> snapshot_;
  std::string followed_;  // the job whose log:<id> events we asked for
  bool fetching_ = false;
  std::string list_key_;
};

}  // namespace nixtray::gui
