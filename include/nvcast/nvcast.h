// Umbrella header for the nvcast C++ API.
#pragma once

#include "nvcast/backend.h"
#include "nvcast/config.h"
#include "nvcast/decode.h"
#include "nvcast/encoder.h"
#include "nvcast/error.h"
#include "nvcast/frame.h"
#include "nvcast/log.h"
#include "nvcast/packet.h"
#include "nvcast/sink.h"
#include "nvcast/source.h"
#include "nvcast/quality.h"
#include "nvcast/features.h"
#include "nvcast/version.h"
