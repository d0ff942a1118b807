// Writes a whole file and makes it durable before returning: POSIX creates it readable by the
// user only (0600) and fsyncs it; Windows flushes it. The settings file writes its temporary copy
// with this before renaming it into place.
#pragma once

#include <filesystem>
#include <string>

namespace nixtray::tray {

// Throws std::system_error or std::runtime_error naming the file.
void write_synced_file(const std::filesystem::path& file, const std::string& content);

}  // namespace nixtray::tray
