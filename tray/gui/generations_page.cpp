#include "generations_page.hpp"

#include "display_format.hpp"
#include "ui_log.hpp"
#include "ui_thread.hpp"
#include "wx_text.hpp"

#include "core/state/state_text.hpp"

#include <wx/button.h>
#include <wx/listctrl.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

namespace nixtray::gui {

GenerationsPage::GenerationsPage(wxWindow* parent, StatusContext& context) : wxPanel(parent), context_(context) {
  auto* top = new wxBoxSizer(wxVERTICAL);
  list_ = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, FromDIP(wxSize(-1, 200)), wxLC_REPORT);
  list_->AppendColumn(_("Generation"), wxLIST_FORMAT_RIGHT, FromDIP(90));
  list_->AppendColumn(_("NixOS"), wxLIST_FORMAT_LEFT, FromDIP(240));
  list_->AppendColumn(_("Created"), wxLIST_FORMAT_LEFT, FromDIP(130));
  list_->AppendColumn(_("Size"), wxLIST_FORMAT_RIGHT, FromDIP(80));
  list_->AppendColumn(_("Marks"), wxLIST_FORMAT_LEFT, FromDIP(250));
  top->Add(list_, 1, wxEXPAND | wxALL, FromDIP(12));

  auto* buttons = new wxBoxSizer(wxHORIZONTAL);
  diff_button_ = new wxButton(this, wxID_ANY, _("Show differences"));
  rollback_button_ = new wxButton(this, wxID_ANY, _("Roll back to this…"));
  good_button_ = new wxButton(this, wxID_ANY, _("Mark known good"));
  buttons->Add(diff_button_, 0, wxRIGHT, FromDIP(8));
  buttons->Add(rollback_button_, 0, wxRIGHT, FromDIP(8));
  buttons->Add(good_button_, 0, wxRIGHT, FromDIP(8));
  top->Add(buttons, 0, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(12));
  note_ = new wxStaticText(this, wxID_ANY, _("Select two generations to compare them, one to roll back to it."));
  top->Add(note_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, FromDIP(12));

  diff_title_ = new wxStaticText(this, wxID_ANY, wxEmptyString);
  diff_title_->SetFont(diff_title_->GetFont().Bold());
  top->Add(diff_title_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, FromDIP(12));
  diff_ = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, FromDIP(wxSize(-1, 160)), wxLC_REPORT | wxLC_SINGLE_SEL);
  diff_->AppendColumn(_("Package"), wxLIST_FORMAT_LEFT, FromDIP(200));
  diff_->AppendColumn(_("Change"), wxLIST_FORMAT_LEFT, FromDIP(80));
  diff_->AppendColumn(_("From"), wxLIST_FORMAT_LEFT, FromDIP(200));
  diff_->AppendColumn(_("To"), wxLIST_FORMAT_LEFT, FromDIP(200));
  diff_->AppendColumn(_("Size"), wxLIST_FORMAT_RIGHT, FromDIP(90));
  top->Add(diff_, 1, wxEXPAND | wxALL, FromDIP(12));
  SetSizer(top);

  list_->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent&) { selection_changed(); });
  list_->Bind(wxEVT_LIST_ITEM_DESELECTED, [this](wxListEvent&) { selection_changed(); });
  diff_button_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { show_diff(); });
  rollback_button_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { roll_back(); });
  good_button_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { mark_good(); });
  selection_changed();
}

