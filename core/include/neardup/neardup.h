// File: neardup/neardup.h
//
// Umbrella header: the whole public API of neardup.

#ifndef NEARDUP_NEARDUP_H_
#define NEARDUP_NEARDUP_H_

#include "neardup/cluster.h"
#include "neardup/fingerprint.h"
#include "neardup/hamming_index.h"
#include "neardup/index.h"
#include "neardup/lsh.h"
#include "neardup/minhash.h"
#include "neardup/options.h"
#include "neardup/pipeline.h"
#include "neardup/sketch.h"
#include "neardup/status.h"
#include "neardup/story.h"
#include "neardup/text.h"
#include "neardup/types.h"

#endif  // NEARDUP_NEARDUP_H_
