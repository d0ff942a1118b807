#include "nixtray/text/space_text.hpp"

#include "nixtray/protocol/wire_name.hpp"
#include "nixtray/text/byte_size.hpp"

#include <cstdio>
#include <sstream>

namespace nixtray::text {

namespace {

// The wire name, but a kind from a newer agent is just a root here.
std::string kind_name(protocol::RootKind kind) {
  return kind == protocol::RootKind::unknown ? std::string("root") : protocol::wire_name(kind);
}

std::string padded(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

std::string paths(int count) { return std::to_string(count) + (count == 1 ? " path" : " paths"); }

std::string numbers(const std::vector<int>& list) {
  std::string text;
  for (const auto number : list) text += (text.empty() ? "" : ", ") + std::to_string(number);
  return text;
}

}  // namespace

std::string space_report_text(const protocol::SpaceReport& report) {
  std::ostringstream out;
  const auto& usage = report.usage;
  out << "Disk:   " << format_bytes(report.free_bytes) << " free of " << format_bytes(report.total_bytes) << "\n";
  out << "Store:  " << report.store_dir << " uses " << format_bytes(report.store_bytes) << " ("
      << paths(report.store_paths) << ")\n";
  out << "  " << padded("kept generations", 18) << format_bytes(usage.system) << "\n";
  out << "  " << padded("other roots", 18) << format_bytes(usage.roots) << "\n";
  out << "  " << padded("old generations", 18) << format_bytes(usage.old_generations) << "\n";
  out << "  " << padded("garbage", 18) << format_bytes(usage.garbage) << " (" << paths(report.garbage_paths)
      << ", freed by the next garbage collection)\n";
  out << "  " << padded("Nix's own files", 18) << format_bytes(usage.other) << "\n";
  if (!report.generations.empty()) {
    out << "Generations, newest first: what deleting only that one frees\n";
    for (const auto& generation : report.generations) {
      out << "  " << padded(std::to_string(generation.number), 8)
          << (generation.kept ? std::string("kept (default, current, booted or known-good)")
                              : format_bytes(generation.frees_bytes) + " (" + paths(generation.frees_paths) + ")")
          << "\n";
    }
  }
  if (!report.cleanup.empty()) {
    out << "Clean up: what `gc --keep K` deletes and frees now\n";
    for (const auto& option : report.cleanup) {
      out << "  " << padded("--keep " + std::to_string(option.keep), 10) << padded(format_bytes(option.frees_bytes), 12)
          << (option.deletes.empty() ? std::string("deletes no generation")
                                     : "deletes generation" + std::string(option.deletes.size() == 1 ? " " : "s ") +
                                           numbers(option.deletes))
          << "\n";
    }
  }
  if (!report.roots.empty()) {
    out << "Other roots, by where their links are: what each place alone keeps\n";
    for (const auto& group : report.roots) {
      out << "  " << padded(kind_name(group.kind), 8) << padded(format_bytes(group.keeps_bytes), 12) << group.location
          << " (" << group.link_count << (group.link_count == 1 ? " link" : " links") << ")\n";
      for (const auto& link : group.links) out << "      " << link.link << " -> " << link.target << "\n";
      if (group.link_count > static_cast<int>(group.links.size())) {
        out << "      ... and " << group.link_count - static_cast<int>(group.links.size()) << " more\n";
      }
    }
  }
  return out.str();
}

}  // namespace nixtray::text
