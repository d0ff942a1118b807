#include "server/peer.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <vector>

namespace nixtray::agent {
namespace {

std::optional<std::string> user_name_of(uid_t uid) {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found) {
    return std::string(found->pw_name);
  }
  return std::nullopt;
}

}  // namespace

std::string PeerIdentity::describe() const {
  if (transport == Transport::tcp) {
    return "tcp " + address;
  }
  std::string text = uid ? "uid " + std::to_string(*uid) : std::string("unknown uid");
  if (user_name) {
    text += " (" + *user_name + ")";
  }
  if (pid) {
    text += " pid " + std::to_string(*pid);
  }
  return text;
}

PeerAuthorizer::PeerAuthorizer(std::optional<std::string> group) : group_name_(std::move(group)) {
  if (!group_name_) {
    return;
  }
  std::vector<char> buffer(16384);
  struct group entry {};
  struct group* found = nullptr;
  if (::getgrnam_r(group_name_->c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found) {
    throw std::runtime_error("group \"" + *group_name_ + "\" does not exist (setting \"group\")");
  }
  group_id_ = found->gr_gid;
}

bool PeerAuthorizer::is_authorized(uid_t uid, gid_t gid) const {
  if (uid == 0 || uid == ::geteuid()) {
    return true;
  }
  if (!group_id_) {
    return false;
  }
  if (gid == *group_id_) {
    return true;
  }
  // Supplementary groups come from the group database, as for a login of that user.
  const auto name = user_name_of(uid);
  if (!name) {
    return false;
  }
  int count = 64;
  std::vector<gid_t> groups(static_cast<std::size_t>(count));
  if (::getgrouplist(name->c_str(), gid, groups.data(), &count) < 0) {
    groups.resize(static_cast<std::size_t>(count));
    if (::getgrouplist(name->c_str(), gid, groups.data(), &count) < 0) {
      return false;
    }
  }
  groups.resize(static_cast<std::size_t>(count));
  for (const auto g : groups) {
    if (g == *group_id_) {
      return true;
    }
  }
  return false;
}

PeerIdentity PeerAuthorizer::identify_unix_peer(int fd) const {
  PeerIdentity peer;
  peer.transport = Transport::unix_socket;
  ucred credentials{};
  socklen_t length = sizeof(credentials);
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0) {
    peer.uid = credentials.uid;
    peer.gid = credentials.gid;
    peer.pid = credentials.pid;
    peer.user_name = user_name_of(credentials.uid);
    peer.authorized = is_authorized(credentials.uid, credentials.gid);
  }
  return peer;  // unknown credentials: read-only
}

}  // namespace nixtray::agent
