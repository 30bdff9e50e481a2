#pragma once

// A fresh database path under the system temp directory, removed (with its
// WAL files) at the end of the test.

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

namespace sanbao_test {

class TempDb {
 public:
  TempDb() {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("sanbao-webhooks-" + std::to_string(::getpid()) + "-" +
            std::to_string(counter++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~TempDb() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempDb(TempDb const&) = delete;
  TempDb& operator=(TempDb const&) = delete;

  std::string path() const { return (dir_ / "sanbao.db").string(); }
  std::filesystem::path const& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace sanbao_test
