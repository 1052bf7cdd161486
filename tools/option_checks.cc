#include "option_checks.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>

namespace nvcast::cli {
namespace {

std::string plain(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

}  // namespace

CLI::Validator finite_in(double lo, double hi) {
    const std::string range = plain(lo) + ".." + plain(hi);
    return CLI::Validator(
        [lo, hi, range](std::string& text) -> std::string {
            char* end = nullptr;
            errno = 0;
            const double v = std::strtod(text.c_str(), &end);
            if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v))
                return "'" + text + "' is not a finite number (expected " + range + ")";
            if (v < lo || v > hi) return "'" + text + "' is out of range (expected " + range + ")";
            return {};
        },
        "NUMBER in " + range);
}

CLI::Validator integer_in(long long lo, long long hi) {
    const std::string range = std::to_string(lo) + ".." + std::to_string(hi);
    return CLI::Validator(
        [lo, hi, range](std::string& text) -> std::string {
            char* end = nullptr;
            errno = 0;
            const long long v = std::strtoll(text.c_str(), &end, 10);
            if (text.empty() || *end != '\0' || errno == ERANGE)
                return "'" + text + "' is not a whole number (expected " + range + ")";
            if (v < lo || v > hi) return "'" + text + "' is out of range (expected " + range + ")";
            return {};
        },
        "INT in " + range);
}

}  // namespace nvcast::cli
