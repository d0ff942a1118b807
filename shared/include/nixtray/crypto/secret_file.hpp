// Files that hold a secret (the TCP token): read only when nobody else could have put them there
// or read them, and created with their final permissions from the first byte on. The agent reads
// and creates its token with these, the tray its copy. CMake picks the platform's implementation.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace nixtray::crypto {

struct SecretFileRead {
  std::optional<std::string> secret;  // the first line, without trailing whitespace
  std::string problem;                // why there is none, for a person; empty when read
  bool missing = false;               // the file does not exist (problem says so too)
};

// Refuses (with the reason) a file that
//  - is a symbolic link (POSIX) or another reparse point (Windows): someone may point it anywhere;
//  - POSIX: is not a regular file, is owned by neither this user nor root, or that its group or
//    others may read or write (the fix is named: chmod 600);
//  - Windows: is owned by neither this user, the Administrators group nor SYSTEM.
// An empty first line is a problem too.
SecretFileRead read_secret_file(const std::filesystem::path& file);

struct SecretFileWrite {
  bool written = false;  // false with an empty problem: `file` existed and replace was false
  std::string problem;
};

// Writes `content` to `file` through a temporary file created exclusively with its final
// permissions (POSIX: O_CREAT|O_EXCL with mode 0600, no chmod afterwards, so no umask race;
// Windows: a protected DACL that grants this user alone), flushed to disk, then moved into place:
// replacing an existing file when `replace`, else linked so that an existing file wins (two
// writers racing: the first one's content stays). Creates missing parent directories.
SecretFileWrite write_secret_file(const std::filesystem::path& file, std::string_view content, bool replace);

}  // namespace nixtray::crypto
