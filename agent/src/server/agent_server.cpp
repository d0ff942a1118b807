#include "server/agent_server.hpp"

#include "config/tcp_address.hpp"
#include "nixtray/protocol/envelope.hpp"
#include "nixtray/protocol/subscribe.hpp"
#include "server/session.hpp"
#include "support/logger.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace nixtray::agent {

namespace asio = net::asio;
using LocalProtocol = asio::local::stream_protocol;

namespace {

// Another agent answering on the path means we must not steal it; a dead socket file is left
// over from a crash and may go.
bool someone_listens_on(const std::filesystem::path& path) {
  asio::io_context probe_io;
  LocalProtocol::socket probe(probe_io);
  net::error_code ec;
  probe.connect(LocalProtocol::endpoint(path.string()), ec);
  return !ec;
}

asio::ip::tcp::endpoint parse_loopback_endpoint(const std::string& text) {
  const auto [host, port] = parse_tcp_address(text);
  net::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) {
    throw std::runtime_error("--tcp: \"" + host + "\" is not an IP address (use 127.0.0.1)");
  }
  if (!address.is_loopback()) {
    throw std::runtime_error("refusing to listen on " + text +
                             ": only loopback addresses (127.0.0.1, ::1) are allowed. WSL2 forwards localhost to "
                             "Windows; anything else would expose a root agent to the network");
  }
  return {address, port};
}

}  // namespace

PeerIdentity AgentServer::identify(LocalProtocol::socket& socket) const {
  return authorizer_.identify_unix_peer(socket.native_handle());
}

PeerIdentity AgentServer::identify(asio::ip::tcp::socket& socket) const {
  PeerIdentity peer;
  peer.transport = Transport::tcp;
  net::error_code ignored;
  const auto remote = socket.remote_endpoint(ignored);
  peer.address = remote.address().to_string() + ":" + std::to_string(remote.port());
  return peer;  // authorized by the token in hello
}

AgentServer::AgentServer(asio::io_context& io, ServerOptions options, MethodRegistry& methods)
    : io_(io), options_(std::move(options)), methods_(methods), authorizer_(options_.group) {}

AgentServer::~AgentServer() { stop(); }

void AgentServer::start() {
  const bool activated = adopt_activated_sockets();
  if (unix_acceptors_.empty() && !activated) {
    open_unix_listener();
  }
  if (options_.tcp && tcp_acceptors_.empty()) {
    open_tcp_listener();
  }
  for (auto& acceptor : unix_acceptors_) {
    asio::co_spawn(io_, accept_loop(*acceptor), asio::detached);
  }
  for (auto& acceptor : tcp_acceptors_) {
    asio::co_spawn(io_, accept_loop(*acceptor), asio::detached);
  }
}

void AgentServer::stop() {
  net::error_code ignored;
  for (auto& acceptor : unix_acceptors_) {
    acceptor->close(ignored);
  }
  for (auto& acceptor : tcp_acceptors_) {
    acceptor->close(ignored);
  }
  auto sessions = std::move(sessions_);
  for (const auto& session : sessions) {
    session->close();
  }
  if (created_socket_file_) {
    std::filesystem::remove(options_.socket, ignored);
    created_socket_file_ = false;
  }
}

