#include "jobs_page.hpp"

#include "display_format.hpp"
#include "job_log_view.hpp"
#include "ui_log.hpp"
#include "ui_thread.hpp"
#include "wx_text.hpp"

#include "core/state/state_text.hpp"

#include <wx/button.h>
#include <wx/gauge.h>
#include <wx/listctrl.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

#include <ctime>

namespace nixtray::gui {

namespace {
constexpr int page_lines = 10'000;  // the most jobs.log returns at once
}

JobsPage::JobsPage(wxWindow* parent, StatusContext& context) : wxPanel(parent), context_(context) {
  auto* top = new wxBoxSizer(wxVERTICAL);
  list_ = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, FromDIP(wxSize(-1, 130)), wxLC_REPORT | wxLC_SINGLE_SEL);
  list_->AppendColumn(_("Job"), wxLIST_FORMAT_RIGHT, FromDIP(50));
  list_->AppendColumn(_("What"), wxLIST_FORMAT_LEFT, FromDIP(170));
  list_->AppendColumn(_("State"), wxLIST_FORMAT_LEFT, FromDIP(90));
  list_->AppendColumn(_("Started"), wxLIST_FORMAT_LEFT, FromDIP(130));
  list_->AppendColumn(_("Took"), wxLIST_FORMAT_LEFT, FromDIP(90));
  list_->AppendColumn(_("Summary"), wxLIST_FORMAT_LEFT, FromDIP(400));
  top->Add(list_, 0, wxEXPAND | wxALL, FromDIP(12));

  auto* head = new wxBoxSizer(wxHORIZONTAL);
  title_ = new wxStaticText(this, wxID_ANY, _("No job selected."));
  title_->SetFont(title_->GetFont().Bold());
  head->Add(title_, 1, wxALIGN_CENTER_VERTICAL);
  cancel_ = new wxButton(this, wxID_ANY, _("Cancel job"));
  head->Add(cancel_, 0, wxLEFT, FromDIP(8));
  top->Add(head, 0, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(12));

  auto* bar = new wxBoxSizer(wxHORIZONTAL);
  progress_ = new wxGauge(this, wxID_ANY, 100, wxDefaultPosition, FromDIP(wxSize(240, -1)));
  bar->Add(progress_, 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, FromDIP(8));
  progress_text_ = new wxStaticText(this, wxID_ANY, wxEmptyString);
  bar->Add(progress_text_, 1, wxALIGN_CENTER_VERTICAL);
  top->Add(bar, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, FromDIP(8));

  failure_ = new wxStaticText(this, wxID_ANY, wxEmptyString);
  failure_->SetForegroundColour(wxColour(0xB0, 0x1C, 0x12));
  top->Add(failure_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, FromDIP(8));

  log_note_ = new wxStaticText(this, wxID_ANY, wxEmptyString);
  top->Add(log_note_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, FromDIP(8));
  log_view_ = new JobLogView(this, lines_);
  top->Add(log_view_, 1, wxEXPAND | wxALL, FromDIP(12));
  SetSizer(top);

  list_->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent& event) {
    const auto index = static_cast<std::size_t>(event.GetIndex());
    if (index < jobs_.size() && jobs_[index].id != lines_.job_id()) show_job(jobs_[index].id);
  });
  cancel_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
    tray::MenuCommand command;
    command.action = tray::MenuAction::cancel_job;
    command.job_id = lines_.job_id();
    context_.request(command, tray::Confirmation{tray::sentence("Cancel job"),
                                                 tray::sentence("Cancel job %s?", {lines_.job_id()}), "Cancel job"});
  });
  fill_detail();
}

JobsPage::~JobsPage() {
  if (!followed_.empty()) context_.host.unfollow_job_log(followed_);
}

void JobsPage::update(const SessionSnapshot& snapshot) {
  snapshot_ = snapshot;
  jobs_ = snapshot.state.jobs;
  fill_list();
  // Follow the running job's log while it runs; a person who opened the tab sees it move.
  if (lines_.job_id().empty()) {
    if (const auto running = tray::running_job(snapshot.state)) {
      show_job(running->job_id);
      return;
    }
    if (!jobs_.empty()) {
      show_job(jobs_.front().id);
      return;
    }
  }
  const auto* job = find_job(lines_.job_id());
  if (job && protocol::is_finished(job->state) && followed_ == job->id) {
    // Its last lines may still be on the way: fetch to the end, then stop following.
    context_.host.unfollow_job_log(followed_);
    followed_.clear();
    fetch_more();
  }
  fill_detail();
}

const protocol::Job* JobsPage::find_job(const std::string& id) const {
  for (const auto& job : jobs_) {
    if (job.id == id) return &job;
  }
  return nullptr;
}

