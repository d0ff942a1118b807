#include "core/settings/tray_settings.hpp"

#include "core/link/token_file.hpp"
#include "core/system/this_host.hpp"

namespace nixtray::tray {

using protocol::json;

namespace {

// Reads one member when present and of the right type; otherwise warns and keeps the default.
template <class T>
void read_member(const json& object, const char* key, T& out, std::vector<std::string>& warnings,
                 const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    return;
  }
  try {
    protocol::read_value(*it, key, out);
  } catch (const std::exception&) {
    warnings.push_back("settings: " + where + key + " has the wrong type; using the default");
  }
}

template <class T>
void read_optional_member(const json& object, const char* key, std::optional<T>& out,
                          std::vector<std::string>& warnings, const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    out.reset();
    return;
  }
  T value{};
  try {
    protocol::read_value(*it, key, value);
    out = std::move(value);
  } catch (const std::exception&) {
    warnings.push_back("settings: " + where + key + " has the wrong type; using the default");
  }
}

const json* object_member(const json& object, const char* key, std::vector<std::string>& warnings) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    return nullptr;
  }
  if (!it->is_object()) {
    warnings.push_back(std::string("settings: ") + key + " must be an object; using the defaults");
    return nullptr;
  }
  return &*it;
}

template <class T>
void put_optional(json& j, const char* key, const std::optional<T>& value) {
  j[key] = value ? json(*value) : json(nullptr);
}

constexpr const char* known_members[] = {"version",
                                         "name",
                                         "watch",
                                         "distro",
                                         "agent",
                                         "token_file",
                                         "connect_starts_distro",
                                         "flake",
                                         "review_rebuild",
                                         "auto_verify_after_rebuild",
                                         "notifications",
                                         "start_at_login",
                                         "start_distro_at_login",
                                         "distro_control",
                                         "distros",
                                         "verify"};

}  // namespace

const DistroRecord* TraySettings::find_record() const {
  const auto it = distros.find(distro);
  return it == distros.end() ? nullptr : &it->second;
}

