#include "space_window.hpp"

#include "display_format.hpp"
#include "space_bar.hpp"
#include "tray_icon_art.hpp"
#include "ui_log.hpp"
#include "ui_thread.hpp"
#include "vhd_compaction_advice.hpp"
#include "wx_text.hpp"

#include "core/state/tray_state.hpp"
#include "core/state/virtual_disk_advice.hpp"
#include "core/system/wsl_virtual_disk.hpp"

#include <wx/button.h>
#include <wx/clipbrd.h>
#include <wx/listctrl.h>
#include <wx/msgdlg.h>
#include <wx/scrolwin.h>
#include <wx/sizer.h>
#include <wx/spinctrl.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include <algorithm>

namespace nixtray::gui {

namespace {

// "42, 41 and 40" for a list of generation numbers.
wxString numbers_text(const std::vector<int>& numbers) {
  wxString text;
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    if (i > 0) text += (i + 1 == numbers.size()) ? _(" and ") : wxString(", ");
    text += wxString::Format("%d", numbers[i]);
  }
  return text;
}

const protocol::CleanupOption* cleanup_for(const protocol::SpaceReport& report, int keep) {
  for (const auto& option : report.cleanup) {
    if (option.keep == keep) return &option;
  }
  return nullptr;
}

wxStaticText* heading(wxWindow* parent, const wxString& text) {
  auto* label = new wxStaticText(parent, wxID_ANY, text);
  label->SetFont(label->GetFont().Bold());
  return label;
}

}  // namespace