void JobsPage::fill_list() {
  std::string key;
  for (const auto& job : jobs_) {
    key += job.id + ":" + std::to_string(static_cast<int>(job.state)) + ":" + (job.finished ? "f" : "") + ",";
  }
  if (key == list_key_) return;
  list_key_ = key;
  list_->Freeze();
  list_->DeleteAllItems();
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  for (std::size_t i = 0; i < jobs_.size(); ++i) {
    const auto& job = jobs_[i];
    const auto row = list_->InsertItem(static_cast<long>(i), to_wx(job.id));
    list_->SetItem(row, 1, job_title(job));
    list_->SetItem(row, 2, job_state_text(job.state));
    list_->SetItem(row, 3, format_time(job.started));
    list_->SetItem(row, 4, job.started > 0 ? format_duration((job.finished ? *job.finished : now) - job.started) : "");
    list_->SetItem(row, 5, job.summary ? to_wx(*job.summary) : wxString());
    if (job.id == lines_.job_id()) list_->SetItemState(row, wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
  }
  list_->Thaw();
}

void JobsPage::fill_detail() {
  const auto* job = find_job(lines_.job_id());
  if (lines_.job_id().empty()) {
    title_->SetLabel(jobs_.empty() ? _("No jobs yet: rebuilds, rollbacks and garbage collections appear here.")
                                   : _("No job selected."));
  } else if (job) {
    title_->SetLabel(
        wxString::Format(_("Job %s: %s, %s"), to_wx(job->id), job_title(*job), job_state_text(job->state)));
  } else {
    title_->SetLabel(wxString::Format(_("Job %s"), to_wx(lines_.job_id())));
  }
  const bool running = job && job->state == protocol::JobState::running;
  cancel_->Enable(running);
  cancel_->Show(job != nullptr);
  if (job) {
    const auto percent = tray::progress_percent(job->progress);
    if (running && !percent) {
      progress_->Pulse();
    } else {
      progress_->SetValue(percent ? *percent : (job->state == protocol::JobState::succeeded ? 100 : 0));
    }
    wxString text;
    if (running) {
      text = core_text(tray::job_phase_text(job->progress.phase));
      const auto counters = tray::progress_sentence(job->progress);
      if (counters.english() != tray::job_phase_text(job->progress.phase)) text += " · " + sentence_text(counters);
      if (percent) text += wxString::Format(" · %d%%", *percent);
    } else if (job->state != protocol::JobState::succeeded) {
      text = wxString::Format(_("%s while %s"), job_state_text(job->state),
                              core_text(tray::job_phase_text(job->progress.phase)));
    } else {
      text = job_state_text(job->state);
    }
    progress_text_->SetLabel(text);
    wxString failure;
    if (job->summary && job->state != protocol::JobState::succeeded) failure = to_wx(*job->summary);
    if (job->failure && !job->failure->units.empty()) {
      failure += "\n" + _("Units that failed to start:");
      for (const auto& unit : job->failure->units) failure += " " + to_wx(unit);
    }
    failure_->SetLabel(failure);
    failure_->Wrap(GetClientSize().GetWidth() > FromDIP(300) ? GetClientSize().GetWidth() - FromDIP(24) : FromDIP(800));
  } else {
    progress_->SetValue(0);
    progress_text_->SetLabel(wxEmptyString);
    failure_->SetLabel(wxEmptyString);
  }
  // A gauge means "how far": shown while it runs and for a job that got to the end.
  progress_->Show(job && (running || job->state == protocol::JobState::succeeded));
  log_note_->SetLabel(
      lines_.job_id().empty()
          ? wxString()
          : wxString::Format(_("Log: %lu lines%s"), static_cast<unsigned long>(lines_.size()),
                             lines_.complete() ? _(" (complete)") : (running ? _(" (live)") : wxString())));
  Layout();
}

void JobsPage::show_job(const std::string& job_id) {
  if (job_id == lines_.job_id()) {
    fill_detail();
    return;
  }
  if (!followed_.empty()) {
    context_.host.unfollow_job_log(followed_);
    followed_.clear();
  }
  lines_.reset(job_id);
  fetching_ = false;
  log_view_->refresh_now();
  const auto* job = find_job(job_id);
  if (job && job->state == protocol::JobState::running) {
    followed_ = job_id;
    context_.host.follow_job_log(job_id);
  }
  for (std::size_t i = 0; i < jobs_.size(); ++i) {
    if (jobs_[i].id == job_id) {
      list_->SetItemState(static_cast<long>(i), wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
      list_->EnsureVisible(static_cast<long>(i));
    }
  }
  if (job) fetch_more();
  fill_detail();
  context_.log.write("job-shown", {{"job", job_id}});
}

void JobsPage::fetch_more() {
  if (fetching_ || lines_.job_id().empty() || lines_.complete()) return;
  fetching_ = true;
  const auto job_id = lines_.job_id();
  context_.host.job_log(job_id, static_cast<std::int64_t>(lines_.size()), page_lines,
                        on_window<JobsPage, tray::ActionResult<protocol::LogChunk>>(
                            this, [job_id](JobsPage& page, tray::ActionResult<protocol::LogChunk> result) {
                              if (page.lines_.job_id() != job_id) return;  // another job was chosen meanwhile
                              page.fetching_ = false;
                              if (!result) {
                                page.log_note_->SetLabel(
                                    wxString::Format(_("The log cannot be read: %s"), to_wx(result.error().message)));
                                return;
                              }
                              const auto added = page.lines_.add(result.value());
                              page.log_view_->lines_changed();
                              page.fill_detail();
                              // A full page means there is more; a gap means events raced the history.
                              if (static_cast<int>(result->lines.size()) == page_lines || added.gap) page.fetch_more();
                            }));
}

void JobsPage::job_log_arrived(const tray::JobLogReceived& log) {
  if (log.job_id != lines_.job_id()) return;
  const auto added = lines_.add(log.chunk);
  if (added.gap) {
    fetch_more();
  }
  if (added.lines > 0) {
    log_view_->lines_changed();
    // The note's count is refreshed with the list, not per batch.
    if (lines_.size() % 1000 < added.lines) fill_detail();
  }
}

}  // namespace nixtray::gui
