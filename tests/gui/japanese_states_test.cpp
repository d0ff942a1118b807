// Issue 19's language test: every state of the tray's state model (running, degraded, rebuilding,
// rebuild failed, offline, stopped, verifying, verify failed, unverified, ...) and every
// notification, rendered as the GUI renders them with the Japanese catalogue: the tooltip, the
// status line, the whole menu (labels, the reasons shown after disabled entries, confirmation
// questions) and each notification's title, body and action. It fails on any sentence whose format
// the catalogue leaves in English. What fills a placeholder (unit and distro names, paths,
// numbers, what the agent says) is data, not checked; a format whose only words are names on the
// allow-list below needs no translation.
#include "catch.hpp"

#include "../tray/tray_fixtures.hpp"
#include "wx_text.hpp"

#include "core/state/menu_model.hpp"
#include "core/state/notification_rules.hpp"

#include <wx/init.h>
#include <wx/translation.h>

#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

using namespace nixtray;
using namespace nixtray::tray;
using namespace nixtray::tray::fixtures;
namespace fs = std::filesystem;
using nixtray::gui::from_wx;
using nixtray::gui::to_wx;

namespace {

// Names that stay as they are in Japanese (docs/glossary.md: Nix's and systemd's own words).
const std::set<std::string> allowed_words = {"NixOS", "WSL", "nixtray", "systemd", "Flake", "switch", "boot", "test"};

// English words left in a format once its placeholders are taken out; empty when none or only
// allowed ones.
std::vector<std::string> english_words(const std::string& format) {
  const auto text = std::regex_replace(format, std::regex("%([0-9]+\\$)?s|%%"), " ");
  std::vector<std::string> words;
  const std::regex word("[A-Za-z][A-Za-z'-]+");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), word); it != std::sregex_iterator(); ++it) {
    if (!allowed_words.contains(it->str())) words.push_back(it->str());
  }
  return words;
}

// Each format of `sentence` (and of the sentences and core phrases inside it) that the catalogue
// does not translate, with where it was seen.
void collect_untranslated(const Sentence& sentence, const std::string& where, std::set<std::string>& out) {
  if (sentence.empty()) return;
  const auto english = sentence.english_format();
  const auto shown = sentence.plural.empty()
                         ? from_wx(wxGetTranslation(to_wx(sentence.format)))
                         : from_wx(wxGetTranslation(to_wx(sentence.format), to_wx(sentence.plural), sentence.count));
  if (shown == english && !english_words(english).empty()) out.insert(where + ": \"" + english + "\"");
  for (std::size_t i = 0; i < sentence.args.size(); ++i) {
    if (sentence.is_translated(i)) collect_untranslated(nixtray::tray::sentence(sentence.args[i]), where, out);
  }
  for (const auto& inner : sentence.nested) collect_untranslated(inner, where, out);
}

void collect_menu(const std::vector<MenuItem>& items, const std::string& state, std::set<std::string>& out) {
  for (const auto& item : items) {
    const auto where = state + " menu " + item.id;
    // The first line is the tooltip, which the GUI puts there in its own words (checked above).
    if (item.id != "header") {
      collect_untranslated(item.label_sentence.empty() ? sentence(item.label) : item.label_sentence, where, out);
    }
    if (!item.enabled && item.kind != MenuItem::Kind::header) {
      collect_untranslated(item.disabled_sentence.empty() ? sentence(item.disabled_reason) : item.disabled_sentence,
                           where + " (why disabled)", out);
    }
    if (item.confirm) {
      collect_untranslated(item.confirm->title, where + " (confirmation)", out);
      collect_untranslated(item.confirm->question, where + " (confirmation)", out);
      collect_untranslated(sentence(item.confirm->accept), where + " (confirmation)", out);
    }
    collect_menu(item.children, state, out);
  }
}

void collect_state(const TrayState& state, const std::string& name, std::set<std::string>& out) {
  const auto view = present(state, "NixOS");
  collect_untranslated(view.state, name + " tooltip", out);
  collect_untranslated(view.note, name + " tooltip", out);
  for (const auto& line : view.detail_sentences) collect_untranslated(line, name + " status line", out);
  MenuContext context;
  context.has_lifecycle = true;
  context.can_shut_down_all = true;
  context.can_try_on_copy = true;
  collect_menu(MenuModel::build(state, context).items, name, out);
}

void collect_notification(const Notification& n, std::set<std::string>& out) {
  const auto where = "notification " + n.key;
  collect_untranslated(n.title, where, out);
  collect_untranslated(n.body, where, out);
  if (n.action) collect_untranslated(sentence(n.action->label), where + " (action)", out);
}

// The reducer and the notification rules together, as TraySession runs them.
struct Tray {
  std::vector<Notification> feed(std::initializer_list<TrayEvent> events) { return observe(state, rules, events); }
  TrayState state;
  NotificationRules rules{every_kind(), std::string("10"), "NixOS"};

  static NotificationToggles every_kind() {
    NotificationToggles toggles;
    toggles.updates_available = true;  // off unless switched on
    return toggles;
  }
};

protocol::Status degraded_status() {
  auto status = running_status();
  status.system_state = protocol::SystemState::degraded;
  status.failed_units = {failed_unit("nginx.service"), failed_unit("postgresql.service")};
  return status;
}

protocol::Status unverified_status() {
  auto status = running_status(43);
  status.verification.state = protocol::VerificationState::unverified;
  status.verification.generation = 43;
  status.verification.store_path = "/nix/store/b4k2m9x7q1w3e5r7t9y1u3i5o7p9a1s3-nixos-system-nixos-43";
  return status;
}

