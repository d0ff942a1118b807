#include "ui_log.hpp"

#include <stdexcept>

namespace nixtray::gui {

UiLog::UiLog(const std::filesystem::path& file) : out_(file, std::ios::app) {
  if (!out_) {
    throw std::runtime_error("cannot write the UI log " + file.string());
  }
}

void UiLog::write(const std::string& event, protocol::json fields) {
  if (!out_.is_open()) {
    return;
  }
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_);
  protocol::json line = protocol::json::object();
  line["t"] = elapsed.count();
  line["event"] = event;
  for (auto& [key, value] : fields.items()) {
    line[key] = std::move(value);
  }
  // Invalid UTF-8 (a unit name from a broken system) must not end the log.
  out_ << line.dump(-1, ' ', false, protocol::json::error_handler_t::replace) << '\n';
  out_.flush();
}

}  // namespace nixtray::gui
