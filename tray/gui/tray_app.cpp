#include "tray_app.hpp"

#include "copy_trial_window.hpp"
#include "demo_log_feed.hpp"
#include "jobs_page.hpp"
#include "notification_presenter.hpp"
#include "rebuild_review.hpp"
#include "single_instance.hpp"
#include "space_window.hpp"
#include "status_window.hpp"
#include "translations.hpp"
#include "tray_host_monitor.hpp"
#include "tray_icon.hpp"
#include "tray_icon_art.hpp"
#include "ui_log.hpp"
#include "update_preview_dialog.hpp"
#include "verify_window.hpp"
#include "wx_text.hpp"

#include "core/system/resource_paths.hpp"
#include "core/verify/session_verify.hpp"

#include "nixtray/version.hpp"
#include "platform_services.hpp"

#include <wx/dialog.h>
#include <wx/notifmsg.h>
#if defined(__WXMSW__)
#include <wx/msw/registry.h>

#include <shobjidl.h>
#endif
#include <wx/stdpaths.h>

#include <chrono>
#include <functional>
#include <iostream>

namespace nixtray::gui {

namespace {

// Windows draws the taskbar light or dark; the tray icons have a picture for each. Elsewhere the
// default pictures serve both.
std::string taskbar_icon_variant() {
#if defined(__WXMSW__)
  wxRegKey personalize(wxRegKey::HKCU, "Software\\Microsoft\\Windows\\CurrentVersion\\Themes\\Personalize");
  long light = 0;
  if (personalize.Exists() && personalize.HasValue("SystemUsesLightTheme") &&
      personalize.QueryValue("SystemUsesLightTheme", &light) && light != 0) {
    return "light";
  }
#endif
  return {};
}

wxString no_tray_notice() {
  return _(
      "No system tray was found on this desktop, so nixtray shows this window instead of an icon. "
      "A panel with a system tray (notification area) is needed; on GNOME, enable the \"AppIndicator and "
      "KStatusNotifierItem Support\" extension. Closing this window quits nixtray.");
}

}  // namespace

TrayApp::TrayApp() : quit_timer_(this) {}

TrayApp::~TrayApp() = default;

bool TrayApp::OnInit() {
  SetAppName("nixtray");
  SetAppDisplayName("nixtray");
  SetClassName("nixtray");
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    args.push_back(from_wx(argv[i]));
  }
  try {
    if (!start(args)) {
      early_exit_ = early_exit_.value_or(0);
    }
  } catch (const cli::UsageError& e) {
    std::cerr << "nixtray: " << e.what() << "\n";
    early_exit_ = gui_exit_usage;
  } catch (const std::exception& e) {
    std::cerr << "nixtray: " << e.what() << "\n";
    early_exit_ = gui_exit_failed;
  }
  return true;  // OnRun returns the early exit code: OnInit's false would always mean -1
}

int TrayApp::OnRun() {
  if (early_exit_) {
    return *early_exit_;
  }
  return wxApp::OnRun();
}

