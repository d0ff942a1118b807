// Small-file I/O for the state directory: whole-file reads, and writes that are atomic (a crash
// or a full disk leaves the old content, never half a file).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace nixtray::agent {

// The file's content, or nullopt when it does not exist or is larger than max_bytes.
std::optional<std::string> read_small_file(const std::filesystem::path& file, std::size_t max_bytes = 1 << 20);

// Writes to a temporary file in the same directory, fsyncs, renames over `file`.
// Throws std::runtime_error naming the file and the reason (e.g. no space left on device).
void write_file_atomically(const std::filesystem::path& file, const std::string& content, unsigned mode = 0644);

}  // namespace nixtray::agent