SpaceWindow::SpaceWindow(StatusContext& context)
    : wxFrame(nullptr, wxID_ANY, _("Disk space"), wxDefaultPosition, wxDefaultSize, wxDEFAULT_FRAME_STYLE,
              "nixtray-space"),
      context_(context) {
  SetIcons(context_.art.window_icons(tray::IconId::running));

  auto* scroll = new wxScrolledWindow(this, wxID_ANY);
  scroll->SetScrollRate(0, FromDIP(12));
  auto* top = new wxBoxSizer(wxVERTICAL);
  const int gap = FromDIP(12);

  summary_ = new wxStaticText(scroll, wxID_ANY, _("Waiting for the agent's look at the Nix store…"));
  top->Add(summary_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, gap);
  bar_ = new SpaceBar(scroll);
  top->Add(bar_, 0, wxEXPAND | wxALL, gap);

  top->Add(heading(scroll, _("Generations: what deleting only that one frees")), 0, wxLEFT | wxRIGHT, gap);
  generations_ =
      new wxListCtrl(scroll, wxID_ANY, wxDefaultPosition, FromDIP(wxSize(-1, 150)), wxLC_REPORT | wxLC_SINGLE_SEL);
  generations_->AppendColumn(_("Generation"), wxLIST_FORMAT_RIGHT, FromDIP(90));
  generations_->AppendColumn(_("Created"), wxLIST_FORMAT_LEFT, FromDIP(130));
  generations_->AppendColumn(_("Frees"), wxLIST_FORMAT_RIGHT, FromDIP(100));
  generations_->AppendColumn(_("Note"), wxLIST_FORMAT_LEFT, FromDIP(360));
  top->Add(generations_, 0, wxEXPAND | wxALL, gap);

  top->Add(heading(scroll, _("Garbage collection")), 0, wxLEFT | wxRIGHT, gap);
  auto* row = new wxBoxSizer(wxHORIZONTAL);
  row->Add(new wxStaticText(scroll, wxID_ANY, _("Keep the newest")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, FromDIP(6));
  keep_ = new wxSpinCtrl(scroll, wxID_ANY, "3", wxDefaultPosition, FromDIP(wxSize(130, -1)), wxSP_ARROW_KEYS, 1, 50, 3);
  row->Add(keep_, 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, FromDIP(6));
  row->Add(new wxStaticText(scroll, wxID_ANY, _("generations")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, gap);
  collect_ = new wxButton(scroll, wxID_ANY, _("Collect garbage…"));
  row->Add(collect_, 0, wxALIGN_CENTER_VERTICAL);
  top->Add(row, 0, wxLEFT | wxRIGHT | wxTOP, gap);
  cleanup_ = new wxStaticText(scroll, wxID_ANY, wxEmptyString);
  top->Add(cleanup_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, gap);
  job_ = new wxStaticText(scroll, wxID_ANY, wxEmptyString);
  top->Add(job_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, gap);

  top->Add(heading(scroll, _("Other roots: what each place alone keeps")), 0, wxLEFT | wxRIGHT | wxTOP, gap);
  roots_ = new wxListCtrl(scroll, wxID_ANY, wxDefaultPosition, FromDIP(wxSize(-1, 110)), wxLC_REPORT | wxLC_NO_HEADER);
  roots_->AppendColumn(wxEmptyString, wxLIST_FORMAT_RIGHT, FromDIP(100));
  roots_->AppendColumn(wxEmptyString, wxLIST_FORMAT_LEFT, FromDIP(580));
  top->Add(roots_, 0, wxEXPAND | wxALL, gap);

  top->Add(heading(scroll, _("Giving the space back to Windows")), 0, wxLEFT | wxRIGHT, gap);
  disk_ = new wxStaticText(scroll, wxID_ANY, wxEmptyString);
  top->Add(disk_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, gap);
  advice_ = new wxTextCtrl(scroll, wxID_ANY, wxEmptyString, wxDefaultPosition, FromDIP(wxSize(-1, 200)),
                           wxTE_MULTILINE | wxTE_READONLY | wxTE_DONTWRAP);
  advice_->SetFont(wxFont(wxFontInfo(advice_->GetFont().GetPointSize()).Family(wxFONTFAMILY_TELETYPE)));
  top->Add(advice_, 0, wxEXPAND | wxALL, gap);
  copy_ = new wxButton(scroll, wxID_ANY, _("Copy the steps"));
  top->Add(copy_, 0, wxLEFT | wxRIGHT | wxBOTTOM, gap);

  scroll->SetSizer(top);
  auto* frame_sizer = new wxBoxSizer(wxVERTICAL);
  frame_sizer->Add(scroll, 1, wxEXPAND);
  SetSizer(frame_sizer);
  SetSize(FromDIP(wxSize(760, 720)));
  SetMinSize(FromDIP(wxSize(560, 420)));

  keep_->Bind(wxEVT_SPINCTRL, [this](wxSpinEvent&) {
    show_cleanup();
    Layout();
    log_shown();
  });
  collect_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { collect_garbage(); });
  copy_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
    if (wxTheClipboard->Open()) {
      wxTheClipboard->SetData(new wxTextDataObject(advice_->GetValue()));
      wxTheClipboard->Close();
      context_.log.write("space-advice-copied");
    }
  });
}

void SpaceWindow::update(const SessionSnapshot& snapshot) {
  snapshot_ = snapshot;
  if (distro_ != snapshot.menu.distro_name) {
    distro_ = snapshot.menu.distro_name;
    SetTitle(wxString::Format(_("Disk space — %s"), to_wx(distro_)));
    advice_->SetValue(vhd_compaction_advice(distro_));
  }
  const auto& state = snapshot.state;
  if (state.space) {
    show_report(*state.space);
  } else if (state.hello && !tray::method_supported(state, "space")) {
    summary_->SetLabel(_("This agent does not report disk space: update nixtray-agent in the distro."));
  }
  const auto running = tray::running_job(state);
  if (running && running->kind == protocol::JobKind::gc) {
    job_->SetLabel(
        wxString::Format(_("Garbage collection runs (job %s): %s"), to_wx(running->job_id), core_text(running->text)));
  } else if (!state.jobs.empty() && state.jobs.front().args.kind == protocol::JobKind::gc &&
             state.jobs.front().freed_bytes) {
    job_->SetLabel(wxString::Format(_("The last garbage collection (job %s) freed %s."), to_wx(state.jobs.front().id),
                                    format_size(*state.jobs.front().freed_bytes)));
  }
  collect_->Enable(state.space && tray::is_connected(state) && !running && !state.verifying);
  show_virtual_disk();
  show_cleanup();
  wrap_labels();
  Layout();
  log_shown();
}