bool TrayApp::start(const std::vector<std::string>& args) {
  options_ = parse_gui_options(args);
  if (options_.help || options_.version) {
    std::cout << (options_.version ? std::string("nixtray ") + nixtray::version + "\n"
                                   : cli::program_help(nixtray_program()));
    return false;
  }
  const std::filesystem::path executable = from_wx(wxStandardPaths::Get().GetExecutablePath());
  const auto resources = tray::find_resources(executable);
  const auto translation = setup_translations(resources.locale);
  log_ = options_.ui_log ? std::make_unique<UiLog>(*options_.ui_log) : std::make_unique<UiLog>();

  const auto key =
      options_.session.settings_file.path().string() + "|" + net::to_string(options_.session.link.endpoint);
  const auto tab = options_.open_status_window.value_or(StatusTab::overview);
  // A second start asks for a tab of the status window, or for the Space window ("space").
  const auto asked = options_.open_space_window ? std::string("space") : std::string(to_string(tab));
  instance_ = std::make_unique<SingleInstance>(key, asked, [this](const std::string& name) {
    if (name == "space") return show_space("second start");
    show_window(parse_status_tab(name).value_or(StatusTab::overview), "second start");
  });
  if (instance_->outcome() != SingleInstance::Outcome::first) {
    const bool raised = instance_->outcome() == SingleInstance::Outcome::raised_other;
    std::cerr << "nixtray: already running for " << key << (raised ? "; its status window was raised" : "") << "\n";
    log_->write("already-running", {{"raised", raised}});
    instance_.reset();
    return false;
  }

  art_ = std::make_unique<TrayIconArt>(resources.icons, taskbar_icon_variant());
  if (!art_->problem().empty()) {
    std::cerr << "nixtray: warning: " << art_->problem() << "\n";
  }
  for (const auto& warning : options_.session.warnings) {
    std::cerr << "nixtray: warning: " << warning << "\n";
  }
  start_at_login_ = platform::make_start_at_login(executable.string(), options_.start_arguments);

  io_ = std::make_unique<IoThread>();
  io_->start();
  host_ = std::make_unique<SessionHost>(*io_, *this);
  context_ = std::make_unique<StatusContext>(
      StatusContext{*host_, *art_, *log_,
                    [this](const tray::MenuCommand& command, const std::optional<tray::Confirmation>& confirmation) {
                      request(command, confirmation);
                    },
                    [this](const tray::TraySettings& settings) { return save_settings(settings); }, options_.overrides,
                    options_.session.settings_file.path().string(), start_at_login_->describe()});
  notifier_ = std::make_unique<NotificationPresenter>(
      *art_, *log_, [this](const tray::NotificationAction& action, const std::string& target) {
        // Another target's notification: its windows, so the menu and the windows are for it first.
        if (!target.empty()) host_->select(target);
        switch (action.kind) {
          case tray::NotificationAction::Kind::show_job_log:
            show_window(StatusTab::jobs, "notification").show_job(action.job_id);
            break;
          case tray::NotificationAction::Kind::show_unit:
            show_window(StatusTab::overview, "notification").show_unit(action.unit);
            break;
          case tray::NotificationAction::Kind::show_status_window:
            show_window(StatusTab::overview, "notification");
            break;
          case tray::NotificationAction::Kind::show_space:
            show_space("notification");
            break;
          case tray::NotificationAction::Kind::update:
            // As the menu's "Update…": it builds first and asks before anything changes.
            host_->perform(tray::MenuCommand{tray::MenuAction::update});
            break;
          case tray::NotificationAction::Kind::verify_boot: {
            // As the menu's "Verify boot…": it restarts the distro, so it asks first (menu_chosen).
            if (!snapshot_) break;
            const auto menu = tray::MenuModel::build(snapshot_->state, snapshot_->menu);
            if (const auto* verify = menu.find("verify-boot"); verify && verify->enabled) {
              menu_chosen(*verify);
            } else {
              show_window(StatusTab::overview, "notification");
            }
            break;
          }
        }
      });

  // The icon is created even without a tray host: GTK embeds it as soon as one appears.
  tray_available_ = wxTaskBarIcon::IsAvailable();
  tray_ = new TrayIcon(*art_, *log_,
                       TrayIcon::Handlers{[this](const tray::MenuItem& item) { menu_chosen(item); },
                                          [this] { show_window(StatusTab::overview, "tray icon clicked"); }});
  tray_->SetIcon(art_->tray_bundle(tray::IconId::transition), core_text("NixOS \xE2\x80\x94 connecting to the agent"));
#if defined(__WXMSW__)
  // One icon in the notification area: balloons come from ours. Toasts (Windows 10 and later)
  // need a Start-menu shortcut carrying our AppUserModelID: the installer makes it, and wx makes
  // it when it is missing.
  // wx's own toasts need WinRT, which the MinGW build of wx lacks; its balloons are shown as
  // toasts by Windows 10 and later, grouped under this AppUserModelID, the one the installer puts
  // on the Start-menu shortcut.
  wxNotificationMessage::UseTaskBarIcon(tray_);
  const bool app_id = SUCCEEDED(::SetCurrentProcessExplicitAppUserModelID(L"nixtray.nixtray"));
  log_->write("notifications", {{"app_id", app_id}, {"kind", "balloon"}});
#endif

  log_->write("started", {{"version", nixtray::version},
                          {"language", from_wx(translation.language)},
                          {"agent", net::to_string(options_.session.link.endpoint)},
                          {"control", options_.session.control ? options_.session.control->describe() : "none"},
                          {"tray_available", tray_available_},
                          {"icons", resources.icons.string()},
                          {"locale", resources.locale.string()}});
  log_->write("tray", {{"available", tray_available_}});

  host_->start(options_.session, options_.other_targets);
  if (options_.autostart && options_.session.settings.start_distro_at_login) {
    log_->write("command", {{"action", "start_distro"}, {"why", "start at login"}});
    request(tray::MenuCommand{tray::MenuAction::start_distro}, std::nullopt);
  }

  if (!tray_available_) {
    show_window(options_.open_status_window.value_or(StatusTab::overview), "no tray host");
  } else if (options_.open_status_window) {
    show_window(*options_.open_status_window, "command line");
  }
  if (options_.open_space_window) show_space("command line");

  Bind(wxEVT_TIMER, [this](wxTimerEvent& event) {
    if (event.GetTimer().GetId() == quit_timer_.GetId()) {
      quit("quit-after");
    } else {
      event.Skip();
    }
  });
  if (options_.quit_after_seconds) {
    quit_timer_.StartOnce(*options_.quit_after_seconds * 1000);
  }
  tray_host_ = std::make_unique<TrayHostMonitor>(*log_, [this] { check_tray_host(); });
  tray_host_->start();
  if (options_.demo_log_lines) {
    start_demo_log(*options_.demo_log_lines);
  }
  return true;
}

