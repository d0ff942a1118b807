// The names of systemd's D-Bus API (org.freedesktop.systemd1(5)) that the agent calls and listens to.
#pragma once

namespace nixtray::agent::systemd_bus {

inline constexpr const char* service = "org.freedesktop.systemd1";
inline constexpr const char* manager_path = "/org/freedesktop/systemd1";
inline constexpr const char* manager_interface = "org.freedesktop.systemd1.Manager";
inline constexpr const char* unit_interface = "org.freedesktop.systemd1.Unit";
inline constexpr const char* service_interface = "org.freedesktop.systemd1.Service";
inline constexpr const char* properties_interface = "org.freedesktop.DBus.Properties";

}  // namespace nixtray::agent::systemd_bus
