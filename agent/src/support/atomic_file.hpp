// Small-file I/O for the state directory: whole-file reads, and writes that are atomic and durable
// (a crash, a power cut or a full disk leaves the old content or the new one, never half a file
// and never a rename that is lost with the directory's unwritten metadata).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace nixtray::agent {

// The file's content, or nullopt when it does not exist or is larger than max_bytes.
std::optional<std::string> read_small_file(const std::filesystem::path& file, std::size_t max_bytes = 1 << 20);

// Writes to a temporary file in the same directory, fsyncs it, renames it over `file`, then fsyncs
// the directory (a rename lives in the directory: without that it may be lost on a power cut).
// Throws std::runtime_error naming the file and the reason (e.g. no space left on device).
void write_file_atomically(const std::filesystem::path& file, const std::string& content, unsigned mode = 0644);

// Like write_file_atomically, but only if `file` does not exist yet: of two processes that race to
// create it, exactly one wins. Returns false (and changes nothing) when it existed already.
// Throws std::runtime_error when it cannot be written.
bool create_file_exclusively(const std::filesystem::path& file, const std::string& content, unsigned mode = 0644);

// fsyncs a directory, so that renames, links and removals in it are on disk. Throws
// std::runtime_error naming the directory.
void sync_directory(const std::filesystem::path& directory);

}  // namespace nixtray::agent
