// A rebuild job builds what `sudo nixos-rebuild` in a console builds: with the Nix settings root's
// login shell exports (on NixOS /etc/profile sources /etc/set-environment, which sets NIX_PATH),
// with git's consent to read a flake checkout another user owns, and with nothing a client says
// in its environment. On the real-systemd job harness with the nixos-rebuild stand-in, which
// finds <nixos-config> through the real Nix and reads a flake's checkout with the real git.
#include "catch.hpp"
#include "jobs_fixture.hpp"

#include "nixtray/testing/process_runner.hpp"

using namespace nixtray::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const json* failed_to_start(const json& reply) { return reply.contains("error") ? &reply["error"] : nullptr; }

}  // namespace

TEST_CASE("a rebuild job gets NIX_PATH from root's login shell, set nowhere else") {
  const TempDir login("nxl");
  const auto configs = login.path() / "etc-nixos";
  const auto set_environment = login.path() / "set-environment";
  write_text(set_environment, "export __NIXOS_SET_ENVIRONMENT_DONE=1\nexport NIX_PATH=\"nixos-config=" +
                                  (configs / "login.nix").string() + "\"\n");
  write_text(login.path() / "profile", nixos_login_profile(set_environment));
  JobsFixtureOptions options;
  options.private_files = {{"/etc/profile", login.path() / "profile"}};
  JobsFixture f(options);
  f.store->write_configuration(configs, "login", toy_system_spec("24.11.20241220.eeeeeee (Vicuna)", "2.12.3"));

  const auto id = f.start({{"kind", "rebuild"}, {"mode", "build"}});
  const auto job = f.wait_finished(id);
  const auto lines = f.log_lines(id);
  INFO(json(lines).dump(1));
  CHECK(job["state"] == "succeeded");
  CHECK(contains(lines, "environment from root's login shell (/bin/bash)"));
  CHECK(contains(lines, "NIX_PATH=nixos-config=" + (configs / "login.nix").string()));
  CHECK(contains(lines, "building <nixos-config>"));
  CHECK(contains(lines, "hello-2.12.3"));  // the login path's configuration, not the stand-in's default
  CHECK_FALSE(contains(lines, "hello-2.12.2"));
}

TEST_CASE("a rebuild job still builds when root's login shell fails, and says so") {
  const TempDir login("nxl");
  write_text(login.path() / "profile", "echo 'profile: broken on purpose' >&2\nexit 3\n");
  JobsFixtureOptions options;
  options.private_files = {{"/etc/profile", login.path() / "profile"}};
  JobsFixture f(options);
  const auto id = f.start({{"kind", "rebuild"}, {"mode", "build"}});
  const auto job = f.wait_finished(id);
  const auto lines = f.log_lines(id);
  INFO(json(lines).dump(1));
  CHECK(job["state"] == "succeeded");
  CHECK(contains(lines,
                 "warning: root's login shell /bin/bash failed (exit code 3): profile: broken on purpose; "
                 "building with the agent's environment"));
  CHECK(contains(lines, "hello-2.12.2"));
}

TEST_CASE(
    "a rebuild job of a flake in a git checkout owned by uid 1000 builds, safe.directory for that checkout only") {
  JobsFixtureOptions options;
  options.environment = {{"NIXTRAY_STANDIN_SHOW_ENVIRONMENT", "1"}};
  JobsFixture f(options);
  const auto checkout = f.store_dir.path() / "home" / "alice" / "nixos-config";
  fs::create_directories(checkout);
  run_checked({"/usr/bin/git", "init", "-q", checkout.string()});
  f.store->write_configuration(checkout / "hosts", "machine",
                               toy_system_spec("24.11.20241221.fffffff (Vicuna)", "2.12.4"));
  run_checked({"/bin/chown", "-R", "1000:1000", (f.store_dir.path() / "home").string()});

  const auto id =
      f.start({{"kind", "rebuild"}, {"mode", "build"}, {"flake", (checkout / "hosts").string() + "#machine"}});
  const auto job = f.wait_finished(id);
  const auto lines = f.log_lines(id);
  INFO(json(lines).dump(1));
  CHECK(job["state"] == "succeeded");
  CHECK_FALSE(contains(lines, "dubious ownership"));
  CHECK(contains(lines, "hello-2.12.4"));
  CHECK(contains(lines, "the flake's git checkout " + checkout.string() + " belongs to another user"));
  // Exactly that checkout (its top, found above the flake's directory), never `*`.
  CHECK(contains(lines, "env: GIT_CONFIG_COUNT=2"));
  CHECK(contains(lines, "env: GIT_CONFIG_KEY_0=safe.directory"));
  CHECK(contains(lines, "env: GIT_CONFIG_VALUE_0=" + checkout.string()));
  CHECK(contains(lines, "env: GIT_CONFIG_VALUE_1=" + (checkout / ".git").string()));
  CHECK_FALSE(contains(lines, "=*"));
}

TEST_CASE("a client cannot put environment into a rebuild job") {
  JobsFixtureOptions options;
  options.environment = {{"NIXTRAY_STANDIN_SHOW_ENVIRONMENT", "1"}};
  JobsFixture f(options);
  const std::string injected = "nixos-config=/injected/by/the/client.nix";
  const auto reply = f.agent->call("jobs.start", {{"kind", "rebuild"},
                                                  {"mode", "build"},
                                                  {"environment", {{"NIX_PATH", injected}}},
                                                  {"env", json::array({"NIX_PATH=" + injected})},
                                                  {"NIX_PATH", injected},
                                                  {"flake", "/etc/nixos#machine NIX_PATH=" + injected}});
  INFO(reply.dump());
  if (const auto* error = failed_to_start(reply)) {
    CHECK((*error)["code"] == -32602);
    return;
  }
  const auto id = reply["result"]["id"].get<std::string>();
  f.wait_finished(id);
  const auto lines = f.log_lines(id);
  INFO(json(lines).dump(1));
  CHECK(contains(lines, "env: NIXTRAY_STANDIN_CONFIGS="));  // the stand-in did show what it got
  CHECK_FALSE(contains(lines, "env: NIX_PATH="));
  for (const auto& line : lines) {
    if (line.find("env: ") != std::string::npos) CHECK(line.find("/injected/") == std::string::npos);
  }
}