void SpaceWindow::show_report(const protocol::SpaceReport& report) {
  summary_->SetLabel(wxString::Format(_("%s free of %s on the Nix store's file system. The store (%s) uses %s."),
                                      format_size(report.free_bytes), format_size(report.total_bytes),
                                      to_wx(report.store_dir), format_size(report.store_bytes)));
  const auto& usage = report.usage;
  const auto outside = std::max<std::int64_t>(0, report.total_bytes - report.free_bytes - report.store_bytes);
  bar_->set_parts({
      {_("Kept generations and the running system"), usage.system, wxColour(0x34, 0x65, 0xa4)},
      {_("Old generations"), usage.old_generations, wxColour(0xf5, 0x79, 0x00)},
      {_("Other roots"), usage.roots, wxColour(0x75, 0x50, 0x7b)},
      {_("Garbage"), usage.garbage, wxColour(0xcc, 0x00, 0x00)},
      {_("Nix's own files"), usage.other, wxColour(0x88, 0x8a, 0x85)},
      {_("Outside the Nix store"), outside, wxColour(0x55, 0x57, 0x53)},
      {_("Free"), report.free_bytes, wxColour(0xd3, 0xe8, 0xc8)},
  });

  generations_->DeleteAllItems();
  for (const auto& generation : report.generations) {
    const auto row = generations_->InsertItem(generations_->GetItemCount(), wxString::Format("%d", generation.number));
    const auto& known = snapshot_->state.generations;
    const auto info = std::find_if(known.begin(), known.end(),
                                   [&](const protocol::Generation& g) { return g.number == generation.number; });
    generations_->SetItem(row, 1, info != known.end() ? format_time(info->created) : wxString("—"));
    generations_->SetItem(row, 2, generation.kept ? wxString("—") : format_size(generation.frees_bytes));
    generations_->SetItem(row, 3,
                          generation.kept ? _("kept (default, current, booted or known-good)")
                                          : wxString::Format(_("store paths: %d"), generation.frees_paths));
  }
  keep_->SetRange(1, std::max(1, static_cast<int>(report.cleanup.size())));

  roots_->DeleteAllItems();
  for (const auto& group : report.roots) {
    const auto row = roots_->InsertItem(roots_->GetItemCount(), format_size(group.keeps_bytes));
    roots_->SetItem(row, 1, wxString::Format(_("%s (links: %d)"), to_wx(group.location), group.link_count));
  }
  if (report.roots.empty()) roots_->SetItem(roots_->InsertItem(0, wxEmptyString), 1, _("none"));
}

void SpaceWindow::show_virtual_disk() {
  // Read again when the distro or its free space changes (a registry read and a file's size).
  const auto& space = snapshot_->state.space;
  const auto key = distro_ + ":" + (space ? std::to_string(space->free_bytes) : std::string("-"));
  if (key == disk_key_) return;
  disk_key_ = key;
  const auto disk = tray::wsl_virtual_disk(distro_);
  const auto advice = tray::virtual_disk_advice(disk, space);
  disk_->SetLabel(sentence_text(advice.line));
  disk_->Show(!advice.line.empty());
  advice_->Show(advice.compact);
  copy_->Show(advice.compact);
  context_.log.write("space-virtual-disk", {{"bytes", disk ? protocol::json(disk->bytes) : protocol::json(nullptr)},
                                            {"compact", advice.compact},
                                            {"line", advice.line.english()}});
}

