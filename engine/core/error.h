#pragma once
// One exception family for the whole engine. Messages name the file or field and the
// problem; the CLI maps is_bad_input() to exit code 2 and everything else to 1.
#include <stdexcept>
#include <string>

namespace simclr {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  // True when the user's input (a file, a setting) is at fault rather than the run.
  virtual bool is_bad_input() const { return false; }
};

// A dataset or other input file is missing or malformed.
class DataError : public Error {
 public:
  using Error::Error;
  bool is_bad_input() const override { return true; }
};

// A project setting or command-line value is invalid.
class ConfigError : public Error {
 public:
  using Error::Error;
  bool is_bad_input() const override { return true; }
};

// Reading or writing the run's own files failed.
class IoError : public Error {
 public:
  using Error::Error;
};

// A download failed: network, HTTP status, checksum or truncation.
class NetworkError : public Error {
 public:
  using Error::Error;
};

// Training diverged or otherwise could not continue.
class TrainingError : public Error {
 public:
  using Error::Error;
};

// A data-parallel run lost a rank, timed out in a collective, or could not form its group.
class DistributedError : public Error {
 public:
  using Error::Error;
};

// The caller's stop token was triggered before the job finished.
class CancelledError : public Error {
 public:
  using Error::Error;
};

}  // namespace simclr
