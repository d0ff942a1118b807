#include "nixtray/cli/command_line.hpp"
#include "catch.hpp"

using namespace nixtray::cli;

namespace {

Program sample() {
  Program p;
  p.name = "tool";
  p.summary = "a tool";
  p.global_options = {{"socket", "PATH", "where"}, {"json", "", "json output"}};
  p.commands = {{"status", "", "show status", {}, 0, 0, ""},
                {"rollback", "[N]", "roll back", {{"boot", "", "only for next boot"}}, 0, 1, ""}};
  return p;
}

}  // namespace

TEST_CASE("global options go before or after the command") {
  const auto a = parse(sample(), {"--socket", "/s", "status", "--json"});
  CHECK(a.command == "status");
  CHECK(a.value("socket") == "/s");
  CHECK(a.has("json"));
  const auto b = parse(sample(), {"rollback", "--boot", "--socket=/x", "4"});
  CHECK(b.command == "rollback");
  CHECK(b.args == std::vector<std::string>{"4"});
  CHECK(b.has("boot"));
  CHECK(b.value("socket") == "/x");
}

TEST_CASE("usage errors name the offending word") {
  const auto error_of = [](std::vector<std::string> argv) -> std::string {
    try {
      parse(sample(), argv);
    } catch (const UsageError& e) {
      return e.what();
    }
    return "no error";
  };
  CHECK(error_of({"frobnicate"}).find("frobnicate") != std::string::npos);
  CHECK(error_of({"status", "--boot"}).find("--boot") != std::string::npos);
  CHECK(error_of({"status", "--socket"}).find("PATH") != std::string::npos);
  CHECK(error_of({"rollback", "1", "2"}).find("2") != std::string::npos);
  CHECK(error_of({"--json=yes", "status"}).find("takes no value") != std::string::npos);
  CHECK(error_of({"-x", "status"}).find("-x") != std::string::npos);
}

TEST_CASE("integer arguments are checked") {
  const auto a = parse(sample(), {"rollback", "12"});
  CHECK(integer_argument(a, 0, "N", 1, 100) == 12);
  const auto b = parse(sample(), {"rollback", "12x"});
  CHECK_THROWS_AS(integer_argument(b, 0, "N", 1, 100), UsageError);
}

TEST_CASE("help lists commands, options and the footer") {
  auto p = sample();
  p.footer = "Exit codes: 0 ok\n";
  const auto text = program_help(p);
  CHECK(text.find("rollback [N]") != std::string::npos);
  CHECK(text.find("--socket PATH") != std::string::npos);
  CHECK(text.find("Exit codes") != std::string::npos);
  CHECK(command_help(p, *find_command(p, "rollback")).find("--boot") != std::string::npos);
  CHECK(parse(p, {"rollback", "--help"}).help);
}
