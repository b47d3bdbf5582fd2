// Compile-cost baseline: the standard library alone.
#include <map>
#include <string>
#include <vector>
