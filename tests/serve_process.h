// Copyright 2026 The Moderato Authors. SPDX-License-Identifier: Apache-2.0
//
// ServeProcess: `moderato serve ...` (or any moderato command) as a child
// process for the end-to-end server tests, with its stderr collected.
#ifndef MODERATO_TESTS_SERVE_PROCESS_H_
#define MODERATO_TESTS_SERVE_PROCESS_H_

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "server/config.h"

extern char** environ;

namespace moderato {

// A child process running the real binary, with its stderr collected by a
// reader thread. The environment is the test's, minus every variable that
// configures the server, plus `env`.
class ServeProcess {
 public:
  ServeProcess(const std::vector<std::string>& args,
               const std::map<std::string, std::string>& env) {
    std::set<std::string> scrubbed = {"MODERATO_DB"};
    for (const std::string& key : server::ServeConfigKeys()) {
      scrubbed.insert(server::ServeConfigEnvName(key));
    }
    for (char** e = environ; *e != nullptr; ++e) {
      const std::string entry = *e;
      if (!scrubbed.contains(entry.substr(0, entry.find('=')))) env_.push_back(entry);
    }
    for (const auto& [name, value] : env) env_.push_back(name + "=" + value);
    args_.push_back(MODERATO_CLI_PATH);
    args_.insert(args_.end(), args.begin(), args.end());
    std::vector<char*> argv, envp;
    for (std::string& a : args_) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (std::string& e : env_) envp.push_back(e.data());
    envp.push_back(nullptr);

    int fds[2];
    if (::pipe(fds) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], 2);
      ::close(fds[0]);
      ::close(fds[1]);
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    reader_ = std::thread([this, fd = fds[0]] {
      char buf[4096];
      for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        std::lock_guard<std::mutex> lock(mu_);
        if (n <= 0) {
          eof_ = true;
          cv_.notify_all();
          break;
        }
        log_.append(buf, static_cast<std::size_t>(n));
        cv_.notify_all();
      }
      ::close(fd);
    });
  }
  ~ServeProcess() {
    if (pid_ > 0 && exit_code_ == kRunning) {
      ::kill(pid_, SIGKILL);
      Wait();
    }
    if (reader_.joinable()) reader_.join();
  }
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  // Returns true once `needle` appears on stderr; false on EOF or timeout.
  bool WaitForLog(const std::string& needle,
                  std::chrono::seconds timeout = std::chrono::seconds(60)) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] {
      return log_.find(needle) != std::string::npos || eof_;
    }) && log_.find(needle) != std::string::npos;
  }

  // Returns the port from "moderato: serving on http://HOST:PORT", or 0 if
  // the process ended first.
  int WaitForPort() {
    static const std::string kServing = "moderato: serving on http://";
    if (!WaitForLog(kServing)) return 0;
    std::lock_guard<std::mutex> lock(mu_);
    std::size_t at = log_.find(kServing) + kServing.size();
    std::size_t end = log_.find('\n', at);
    if (end == std::string::npos) return 0;
    std::string address = log_.substr(at, end - at);
    return std::atoi(address.substr(address.rfind(':') + 1).c_str());
  }

  void Signal(int sig) { ::kill(pid_, sig); }
  // Signal(sig), then Wait().
  int Kill(int sig) {
    Signal(sig);
    return Wait();
  }

  // Returns the exit code (128 + N for signal N), or -1 when the process has
  // not ended within `timeout`.
  int Wait(std::chrono::seconds timeout = std::chrono::seconds(60)) {
    if (exit_code_ != kRunning) return exit_code_;
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      int status = 0;
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (reader_.joinable()) reader_.join();
        return exit_code_;
      }
      if (r < 0 || std::chrono::steady_clock::now() > until) return -1;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  std::string log() {
    std::lock_guard<std::mutex> lock(mu_);
    return log_;
  }

 private:
  static constexpr int kRunning = -1000;
  std::vector<std::string> args_, env_;
  pid_t pid_ = -1;
  int exit_code_ = kRunning;
  std::thread reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string log_;
  bool eof_ = false;
};

}  // namespace moderato

#endif  // MODERATO_TESTS_SERVE_PROCESS_H_
