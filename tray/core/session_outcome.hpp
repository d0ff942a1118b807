// What a one-shot front end (nixtrayctl) gets back from a TraySession command it awaits: whether
// it worked, a sentence for the person, and what happened on the way.
#pragma once

#include <string>
#include <vector>

namespace nixtray::tray {

struct SessionOutcome {
  enum class Result {
    done,
    failed,
    unreachable,  // done as far as it goes, but the agent did not answer afterwards
  };
  Result result = Result::done;
  std::string message;             // what happened, or why not
  std::vector<std::string> notes;  // on the way, before the message (a rescue from outside)
  std::string output;              // a command's own output, as it printed it (the rescue tool's)

  [[nodiscard]] bool ok() const { return result == Result::done; }
};

}  // namespace nixtray::tray
