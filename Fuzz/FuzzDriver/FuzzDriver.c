// The fuzz targets' link to libFuzzer's driver, which -sanitize=fuzzer links in: the declaration
// is in include/FuzzDriver.h.
#include "FuzzDriver.h"
