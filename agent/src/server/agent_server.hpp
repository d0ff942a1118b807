// Accepts connections on the Unix socket, loopback TCP and sockets passed by systemd, keeps the
// sessions, and publishes events to the sessions subscribed to a topic.
#pragma once

#include "nixtray/crypto/token_proof.hpp"
#include "nixtray/net/asio.hpp"
#include "nixtray/net/line_connection.hpp"
#include "server/method_registry.hpp"
#include "server/peer.hpp"

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace nixtray::agent {

class Session;

struct ServerOptions {
  std::filesystem::path socket;
  std::optional<std::string> group;
  std::optional<std::string> tcp;    // "127.0.0.1:PORT"
  std::optional<std::string> token;  // required when tcp is set
  std::string agent_version;
  // limits.max_line_bytes applies once a connection's handshake is over; first_line_timeout is
  // the hello deadline (on TCP, the deadline of the whole handshake).
  net::ConnectionLimits limits = default_limits();
  // Connections past their handshake (Unix socket, bridge, authenticated TCP).
  int max_clients = 4096;
  // TCP connections still in their handshake, counted apart: unauthenticated peers can neither
  // take the Unix socket's places nor hold more than this many buffers.
  int max_handshaking_tcp = 16;
  // A line before the handshake is over (hello and auth are a few hundred bytes).
  std::size_t handshake_max_line_bytes = 16 * 1024;
  // Requests of one connection being answered at once; more get -32006.
  int max_in_flight = 64;
  // Log events are skipped (the client sees a gap through `from` and re-reads with jobs.log)
  // for a session whose outgoing queue is above this.
  std::size_t log_event_backlog_limit = 1024 * 1024;
  // Any other event that would take a session's outgoing queue above this drops the session: a
  // subscriber that stopped reading is let go, not kept growing up to limits.max_queued_bytes.
  std::size_t event_backlog_limit = 4 * 1024 * 1024;
  // The source of the agent's handshake nonces (a test fixes it to replay a handshake).
  std::function<std::string()> new_nonce = crypto::new_nonce;

  static net::ConnectionLimits default_limits() {
    net::ConnectionLimits limits;
    // A client that does not take its answers is not read further until it does (§4).
    limits.pause_reading_above = 1024 * 1024;
    return limits;
  }
};

class AgentServer {
 public:
  AgentServer(net::asio::io_context& io, ServerOptions options, MethodRegistry& methods);
  ~AgentServer();
  AgentServer(const AgentServer&) = delete;
  AgentServer& operator=(const AgentServer&) = delete;

  // Opens the listeners: sockets passed by systemd if any, otherwise the configured ones.
  // Throws std::runtime_error with an actionable message (address in use, not loopback, ...).
  void start();
  void stop();

  // One encoded `event` notification line.
  static std::string event_line(std::string_view topic, const protocol::json& data);
  // Sends an event to every session subscribed to the topic.
  void publish(std::string_view topic, const protocol::json& data);
  [[nodiscard]] std::size_t subscriber_count(std::string_view topic) const;
  [[nodiscard]] std::size_t session_count() const { return sessions_.size(); }

  [[nodiscard]] const MethodRegistry& methods() const { return methods_; }
  [[nodiscard]] const ServerOptions& options() const { return options_; }
  [[nodiscard]] const PeerAuthorizer& authorizer() const { return authorizer_; }
  void forget(const std::shared_ptr<Session>& session);
  // A session's handshake is over: it no longer counts as handshaking (TCP).
  void handshake_finished(const Session& session);
  // Serves one connection as a session of this server. The listeners call it for each accepted
  // socket; the session fuzzer (tests/fuzz/agent_session_fuzz.cpp) hands it an in-memory stream.
  void admit(std::unique_ptr<net::ByteStream> stream, PeerIdentity peer);

  // Topics whose existence depends on the agent's state (log:<job id>): `check` throws an
  // RpcException to refuse a topic; `subscribed` runs after a session subscribed (e.g. to send
  // the latest log lines right away).
  struct TopicHooks {
    std::function<void(const std::string& topic)> check;
    std::function<void(const std::shared_ptr<Session>&, const std::string& topic)> subscribed;
  };
  void set_topic_hooks(TopicHooks hooks) { topic_hooks_ = std::move(hooks); }
  void check_topic(const std::string& topic) const;
  void notify_subscribed(const std::shared_ptr<Session>& session, const std::string& topic);

 private:
  void open_unix_listener();
  void open_tcp_listener();
  bool adopt_activated_sockets();
  template <class Acceptor>
  net::asio::awaitable<void> accept_loop(Acceptor& acceptor);
  PeerIdentity identify(net::asio::local::stream_protocol::socket& socket) const;
  PeerIdentity identify(net::asio::ip::tcp::socket& socket) const;
  // Whether a new connection over this transport is refused because its places are taken.
  [[nodiscard]] bool full(Transport transport) const;

  net::asio::io_context& io_;
  ServerOptions options_;
  MethodRegistry& methods_;
  PeerAuthorizer authorizer_;
  std::vector<std::unique_ptr<net::asio::local::stream_protocol::acceptor>> unix_acceptors_;
  std::vector<std::unique_ptr<net::asio::ip::tcp::acceptor>> tcp_acceptors_;
  std::set<std::shared_ptr<Session>> sessions_;
  int handshaking_tcp_ = 0;
  bool created_socket_file_ = false;
  TopicHooks topic_hooks_;
};

}  // namespace nixtray::agent
