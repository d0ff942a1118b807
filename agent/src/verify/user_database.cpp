#include "verify/user_database.hpp"

#include "support/atomic_file.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>
#include <vector>

namespace nixtray::agent {

std::optional<PasswdEntry> find_passwd_entry(const std::string& passwd, const std::string& user) {
  std::size_t start = 0;
  while (start < passwd.size()) {
    const auto end = std::min(passwd.find('\n', start), passwd.size());
    const std::string_view line(passwd.data() + start, end - start);
    start = end + 1;
    std::vector<std::string_view> fields;
    for (std::size_t from = 0;;) {
      const auto colon = line.find(':', from);
      fields.push_back(line.substr(from, colon == std::string_view::npos ? std::string_view::npos : colon - from));
      if (colon == std::string_view::npos) break;
      from = colon + 1;
    }
    if (fields.size() < 7 || fields[0] != user) continue;
    PasswdEntry entry{std::string(fields[0]), std::nullopt, std::string(fields[5]), std::string(fields[6])};
    int uid = 0;
    const auto [end_of_uid, ec] = std::from_chars(fields[2].data(), fields[2].data() + fields[2].size(), uid);
    if (ec == std::errc() && end_of_uid == fields[2].data() + fields[2].size() && uid >= 0) entry.uid = uid;
    return entry;
  }
  return std::nullopt;
}

UserDatabase user_database(const std::filesystem::path& generation_root, const std::string& generation_name,
                           const std::filesystem::path& live_passwd) {
  if (auto own = read_small_file(generation_root / "etc" / "passwd")) {
    return {std::move(own), true, generation_name + "'s etc/passwd"};
  }
  return {read_small_file(live_passwd), false, "the running system's " + live_passwd.string()};
}

}  // namespace nixtray::agent
