#include "nvcast/encoder.h"

#include "nvcast/error.h"

namespace nvcast {

void Encoder::invalidate_reference(int64_t) {
    throw Error(ErrorCode::Unsupported, backend_name() + " cannot invalidate reference frames");
}

}  // namespace nvcast
