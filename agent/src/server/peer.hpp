// Who is on the other end of a connection, and whether they may change the system.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace nixtray::agent {

enum class Transport { unix_socket, tcp };

struct PeerIdentity {
  Transport transport = Transport::unix_socket;
  std::optional<uid_t> uid;  // from SO_PEERCRED (Unix socket only)
  std::optional<gid_t> gid;
  std::optional<pid_t> pid;
  std::optional<std::string> user_name;
  std::string address;      // TCP peer address, for logs
  bool authorized = false;  // may call mutating methods and read logs

  [[nodiscard]] std::string describe() const;
};

// Decides who is authorized: root, the agent's own user, and members of the configured group.
// A TCP peer is authorized by the handshake instead (Session).
//
// The user database (name, supplementary groups) is asked on the event loop, so its answers are
// kept per uid and gid for a short while: a client that reconnects in a loop, or an NSS backend
// that is slow (LDAP, sssd), costs one lookup per expiry, not one per connection. Not thread-safe:
// the accept loop is its one caller.
class PeerAuthorizer {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds lookup_lifetime{10};
  static constexpr std::size_t max_cached_peers = 256;

  // Throws std::runtime_error when the group does not exist.
  explicit PeerAuthorizer(std::optional<std::string> group);

  // Reads SO_PEERCRED of a connected Unix socket.
  [[nodiscard]] PeerIdentity identify_unix_peer(int fd) const;
  [[nodiscard]] std::optional<gid_t> group_id() const { return group_id_; }

 private:
  struct Lookup {
    std::optional<std::string> user_name;
    bool authorized = false;
    Clock::time_point expires;
  };
  [[nodiscard]] const Lookup& look_up(uid_t uid, gid_t gid) const;
  [[nodiscard]] bool is_authorized(uid_t uid, gid_t gid, const std::optional<std::string>& name) const;

  std::optional<std::string> group_name_;
  std::optional<gid_t> group_id_;
  mutable std::map<std::pair<uid_t, gid_t>, Lookup> lookups_;
};

}  // namespace nixtray::agent
