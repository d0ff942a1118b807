// The one thing a job must leave behind is its runner's exit code: without it the agent can only
// call the job "interrupted". A state directory that fills up while the job runs must not take it
// away, so the runner reserves room for it when it starts (a small file whose space is allocated
// then) and writes into that room when the usual atomic write finds no space.
#pragma once

#include "jobs/job_files.hpp"

namespace nixtray::agent {

// Writes <job>/exit-code.reserved. Throws std::runtime_error when even that cannot be written.
void reserve_job_exit_code(const JobFiles& files);

// Writes <job>/exit-code atomically; if that fails (e.g. no space left), overwrites the reserved
// file in place, which needs no new space, and renames it to exit-code. Throws
// std::runtime_error with both reasons when neither works.
void record_job_exit_code(const JobFiles& files, int exit_code);

}  // namespace nixtray::agent
