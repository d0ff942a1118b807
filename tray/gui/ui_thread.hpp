// Getting results from the io thread to wx. The only way in is wxApp::CallAfter (thread-safe:
// it queues an event); a continuation meant for a window runs only while that window exists
// (wxWeakRef), since the user may close it before the agent answers.
//
// wxWeakRef is not thread-safe, so it is created, tested and destroyed on the GUI thread only:
// the io thread merely carries a shared_ptr to it, whose deleter sends the last release back
// to the GUI thread.
#pragma once

#include <wx/app.h>
#include <wx/thread.h>
#include <wx/weakref.h>
#include <wx/window.h>

#include <functional>
#include <memory>
#include <utility>

namespace nixtray::gui {

// Runs fn on the GUI thread, later (from any thread).
inline void run_on_ui(std::function<void()> fn) {
  if (auto* app = wxTheApp) {
    app->CallAfter(fn);  // CallAfter takes a const reference and copies it into its event
  }
}

namespace detail {

template <class Window, class Value>
struct WindowContinuation {
  wxWeakRef<Window> window;
  std::function<void(Window&, Value)> body;
};

template <class Window, class Value>
std::shared_ptr<WindowContinuation<Window, Value>> make_continuation(Window* window,
                                                                     std::function<void(Window&, Value)> body) {
  using C = WindowContinuation<Window, Value>;
  return std::shared_ptr<C>(new C{wxWeakRef<Window>(window), std::move(body)}, [](C* c) {
    if (wxThread::IsMain()) {
      delete c;
    } else {
      run_on_ui([c] { delete c; });
    }
  });
}

}  // namespace detail

// Call on the GUI thread. Returns a callback that may be called on any thread (once or more);
// each call runs body(window, value) on the GUI thread if the window still exists.
template <class Window, class Value>
std::function<void(Value)> on_window(Window* window, std::function<void(Window&, Value)> body) {
  auto continuation = detail::make_continuation<Window, Value>(window, std::move(body));
  return [continuation](Value value) {
    auto shared_value = std::make_shared<Value>(std::move(value));
    run_on_ui([continuation, shared_value] {
      if (Window* target = continuation->window.get()) {
        continuation->body(*target, std::move(*shared_value));
      }
    });
  };
}

}  // namespace nixtray::gui