TraySettings settings_from_json(const json& j, std::vector<std::string>& warnings) {
  TraySettings s;
  read_member(j, "name", s.name, warnings, "");
  read_member(j, "watch", s.watch, warnings, "");
  read_member(j, "distro", s.distro, warnings, "");
  read_member(j, "agent", s.agent, warnings, "");
  read_optional_member(j, "token_file", s.token_file, warnings, "");
  read_optional_member(j, "connect_starts_distro", s.connect_starts_distro, warnings, "");
  read_optional_member(j, "flake", s.flake, warnings, "");
  read_member(j, "review_rebuild", s.review_rebuild, warnings, "");
  read_member(j, "auto_verify_after_rebuild", s.auto_verify_after_rebuild, warnings, "");
  read_member(j, "start_at_login", s.start_at_login, warnings, "");
  read_member(j, "start_distro_at_login", s.start_distro_at_login, warnings, "");
  if (const auto* n = object_member(j, "notifications", warnings)) {
    read_member(*n, "job_failed", s.notifications.job_failed, warnings, "notifications.");
    read_member(*n, "verify_failed", s.notifications.verify_failed, warnings, "notifications.");
    read_member(*n, "unit_failed", s.notifications.unit_failed, warnings, "notifications.");
    read_member(*n, "distro_stopped", s.notifications.distro_stopped, warnings, "notifications.");
    read_member(*n, "unverified", s.notifications.unverified, warnings, "notifications.");
    read_member(*n, "low_space", s.notifications.low_space, warnings, "notifications.");
    read_member(*n, "job_succeeded", s.notifications.job_succeeded, warnings, "notifications.");
    read_member(*n, "verify_passed", s.notifications.verify_passed, warnings, "notifications.");
    read_member(*n, "updates_available", s.notifications.updates_available, warnings, "notifications.");
    read_member(*n, "low_space_gib", s.notifications.low_space_gib, warnings, "notifications.");
    if (s.notifications.low_space_gib < 1) {
      warnings.emplace_back("settings: notifications.low_space_gib must be at least 1; using 1");
      s.notifications.low_space_gib = 1;
    }
  }
  if (const auto* c = object_member(j, "distro_control", warnings)) {
    read_member(*c, "kind", s.distro_control.kind, warnings, "distro_control.");
    read_member(*c, "start", s.distro_control.start, warnings, "distro_control.");
    read_member(*c, "stop", s.distro_control.stop, warnings, "distro_control.");
    read_member(*c, "is_running", s.distro_control.is_running, warnings, "distro_control.");
    read_member(*c, "exec_as_root", s.distro_control.exec_as_root, warnings, "distro_control.");
    read_member(*c, "terminal", s.distro_control.terminal, warnings, "distro_control.");
    read_member(*c, "console", s.distro_control.console, warnings, "distro_control.");
    read_member(*c, "wsl", s.distro_control.wsl, warnings, "distro_control.");
    read_member(*c, "through_login_shell", s.distro_control.through_login_shell, warnings, "distro_control.");
  }
  if (const auto* v = object_member(j, "verify", warnings)) {
    read_member(*v, "auto_rollback", s.verify.auto_rollback, warnings, "verify.");
    read_member(*v, "boot_timeout_seconds", s.verify.boot_timeout_seconds, warnings, "verify.");
    read_optional_member(*v, "profile_dir", s.verify.profile_dir, warnings, "verify.");
  }
  if (const auto* distros = object_member(j, "distros", warnings)) {
    for (const auto& [name, value] : distros->items()) {
      if (!value.is_object()) {
        warnings.push_back("settings: distros." + name + " must be an object; ignored");
        continue;
      }
      const std::string where = "distros." + name + ".";
      DistroRecord record;
      read_optional_member(value, "known_good", record.known_good, warnings, where);
      read_optional_member(value, "last_job_seen", record.last_job_seen, warnings, where);
      read_optional_member(value, "unverified_notified", record.unverified_notified, warnings, where);
      read_optional_member(value, "last_update_check", record.last_update_check, warnings, where);
      if (const auto* v = object_member(value, "verify_in_progress", warnings)) {
        VerifyRecord verify;
        read_member(*v, "expected_generation", verify.expected_generation, warnings, where + "verify_in_progress.");
        read_optional_member(*v, "known_good_before", verify.known_good_before, warnings,
                             where + "verify_in_progress.");
        read_member(*v, "started", verify.started, warnings, where + "verify_in_progress.");
        read_member(*v, "step", verify.step, warnings, where + "verify_in_progress.");
        record.verify_in_progress = verify;
      }
      s.distros[name] = std::move(record);
    }
  }
  for (const auto& [key, value] : j.items()) {
    if (std::find(std::begin(known_members), std::end(known_members), key) == std::end(known_members)) {
      s.unknown_members[key] = value;
    }
  }
  return s;
}