int TrayApp::OnExit() {
  tray_host_.reset();
  demo_.reset();
  if (host_) host_->stop();
  if (io_) io_->stop();
  notifier_.reset();
  instance_.reset();
  host_.reset();
  io_.reset();
  // Window-bound continuations released by the io thread's last handlers are deleted here.
  ProcessPendingEvents();
  return wxApp::OnExit();
}

bool TrayApp::OnExceptionInMainLoop() {
  try {
    throw;
  } catch (const std::exception& e) {
    std::cerr << "nixtray: unexpected error: " << e.what() << "\n";
    if (log_) log_->write("error", {{"message", std::string("unexpected: ") + e.what()}});
  } catch (...) {
    std::cerr << "nixtray: unexpected error\n";
  }
  return true;  // the tray keeps running; the person can still quit it
}

void TrayApp::session_changed(const SessionSnapshot& snapshot) {
  snapshot_ = snapshot;
  if (pending_choice_ && pending_choice_->command.target == snapshot.settings.target_name()) {
    const auto chosen = *pending_choice_;
    pending_choice_.reset();
    CallAfter([this, chosen] { menu_chosen(chosen); });
  }
  if (tray_) tray_->show(snapshot);
  if (window_) window_->update(snapshot);
  if (space_window_) space_window_->update(snapshot);
  log_state(snapshot);
  if (!interrupted_verify_checked_) {
    // A tray that died during a boot check left its record: say so once (Verify boot resumes it).
    interrupted_verify_checked_ = true;
    if (auto notice = tray::interrupted_verify_notification(snapshot.settings)) notification_arrived(*notice);
  }
  if (!start_at_login_synced_) {
    // The platform's record is the truth (the person may have removed the entry by hand).
    start_at_login_synced_ = true;
    const bool actual = start_at_login_->enabled();
    if (actual != snapshot.settings.start_at_login) host_->set_start_at_login(actual);
  }
}