bool AgentServer::adopt_activated_sockets() {
  const int count = sd_listen_fds(1);
  if (count <= 0) {
    return false;
  }
  for (int fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + count; ++fd) {
    if (sd_is_socket_unix(fd, SOCK_STREAM, 1, nullptr, 0) > 0) {
      unix_acceptors_.push_back(std::make_unique<LocalProtocol::acceptor>(io_, LocalProtocol(), fd));
      log_info("serving on a Unix socket passed by systemd");
    } else if (sd_is_socket_inet(fd, AF_UNSPEC, SOCK_STREAM, 1, 0) > 0) {
      sockaddr_storage address{};
      socklen_t length = sizeof(address);
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
      const auto protocol = address.ss_family == AF_INET6 ? asio::ip::tcp::v6() : asio::ip::tcp::v4();
      auto acceptor = std::make_unique<asio::ip::tcp::acceptor>(io_, protocol, fd);
      const auto endpoint = acceptor->local_endpoint();
      if (!endpoint.address().is_loopback()) {
        throw std::runtime_error("systemd passed a TCP socket on " + endpoint.address().to_string() +
                                 ", which is not loopback; refusing to serve on it");
      }
      if (!options_.token) {
        throw std::runtime_error("systemd passed a TCP socket but no token is configured");
      }
      tcp_acceptors_.push_back(std::move(acceptor));
      log_info("serving on TCP " + endpoint.address().to_string() + ":" + std::to_string(endpoint.port()) +
               " passed by systemd");
    } else {
      log_warning("ignoring socket " + std::to_string(fd) + " passed by systemd: not a stream socket we serve");
    }
  }
  return true;
}

void AgentServer::open_unix_listener() {
  const auto& path = options_.socket;
  const auto directory = path.parent_path();
  std::error_code fs_error;
  if (!directory.empty() && !std::filesystem::exists(directory, fs_error)) {
    std::filesystem::create_directories(directory, fs_error);
    if (fs_error) {
      throw std::runtime_error("cannot create " + directory.string() + ": " + fs_error.message());
    }
    // Only a directory we created is ours to lock down; never chmod someone else's.
    ::chmod(directory.c_str(), 0750);
    if (authorizer_.group_id()) {
      if (::chown(directory.c_str(), static_cast<uid_t>(-1), *authorizer_.group_id()) != 0) {
        log_warning("cannot give " + directory.string() + " to the group: " + std::strerror(errno));
      }
    }
  }
  struct stat info {};
  if (::lstat(path.c_str(), &info) == 0) {
    if (!S_ISSOCK(info.st_mode)) {
      throw std::runtime_error(path.string() + " exists and is not a socket; move it away or pick another --socket");
    }
    if (someone_listens_on(path)) {
      throw std::runtime_error("another agent is already serving on " + path.string());
    }
    std::filesystem::remove(path, fs_error);
  }
  auto acceptor = std::make_unique<LocalProtocol::acceptor>(io_);
  acceptor->open(LocalProtocol());
  const mode_t previous_umask = ::umask(0117);  // the socket is born 0660, never briefly open to all
  net::error_code ec;
  acceptor->bind(LocalProtocol::endpoint(path.string()), ec);
  ::umask(previous_umask);
  if (ec) {
    throw std::runtime_error("cannot listen on " + path.string() + ": " + ec.message());
  }
  created_socket_file_ = true;
  ::chmod(path.c_str(), 0660);
  if (authorizer_.group_id()) {
    if (::chown(path.c_str(), static_cast<uid_t>(-1), *authorizer_.group_id()) != 0) {
      log_warning("cannot give " + path.string() + " to the group: " + std::strerror(errno));
    }
  }
  acceptor->listen(asio::socket_base::max_listen_connections);
  unix_acceptors_.push_back(std::move(acceptor));
  log_info("listening on " + path.string());
}

void AgentServer::open_tcp_listener() {
  const auto endpoint = parse_loopback_endpoint(*options_.tcp);
  if (!options_.token) {
    throw std::runtime_error("TCP needs a token (token-file)");
  }
  auto acceptor = std::make_unique<asio::ip::tcp::acceptor>(io_);
  net::error_code ec;
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on TCP " + *options_.tcp + ": " + ec.message());
  }
  log_info("listening on TCP " + *options_.tcp + " (token required)");
  tcp_acceptors_.push_back(std::move(acceptor));
}

