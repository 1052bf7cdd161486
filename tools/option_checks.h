// Validators for numeric CLI options: a value the option cannot mean (not a number, infinite,
// out of range) is refused with a message that names the accepted range in plain digits.
#pragma once

#include <CLI/CLI.hpp>

namespace nvcast::cli {

// A finite number in [lo, hi].
CLI::Validator finite_in(double lo, double hi);
// A whole number in [lo, hi].
CLI::Validator integer_in(long long lo, long long hi);

}  // namespace nvcast::cli