void SpaceWindow::show_cleanup() {
  if (!snapshot_ || !snapshot_->state.space) {
    cleanup_->SetLabel(wxEmptyString);
    return;
  }
  const auto* option = cleanup_for(*snapshot_->state.space, keep_->GetValue());
  if (!option) {
    cleanup_->SetLabel(_("The agent did not say what this would free."));
    return;
  }
  cleanup_->SetLabel(
      option->deletes.empty()
          ? wxString::Format(_("Deletes no generation and frees %s (the garbage)."), format_size(option->frees_bytes))
          : wxString::Format(_("Deletes generations: %s. Frees %s."), numbers_text(option->deletes),
                             format_size(option->frees_bytes)));
  wrap_labels();
}

void SpaceWindow::wrap_labels() {
  // To the window's width: a long store path or error message must not widen the page past its edge.
  const int width = std::max(GetClientSize().x - FromDIP(48), FromDIP(300));
  for (auto* label : {summary_, cleanup_, job_, disk_}) label->Wrap(width);
}

void SpaceWindow::collect_garbage() {
  if (!snapshot_ || !snapshot_->state.space) return;
  const int keep = keep_->GetValue();
  const auto* option = cleanup_for(*snapshot_->state.space, keep);
  const auto frees = option ? format_size(option->frees_bytes) : wxString("?");
  const auto question =
      option && !option->deletes.empty()
          ? wxString::Format(_("Collect garbage and delete generations: %s? This frees about %s and cannot be undone."),
                             numbers_text(option->deletes), frees)
          : wxString::Format(_("Collect garbage? No generation is deleted; this frees about %s."), frees);
  wxMessageDialog dialog(this, question, _("Collect garbage"), wxYES_NO | wxNO_DEFAULT | wxICON_WARNING);
  dialog.SetYesNoLabels(_("Collect garbage"), _("Cancel"));
  if (dialog.ShowModal() != wxID_YES) {
    context_.log.write("declined", {{"action", "gc"}, {"keep", keep}});
    return;
  }
  context_.log.write("command", {{"action", "gc"}, {"keep", keep}});
  job_->SetLabel(_("Starting garbage collection…"));
  collect_->Disable();
  context_.host.collect_garbage(
      keep, on_window<SpaceWindow, tray::ActionResult<std::string>>(this, [](SpaceWindow& window,
                                                                             tray::ActionResult<std::string> started) {
        window.job_->SetLabel(
            started ? wxString::Format(_("Garbage collection started (job %s)."), to_wx(started.value()))
                    : wxString::Format(_("Garbage collection could not start: %s"), to_wx(started.error().message)));
        if (!started) window.collect_->Enable();
        window.wrap_labels();
        window.Layout();
      }));
}

void SpaceWindow::log_shown() {
  if (!snapshot_ || !snapshot_->state.space) return;
  const auto& report = *snapshot_->state.space;
  protocol::json rows = protocol::json::array();
  for (long i = 0; i < generations_->GetItemCount(); ++i) {
    rows.push_back({{"generation", from_wx(generations_->GetItemText(i, 0))},
                    {"frees", from_wx(generations_->GetItemText(i, 2))},
                    {"note", from_wx(generations_->GetItemText(i, 3))}});
  }
  protocol::json fields = {
      {"summary", from_wx(summary_->GetLabel())},
      {"free_bytes", report.free_bytes},
      {"store_bytes", report.store_bytes},
      {"generations", rows},
      {"keep", keep_->GetValue()},
      // Where a test clicks: the spin control's text (to type a keep count) and the button, on the screen.
      {"keep_at",
       {{"x", keep_->GetScreenRect().x + keep_->GetScreenRect().width / 4},
        {"y", keep_->GetScreenRect().y + keep_->GetScreenRect().height / 2}}},
      {"collect_at",
       {{"x", collect_->GetScreenRect().x + collect_->GetScreenRect().width / 2},
        {"y", collect_->GetScreenRect().y + collect_->GetScreenRect().height / 2}}},
      {"collect_enabled", collect_->IsEnabled()},
      {"cleanup", from_wx(cleanup_->GetLabel())},
      {"job", from_wx(job_->GetLabel())}};
  const auto text = fields.dump();
  if (text == logged_) return;
  logged_ = text;
  context_.log.write("space-window", std::move(fields));
}

}  // namespace nixtray::gui
