#include "core/state/action_error_text.hpp"

#include "nixtray/text/byte_size.hpp"

namespace nixtray::tray {

namespace {

std::optional<std::string> data_text(const ActionError& error, const char* key) {
  if (!error.data.is_object()) return std::nullopt;
  const auto it = error.data.find(key);
  if (it == error.data.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// What the error means for the person, without the agent's words.
Sentence headline(const ActionError& error) {
  switch (error.kind) {
    case ActionErrorKind::not_connected:
      return sentence("Not connected to the agent.");
    case ActionErrorKind::not_supported:
      return sentence("The agent in the distro is too old for this: update nixtray-agent there.");
    case ActionErrorKind::unauthorized:
      return sentence("This connection is read-only: only root and members of the agent's group may do this.");
    case ActionErrorKind::busy:
      if (const auto job = data_text(error, "job")) {
        return sentence("Job %s is running: wait for it to end, or cancel it in the Jobs tab.", {*job});
      }
      if (data_text(error, "external")) {
        return sentence("A rebuild started outside nixtray is running: try again when it has ended.");
      }
      return sentence("Another job is running: try again when it has ended.");
    case ActionErrorKind::not_found:
      return sentence("The agent does not have it (any more).");
    case ActionErrorKind::refused:
      if (error.data.is_object() && error.data.contains("free_bytes") && error.data["free_bytes"].is_number_integer()) {
        return sentence("Too little free space for the Nix store (%s free): garbage collection frees room.",
                        {text::format_bytes(error.data["free_bytes"].get<std::int64_t>())});
      }
      return sentence("The agent refused.");
    case ActionErrorKind::invalid:
    case ActionErrorKind::failed:
      return sentence("The agent could not do it.");
    case ActionErrorKind::timeout:
      return sentence("The agent did not answer in time.");
    case ActionErrorKind::disconnected:
      return sentence("The connection to the agent ended before it answered.");
  }
  return sentence("The agent could not do it.");
}

// The kinds whose message is the agent's (or the transport's) own account, worth keeping.
bool keeps_detail(ActionErrorKind kind) {
  return kind != ActionErrorKind::not_connected && kind != ActionErrorKind::not_supported;
}

}  // namespace

Sentence action_error_sentence(const ActionError& error) {
  auto said = headline(error);
  if (error.message.empty() || !keeps_detail(error.kind)) return said;
  auto with_detail = sentence("%1$s (%2$s)", {std::string(), error.message});
  with_detail.nest(0, std::move(said));
  return with_detail;
}

}  // namespace nixtray::tray
