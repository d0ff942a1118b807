#include "raw_client.hpp"

#include "nixtray/crypto/hex.hpp"
#include "nixtray/crypto/primitives.hpp"
#include "nixtray/crypto/token_proof.hpp"
#include "nixtray/testing/stream_connect.hpp"
#include "nixtray/testing/timeouts.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace nixtray::testing {

RawClient RawClient::unix_socket(const std::filesystem::path& path) { return RawClient(connect_unix_stream(path)); }

RawClient RawClient::tcp(int port) { return RawClient(connect_loopback_tcp(port)); }

RawClient::RawClient(RawClient&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), buffer_(std::move(other.buffer_)), eof_(other.eof_) {}

RawClient::~RawClient() {
  if (fd_ >= 0) ::close(fd_);
}

void RawClient::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      return;  // the agent may already have closed on us; tests check for that separately
    }
    sent += static_cast<std::size_t>(n);
  }
}

void RawClient::request(int id, const std::string& method, const nlohmann::json& params) {
  send(nlohmann::json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}.dump() + "\n");
}

std::optional<std::string> RawClient::read_line(std::chrono::milliseconds timeout) {
  return read_line_until(std::chrono::steady_clock::now() + scaled(timeout));
}

std::optional<std::string> RawClient::take_line() {
  // Looks only at bytes not looked at yet: a line of megabytes arrives in many receives.
  const auto newline = buffer_.find('\n', scanned_);
  if (newline == std::string::npos) {
    scanned_ = buffer_.size();
    return std::nullopt;
  }
  auto line = buffer_.substr(0, newline);
  buffer_.erase(0, newline + 1);
  scanned_ = 0;
  return line;
}

void RawClient::receive(int timeout_ms) {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return;
  char chunk[65536];
  const auto n = ::recv(fd_, chunk, sizeof(chunk), 0);
  if (n <= 0) {
    eof_ = true;
  } else {
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

std::optional<std::string> RawClient::read_line_until(std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    if (auto line = take_line()) return line;
    if (eof_) return std::nullopt;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    receive(static_cast<int>(left.count()));
  }
}

std::optional<std::string> RawClient::read_bytes(std::size_t count, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + scaled(timeout);
  while (buffer_.size() < count && !eof_) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    receive(static_cast<int>(left.count()));
  }
  if (buffer_.size() < count) return std::nullopt;
  auto bytes = buffer_.substr(0, count);
  buffer_.erase(0, count);
  scanned_ = 0;
  return bytes;
}

std::optional<std::string> RawClient::read_line_if_ready() {
  if (buffer_.find('\n') == std::string::npos && !eof_) receive(0);
  return take_line();
}

std::optional<nlohmann::json> RawClient::read_json(std::chrono::milliseconds timeout) {
  auto line = read_line(timeout);
  if (!line) return std::nullopt;
  return nlohmann::json::parse(*line);
}

std::optional<nlohmann::json> RawClient::read_json_until(std::chrono::steady_clock::time_point deadline) {
  auto line = read_line_until(deadline);
  if (!line) return std::nullopt;
  return nlohmann::json::parse(*line);
}

std::optional<nlohmann::json> RawClient::response(int id, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + scaled(timeout);
  while (std::chrono::steady_clock::now() < deadline) {
    auto message = read_json_until(deadline);
    if (!message) return std::nullopt;
    if (message->contains("id") && (*message)["id"] == id) return message;
  }
  return std::nullopt;
}

bool RawClient::closed_by_peer(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + scaled(timeout);
  while (!eof_ && std::chrono::steady_clock::now() < deadline) {
    buffer_.clear();
    (void)read_line_until(deadline);
  }
  return eof_;
}

nlohmann::json RawClient::hello() {
  request(0, "hello", {{"protocol", 2}, {"client", "raw-test/1"}});
  auto reply = response(0);
  if (!reply) throw std::runtime_error("no answer to hello");
  return *reply;
}

namespace {

std::string hmac_hex(const std::string& token, const std::string& message) {
  return crypto::to_hex(crypto::hmac_sha256(token, message));
}

}  // namespace

nlohmann::json RawClient::authenticate(const std::string& token) {
  const auto client_nonce = crypto::new_nonce();
  request(0, "hello", {{"protocol", 2}, {"client", "raw-test/1"}, {"nonce", client_nonce}});
  auto hello = response(0);
  if (!hello) throw std::runtime_error("no answer to hello");
  if (!hello->contains("result")) return *hello;
  const auto& result = (*hello)["result"];
  const auto agent_nonce = result.at("nonce").get<std::string>();
  if (result.at("proof") != hmac_hex(token, "nixtray agent" + client_nonce + agent_nonce)) {
    throw std::runtime_error("the agent's proof does not match the token: " + hello->dump());
  }
  request(1, "auth", {{"proof", hmac_hex(token, "nixtray client" + agent_nonce + client_nonce)}});
  auto auth = response(1);
  if (!auth) throw std::runtime_error("no answer to auth");
  return *auth;
}

}  // namespace nixtray::testing
