// The settings file as a whole: the targets one tray watches (issue 21), which one a command uses
// when none is named, and what belongs to the tray rather than to a target (starting at login).
//
// A target is one TraySettings with a name: how to reach its agent, how to control its distro,
// its flake, its notification toggles and what the host remembers about it (known-good, a verify
// under way). Version 2 of the file holds them as a list:
//
//   {"version": 2, "start_at_login": false, "default_target": "NixOS",
//    "targets": [{"name": "NixOS", "watch": true, "distro": "NixOS", "agent": "", ...}]}
//
// A version 1 file (one distro: the target's members at the top level) reads as one target named
// after its distro, with everything it held, the records of other distros too; it is written back
// as version 2 at the next save.
#pragma once

#include "core/settings/tray_settings.hpp"

#include "nixtray/protocol/json.hpp"

#include <string>
#include <vector>

namespace nixtray::tray {

struct SettingsDocument {
  std::vector<TraySettings> targets;  // never empty once read: a missing file gives one default target
  std::string default_target;         // the one a command uses without --target; empty: the first
  bool start_at_login = false;
  // Top-level members this version does not know (written by a newer one): kept and written back.
  protocol::json unknown_members = protocol::json::object();

  [[nodiscard]] const TraySettings* find(const std::string& name) const;
  [[nodiscard]] TraySettings* find(const std::string& name);
  // The target a command uses without --target.
  [[nodiscard]] const TraySettings& default_settings() const;
  // Replaces the target of the same name, or adds it at the end. Its start_at_login is the
  // tray's: it becomes the document's.
  void put(TraySettings target);
  // Removes the named target; false when there is none. The last target cannot be removed.
  bool remove(const std::string& name);
  // The targets' names, in order, for messages ("a, b, c").
  [[nodiscard]] std::string names() const;
};

// Reads the document; v1 files migrate (above). Members of the wrong type, targets without a name
// and second targets of one name are skipped with a warning each.
SettingsDocument document_from_json(const protocol::json& j, std::vector<std::string>& warnings);
protocol::json document_to_json(const SettingsDocument& document);

// Whether a target name can be used: not empty, at most 64 characters, no control characters.
// The reason it cannot, else empty.
std::string target_name_problem(const std::string& name);

}  // namespace nixtray::tray
