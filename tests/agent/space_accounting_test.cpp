// The space arithmetic on small hand-made store graphs: who keeps what, what deleting frees,
// and the collector's rules for derivations (keep-derivations, keep-outputs).
#include "space/space_accounting.hpp"
#include "catch.hpp"

using namespace nixtray::agent;

namespace {

struct Graph {
  StoreGraph graph;
  std::vector<std::int64_t> usage;
  std::int64_t next_id = 1;

  std::string path(const std::string& name) { return "/s/" + name; }
  std::uint32_t add(const std::string& name, std::int64_t bytes) {
    usage.push_back(bytes);
    return graph.add_path(next_id++, path(name));
  }
  void ref(std::uint32_t from, std::uint32_t to) { graph.add_reference(graph.id(from), graph.id(to)); }
};

GcRoot link_root(const std::string& link, const std::string& target, bool indirect = false) {
  return GcRoot{GcRoot::Source::link, link, target, indirect};
}

}  // namespace

TEST_CASE("space accounting: shared paths free nothing alone, and keep K frees what only deletable generations hold") {
  Graph g;
  const auto libc = g.add("libc", 1000);
  const auto old_only = g.add("old-only", 100);
  const auto mid_only = g.add("mid-only", 10);
  const auto gen1 = g.add("system-1", 1);
  const auto gen2 = g.add("system-2", 2);
  const auto gen3 = g.add("system-3", 3);
  const auto orphan = g.add("orphan", 7);
  const auto shell = g.add("shell", 50);
  g.ref(gen1, libc);
  g.ref(gen1, old_only);
  g.ref(gen2, libc);
  g.ref(gen2, mid_only);
  g.ref(gen2, old_only);
  g.ref(gen3, libc);
  g.graph.finish();
  (void)orphan;
  (void)shell;

  SpaceSubjects subjects;
  subjects.profile_dir = "/p";
  subjects.generations = {
      {3, g.path("system-3"), true}, {2, g.path("system-2"), false}, {1, g.path("system-1"), false}};
  const std::vector<GcRoot> roots = {
      link_root("/p/system-1-link", g.path("system-1")), link_root("/p/system-2-link", g.path("system-2")),
      link_root("/p/system-3-link", g.path("system-3")), link_root("/home/a/x/result", g.path("shell"), true)};
  const auto report = account_space(g.graph, g.usage, roots, subjects, {0, 0, 5});

  CHECK(report.store_paths == 8);
  CHECK(report.garbage_paths == 1);
  CHECK(report.garbage_bytes == 7);
  REQUIRE(report.generations.size() == 3);
  CHECK(report.generations[0].kept);
  CHECK(report.generations[0].frees_bytes == 3);  // its own path; libc is shared
  CHECK(report.generations[1].frees_bytes == 2 + 10);
  CHECK(report.generations[2].frees_bytes == 1);  // old-only is shared with 2
  REQUIRE(report.cleanup.size() == 3);
  CHECK(report.cleanup[0].deletes == std::vector<int>{2, 1});
  CHECK(report.cleanup[0].frees_bytes == 7 + 2 + 10 + 1 + 100);
  CHECK(report.cleanup[1].deletes == std::vector<int>{1});
  CHECK(report.cleanup[1].frees_bytes == 7 + 1);
  CHECK(report.cleanup[2].deletes.empty());
  CHECK(report.cleanup[2].frees_bytes == 7);
  REQUIRE(report.roots.size() == 1);
  CHECK(report.roots[0].kind == nixtray::protocol::RootKind::link);
  CHECK(report.roots[0].location == "/home/a/x");
  CHECK(report.roots[0].keeps_bytes == 50);
  CHECK(report.usage.system == 1000 + 3);
  CHECK(report.usage.roots == 50);
  CHECK(report.usage.old_generations == 2 + 10 + 1 + 100);
  CHECK(report.usage.other == 5);
  CHECK(report.store_bytes == 1000 + 3 + 50 + 113 + 7 + 5);
}

TEST_CASE("space accounting: a live path keeps its derivation, and with keep-outputs a live derivation its outputs") {
  Graph g;
  const auto drv = g.add("tool.drv", 10);
  const auto out = g.add("tool", 100);
  const auto dev = g.add("tool-dev", 1000);
  g.graph.set_deriver(out, g.path("tool.drv"));
  g.graph.set_deriver(dev, g.path("tool.drv"));
  g.graph.add_output(g.graph.id(drv), g.path("tool"));
  g.graph.add_output(g.graph.id(drv), g.path("tool-dev"));
  g.graph.finish();
  const std::vector<GcRoot> roots = {link_root("/home/a/result", g.path("tool"), true)};

  SpaceSubjects subjects;
  auto report = account_space(g.graph, g.usage, roots, subjects, {});
  CHECK(report.garbage_bytes == 1000);  // the other output: nothing keeps it
  CHECK(report.roots[0].keeps_bytes == 110);

  subjects.keep_derivations = false;
  report = account_space(g.graph, g.usage, roots, subjects, {});
  CHECK(report.garbage_bytes == 1010);

  subjects.keep_derivations = true;
  subjects.keep_outputs = true;
  report = account_space(g.graph, g.usage, roots, subjects, {});
  CHECK(report.garbage_bytes == 0);
  CHECK(report.roots[0].keeps_bytes == 1110);
}
