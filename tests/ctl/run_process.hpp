#pragma once

// Runs a program with a given argv, environment and stdin and collects its
// exit code, stdout and stderr (fork/exec, pipes, poll).

#include <string>
#include <vector>

namespace ivm::test {

struct process_result {
  /// Exit status, or 128 + signal when killed by a signal.
  int code = -1;
  std::string out;
  std::string err;
};

/// `env` replaces the environment entirely ("NAME=value" strings); `input`
/// is written to stdin, which is then closed.
process_result run_process(const std::vector<std::string>& argv,
                           const std::vector<std::string>& env,
                           const std::string& input = {});

} // namespace ivm::test
