#include "jobs/job_log_analyzer.hpp"

#include "jobs/flat_nix_event.hpp"
#include "jobs/job_log_line.hpp"
#include "jobs/unit_list_text.hpp"
#include "nix/nix_log_codes.hpp"

#include <nlohmann/json.hpp>

namespace nixtray::agent {

namespace {

constexpr std::size_t tail_lines = 20;
constexpr std::size_t build_tail_lines = 10;
constexpr std::size_t remembered_builds = 64;

void push_bounded(std::deque<std::string>& lines, std::string_view line, std::size_t limit) {
  if (lines.size() < limit) {
    lines.emplace_back(line);
    return;
  }
  // Full: the oldest line's buffer takes the new one, so a long log's lines cost no allocation here.
  auto reused = std::move(lines.front());
  lines.pop_front();
  reused.assign(line);
  lines.push_back(std::move(reused));
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// Nix: "builder for '/nix/store/...-foo.drv' failed with exit code 1" -> the quoted path.
std::optional<std::string> failed_builder_path(std::string_view error) {
  constexpr std::string_view lead = "builder for '";
  const auto at = error.find(lead);
  if (at == std::string_view::npos) return std::nullopt;
  const auto start = at + lead.size();
  const auto end = error.find('\'', start);
  if (end == std::string_view::npos || end == start || error.substr(end + 1, 7) != " failed") return std::nullopt;
  return std::string(error.substr(start, end - start));
}

}  // namespace

std::string derivation_display_name(std::string_view store_path) {
  auto name = store_path.substr(store_path.rfind('/') == std::string_view::npos ? 0 : store_path.rfind('/') + 1);
  // Store path names start with a 32-character hash and a dash.
  if (name.size() > 33 && name[32] == '-') name.remove_prefix(33);
  if (name.ends_with(".drv")) name.remove_suffix(4);
  return std::string(name);
}

std::vector<std::string> JobLogAnalyzer::feed(std::string_view raw_line) {
  if (raw_line.starts_with(marker_line_prefix)) {
    feed_marker(std::string(raw_line.substr(marker_line_prefix.size())));
    return {};
  }
  std::vector<std::string> lines;
  const auto flat = raw_line.starts_with(nix_line_prefix) && reading_ == Reading::fast
                        ? scan_flat_nix_event(raw_line.substr(nix_line_prefix.size()))
                        : std::nullopt;
  if (flat) {
    lines = visible_lines_of_flat_nix_event(*flat);
    feed_flat_nix(*flat);
  } else if (raw_line.starts_with(nix_line_prefix)) {
    const auto event = nlohmann::json::parse(raw_line.substr(nix_line_prefix.size()), nullptr, false);
    if (event.is_object()) {
      lines = visible_lines_of_nix_event(event);
      feed_nix(event);
    } else {
      lines = visible_lines_full_parse(raw_line);  // not what it claims to be: plain text
    }
  } else {
    lines = visible_lines_full_parse(raw_line);  // no Nix line: the scanner has nothing to do
    for (const auto& line : lines) feed_plain(line);
  }
  for (const auto& line : lines) remember_tail(line);
  return lines;
}

void JobLogAnalyzer::remember_tail(const std::string& line) { push_bounded(tail_, line, tail_lines); }

void JobLogAnalyzer::feed_marker(const std::string& json_text) {
  const auto marker = nlohmann::json::parse(json_text, nullptr, false);
  if (!marker.is_object()) return;
  try {
    if (marker.contains("phase")) {
      progress_.phase = marker["phase"].get<protocol::JobPhase>();
      if (progress_.phase != protocol::JobPhase::building) progress_.current.reset();
    }
    if (marker.contains("failure")) declared_failure_ = marker["failure"].get<protocol::JobFailure>();
    if (marker.contains("result")) result_note_ = marker["result"].get<std::string>();
    if (marker.contains("system")) system_path_ = marker["system"].get<std::string>();
    if (marker.contains("dry_activation")) dry_activation_ = marker["dry_activation"].get<protocol::DryActivation>();
    if (marker.contains("freed")) freed_bytes_ = marker["freed"].get<std::int64_t>();
    if (marker.contains("update")) update_ = marker["update"].get<protocol::FlakeUpdate>();
    if (marker.contains("lock_written")) lock_written_ = marker["lock_written"].get<std::string>();
  } catch (const std::exception&) {
    // A marker this agent does not understand (written by another version): ignore it.
  }
}

void JobLogAnalyzer::feed_plain(std::string_view line) {
  // switch-to-configuration: "warning: the following units failed: a.service, b.service"
  constexpr std::string_view lead = "the following units failed: ";
  const auto at = line.find(lead);
  if (at == std::string_view::npos) return;
  for (auto& unit : parse_unit_list(line.substr(at + lead.size()))) failed_units_.push_back(std::move(unit));
}

// A progress result (at least 4 fields) of activity `id`, from either parser: both have a
// whole_number_or() for their fields.
template <class Fields>
void JobLogAnalyzer::update_progress(std::uint64_t id, const Fields& fields) {
  const auto activity = activity_types_.find(id);
  const int kind = activity == activity_types_.end() ? 0 : activity->second;
  if (kind == nix_log::activity_builds) {
    progress_.builds_done = whole_number_or(fields[0], progress_.builds_done);
    progress_.builds_expected = whole_number_or(fields[1], progress_.builds_expected);
    progress_.builds_running = whole_number_or(fields[2], progress_.builds_running);
    progress_.builds_failed = whole_number_or(fields[3], progress_.builds_failed);
  } else if (kind == nix_log::activity_copy_paths) {
    progress_.downloads_done = whole_number_or(fields[0], progress_.downloads_done);
    progress_.downloads_expected = whole_number_or(fields[1], progress_.downloads_expected);
  }
}

void JobLogAnalyzer::feed_nix(const nlohmann::json& event) {
  try {
    const auto action = event.value("action", "");
    const auto id = member_whole_number_or(event, "id", std::uint64_t{0});
    if (action == "msg") {
      const auto text = strip_terminal_codes(event.value("msg", ""));
      if (member_whole_number_or(event, "level", 7) == 0 && text.starts_with("error:")) {
        const auto raw = event.contains("raw_msg") ? strip_terminal_codes(event.value("raw_msg", "")) : text.substr(6);
        nix_errors_.push_back(first_line(raw.starts_with(" ") ? raw.substr(1) : raw));
        if (!error_location_ && event.value("file", nlohmann::json()).is_string() &&
            event.value("line", nlohmann::json()).is_number_integer()) {
          error_location_ =
              event["file"].get<std::string>() + ":" + std::to_string(event["line"].get<int>()) + ":" +
              std::to_string(event.value("column", nlohmann::json()).is_number_integer() ? event["column"].get<int>()
                                                                                         : 0);
        }
      }
    } else if (action == "start") {
      const int type = member_whole_number_or(event, "type", 0);
      activity_types_[id] = type;
      if (type == nix_log::activity_build) {
        const auto& fields = event.value("fields", nlohmann::json::array());
        start_build(id, fields.empty() || !fields[0].is_string() ? std::string("?") : fields[0].get<std::string>());
      }
    } else if (action == "stop") {
      stop_activity(id);
    } else if (action == "result") {
      const int type = member_whole_number_or(event, "type", 0);
      const auto& fields = event.value("fields", nlohmann::json::array());
      if (type == nix_log::result_progress && fields.size() >= 4) {
        update_progress(id, fields);
      } else if (type == nix_log::result_set_phase && !fields.empty()) {
        if (running_builds_.contains(id)) set_build_phase(id, fields[0].get<std::string>());
      } else if (type == nix_log::result_build_log_line && !fields.empty()) {
        if (running_builds_.contains(id)) add_build_line(id, fields[0].get<std::string>());
      }
    }
  } catch (const nlohmann::json::exception&) {
    // Fields of unexpected types (a newer Nix): the line still counts as log, not as progress.
  }
}

// The same as feed_nix() for the shapes the flat scanner reads (no `msg`; fields are strings or
// whole numbers).
void JobLogAnalyzer::feed_flat_nix(const FlatNixEvent& event) {
  using Action = FlatNixEvent::Action;
  const auto& fields = event.fields;
  if (event.action == Action::start) {
    activity_types_[event.id] = event.type;
    if (event.type == nix_log::activity_build) {
      start_build(event.id, event.field_count == 0 || !fields[0].is_string ? std::string("?") : fields[0].text);
    }
  } else if (event.action == Action::stop) {
    stop_activity(event.id);
  } else if (event.action == Action::result) {
    if (event.type == nix_log::result_progress && event.field_count >= 4) {
      update_progress(event.id, fields);
    } else if (event.field_count == 0 || !running_builds_.contains(event.id)) {
      return;
    } else if (event.type == nix_log::result_set_phase) {
      if (fields[0].is_string) set_build_phase(event.id, fields[0].text);  // else: as the full parse's type error
    } else if (event.type == nix_log::result_build_log_line) {
      if (fields[0].is_string) add_build_line(event.id, fields[0].text);
    }
  }
}

void JobLogAnalyzer::start_build(std::uint64_t id, std::string derivation) {
  BuildActivity build;
  build.derivation = std::move(derivation);
  running_builds_[id] = std::move(build);
  update_current();
}

void JobLogAnalyzer::stop_activity(std::uint64_t id) {
  activity_types_.erase(id);
  if (const auto it = running_builds_.find(id); it != running_builds_.end()) {
    const auto path = it->second.derivation;
    finished_builds_[path] = std::move(it->second);
    finished_order_.push_back(path);
    if (finished_order_.size() > remembered_builds) {
      finished_builds_.erase(finished_order_.front());
      finished_order_.pop_front();
    }
    running_builds_.erase(it);
    update_current();
  }
}

void JobLogAnalyzer::set_build_phase(std::uint64_t id, std::string phase) {
  running_builds_.at(id).phase = std::move(phase);
  update_current();
}

void JobLogAnalyzer::add_build_line(std::uint64_t id, std::string_view line) {
  push_bounded(running_builds_.at(id).last_lines, strip_terminal_codes(line), build_tail_lines);
}

void JobLogAnalyzer::update_current() {
  if (running_builds_.empty()) {
    if (progress_.phase == protocol::JobPhase::building) progress_.current.reset();
    return;
  }
  const auto& newest = running_builds_.rbegin()->second;  // activity ids grow: the last started
  progress_.current = derivation_display_name(newest.derivation) + (newest.phase ? " (" + *newest.phase + ")" : "");
}

protocol::JobFailure JobLogAnalyzer::failure(std::optional<int> exit_code) const {
  protocol::JobFailure failure;
  failure.log_tail.assign(tail_.begin(), tail_.end());
  if (declared_failure_) {
    failure = *declared_failure_;
    if (failure.kind == protocol::FailureKind::activation && failure.units.empty()) failure.units = failed_units_;
    if (failure.log_tail.empty()) failure.log_tail.assign(tail_.begin(), tail_.end());
    return failure;
  }
  for (const auto& error : nix_errors_) {
    if (const auto path = failed_builder_path(error)) {
      failure.kind = protocol::FailureKind::build;
      failure.derivation = derivation_display_name(*path);
      failure.message = error;
      if (const auto it = finished_builds_.find(*path); it != finished_builds_.end()) {
        failure.phase = it->second.phase;
        failure.log_tail.assign(it->second.last_lines.begin(), it->second.last_lines.end());
      }
      return failure;
    }
  }
  if (!nix_errors_.empty()) {
    failure.kind = protocol::FailureKind::evaluation;
    failure.message = nix_errors_.front();
    failure.location = error_location_;
    return failure;
  }
  failure.kind = protocol::FailureKind::unknown;
  failure.message = exit_code ? "the job exited with code " + std::to_string(*exit_code)
                              : std::string("the job ended without a result (its unit vanished)");
  return failure;
}

std::string JobLogAnalyzer::summary_of(const protocol::JobFailure& failure) {
  using protocol::FailureKind;
  switch (failure.kind) {
    case FailureKind::evaluation:
      return "evaluation failed: " + failure.message + (failure.location ? " (at " + *failure.location + ")" : "");
    case FailureKind::build: {
      std::string text = "build of " + failure.derivation.value_or("a derivation") + " failed";
      if (failure.phase) text += " in " + *failure.phase;
      if (!failure.log_tail.empty()) text += ": " + failure.log_tail.back();
      return text;
    }
    case FailureKind::activation: {
      std::string text = "activation failed";
      if (!failure.units.empty()) {
        text += ": ";
        for (std::size_t i = 0; i < failure.units.size(); ++i) text += (i ? ", " : "") + failure.units[i];
        text += " failed to start";
      } else if (!failure.message.empty()) {
        text += ": " + failure.message;
      }
      return text;
    }
    case FailureKind::check:
      return "the built configuration cannot be activated: " + failure.message;
    case FailureKind::disk_space:
      return "not enough disk space: " + failure.message;
    case FailureKind::cancelled:
      return "cancelled";
    case FailureKind::internal:
    case FailureKind::unknown:
      return failure.message;
  }
  return failure.message;
}

}  // namespace nixtray::agent
