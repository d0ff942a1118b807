// What the tray says when an action fails: chosen by the agent's error code and data, with the
// agent's English kept as detail, from the errors the agent really sends (agent/src/jobs).
#include "catch.hpp"

#include "core/state/action_error_text.hpp"

#include "nixtray/protocol/error_code.hpp"
#include "nixtray/text/byte_size.hpp"

using namespace nixtray;
using namespace nixtray::tray;
using protocol::ErrorCode;
using protocol::RpcError;

namespace {

Sentence said(ErrorCode code, const std::string& message, protocol::json data = nullptr) {
  return action_error_sentence(classify_rpc_error(RpcError(code, message, std::move(data)), "jobs.start"));
}

}  // namespace

TEST_CASE("a busy agent: the running job by its number, or a rebuild from a terminal, and the agent's words") {
  const auto job = said(ErrorCode::busy, "job 17 is still running", {{"job", "17"}});
  CHECK(job.english() ==
        "Job 17 is running: wait for it to end, or cancel it in the Jobs tab. (job 17 is still running)");
  REQUIRE(job.nested.size() == 1);
  CHECK(job.nested.front().format == "Job %s is running: wait for it to end, or cancel it in the Jobs tab.");
  CHECK(job.nested.front().args == std::vector<std::string>{"17"});  // the number, not in the format
  const auto external = said(ErrorCode::busy, "a rebuild started outside nixtray is running: nixos-rebuild switch",
                             {{"job", nullptr}, {"external", "nixos-rebuild switch"}});
  CHECK(external.english().rfind("A rebuild started outside nixtray is running: try again when it has ended.", 0) == 0);
  CHECK(external.english().find("(a rebuild started outside nixtray is running: nixos-rebuild switch)") !=
        std::string::npos);
}

TEST_CASE("a refusal for lack of space names the free space, one without data says the agent refused") {
  const auto space = said(ErrorCode::refused, "the Nix store has 120 MiB free", {{"free_bytes", 120 * 1024 * 1024}});
  CHECK(space.nested.front().format ==
        "Too little free space for the Nix store (%s free): garbage collection frees room.");
  CHECK(space.nested.front().args == std::vector<std::string>{text::format_bytes(120 * 1024 * 1024)});
  const auto other = said(ErrorCode::refused, "system must be a build job's result_path");
  CHECK(other.english() == "The agent refused. (system must be a build job's result_path)");
}

TEST_CASE("read-only, unknown and local errors each say what they mean") {
  CHECK(said(ErrorCode::unauthorized, "jobs.start changes the system").nested.front().format.find("read-only") !=
        std::string::npos);
  CHECK(said(ErrorCode::not_found, "no job 99").english() == "The agent does not have it (any more). (no job 99)");
  CHECK(said(ErrorCode::method_not_found, "method not found").english() ==
        "The agent in the distro is too old for this: update nixtray-agent there.");
  ActionError local{ActionErrorKind::not_connected, "not connected to the agent", 0, nullptr};
  CHECK(action_error_sentence(local).english() == "Not connected to the agent.");
  ActionError late{ActionErrorKind::timeout, "no answer to jobs.start in time", 0, nullptr};
  CHECK(action_error_sentence(late).english() == "The agent did not answer in time. (no answer to jobs.start in time)");
}