void TrayApp::log_state(const SessionSnapshot& snapshot) {
  const auto view = tray::present(snapshot.state, snapshot.menu.distro_name);
  const auto tooltip = from_wx(tooltip_text(view));
  const auto detail = from_wx(detail_text(view));
  const auto target = snapshot.settings.target_name();
  const auto fleet_icon = snapshot.fleet ? std::string(tray::to_string(snapshot.fleet->icon)) : std::string();
  const auto fleet_tooltip = snapshot.fleet ? tray::fleet_tooltip(*snapshot.fleet, translated_words()) : std::string();
  const auto key = std::string(tray::to_string(view.condition)) + "|" + std::string(tray::to_string(view.icon)) + "|" +
                   tooltip + "|" + detail + "|" +
                   (view.progress_percent ? std::to_string(*view.progress_percent) : "") + "|" + target + "|" +
                   fleet_icon + "|" + fleet_tooltip;
  if (key == logged_state_) return;
  logged_state_ = key;
  protocol::json entry = {
      {"condition", std::string(tray::to_string(view.condition))},
      {"icon", std::string(tray::to_string(view.icon))},
      {"tooltip", tooltip},
      {"detail", detail},
      {"progress", view.progress_percent ? protocol::json(*view.progress_percent) : protocol::json()},
      {"target", target}};
  // Several targets: what the icon shows for all of them.
  if (snapshot.fleet) {
    entry["fleet_icon"] = fleet_icon;
    entry["fleet_worst"] = snapshot.fleet->worst_target;
    entry["fleet_tooltip"] = fleet_tooltip;
  }
  log_->write("state", entry);
}

void TrayApp::notification_arrived(const tray::Notification& notification) { notifier_->show(notification); }

void TrayApp::rebuild_flow_changed(const tray::RebuildFlow& flow) {
  log_->write("flow", {{"step", std::string(tray::to_string(flow.step()))},
                       {"job", flow.job_id()},
                       {"failure", flow.failure()},
                       {"note", flow.diff_note()},
                       {"changes", flow.diff() ? protocol::json(flow.diff()->changes.size()) : protocol::json()}});
  switch (flow.step()) {
    case tray::RebuildStep::reviewing:
      if (flow.job_id() != reviewed_job_) {
        reviewed_job_ = flow.job_id();
        CallAfter([this, flow] {
          if (flow.updating())
            ask_update_review(flow);
          else
            ask_rebuild_review(flow);
        });
      }
      break;
    case tray::RebuildStep::failed:
      if (window_) {
        window_->show_error(wxString::Format(flow.updating() ? _("The update failed: %s") : _("The rebuild failed: %s"),
                                             to_wx(flow.failure())));
      }
      break;
    case tray::RebuildStep::finished:
      if (window_) {
        const auto changes = flow.diff() ? flow.diff()->changes.size() : 0U;
        if (flow.updating() && flow.lock_written()) {
          // The person's flake.lock changed: say which file, as a commit of it is theirs to make.
          window_->show_error(wxString::Format(_("Switched to the update: %lu packages changed; wrote %s."),
                                               static_cast<unsigned long>(changes), to_wx(*flow.lock_written())));
        } else {
          window_->show_error(
              wxString::Format(_("Rebuilt: %lu packages changed."), static_cast<unsigned long>(changes)));
        }
      }
      break;
    default:
      break;
  }
}

void TrayApp::ask_rebuild_review(const tray::RebuildFlow& flow) {
  if (quitting_) return;
  const bool activate = gui::ask_rebuild_review(window_ ? static_cast<wxWindow*>(window_.get()) : nullptr, flow);
  log_->write("review", {{"activate", activate}});
  host_->answer_rebuild_review(activate);
}

void TrayApp::ask_update_review(const tray::RebuildFlow& flow) {
  if (quitting_) return;
  const bool activate =
      ask_update(window_ ? static_cast<wxWindow*>(window_.get()) : nullptr, tray::update_preview(flow), *log_);
  log_->write("review", {{"activate", activate}, {"update", true}});
  host_->answer_rebuild_review(activate);
}

void TrayApp::job_log_arrived(const tray::JobLogReceived& log) {
  if (window_) window_->job_log_arrived(log);
}

void TrayApp::action_failed(const tray::Sentence& message) {
  log_->write("error", {{"message", message.english()}});
  if (window_) window_->show_error(sentence_text(message));
  std::cerr << "nixtray: " << message.english() << "\n";
}

