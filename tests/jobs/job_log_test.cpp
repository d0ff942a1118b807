// The job log as the agent reads it: what a person sees of each raw line, line numbering that
// survives a restart, ranges served through the sparse index, and what the analyzer concludes.
#include "catch.hpp"

#include "jobs/job_log.hpp"
#include "jobs/job_log_analyzer.hpp"
#include "jobs/job_log_line.hpp"
#include "jobs/job_markers.hpp"
#include "jobs/job_record_store.hpp"
#include "nixtray/testing/temp_dir.hpp"

#include <fstream>

using namespace nixtray::agent;
using nixtray::testing::TempDir;
namespace protocol = nixtray::protocol;

namespace {

void append(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file, std::ios::app | std::ios::binary) << text;
}

std::string nix(const std::string& json) { return "@nix " + json; }

}  // namespace

TEST_CASE("visible lines: plain text, Nix messages, build logs, progress and markers are hidden") {
  CHECK(visible_lines("building the system") == std::vector<std::string>{"building the system"});
  CHECK(visible_lines(nix(R"({"action":"msg","level":3,"msg":"these 3 derivations will be built:"})")) ==
        std::vector<std::string>{"these 3 derivations will be built:"});
  CHECK(visible_lines(nix(R"({"action":"msg","level":5,"msg":"chatty"})")).empty());
  CHECK(visible_lines(nix(R"({"action":"result","fields":["make: ok"],"id":1,"type":101})")) ==
        std::vector<std::string>{"make: ok"});
  CHECK(visible_lines(nix(R"({"action":"result","fields":[1,3,0,0],"id":1,"type":105})")).empty());
  CHECK(
      visible_lines(nix(R"({"action":"result","fields":["say \"hi\" \\ \u00e9 \u001b[1mbold"],"id":3,"type":101})")) ==
      std::vector<std::string>{"say \"hi\" \\ \u00e9 bold"});
  CHECK(
      visible_lines(nix(R"({"action":"start","id":2,"level":3,"text":"building '/nix/store/x-a.drv'","type":105})")) ==
      std::vector<std::string>{"building '/nix/store/x-a.drv'"});
  CHECK(visible_lines(phase_marker(protocol::JobPhase::building)).empty());
  // An error with its code excerpt spans lines; colours are removed.
  CHECK(
      visible_lines(nix(
          R"({"action":"msg","level":0,"msg":"\u001b[31;1merror:\u001b[0m attribute 'bar' missing\n\n       at /etc/nixos/c.nix:2:4:"})")) ==
      std::vector<std::string>{"error: attribute 'bar' missing", "", "       at /etc/nixos/c.nix:2:4:"});
  CHECK(visible_lines("@nix {not json") == std::vector<std::string>{"@nix {not json"});
}

TEST_CASE("the log numbers lines, reads only what was appended, and serves any range") {
  TempDir dir("nxlog");
  const auto file = dir / "log";
  JobLog log(file);
  int raw_lines = 0;
  const auto count = [&](std::string_view raw) {
    ++raw_lines;
    return visible_lines(raw);
  };
  CHECK(log.read_appended(count).lines.empty());

  std::string text;
  for (int i = 0; i < 2000; ++i) {
    text += i % 3 == 0 ? nix(R"({"action":"result","fields":[0,1,0,0],"id":1,"type":105})") + "\n"
                       : "line " + std::to_string(i) + "\n";
  }
  append(file, text + "partial");
  const auto first = log.read_appended(count, 10);
  CHECK(raw_lines == 2000);
  CHECK(log.line_count() == 1333);  // two of every three raw lines are visible
  CHECK(first.lines.size() == 10);  // only the last lines travel in the event...
  CHECK(first.from == 1323);        // ...and `from` says where they start
  CHECK(first.next == 1333);

  const auto middle = log.read(500, 3);
  CHECK(middle.from == 500);
  CHECK(middle.next == 503);
  CHECK(middle.lines == std::vector<std::string>{"line 751", "line 752", "line 754"});

  append(file, " line\n");  // completes the partial line
  const auto second = log.read_appended(count);
  CHECK(second.from == 1333);
  CHECK(second.lines == std::vector<std::string>{"partial line"});
  CHECK(log.read(1333, 10).lines == std::vector<std::string>{"partial line"});
  CHECK(log.read(5000, 10).lines.empty());

  // A second reader of the same file (an agent after a restart) numbers every line the same way.
  JobLog again(file);
  again.read_appended(visible_lines, 0);
  CHECK(again.line_count() == log.line_count());
  for (const std::int64_t from : {0, 255, 256, 257, 1000, 1332}) {
    CHECK(again.read(from, 5).lines == log.read(from, 5).lines);
  }
}

TEST_CASE("read in steps of at most N lines, every line travels in exactly one step, in order") {
  TempDir dir("nxlog");
  const auto file = dir / "log";
  JobLog log(file);
  std::string text;
  for (int i = 0; i < 2500; ++i) text += "line " + std::to_string(i) + "\n";
  append(file, text);

  std::vector<std::string> seen;
  int steps = 0;
  do {
    const auto step = log.read_appended(visible_lines, SIZE_MAX, UINT64_MAX, 1000);
    CHECK(step.from == static_cast<std::int64_t>(seen.size()));
    CHECK(step.lines.size() <= 1000);
    seen.insert(seen.end(), step.lines.begin(), step.lines.end());
    ++steps;
  } while (!log.caught_up() && steps < 10);
  CHECK(steps == 3);
  REQUIRE(seen.size() == 2500);
  CHECK(seen.front() == "line 0");
  CHECK(seen[1000] == "line 1000");
  CHECK(seen.back() == "line 2499");
}

TEST_CASE("terminal codes go wherever they stand in a line, and text around them stays as it was") {
  // strip_terminal_codes passes eight plain bytes at a time: put each kind of byte at every
  // place of lines shorter and longer than one such word, and at their ends.
  for (std::size_t length = 1; length <= 20; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      const std::string before(at, 'a');
      const std::string after(length - at - 1, 'z');
      INFO("length " << length << ", at " << at);
      CHECK(strip_terminal_codes(before + "\x01" + after) == before + after);
      CHECK(strip_terminal_codes(before + "\x7f" + after) == before + after);
      CHECK(strip_terminal_codes(before + "\r" + after) == before + after);
      CHECK(strip_terminal_codes(before + "\t" + after) == before + "\t" + after);
      CHECK(strip_terminal_codes(before + "\x1b[1;31m" + after) == before + after);
      CHECK(strip_terminal_codes(before + "\xc3\xa9" + after) == before + "\xc3\xa9" + after);
      CHECK(strip_terminal_codes(before + "~ " + after) == before + "~ " + after);
      // A byte that starts no UTF-8 character becomes U+FFFD, as everywhere on the wire.
      CHECK(strip_terminal_codes(before + "\xff" + after) == before + "\xef\xbf\xbd" + after);
    }
  }
}

