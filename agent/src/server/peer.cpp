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

const PeerAuthorizer::Lookup& PeerAuthorizer::look_up(uid_t uid, gid_t gid) const {
  const auto now = Clock::now();
  const auto key = std::pair{uid, gid};
  if (const auto it = lookups_.find(key); it != lookups_.end() && it->second.expires > now) {
    return it->second;
  }
  if (lookups_.size() >= max_cached_peers) {
    std::erase_if(lookups_, [now](const auto& entry) { return entry.second.expires <= now; });
    if (lookups_.size() >= max_cached_peers) {
      lookups_.clear();  // many peers at once: forget all rather than grow
    }
  }
  Lookup lookup;
  lookup.user_name = user_name_of(uid);
  lookup.authorized = is_authorized(uid, gid, lookup.user_name);
  lookup.expires = now + lookup_lifetime;
  return lookups_[key] = std::move(lookup);
}

bool PeerAuthorizer::is_authorized(uid_t uid, gid_t gid, const std::optional<std::string>& name) const {
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
    const auto& lookup = look_up(credentials.uid, credentials.gid);
    peer.user_name = lookup.user_name;
    peer.authorized = lookup.authorized;
  }
  return peer;  // unknown credentials: read-only
}

}  // namespace nixtray::agent
