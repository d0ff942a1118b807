#include "core/settings/settings_document.hpp"

#include <algorithm>

namespace nixtray::tray {

using protocol::json;

namespace {

constexpr int document_version = 2;
constexpr const char* document_members[] = {"version", "start_at_login", "default_target", "targets"};

bool is_document_member(const std::string& key) {
  return std::find(std::begin(document_members), std::end(document_members), key) != std::end(document_members);
}

// A version 1 file: the one target's members at the top level.
SettingsDocument migrate_single_distro(const json& j, std::vector<std::string>& warnings) {
  SettingsDocument document;
  auto target = settings_from_json(j, warnings);
  if (target.name.empty()) target.name = target.distro;
  document.start_at_login = target.start_at_login;
  document.default_target = target.name;
  document.targets.push_back(std::move(target));
  return document;
}

}  // namespace

const TraySettings* SettingsDocument::find(const std::string& name) const {
  const auto it = std::find_if(targets.begin(), targets.end(),
                               [&](const TraySettings& target) { return target.target_name() == name; });
  return it == targets.end() ? nullptr : &*it;
}

TraySettings* SettingsDocument::find(const std::string& name) {
  return const_cast<TraySettings*>(std::as_const(*this).find(name));
}

const TraySettings& SettingsDocument::default_settings() const {
  if (const auto* chosen = find(default_target)) return *chosen;
  static const TraySettings defaults;
  return targets.empty() ? defaults : targets.front();
}

void SettingsDocument::put(TraySettings target) {
  if (target.name.empty()) target.name = target.distro;
  start_at_login = target.start_at_login;
  for (auto& other : targets) other.start_at_login = start_at_login;
  if (auto* existing = find(target.name)) {
    *existing = std::move(target);
  } else {
    targets.push_back(std::move(target));
  }
}

bool SettingsDocument::remove(const std::string& name) {
  const auto it = std::find_if(targets.begin(), targets.end(),
                               [&](const TraySettings& target) { return target.target_name() == name; });
  if (it == targets.end() || targets.size() == 1) return false;
  targets.erase(it);
  if (default_target == name) default_target = targets.front().target_name();
  return true;
}

std::string SettingsDocument::names() const {
  std::string text;
  for (const auto& target : targets) {
    if (!text.empty()) text += ", ";
    text += target.target_name();
  }
  return text;
}

std::string target_name_problem(const std::string& name) {
  if (name.empty()) return "a target needs a name";
  if (name.size() > 64) return "a target's name is at most 64 characters long";
  if (std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
    return "a target's name has no control characters";
  }
  return {};
}

SettingsDocument document_from_json(const json& j, std::vector<std::string>& warnings) {
  const auto targets = j.find("targets");
  if (targets == j.end()) return migrate_single_distro(j, warnings);

  SettingsDocument document;
  if (const auto it = j.find("start_at_login"); it != j.end() && !it->is_null()) {
    if (it->is_boolean()) {
      document.start_at_login = it->get<bool>();
    } else {
      warnings.emplace_back("settings: start_at_login has the wrong type; using the default");
    }
  }
  if (const auto it = j.find("default_target"); it != j.end() && !it->is_null()) {
    if (it->is_string()) {
      document.default_target = it->get<std::string>();
    } else {
      warnings.emplace_back("settings: default_target has the wrong type; using the first target");
    }
  }
  if (!targets->is_array()) {
    warnings.emplace_back("settings: targets must be a list; using one default target");
  } else {
    for (std::size_t i = 0; i < targets->size(); ++i) {
      const auto& item = (*targets)[i];
      const std::string where = "settings: targets[" + std::to_string(i) + "]";
      if (!item.is_object()) {
        warnings.push_back(where + " must be an object; ignored");
        continue;
      }
      auto target = settings_from_json(item, warnings);
      if (auto problem = target_name_problem(target.name); !problem.empty()) {
        warnings.push_back(where + ": " + problem.append("; ignored"));
        continue;
      }
      if (document.find(target.name)) {
        warnings.push_back(where + ": a second target named \"" + target.name + "\"; ignored");
        continue;
      }
      target.start_at_login = document.start_at_login;
      document.targets.push_back(std::move(target));
    }
  }
  if (document.targets.empty()) {
    TraySettings target;
    target.name = target.distro;
    target.start_at_login = document.start_at_login;
    document.targets.push_back(std::move(target));
  }
  if (!document.default_target.empty() && !document.find(document.default_target)) {
    warnings.push_back("settings: default_target \"" + document.default_target +
                       "\" is not among the targets; using \"" + document.targets.front().target_name() + "\"");
    document.default_target.clear();
  }
  for (const auto& [key, value] : j.items()) {
    if (!is_document_member(key)) document.unknown_members[key] = value;
  }
  return document;
}

json document_to_json(const SettingsDocument& document) {
  json j = document.unknown_members.is_object() ? document.unknown_members : json::object();
  j["version"] = document_version;
  j["start_at_login"] = document.start_at_login;
  j["default_target"] = document.default_target.empty() && !document.targets.empty()
                            ? document.targets.front().target_name()
                            : document.default_target;
  json targets = json::array();
  for (const auto& target : document.targets) {
    auto t = settings_to_json(target);
    t.erase("start_at_login");  // the tray's, at the top
    targets.push_back(std::move(t));
  }
  j["targets"] = std::move(targets);
  return j;
}

}  // namespace nixtray::tray
