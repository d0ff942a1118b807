// rebuild, rollback, gc (start a job and follow it), jobs, job, logs, and the internal job-run.
#include "cli/agent_client.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/human_output.hpp"
#include "config/agent_config.hpp"
#include "jobs/job_runner.hpp"
#include "nixtray/protocol/methods.hpp"
#include "nixtray/protocol/wire_name.hpp"

#include <unistd.h>

#include <ctime>
#include <iostream>

namespace nixtray::agent {

namespace {

using namespace std::chrono_literals;

AgentClient connect(const cli::ParsedCommandLine& args) {
  const auto seconds = args.integer("timeout", 1, 86400).value_or(30);
  return AgentClient(configured_socket_path(args), std::chrono::seconds(seconds));
}

// Prints log lines from `next` on, fetching what events skipped (a slow terminal, a late start).
class LogFollower {
 public:
  LogFollower(AgentClient& client, std::string id, std::int64_t from)
      : client_(client), id_(std::move(id)), next_(from) {}

  // Prints an event's lines; returns true when the log is complete.
  bool take(const protocol::LogChunk& chunk) {
    if (chunk.from > next_) {
      fetch_until(chunk.from);
    }
    for (std::size_t i = 0; i < chunk.lines.size(); ++i) {
      const auto index = chunk.from + static_cast<std::int64_t>(i);
      if (index >= next_) {
        print(chunk.lines[i]);
        next_ = index + 1;
      }
    }
    return chunk.complete;
  }

  // Reads whatever is left with jobs.log until the agent says the log is complete.
  void drain() {
    for (;;) {
      const auto chunk = client_.call<protocol::JobsLogMethod>({id_, next_, 10000});
      for (const auto& line : chunk.lines) print(line);
      next_ = chunk.next;
      if (chunk.complete || chunk.lines.empty()) return;
    }
  }

 private:
  void fetch_until(std::int64_t end) {
    while (next_ < end) {
      const auto chunk = client_.call<protocol::JobsLogMethod>(
          {id_, next_, static_cast<int>(std::min<std::int64_t>(10000, end - next_))});
      if (chunk.lines.empty()) return;
      for (const auto& line : chunk.lines) print(line);
      next_ = chunk.next;
    }
  }
  void print(const std::string& line) { std::cout << line << "\n"; }

