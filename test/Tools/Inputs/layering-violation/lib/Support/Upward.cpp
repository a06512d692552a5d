#include "nncc/Driver/Compile.h"
