// The analyzer's fast path for Nix's internal-json (the flat scanner) against the full parse with
// nlohmann::json: over the job-log fuzz corpus (real build, rebuild, gc and evaluation logs plus
// the scanner's edge cases), every line's visible lines and the state at the end are the same.
#include "catch.hpp"

#include "jobs/flat_nix_event.hpp"
#include "jobs/job_log_analyzer.hpp"
#include "jobs/job_log_line.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

using namespace nixtray::agent;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> lines_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = std::min(text.find('\n', start), text.size());
    const auto raw = text.substr(start, end - start);
    lines.push_back(raw.starts_with('{') ? std::string(nix_line_prefix) + raw : raw);  // as the fuzz target
    start = end + 1;
  }
  return lines;
}

}  // namespace

TEST_CASE("the flat scanner reads the hot events and declines what it does not know") {
  const auto build_line =
      scan_flat_nix_event(R"({"action":"result","fields":["a \"b\" \u00e9 \ud83d\ude00"],"id":5,"type":101})");
  REQUIRE(build_line);
  CHECK(build_line->action == FlatNixEvent::Action::result);
  CHECK(build_line->id == 5);
  CHECK(build_line->type == 101);
  REQUIRE(build_line->field_count == 1);
  CHECK(build_line->fields[0].text == "a \"b\" \u00e9 \U0001F600");

  const auto progress = scan_flat_nix_event(R"({"action":"result","fields":[1,-2,0,3],"id":1,"type":105})");
  REQUIRE(progress);
  CHECK(whole_number_or(progress->fields[0], 9) == 1);
  CHECK(whole_number_or(progress->fields[1], 9) == -2);
  const auto start = scan_flat_nix_event(
      R"({"action":"start","id":2,"level":3,"type":105,"text":"building","parent":1,"fields":["/nix/store/x.drv","",1,1]})");
  REQUIRE(start);
  CHECK(start->level == 3);
  CHECK(start->text == "building");
  CHECK(scan_flat_nix_event(R"({"action":"stop","id":2})"));

  for (const char* declined :
       {R"({"action":"msg","level":0,"msg":"error: x"})",  // messages: the full parse
        R"({"action":"result","fields":[1.5],"id":1,"type":105})",
        R"({"action":"result","fields":[["x"]],"id":1,"type":101})", R"({"action":"result","id":1,"id":2,"type":101})",
        R"({"action":"result","fields":["\ud83d"],"id":1,"type":101})",
        R"({"action":"result","id":18446744073709551616})", R"({"action":null})", R"({"action":"result"} x)",
        "{\"action\":\"result\",\"fields\":[\"\xC0\xAF\"]}"}) {
    INFO(declined);
    CHECK_FALSE(scan_flat_nix_event(declined));
  }
}

TEST_CASE("the fast path and the full parse agree on every line of the job-log corpus") {
  const fs::path corpus = fs::path(NIXTRAY_SOURCE_DIR) / "tests" / "fuzz" / "corpus" / "job_log";
  std::size_t files = 0;
  std::size_t scanned = 0;  // lines the fast path took: the comparison must not be vacuous
  for (const auto& entry : fs::directory_iterator(corpus)) {
    INFO(entry.path().filename().string());
    ++files;
    JobLogAnalyzer fast;
    JobLogAnalyzer full(JobLogAnalyzer::Reading::full_parse);
    for (const auto& line : lines_of(entry.path())) {
      INFO(line);
      if (line.starts_with(nix_line_prefix) &&
          scan_flat_nix_event(std::string_view(line).substr(nix_line_prefix.size())))
        ++scanned;
      const auto seen = fast.feed(line);
      CHECK(seen == full.feed(line));
      // A restarted agent numbers the lines with visible_lines(), which takes the same fast path.
      CHECK(visible_lines(line) == visible_lines_full_parse(line));
      CHECK(fast.progress() == full.progress());
    }
    CHECK(nlohmann::json(fast.failure(1)) == nlohmann::json(full.failure(1)));
    CHECK(nlohmann::json(fast.failure(std::nullopt)) == nlohmann::json(full.failure(std::nullopt)));
    CHECK(fast.result_note() == full.result_note());
    CHECK(fast.system_path() == full.system_path());
  }
  CHECK(files >= 8);
  CHECK(scanned >= 50);
}