TEST_CASE("the analyzer gives the same visible lines as visible_lines()") {
  JobLogAnalyzer analyzer;
  for (const std::string& raw :
       {std::string("plain text"), phase_marker(protocol::JobPhase::building),
        nix(R"({"action":"msg","level":0,"msg":"error: a\nb"})"),
        nix(R"({"action":"result","fields":[1,2,0,0],"id":1,"type":105})"), std::string("@nix {broken")}) {
    INFO(raw);
    CHECK(analyzer.feed(raw) == visible_lines(raw));
  }
}

TEST_CASE("progress follows the Builds and CopyPaths activities and names the running build") {
  JobLogAnalyzer analyzer;
  analyzer.feed(phase_marker(protocol::JobPhase::building));
  analyzer.feed(nix(R"({"action":"start","id":10,"level":0,"text":"","type":104})"));
  analyzer.feed(nix(R"({"action":"start","id":11,"level":0,"text":"","type":103})"));
  analyzer.feed(nix(R"({"action":"result","fields":[1,3,1,0],"id":10,"type":105})"));
  analyzer.feed(nix(R"({"action":"result","fields":[2,5,0,0],"id":11,"type":105})"));
  analyzer.feed(nix(
      R"({"action":"start","fields":["/nix/store/0123456789abcdfghijklmnpqrsvwxyz-hello-2.12.1.drv","",1,1],"id":12,"level":3,"text":"building","type":105})"));
  analyzer.feed(nix(R"({"action":"result","fields":["buildPhase"],"id":12,"type":104})"));
  const auto& p = analyzer.progress();
  CHECK(p.phase == protocol::JobPhase::building);
  CHECK(p.builds_done == 1);
  CHECK(p.builds_expected == 3);
  CHECK(p.builds_running == 1);
  CHECK(p.downloads_done == 2);
  CHECK(p.downloads_expected == 5);
  CHECK(p.current == "hello-2.12.1 (buildPhase)");
  analyzer.feed(nix(R"({"action":"stop","id":12})"));
  CHECK_FALSE(analyzer.progress().current);
}

