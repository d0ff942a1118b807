// One client connection: the handshake first (hello; on TCP also auth, docs/protocol.md §3.2),
// then requests dispatched with a cap on those in flight, and the connection's subscriptions.
#pragma once

#include "nixtray/net/line_connection.hpp"
#include "nixtray/protocol/envelope.hpp"
#include "server/peer.hpp"

#include <memory>
#include <set>
#include <string>

namespace nixtray::agent {

class AgentServer;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<net::LineConnection> connection, PeerIdentity peer, AgentServer& server);

  void start();
  void close(net::CloseReason reason = net::CloseReason::closed_locally);

  // Sends an already encoded event line. Returns false when it was not queued.
  bool send_line(std::string line);
  [[nodiscard]] std::size_t queued_bytes() const { return connection_->queued_bytes(); }

  [[nodiscard]] bool is_subscribed(std::string_view topic) const { return topics_.find(topic) != topics_.end(); }
  std::set<std::string, std::less<>>& topics() { return topics_; }

  [[nodiscard]] const PeerIdentity& peer() const { return peer_; }
  // Still in its handshake: hello not answered yet, or (TCP) auth not passed yet.
  [[nodiscard]] bool in_handshake() const { return stage_ != Stage::ready; }

 private:
  enum class Stage { hello, auth, ready };

  void handle_line(std::string line);
  void handle_request(protocol::Request request);
  void handle_hello(protocol::Request request);
  void handle_auth(protocol::Request request);
  void dispatch(protocol::Request request);
  void become_ready();
  // Before the handshake is over every error ends the connection (§4); afterwards it stays.
  void reply_error(const protocol::json& id, protocol::RpcError error);
  void reply_error_and_close(const protocol::json& id, protocol::RpcError error);
  // `payload`: bytes sent as they are right after a result's line (jobs.log's bytes form).
  void reply(const protocol::Response& response, std::string payload = {});
  // The line of a result response whose result is already encoded (compact JSON).
  void reply_encoded(const protocol::json& id, std::string_view encoded_result);
  void close_when_answered();

  std::shared_ptr<net::LineConnection> connection_;
  PeerIdentity peer_;
  AgentServer& server_;
  net::asio::steady_timer handshake_deadline_;
  Stage stage_ = Stage::hello;
  std::string client_nonce_;  // TCP, between hello and auth
  std::string agent_nonce_;
  bool input_ended_ = false;  // the client half-closed: answer what is in flight, then close
  int in_flight_ = 0;
  std::set<std::string, std::less<>> topics_;
};

}  // namespace nixtray::agent