void GenerationsPage::update(const SessionSnapshot& snapshot) {
  snapshot_ = snapshot;
  const auto& generations = snapshot.state.generations;
  const auto host_good = snapshot.menu.host_known_good;
  std::string key;
  for (const auto& g : generations) {
    key += std::to_string(g.number) + (g.is_default ? "d" : "") + (g.current ? "c" : "") + (g.booted ? "b" : "") +
           (g.known_good ? "k" : "") + (g.closure_size ? std::to_string(*g.closure_size) : "") +
           (g.problem ? *g.problem : "") + ",";
  }
  key += host_good ? std::to_string(*host_good) : "";
  if (key == shown_key_) {
    selection_changed();
    return;
  }
  shown_key_ = key;
  const auto before = selected();
  generations_ = generations;
  list_->Freeze();
  list_->DeleteAllItems();
  for (std::size_t i = 0; i < generations_.size(); ++i) {
    const auto& g = generations_[i];
    const auto row = list_->InsertItem(static_cast<long>(i), wxString::Format("%d", g.number));
    list_->SetItem(row, 1, g.nixos_version ? to_wx(*g.nixos_version) : wxString());
    list_->SetItem(row, 2, format_time(g.created));
    list_->SetItem(row, 3, g.closure_size ? format_size(*g.closure_size) : wxString());
    list_->SetItem(row, 4, generation_marks(g, !g.known_good && host_good && *host_good == g.number));
    if (std::find(before.begin(), before.end(), g.number) != before.end()) {
      list_->SetItemState(row, wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
    }
  }
  list_->Thaw();
  selection_changed();
  // What the last switch changed, before anyone asks: the current generation against the one
  // before it, once, when the list first arrives.
  if (!diff_shown_ && tray::is_connected(snapshot.state) && generations_.size() >= 2 && selected().empty()) {
    long current = -1;
    for (std::size_t i = 0; i < generations_.size(); ++i) {
      if (generations_[i].current) current = static_cast<long>(i);
    }
    if (current >= 0 && static_cast<std::size_t>(current + 1) < generations_.size()) {
      diff_shown_ = true;
      list_->SetItemState(current, wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
      list_->SetItemState(current + 1, wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
      show_diff();
    }
  }
}

std::vector<int> GenerationsPage::selected() const {
  std::vector<int> numbers;
  for (long row = list_->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED); row != -1;
       row = list_->GetNextItem(row, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED)) {
    if (static_cast<std::size_t>(row) < generations_.size())
      numbers.push_back(generations_[static_cast<std::size_t>(row)].number);
  }
  return numbers;
}

void GenerationsPage::selection_changed() {
  const auto numbers = selected();
  const bool connected = snapshot_ && tray::is_connected(snapshot_->state);
  diff_button_->Enable(connected && numbers.size() == 2);
  const protocol::Generation* one = nullptr;
  if (numbers.size() == 1) {
    for (const auto& g : generations_) {
      if (g.number == numbers.front()) one = &g;
    }
  }
  rollback_button_->Enable(connected && one && !one->is_default && !one->problem &&
                           !tray::running_job(snapshot_->state));
  good_button_->Enable(connected && one && !one->known_good && !one->problem);
}

void GenerationsPage::show_diff() {
  diff_shown_ = true;
  auto numbers = selected();
  if (numbers.size() != 2) return;
  std::sort(numbers.begin(), numbers.end());
  const int from = numbers[0];
  const int to = numbers[1];
  diff_title_->SetLabel(wxString::Format(_("Comparing generation %d with %d…"), from, to));
  diff_->DeleteAllItems();
  context_.host.diff_generations(
      from, to,
      on_window<GenerationsPage, tray::ActionResult<protocol::GenerationsDiff>>(
          this, [from, to](GenerationsPage& page, tray::ActionResult<protocol::GenerationsDiff> result) {
            if (!result) {
              page.diff_title_->SetLabel(wxString::Format(_("Generations %d and %d cannot be compared: %s"), from, to,
                                                          to_wx(result.error().message)));
              return;
            }
            const auto& diff = result.value();
            page.diff_title_->SetLabel(
                wxString::Format(_("From generation %d to %d: %lu packages changed, closure %s → %s"), from, to,
                                 static_cast<unsigned long>(diff.changes.size()), format_size(diff.from_closure_size),
                                 format_size(diff.to_closure_size)));
            page.diff_->Freeze();
            for (std::size_t i = 0; i < diff.changes.size(); ++i) {
              const auto& change = diff.changes[i];
              const auto row = page.diff_->InsertItem(static_cast<long>(i), to_wx(change.name));
              page.diff_->SetItem(row, 1, package_change_kind_text(change.kind));
              page.diff_->SetItem(row, 2, format_versions(change.from_versions));
              page.diff_->SetItem(row, 3, format_versions(change.to_versions));
              page.diff_->SetItem(row, 4, format_size_delta(change.size_delta));
            }
            page.diff_->Thaw();
            page.context_.log.write("diff", {{"from", from}, {"to", to}, {"changes", diff.changes.size()}});
          }));
}

void GenerationsPage::roll_back() {
  const auto numbers = selected();
  if (numbers.size() != 1 || !snapshot_) return;
  // The same command and question as the tray menu's Roll back entry.
  const auto menu = tray::MenuModel::build(snapshot_->state, snapshot_->menu);
  if (const auto* item = menu.find("rollback/" + std::to_string(numbers.front()))) {
    context_.request(item->command, item->confirm);
    return;
  }
  tray::MenuCommand command;
  command.action = tray::MenuAction::rollback;
  command.generation = numbers.front();
  command.mode = protocol::RebuildMode::switch_;
  context_.request(command,
                   tray::Confirmation{tray::sentence("Roll back"),
                                      tray::sentence("Make generation %1$s the system of %2$s and activate it now?",
                                                     {std::to_string(numbers.front()), snapshot_->menu.distro_name}),
                                      "Roll back"});
}

void GenerationsPage::mark_good() {
  const auto numbers = selected();
  if (numbers.size() != 1) return;
  const int number = numbers.front();
  note_->SetLabel(wxString::Format(_("Marking generation %d known good…"), number));
  context_.host.mark_good(
      number, on_window<GenerationsPage, tray::ActionResult<int>>(
                  this, [number](GenerationsPage& page, tray::ActionResult<int> result) {
                    page.note_->SetLabel(result ? wxString::Format(_("Generation %d is known good."), number)
                                                : wxString::Format(_("Generation %d cannot be marked: %s"), number,
                                                                   to_wx(result.error().message)));
                    page.Layout();
                  }));
}

}  // namespace nixtray::gui