VerifyFinished rolled_back() {
  VerifyFinished finished{VerifyOutcome::rolled_back, "generation 43 did not boot; rolled back to 42", 43};
  finished.headline = sentence("Generation %s did not start: its agent did not answer in time", {"43"});
  return finished;
}

}  // namespace

TEST_CASE("in Japanese, every state of the tray and every notification reads in Japanese") {
  wxInitializer library;
  REQUIRE(library.IsOk());
  const fs::path locale = NIXTRAY_LOCALE_DIR;
  wxFileTranslationsLoader::AddCatalogLookupPathPrefix(to_wx(locale.string()));
  auto* translations = new wxTranslations;
  wxTranslations::Set(translations);
  translations->SetLanguage("ja");
  REQUIRE(translations->AddCatalog("nixtray", wxLANGUAGE_ENGLISH_US));

  std::set<std::string> untranslated;
  const auto connecting = fold(TrayState{}, {LinkConnecting{1}});
  const auto running = connected();
  const auto failed_job = job("17", protocol::JobState::failed);
  auto checking = job("18", protocol::JobState::running);
  checking.args.mode = protocol::RebuildMode::dry_build;
  checking.args.update = true;
  checking.progress.phase = protocol::JobPhase::updating;
  const std::vector<std::pair<std::string, TrayState>> states = {
      {"connecting", connecting},
      {"running", running},
      {"degraded", connected(degraded_status())},
      {"rebuilding", fold(running, {JobUpdated{golden("event.jobs.json")["params"]["data"].get<protocol::Job>()}})},
      {"checking for updates", fold(running, {JobUpdated{checking}})},
      {"rebuild failed", fold(running, {JobUpdated{job("17", protocol::JobState::running)}, JobUpdated{failed_job}})},
      {"offline", fold(connecting, {LinkUnreachable{UnreachableReason::no_agent, "no socket at /x", 1000ms}})},
      {"stopping", fold(running, {UserRequestedStop{}})},
      {"stopped", fold(running, {UserRequestedStop{},
                                 LinkUnreachable{UnreachableReason::connection_lost, "ended", 500ms, true, true},
                                 DistroPowerObserved{DistroPower::stopped, ""}})},
      {"starting", fold(running, {UserRequestedStop{},
                                  LinkUnreachable{UnreachableReason::connection_lost, "ended", 500ms, true, true},
                                  DistroPowerObserved{DistroPower::stopped, ""}, UserRequestedStart{}})},
      {"verifying", fold(running, {LinkPaused{"verify-boot"}, VerifyProgress{"restarting", "terminating"}})},
      {"verify failed", fold(running, {LinkPaused{"verify-boot"}, LinkResumed{}, rolled_back()})},
      {"unverified", connected(unverified_status())},
  };
  for (const auto& [name, state] : states) collect_state(state, name, untranslated);

  Tray tray;
  std::vector<Notification> notes;
  const auto add = [&](std::vector<Notification> more) { notes.insert(notes.end(), more.begin(), more.end()); };
  add(tray.feed({LinkConnecting{1}, LinkConnected{hello(), "unix:/x"}, StatusReceived{running_status()},
                 GenerationsReceived{{generation(42, true)}}, JobsReceived{{}}, LinkSynced{}}));
  protocol::UnitsChanged one_unit;
  one_unit.changed = {failed_unit("nginx.service")};
  add(tray.feed({UnitsChangedReceived{one_unit}}));
  protocol::UnitsChanged two_units;
  two_units.changed = {failed_unit("a.service"), failed_unit("b.service")};
  add(tray.feed({UnitsChangedReceived{two_units}}));
  add(tray.feed(
      {JobUpdated{job("11", protocol::JobState::running)}, JobUpdated{job("11", protocol::JobState::failed)}}));
  add(tray.feed({JobUpdated{job("12", protocol::JobState::succeeded)}}));
  add(tray.feed({JobUpdated{job("13", protocol::JobState::succeeded, protocol::JobKind::rollback)}}));
  add(tray.feed({JobUpdated{job("14", protocol::JobState::succeeded, protocol::JobKind::gc)}}));
  add(tray.feed({JobUpdated{job("15", protocol::JobState::failed, protocol::JobKind::rollback)}}));
  auto update_check = job("16", protocol::JobState::succeeded);
  update_check.args.mode = protocol::RebuildMode::dry_build;
  update_check.args.update = true;
  update_check.update = protocol::FlakeUpdate{"/etc/nixos/flake.lock", {{"nixpkgs", "github:NixOS/nixpkgs", {}, {}}}};
  add(tray.feed({JobUpdated{update_check}}));
  add(tray.feed({VerifyFinished{VerifyOutcome::passed, "generation 42 booted", 42}}));
  add(tray.feed({rolled_back()}));
  add(tray.feed({VerifyFinished{VerifyOutcome::failed, "activation reported errors", 44}}));
  add(tray.feed({StatusReceived{unverified_status()}}));
  add(tray.feed({LinkUnreachable{UnreachableReason::connection_lost, "ended", 500ms, true, false},
                 DistroPowerObserved{DistroPower::stopped, ""}}));
  for (const auto& note : notes) collect_notification(note, untranslated);
  // The kinds a person can switch off, each seen at least once.
  std::set<NotificationKind> kinds;
  for (const auto& note : notes) kinds.insert(note.kind);
  CHECK(kinds.size() >= 7);
  CHECK(kinds.contains(NotificationKind::updates_available));

  std::ostringstream list;
  for (const auto& line : untranslated) list << line << "\n";
  INFO("left in English:\n" << list.str());
  CHECK(untranslated.empty());
  wxTranslations::Set(nullptr);
}
