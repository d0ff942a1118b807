// nixtrayctl's words in the person's language: the catalogue run_nixtrayctl chooses once (the
// languages of core/language/user_languages.hpp, the catalogues next to the program), and core's
// sentences and nixtrayctl's own said in it. Without a catalogue for the language, English.
// --json output and --help stay English: the first is for programs, the second is not translated.
#pragma once

#include "core/language/message_catalogue.hpp"
#include "core/state/sentence.hpp"

#include <string>

namespace nixtray::ctl {

// The catalogue for this run (set once, before any command runs).
void use_catalogue(tray::MessageCatalogue catalogue);

// A sentence in the person's language.
std::string say(const tray::Sentence& sentence);
// say() as core's functions that compose text take it.
tray::SentenceWords words();

}  // namespace nixtray::ctl