  AgentClient& client_;
  std::string id_;
  std::int64_t next_;
};

std::string progress_text(const protocol::Job& job) {
  const auto& p = job.progress;
  std::string text = "[" + protocol::wire_name(p.phase) + "]";
  if (p.builds_expected > 0) {
    text += " built " + std::to_string(p.builds_done) + "/" + std::to_string(p.builds_expected);
  }
  if (p.downloads_expected > 0) {
    text += " fetched " + std::to_string(p.downloads_done) + "/" + std::to_string(p.downloads_expected);
  }
  if (p.current) text += " " + *p.current;
  return text;
}

int exit_code_of(const protocol::Job& job) {
  return job.state == protocol::JobState::succeeded ? exit_ok : exit_failed;
}

// Follows a job to its end: log lines as they come, a progress line when it changes, the summary.
int follow_job(AgentClient& client, const std::string& id, bool json_output) {
  client.call<protocol::SubscribeMethod>({{"jobs", protocol::log_topic(id)}});
  auto job = client.call<protocol::JobsGetMethod>({id});
  LogFollower follower(client, id, 0);
  std::string last_progress;
  const bool terminal = ::isatty(STDOUT_FILENO) && !json_output;
  while (!protocol::is_finished(job.state)) {
    const auto event = client.next_event(1s);
    if (!client.connected()) {
      std::string message = "lost the agent while following job " + id;
      message.append("; the job goes on (see: nixtray-agent job ").append(id).append(")");
      throw CommandFailure(exit_unreachable, message);
    }
    if (!event) continue;
    if (event->topic == "jobs") {
      auto update = event->data.get<protocol::Job>();
      if (update.id != id) continue;
      job = std::move(update);
      const auto text = progress_text(job);
      if (terminal && text != last_progress) {
        std::cerr << text << "\n";
        last_progress = text;
      }
    } else if (event->topic == protocol::log_topic(id) && !json_output) {
      follower.take(event->data.get<protocol::LogChunk>());
    }
  }
  if (!json_output) {
    follower.drain();
  }
  job = client.call<protocol::JobsGetMethod>({id});
  if (json_output) {
    std::cout << protocol::json(job).dump(2) << "\n";
  } else {
    std::cout << format_job(job);
  }
  return exit_code_of(job);
}

int start_and_follow(const cli::ParsedCommandLine& args, const protocol::JobStartParams& params) {
  auto client = connect(args);
  const auto started = client.call<protocol::JobsStartMethod>(params);
  if (args.has("no-follow")) {
    std::cout << (args.has("json") ? protocol::json(started).dump() : "started job " + started.id) << "\n";
    return exit_ok;
  }
  if (!args.has("json")) {
    std::cout << "job " << started.id << " started; it goes on if this command is interrupted\n";
  }
  return follow_job(client, started.id, args.has("json"));
}

}  // namespace

int run_job_run(const cli::ParsedCommandLine& args) { return run_job(args.args.at(0)); }

int run_rebuild(const cli::ParsedCommandLine& args) {
  protocol::JobStartParams params;
  params.kind = protocol::JobKind::rebuild;
  const auto mode = args.args.empty() ? std::string("switch") : args.args[0];
  params.mode = protocol::json(mode).get<protocol::RebuildMode>();
  if (params.mode == protocol::RebuildMode::unknown) {
    throw cli::UsageError("mode must be switch, boot, test, build or dry-build, not \"" + mode + "\"");
  }
  params.flake = args.value("flake");
  if (args.has("upgrade")) params.upgrade = true;
  if (args.has("update")) {
    if (!args.args.empty() && mode != "build" && mode != "dry-build") {
      throw cli::UsageError("--update builds a preview: MODE must be build, or dry-build to only see what moved");
    }
    params.update = true;
    if (args.args.empty()) params.mode = protocol::RebuildMode::build;
  }
  return start_and_follow(args, params);
}

int run_rollback(const cli::ParsedCommandLine& args) {
  protocol::JobStartParams params;
  params.kind = protocol::JobKind::rollback;
  params.mode = args.has("boot") ? protocol::RebuildMode::boot : protocol::RebuildMode::switch_;
  if (!args.args.empty()) {
    params.to =
        static_cast<int>(cli::integer_argument(args, 0, "generation number N", 1, protocol::max_generation_number));
  }
  return start_and_follow(args, params);
}

int run_gc(const cli::ParsedCommandLine& args) {
  protocol::JobStartParams params;
  params.kind = protocol::JobKind::gc;
  if (const auto keep = args.integer("keep", 1, 1'000'000)) params.keep = static_cast<int>(*keep);
  if (const auto days = args.integer("older-than", 0, 100'000)) params.older_than_days = static_cast<int>(*days);
  if (!params.keep && !params.older_than_days) {
    throw cli::UsageError("give --keep K, --older-than DAYS or both");
  }
  return start_and_follow(args, params);
}

int run_jobs(const cli::ParsedCommandLine& args) {
  auto client = connect(args);
  const auto list =
      client.call<protocol::JobsListMethod>({static_cast<int>(args.integer("limit", 1, 1000).value_or(20))});
  if (args.has("json")) {
    std::cout << protocol::json(list).dump(2) << "\n";
  } else {
    std::cout << format_jobs(list, std::time(nullptr));
  }
  return exit_ok;
}

int run_job_details(const cli::ParsedCommandLine& args) {
  auto client = connect(args);
  const auto job = client.call<protocol::JobsGetMethod>({args.args.at(0)});
  std::cout << (args.has("json") ? protocol::json(job).dump(2) + "\n" : format_job(job));
  return exit_ok;
}

namespace {

// The log file's bytes as the job wrote them, through jobs.log's bytes form; with `follow`, until
// the job ends (each `log:<id>` event says there is more).
int print_raw_log(AgentClient& client, const std::string& id, bool follow) {
  if (follow) client.call<protocol::SubscribeMethod>({{protocol::log_topic(id)}});
  std::int64_t from = 0;
  for (;;) {
    protocol::JobsLogParams params;
    params.id = id;
    params.from = from;
    params.format = protocol::LogFormat::bytes;
    auto answer = client.call_with_payload(std::string(protocol::JobsLogMethod::name), protocol::json(params));
    // The slice (up to 1 MiB) is taken out as it came, not copied into the chunk on the way.
    std::string text;
    if (answer && answer->is_object() && answer->contains("text") && answer.value()["text"].is_string()) {
      text = std::move(answer.value()["text"].get_ref<std::string&>());
      answer->erase("text");
    }
    auto outcome = protocol::decode_outcome<protocol::LogChunk>(std::move(answer));
    if (!outcome) throw CommandFailure(exit_code_for(outcome.error()), outcome.error().message);
    const auto& chunk = outcome.value();
    std::cout.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (chunk.complete) return exit_ok;
    while (client.next_event(0ms)) {
      // Events that came while reading announce bytes just read: dropped, so none pile up.
    }
    if (chunk.next == from) {
      if (!follow) return exit_ok;  // a running job: what it has written so far
      std::cout.flush();
      (void)client.next_event(1s);
      if (!client.connected()) throw CommandFailure(exit_unreachable, "lost the agent");
    }
    from = chunk.next;
  }
}

}  // namespace

int run_logs(const cli::ParsedCommandLine& args) {
  auto client = connect(args);
  const auto& id = args.args.at(0);
  if (args.has("raw")) {
    if (args.has("from")) throw CommandFailure(exit_usage, "--from counts lines; --raw prints the log file whole");
    return print_raw_log(client, id, args.has("follow"));
  }
  const auto from = args.integer("from", 0, INT64_MAX).value_or(0);
  LogFollower follower(client, id, from);
  if (!args.has("follow")) {
    follower.drain();
    return exit_ok;
  }
  client.call<protocol::SubscribeMethod>({{protocol::log_topic(id)}});
  for (;;) {
    const auto event = client.next_event(1s);
    if (!client.connected()) {
      throw CommandFailure(exit_unreachable, "lost the agent");
    }
    if (event && event->topic == protocol::log_topic(id) && follower.take(event->data.get<protocol::LogChunk>())) {
      return exit_ok;
    }
  }
}

}  // namespace nixtray::agent
