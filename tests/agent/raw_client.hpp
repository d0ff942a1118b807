// A deliberately dumb client for bad-input tests: sends exact bytes, reads lines with a deadline,
// and tells whether the agent closed the connection. No protocol library involved.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace nixtray::testing {

class RawClient {
 public:
  static RawClient unix_socket(const std::filesystem::path& path);
  static RawClient tcp(int port);
  RawClient(RawClient&& other) noexcept;
  RawClient& operator=(RawClient&&) = delete;
  ~RawClient();

  void send(const std::string& bytes);
  // Sends one JSON-RPC request line.
  void request(int id, const std::string& method, const nlohmann::json& params = nlohmann::json::object());
  // The next line, or nullopt on timeout or when the peer closed.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  std::optional<nlohmann::json> read_json(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Reads until a response with this id arrives (skipping events).
  std::optional<nlohmann::json> response(int id, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The next `count` bytes as they are (a payload after a response line, jobs.log's bytes form),
  // or nullopt on timeout or when the peer closed first.
  std::optional<std::string> read_bytes(std::size_t count,
                                        std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // True when the peer closed (EOF) within the timeout; lines received meanwhile are discarded.
  bool closed_by_peer(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // A whole line already received, or one that a single read of what is waiting completes; never
  // waits. For reading many clients at once: poll() their fd(), then drain the ready ones.
  std::optional<std::string> read_line_if_ready();
  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] bool closed() const { return eof_ && buffer_.find('\n') == std::string::npos; }
  // hello of this protocol version (2); returns the response (result or error).
  nlohmann::json hello();
  // The TCP handshake of docs/protocol.md §3.2, computed here from the document (HMAC-SHA-256
  // over the labels and nonces): hello with a fresh nonce, the agent's proof checked, then auth.
  // Returns the auth response (result or error), or the hello error response; throws when the
  // agent's proof does not match.
  nlohmann::json authenticate(const std::string& token);

 private:
  explicit RawClient(int fd) : fd_(fd) {}
  std::optional<std::string> read_line_until(std::chrono::steady_clock::time_point deadline);
  // The first whole line of what was received, if there is one.
  std::optional<std::string> take_line();
  // One read of what arrives within timeout_ms (0: only what is waiting); EOF is remembered.
  void receive(int timeout_ms);
  std::optional<nlohmann::json> read_json_until(std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  std::string buffer_;
  std::size_t scanned_ = 0;  // buffer_ holds no newline before this
  bool eof_ = false;
};

}  // namespace nixtray::testing