TEST_CASE("an evaluation error becomes a summary with its location") {
  JobLogAnalyzer analyzer;
  analyzer.feed(nix(R"({"action":"msg","level":0,"msg":"warning: Git tree is dirty"})"));
  analyzer.feed(nix(
      R"({"action":"msg","column":4,"file":"/etc/nixos/configuration.nix","level":0,"line":2,"msg":"\u001b[31;1merror:\u001b[0m attribute '\u001b[35;1mbar\u001b[0m' missing\n\n  at ...","raw_msg":"attribute '\u001b[35;1mbar\u001b[0m' missing"})"));
  const auto failure = analyzer.failure(1);
  CHECK(failure.kind == protocol::FailureKind::evaluation);
  CHECK(failure.message == "attribute 'bar' missing");
  CHECK(failure.location == "/etc/nixos/configuration.nix:2:4");
  CHECK(JobLogAnalyzer::summary_of(failure) ==
        "evaluation failed: attribute 'bar' missing (at /etc/nixos/configuration.nix:2:4)");
}

TEST_CASE("a build error names the derivation, its phase and its last lines") {
  JobLogAnalyzer analyzer;
  const std::string drv = "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-broken-1.0.drv";
  analyzer.feed(
      nix(R"({"action":"start","fields":[")" + drv + R"(","",1,1],"id":5,"level":3,"text":"building","type":105})"));
  analyzer.feed(nix(R"({"action":"result","fields":["buildPhase"],"id":5,"type":104})"));
  analyzer.feed(nix(R"({"action":"result","fields":["cc -c main.c"],"id":5,"type":101})"));
  analyzer.feed(nix(R"({"action":"result","fields":["main.c:3: error: expected ';'"],"id":5,"type":101})"));
  analyzer.feed(nix(R"({"action":"stop","id":5})"));
  analyzer.feed(nix(R"({"action":"msg","level":0,"msg":"error: builder for '\u001b[35;1m)" + drv +
                    R"(\u001b[0m' failed with exit code 2","raw_msg":"builder for '\u001b[35;1m)" + drv +
                    R"(\u001b[0m' failed with exit code 2"})"));
  const auto failure = analyzer.failure(1);
  CHECK(failure.kind == protocol::FailureKind::build);
  CHECK(failure.derivation == "broken-1.0");
  CHECK(failure.phase == "buildPhase");
  CHECK(failure.log_tail == std::vector<std::string>{"cc -c main.c", "main.c:3: error: expected ';'"});
  CHECK(JobLogAnalyzer::summary_of(failure) ==
        "build of broken-1.0 failed in buildPhase: main.c:3: error: expected ';'");
}

TEST_CASE("an activation failure names the units switch-to-configuration reported") {
  JobLogAnalyzer analyzer;
  analyzer.feed(phase_marker(protocol::JobPhase::activating));
  CHECK(analyzer.progress().phase == protocol::JobPhase::activating);
  analyzer.feed("warning: the following units failed: nginx.service, postgresql.service");
  protocol::JobFailure declared;
  declared.kind = protocol::FailureKind::activation;
  declared.message = "switch-to-configuration switch exited with code 4";
  analyzer.feed(failure_marker(declared));
  const auto failure = analyzer.failure(4);
  CHECK(failure.kind == protocol::FailureKind::activation);
  CHECK(failure.units == std::vector<std::string>{"nginx.service", "postgresql.service"});
  CHECK(JobLogAnalyzer::summary_of(failure) == "activation failed: nginx.service, postgresql.service failed to start");
}

TEST_CASE("without any error message the summary says how the job ended") {
  JobLogAnalyzer analyzer;
  analyzer.feed("something went wrong");
  CHECK(analyzer.failure(7).message == "the job exited with code 7");
  CHECK(analyzer.failure(7).log_tail == std::vector<std::string>{"something went wrong"});
}

TEST_CASE("job history: ids are never reused, a damaged record is moved aside, old logs go by budget") {
  TempDir dir("nxhist");
  {
    JobRecordStore store(dir.path());
    CHECK(store.load_all().empty());
    for (int i = 0; i < 3; ++i) {
      JobRecord record;
      record.job.id = store.allocate_id();
      record.job.kind = protocol::JobKind::gc;
      record.job.args.kind = protocol::JobKind::gc;
      record.job.args.keep = 2;
      record.job.state = protocol::JobState::succeeded;
      store.save(record);
      std::ofstream(store.files(record.job.id).log()) << std::string(1000, 'x');
    }
  }
  std::ofstream(dir / "jobs" / "2" / "job.json") << "{\"job\": trunc";
  JobRecordStore store(dir.path());
  const auto records = store.load_all();
  REQUIRE(records.size() == 2);
  CHECK(records[0].job.id == "1");
  CHECK(records[1].job.id == "3");
  CHECK(std::filesystem::exists(dir / "jobs" / "2"));  // the log and the damaged record stay for a person
  bool moved_aside = false;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "jobs" / "2")) {
    moved_aside = moved_aside || entry.path().filename().string().starts_with("job.json.corrupt-");
  }
  CHECK(moved_aside);
  CHECK(store.allocate_id() == "4");  // after a restart, never an old id

  // 3000 bytes of logs, 2500 allowed: the oldest goes, the kept one stays.
  const auto removed = store.prune_logs(2500, {"1"});
  CHECK(removed == std::vector<std::string>{"2"});
  CHECK(std::filesystem::exists(dir / "jobs" / "1" / "log"));
  CHECK_FALSE(std::filesystem::exists(dir / "jobs" / "2" / "log"));
}