template <class Acceptor>
asio::awaitable<void> AgentServer::accept_loop(Acceptor& acceptor) {
  bool warned_full = false;
  while (acceptor.is_open()) {
    auto [ec, socket] = co_await acceptor.async_accept(net::use_nothrow);
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) {
      co_return;
    }
    if (ec) {
      // Out of file descriptors: wait a moment instead of spinning; clients retry.
      log_warning(std::string("accept failed: ") + ec.message());
      asio::steady_timer pause(io_, std::chrono::milliseconds(200));
      co_await pause.async_wait(net::use_nothrow);
      continue;
    }
    constexpr bool over_tcp = std::is_same_v<typename Acceptor::protocol_type, asio::ip::tcp>;
    if (full(over_tcp ? Transport::tcp : Transport::unix_socket)) {
      if (!warned_full) {
        log_warning(
            over_tcp
                ? "refusing TCP connections: " + std::to_string(options_.max_handshaking_tcp) +
                      " are in their handshake, or " + std::to_string(options_.max_clients) + " clients are connected"
                : "refusing connections: " + std::to_string(options_.max_clients) + " clients already connected");
        warned_full = true;
      }
      continue;  // the socket closes as it goes out of scope
    }
    warned_full = false;
    PeerIdentity peer = identify(socket);
    using Socket = typename Acceptor::protocol_type::socket;
    auto stream = std::make_unique<net::SocketStream<Socket>>(std::move(socket), peer.describe());
    admit(std::move(stream), std::move(peer));
  }
}

bool AgentServer::full(Transport transport) const {
  const int past_handshake = static_cast<int>(sessions_.size()) - handshaking_tcp_;
  if (past_handshake >= options_.max_clients) {
    return true;
  }
  return transport == Transport::tcp && handshaking_tcp_ >= options_.max_handshaking_tcp;
}

void AgentServer::admit(std::unique_ptr<net::ByteStream> stream, PeerIdentity peer) {
  // Until its handshake is over a connection may send only short lines (Session raises it).
  auto limits = options_.limits;
  limits.max_line_bytes = std::min(limits.max_line_bytes, options_.handshake_max_line_bytes);
  auto connection = std::make_shared<net::LineConnection>(std::move(stream), limits);
  if (peer.transport == Transport::tcp) {
    ++handshaking_tcp_;
  }
  auto session = std::make_shared<Session>(std::move(connection), std::move(peer), *this);
  sessions_.insert(session);
  session->start();
}

void AgentServer::handshake_finished(const Session& session) {
  if (session.peer().transport == Transport::tcp) {
    --handshaking_tcp_;
  }
}

void AgentServer::forget(const std::shared_ptr<Session>& session) {
  if (sessions_.erase(session) > 0 && session->in_handshake() && session->peer().transport == Transport::tcp) {
    --handshaking_tcp_;
  }
}

std::string AgentServer::event_line(std::string_view topic, const protocol::json& data) {
  return protocol::encode_compact(protocol::encode(protocol::Notification{
      std::string(protocol::event_method), protocol::json(protocol::Event{std::string(topic), data})}));
}

void AgentServer::publish(std::string_view topic, const protocol::json& data) {
  std::optional<std::string> line;
  const bool is_log = topic.starts_with(protocol::log_topic_prefix);
  for (const auto& session : sessions_) {
    if (!session->is_subscribed(topic)) {
      continue;
    }
    if (is_log && session->queued_bytes() > options_.log_event_backlog_limit) {
      continue;  // a slow reader misses log lines; the next event's `from` tells it so
    }
    if (!line) {
      line = event_line(topic, data);
    }
    if (session->queued_bytes() + line->size() > options_.event_backlog_limit) {
      session->close(net::CloseReason::stalled_subscriber);  // logged by the session; forgotten later
      continue;
    }
    session->send_line(*line);
  }
}

std::size_t AgentServer::subscriber_count(std::string_view topic) const {
  std::size_t count = 0;
  for (const auto& session : sessions_) {
    count += session->is_subscribed(topic) ? 1 : 0;
  }
  return count;
}

void AgentServer::check_topic(const std::string& topic) const {
  if (topic_hooks_.check) {
    topic_hooks_.check(topic);
  }
}

void AgentServer::notify_subscribed(const std::shared_ptr<Session>& session, const std::string& topic) {
  if (topic_hooks_.subscribed) {
    topic_hooks_.subscribed(session, topic);
  }
}

}  // namespace nixtray::agent
