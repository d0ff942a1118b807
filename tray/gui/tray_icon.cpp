#include "tray_icon.hpp"

#include "tray_icon_art.hpp"
#include "ui_log.hpp"
#include "wx_text.hpp"

#include <wx/menu.h>

namespace nixtray::gui {

namespace {

// An item's label in the catalogue's language: its sentence when it has names or numbers in it.
wxString label_text(const tray::MenuItem& item) {
  return item.label_sentence.empty() ? core_text(item.label) : sentence_text(item.label_sentence);
}

}  // namespace

TrayIcon::TrayIcon(const TrayIconArt& art, UiLog& log, Handlers handlers)
    : art_(art), log_(log), handlers_(std::move(handlers)) {
  Bind(wxEVT_TASKBAR_LEFT_DOWN, [this](wxTaskBarIconEvent&) {
    if (handlers_.left_click) handlers_.left_click();
  });
}

void TrayIcon::show(const SessionSnapshot& snapshot) {
  snapshot_ = snapshot;
  auto view = tray::present(snapshot.state, snapshot.menu.distro_name);
  auto tooltip = tooltip_text(view);
  if (snapshot.fleet) {
    // Several targets: the most urgent one's icon, every target in the tooltip; progress only
    // when the selected target is the one shown.
    if (snapshot.fleet->icon != view.icon) view.progress_percent.reset();
    view.icon = snapshot.fleet->icon;
    view.unverified_badge = snapshot.fleet->unverified_badge;
    tooltip = to_wx(tray::fleet_tooltip(*snapshot.fleet, translated_words()));
  }
  const auto key = std::string(tray::to_string(view.icon)) + "|" +
                   (view.progress_percent ? std::to_string(*view.progress_percent) : "-") + "|" +
                   (view.unverified_badge ? "badge" : "-") + "|" + from_wx(tooltip);
  if (key == shown_key_) {
    return;
  }
  shown_key_ = key;
  SetIcon(art_.tray_bundle(view.icon, view.progress_percent, view.unverified_badge), tooltip);
}

wxMenu* TrayIcon::CreatePopupMenu() {
  auto* menu = new wxMenu;
  if (!snapshot_) {
    menu->Append(wxID_ANY, _("Starting…"))->Enable(false);
    return menu;
  }
  menu_ = tray::MenuModel::build(snapshot_->state, snapshot_->menu);
  // Its first line is the tooltip's (core's present()): in parts, so in the catalogue's language.
  for (auto& item : menu_.items) {
    if (item.id == "header")
      item.label = from_wx(tooltip_text(tray::present(snapshot_->state, snapshot_->menu.distro_name)));
  }
  item_ids_.clear();
  next_id_ = wxID_HIGHEST + 1000;
  add_items(*menu, menu_.items);
  menu->Bind(wxEVT_MENU, [this](wxCommandEvent& event) {
    const auto it = item_ids_.find(event.GetId());
    if (it == item_ids_.end()) return;
    if (const auto* item = menu_.find(it->second)) {
      // Handled after the menu has closed (a confirmation dialog must not run inside the popup),
      // with a copy: the model is rebuilt when the menu opens again.
      CallAfter([this, chosen = *item] {
        if (handlers_.chosen) handlers_.chosen(chosen);
      });
    }
  });
  protocol::json labels = protocol::json::array();
  protocol::json targets = protocol::json::array();
  protocol::json found = protocol::json::array();
  for (const auto& item : menu_.items) {
    if (item.kind == tray::MenuItem::Kind::separator) continue;
    labels.push_back(from_wx(label_text(item)) +
                     (item.disabled_reason.empty() ? "" : " [disabled: " + item.disabled_reason + "]"));
    if (item.id == "targets") {
      // Each target's line, "[selected]" on the one the menu is for (its own check item, or the
      // first of its submenu).
      for (const auto& target : item.children) {
        if (target.command.action == tray::MenuAction::add_target) found.push_back(target.command.distro);
        if (target.id.rfind("target/", 0) != 0) continue;  // the found distros' header and separator
        const auto& select = target.children.empty() ? target : target.children.front();
        targets.push_back(from_wx(label_text(target)) + (select.checked.value_or(false) ? " [selected]" : ""));
      }
    }
  }
  log_.write("menu", {{"items", labels}, {"targets", targets}, {"found", found}});
  return menu;
}

void TrayIcon::add_items(wxMenu& menu, const std::vector<tray::MenuItem>& items) {
  for (const auto& item : items) {
    const int id = next_id_++;
    item_ids_[id] = item.id;
    auto label = label_text(item);
    // A popup menu has no status bar and GTK does not highlight a disabled item, so the reason an
    // item is disabled is said in the item itself.
    if (!item.enabled && !item.disabled_reason.empty() && item.kind != tray::MenuItem::Kind::header) {
      label +=
          wxString::FromUTF8(" \xE2\x80\x94 ") +
          (item.disabled_sentence.empty() ? core_text(item.disabled_reason) : sentence_text(item.disabled_sentence));
    }
    label.Replace("&", "&&");  // unit names and versions are not mnemonics
    switch (item.kind) {
      case tray::MenuItem::Kind::separator:
        menu.AppendSeparator();
        break;
      case tray::MenuItem::Kind::header:
        menu.Append(id, label)->Enable(false);
        break;
      case tray::MenuItem::Kind::submenu: {
        auto* sub = new wxMenu;
        add_items(*sub, item.children);
        auto* entry = menu.AppendSubMenu(sub, label, to_wx(item.disabled_reason));
        entry->Enable(item.enabled);
        break;
      }
      case tray::MenuItem::Kind::action: {
        wxMenuItem* entry = nullptr;
        if (item.checked) {
          entry = menu.AppendCheckItem(id, label, to_wx(item.disabled_reason));
          entry->Check(*item.checked);
        } else {
          entry = menu.Append(id, label, to_wx(item.disabled_reason));
        }
        entry->Enable(item.enabled);
        break;
      }
    }
  }
}

}  // namespace nixtray::gui
