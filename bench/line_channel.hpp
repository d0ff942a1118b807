// A blocking newline-delimited JSON-RPC client over any of the agent's transports: a Unix socket,
// loopback TCP, or a child process spoken to through its stdin and stdout (the bridge, the way
// the Windows tray runs it through wsl.exe). The benchmarks time every transport through this
// one code path, so the transports differ only in what carries the bytes.
#pragma once

#include "nixtray/testing/subprocess.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::bench {

class LineChannel {
 public:
  static LineChannel unix_socket(const std::filesystem::path& path);
  static LineChannel loopback_tcp(int port);
  // Starts argv with pipes on its stdin and stdout (stderr to /dev/null); it is killed when the
  // channel goes away.
  static LineChannel child_process(const std::vector<std::string>& argv);

  LineChannel(LineChannel&& other) noexcept;
  LineChannel& operator=(LineChannel&&) = delete;
  LineChannel(const LineChannel&) = delete;
  LineChannel& operator=(const LineChannel&) = delete;
  ~LineChannel();

  // What to poll for readability.
  [[nodiscard]] int fd() const;
  // Writes the whole line (the caller adds the newline). Throws when the peer is gone.
  void send(const std::string& line);
  // A complete line already buffered, if any.
  std::optional<std::string> buffered_line();
  // Reads what is available (call when poll says readable); false on end of input.
  bool fill();
  // The next line, within the timeout; throws otherwise.
  std::string read_line(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // One request; the response with this id (events in between are skipped).
  nlohmann::json call(int id, const std::string& method, const nlohmann::json& params = nlohmann::json::object());

 private:
  explicit LineChannel(int socket_fd) : socket_fd_(socket_fd) {}
  explicit LineChannel(testing::Subprocess child) : child_(std::move(child)) {}

  int socket_fd_ = -1;                        // a socket: both directions
  std::optional<testing::Subprocess> child_;  // or a child: its stdin and stdout
  std::string buffer_;
};

}  // namespace nixtray::bench
