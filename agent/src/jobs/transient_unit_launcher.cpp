#include "jobs/transient_unit_launcher.hpp"

#include "systemd/systemd_bus_names.hpp"

#include <systemd/sd-bus.h>

#include <cstring>
#include <memory>
#include <stdexcept>

namespace nixtray::agent {

namespace {

struct MessageDeleter {
  void operator()(sd_bus_message* m) const { sd_bus_message_unref(m); }
};
using Message = std::unique_ptr<sd_bus_message, MessageDeleter>;

struct BusError {
  sd_bus_error error = SD_BUS_ERROR_NULL;
  ~BusError() { sd_bus_error_free(&error); }
};

void check(int r, const char* what) {
  if (r < 0) {
    throw std::runtime_error(std::string(what) + ": " + std::strerror(-r));
  }
}

std::vector<char*> strv(const std::vector<std::string>& items) {
  std::vector<char*> list;
  for (const auto& item : items) list.push_back(const_cast<char*>(item.c_str()));
  list.push_back(nullptr);
  return list;
}

void append_string_property(sd_bus_message* m, const char* name, const std::string& value) {
  check(sd_bus_message_append(m, "(sv)", name, "s", value.c_str()), name);
}

}  // namespace

TransientUnitLauncher::~TransientUnitLauncher() {
  if (bus_) sd_bus_flush_close_unref(bus_);
}

sd_bus* TransientUnitLauncher::bus() {
  if (bus_ && sd_bus_is_open(bus_) > 0) {
    return bus_;
  }
  if (bus_) {
    sd_bus_unref(bus_);
    bus_ = nullptr;
  }
  // The system bus when there is one (DBUS_SYSTEM_BUS_ADDRESS honoured), otherwise systemd's own
  // socket: the agent runs under systemd, so one of them exists.
  if (sd_bus_open_system(&bus_) >= 0) {
    return bus_;
  }
  bus_ = nullptr;
  sd_bus* direct = nullptr;
  check(sd_bus_new(&direct), "sd_bus_new");
  sd_bus_set_address(direct, "unix:path=/run/systemd/private");
  const int r = sd_bus_start(direct);
  if (r < 0) {
    sd_bus_unref(direct);
    throw std::runtime_error(std::string("cannot reach systemd (system bus and /run/systemd/private): ") +
                             std::strerror(-r));
  }
  bus_ = direct;
  return bus_;
}

void TransientUnitLauncher::start(const TransientUnit& unit) {
  sd_bus_message* raw = nullptr;
  check(sd_bus_message_new_method_call(bus(), &raw, systemd_bus::service, systemd_bus::manager_path,
                                       systemd_bus::manager_interface, "StartTransientUnit"),
        "StartTransientUnit");
  Message m(raw);
  check(sd_bus_message_append(m.get(), "ss", unit.name.c_str(), "fail"), "unit name");
  check(sd_bus_message_open_container(m.get(), 'a', "(sv)"), "properties");
  append_string_property(m.get(), "Description", unit.description);
  append_string_property(m.get(), "WorkingDirectory", unit.working_directory.string());
  append_string_property(m.get(), "StandardOutputFileToAppend", unit.output_file.string());
  append_string_property(m.get(), "StandardErrorFileToAppend", unit.output_file.string());
  append_string_property(m.get(), "CollectMode", "inactive-or-failed");
  append_string_property(m.get(), "KillMode", "control-group");

  // ExecStart: a(sasb) — path, argv, ignore-failure.
  auto argv = strv(unit.argv);
  check(sd_bus_message_open_container(m.get(), 'r', "sv"), "ExecStart");
  check(sd_bus_message_append(m.get(), "s", "ExecStart"), "ExecStart");
  check(sd_bus_message_open_container(m.get(), 'v', "a(sasb)"), "ExecStart");
  check(sd_bus_message_open_container(m.get(), 'a', "(sasb)"), "ExecStart");
  check(sd_bus_message_open_container(m.get(), 'r', "sasb"), "ExecStart");
  check(sd_bus_message_append(m.get(), "s", unit.argv.front().c_str()), "ExecStart");
  check(sd_bus_message_append_strv(m.get(), argv.data()), "ExecStart");
  check(sd_bus_message_append(m.get(), "b", 0), "ExecStart");
  for (int i = 0; i < 4; ++i) check(sd_bus_message_close_container(m.get()), "ExecStart");

  auto environment = strv(unit.environment);
  check(sd_bus_message_open_container(m.get(), 'r', "sv"), "Environment");
  check(sd_bus_message_append(m.get(), "s", "Environment"), "Environment");
  check(sd_bus_message_open_container(m.get(), 'v', "as"), "Environment");
  check(sd_bus_message_append_strv(m.get(), environment.data()), "Environment");
  check(sd_bus_message_close_container(m.get()), "Environment");
  check(sd_bus_message_close_container(m.get()), "Environment");

  check(sd_bus_message_close_container(m.get()), "properties");
  check(sd_bus_message_append(m.get(), "a(sa(sv))", 0), "aux");

  BusError error;
  sd_bus_message* reply = nullptr;
  const int r = sd_bus_call(bus(), m.get(), 0, &error.error, &reply);
  sd_bus_message_unref(reply);
  if (r < 0) {
    throw std::runtime_error("systemd refused to start " + unit.name + ": " +
                             (error.error.message ? error.error.message : std::strerror(-r)));
  }
}

void TransientUnitLauncher::stop(const std::string& name) {
  BusError error;
  sd_bus_message* reply = nullptr;
  const int r =
      sd_bus_call_method(bus(), systemd_bus::service, systemd_bus::manager_path, systemd_bus::manager_interface,
                         "StopUnit", &error.error, &reply, "ss", name.c_str(), "replace");
  sd_bus_message_unref(reply);
  if (r < 0) {
    throw std::runtime_error("systemd could not stop " + name + ": " +
                             (error.error.message ? error.error.message : std::strerror(-r)));
  }
}

bool TransientUnitLauncher::exists(const std::string& name) {
  BusError error;
  sd_bus_message* reply = nullptr;
  const int r = sd_bus_call_method(bus(), systemd_bus::service, systemd_bus::manager_path,
                                   systemd_bus::manager_interface, "GetUnit", &error.error, &reply, "s", name.c_str());
  sd_bus_message_unref(reply);
  return r >= 0;
}

}  // namespace nixtray::agent
