#include "nixtray/crypto/secret_file.hpp"

#include "secret_file_text.hpp"

#include <windows.h>
// After windows.h:
#include <aclapi.h>
#include <sddl.h>

#include <memory>
#include <string>
#include <vector>

namespace nixtray::crypto {

namespace {

struct HandleCloser {
  void operator()(HANDLE handle) const {
    if (handle && handle != INVALID_HANDLE_VALUE) ::CloseHandle(handle);
  }
};
using UniqueHandle = std::unique_ptr<void, HandleCloser>;

struct LocalFreer {
  void operator()(void* memory) const { ::LocalFree(memory); }
};

std::string last_error_text() {
  const auto code = ::GetLastError();
  char* buffer = nullptr;
  const DWORD length =
      ::FormatMessageA(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                       nullptr, code, 0, reinterpret_cast<char*>(&buffer), 0, nullptr);
  std::string text = length ? std::string(buffer, length) : "error " + std::to_string(code);
  if (buffer) ::LocalFree(buffer);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

// This process's user, as a SID (freed with the returned buffer).
std::vector<unsigned char> current_user() {
  HANDLE token = nullptr;
  if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &token)) return {};
  UniqueHandle owned(token);
  DWORD size = 0;
  ::GetTokenInformation(token, TokenUser, nullptr, 0, &size);
  std::vector<unsigned char> buffer(size);
  if (size == 0 || !::GetTokenInformation(token, TokenUser, buffer.data(), size, &size)) return {};
  return buffer;
}

PSID sid_of(std::vector<unsigned char>& token_user) {
  return token_user.empty() ? nullptr : reinterpret_cast<TOKEN_USER*>(token_user.data())->User.Sid;
}

bool is_well_known(PSID sid, WELL_KNOWN_SID_TYPE type) {
  unsigned char buffer[SECURITY_MAX_SID_SIZE];
  DWORD size = sizeof(buffer);
  return ::CreateWellKnownSid(type, nullptr, buffer, &size) && ::EqualSid(sid, buffer);
}

}  // namespace

SecretFileRead read_secret_file(const std::filesystem::path& file) {
  const auto name = file.string();
  // FILE_FLAG_OPEN_REPARSE_POINT opens a link itself rather than what it points to, so the check
  // below and the read are of the same object.
  UniqueHandle handle(::CreateFileW(file.c_str(), GENERIC_READ | READ_CONTROL, FILE_SHARE_READ, nullptr, OPEN_EXISTING,
                                    FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT, nullptr));
  if (handle.get() == INVALID_HANDLE_VALUE) {
    const auto code = ::GetLastError();
    const bool missing = code == ERROR_FILE_NOT_FOUND || code == ERROR_PATH_NOT_FOUND;
    ::SetLastError(code);
    return {std::nullopt, "cannot read " + name + ": " + last_error_text(), missing};
  }
  BY_HANDLE_FILE_INFORMATION info{};
  if (!::GetFileInformationByHandle(handle.get(), &info)) {
    return {std::nullopt, "cannot read " + name + ": " + last_error_text()};
  }
  if (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) {
    return {std::nullopt, name +
                              " is a link (reparse point); a secret is read only from a regular file (put the "
                              "file itself there)"};
  }
  if (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
    return {std::nullopt, name + " is not a regular file"};
  }
  PSID owner = nullptr;
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  if (::GetSecurityInfo(handle.get(), SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION, &owner, nullptr, nullptr, nullptr,
                        &descriptor) == ERROR_SUCCESS) {
    std::unique_ptr<void, LocalFreer> owned(descriptor);
    auto user = current_user();
    const auto* me = sid_of(user);
    if (owner && !(me && ::EqualSid(owner, const_cast<PSID>(me))) &&
        !is_well_known(owner, WinBuiltinAdministratorsSid) && !is_well_known(owner, WinLocalSystemSid)) {
      return {std::nullopt, name + " belongs to another user: someone else may have written it"};
    }
  }
  if (info.nFileSizeHigh != 0 || info.nFileSizeLow > detail::max_secret_file_bytes) {
    return {std::nullopt, name + " is larger than a secret file can be"};
  }
  std::string text(info.nFileSizeLow, '\0');
  DWORD read = 0;
  if (!text.empty() && !::ReadFile(handle.get(), text.data(), static_cast<DWORD>(text.size()), &read, nullptr)) {
    return {std::nullopt, "cannot read " + name + ": " + last_error_text()};
  }
  text.resize(read);
  return detail::secret_of(std::move(text), name);
}

SecretFileWrite write_secret_file(const std::filesystem::path& file, std::string_view content, bool replace) {
  detail::make_parent_directories(file);
  const auto name = file.string();
  // A protected DACL with one entry: this user, full control. Nothing is inherited from the
  // folder, and the file has it from its creation on.
  auto user = current_user();
  wchar_t* user_text = nullptr;
  if (!sid_of(user) || !::ConvertSidToStringSidW(sid_of(user), &user_text)) {
    return {false, "cannot find out this user's identity to protect " + name + ": " + last_error_text()};
  }
  const std::wstring sddl = std::wstring(L"D:P(A;;FA;;;") + user_text + L")";
  ::LocalFree(user_text);
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  if (!::ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl.c_str(), SDDL_REVISION_1, &descriptor, nullptr)) {
    return {false, "cannot build the permissions of " + name + ": " + last_error_text()};
  }
  std::unique_ptr<void, LocalFreer> owned_descriptor(descriptor);
  SECURITY_ATTRIBUTES attributes{sizeof(SECURITY_ATTRIBUTES), descriptor, FALSE};

  auto temporary = file;
  temporary += L".new." + std::to_wstring(::GetCurrentProcessId());
  ::DeleteFileW(temporary.c_str());
  {
    UniqueHandle handle(
        ::CreateFileW(temporary.c_str(), GENERIC_WRITE, 0, &attributes, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, nullptr));
    if (handle.get() == INVALID_HANDLE_VALUE) {
      return {false, "cannot create " + temporary.string() + ": " + last_error_text()};
    }
    DWORD written = 0;
    if (!::WriteFile(handle.get(), content.data(), static_cast<DWORD>(content.size()), &written, nullptr) ||
        written != content.size() || !::FlushFileBuffers(handle.get())) {
      const auto problem = last_error_text();
      handle.reset();
      ::DeleteFileW(temporary.c_str());
      return {false, "cannot write " + temporary.string() + ": " + problem};
    }
  }
  const DWORD flags = MOVEFILE_WRITE_THROUGH | (replace ? MOVEFILE_REPLACE_EXISTING : 0);
  if (!::MoveFileExW(temporary.c_str(), file.c_str(), flags)) {
    const auto code = ::GetLastError();
    const auto problem = last_error_text();
    ::DeleteFileW(temporary.c_str());
    if (!replace && (code == ERROR_ALREADY_EXISTS || code == ERROR_FILE_EXISTS)) {
      return {false, {}};
    }
    return {false, "cannot write " + name + ": " + problem};
  }
  return {true, {}};
}

}  // namespace nixtray::crypto
