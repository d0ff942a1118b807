#include "config/agent_config.hpp"

#include "config/embedded_settings.hpp"
#include "config/tcp_address.hpp"
#include "nix/nix_store_location.hpp"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace nixtray::agent {
namespace {

constexpr const char* default_config_file = "/etc/nixtray/agent.json";

using json = nlohmann::json;

json read_config_file(const fs::path& file) {
  std::ifstream in(file);
  if (!in) {
    throw ConfigError("cannot read config file " + file.string());
  }
  std::stringstream text;
  text << in.rdbuf();
  try {
    auto value = json::parse(text.str());
    if (!value.is_object()) {
      throw ConfigError(file.string() + ": the config must be a JSON object of settings");
    }
    return value;
  } catch (const json::parse_error& e) {
    throw ConfigError(file.string() + " is not valid JSON: " + e.what());
  }
}

const SettingDescription* find_setting(std::string_view name) {
  for (const auto& setting : settings_schema()) {
    if (setting.name == name) {
      return &setting;
    }
  }
  return nullptr;
}

void check_type(const SettingDescription& setting, const json& value, const std::string& where) {
  if (value.is_null()) {
    return;
  }
  const bool ok = setting.type == "integer" ? value.is_number_integer() : value.is_string();
  if (!ok) {
    throw ConfigError(where + ": setting \"" + setting.name + "\" must be " +
                      (setting.type == "integer" ? "a whole number" : "a string"));
  }
}

json flag_value(const SettingDescription& setting, const std::string& text) {
  if (setting.type != "integer") {
    return text;
  }
  long long number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw ConfigError("--" + setting.name + " must be a whole number, not \"" + text + "\"");
  }
  return number;
}

std::optional<std::string> optional_string(const json& values, const char* key) {
  const auto& value = values.at(key);
  if (value.is_null() || value.get<std::string>().empty()) {
    return std::nullopt;
  }
  return value.get<std::string>();
}

std::int64_t positive(const json& values, const char* key, std::int64_t low) {
  const auto number = values.at(key).get<std::int64_t>();
  if (number < low) {
    throw ConfigError(std::string("setting \"") + key + "\" must be at least " + std::to_string(low));
  }
  return number;
}

}  // namespace

const std::vector<SettingDescription>& settings_schema() {
  static const std::vector<SettingDescription> schema = [] {
    std::vector<SettingDescription> result;
    const auto document = json::parse(embedded_settings_json);
    for (const auto& entry : document.at("settings")) {
      result.push_back({entry.at("name").get<std::string>(), entry.at("type").get<std::string>(), entry.at("default"),
                        entry.at("description").get<std::string>()});
    }
    return result;
  }();
  return schema;
}

std::vector<cli::Option> settings_as_options() {
  std::vector<cli::Option> options;
  for (const auto& setting : settings_schema()) {
    std::string value_name = setting.type == "integer" ? "N" : setting.type == "path" ? "PATH" : "VALUE";
    std::string help = setting.description;
    if (!setting.default_value.is_null()) {
      help += " [default: " +
              (setting.default_value.is_string() ? setting.default_value.get<std::string>()
                                                 : setting.default_value.dump()) +
              "]";
    }
    options.push_back({setting.name, value_name, help, false});
  }
  return options;
}

AgentConfig load_agent_config(const cli::ParsedCommandLine& flags) {
  json values = json::object();
  for (const auto& setting : settings_schema()) {
    values[setting.name] = setting.default_value;
  }
  // Where Nix keeps its profiles follows Nix's own state directory, so a relocated store works
  // without extra flags; a profile-dir in the file or on the command line still wins.
  if (const auto nix_state = std::getenv("NIX_STATE_DIR"); nix_state && *nix_state) {
    values["profile-dir"] = (NixStoreLocation::from_environment().state_dir / "profiles").string();
  }

  const auto explicit_file = flags.value("config");
  const fs::path file = explicit_file.value_or(default_config_file);
  std::error_code ec;
  if (explicit_file || fs::exists(file, ec)) {
    const auto from_file = read_config_file(file);
    for (const auto& [key, value] : from_file.items()) {
      const auto* setting = find_setting(key);
      if (!setting) {
        throw ConfigError(file.string() + ": unknown setting \"" + key + "\" (see nixtray-agent serve --help)");
      }
      check_type(*setting, value, file.string());
      values[key] = value;
    }
  }
  for (const auto& setting : settings_schema()) {
    if (const auto text = flags.value(setting.name)) {
      values[setting.name] = flag_value(setting, *text);
    }
  }

  AgentConfig config;
  config.socket = values.at("socket").get<std::string>();
  config.group = optional_string(values, "group");
  config.tcp = optional_string(values, "tcp");
  if (config.tcp) {
    (void)parse_tcp_address(*config.tcp);  // refuses a bad port now, before anything starts
  }
  config.state_dir = values.at("state-dir").get<std::string>();
  config.token_file = optional_string(values, "token-file").value_or((config.state_dir / "token").string());
  config.profile_dir = values.at("profile-dir").get<std::string>();
  config.current_system = values.at("current-system").get<std::string>();
  config.booted_system = values.at("booted-system").get<std::string>();
  config.rebuild_command = values.at("rebuild-command").get<std::string>();
  config.flake = optional_string(values, "flake");
  if (auto log = optional_string(values, "activation-log")) {
    config.activation_log = fs::path(*log);
  }
  config.log_budget = positive(values, "log-budget", 1024 * 1024);
  config.min_free_space = positive(values, "min-free-space", 0);
  config.hello_timeout = std::chrono::seconds(positive(values, "hello-timeout", 1));
  config.client_timeout = std::chrono::seconds(positive(values, "client-timeout", 1));
  config.max_clients = static_cast<int>(positive(values, "max-clients", 1));
  config.probation = std::chrono::seconds(positive(values, "probation", 0));
  if (config.probation > std::chrono::days(30)) {
    throw ConfigError("setting \"probation\" must be at most 2592000 seconds (30 days)");
  }
  config.verify_timeout = std::chrono::seconds(positive(values, "verify-timeout", 1));
  if (config.verify_timeout > std::chrono::days(1)) {
    throw ConfigError("setting \"verify-timeout\" must be at most 86400 seconds (1 day)");
  }
  if (config.socket.empty() || config.state_dir.empty() || config.profile_dir.empty()) {
    throw ConfigError("socket, state-dir and profile-dir must not be empty");
  }
  return config;
}

fs::path configured_socket_path(const cli::ParsedCommandLine& flags) {
  if (const auto socket = flags.value("socket")) {
    return *socket;
  }
  try {
    std::error_code ec;
    const fs::path file = flags.value("config").value_or(default_config_file);
    if (fs::exists(file, ec)) {
      const auto values = read_config_file(file);
      if (const auto it = values.find("socket"); it != values.end() && it->is_string()) {
        return it->get<std::string>();
      }
    }
  } catch (const ConfigError&) {
    // The daemon reports a broken config; a client falls back to the default socket.
  }
  return find_setting("socket")->default_value.get<std::string>();
}

}  // namespace nixtray::agent
