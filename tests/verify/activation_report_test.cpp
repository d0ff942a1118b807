// The activation report: what NixOS-WSL's activation wrote to the kernel log (or to the test's
// activation log), cut down to the current boot, and never "ok" unless something was read.
#include "catch.hpp"

#include "verify/activation_report.hpp"

#include "nixtray/testing/temp_dir.hpp"

#include <fstream>

using namespace nixtray::agent;
using nixtray::protocol::ActivationState;

TEST_CASE("activation log lines: priority prefix and tag are read, empty lines skipped") {
  const auto lines = parse_activation_log_text(
      "<6>nixos-activation: activating the configuration...\n\n"
      "<3>nixos-activation: Activation script snippet 'etc' failed (1)\n"
      "setting up /etc...\n"
      "<11>user-facility error\n");
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].priority == 6);
  CHECK(lines[0].text == "activating the configuration...");
  CHECK(lines[1].priority == 3);
  CHECK(lines[1].text == "Activation script snippet 'etc' failed (1)");
  CHECK(lines[2].priority == 4);  // unprefixed: the kernel's default for user writes
  CHECK(lines[3].priority == 3);  // <11> = user facility (1) << 3 | err (3)
  CHECK(lines[3].facility == 1);
}

TEST_CASE("the report of a file is its last activation run") {
  const auto text =
      "<6>nixos-activation: activating the configuration...\n"
      "<3>nixos-activation: Activation script snippet 'users' failed (1)\n"
      "<6>nixos-activation: activation finished (status 1)\n"
      "<6>nixos-activation: activating the configuration...\n"
      "<6>nixos-activation: activation finished (status 0)\n";
  const auto report = report_of_run(last_activation_run(parse_activation_log_text(text)));
  CHECK(report.state == ActivationState::ok);
  CHECK(report.lines.empty());

  const auto failing = std::string(text) +
                       "<6>nixos-activation: activating the configuration...\n"
                       "<3>nixos-activation: Activation script snippet 'etc' failed (1)\n"
                       "<4>nixos-activation: warning: something is odd\n";
  const auto bad = report_of_run(last_activation_run(parse_activation_log_text(failing)));
  CHECK(bad.state == ActivationState::errors);
  CHECK(bad.lines == std::vector<std::string>{"Activation script snippet 'etc' failed (1)"});
}

TEST_CASE("nothing read is unknown, never ok") {
  CHECK(report_of_run({}).state == ActivationState::unknown);
  CHECK(read_activation_report(std::filesystem::path("/nonexistent/nixtray/activation.log")).state ==
        ActivationState::unknown);
  nixtray::testing::TempDir dir("nxv-act");
  std::ofstream(dir / "empty.log") << "\n\n";
  CHECK(read_activation_report(dir / "empty.log").state == ActivationState::unknown);
}

TEST_CASE("a snippet failure is an error whatever its priority, warnings are not") {
  ActivationLogLine unprefixed;
  unprefixed.text = "Activation script snippet 'binsh' failed (127)";
  CHECK(is_activation_error(unprefixed));
  ActivationLogLine warning;
  warning.priority = 4;
  warning.text = "warning: password file is insecure";
  CHECK_FALSE(is_activation_error(warning));
  ActivationLogLine error;
  error.priority = 3;
  error.text = "could not create /run/wrappers";
  CHECK(is_activation_error(error));
}

TEST_CASE("kernel log records: fields, continuation lines and the tag") {
  const auto record = parse_kmsg_record("12,1043,5123456,-;nixos-activation: setting up /etc...\n SUBSYSTEM=x\n");
  REQUIRE(record);
  CHECK(record->priority == 4);
  CHECK(record->facility == 1);
  CHECK(record->monotonic_us == 5123456);
  CHECK(record->text == "setting up /etc...");
  CHECK_FALSE(parse_kmsg_record("garbage without fields"));
  CHECK_FALSE(parse_kmsg_record("x,y,z;text"));
}

TEST_CASE("kernel log: only user-space records of this boot, up to systemd's first message") {
  std::vector<ActivationLogLine> records;
  const auto add = [&](int facility, int priority, std::int64_t at, std::string text) {
    ActivationLogLine line;
    line.facility = facility;
    line.priority = priority;
    line.monotonic_us = at;
    line.text = std::move(text);
    records.push_back(line);
  };
  add(1, 3, 1'000, "Activation script snippet 'etc' failed (1)");  // an earlier start of the distro
  add(0, 3, 9'000, "hv_balloon: kernel trouble");                  // the kernel itself
  add(1, 4, 10'500, "setting up /etc...");
  add(1, 4, 10'600, "Activation script snippet 'users' failed (1)");
  add(1, 6, 10'700, "systemd[1]: systemd 255 running in system mode");
  add(1, 3, 10'800, "systemd[1]: Failed to start foo.service.");  // a unit, not the activation
  const auto run = activation_records_of_boot(records, 10'000);
  REQUIRE(run.size() == 2);
  const auto report = report_of_run(run);
  CHECK(report.state == ActivationState::errors);
  CHECK(report.lines == std::vector<std::string>{"Activation script snippet 'users' failed (1)"});
  CHECK(report_of_run(activation_records_of_boot(records, 20'000)).state == ActivationState::unknown);
}
