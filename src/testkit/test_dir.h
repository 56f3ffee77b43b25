// For tests: a fresh, empty folder of the running test's own.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace ocrserve::testkit {

// <tmp>/ocrserve-<prefix>-<pid>-<test name>, emptied and created: tests running side by side
// (ctest -j, several processes) never share one.
inline std::filesystem::path fresh_test_dir(const std::string& prefix) {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("ocrserve-" + prefix + "-" + std::to_string(::getpid()) + "-" +
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace ocrserve::testkit
