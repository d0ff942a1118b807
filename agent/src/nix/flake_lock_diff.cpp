#include "nix/flake_lock_diff.hpp"

#include <map>
#include <set>

namespace nixtray::agent {

namespace {

using nlohmann::json;

std::string text_member(const json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Input path -> node, walked from the root node through each node's `inputs`. A member that is an
// array follows another input ("follows"), so it names no node of its own. Every node is entered
// once (a lock is a graph, and a damaged one may have cycles).
std::map<std::string, const json*> nodes_by_input_path(const json& lock) {
  std::map<std::string, const json*> found;
  if (!lock.is_object() || !lock.contains("nodes") || !lock["nodes"].is_object()) return found;
  const auto& nodes = lock["nodes"];
  std::set<std::string> entered;
  std::vector<std::pair<std::string, std::string>> pending{{"", text_member(lock, "root")}};
  while (!pending.empty()) {
    const auto [path, key] = pending.back();
    pending.pop_back();
    const auto node = nodes.find(key);
    if (node == nodes.end() || !node->is_object() || !entered.insert(key).second) continue;
    if (!path.empty()) found.emplace(path, &*node);
    const auto inputs = node->find("inputs");
    if (inputs == node->end() || !inputs->is_object()) continue;
    for (const auto& [name, target] : inputs->items()) {
      if (!target.is_string()) continue;
      std::string input_path = path;
      if (!input_path.empty()) input_path += '/';
      input_path += name;
      pending.emplace_back(std::move(input_path), target.get<std::string>());
    }
  }
  return found;
}

std::optional<protocol::LockedInput> locked_of(const json* node) {
  if (node == nullptr || !node->contains("locked") || !(*node)["locked"].is_object()) return std::nullopt;
  const auto& locked = (*node)["locked"];
  protocol::LockedInput pin;
  pin.revision = text_member(locked, "rev");
  if (pin.revision.empty()) pin.revision = text_member(locked, "narHash");
  if (const auto date = locked.find("lastModified"); date != locked.end() && date->is_number_integer()) {
    pin.date = date->get<std::int64_t>();
  }
  return pin;
}

}  // namespace

std::string flake_reference_of(const json& original) {
  if (!original.is_object()) return "";
  auto type = text_member(original, "type");
  const auto ref = text_member(original, "ref");
  if (type == "github" || type == "gitlab" || type == "sourcehut") {
    auto spelled = type + ":" + text_member(original, "owner") + "/" + text_member(original, "repo");
    return ref.empty() ? spelled : spelled + "/" + ref;
  }
  if (type == "git" || type == "hg") {
    const auto url = text_member(original, "url");
    return type + "+" + url + (ref.empty() ? "" : "?ref=" + ref);
  }
  if (type == "path") return "path:" + text_member(original, "path");
  if (type == "indirect") return text_member(original, "id") + (ref.empty() ? "" : "/" + ref);
  if (type == "tarball" || type == "file") return text_member(original, "url");
  return type;
}

std::vector<protocol::InputChange> moved_inputs(const json& before, const json& after) {
  const auto old_nodes = nodes_by_input_path(before);
  const auto new_nodes = nodes_by_input_path(after);
  std::set<std::string> names;
  for (const auto& [name, node] : old_nodes) names.insert(name);
  for (const auto& [name, node] : new_nodes) names.insert(name);
  std::vector<protocol::InputChange> changes;
  for (const auto& name : names) {
    const auto old_node = old_nodes.find(name);
    const auto new_node = new_nodes.find(name);
    const json* was = old_node == old_nodes.end() ? nullptr : old_node->second;
    const json* is = new_node == new_nodes.end() ? nullptr : new_node->second;
    auto from = locked_of(was);
    auto to = locked_of(is);
    if (from && to && from->revision == to->revision) continue;
    if (!from && !to) continue;  // a root-like node without a pin on both sides
    protocol::InputChange change;
    change.name = name;
    const json* described = is != nullptr ? is : was;
    change.source = described->contains("original") ? flake_reference_of((*described)["original"]) : "";
    change.from = std::move(from);
    change.to = std::move(to);
    changes.push_back(std::move(change));
  }
  return changes;
}

}  // namespace nixtray::agent