json settings_to_json(const TraySettings& s) {
  json j = s.unknown_members.is_object() ? s.unknown_members : json::object();
  j["name"] = s.target_name();
  j["watch"] = s.watch;
  j["distro"] = s.distro;
  j["agent"] = s.agent;
  put_optional(j, "token_file", s.token_file);
  put_optional(j, "connect_starts_distro", s.connect_starts_distro);
  put_optional(j, "flake", s.flake);
  j["review_rebuild"] = s.review_rebuild;
  j["auto_verify_after_rebuild"] = s.auto_verify_after_rebuild;
  j["notifications"] = {
      {"job_failed", s.notifications.job_failed},       {"verify_failed", s.notifications.verify_failed},
      {"unit_failed", s.notifications.unit_failed},     {"distro_stopped", s.notifications.distro_stopped},
      {"unverified", s.notifications.unverified},       {"low_space", s.notifications.low_space},
      {"low_space_gib", s.notifications.low_space_gib}, {"job_succeeded", s.notifications.job_succeeded},
      {"verify_passed", s.notifications.verify_passed}, {"updates_available", s.notifications.updates_available}};
  j["start_at_login"] = s.start_at_login;
  j["start_distro_at_login"] = s.start_distro_at_login;
  j["distro_control"] = {{"kind", s.distro_control.kind},
                         {"start", s.distro_control.start},
                         {"stop", s.distro_control.stop},
                         {"is_running", s.distro_control.is_running},
                         {"exec_as_root", s.distro_control.exec_as_root},
                         {"terminal", s.distro_control.terminal},
                         {"console", s.distro_control.console},
                         {"wsl", s.distro_control.wsl},
                         {"through_login_shell", s.distro_control.through_login_shell}};
  j["verify"] = {{"auto_rollback", s.verify.auto_rollback},
                 {"boot_timeout_seconds", s.verify.boot_timeout_seconds},
                 {"profile_dir", s.verify.profile_dir ? json(*s.verify.profile_dir) : json(nullptr)}};
  json distros = json::object();
  for (const auto& [name, record] : s.distros) {
    json r = json::object();
    put_optional(r, "known_good", record.known_good);
    put_optional(r, "last_job_seen", record.last_job_seen);
    put_optional(r, "unverified_notified", record.unverified_notified);
    put_optional(r, "last_update_check", record.last_update_check);
    if (record.verify_in_progress) {
      const auto& v = *record.verify_in_progress;
      r["verify_in_progress"] = {
          {"expected_generation", v.expected_generation},
          {"known_good_before", v.known_good_before ? json(*v.known_good_before) : json(nullptr)},
          {"started", v.started},
          {"step", v.step}};
    } else {
      r["verify_in_progress"] = nullptr;
    }
    distros[name] = std::move(r);
  }
  j["distros"] = std::move(distros);
  return j;
}

std::string default_agent_address(const std::string& distro) {
  if (is_wsl_host()) return wsl_bridge_address("wsl.exe", distro);
  return "unix:/run/nixtray/agent.sock";
}

std::string wsl_bridge_address(const std::string& wsl, const std::string& distro) {
  const auto program = wsl.find_first_of(" \t") == std::string::npos ? wsl : "\"" + wsl + "\"";
  return "exec:" + program + " -d \"" + distro + "\" --exec /run/current-system/sw/bin/nixtray-agent bridge";
}

net::Endpoint effective_endpoint(const TraySettings& settings) {
  return net::parse_endpoint(settings.agent.empty() ? default_agent_address(settings.distro) : settings.agent);
}

bool effective_connect_starts_distro(const TraySettings& settings) {
  if (settings.connect_starts_distro) {
    return *settings.connect_starts_distro;
  }
  // The wsl.exe bridge starts the distro it connects to.
  if (!is_wsl_host()) return false;
  try {
    return effective_endpoint(settings).kind == net::Endpoint::Kind::command;
  } catch (const std::invalid_argument&) {
    return false;
  }
}

std::string effective_distro_control_kind(const TraySettings& settings) {
  if (!settings.distro_control.kind.empty()) {
    return settings.distro_control.kind;
  }
  return is_wsl_host() ? "wsl" : "local";
}

std::optional<std::filesystem::path> effective_token_file(const TraySettings& settings) {
  if (settings.token_file) {
    return std::filesystem::path(*settings.token_file);
  }
  try {
    if (effective_endpoint(settings).kind == net::Endpoint::Kind::tcp) {
      return default_token_file(settings.distro);
    }
  } catch (const std::invalid_argument&) {
  }
  return std::nullopt;
}

bool effective_fetch_missing_token(const TraySettings& settings) {
  return effective_distro_control_kind(settings) == "wsl";
}

}  // namespace nixtray::tray
