#include "jobs_fixture.hpp"

#include "catch.hpp"

#include "nixtray/testing/process_runner.hpp"
#include "nixtray/testing/timeouts.hpp"

#include <algorithm>
#include <fstream>

namespace nixtray::testing {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const fs::path standin = fs::path(NIXTRAY_SOURCE_DIR) / "tests" / "jobs" / "nixos-rebuild-standin";

}  // namespace

SystemSpec toy_system_spec(const std::string& label, const std::string& hello_version) {
  SystemSpec spec;
  spec.label = label;
  spec.packages = {{"hello", hello_version, 4096}, {"coreutils", "9.5", 16384}};
  return spec;
}

std::string nixos_login_profile(const fs::path& set_environment) {
  return "if [ -n \"${__ETC_PROFILE_SOURCED-}\" ]; then return; fi\n__ETC_PROFILE_SOURCED=1\n"
         "export __ETC_PROFILE_DONE=1\n"
         "if [ -z \"${__NIXOS_SET_ENVIRONMENT_DONE-}\" ]; then\n  . " +
         set_environment.string() + "\nfi\n";
}

void write_text(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << text;
}

JobsFixture::JobsFixture(const JobsFixtureOptions& options) {
  store.emplace(store_dir.path());
  const auto first = store->build_system(toy_system_spec("24.11.20241201.aaaaaaa (Vicuna)", "2.12.1"));
  store->add_generation(first);
  store->write_configuration(configs, "default", toy_system_spec("24.11.20241215.bbbbbbb (Vicuna)", "2.12.2"));

  SystemdAgentOptions agent_options;
  agent_options.profile_dir = store->profiles_dir();
  agent_options.current_system = "/run/current-system";  // the namespace's own /run, as on a real system
  agent_options.booted_system = "/run/booted-system";
  agent_options.extra_args = {"--rebuild-command", standin.string(), "--min-free-space", options.min_free_space};
  agent_options.environment = store->env();
  agent_options.environment["NIXTRAY_STANDIN_CONFIGS"] = configs.string();
  if (options.flakes) agent_options.environment["NIX_CONFIG"] += "experimental-features = nix-command flakes\n";
  for (const auto& [name, value] : options.environment) agent_options.environment[name] = value;
  agent_options.state_dir_size = options.state_dir_size;
  agent_options.private_files = options.private_files;
  agent.emplace(agent_options);
  for (const auto* link : {"/run/current-system", "/run/booted-system"}) {
    agent->ns().run_inside({"/bin/ln", "-sfn", first.string(), link});
  }
  agent->wait_for_status([](const json& s) { return s["generations"]["current"] == 1; });
}

std::string JobsFixture::start(const json& params) {
  const auto reply = agent->call("jobs.start", params);
  INFO(reply.dump());
  REQUIRE(reply.contains("result"));
  return reply["result"]["id"].get<std::string>();
}

json JobsFixture::job(const std::string& id) { return agent->call("jobs.get", {{"id", id}})["result"]; }

json JobsFixture::wait_finished(const std::string& id, std::chrono::milliseconds timeout) {
  json last;
  const bool done = wait_until(
      [&] {
        last = job(id);
        return last["state"] != "running";
      },
      scaled(timeout), 100ms);
  INFO(last.dump(2) << "\nagent log:\n" << agent->log());
  REQUIRE(done);
  return last;
}

std::vector<std::string> JobsFixture::log_lines(const std::string& id) {
  std::vector<std::string> lines;
  std::int64_t from = 0;
  for (;;) {
    const auto chunk = agent->call("jobs.log", {{"id", id}, {"from", from}, {"limit", 10000}})["result"];
    for (const auto& line : chunk["lines"]) lines.push_back(line.get<std::string>());
    from = chunk["next"].get<std::int64_t>();
    if (chunk["complete"].get<bool>() || chunk["lines"].empty()) return lines;
  }
}

std::string JobsFixture::current_inside() {
  return trim_right(agent->ns().run_inside({"/bin/readlink", "/run/current-system"}).out);
}

bool contains(const std::vector<std::string>& lines, const std::string& text) {
  return std::any_of(lines.begin(), lines.end(), [&](const auto& l) { return l.find(text) != std::string::npos; });
}

}  // namespace nixtray::testing
