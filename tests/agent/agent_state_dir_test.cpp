// The agent's state directory: one agent at a time, and writes that survive a power cut.
#include "catch.hpp"
#include "raw_client.hpp"
#include "test_agent.hpp"

#include "nixtray/testing/process_runner.hpp"
#include "nixtray/testing/text_file.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

using namespace nixtray::testing;
using nlohmann::json;
namespace fs = std::filesystem;

TEST_CASE("a second serve on the same state directory exits non-zero naming the first agent's pid") {
  const TempDir root("nxl");
  const auto profile = make_two_generation_profile(root.path());
  TestAgent first(agent_options_for(profile));
  const auto other_socket = root.path() / "second.sock";
  std::ofstream(root.path() / "agent.json") << "{}\n";
  RunOptions options;
  options.env["DBUS_SYSTEM_BUS_ADDRESS"] = "unix:path=" + (root.path() / "no-bus").string();
  options.timeout = std::chrono::seconds(20);
  const auto second = run_process(
      {agent_binary().string(), "serve", "--config", (root.path() / "agent.json").string(), "--socket",
       other_socket.string(), "--state-dir", first.state_dir().string(), "--profile-dir", profile.profile_dir.string(),
       "--current-system", profile.current_link.string(), "--booted-system", profile.booted_link.string()},
      options);
  INFO(second.describe());
  CHECK_FALSE(second.timed_out);
  CHECK(second.exit_code() != 0);
  CHECK(second.err.find("pid " + std::to_string(first.pid())) != std::string::npos);
  CHECK(second.err.find(first.state_dir().string()) != std::string::npos);
  CHECK_FALSE(fs::exists(other_socket));  // it stopped before serving anything
  // The first agent goes on as if nothing happened.
  auto client = RawClient::unix_socket(first.socket());
  REQUIRE(client.hello().contains("result"));
  client.request(2, "status");
  const auto status = client.response(2);
  REQUIRE(status);
  CHECK(status->contains("result"));
  CHECK(first.running());
}

TEST_CASE("a state file is renamed into place and then its directory is synced") {
  // A real agent process (the rescue tool writing the known-good record) under strace: the rename
  // of the record must be followed by an fsync of the directory that holds it, or a power cut (a
  // `wsl.exe --terminate`) can lose the rename although the file's data were synced.
  const TempDir root("nxf");
  const auto profile = make_two_generation_profile(root.path());
  const auto state = root.path() / "state";
  fs::create_directories(state);
  std::ofstream(root.path() / "agent.json") << "{}\n";
  const auto trace = root.path() / "strace.out";
  RunOptions options;
  const char* asan = std::getenv("ASAN_OPTIONS");
  options.env["ASAN_OPTIONS"] = std::string(asan ? asan : "") + ":detect_leaks=0";  // LSan cannot run under ptrace
  const auto traced = run_process(
      {"/usr/bin/strace", "-y", "-e", "trace=rename,renameat,renameat2,fsync", "-o", trace.string(),
       agent_binary().string(), "rescue", "mark-good", "1", "--config", (root.path() / "agent.json").string(),
       "--state-dir", state.string(), "--profile-dir", profile.profile_dir.string()},
      options);
  INFO(traced.describe());
  REQUIRE(traced.ok());
  const auto lines = lines_of(read_text(trace));
  const auto record = (state / "known-good.json").string();
  const auto renamed = std::find_if(lines.begin(), lines.end(), [&](const std::string& line) {
    return line.starts_with("rename") && line.find("\"" + record + "\"") != std::string::npos;
  });
  INFO("strace:\n"
       << [&] {
            std::string all;
            for (const auto& line : lines) all += line + "\n";
            return all;
          }());
  REQUIRE(renamed != lines.end());
  // strace -y prints the path behind a descriptor: fsync(4</tmp/.../state>)   = 0
  const bool directory_synced = std::any_of(renamed, lines.end(), [&](const std::string& line) {
    return line.starts_with("fsync(") && line.find("<" + state.string() + ">)") != std::string::npos &&
           line.ends_with("= 0");
  });
  CHECK(directory_synced);
  CHECK(json::parse(read_text(state / "known-good.json"))["number"] == 1);
}
