// --ui-log FILE: what the GUI shows, one JSON object per line, for tests and bug reports to read
// what a person would have seen: {"t": ms since start, "event": "...", ...}. Events:
//   started {version, language, tray_available, tray_reason}
//   state {condition, icon, tooltip, detail, progress}    when what the tray shows changes
//   notification {kind, title, body, action}              as handed to the notification server
//   window {tab, reason}                                  the status window was shown
//   tab {tab}                                             another tab was chosen
//   menu {items: [labels]}                                the tray menu was built to open
//   flow {step, question}, error {message}, settings {saved}, quit {reason}
//   update-preview {job, headline, inputs: [{name, change}], summary, changes, question, switch, discard},
//   review {activate, update}                             the rebuild review's or the Update window's answer
//   advice {step, title}, advice-action {label, at}       onboarding: what to do, its button
//   install-dialog {image, name, folder, install, close}, install {result, steps, failure}
//   agent-rebuild-dialog {command, rebuild, close}, agent-rebuild {result, message}
//   dialog-closed {title}
//   space-window-shown {reason}; space-window {summary, free_bytes, store_bytes, generations: [{generation,
//   frees, note}], keep, keep_at {x, y} on the screen, cleanup, job} when what the Space window shows changes
// Positions ({x, y}) are a control's centre in its window's client area, for tests to click.
// GUI thread only. Text fields carry the translated text as shown.
#pragma once

#include "nixtray/protocol/json.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

namespace nixtray::gui {

class UiLog {
 public:
  UiLog() = default;
  explicit UiLog(const std::filesystem::path& file);

  [[nodiscard]] bool enabled() const { return out_.is_open(); }
  void write(const std::string& event, protocol::json fields = protocol::json::object());

 private:
  std::ofstream out_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace nixtray::gui
