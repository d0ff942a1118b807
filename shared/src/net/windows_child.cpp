#include "nixtray/net/windows_child.hpp"

#if defined(_WIN32)
#include "nixtray/net/windows_command_line.hpp"

#include <windows.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <system_error>

namespace nixtray::net::windows {

namespace {

struct HandleCloser {
  void operator()(HANDLE handle) const {
    if (handle && handle != INVALID_HANDLE_VALUE) ::CloseHandle(handle);
  }
};
using UniqueHandle = std::unique_ptr<void, HandleCloser>;

std::system_error last_error(const std::string& what) {
  const auto code = ::GetLastError();
  return std::system_error(static_cast<int>(code), std::system_category(), what + ": " + error_text(code));
}

// One direction of a pipe: our end overlapped (for Asio), the child's end inheritable and
// synchronous (what console programs expect). Named, because only named pipes do overlapped I/O;
// the name is unique to this process and the pipe takes one instance, so nobody else can join.
struct PipePair {
  UniqueHandle ours;
  UniqueHandle theirs;
};

PipePair make_pipe(bool child_reads) {
  static std::atomic<unsigned> serial{0};
  const auto name = L"\\\\.\\pipe\\nixtray-" + std::to_wstring(::GetCurrentProcessId()) + L"-" +
                    std::to_wstring(serial.fetch_add(1)) + L"-" + std::to_wstring(::GetTickCount64());
  const DWORD direction = child_reads ? PIPE_ACCESS_OUTBOUND : PIPE_ACCESS_INBOUND;
  HANDLE server = ::CreateNamedPipeW(name.c_str(), direction | FILE_FLAG_OVERLAPPED | FILE_FLAG_FIRST_PIPE_INSTANCE,
                                     PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS, 1,
                                     64 * 1024, 64 * 1024, 0, nullptr);
  if (server == INVALID_HANDLE_VALUE) {
    throw last_error("cannot create a pipe");
  }
  PipePair pair{UniqueHandle(server), {}};
  SECURITY_ATTRIBUTES inheritable{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
  HANDLE client = ::CreateFileW(name.c_str(), child_reads ? GENERIC_READ : GENERIC_WRITE, 0, &inheritable,
                                OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (client == INVALID_HANDLE_VALUE) {
    throw last_error("cannot open a pipe");
  }
  pair.theirs.reset(client);
  return pair;
}

UniqueHandle open_null(bool for_reading) {
  SECURITY_ATTRIBUTES inheritable{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
  HANDLE handle = ::CreateFileW(L"NUL", for_reading ? GENERIC_READ : GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                                &inheritable, OPEN_EXISTING, 0, nullptr);
  if (handle == INVALID_HANDLE_VALUE) {
    throw last_error("cannot open NUL");
  }
  return UniqueHandle(handle);
}

// Our own stderr as an inheritable duplicate, when we have one (console programs do; a GUI
// program's is empty).
UniqueHandle own_stderr() {
  HANDLE err = ::GetStdHandle(STD_ERROR_HANDLE);
  if (err == nullptr || err == INVALID_HANDLE_VALUE) {
    return {};
  }
  HANDLE copy = nullptr;
  if (!::DuplicateHandle(::GetCurrentProcess(), err, ::GetCurrentProcess(), &copy, 0, TRUE, DUPLICATE_SAME_ACCESS)) {
    return {};
  }
  return UniqueHandle(copy);
}

// The attribute list that limits inheritance to the given handles. Without it, every inheritable
// handle of this process (a pipe another thread is setting up right now) would leak into the
// child and keep that pipe open.
class HandleList {
 public:
  explicit HandleList(std::vector<HANDLE> handles) : handles_(std::move(handles)) {
    SIZE_T size = 0;
    ::InitializeProcThreadAttributeList(nullptr, 1, 0, &size);
    storage_.resize(size);
    list_ = reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(storage_.data());
    if (!::InitializeProcThreadAttributeList(list_, 1, 0, &size)) {
      list_ = nullptr;
      return;
    }
    if (!::UpdateProcThreadAttribute(list_, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, handles_.data(),
                                     handles_.size() * sizeof(HANDLE), nullptr, nullptr)) {
      ::DeleteProcThreadAttributeList(list_);
      list_ = nullptr;
    }
  }
  ~HandleList() {
    if (list_) ::DeleteProcThreadAttributeList(list_);
  }
  HandleList(const HandleList&) = delete;
  HandleList& operator=(const HandleList&) = delete;

  [[nodiscard]] LPPROC_THREAD_ATTRIBUTE_LIST get() const { return list_; }

 private:
  std::vector<HANDLE> handles_;
  std::vector<char> storage_;
  LPPROC_THREAD_ATTRIBUTE_LIST list_ = nullptr;
};

// The command line for argv, with argv[0] as program_to_start makes it.
std::wstring command_line_of(std::vector<std::string> argv) {
  if (!argv.empty()) argv.front() = program_to_start(argv.front());
  return widen(windows_command_line(argv));
}

}  // namespace

std::string system_wsl_path() {
  std::wstring directory(MAX_PATH, L'\0');
  const UINT length = ::GetSystemDirectoryW(directory.data(), static_cast<UINT>(directory.size()));
  if (length == 0 || length >= directory.size()) {
    throw std::system_error(static_cast<int>(::GetLastError()), std::system_category(),
                            "cannot find the system directory (for wsl.exe)");
  }
  directory.resize(length);
  return narrow(directory) + "\\wsl.exe";
}

std::string program_to_start(const std::string& argv0) {
  std::string name = argv0;
  for (auto& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return name == "wsl" || name == "wsl.exe" ? system_wsl_path() : argv0;
}

std::wstring widen(std::string_view utf8) {
  if (utf8.empty()) return {};
  const int length = ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
  std::wstring wide(static_cast<std::size_t>(length), L'\0');
  ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), wide.data(), length);
  return wide;
}

std::string narrow(std::wstring_view utf16) {
  if (utf16.empty()) return {};
  const int length =
      ::WideCharToMultiByte(CP_UTF8, 0, utf16.data(), static_cast<int>(utf16.size()), nullptr, 0, nullptr, nullptr);
  std::string text(static_cast<std::size_t>(length), '\0');
  ::WideCharToMultiByte(CP_UTF8, 0, utf16.data(), static_cast<int>(utf16.size()), text.data(), length, nullptr,
                        nullptr);
  return text;
}

std::string error_text(unsigned long code) {
  wchar_t* buffer = nullptr;
  const DWORD length =
      ::FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                       nullptr, code, 0, reinterpret_cast<wchar_t*>(&buffer), 0, nullptr);
  std::string text = length ? narrow(std::wstring_view(buffer, length)) : "error " + std::to_string(code);
  if (buffer) ::LocalFree(buffer);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

Child spawn_child(const asio::any_io_executor& executor, const std::vector<std::string>& argv,
                  const ChildStreams& streams) {
  std::wstring command_line;
  try {
    command_line = command_line_of(argv);
  } catch (const std::invalid_argument& e) {
    throw std::system_error(std::make_error_code(std::errc::invalid_argument), e.what());
  }

  std::optional<PipePair> in;
  std::optional<PipePair> out;
  std::optional<PipePair> err;
  UniqueHandle null_in;
  UniqueHandle null_out;
  UniqueHandle stderr_target;
  if (streams.pipe_stdin)
    in = make_pipe(true);
  else
    null_in = open_null(true);
  if (streams.pipe_stdout)
    out = make_pipe(false);
  else
    null_out = open_null(false);
  if (streams.pipe_stderr) {
    err = make_pipe(false);
  } else {
    stderr_target = own_stderr();
    if (!stderr_target) stderr_target = open_null(false);
  }

  STARTUPINFOEXW startup{};
  startup.StartupInfo.cb = sizeof(startup);
  startup.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
  startup.StartupInfo.hStdInput = in ? in->theirs.get() : null_in.get();
  startup.StartupInfo.hStdOutput = out ? out->theirs.get() : null_out.get();
  startup.StartupInfo.hStdError = err ? err->theirs.get() : stderr_target.get();
  std::vector<HANDLE> inherited{startup.StartupInfo.hStdInput, startup.StartupInfo.hStdOutput};
  if (startup.StartupInfo.hStdError != startup.StartupInfo.hStdOutput) {
    inherited.push_back(startup.StartupInfo.hStdError);
  }
  HandleList handle_list(std::move(inherited));
  startup.lpAttributeList = handle_list.get();

  DWORD flags = CREATE_UNICODE_ENVIRONMENT | CREATE_NO_WINDOW;
  if (startup.lpAttributeList) flags |= EXTENDED_STARTUPINFO_PRESENT;
  PROCESS_INFORMATION info{};
  if (!::CreateProcessW(nullptr, command_line.data(), nullptr, nullptr, TRUE, flags, nullptr, nullptr,
                        &startup.StartupInfo, &info)) {
    throw last_error("cannot start " + program_to_start(argv.front()));
  }
  ::CloseHandle(info.hThread);

  // The child's ends are closed here (the child has its own copies), so we see the end of its
  // output when it exits.
  Child child(executor);
  child.process.assign(info.hProcess);
  child.pid = info.dwProcessId;
  if (in) child.in.emplace(executor, in->ours.release());
  if (out) child.out.emplace(executor, out->ours.release());
  if (err) child.err.emplace(executor, err->ours.release());
  return child;
}

std::string start_detached(const std::vector<std::string>& argv) {
  std::wstring command_line;
  try {
    command_line = command_line_of(argv);
  } catch (const std::system_error& e) {
    return e.what();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  STARTUPINFOW startup{};
  startup.cb = sizeof(startup);
  PROCESS_INFORMATION info{};
  if (!::CreateProcessW(nullptr, command_line.data(), nullptr, nullptr, FALSE,
                        CREATE_UNICODE_ENVIRONMENT | CREATE_NEW_CONSOLE | CREATE_NEW_PROCESS_GROUP, nullptr, nullptr,
                        &startup, &info)) {
    const auto code = ::GetLastError();
    return "cannot start " + program_to_start(argv.front()) + ": " + error_text(code);
  }
  ::CloseHandle(info.hThread);
  ::CloseHandle(info.hProcess);
  return {};
}

unsigned long exit_code_of(asio::windows::object_handle& process) {
  DWORD code = 0;
  if (!::GetExitCodeProcess(process.native_handle(), &code)) {
    return static_cast<unsigned long>(-1);
  }
  return code;
}

}  // namespace nixtray::net::windows
#endif
