// A D-Bus message received from systemd (a signal or a method reply), read with typed calls so
// the rest of the agent never sees sd-bus's C API. Not owned: valid during the callback that
// receives it. Reading the wrong shape throws BusError.
#pragma once

#include "systemd/unit_properties.hpp"

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct sd_bus_message;

namespace nixtray::agent {

class BusError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class BusMessage {
 public:
  explicit BusMessage(sd_bus_message* message) : message_(message) {}

  // A method reply that is an error (also the ones sd-bus makes up for a timeout or a lost
  // connection).
  [[nodiscard]] bool is_error() const;
  [[nodiscard]] std::string error_name() const;
  [[nodiscard]] std::string error_text() const;  // "name: message"

  [[nodiscard]] std::string_view path() const;
  [[nodiscard]] std::string_view interface() const;
  [[nodiscard]] std::string_view member() const;

  std::string read_string();                     // 's'
  std::string read_object_path();                // 'o'
  bool read_bool();                              // 'b'
  std::vector<std::string> read_string_array();  // 'as'
  // 'v' holding a basic type; other contents are skipped (monostate).
  PropertyValue read_variant();
  // 'a{sv}': the properties `keep` accepts; others are skipped without decoding.
  PropertyMap read_properties(bool (*keep)(std::string_view name));
  // 'a(ssssssouso)', the reply of ListUnits / ListUnitsByPatterns.
  std::vector<UnitListEntry> read_unit_list();

 private:
  sd_bus_message* message_;
};

}  // namespace nixtray::agent
