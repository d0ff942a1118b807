// What TrayApp does with the person's choices from the tray menu: items only the GUI handles
// (windows, quit, start at login), a confirmation where the menu model asks for one, and the rest
// as commands for the session.
#include "copy_trial_window.hpp"
#include "rollback_dialog.hpp"
#include "status_window.hpp"
#include "tray_app.hpp"
#include "ui_log.hpp"
#include "ui_thread.hpp"
#include "wx_text.hpp"

#include "core/state/rollback_preview.hpp"

#include <wx/msgdlg.h>

namespace nixtray::gui {

void TrayApp::menu_chosen(const tray::MenuItem& item) {
  const auto& command = item.command;
  // Another target's action (its entry in the Targets submenu): that target is selected first,
  // and the action runs when the app shows its state (session_changed), so a confirmation or a
  // rollback preview is about the right distro.
  if (!command.target.empty() && command.action != tray::MenuAction::select_target && snapshot_ &&
      snapshot_->settings.target_name() != command.target) {
    log_->write("select-target", {{"target", command.target}, {"for", item.id}});
    pending_choice_ = item;
    host_->select(command.target);
    return;
  }
  log_->write("menu-chosen", {{"id", item.id}, {"action", std::string(tray::to_string(command.action))}});
  switch (command.action) {
    case tray::MenuAction::none:
      break;
    case tray::MenuAction::show_status_window:
      show_window(StatusTab::overview, "menu");
      break;
    case tray::MenuAction::show_unit:
      show_window(StatusTab::overview, "menu").show_unit(command.unit);
      break;
    case tray::MenuAction::show_job_log:
      show_window(StatusTab::jobs, "menu").show_job(command.job_id);
      break;
    case tray::MenuAction::open_settings:
      show_window(StatusTab::settings, "menu");
      break;
    case tray::MenuAction::show_space:
      show_space("menu");
      break;
    case tray::MenuAction::quit:
      quit("menu");
      break;
    case tray::MenuAction::select_target:
      log_->write("select-target", {{"target", command.target}});
      host_->select(command.target);
      break;
    case tray::MenuAction::try_on_copy:
      if (item.confirm && !confirm(*item.confirm)) {
        log_->write("declined", {{"action", std::string(tray::to_string(command.action))}});
        break;
      }
      try_on_copy();
      break;
    case tray::MenuAction::toggle_start_at_login:
      set_start_at_login(!(snapshot_ && snapshot_->settings.start_at_login));
      break;
    case tray::MenuAction::verify_boot:
    case tray::MenuAction::rebuild_and_verify: {
      if (item.confirm && !confirm(*item.confirm)) {
        log_->write("declined", {{"action", std::string(tray::to_string(command.action))}});
        break;
      }
      log_->write("command", {{"action", std::string(tray::to_string(command.action))}});
      host_->verify_boot(command.action == tray::MenuAction::rebuild_and_verify);
      break;
    }
    default:
      request(command, item.confirm);
      break;
  }
}

void TrayApp::request(const tray::MenuCommand& command, const std::optional<tray::Confirmation>& confirmation) {
  if (command.action == tray::MenuAction::rollback && command.generation && snapshot_ &&
      tray::current_generation(snapshot_->state)) {
    preview_rollback(command);
    return;
  }
  if (confirmation && !confirm(*confirmation)) {
    log_->write("declined", {{"action", std::string(tray::to_string(command.action))}});
    return;
  }
  log_->write("command", {{"action", std::string(tray::to_string(command.action))},
                          {"generation", command.generation ? protocol::json(*command.generation) : protocol::json()},
                          {"job", command.job_id}});
  host_->perform(command);
}

bool TrayApp::confirm(const tray::Confirmation& confirmation) {
  wxMessageDialog dialog(window_ ? static_cast<wxWindow*>(window_.get()) : nullptr,
                         sentence_text(confirmation.question), sentence_text(confirmation.title),
                         wxYES_NO | wxNO_DEFAULT | wxICON_WARNING);
  dialog.SetYesNoLabels(core_text(confirmation.accept), _("Cancel"));
  return dialog.ShowModal() == wxID_YES;
}

void TrayApp::preview_rollback(const tray::MenuCommand& command) {
  const int from = *tray::current_generation(snapshot_->state);
  const int to = *command.generation;
  log_->write("rollback-diff", {{"from", from}, {"to", to}});
  host_->diff_generations(from, to, [this, command, from, to](tray::ActionResult<protocol::GenerationsDiff> result) {
    auto diff = result ? std::optional(result.value()) : std::nullopt;
    run_on_ui([this, command, from, to, diff = std::move(diff)] {
      if (quitting_ || !snapshot_) return;
      const auto preview = tray::rollback_preview(snapshot_->state.generations, from, to, diff);
      if (!ask_rollback(window_ ? static_cast<wxWindow*>(window_.get()) : nullptr, preview, *log_)) {
        log_->write("declined", {{"action", std::string(tray::to_string(command.action))}});
        return;
      }
      log_->write("command", {{"action", std::string(tray::to_string(command.action))}, {"generation", to}});
      host_->perform(command);
    });
  });
}

void TrayApp::try_on_copy() {
  if (copy_trial_window_) {  // the last one's result: a new trial gets a new window
    copy_trial_window_->Destroy();
  }
  const auto distro = snapshot_ ? snapshot_->menu.distro_name : std::string();
  log_->write("command", {{"action", "try-on-copy"}, {"distro", distro}});
  copy_trial_window_ = new CopyTrialWindow(*context_, distro);
  copy_trial_window_->Show();
  copy_trial_window_->Raise();
  copy_trial_window_->start();
}

void TrayApp::set_start_at_login(bool enabled) {
  const auto result = start_at_login_->set_enabled(enabled);
  if (!result.ok) {
    action_failed(tray::sentence("%s", {result.message}));  // the platform's own words
    return;
  }
  log_->write("start-at-login", {{"enabled", enabled}, {"entry", start_at_login_->describe()}});
  host_->set_start_at_login(enabled);
}

}  // namespace nixtray::gui
