// What the tray says when an action a person asked for fails: a sentence the catalogue
// translates, chosen by the error's kind (its JSON-RPC code) and data ("job 17 is running"), with
// the agent's own English kept as detail in parentheses. The status line and the logs use it;
// nixtrayctl prints its english().
#pragma once

#include "core/link/action_result.hpp"
#include "core/state/sentence.hpp"

namespace nixtray::tray {

Sentence action_error_sentence(const ActionError& error);

}  // namespace nixtray::tray
