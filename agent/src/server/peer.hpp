// Who is on the other end of a connection, and whether they may change the system.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace nixtray::agent {

enum class Transport { unix_socket, tcp };

struct PeerIdentity {
  Transport transport = Transport::unix_socket;
  std::optional<uid_t> uid;  // from SO_PEERCRED (Unix socket only)
  std::optional<gid_t> gid;
  std::optional<pid_t> pid;
  std::optional<std::string> user_name;
  std::string address;      // TCP peer address, for logs
  bool authorized = false;  // may call mutating methods

  [[nodiscard]] std::string describe() const;
};

// Decides who is authorized: root, the agent's own user, and members of the configured group.
// A TCP peer is authorized by the token instead (checked in hello).
class PeerAuthorizer {
 public:
  // Throws std::runtime_error when the group does not exist.
  explicit PeerAuthorizer(std::optional<std::string> group);

  // Reads SO_PEERCRED of a connected Unix socket.
  [[nodiscard]] PeerIdentity identify_unix_peer(int fd) const;
  [[nodiscard]] bool is_authorized(uid_t uid, gid_t gid) const;
  [[nodiscard]] std::optional<gid_t> group_id() const { return group_id_; }

 private:
  std::optional<std::string> group_name_;
  std::optional<gid_t> group_id_;
};

}  // namespace nixtray::agent
