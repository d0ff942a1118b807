// The floor of a round trip on a transport: a server that answers every line with a fixed reply
// (as large as the agent's), as fast as it can, on a Unix socket or on loopback TCP. One client;
// it must be gone before the server is destroyed.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <thread>

namespace nixtray::bench {

class EchoServer {
 public:
  static std::unique_ptr<EchoServer> on_unix_socket(const std::filesystem::path& path, std::string reply);
  // On 127.0.0.1, a port chosen by the kernel: port().
  static std::unique_ptr<EchoServer> on_loopback_tcp(std::string reply);
  ~EchoServer();
  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] int port() const { return port_; }

 private:
  EchoServer(int listener, std::string reply);
  void serve();

  int listener_ = -1;
  std::string reply_;
  std::filesystem::path path_;
  int port_ = 0;
  std::thread thread_;
};

// A JSON-RPC result line of exactly `bytes` bytes, newline included, answering id 7.
std::string echo_reply_of_size(std::size_t bytes);

}  // namespace nixtray::bench
