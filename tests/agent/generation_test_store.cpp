#include "generation_test_store.hpp"

#include "nixtray/testing/timeouts.hpp"

#include <regex>
#include <sstream>
#include <stdexcept>

namespace nixtray::testing {

namespace fs = std::filesystem;

namespace {

SystemSpec system_with(std::string label, std::vector<PackageSpec> packages,
                       std::optional<std::string> revision = std::nullopt) {
  SystemSpec spec;
  spec.label = std::move(label);
  spec.packages = std::move(packages);
  spec.configuration_revision = std::move(revision);
  return spec;
}

std::set<std::string> version_set(const std::string& text) {
  std::set<std::string> versions;
  if (text == "∅") {
    return versions;
  }
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(", ", start);
    const auto item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    versions.insert(item == "ε" ? std::string() : item);
    if (comma == std::string::npos) break;
    start = comma + 2;
  }
  return versions;
}

}  // namespace

GenerationTestStore::GenerationTestStore() {
  paths = store.build_systems({
      system_with("24.05.20240601.aaaaaaa (Uakari)", {{"hello", "2.12.1", 4096},
                                                      {"coreutils", "9.5", 16384},
                                                      {"python3", "3.11.9", 65536},
                                                      {"zlib", "1.3", 100},
                                                      {"payload", "1", 1000}}),
      system_with("24.11.20241201.bbbbbbb (Vicuna)", {{"hello", "2.12.2", 5120},
                                                      {"coreutils", "9.5", 16384},
                                                      {"firefox", "126.0.1", 81920},
                                                      {"zlib", "1.3", 2000},
                                                      {"payload", "1", 30000}}),
      system_with("24.11.20241215.ccccccc (Vicuna)",
                  {{"hello", "2.12.2", 5120},
                   {"coreutils", "9.5", 16384},
                   {"firefox", "126.0.1", 81920},
                   {"zlib", "1.3", 2000},
                   {"payload", "1", 30000}},
                  "3f2c1e9"),
  });
  for (const auto& path : paths) {
    store.add_generation(path);
  }
}

TestAgentOptions GenerationTestStore::agent_options(const Environment& extra_env) const {
  TestAgentOptions options;
  options.profile_dir = store.profiles_dir();
  options.env = merged(store.env(), extra_env);
  return options;
}

std::int64_t GenerationTestStore::nix_closure_size(const fs::path& path) const {
  const auto result =
      store.nix({"nix", "--extra-experimental-features", "nix-command", "path-info", "-S", path.string()});
  if (!result.ok()) throw std::runtime_error(result.describe());
  std::istringstream line(result.out);
  std::string printed_path;
  std::int64_t size = -1;
  line >> printed_path >> size;
  return size;
}

std::set<std::string> GenerationTestStore::nix_requisites(const fs::path& path) const {
  const auto result = store.nix({"nix-store", "-q", "--requisites", path.string()});
  if (!result.ok()) throw std::runtime_error(result.describe());
  std::set<std::string> paths_found;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) paths_found.insert(line);
  }
  return paths_found;
}

std::map<std::string, NixDiffLine> parse_nix_diff_closures(const std::string& output) {
  const std::string plain = std::regex_replace(output, std::regex("\x1b\\[[0-9;]*m"), "");
  std::map<std::string, NixDiffLine> lines;
  std::istringstream stream(plain);
  for (std::string line; std::getline(stream, line);) {
    const auto colon = line.find(": ");
    if (colon == std::string::npos) continue;
    NixDiffLine parsed;
    std::string rest = line.substr(colon + 2);
    // The size, when shown, is the last item: ", +12.3 KiB" or just "+12.3 KiB".
    static const std::regex size_at_end("(^|, )([+-][0-9]+\\.[0-9]) KiB$");
    std::smatch match;
    if (std::regex_search(rest, match, size_at_end)) {
      parsed.size_kib = std::stod(match[2].str());
      rest = rest.substr(0, static_cast<std::size_t>(match.position(0)));
    }
    const auto arrow = rest.find(" → ");
    if (arrow != std::string::npos) {
      parsed.removed = version_set(rest.substr(0, arrow));
      parsed.added = version_set(rest.substr(arrow + std::string(" → ").size()));
    }
    lines[line.substr(0, colon)] = parsed;
  }
  return lines;
}

AgentConnection::AgentConnection(const TestAgent& agent) : client(RawClient::unix_socket(agent.socket())) {
  const auto greeting = client.hello();
  if (!greeting.contains("result")) throw std::runtime_error("hello failed: " + greeting.dump());
}

nlohmann::json AgentConnection::call(const std::string& method, const nlohmann::json& params) {
  const int id = next_id++;
  client.request(id, method, params);
  auto reply = client.response(id, scaled(std::chrono::seconds(30)));
  if (!reply) throw std::runtime_error("no answer to " + method);
  return *reply;
}

nlohmann::json wait_for_closure_sizes(AgentConnection& connection) {
  nlohmann::json list;
  wait_until(
      [&] {
        list = connection.call("generations.list");
        for (const auto& generation : list["result"]["generations"]) {
          if (generation["problem"].is_null() && generation["closure_size"].is_null()) return false;
        }
        return true;
      },
      scaled(std::chrono::seconds(20)), std::chrono::milliseconds(50));
  return list;
}

}  // namespace nixtray::testing
