// The gc job: deletes the old generations of the system profile (never the default, current,
// booted or known-good one), then collects garbage, and says how much disk that freed: the
// disk usage of what the collection deletes, measured the way the space report measures it
// (Nix's own "MiB freed" counts file sizes, which says little for a store of small files).
#pragma once

#include "jobs/job_files.hpp"

namespace nixtray::agent {

int run_gc_job(const JobSpec& spec, const JobFiles& files);

}  // namespace nixtray::agent