void TrayApp::verify_changed(const tray::VerifyProgressView& view) {
  if (quitting_) return;
  // A new check opens the window (or raises it); later steps only update it, so a person who
  // closed it is not interrupted again until the next check.
  const bool new_check = view.serial() != verify_serial_;
  verify_serial_ = view.serial();
  if (!verify_window_ && !new_check) return;
  if (!verify_window_) verify_window_ = new VerifyWindow(*context_);
  verify_window_->update(view, snapshot_ ? snapshot_->menu.distro_name : std::string());
  if (new_check) {
    verify_window_->Show();
    verify_window_->Raise();
    log_->write("window", {{"tab", "verify"}, {"reason", "verify started"}});
  }
}

StatusWindow& TrayApp::show_window(StatusTab tab, const std::string& reason) {
  if (!window_) {
    auto* window = new StatusWindow(*context_, _("nixtray"));
    window_ = window;
    window->Bind(wxEVT_CLOSE_WINDOW, [this](wxCloseEvent& event) {
      if (!tray_available_ && !quitting_) {
        // Without a tray icon this window is the app: closing it quits.
        CallAfter([this] { quit("window closed (no tray host)"); });
      }
      event.Skip();
    });
    if (!tray_available_) window->show_notice(no_tray_notice());
    if (snapshot_) window->update(*snapshot_);
  }
  window_->show_tab(tab);
  window_->Show();
  window_->Raise();
  log_->write("window", {{"tab", std::string(to_string(tab))},
                         {"reason", reason},
                         {"notice", tray_available_ ? std::string() : from_wx(no_tray_notice())}});
  return *window_;
}

void TrayApp::show_space(const std::string& reason) {
  if (!space_window_) {
    space_window_ = new SpaceWindow(*context_);
    if (snapshot_) space_window_->update(*snapshot_);
  }
  space_window_->Show();
  space_window_->Raise();
  log_->write("space-window-shown", {{"reason", reason}});
}

std::string TrayApp::save_settings(const tray::TraySettings& settings) {
  try {
    (void)tray::effective_endpoint(settings);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  if (settings.start_at_login != start_at_login_->enabled()) {
    const auto result = start_at_login_->set_enabled(settings.start_at_login);
    if (!result.ok) return result.message;
  }
  // The session saves it, and makes the next session's set-up when the connection changed.
  auto applied = host_->apply_settings(settings);
  if (!applied.problem.empty()) return applied.problem;
  if (applied.next) {
    options_.session = *applied.next;
    log_->write("reconnect", {{"agent", net::to_string(applied.next->link.endpoint)}});
    host_->restart_selected(std::move(*applied.next));
  }
  return {};
}

void TrayApp::check_tray_host() {
  const bool available = wxTaskBarIcon::IsAvailable();
  if (available == tray_available_) return;
  tray_available_ = available;
  log_->write("tray", {{"available", available}});
  if (!available) {
    show_window(StatusTab::overview, "tray host gone");
    if (window_) window_->show_notice(no_tray_notice());
  } else if (window_) {
    window_->show_notice(
        _("A system tray is available now: nixtray's icon is there, and closing this window no longer "
          "quits nixtray."));
  }
}

void TrayApp::start_demo_log(long long lines) {
  auto& window = show_window(StatusTab::jobs, "demo log");
  window.show_job("demo");
  demo_ =
      std::make_unique<DemoLogFeed>(*host_, *io_, *log_, [this] { return window_ ? window_->jobs().log_lines() : 0; });
  demo_->start(lines);
}

void TrayApp::quit(const std::string& reason) {
  if (quitting_) return;
  quitting_ = true;
  log_->write("quit", {{"reason", reason}});
  quit_timer_.Stop();
  if (tray_host_) tray_host_->stop();
  if (demo_) demo_->stop();
  // A confirmation left open must not keep the app alive.
  for (auto* window : wxTopLevelWindows) {
    if (auto* dialog = dynamic_cast<wxDialog*>(window); dialog && dialog->IsModal()) dialog->EndModal(wxID_CANCEL);
  }
  if (window_) window_->Destroy();
  if (verify_window_) verify_window_->Destroy();
  if (space_window_) space_window_->Destroy();
  if (copy_trial_window_) copy_trial_window_->Destroy();
  if (tray_) {
    tray_->RemoveIcon();
    tray_->Destroy();
    tray_ = nullptr;
  }
  ExitMainLoop();
}

}  // namespace nixtray::gui
