#include "systemd/bus_connection.hpp"

#include "support/logger.hpp"

#include <systemd/sd-bus.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace nixtray::agent {

namespace {

constexpr const char* unit_path_prefix = "/org/freedesktop/systemd1/unit";

std::string errno_text(int r) { return std::strerror(r < 0 ? -r : r); }

// The handler of one call or match, owned by its sd-bus slot and freed with it.
struct SlotHandler {
  BusConnection::Handler handler;
};

int run_handler(sd_bus_message* message, void* userdata, sd_bus_error* /*error*/) {
  auto* slot = static_cast<SlotHandler*>(userdata);
  try {
    BusMessage reader(message);
    slot->handler(reader);
  } catch (const std::exception& e) {
    // A message of an unexpected shape must not take the agent down; the next resync repairs.
    log_warning(std::string("systemd watcher: ") + e.what());
  }
  return 0;  // let other matches see the message too
}

void free_handler(void* userdata) { delete static_cast<SlotHandler*>(userdata); }

// The slot belongs to the bus from now on: it goes away after the reply, or with the bus.
void hand_over(sd_bus_slot* slot) {
  sd_bus_slot_set_destroy_callback(slot, free_handler);
  sd_bus_slot_set_floating(slot, 1);
  sd_bus_slot_unref(slot);
}

// D-Bus address values escape everything but [-0-9A-Za-z_/.\*] as %xx.
std::string address_escape(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char c : text) {
    const bool plain = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       std::strchr("-_/.\\*", c) != nullptr;
    if (plain && c != 0) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xf];
    }
  }
  return out;
}

}  // namespace

BusConnection::BusConnection(sd_bus* bus, Kind kind, std::string description)
    : bus_(bus), kind_(kind), description_(std::move(description)) {}

BusConnection::~BusConnection() {
  // No flush: it could block on a peer that stopped reading. Closing drops queued messages and
  // frees the pending handlers without calling them.
  sd_bus_close(bus_);
  sd_bus_unref(bus_);
}

std::unique_ptr<BusConnection> BusConnection::open_system_bus() {
  sd_bus* bus = nullptr;
  const int r = sd_bus_open_system(&bus);
  if (r < 0) {
    const char* address = std::getenv("DBUS_SYSTEM_BUS_ADDRESS");
    throw BusError(std::string("cannot connect to the system bus") +
                   (address ? std::string(" at ") + address : std::string()) + ": " + errno_text(r));
  }
  return std::unique_ptr<BusConnection>(new BusConnection(bus, Kind::system_bus, "the system bus"));
}

std::unique_ptr<BusConnection> BusConnection::open_direct(const std::string& socket_path) {
  sd_bus* bus = nullptr;
  int r = sd_bus_new(&bus);
  if (r >= 0) {
    const std::string address = "unix:path=" + address_escape(socket_path);
    r = sd_bus_set_address(bus, address.c_str());
  }
  if (r >= 0) {
    r = sd_bus_start(bus);
  }
  if (r < 0) {
    sd_bus_unref(bus);
    throw BusError("cannot connect to systemd at " + socket_path + ": " + errno_text(r));
  }
  return std::unique_ptr<BusConnection>(new BusConnection(bus, Kind::direct, socket_path));
}

int BusConnection::fd() const { return sd_bus_get_fd(bus_); }

int BusConnection::wanted_events() const { return sd_bus_get_events(bus_); }

std::optional<std::chrono::steady_clock::time_point> BusConnection::deadline() const {
  std::uint64_t usec = UINT64_MAX;
  if (sd_bus_get_timeout(bus_, &usec) < 0 || usec == UINT64_MAX) {
    return std::nullopt;
  }
  // sd-bus counts in CLOCK_MONOTONIC, which is what steady_clock reads on Linux.
  return std::chrono::steady_clock::time_point(std::chrono::microseconds(usec));
}

int BusConnection::process() { return sd_bus_process(bus_, nullptr); }

bool BusConnection::is_open() const { return sd_bus_is_open(bus_) > 0; }

void BusConnection::call(MethodCall call, Handler on_reply) {
  if (in_flight_ >= max_calls_in_flight) {
    waiting_.emplace_back(std::move(call), std::move(on_reply));
    return;
  }
  send(call, std::move(on_reply));
}

void BusConnection::send_waiting() {
  if (!is_open()) {
    waiting_.clear();  // their handlers are dropped, as with any call on a closed connection
    return;
  }
  while (in_flight_ < max_calls_in_flight && !waiting_.empty()) {
    auto [next, handler] = std::move(waiting_.front());
    waiting_.pop_front();
    send(next, std::move(handler));
  }
}

void BusConnection::send(const MethodCall& call, Handler on_reply) {
  sd_bus_message* message = nullptr;
  int r = sd_bus_message_new_method_call(bus_, &message, call.destination.c_str(), call.path.c_str(),
                                         call.interface.c_str(), call.member.c_str());
  for (const auto& argument : call.arguments) {
    if (r < 0) {
      break;
    }
    if (const auto* text = std::get_if<std::string>(&argument)) {
      r = sd_bus_message_append_basic(message, 's', text->c_str());
    } else {
      const auto& strings = std::get<std::vector<std::string>>(argument);
      std::vector<char*> array;
      for (const auto& s : strings) {
        array.push_back(const_cast<char*>(s.c_str()));  // sd-bus only reads them
      }
      array.push_back(nullptr);
      r = sd_bus_message_append_strv(message, array.data());
    }
  }
  // Handlers only run from process() of this connection, so `this` is alive when they do.
  auto* handler = new SlotHandler{[this, on_reply = std::move(on_reply)](BusMessage& reply) {
    --in_flight_;
    try {
      on_reply(reply);
    } catch (...) {
      send_waiting();
      throw;
    }
    send_waiting();
  }};
  sd_bus_slot* slot = nullptr;
  if (r >= 0) {
    r = sd_bus_call_async(bus_, &slot, message, run_handler, handler, 0);
  }
  sd_bus_message_unref(message);
  if (r < 0) {
    delete handler;
    throw BusError("cannot call " + call.member + " on systemd: " + errno_text(r));
  }
  ++in_flight_;
  hand_over(slot);
}

void BusConnection::match(const std::string& rule, Handler on_signal) {
  auto* handler = new SlotHandler{std::move(on_signal)};
  sd_bus_slot* slot = nullptr;
  // No install callback: sd-bus closes the connection when the daemon refuses the match, and the
  // watcher then reconnects, which is what we want.
  const int r = sd_bus_add_match_async(bus_, &slot, rule.c_str(), run_handler, nullptr, handler);
  if (r < 0) {
    delete handler;
    throw BusError("cannot watch systemd's signals (" + rule + "): " + errno_text(r));
  }
  hand_over(slot);
}

std::string BusConnection::unit_path(std::string_view unit_name) {
  char* path = nullptr;
  const std::string name(unit_name);
  if (sd_bus_path_encode(unit_path_prefix, name.c_str(), &path) < 0) {
    throw BusError("cannot make an object path for unit " + name);
  }
  std::string result(path);
  std::free(path);
  return result;
}

std::optional<std::string> BusConnection::unit_name_from_path(std::string_view path) {
  char* name = nullptr;
  const std::string text(path);
  if (sd_bus_path_decode(text.c_str(), unit_path_prefix, &name) <= 0 || !name) {
    return std::nullopt;
  }
  std::string result(name);
  std::free(name);
  return result;
}

}  // namespace nixtray::agent