TEST_CASE("a line longer than 16 MiB is cut with a marker as soon as it is that long, and its rest skipped") {
  TempDir dir("nxl");
  const auto file = dir.path() / "log";
  append(file, "before\n");
  // 40 MiB of one line, still being written (no newline yet), as a build dumping a blob does.
  const std::string mebibyte(1024 * 1024, 'x');
  for (int i = 0; i < 40; ++i) append(file, mebibyte);
  JobLog log(file);
  const auto first = log.read_appended(visible_lines);
  REQUIRE(first.lines.size() == 2);  // handed over cut, without waiting for its end
  CHECK(first.lines[0] == "before");
  CHECK(first.lines[1].size() == max_raw_line_bytes + cut_line_marker.size());
  CHECK(first.lines[1].ends_with(cut_line_marker));
  CHECK(first.lines[1].starts_with("xxxx"));
  CHECK(log.caught_up());

  append(file, "the rest of the long line\nafter\n");
  const auto second = log.read_appended(visible_lines);
  CHECK(second.lines == std::vector<std::string>{"after"});  // the rest is not a line of its own
  CHECK(log.line_count() == 3);
  // Served by range as it was numbered (slices follow `next`: one never reads through the
  // skipped rest of a cut line); a line of exactly the limit is whole.
  std::vector<std::string> all;
  for (std::int64_t next = 0; next < log.line_count();) {
    const auto slice = log.read(next, 10);
    REQUIRE_FALSE(slice.lines.empty());
    all.insert(all.end(), slice.lines.begin(), slice.lines.end());
    next = slice.next;
  }
  CHECK(all == std::vector<std::string>{"before", first.lines[1], "after"});
  append(file, std::string(max_raw_line_bytes, 'y') + "\n");
  const auto exact = log.read_appended(visible_lines);
  REQUIRE(exact.lines.size() == 1);
  CHECK(exact.lines[0].size() == max_raw_line_bytes);
  // A restarted agent numbers it all the same way.
  JobLog again(file);
  again.read_appended(visible_lines);
  CHECK(again.line_count() == 4);
  CHECK(again.read(2, 1).lines == std::vector<std::string>{"after"});
}

TEST_CASE("a slice of long lines stops after a few MiB of text, at least one line") {
  TempDir dir("nxl");
  const auto file = dir.path() / "log";
  const std::string long_line(1024 * 1024, 'z');
  for (int i = 0; i < 10; ++i) append(file, long_line + "\n");
  JobLog log(file);
  log.read_appended(visible_lines, 0);
  REQUIRE(log.line_count() == 10);
  const auto slice = log.read(0, 10);
  CHECK(slice.lines.size() == max_slice_bytes / long_line.size());
  CHECK(slice.next == slice.from + static_cast<std::int64_t>(slice.lines.size()));
  const auto rest = log.read(slice.next, 10);
  CHECK(rest.from == slice.next);
  CHECK(rest.lines.size() == slice.lines.size());
}
