#pragma once

#include <cstdio>
#include <optional>
#include <string>

namespace ivm::ctl {

/// Reads one password line from `in`. On a terminal it prompts on stderr,
/// turns echo off and asks a second time to confirm; from a pipe it reads
/// one line silently. A trailing CR/LF is dropped. Returns nullopt (with
/// `why` set) on end of input, an empty line or a mismatch.
std::optional<std::string> read_password(std::FILE* in, std::string& why);

} // namespace ivm::ctl
