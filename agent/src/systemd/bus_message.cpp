#include "systemd/bus_message.hpp"

#include <systemd/sd-bus.h>

#include <cstring>

namespace nixtray::agent {

namespace {

void check(int r, const char* what) {
  if (r < 0) {
    throw BusError(std::string("unexpected D-Bus message from systemd (") + what + "): " + std::strerror(-r));
  }
}

std::string_view view(const char* text) { return text ? std::string_view(text) : std::string_view(); }

}  // namespace

bool BusMessage::is_error() const { return sd_bus_message_is_method_error(message_, nullptr) > 0; }

std::string BusMessage::error_name() const {
  const sd_bus_error* error = sd_bus_message_get_error(message_);
  return error && error->name ? error->name : "";
}

std::string BusMessage::error_text() const {
  const sd_bus_error* error = sd_bus_message_get_error(message_);
  if (!error) {
    return "no error";
  }
  std::string text = error->name ? error->name : "error";
  if (error->message) {
    text += ": ";
    text += error->message;
  }
  return text;
}

std::string_view BusMessage::path() const { return view(sd_bus_message_get_path(message_)); }
std::string_view BusMessage::interface() const { return view(sd_bus_message_get_interface(message_)); }
std::string_view BusMessage::member() const { return view(sd_bus_message_get_member(message_)); }

std::string BusMessage::read_string() {
  const char* text = nullptr;
  check(sd_bus_message_read_basic(message_, 's', &text), "string");
  return text ? std::string(text) : std::string();
}

std::string BusMessage::read_object_path() {
  const char* text = nullptr;
  check(sd_bus_message_read_basic(message_, 'o', &text), "object path");
  return text ? std::string(text) : std::string();
}

bool BusMessage::read_bool() {
  int value = 0;
  check(sd_bus_message_read_basic(message_, 'b', &value), "boolean");
  return value != 0;
}

std::vector<std::string> BusMessage::read_string_array() {
  std::vector<std::string> result;
  check(sd_bus_message_enter_container(message_, 'a', "s"), "string array");
  for (;;) {
    const char* text = nullptr;
    const int r = sd_bus_message_read_basic(message_, 's', &text);
    check(r, "string array element");
    if (r == 0) {
      break;
    }
    result.emplace_back(text);
  }
  check(sd_bus_message_exit_container(message_), "end of string array");
  return result;
}

PropertyValue BusMessage::read_variant() {
  char type = 0;
  const char* contents = nullptr;
  check(sd_bus_message_peek_type(message_, &type, &contents), "variant type");
  if (type != 'v' || !contents || std::strlen(contents) != 1) {
    check(sd_bus_message_skip(message_, "v"), "skipping a variant");
    return {};
  }
  check(sd_bus_message_enter_container(message_, 'v', contents), "variant");
  PropertyValue value;
  switch (contents[0]) {
    case 's':
    case 'o': {
      const char* text = nullptr;
      check(sd_bus_message_read_basic(message_, contents[0], &text), "string variant");
      value = std::string(text ? text : "");
      break;
    }
    case 'b': {
      int flag = 0;
      check(sd_bus_message_read_basic(message_, 'b', &flag), "boolean variant");
      value = flag != 0;
      break;
    }
    case 't': {
      std::uint64_t number = 0;
      check(sd_bus_message_read_basic(message_, 't', &number), "uint64 variant");
      value = number;
      break;
    }
    case 'u': {
      std::uint32_t number = 0;
      check(sd_bus_message_read_basic(message_, 'u', &number), "uint32 variant");
      value = static_cast<std::uint64_t>(number);
      break;
    }
    case 'x': {
      std::int64_t number = 0;
      check(sd_bus_message_read_basic(message_, 'x', &number), "int64 variant");
      value = number;
      break;
    }
    case 'i': {
      std::int32_t number = 0;
      check(sd_bus_message_read_basic(message_, 'i', &number), "int32 variant");
      value = static_cast<std::int64_t>(number);
      break;
    }
    default:
      check(sd_bus_message_skip(message_, contents), "skipping a variant's value");
      break;
  }
  check(sd_bus_message_exit_container(message_), "end of variant");
  return value;
}

PropertyMap BusMessage::read_properties(bool (*keep)(std::string_view name)) {
  PropertyMap properties;
  check(sd_bus_message_enter_container(message_, 'a', "{sv}"), "property array");
  for (;;) {
    const int r = sd_bus_message_enter_container(message_, 'e', "sv");
    check(r, "property entry");
    if (r == 0) {
      break;
    }
    const char* name = nullptr;
    check(sd_bus_message_read_basic(message_, 's', &name), "property name");
    if (name && keep(name)) {
      properties.emplace(name, read_variant());
    } else {
      check(sd_bus_message_skip(message_, "v"), "skipping a property");
    }
    check(sd_bus_message_exit_container(message_), "end of property entry");
  }
  check(sd_bus_message_exit_container(message_), "end of property array");
  return properties;
}

std::vector<UnitListEntry> BusMessage::read_unit_list() {
  std::vector<UnitListEntry> units;
  check(sd_bus_message_enter_container(message_, 'a', "(ssssssouso)"), "unit list");
  for (;;) {
    const char *name = nullptr, *description = nullptr, *load = nullptr, *active = nullptr, *sub = nullptr;
    const char *following = nullptr, *path = nullptr, *job_type = nullptr, *job_path = nullptr;
    std::uint32_t job_id = 0;
    const int r = sd_bus_message_read(message_, "(ssssssouso)", &name, &description, &load, &active, &sub, &following,
                                      &path, &job_id, &job_type, &job_path);
    check(r, "unit list entry");
    if (r == 0) {
      break;
    }
    units.push_back({name, description, load, active, sub});
  }
  check(sd_bus_message_exit_container(message_), "end of unit list");
  return units;
}

}  // namespace nixtray::agent
