// One client connection: enforces hello first, dispatches requests, and holds subscriptions.
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
  void close();

  // Sends an already encoded event line. Returns false when it was not queued.
  bool send_line(std::string line);
  [[nodiscard]] std::size_t queued_bytes() const { return connection_->queued_bytes(); }

  [[nodiscard]] bool is_subscribed(std::string_view topic) const { return topics_.find(topic) != topics_.end(); }
  std::set<std::string, std::less<>>& topics() { return topics_; }

  [[nodiscard]] const PeerIdentity& peer() const { return peer_; }
  // hello fixes authorization for TCP peers (token).
  void set_authorized(bool authorized) { peer_.authorized = authorized; }

 private:
  void handle_line(std::string line);
  void handle_request(protocol::Request request);
  void reply_error_and_close(const protocol::json& id, protocol::RpcError error);
  void reply(const protocol::Response& response);
  void close_when_answered();

  std::shared_ptr<net::LineConnection> connection_;
  PeerIdentity peer_;
  AgentServer& server_;
  bool said_hello_ = false;
  bool input_ended_ = false;  // the client half-closed: answer what is in flight, then close
  int in_flight_ = 0;
  std::set<std::string, std::less<>> topics_;
};

}  // namespace nixtray::agent
