#include "echo_server.hpp"

#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace nixtray::bench {

std::unique_ptr<EchoServer> EchoServer::on_unix_socket(const std::filesystem::path& path, std::string reply) {
  const int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 || ::listen(listener, 4) != 0) {
    ::close(listener);
    throw std::runtime_error("echo server: cannot listen on " + path.string());
  }
  std::unique_ptr<EchoServer> server(new EchoServer(listener, std::move(reply)));
  server->path_ = path;
  return server;
}

std::unique_ptr<EchoServer> EchoServer::on_loopback_tcp(std::string reply) {
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 || ::listen(listener, 4) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(listener);
    throw std::runtime_error("echo server: cannot listen on 127.0.0.1");
  }
  std::unique_ptr<EchoServer> server(new EchoServer(listener, std::move(reply)));
  server->port_ = ntohs(address.sin_port);
  return server;
}

EchoServer::EchoServer(int listener, std::string reply) : listener_(listener), reply_(std::move(reply)) {
  thread_ = std::thread([this] { serve(); });
}

EchoServer::~EchoServer() {
  ::shutdown(listener_, SHUT_RDWR);  // wakes accept() if no client came
  if (thread_.joinable()) thread_.join();
  ::close(listener_);
}

void EchoServer::serve() {
  const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
  if (client < 0) return;
  std::string buffer;
  std::string chunk(65536, '\0');
  for (;;) {
    const auto n = ::recv(client, chunk.data(), chunk.size(), 0);
    if (n <= 0) break;
    buffer.append(chunk, 0, static_cast<std::size_t>(n));
    for (auto end = buffer.find('\n'); end != std::string::npos; end = buffer.find('\n')) {
      buffer.erase(0, end + 1);
      std::size_t sent = 0;
      while (sent < reply_.size()) {
        const auto w = ::send(client, reply_.data() + sent, reply_.size() - sent, MSG_NOSIGNAL);
        if (w <= 0) break;
        sent += static_cast<std::size_t>(w);
      }
    }
  }
  ::close(client);
}

std::string echo_reply_of_size(std::size_t bytes) {
  std::string reply = nlohmann::json{{"jsonrpc", "2.0"}, {"id", 7}, {"result", ""}}.dump();
  // Padding inside the result string keeps it valid JSON: {"id":7,"jsonrpc":"2.0","result":"xxx"}.
  reply.insert(reply.size() - 2, std::string(bytes - 1 - std::min(bytes - 1, reply.size()), 'x'));
  return reply + "\n";
}

}  // namespace nixtray::bench
