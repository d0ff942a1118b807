#include "ctl/ctl_words.hpp"

namespace nixtray::ctl {

namespace {

// One per process: nixtrayctl runs one command and exits.
tray::MessageCatalogue& chosen() {
  static tray::MessageCatalogue catalogue;
  return catalogue;
}

}  // namespace

void use_catalogue(tray::MessageCatalogue catalogue) { chosen() = std::move(catalogue); }

std::string say(const tray::Sentence& sentence) { return chosen().say(sentence); }

tray::SentenceWords words() {
  return [](const tray::Sentence& sentence) { return say(sentence); };
}

}  // namespace nixtray::ctl
